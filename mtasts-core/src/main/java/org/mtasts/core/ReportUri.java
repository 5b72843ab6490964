package org.mtasts.core;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * One reporting destination from a TLSRPT record's {@code rua} field (RFC 8460 §3): {@link Mailto}
 * or {@link Https}, the two schemes the RFC defines, or {@link Unsupported} for any other scheme
 * (kept, so that a checker can say what was published).
 *
 * <p>{@link #uri()} is the URI as published, with the {@code %2C}, {@code %21} and {@code %3B}
 * escapes that the record syntax requires already decoded; the constructors check that it is an
 * absolute URI of the right scheme in that decoded form.
 *
 * <pre>{@code
 * for (ReportUri uri : record.rua()) {
 *     if (uri instanceof ReportUri.Https https) {
 *         post(https.toUri(), gzippedReport);
 *     } else if (uri instanceof ReportUri.Mailto mailto) {
 *         mail(mailto.address(), message);
 *     }
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-3">RFC 8460 §3</a>
 */
public sealed interface ReportUri permits ReportUri.Mailto, ReportUri.Https, ReportUri.Unsupported {

    /** Returns the URI as published, with {@code %2C %21 %3B} decoded. */
    String uri();

    /** Returns the scheme in lower case. */
    String scheme();

    /** Returns whether RFC 8460 defines delivery for this scheme ({@code mailto} or {@code https}). */
    default boolean isSupported() {
        return !(this instanceof Unsupported);
    }

    /**
     * Classifies a URI by its scheme. The escapes {@code %2C %21 %3B} are decoded first: RFC 8460
     * §3 requires them for {@code , ! ;} in a record, so both spellings name the same destination.
     *
     * @param uri an absolute URI, as published or decoded
     * @return the destination
     * @throws IllegalArgumentException if it is not an RFC 3986 URI with a scheme
     */
    static ReportUri of(String uri) {
        Objects.requireNonNull(uri, "uri");
        // RFC 8460 §3: ',', '!' and ';' are written %2C %21 %3B in a record; keep the decoded form.
        String decoded = TlsRptRecord.decodeRua(uri, 0, uri.length());
        String problem = problem(decoded);
        if (problem != null) {
            throw new IllegalArgumentException("invalid report URI '" + Texts.printable(uri) + "': " + problem);
        }
        return classify(decoded);
    }

    /**
     * Returns why the text is not an absolute URI with a scheme (RFC 3986, as {@link URI} reads
     * it), or null when it is one.
     *
     * @param uri the candidate, with {@code %2C %21 %3B} decoded
     * @return the problem in plain language (no raw input), or null
     */
    static @org.jspecify.annotations.Nullable String problem(String uri) {
        if (uri.isEmpty()) {
            return "empty URI";
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return "character " + Texts.describe(c) + " at index " + i + " is not allowed in a URI";
            }
        }
        if (isPlainAbsolute(uri)) {
            return null; // the common shapes, which java.net.URI accepts too: no need to build one
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
     * {@code scheme://authority/path?query}, made only of characters that {@link URI} accepts in
     * every component: a strict subset of what {@link URI#URI(String)} accepts with a scheme and a
     * non-empty scheme-specific part, checked without building one. False means "ask {@link URI}",
     * not "invalid": fragments, IPv6 literals, an empty authority and anything unusual go there,
     * and so do all the error messages.
     */
    static boolean isPlainAbsolute(String uri) {
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

    /**
     * RFC 2396 unreserved characters (alphanumerics and {@code -_.!~*'()}) and {@code ;/:@&=+$,}: valid
     * in an opaque part, a path, a query and a registry-based authority (except {@code /}, which
     * ends the authority).
     */
    private static boolean isPathChar(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        switch (c) {
            case '-': case '_': case '.': case '!': case '~': case '*': case '\'': case '(': case ')':
            case ';': case '/': case ':': case '@': case '&': case '=': case '+': case '$': case ',':
                return true;
            default:
                return false;
        }
    }

    /** Whether {@code uri[i]} starts a {@code %HH} escape. */
    private static boolean isEscape(String uri, int i) {
        return i + 2 < uri.length() && Character.digit(uri.charAt(i + 1), 16) >= 0
                && Character.digit(uri.charAt(i + 2), 16) >= 0 && uri.charAt(i + 1) < 0x80 && uri.charAt(i + 2) < 0x80;
    }

    /**
     * Checks a URI given to a constructor: absolute, decoded, with the expected scheme (or, for
     * {@code expected == null}, with neither of the two supported schemes).
     */
    private static String checkedScheme(String uri, @org.jspecify.annotations.Nullable String expected) {
        String problem = problem(uri);
        if (problem != null) {
            throw new IllegalArgumentException("invalid report URI '" + Texts.printable(uri) + "': " + problem);
        }
        if (hasRuaEscape(uri)) {
            throw new IllegalArgumentException("report URI '" + Texts.printable(uri)
                    + "' must be given with %2C %21 %3B decoded (RFC 8460 §3)");
        }
        int colon = uri.indexOf(':');
        if (expected != null && colon == expected.length() && uri.regionMatches(true, 0, expected, 0, colon)) {
            return expected; // the common case, without allocating
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        if (expected != null ? !scheme.equals(expected) : scheme.equals("mailto") || scheme.equals("https")) {
            throw new IllegalArgumentException("report URI '" + Texts.printable(uri) + "' has scheme " + scheme
                    + ", expected " + (expected != null ? expected : "neither mailto nor https"));
        }
        return scheme;
    }

    /** Whether the text holds one of the escapes {@link TlsRptRecord#decodeRua} decodes. */
    private static boolean hasRuaEscape(String uri) {
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
     * Classifies a URI that is already decoded and whose {@link #problem} is null (the record parser
     * has checked both), without checking it again here; the constructors still do.
     */
    static ReportUri ofChecked(String decoded) {
        return classify(decoded);
    }

    private static ReportUri classify(String uri) {
        int colon = uri.indexOf(':');
        if (colon == 6 && uri.regionMatches(true, 0, "mailto", 0, 6)) {
            return new Mailto(uri, mailtoAddress(uri, colon + 1));
        }
        if (colon == 5 && uri.regionMatches(true, 0, "https", 0, 5)) {
            return new Https(uri);
        }
        return new Unsupported(uri, uri.substring(0, colon).toLowerCase(Locale.ROOT));
    }

    /**
     * The addr-spec of a mailto URI (RFC 6068): from {@code from} up to '?', percent-decoded as
     * UTF-8. A ',' is part of the address: RFC 8460 §3 makes the publisher write it as {@code %2C},
     * so in a record it is never the separator of several addresses.
     */
    private static String mailtoAddress(String uri, int from) {
        int q = uri.indexOf('?', from);
        int end = q < 0 ? uri.length() : q;
        if (uri.indexOf('%', from) < 0 || uri.indexOf('%', from) >= end) {
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

    /**
     * A {@code mailto:} destination: send the report by e-mail (RFC 8460 §5.3).
     *
     * @param uri the URI as published
     * @param address the addr-spec (everything before {@code ?}), percent-decoded
     */
    record Mailto(String uri, String address) implements ReportUri {
        /**
         * Validates the components.
         *
         * @throws IllegalArgumentException if the URI is not a decoded {@code mailto:} URI, or the
         *     address is not its addr-spec
         */
        public Mailto {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(address, "address");
            checkedScheme(uri, "mailto");
            if (!isAddressOf(address, uri)) {
                throw new IllegalArgumentException("address '" + Texts.printable(address)
                        + "' is not the address of '" + Texts.printable(uri) + "'");
            }
        }

        /** Whether {@code address} is {@link #mailtoAddress} of the URI; allocation-free when nothing is escaped. */
        private static boolean isAddressOf(String address, String uri) {
            int from = uri.indexOf(':') + 1;
            int q = uri.indexOf('?', from);
            int end = q < 0 ? uri.length() : q;
            int percent = uri.indexOf('%', from);
            if (percent < 0 || percent >= end) {
                return address.length() == end - from && uri.regionMatches(from, address, 0, end - from);
            }
            return address.equals(mailtoAddress(uri, from));
        }

        @Override
        public String scheme() {
            return "mailto";
        }

        /** Returns whether the address looks like {@code local@domain}. */
        public boolean hasAddress() {
            int at = address.lastIndexOf('@');
            return at > 0 && at < address.length() - 1;
        }

        /** Returns the domain of the address, or empty text if there is none. */
        public String domain() {
            int at = address.lastIndexOf('@');
            return at < 0 ? "" : address.substring(at + 1);
        }

        @Override
        public String toString() {
            return uri;
        }
    }

    /**
     * An {@code https:} destination: POST the report (RFC 8460 §5.4).
     *
     * @param uri the URI as published
     */
    record Https(String uri) implements ReportUri {
        /**
         * Validates the component.
         *
         * @throws IllegalArgumentException if the URI is not a decoded {@code https:} URI
         */
        public Https {
            Objects.requireNonNull(uri, "uri");
            checkedScheme(uri, "https");
        }

        @Override
        public String scheme() {
            return "https";
        }

        /** Returns the URI as a {@link URI}. */
        public URI toUri() {
            return URI.create(uri);
        }

        @Override
        public String toString() {
            return uri;
        }
    }

    /**
     * A destination with a scheme RFC 8460 does not define (such as {@code ftp:} or {@code http:}).
     *
     * @param uri the URI as published
     * @param scheme the scheme in lower case
     */
    record Unsupported(String uri, String scheme) implements ReportUri {
        /**
         * Validates the components.
         *
         * @throws IllegalArgumentException if the URI is not a decoded absolute URI, its scheme is
         *     {@code mailto} or {@code https}, or {@code scheme} is not its scheme in lower case
         */
        public Unsupported {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(scheme, "scheme");
            String actual = checkedScheme(uri, null);
            if (!scheme.equals(actual)) {
                throw new IllegalArgumentException("scheme '" + Texts.printable(scheme) + "' is not the scheme of '"
                        + Texts.printable(uri) + "'");
            }
        }

        @Override
        public String toString() {
            return uri;
        }
    }
}
