package org.mtasts.core;

import java.net.URI;
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
 * @since 0.1
 */
public sealed interface ReportUri permits ReportUri.Mailto, ReportUri.Https, ReportUri.Unsupported {

    /** {@return the URI as published, with {@code %2C %21 %3B} decoded} */
    String uri();

    /** {@return the scheme in lower case} */
    String scheme();

    /** {@return whether RFC 8460 defines delivery for this scheme ({@code mailto} or {@code https})} */
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
        String problem = ReportUris.problem(decoded);
        if (problem != null) {
            throw new IllegalArgumentException("invalid report URI '" + Texts.printable(uri) + "': " + problem);
        }
        return ReportUris.classify(decoded);
    }

    /**
     * Checks a URI given to a constructor: absolute, decoded, with the expected scheme (or, for
     * {@code expected == null}, with neither of the two supported schemes).
     */
    private static String checkedScheme(String uri, @org.jspecify.annotations.Nullable String expected) {
        String problem = ReportUris.problem(uri);
        if (problem != null) {
            throw new IllegalArgumentException("invalid report URI '" + Texts.printable(uri) + "': " + problem);
        }
        if (ReportUris.hasRuaEscape(uri)) {
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
         *
         * @param uri the URI as published
         * @param address the addr-spec (everything before {@code ?}), percent-decoded
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
            return address.equals(ReportUris.mailtoAddress(uri, from));
        }

        @Override
        public String scheme() {
            return "mailto";
        }

        /** {@return whether the address looks like {@code local@domain}} */
        public boolean hasAddress() {
            int at = address.lastIndexOf('@');
            return at > 0 && at < address.length() - 1;
        }

        /** {@return the domain of the address, or empty text if there is none} */
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
         *
         * @param uri the URI as published
         */
        public Https {
            Objects.requireNonNull(uri, "uri");
            checkedScheme(uri, "https");
        }

        @Override
        public String scheme() {
            return "https";
        }

        /** {@return the URI as a {@link URI}} */
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
         *
         * @param uri the URI as published
         * @param scheme the scheme in lower case
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
