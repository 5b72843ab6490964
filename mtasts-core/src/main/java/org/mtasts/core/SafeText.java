package org.mtasts.core;

import org.jspecify.annotations.Nullable;

/**
 * Makes text that came from the network safe to put in a message or a log line: every control
 * character and everything outside printable US-ASCII is written as {@code \\uXXXX}, and the
 * result is cut to a bounded length. Escaping is idempotent (a backslash is printable and kept),
 * so a message built from already escaped parts and escaped again reads the same. So no TXT record, HTTP header,
 * policy byte or SMTP reply can inject a line into a log or a terminal escape sequence, whatever
 * a recipient domain publishes. Every module of this library builds its messages with it.
 *
 * <p>{@link #quote} is the same rule for a value quoted inside a message: the escaped text in
 * single quotes, where a single quote is escaped too ({@code \\u0027}), so the value ends only at
 * the closing quote.
 *
 * <pre>{@code
 * String safe = SafeText.escape("evil\r\nFAKE LOG LINE");   // one line: CR and LF escaped
 * logger.log(WARNING, "refresh of {0} failed: {1}", domain, SafeText.escape(detail));
 * String value = SafeText.quote("it's");                     // in single quotes, the ' escaped
 * }</pre>
 *
 * <p>Thread-safe (stateless).
 *
 * @since 0.1
 */
public final class SafeText {

    /** The default bound on the escaped text, in characters (an ellipsis follows a cut). */
    public static final int DEFAULT_MAX_LENGTH = 200;

    private SafeText() {}

    /**
     * Escapes and cuts the text to {@link #DEFAULT_MAX_LENGTH} characters.
     *
     * @param text the text, or null
     * @return the escaped text; {@code "null"} for null
     */
    public static String escape(@Nullable CharSequence text) {
        return escape(text, DEFAULT_MAX_LENGTH);
    }

    /**
     * Escapes and cuts the text to about {@code maxLength} characters, followed by {@code ...} when
     * it was cut.
     *
     * @param text the text, or null
     * @param maxLength the bound, at least 1
     * @return the escaped text; {@code "null"} for null
     */
    public static String escape(@Nullable CharSequence text, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength " + maxLength + " < 1");
        }
        if (text == null) {
            return "null";
        }
        return append(new StringBuilder(Math.min(text.length(), maxLength) + 8), text, maxLength, false).toString();
    }

    /**
     * Escapes the text as {@link #escape(CharSequence)} does, cut to {@link #DEFAULT_MAX_LENGTH}
     * characters, and puts it in single quotes; a single quote inside is written {@code \\u0027}.
     *
     * @param text the text, or null
     * @return the quoted text; {@code null} (without quotes) for null
     */
    public static String quote(@Nullable CharSequence text) {
        return quote(text, DEFAULT_MAX_LENGTH);
    }

    /**
     * Escapes the text as {@link #escape(CharSequence, int)} does and puts it in single quotes; a
     * single quote inside is written {@code \\u0027}, so the value ends only at the closing quote.
     * The bound applies to the text between the quotes (an ellipsis inside them follows a cut).
     *
     * @param text the text, or null
     * @param maxLength the bound, at least 1
     * @return the quoted text; {@code null} (without quotes) for null
     */
    public static String quote(@Nullable CharSequence text, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength " + maxLength + " < 1");
        }
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength) + 10).append('\'');
        return append(out, text, maxLength, true).append('\'').toString();
    }

    /** The one rule: printable US-ASCII is kept, anything else is {@code \\uXXXX}; cut after {@code max}. */
    private static StringBuilder append(StringBuilder out, CharSequence text, int max, boolean quoted) {
        int start = out.length();
        for (int i = 0; i < text.length(); i++) {
            if (out.length() - start >= max) {
                out.append("...");
                break;
            }
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F && !(quoted && c == '\'')) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out;
    }
}
