package org.mtasts.core;

import java.util.Objects;

/**
 * A precise description of why a text is not valid: what ({@link #kind()}), where ({@link
 * #offset()}, {@link #line()}, {@link #column()}) and which rule ({@link #rule()}).
 *
 * <p>Positions: {@code offset} is 0-based (in characters for text input, in bytes for byte input);
 * {@code line} and {@code column} are 1-based, and {@code column} counts characters (Unicode code
 * points) from the start of the line. A TXT record is line 1 after its strings are joined.
 *
 * <pre>{@code
 * ParseResult<StsRecord> r = StsRecord.parse("v=STSv1; id=a;;");
 * if (r instanceof ParseResult.Invalid<StsRecord> invalid) {
 *     SyntaxError e = invalid.error();
 *     System.out.println(e);          // line 1, column 15: empty field ... (RFC 8461 §3.1)
 *     System.out.println(e.code());   // sts-record-empty-field
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind what is wrong
 * @param offset 0-based offset of the offending character
 * @param line 1-based line
 * @param column 1-based column
 * @param detail a plain-language explanation, without the position
 * @since 0.1
 */
public record SyntaxError(Kind kind, int offset, int line, int column, String detail) {

    /**
     * Validates the components.
     *
     * @param kind what is wrong
     * @param offset 0-based offset of the offending character
     * @param line 1-based line
     * @param column 1-based column
     * @param detail a plain-language explanation, without the position
     */
    public SyntaxError {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        if (offset < 0 || line < 1 || column < 1) {
            throw new IllegalArgumentException(
                    "bad position: offset " + offset + ", line " + line + ", column " + column);
        }
    }

    /** {@return the stable kebab-case code of the kind, usable as a TLS-RPT failure-reason-code} */
    public String code() {
        return kind.code();
    }

    /** {@return the citation of the rule that was broken, such as {@code RFC 8461 §3.2}} */
    public String rule() {
        return kind.rule();
    }

    /** {@return the detail and the rule, without the position} */
    public String message() {
        return detail + " (" + kind.rule() + ")";
    }

    /** Returns {@code line L, column C: detail (rule)}. */
    @Override
    public String toString() {
        return "line " + line + ", column " + column + ": " + message();
    }

    /** What kind of mistake a {@link SyntaxError} reports, with its stable code and rule. */
    public enum Kind {
        // RFC 8461 §3.1: the _mta-sts TXT record.
        /** The text does not begin with {@code v=STSv1}, {@code *WSP} and {@code ;}: not an STS record. */
        STS_RECORD_NOT_STS("sts-record-not-sts", "RFC 8461 §3.1"),
        /** A byte or character outside printable US-ASCII and WSP. */
        STS_RECORD_NON_ASCII("sts-record-non-ascii", "RFC 8461 §3.1"),
        /** Two delimiters with no field between them ({@code ;;}). */
        STS_RECORD_EMPTY_FIELD("sts-record-empty-field", "RFC 8461 §3.1"),
        /** Something other than a delimiter or a {@code name=value} field. */
        STS_RECORD_FIELD_SYNTAX("sts-record-field-syntax", "RFC 8461 §3.1"),
        /** No {@code id} field. */
        STS_RECORD_MISSING_ID("sts-record-missing-id", "RFC 8461 §3.1"),
        /** An {@code id} that is not 1 to 32 letters and digits. */
        STS_RECORD_INVALID_ID("sts-record-invalid-id", "RFC 8461 §3.1"),
        /** An extension name that breaks {@code sts-ext-name}. */
        STS_RECORD_EXTENSION_NAME("sts-record-extension-name", "RFC 8461 §3.1"),
        /** An extension value that breaks {@code sts-ext-value}. */
        STS_RECORD_EXTENSION_VALUE("sts-record-extension-value", "RFC 8461 §3.1"),

        // RFC 8460 §3: the _smtp._tls TXT record.
        /** The text does not begin with {@code v=TLSRPTv1}, {@code *WSP} and {@code ;}: not a TLSRPT record. */
        TLSRPT_RECORD_NOT_TLSRPT("tlsrpt-record-not-tlsrpt", "RFC 8460 §3"),
        /** A byte or character outside printable US-ASCII and WSP. */
        TLSRPT_RECORD_NON_ASCII("tlsrpt-record-non-ascii", "RFC 8460 §3"),
        /** Two delimiters with no field between them ({@code ;;}). */
        TLSRPT_RECORD_EMPTY_FIELD("tlsrpt-record-empty-field", "RFC 8460 §3"),
        /** Something other than a delimiter or a {@code name=value} field. */
        TLSRPT_RECORD_FIELD_SYNTAX("tlsrpt-record-field-syntax", "RFC 8460 §3"),
        /** No {@code rua} field. */
        TLSRPT_RECORD_MISSING_RUA("tlsrpt-record-missing-rua", "RFC 8460 §3"),
        /** A {@code rua} entry that is not a URI with a scheme (RFC 3986). */
        TLSRPT_RECORD_INVALID_URI("tlsrpt-record-invalid-uri", "RFC 8460 §3"),
        /** An extension name that breaks {@code tlsrpt-ext-name}. */
        TLSRPT_RECORD_EXTENSION_NAME("tlsrpt-record-extension-name", "RFC 8460 §3"),
        /** An extension value that breaks {@code tlsrpt-ext-value}. */
        TLSRPT_RECORD_EXTENSION_VALUE("tlsrpt-record-extension-value", "RFC 8460 §3"),

