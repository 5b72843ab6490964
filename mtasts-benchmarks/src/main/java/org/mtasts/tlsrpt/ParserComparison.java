package org.mtasts.tlsrpt;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.sym.PropertyNameMatcher;

/**
 * Reads one plain JSON report with today's {@code ReportParser} or with {@link FrozenReportParser}
 * (the parser before issue 18 named its member ids and bits), through the same steps: a Jackson
 * parser from a factory configured as {@link TlsReportReader}'s, the reader's warning collector
 * and a visitor that builds the {@link TlsReport}. Only the parser differs, so that the report read
 * benchmark can compare them in one JMH run. Part of the benchmarks module only (not published);
 * it sits in mtasts-tlsrpt's package to reach the package-private parsers.
 *
 * <pre>{@code
 * ParserComparison parsers = new ParserComparison();
 * ParserComparison.Read today = parsers.readToday(json);
 * ParserComparison.Read before = parsers.readFrozen(json);
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 */
public final class ParserComparison {

    private final JsonFactory factory;
    private final PropertyNameMatcher todayNames;
    private final PropertyNameMatcher frozenNames;

    /** Builds the Jackson factory and both parsers' name matchers with the reader's defaults. */
    public ParserComparison() {
        StreamReadConstraints limits = StreamReadConstraints.builder()
                .maxNestingDepth(TlsReportReader.DEFAULT_MAX_NESTING_DEPTH)
                .maxStringLength(TlsReportReader.DEFAULT_MAX_STRING_LENGTH)
                .maxNameLength(TlsReportReader.DEFAULT_MAX_STRING_LENGTH)
                .maxNumberLength(100)
                .maxDocumentLength(TlsReportReader.DEFAULT_MAX_JSON_BYTES)
                .build();
        this.factory = JsonFactory.builder()
                .streamReadConstraints(limits)
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
        this.todayNames = ReportParser.matcher(factory);
        this.frozenNames = FrozenReportParser.matcher(factory);
    }

    /**
     * What one read produced.
     *
     * @param report the report
     * @param warnings the warnings, in order
     */
    public record Read(TlsReport report, List<ReportWarning> warnings) {}

    /**
     * Reads with today's parser.
     *
     * @param json a plain JSON report
     * @return the report and its warnings
     */
    public Read readToday(byte[] json) {
        Collector collector = new Collector();
        Warnings warnings = new Warnings(TlsReportReader.DEFAULT_MAX_WARNINGS, false, collector);
        try (JsonParser p = factory.createParser(ObjectReadContext.empty(), json)) {
            ReportHeader header = new ReportParser(p, todayNames, warnings, collector,
                    TlsReportReader.DEFAULT_MAX_POLICIES, TlsReportReader.DEFAULT_MAX_FAILURE_DETAILS).parse();
            return new Read(TlsReport.of(header, collector.policies), warnings.kept());
        }
    }

    /**
     * Reads with the frozen parser of commit 2307d8d.
     *
     * @param json a plain JSON report
     * @return the report and its warnings
     */
    public Read readFrozen(byte[] json) {
        Collector collector = new Collector();
        Warnings warnings = new Warnings(TlsReportReader.DEFAULT_MAX_WARNINGS, false, collector);
        try (JsonParser p = factory.createParser(ObjectReadContext.empty(), json)) {
            ReportHeader header = new FrozenReportParser(p, frozenNames, warnings, collector,
                    TlsReportReader.DEFAULT_MAX_POLICIES, TlsReportReader.DEFAULT_MAX_FAILURE_DETAILS).parse();
            return new Read(TlsReport.of(header, collector.policies), warnings.kept());
        }
    }

    /** Builds the policies as {@link TlsReportReader#read} does. */
    private static final class Collector implements ReportVisitor {
        final List<PolicyResult> policies = new ArrayList<>();
        private final List<FailureDetails> pending = new ArrayList<>();

        @Override
        public void failureDetails(int policyIndex, long detailIndex, FailureDetails details) {
            pending.add(details);
        }

        @Override
        public void policy(int policyIndex, PolicyDetails policy, Summary summary, long failureDetailCount) {
            policies.add(new PolicyResult(policy, summary, pending));
            pending.clear();
        }
    }
}
