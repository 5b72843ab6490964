package org.mtasts.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.X509TrustManager;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.ReportUri;
import org.mtasts.tlsrpt.ReportFormat;

/**
 * POSTs TLS-RPT reports to {@code https:} reporting URIs (RFC 8460 §5.4): the body is the report
 * itself (gzip-compressed JSON, or plain JSON), with {@code Content-Type: application/tlsrpt+gzip}
 * or {@code application/tlsrpt+json}; any 2xx status means delivered; redirects are not followed;
 * one deadline covers the whole exchange. The {@link UploadResult} tells the caller's retry logic
 * whether another attempt makes sense (RFC 8460 §5.5).
 *
 * <p>The client is derived like the policy fetcher's: TLS 1.2 or later with certificate and host
 * checks (RFC 8460 §3 allows a submitter to ignore certificate errors; this class does not, but a
 * caller can give a {@link Builder#trustManager}), no cache, no redirects, and the {@link
 * AddressFilter} so that a published {@code rua} cannot point a mail server at its own network.
 *
 * <pre>{@code
 * ReportUploader uploader = ReportUploader.builder()
 *         .build();
 * for (ReportUri uri : tlsRptRecord.rua()) {
 *     if (uri instanceof ReportUri.Https https) {
 *         UploadResult r = uploader.upload(https, gzippedReport, ReportFormat.GZIP);
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.4">RFC 8460 §5.4</a>
 * @since 0.1
 */
public final class ReportUploader implements AutoCloseable {

