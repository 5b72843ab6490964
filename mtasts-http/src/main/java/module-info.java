/**
 * MTA-STS for sending MTAs: policy fetch over HTTPS (RFC 8461 §3.3), the {@link
 * org.mtasts.http.MtaSts} service with discovery, cache and refresh (RFC 8461 §3, §5), policy
 * stores, HTTPS upload of TLS-RPT reports (RFC 8460 §5.4) and the daily report service {@link
 * org.mtasts.http.TlsRptReporter} (RFC 8460 §4.1, §5).
 *
 * <p>Optional modules: {@code org.mtasts.http.mail} needs Jakarta Mail and Eclipse Angus Mail
 * ({@code jakarta.mail}, {@code org.eclipse.angus.mail}); report e-mails need Apache James Mime4j
 * (through {@code org.mtasts.tlsrpt}); {@code org.mtasts.http.publish} needs {@code org.mtasts.dns}
 * ({@code org.mtasts:mtasts-dns}). Add them with {@code --add-modules} or {@code requires}.
 */
@org.jspecify.annotations.NullMarked
module org.mtasts.http {
    requires static org.jspecify;
    requires transitive org.mtasts.core;
    requires transitive org.mtasts.tlsrpt;
    requires transitive okhttp3;
    requires static jakarta.mail;
    requires static org.eclipse.angus.mail;
    requires static org.mtasts.dns;

    exports org.mtasts.http;
    exports org.mtasts.http.mail;
    exports org.mtasts.http.publish;

    uses org.mtasts.core.TxtResolver;
}
