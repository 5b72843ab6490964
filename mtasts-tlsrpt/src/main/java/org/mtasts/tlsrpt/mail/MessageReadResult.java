package org.mtasts.tlsrpt.mail;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.tlsrpt.ReportError;
import org.mtasts.tlsrpt.ReportReadException;
import org.mtasts.tlsrpt.ReportWarning;
import org.mtasts.tlsrpt.TlsReport;

/**
 * The outcome of reading a report message: {@link Received} with the report (every fact from the
 * JSON, RFC 8460 §5.6), or {@link Invalid}. Both carry the message's top-level headers, for the
 * caller to check against its DKIM result, and the warnings (the report's and the message's).
 *
 * <pre>{@code
 * MessageReadResult r = ReportMessageReader.create().read(in);
 * if (r instanceof MessageReadResult.Received received) {
 *     TlsReport report = received.report();
 *     Optional<String> submitter = received.header("TLS-Report-Submitter");
 * }
 * TlsReport report = r.orElseThrow();   // or: ReportReadException
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public sealed interface MessageReadResult permits MessageReadResult.Received, MessageReadResult.Invalid {

    /** The two outcomes, to {@code switch} on. */
    enum Kind {
        /** The report was read. */
        RECEIVED,
        /** The message holds no usable report. */
        INVALID
    }

    /** {@return which outcome this is} */
    Kind kind();

    /** {@return the message's top-level header fields, in order} */
    List<MessageHeader> headers();

    /** {@return the warnings: the report's, then the message's} */
    List<ReportWarning> warnings();

    /**
     * Returns the report, as {@link org.mtasts.tlsrpt.ReadResult#orElseThrow()} does for a report
     * read alone.
     *
     * @return the report
     * @throws ReportReadException if the message holds no usable report
     */
    TlsReport orElseThrow();

    /**
     * Returns the first value of a header field.
     *
     * @param name the field name, compared ignoring case
     * @return the value, or empty
     */
    default Optional<String> header(String name) {
        for (MessageHeader h : headers()) {
            if (h.name().equalsIgnoreCase(name)) {
                return Optional.of(h.value());
            }
        }
        return Optional.empty();
    }

    /**
     * A report read from a message.
     *
     * @param report the report
     * @param warnings the report's and the message's warnings
     * @param headers the top-level header fields
     * @param fileName the attachment's file name, or null
     * @param mediaType the attachment's media type, lower case
     */
    record Received(TlsReport report, List<ReportWarning> warnings, List<MessageHeader> headers,
            @Nullable String fileName, String mediaType) implements MessageReadResult {
        /**
         * Checks and copies the components.
         *
         * @param report the report
         * @param warnings the report's and the message's warnings
         * @param headers the top-level header fields
         * @param fileName the attachment's file name, or null
         * @param mediaType the attachment's media type, lower case
         */
        public Received {
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(mediaType, "mediaType");
            warnings = List.copyOf(warnings);
            headers = List.copyOf(headers);
        }

        @Override
        public Kind kind() {
            return Kind.RECEIVED;
        }

        @Override
        public TlsReport orElseThrow() {
            return report;
        }

        /**
         * Returns whether the report comes from the domain whose DKIM signature the caller verified:
         * the domain of {@code contact-info} (the submitter, RFC 8460 §5.3) is that domain or below
         * it. RFC 8460 §3: a receiver ignores reports without a valid signature of the reporting
         * domain.
         *
         * @param verifiedDkimDomain the {@code d=} domain of a DKIM signature that verified
         * @return false also when the report has no usable {@code contact-info}
         */
        public boolean submittedBy(DomainName verifiedDkimDomain) {
            return report.submitter().filter(submitter -> submitter.equals(verifiedDkimDomain)
                    || submitter.isSubdomainOf(verifiedDkimDomain)).isPresent();
        }
    }

    /**
     * A message without a usable report.
     *
     * @param error why
     * @param warnings the warnings found before the error
     * @param headers the top-level header fields (empty if the message could not be parsed)
     */
    record Invalid(ReportError error, List<ReportWarning> warnings, List<MessageHeader> headers)
            implements MessageReadResult {
        /**
         * Checks and copies the components.
         *
         * @param error why
         * @param warnings the warnings found before the error
         * @param headers the top-level header fields (empty if the message could not be parsed)
         */
        public Invalid {
            Objects.requireNonNull(error, "error");
            warnings = List.copyOf(warnings);
            headers = List.copyOf(headers);
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
