package org.mtasts.tlsrpt;

import java.util.Objects;

/**
 * Why a report could not be read: the {@link #kind()}, the rule, where (a JSON path and, when the
 * JSON parser knows it, line and column) and a plain-language {@link #detail()} that quotes
 * received values escaped.
 *
 * <pre>{@code
 * if (result instanceof ReadResult.Invalid invalid) {
 *     ReportError e = invalid.error();
 *     System.out.println(e);   // line 7, column 20, $.policies[0].summary: ... (RFC 8460 §4.4)
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind what went wrong
 * @param rule the rule concerned, such as {@code RFC 8460 §4.4}
 * @param path the JSON path where it went wrong ({@code $} for the whole input)
 * @param line 1-based line in the JSON text, or 0 when unknown (for example inside gzip framing)
 * @param column 1-based column, or 0 when unknown
 * @param detail what exactly, in plain language, without the position and the rule
 * @since 0.1
 */
public record ReportError(Kind kind, String rule, String path, int line, int column, String detail) {

    /** What went wrong. */
    public enum Kind {
        /** Not JSON, or JSON that ends too early (RFC 8259). */
        MALFORMED_JSON("malformed-json", "RFC 8259"),
        /** A gzip or zip container that cannot be decompressed. */
        MALFORMED_COMPRESSION("malformed-compression", "RFC 1952"),
        /** A limit of the reader was exceeded (size, depth, string length, count). */
        LIMIT_EXCEEDED("limit-exceeded", "RFC 8460 §7"),
        /** A member has the wrong JSON type. */
        WRONG_TYPE("wrong-type", "RFC 8460 §4.4"),
        /** A member without which the report means nothing is missing. */
        MISSING_MEMBER("missing-member", "RFC 8460 §4.4"),
        /** A member has a value that cannot be used (a date that is not a date, a negative count). */
        INVALID_VALUE("invalid-value", "RFC 8460 §4.4"),
        /** A strict reader met a deviation (the rule is the warning's). */
        STRICT("strict", "RFC 8460 §4.4"),
        /** A message or archive that holds no report. */
        NO_REPORT("no-report", "RFC 8460 §5.3");

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

        /** {@return the rule usually concerned} */
        public String rule() {
            return rule;
        }
    }

    /**
     * Checks the components.
     *
     * @param kind what went wrong
     * @param rule the rule concerned, such as {@code RFC 8460 §4.4}
     * @param path the JSON path where it went wrong ({@code $} for the whole input)
     * @param line 1-based line in the JSON text, or 0 when unknown (for example inside gzip framing)
     * @param column 1-based column, or 0 when unknown
     * @param detail what exactly, in plain language, without the position and the rule
     */
    public ReportError {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(detail, "detail");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("bad position: line " + line + ", column " + column);
        }
    }

    /** {@return {@code kind().code()}} */
    public String code() {
        return kind.code();
    }

    /** Returns {@code line L, column C, PATH: detail (rule)}, without the position when unknown. */
    @Override
    public String toString() {
        String where = line > 0 ? "line " + line + ", column " + column + ", " + path : path;
        return where + ": " + detail + " (" + rule + ")";
    }
}
