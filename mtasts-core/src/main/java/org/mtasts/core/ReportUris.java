package org.mtasts.core;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Internal: the checks behind {@link ReportUri} (an interface cannot hold package-private members):
 * whether a text is an absolute URI at all, recognizing plain absolute URIs without {@link
 * java.net.URI}, classifying a checked URI and taking the address out of a {@code mailto:} URI.
 */
final class ReportUris {

    /**
     * RFC 2396 unreserved characters (alphanumerics and {@code -_.!~*'()}) and {@code ;/:@&=+$,}: valid
     * in an opaque part, a path, a query and a registry-based authority (except {@code /}, which
     * ends the authority).
     */
    private static final boolean[] PATH_CHARS = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            PATH_CHARS[c] = true;
            PATH_CHARS[Character.toUpperCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            PATH_CHARS[c] = true;
        }
        for (char c : "-_.!~*'();/:@&=+$,".toCharArray()) {
            PATH_CHARS[c] = true;
        }
    }

    private ReportUris() {}

    /**
     * Returns why the text is not an absolute URI with a scheme (RFC 3986, as {@link URI} reads
     * it), or null when it is one.
     *
     * @param uri the candidate, with {@code %2C %21 %3B} decoded
     * @return the problem in plain language (no raw input), or null
     */
    static @Nullable String problem(String uri) {
        if (uri.isEmpty()) {
            return "empty URI";
        }
        if (isPlainAbsolute(uri)) {
            return null; // the common shapes, which java.net.URI accepts too: no need to build one
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return "character " + Texts.describe(c) + " at index " + i + " is not allowed in a URI";
            }
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return e.getReason() + " at index " + e.getIndex();
        }
        if (parsed.getScheme() == null) {
            return "the URI has no scheme";
        }
        if (parsed.getRawSchemeSpecificPart() == null || parsed.getRawSchemeSpecificPart().isEmpty()) {
            return "the URI has nothing after its scheme";
        }
        return null;
    }

    /**
     * Returns true for an absolute URI of the shapes report URIs take, {@code scheme:opaque} and
     * {@code scheme://authority/path?query}, made only of characters that {@link java.net.URI} accepts in
     * every component: a strict subset of what {@link java.net.URI#URI(String)} accepts with a scheme and a
     * non-empty scheme-specific part, checked without building one. False means "ask java.net.URI",
     * not "invalid": fragments, IPv6 literals, an empty authority and anything unusual go there,
     * and so do all the error messages.
     */
    static boolean isPlainAbsolute(String uri) {
        // RFC 3986 §3: scheme ":" hier-part [ "?" query ]
        int n = uri.length();
        // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        if (n == 0 || !isAsciiLetter(uri.charAt(0))) {
            return false;
        }
        int i = 1;
        while (i < n) {
            char c = uri.charAt(i);
            if (c == ':') {
                break;
            }
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
                return false;
            }
            i++;
        }
        if (i >= n - 1) {
            return false; // no ':' or nothing after it
        }
        i++;
        if (uri.startsWith("//", i)) {
            // An authority of registry-name characters (RFC 2396 §3.2, which URI follows) cannot fail.
            int start = i + 2;
            i = start;
            while (i < n) {
                char c = uri.charAt(i);
                if (c == '/' || c == '?') {
                    break;
                }
                if (c == '%') {
                    if (!isEscape(uri, i)) {
                        return false;
                    }
                    i += 3;
                    continue;
                }
                if (!isPathChar(c)) {
                    return false;
                }
                i++;
            }
            if (i == start) {
                return false; // an empty authority: URI decides
            }
        }
        boolean query = false;
        while (i < n) {
            char c = uri.charAt(i);
            if (c == '%') {
                if (!isEscape(uri, i)) {
                    return false;
                }
                i += 3;
                continue;
            }
            if (c == '?' && !query) {
                query = true;
            } else if (!isPathChar(c) && !(query && c == '?')) {
                return false;
            }
            i++;
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Whether the character is one of {@link #PATH_CHARS}. */
    private static boolean isPathChar(char c) {
        return c < 128 && PATH_CHARS[c];
    }

    /** Whether {@code uri[i]} starts a {@code %HH} escape. */
    private static boolean isEscape(String uri, int i) {
        return i + 2 < uri.length() && Character.digit(uri.charAt(i + 1), 16) >= 0
                && Character.digit(uri.charAt(i + 2), 16) >= 0 && uri.charAt(i + 1) < 0x80 && uri.charAt(i + 2) < 0x80;
    }

    /** Whether the text holds one of the escapes {@link TlsRptRecord#decodeRua} decodes. */
    static boolean hasRuaEscape(String uri) {
        for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
            if (i + 2 < uri.length()) {
                char h = uri.charAt(i + 1);
                char l = (char) (uri.charAt(i + 2) | 0x20);
                if ((h == '2' && (l == 'c' || uri.charAt(i + 2) == '1')) || (h == '3' && l == 'b')) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Classifies a decoded URI by its scheme; the constructors check it.
     *
     * @throws IllegalArgumentException if {@link #problem} finds a problem
     */
    static ReportUri classify(String uri) {
        int colon = uri.indexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("the URI has no scheme");
        }
        if (colon == 6 && uri.regionMatches(true, 0, "mailto", 0, 6)) {
            return new ReportUri.Mailto(uri, mailtoAddress(uri, colon + 1));
        }
        if (colon == 5 && uri.regionMatches(true, 0, "https", 0, 5)) {
            return new ReportUri.Https(uri);
        }
        return new ReportUri.Unsupported(uri, uri.substring(0, colon).toLowerCase(Locale.ROOT));
    }

    /**
     * The addr-spec of a mailto URI (RFC 6068): from {@code from} up to '?', percent-decoded as
     * UTF-8. A ',' is part of the address: RFC 8460 §3 makes the publisher write it as {@code %2C},
     * so in a record it is never the separator of several addresses.
     */
    static String mailtoAddress(String uri, int from) {
        int q = uri.indexOf('?', from);
        int end = q < 0 ? uri.length() : q;
        int percent = uri.indexOf('%', from);
        if (percent < 0 || percent >= end) {
            return uri.substring(from, end); // nothing to decode
        }
        String to = uri.substring(from, end);
        ByteArrayOutputStream out = new ByteArrayOutputStream(to.length());
        for (int i = 0; i < to.length(); i++) {
            char c = to.charAt(i);
            if (c == '%' && i + 2 < to.length()
                    && Character.digit(to.charAt(i + 1), 16) >= 0 && Character.digit(to.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(to.charAt(i + 1), 16) * 16 + Character.digit(to.charAt(i + 2), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
