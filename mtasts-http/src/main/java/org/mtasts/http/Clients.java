package org.mtasts.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
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

    /** Reads a response into a result; may throw, which {@link #enqueue} turns into a failure. */
    @FunctionalInterface
    interface ResponseReader<T> {
        T read(Response response) throws IOException;
    }

    /**
     * Runs a call asynchronously: the response is read on OkHttp's dispatcher thread and closed;
     * an exception becomes {@code onError}'s result, so the future never completes exceptionally;
     * cancelling the future cancels the call.
     */
    static <T> CompletableFuture<T> enqueue(OkHttpClient client, Request request, ResponseReader<T> reader,
            Function<Throwable, T> onError) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Call call = client.newCall(request);
        future.whenComplete((result, error) -> {
            if (future.isCancelled()) {
                call.cancel();
            }
        });
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call c, IOException e) {
                future.complete(onError.apply(e));
            }

            @Override
            public void onResponse(Call c, Response response) {
                T result;
                try (response) {
                    result = reader.read(response);
                } catch (IOException | RuntimeException e) {
                    result = onError.apply(e);
                }
                future.complete(result);
            }
        });
        return future;
    }

    /** Stops the dispatcher threads and drops the pooled connections of a client we created. */
    static void release(OkHttpClient client) {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    /** Checks a builder's overall deadline: positive, at most an hour. */
    static Duration checkTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("timeout " + timeout + " is not in (0, 1h]");
        }
        return timeout;
    }

    /** Checks an address override and returns its key: the host name in lower case, no root dot. */
    static String overrideKey(String host, InetSocketAddress address) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("override address for " + host + " is unresolved: " + address);
        }
        String name = host.toLowerCase(Locale.ROOT);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