    /** The default deadline of one upload. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(1);

    private final OkHttpClient client;
    private final boolean ownsClient;
    private final Map<String, InetSocketAddress> overrides;
    private final AddressFilter addressFilter;

    private ReportUploader(Builder b) {
        this.ownsClient = b.client == null;
        this.overrides = Map.copyOf(b.overrides);
        this.addressFilter = b.addressFilter;
        this.client = Clients.derive(b.client, b.trustManager, b.timeout, overrides, b.addressFilter);
    }

    /** {@return a new builder} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Uploads a report and waits for the outcome. If the waiting thread is interrupted, the upload
     * is cancelled, the flag restored, and the result is a retryable {@link UploadResult.Failed}.
     *
     * @param endpoint an {@code https:} URI from a TLSRPT record's {@code rua}
     * @param body the report: gzip or JSON bytes, as {@code format} says
     * @param format the encoding of {@code body}
     * @return the outcome
     * @throws IllegalArgumentException if the URI is not {@code https:}
     */
    public UploadResult upload(URI endpoint, byte[] body, ReportFormat format) {
        CompletableFuture<UploadResult> future = uploadAsync(endpoint, body, format);
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return new UploadResult.Failed(UploadResult.Reason.IO, "interrupted while uploading", e);
        } catch (ExecutionException | CancellationException e) {
            return failed(e.getCause() != null ? e.getCause() : e);
        }
    }

    /**
     * Uploads a report to an {@code https:} reporting URI and waits for the outcome.
     *
     * @param endpoint the reporting URI
     * @param body the report
     * @param format the encoding of {@code body}
     * @return the outcome
     */
    public UploadResult upload(ReportUri.Https endpoint, byte[] body, ReportFormat format) {
        return upload(endpoint.toUri(), body, format);
    }

    /**
     * Starts uploading a report.
     *
     * @param endpoint an {@code https:} URI
     * @param body the report bytes (not copied: do not change them until the future completes)
     * @param format the encoding of {@code body}
     * @return the outcome; never completes exceptionally
     * @throws IllegalArgumentException if the URI is not {@code https:}
     */
    public CompletableFuture<UploadResult> uploadAsync(URI endpoint, byte[] body, ReportFormat format) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(format, "format");
        if (endpoint.getScheme() == null || !endpoint.getScheme().toLowerCase(Locale.ROOT).equals("https")) {
            // RFC 8460 §3: the https scheme is the one for HTTP delivery; never post reports in cleartext.
            throw new IllegalArgumentException("report URI '" + Printable.of(endpoint.toString()) + "' is not https:");
        }
        HttpUrl url;
        try {
            url = HttpUrl.get(endpoint.toString());
            InetSocketAddress override = overrides.get(url.host());
            if (override != null) {
                url = url.newBuilder().port(override.getPort()).build();
            } else {
                // OkHttp does not ask its Dns about an IP literal: check it against the filter here.
                InetAddress literal = ipLiteral(url.host());
                if (literal != null && !addressFilter.permits(literal)) {
                    return CompletableFuture.completedFuture(new UploadResult.Failed(UploadResult.Reason.ADDRESS_REJECTED,
                            "the address " + literal.getHostAddress() + " of the report URI is rejected by the address filter",
                            null));
                }
            }
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new UploadResult.Failed(UploadResult.Reason.INVALID_URI,
                    "cannot request '" + Printable.of(endpoint.toString()) + "': " + Printable.of(e.getMessage()), e));
        }
        // RFC 8460 §5.4: POST the report with its media type.
        Request request = new Request.Builder().url(url)
                .post(RequestBody.create(body, MediaType.get(format.mediaType())))
                .build();
        return Clients.enqueue(client, request, ReportUploader::judge, ReportUploader::failed);
    }

    /** Returns the address of an IPv4 or IPv6 literal host (as HttpUrl gives it), or null for a name. */
    static @Nullable InetAddress ipLiteral(String host) {
        boolean v6 = host.indexOf(':') >= 0;
        boolean v4 = !host.isEmpty();
        for (int i = 0; i < host.length() && v4; i++) {
            char c = host.charAt(i);
            v4 = (c >= '0' && c <= '9') || c == '.';
        }
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(host); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static UploadResult judge(Response response) throws IOException {
        int status = response.code();
        if (status >= 200 && status < 300) {
            // RFC 8460 §5.4: a success status (typically 200 or 201) means delivered.
            return new UploadResult.Delivered(status);
        }
        String start = response.peekBody(200).string();
        String location = response.header("Location");
        boolean retryable = status == 408 || status == 425 || status == 429 || status >= 500;
        String detail = "HTTP status " + status
                + (status >= 300 && status < 400 ? " (redirects are not followed"
                        + (location == null ? "" : ": " + Printable.of(location)) + ")" : "")
                + (start.isEmpty() ? "" : ": " + Printable.of(start.strip()));
        return new UploadResult.Rejected(status, retryable, detail);
    }

    private static UploadResult failed(Throwable t) {
        FetchFailure failure = Failures.classify(t);
        return new UploadResult.Failed(UploadResult.Reason.of(failure), failure.code() + ": " + Printable.describe(t), t);
    }

    /**
     * Releases the dispatcher threads and pooled connections of the uploader's own client; a
     * client given to {@link Builder#client} is left alone.
     */
    @Override
    public void close() {
        if (ownsClient) {
            Clients.release(client);
        }
    }

    /**
     * Configures a {@link ReportUploader}.
     *
     * <pre>{@code
     * ReportUploader uploader = ReportUploader.builder().client(appClient).timeout(Duration.ofSeconds(30)).build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private @Nullable OkHttpClient client;
        private @Nullable X509TrustManager trustManager;
        private Duration timeout = DEFAULT_TIMEOUT;
        private final Map<String, InetSocketAddress> overrides = new HashMap<>();
        private AddressFilter addressFilter = AddressFilter.PUBLIC_ONLY;

        private Builder() {}

        /**
         * Sets the client to derive from (default: a new client owned by the uploader).
         *
         * @param client the application's client
         * @return this builder
         */
        public Builder client(OkHttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Sets the roots endpoint certificates must chain to (default: the client's).
         *
         * @param trustManager the trust manager
         * @return this builder
         */
        public Builder trustManager(X509TrustManager trustManager) {
            this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
            return this;
        }

        /**
         * Sets the deadline of one upload (default one minute).
         *
         * @param timeout a positive duration of at most one hour
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Clients.checkTimeout(timeout);
            return this;
        }

        /**
         * Connects a host name to another address and port instead of resolving it and using the
         * URI's port; TLS still checks the name. For tests and diagnostics; not filtered.
         *
         * @param host the host name of the URI
         * @param address the address and port to connect to (resolved)
         * @return this builder
         */
        public Builder addressOverride(String host, InetSocketAddress address) {
            this.overrides.put(Clients.overrideKey(host, address), address);
            return this;
        }

        /**
         * Sets which resolved addresses may be connected to (default {@link AddressFilter#PUBLIC_ONLY}).
         *
         * @param filter the filter
         * @return this builder
         */
        public Builder addressFilter(AddressFilter filter) {
            this.addressFilter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /**
         * Builds the uploader.
         *
         * @return the uploader
         */
        public ReportUploader build() {
            return new ReportUploader(this);
        }
    }
}
