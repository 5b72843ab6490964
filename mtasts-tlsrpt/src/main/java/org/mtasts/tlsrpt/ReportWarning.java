package org.mtasts.tlsrpt;

import java.util.Objects;

/**
 * Something a report (or a report message) does that RFC 8460 does not ask for, which the reader
 * tolerated: where ({@link #path()}, a JSON path such as {@code
 * $.policies[0].failure-details[2].receiving-ip}, or a header name for message-level warnings), what
 * ({@link #kind()}) and a plain-language {@link #detail()} quoting the offending value escaped.
 *
 * <p>Each kind is either a {@linkplain Severity#DEVIATION deviation} from RFC 8460 (a {@linkplain
 * TlsReportReader.Builder#strict(boolean) strict} reader rejects the report) or a {@linkplain
 * Severity#NOTICE notice} of something the RFC allows but a reader should know, such as counts that
 * do not add up (failure types are not exclusive, RFC 8460 §4).
 *
 * <pre>{@code
 * for (ReportWarning w : result.warnings()) {
 *     System.out.println(w);   // $.date-range.start-datetime: '2023-01-10T00:00:00' has no time zone; read as UTC (RFC 3339 §5.6)
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind what kind of deviation
 * @param path where: a JSON path starting with {@code $}, or a header name
 * @param detail what exactly, in plain language, without the path and the rule
 * @since 0.1
 */
public record ReportWarning(Kind kind, String path, String detail) {

    /** Whether a warning is a deviation from RFC 8460 or only a notice. */
    public enum Severity {
        /** Not what RFC 8460 (or the RFCs it builds on) asks for; a strict reader rejects it. */
        DEVIATION,
        /** Allowed, but worth knowing; never an error. */
        NOTICE
    }

