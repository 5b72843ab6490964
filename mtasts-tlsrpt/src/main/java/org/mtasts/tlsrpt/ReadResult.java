package org.mtasts.tlsrpt;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of reading a report: {@link Read} with the report and the tolerated deviations, or
 * {@link Invalid} with the error. Both carry the warnings found (up to the reader's {@linkplain
 * TlsReportReader.Builder#maxWarnings(int) limit}; {@link #omittedWarnings()} counts the rest).
 *
 * <pre>{@code
 * ReadResult result = reader.read(bytes);
 * switch (result.kind()) {
 *     case READ -> show(((ReadResult.Read) result).report(), result.warnings());
 *     case INVALID -> System.err.println(((ReadResult.Invalid) result).error());
 * }
 * TlsReport report = result.orElseThrow();   // or: ReportReadException
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public sealed interface ReadResult permits ReadResult.Read, ReadResult.Invalid {

    /** The two outcomes, to {@code switch} on. */
    enum Kind {
        /** The report was read. */
        READ,
        /** The input is not a usable report. */
        INVALID
    }

    /** {@return which outcome this is} */
    Kind kind();

    /** {@return the warnings found, in document order} */
    List<ReportWarning> warnings();

    /** {@return how many more warnings were found than {@link #warnings()} holds} */
    long omittedWarnings();

    /**
     * Returns the report.
     *
     * @return the report
     * @throws ReportReadException if the input was invalid
     */
    TlsReport orElseThrow();

    /**
     * A report that was read.
     *
     * @param report the report
     * @param warnings the tolerated deviations
     * @param omittedWarnings warnings beyond the limit
     */
    record Read(TlsReport report, List<ReportWarning> warnings, long omittedWarnings) implements ReadResult {
        /**
         * Checks and copies the components.
         *
         * @param report the report
         * @param warnings the tolerated deviations
         * @param omittedWarnings warnings beyond the limit
         */
        public Read {
            Objects.requireNonNull(report, "report");
            warnings = List.copyOf(warnings);
        }

        @Override
        public Kind kind() {
            return Kind.READ;
        }

        @Override
        public TlsReport orElseThrow() {
            return report;
        }
    }

    /**
     * Input that is not a usable report.
     *
     * @param error why
     * @param warnings the warnings found before the error
     * @param omittedWarnings warnings beyond the limit
     */
    record Invalid(ReportError error, List<ReportWarning> warnings, long omittedWarnings) implements ReadResult {
        /**
         * Checks and copies the components.
         *
         * @param error why
         * @param warnings the warnings found before the error
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

        @Override
        public TlsReport orElseThrow() {
            throw new ReportReadException(error);
        }
    }
}
