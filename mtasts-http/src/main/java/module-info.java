/**
 * MTA-STS for sending MTAs: policy fetch over HTTPS (RFC 8461 §3.3), the {@link
 * org.mtasts.http.MtaSts} service with discovery, cache and refresh (RFC 8461 §3, §5), policy
 * stores, and HTTPS upload of TLS-RPT reports (RFC 8460 §5.4).
 */
@org.jspecify.annotations.NullMarked
module org.mtasts.http {
    requires static org.jspecify;
    requires transitive org.mtasts.core;
    requires transitive org.mtasts.tlsrpt;
    requires transitive okhttp3;

    exports org.mtasts.http;

    uses org.mtasts.core.TxtResolver;
}