    /** The kinds of tolerated deviations, each with a stable code and the rule it concerns. */
    public enum Kind {
        /** The JSON text starts with a UTF-8 byte order mark, which JSON text must not have. */
        BYTE_ORDER_MARK("byte-order-mark", "RFC 8259 §8.1", Severity.DEVIATION),
        /** The JSON text starts with whitespace (allowed by JSON, unusual for a report). */
        LEADING_WHITESPACE("leading-whitespace", "RFC 8259 §2", Severity.NOTICE),
        /** A member is {@code null} instead of a value or being left out (read as absent). */
        NULL_VALUE("null-value", "RFC 8460 §4.4", Severity.DEVIATION),
        /** A member the report needs is missing (a count is then taken as 0). */
        MISSING_MEMBER("missing-member", "RFC 8460 §4.4", Severity.DEVIATION),
        /** A member RFC 8460 describes is missing; real senders routinely leave it out. */
        ABSENT_MEMBER("absent-member", "RFC 8460 §4.4", Severity.NOTICE),
        /** A member RFC 8460 does not define; skipped. */
        UNKNOWN_MEMBER("unknown-member", "RFC 8460 §4.4", Severity.DEVIATION),
        /**
         * A placeholder name from the RFC 8460 §4.4 schema ({@code mx-host-pattern}, {@code
         * additional-info-uri}, {@code domain}, {@code ip-address}) instead of the real key; read
         * as the real key.
         */
        PLACEHOLDER_NAME("placeholder-name", "RFC 8460 §4.4", Severity.DEVIATION),
        /** A key from the drafts ({@code failure-error-code}); read as {@code failure-reason-code}. */
        DRAFT_NAME("draft-name", "RFC 8460 §4.4", Severity.DEVIATION),
        /** A member appears twice in one object; the first one counts. */
        DUPLICATE_MEMBER("duplicate-member", "RFC 7493 §2.3", Severity.DEVIATION),
        /** A date-time without time zone, read as UTC (Microsoft, 2023). */
        DATE_TIME_WITHOUT_ZONE("date-time-without-zone", "RFC 3339 §5.6", Severity.DEVIATION),
        /** {@code start-datetime} is after {@code end-datetime}. */
        DATE_RANGE_REVERSED("date-range-reversed", "RFC 8460 §4.4", Severity.DEVIATION),
        /** The range ends at 00:00:00 of the next day rather than 23:59:59 (both are in use). */
        EXCLUSIVE_END("exclusive-end", "RFC 8460 §4.1", Severity.NOTICE),
        /** A single string where an array of strings belongs (erratum 6241); read as a one-element array. */
        SINGLE_VALUE_NOT_ARRAY("single-value-not-array", "RFC 8460 §4.4", Severity.DEVIATION),
        /** An empty array (allowed, but says nothing). */
        EMPTY_ARRAY("empty-array", "RFC 8460 §4.4", Severity.NOTICE),
        /** A {@code policy-type} other than {@code tlsa}, {@code sts} and {@code no-policy-found}; kept. */
        UNKNOWN_POLICY_TYPE("unknown-policy-type", "RFC 8460 §4.4", Severity.DEVIATION),
        /** A {@code result-type} not in the IANA registry (the registry may grow); kept. */
        UNREGISTERED_RESULT_TYPE("unregistered-result-type", "RFC 8460 §4.3", Severity.NOTICE),
        /** An IP address member that is not an IPv4 or IPv6 literal; kept as received. */
        NOT_AN_IP_ADDRESS("not-an-ip-address", "RFC 8460 §4.4", Severity.DEVIATION),
        /** A domain member that is not a domain name in A-labels; kept as received. */
        NOT_A_DOMAIN("not-a-domain", "RFC 8460 §4.4", Severity.DEVIATION),
        /** {@code additional-information} that is not a URI; kept as received. */
        NOT_A_URI("not-a-uri", "RFC 8460 §4.4", Severity.DEVIATION),
        /** {@code contact-info} that is not an address {@code local@domain}; kept as received. */
        NOT_AN_ADDRESS("not-an-address", "RFC 8460 §4.4", Severity.DEVIATION),
        /** An {@code mx-host} entry still carrying the policy file's {@code mx:} key; kept as received. */
        MX_PREFIX("mx-prefix", "RFC 8460 §4.4", Severity.DEVIATION),
        /** A {@code policy-string} element that holds a JSON-encoded array (Microsoft TLSA); kept. */
        JSON_IN_STRING("json-in-string", "RFC 8460 §4.4", Severity.DEVIATION),
        /** An {@code sts} {@code policy-string} element that is not a {@code key: value} line. */
        POLICY_LINE("policy-line", "RFC 8460 §4.5", Severity.NOTICE),
        /** A count above 2^53 - 1, which I-JSON readers cannot all represent. */
        LARGE_NUMBER("large-number", "RFC 7493 §2.2", Severity.DEVIATION),
        /** The failure details' counts do not add up to the summary (failure types are not exclusive). */
        COUNTS_DISAGREE("counts-disagree", "RFC 8460 §4", Severity.NOTICE),
        /** Failed sessions are counted but no failure details are given. */
        FAILURES_WITHOUT_DETAILS("failures-without-details", "RFC 8460 §4.4", Severity.NOTICE),
        /** The §5.1 file name disagrees with the report; the report wins (RFC 8460 §5.6). */
        FILE_NAME_MISMATCH("file-name-mismatch", "RFC 8460 §5.6", Severity.NOTICE),
        /** The content is (not) gzip but the name or media type says otherwise; the bytes win. */
        COMPRESSION_MISMATCH("compression-mismatch", "RFC 8460 §5.1", Severity.NOTICE),
        /** A report message lacks a header RFC 8460 §5.3 requires. */
        MISSING_HEADER("missing-header", "RFC 8460 §5.3", Severity.DEVIATION),
        /** {@code TLS-Report-Submitter} differs from the domain of {@code contact-info}. */
        SUBMITTER_MISMATCH("submitter-mismatch", "RFC 8460 §5.3", Severity.DEVIATION),
        /** A header disagrees with the report (the report wins, RFC 8460 §5.6). */
        HEADER_MISMATCH("header-mismatch", "RFC 8460 §5.6", Severity.NOTICE),
        /** A report message that is not {@code multipart/report; report-type=tlsrpt}. */
        NOT_A_REPORT_MESSAGE("not-a-report-message", "RFC 8460 §5.3", Severity.NOTICE);

        private final String code;
        private final String rule;
        private final Severity severity;

        Kind(String code, String rule, Severity severity) {
            this.code = code;
            this.rule = rule;
            this.severity = severity;
        }

        /** {@return the stable kebab-case code, such as {@code date-time-without-zone}} */
        public String code() {
            return code;
        }

        /** {@return the rule concerned, such as {@code RFC 3339 §5.6}} */
        public String rule() {
            return rule;
        }

        /** {@return whether this is a deviation or a notice} */
        public Severity severity() {
            return severity;
        }
    }

    /**
     * Checks the components.
     *
     * @param kind what kind of deviation
     * @param path where: a JSON path starting with {@code $}, or a header name
     * @param detail what exactly, in plain language, without the path and the rule
     */
    public ReportWarning {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(detail, "detail");
    }

    /** {@return {@code kind().code()}} */
    public String code() {
        return kind.code();
    }

    /** {@return {@code kind().rule()}} */
    public String rule() {
        return kind.rule();
    }

    /** {@return whether a strict reader rejects the report for this} */
    public boolean isDeviation() {
        return kind.severity() == Severity.DEVIATION;
    }

    /** Returns {@code path: detail (rule)}. */
    @Override
    public String toString() {
        return path + ": " + detail + " (" + kind.rule() + ")";
    }
}
