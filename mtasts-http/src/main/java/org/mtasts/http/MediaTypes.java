package org.mtasts.http;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A minimal reading of a {@code Content-Type} header value (RFC 9110 §8.3.1): {@code type "/"
 * subtype *( OWS ";" OWS parameter )}. Only what the policy fetch needs: whether the media type is
 * {@code text/plain} (case-insensitive) and the {@code charset} parameter. Other parameters are
 * ignored, as RFC 8461 §3.2 asks, even when they are malformed.
 */
final class MediaTypes {
    private MediaTypes() {}

    /**
     * A parsed header.
     *
     * @param type the type in lower case, or null if the header has no {@code type/subtype}
     * @param subtype the subtype in lower case, or null
     * @param charset the {@code charset} parameter as sent (quotes removed), or null
     */
    record Parsed(@Nullable String type, @Nullable String subtype, @Nullable String charset) {
        boolean isTextPlain() {
            return "text".equals(type) && "plain".equals(subtype);
        }
    }

    /**
     * Parses a {@code Content-Type} value; never throws.
     *
     * @param header the header value, or null when absent
     * @return the parsed value (type null if absent or malformed)
     */
    static Parsed parse(@Nullable String header) {
        if (header == null) {
            return new Parsed(null, null, null);
        }
        int semicolon = header.indexOf(';');
        String essence = (semicolon < 0 ? header : header.substring(0, semicolon)).strip();
        int slash = essence.indexOf('/');
        String type = null;
        String subtype = null;
        if (slash > 0 && slash < essence.length() - 1
                && isToken(essence, 0, slash) && isToken(essence, slash + 1, essence.length())) {
            type = essence.substring(0, slash).toLowerCase(Locale.ROOT);
            subtype = essence.substring(slash + 1).toLowerCase(Locale.ROOT);
        }
        String charset = null;
        int pos = semicolon;
        while (pos >= 0 && pos < header.length()) {
            int next = nextSemicolon(header, pos + 1);
            String parameter = header.substring(pos + 1, next < 0 ? header.length() : next).strip();
            int eq = parameter.indexOf('=');
            if (eq > 0 && charset == null
                    && parameter.substring(0, eq).strip().equalsIgnoreCase("charset")) {
                String value = parameter.substring(eq + 1).strip();
                if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                    value = unquote(value.substring(1, value.length() - 1));
                }
                charset = value; // RFC 9110 §8.3.2: the first charset parameter counts
            }
            pos = next;
        }
        return new Parsed(type, subtype, charset);
    }

    /** Finds the next {@code ;} that is not inside a quoted string, or -1. */
    private static int nextSemicolon(String s, int from) {
        boolean quoted = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static String unquote(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                c = s.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    /** RFC 9110 §5.6.2: {@code token = 1*tchar}. */
    static boolean isToken(String s, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }
}