        // RFC 8461 §3.2: the policy file.
        /** The body is empty. */
        POLICY_EMPTY("policy-empty", "RFC 8461 §3.2"),
        /** The body is not valid UTF-8. */
        POLICY_ENCODING("policy-encoding", "RFC 8461 §3.2"),
        /** The body starts with a byte order mark. */
        POLICY_BOM("policy-bom", "RFC 8461 §3.2"),
        /** A line starts with a space or a tab. */
        POLICY_LEADING_WHITESPACE("policy-leading-whitespace", "RFC 8461 §3.2"),
        /** An empty line, including a second line terminator at the end. */
        POLICY_BLANK_LINE("policy-blank-line", "RFC 8461 §3.2"),
        /** A carriage return not followed by a line feed. */
        POLICY_BARE_CR("policy-bare-cr", "RFC 8461 §3.2"),
        /** A control character (other than the line terminators and a tab between fields). */
        POLICY_CONTROL_CHARACTER("policy-control-character", "RFC 8461 §3.2"),
        /** A line without the {@code :} that separates key and value. */
        POLICY_MISSING_COLON("policy-missing-colon", "RFC 8461 §3.2"),
        /** A key that is not a valid field name (or whitespace before the colon). */
        POLICY_KEY_SYNTAX("policy-key-syntax", "RFC 8461 §3.2"),
        /** An extension value that breaks {@code sts-policy-ext-value} (empty, or a tab inside). */
        POLICY_VALUE_SYNTAX("policy-value-syntax", "RFC 8461 §3.2"),
        /** A {@code version} other than {@code STSv1}. */
        POLICY_VERSION("policy-version", "RFC 8461 §3.2"),
        /** A {@code mode} other than {@code enforce}, {@code testing} or {@code none}. */
        POLICY_MODE("policy-mode", "RFC 8461 §3.2"),
        /** A {@code max_age} that is not 1 to 10 digits. */
        POLICY_MAX_AGE("policy-max-age", "RFC 8461 §3.2"),
        /** An {@code mx} value that is not {@code ["*."] Domain} in A-labels. */
        POLICY_MX("policy-mx", "RFC 8461 §3.2"),
        /** No {@code version} field. */
        POLICY_MISSING_VERSION("policy-missing-version", "RFC 8461 §3.2"),
        /** No {@code mode} field. */
        POLICY_MISSING_MODE("policy-missing-mode", "RFC 8461 §3.2"),
        /** No {@code max_age} field. */
        POLICY_MISSING_MAX_AGE("policy-missing-max-age", "RFC 8461 §3.2"),
        /** No {@code mx} field although the mode is not {@code none}. */
        POLICY_MISSING_MX("policy-missing-mx", "RFC 8461 §3.2"),

        // Domain names.
        /** A domain name that breaks the RFC 5321 {@code Domain} grammar or the length limits. */
        DOMAIN_SYNTAX("domain-syntax", "RFC 5321 §4.1.2");

        private final String code;
        private final String rule;

        Kind(String code, String rule) {
            this.code = code;
            this.rule = rule;
        }

        /** {@return the stable kebab-case code} */
        public String code() {
            return code;
        }

        /** {@return the citation, such as {@code RFC 8461 §3.2}} */
        public String rule() {
            return rule;
        }
    }

    /**
     * Builds an error for a position in a one-line text (a TXT record): line 1, the column counted
     * in code points.
     */
    static SyntaxError atColumn(Kind kind, CharSequence text, int offset, String detail) {
        return new SyntaxError(kind, offset, 1, columnOf(text, offset), detail);
    }

    /** Returns the 1-based column of {@code offset} in a one-line text, counting code points. */
    static int columnOf(CharSequence text, int offset) {
        int column = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (!(Character.isLowSurrogate(text.charAt(i)) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1)))) {
                column++;
            }
        }
        return column;
    }
}
