package org.mtasts.http;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.TlsVersion;
import org.jspecify.annotations.Nullable;

/** The OkHttp client settings shared by {@link HttpsPolicyFetcher} and {@link ReportUploader}. */
final class Clients {
    private Clients() {}

    /** RFC 8461 §7.2: TLS 1.2 or later, with RFC 7525's recommended cipher suites (OkHttp's MODERN_TLS). */
    static final ConnectionSpec TLS_1_2_OR_LATER = new ConnectionSpec.Builder(ConnectionSpec.MODERN_TLS)
            .tlsVersions(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2)
            .build();

    /**
     * OkHttp's own verifier (not exported by its module, so taken from a bare client): restored even
     * when the caller's client installed another one.
     */
    static final HostnameVerifier DEFAULT_HOSTNAME_VERIFIER = new OkHttpClient().hostnameVerifier();

    /**
     * Derives the client for policy fetches and report uploads: the caller's settings, overridden
     * where RFC 8461 decides (the same rules serve RFC 8460 §5.4 uploads: no redirects, no cache).
     */
    static OkHttpClient derive(@Nullable OkHttpClient base, @Nullable X509TrustManager trustManager,
            Duration timeout, Map<String, InetSocketAddress> overrides, AddressFilter filter) {
        OkHttpClient from = base != null ? base : new OkHttpClient();
        OkHttpClient.Builder b = from.newBuilder()
                .followRedirects(false)              // RFC 8461 §3.3: redirects MUST NOT be followed
                .followSslRedirects(false)
                .cache(null)                         // RFC 8461 §3.3: no HTTP caching (RFC 7234)
                .retryOnConnectionFailure(false)
                .connectionSpecs(List.of(TLS_1_2_OR_LATER)) // RFC 8461 §7.2: TLS 1.2+, no cleartext
                .hostnameVerifier(DEFAULT_HOSTNAME_VERIFIER) // RFC 8461 §3.3: DNS-ID of mta-sts.<domain>
                .callTimeout(timeout)                // RFC 8461 §3.3: a timeout, covering a slow drip
                .dns(new GuardedDns(from.dns(), overrides, filter));
        if (trustManager != null) {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {trustManager}, null);
                b.sslSocketFactory(context.getSocketFactory(), trustManager);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot build a TLS context for the trust manager", e);
            }
        }
        return b.build();
    }
}
