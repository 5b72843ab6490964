package org.mtasts.tlsrpt;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link TlsReportReader#stream}: {@link Completed} with the header and counts of
 * what the visitor was given, or {@link Invalid} with the error and the counts up to it (the visitor
 * has then seen a prefix of the report; discard what it built).
 *
 * <pre>{@code
 * StreamResult r = reader.stream(in, visitor);
 * if (r instanceof StreamResult.Completed done) {
 *     System.out.println(done.header().reportId() + ": " + done.failureDetailCount() + " details");
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public sealed interface StreamResult permits StreamResult.Completed, StreamResult.Invalid {

    /** The two outcomes, to {@code switch} on. */
    enum Kind {
        /** The whole report was visited. */
        COMPLETED,
        /** The input is not a usable report. */
        INVALID
    }

    /** {@return which outcome this is} */
    Kind kind();

    /** {@return how many policies were handed to the visitor} */
    int policyCount();

    /** {@return how many failure details were handed to the visitor} */
    long failureDetailCount();

    /** {@return the warnings kept (the visitor saw every one)} */
    List<ReportWarning> warnings();

    /** {@return how many more warnings were found than {@link #warnings()} holds} */
    long omittedWarnings();

    /**
     * The whole report was visited.
     *
     * @param header the top-level members
     * @param policyCount policies visited
     * @param failureDetailCount failure details visited
     * @param warnings the warnings kept
     * @param omittedWarnings warnings beyond the limit
     */
    record Completed(ReportHeader header, int policyCount, long failureDetailCount, List<ReportWarning> warnings,
            long omittedWarnings) implements StreamResult {
        /**
         * Checks and copies the components.
         *
         * @param header the top-level members
         * @param policyCount policies visited
         * @param failureDetailCount failure details visited
         * @param warnings the warnings kept
         * @param omittedWarnings warnings beyond the limit
         */
        public Completed {
            Objects.requireNonNull(header, "header");
            warnings = List.copyOf(warnings);
        }

        @Override
        public Kind kind() {
            return Kind.COMPLETED;
        }
    }

    /**
     * The input is not a usable report.
     *
     * @param error why
     * @param policyCount policies visited before the error
     * @param failureDetailCount failure details visited before the error
     * @param warnings the warnings kept
     * @param omittedWarnings warnings beyond the limit
     */
    record Invalid(ReportError error, int policyCount, long failureDetailCount, List<ReportWarning> warnings,
            long omittedWarnings) implements StreamResult {
        /**
         * Checks and copies the components.
         *
         * @param error why
         * @param policyCount policies visited before the error
         * @param failureDetailCount failure details visited before the error
         * @param warnings the warnings kept
         * @param omittedWarnings warnings beyond the limit
         */
        public Invalid {
            Objects.requireNonNull(error, "error");
            warnings = List.copyOf(warnings);
        }

        @Override
        public Kind kind() {
            return Kind.INVALID;
        }
    }
}
