package org.mtasts.tlsrpt;

import java.util.ArrayList;
import java.util.List;

/**
 * Internal: collects warnings for one read, up to a limit, hands each one to the visitor, and in
 * strict mode turns a deviation into an error.
 */
final class Warnings {
    private final List<ReportWarning> kept = new ArrayList<>();
    private final int max;
    private final boolean strict;
    private final ReportVisitor visitor;
    private long omitted;

    Warnings(int max, boolean strict, ReportVisitor visitor) {
        this.max = max;
        this.strict = strict;
        this.visitor = visitor;
    }

    /**
     * Records a warning found at a position of the JSON text (0 when unknown).
     *
     * @throws ReportFailure in strict mode, for a deviation
     */
    void add(ReportWarning warning, int line, int column) {
        if (strict && warning.isDeviation()) {
            throw new ReportFailure(new ReportError(ReportError.Kind.STRICT, warning.rule(), warning.path(),
                    line, column, warning.detail() + " [" + warning.code() + "]"));
        }
        if (kept.size() < max) {
            kept.add(warning);
        } else {
            omitted++;
        }
        visitor.warning(warning);
    }

    List<ReportWarning> kept() {
        return kept;
    }

    long omitted() {
        return omitted;
    }
}
