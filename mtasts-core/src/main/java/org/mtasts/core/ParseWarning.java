package org.mtasts.core;

import java.util.Objects;

/**
 * Something a parser accepted but a careful publisher should fix, such as a {@code max_age} above
 * the RFC's limit (clamped per erratum 7282) or a duplicated field (first one wins).
 *
 * <pre>{@code
 * ParseResult<StsPolicy> r = StsPolicy.parse(body);
 * if (r instanceof ParseResult.Valid<StsPolicy> valid) {
 *     for (ParseWarning w : valid.warnings()) {
 *         System.out.println(w);      // line 4, column 10: max_age ... clamped ... (RFC 8461 §3.2)
 *     }
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param code a stable kebab-case code such as {@code max-age-clamped}
 * @param rule the citation, such as {@code RFC 8461 §3.2}
 * @param line 1-based line
 * @param column 1-based column
 * @param detail a plain-language explanation, without the position
 * @since 0.1
 */
public record ParseWarning(String code, String rule, int line, int column, String detail) {

    /** {@code max_age} above 31557600, clamped (RFC 8461 §3.2, erratum 7282). */
    public static final String MAX_AGE_CLAMPED = "max-age-clamped";
    /**
     * A repeated non-mx policy field (RFC 8461 §3.2), or a repeated {@code id} or extension in a TXT
     * record (RFC 8461 §3.1, RFC 8460 §3); the first one counts.
     */
    public static final String DUPLICATE_FIELD = "duplicate-field";
    /**
     * WSP at the end of an STS or TLSRPT TXT record with no {@code ;} before it ({@code v=STSv1;
     * id=1 }): outside the ABNF of RFC 8461 §3.1 and RFC 8460 §3, which allow WSP there only around
     * a {@code ;}; the record is accepted, as other implementations accept it.
     */
    public static final String TRAILING_WHITESPACE = "trailing-whitespace";
    /**
     * A TLSRPT record whose {@code rua} URIs all have a scheme other than {@code mailto} and {@code
     * https} (RFC 8460 §3): valid, but no report can be delivered.
     */
    public static final String NO_SUPPORTED_RUA = "no-supported-rua";
    /**
     * Beside the one STS or TLSRPT record at a name, a TXT record that starts with the version but
     * not with the version and {@code ;} ({@code v=STSv1}, {@code v=STSv1 id=1}): RFC 8461 §3.1 and
     * RFC 8460 §3 discard it, but a sender that counts it sees two records and no policy. The
     * column is in the discarded record, which the detail quotes.
     */
    public static final String DISCARDED_RECORD = "discarded-record";
    /** A repeated mx value (each line counts; the duplicate is harmless). */
    public static final String DUPLICATE_MX = "duplicate-mx";
    /** Lenient mode: a byte order mark was skipped. */
    public static final String BOM_SKIPPED = "bom-skipped";
    /** Lenient mode: leading whitespace on a line was skipped. */
    public static final String LEADING_WHITESPACE_SKIPPED = "leading-whitespace-skipped";
    /** Lenient mode: a blank line was skipped. */
    public static final String BLANK_LINE_SKIPPED = "blank-line-skipped";

    /**
     * Validates the components.
     *
     * @param code a stable kebab-case code such as {@code max-age-clamped}
     * @param rule the citation, such as {@code RFC 8461 §3.2}
     * @param line 1-based line
     * @param column 1-based column
     * @param detail a plain-language explanation, without the position
     */
    public ParseWarning {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(detail, "detail");
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("bad position: line " + line + ", column " + column);
        }
    }

    /** {@return the detail and the rule, without the position} */
    public String message() {
        return detail + " (" + rule + ")";
    }

    /** Returns {@code line L, column C: detail (rule)}. */
    @Override
    public String toString() {
        return "line " + line + ", column " + column + ": " + message();
    }
}
