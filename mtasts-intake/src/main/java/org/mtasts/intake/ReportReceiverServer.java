package org.mtasts.intake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.mtasts.tlsrpt.ReportError;

/**
 * An HTTPS {@code rua} endpoint (RFC 8460 §5.4) on the JDK's own HTTP server ({@code
 * jdk.httpserver}): it takes {@code POST}s of {@code application/tlsrpt+json} and {@code
 * application/tlsrpt+gzip} into a {@link ReportIntake}.
 *
 * <p>Answers: 201 for a new report, 200 for one stored before; 405 for a method other than {@code
 * POST}; 404 outside the configured path; 415 for another media type; 413 for a body over {@link Builder#maxBodyBytes} or a report
 * that decompresses beyond the reader's limit (a gzip bomb); 400 for a body that is no usable report
 * (kept in the quarantine with its reason); 500 if the store cannot be written (the sender retries,
 * RFC 8460 §5.5). Nothing from the request (path, headers, body) becomes part of a file name: the
 * store and quarantine name files by digests.
 *
 * <pre>{@code
 * ReportReceiverServer server = ReportReceiverServer.builder()
 *         .intake(intake)
 *         .address(new InetSocketAddress("127.0.0.1", 0))
 *         .sslContext(sslContext)
 *         .build();
 * server.start();
 * int port = server.address().getPort();
 * server.close();
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.4">RFC 8460 §5.4</a>
 * @since 0.1
 */
public final class ReportReceiverServer implements AutoCloseable {

    /** The default largest body: 5 MiB, far above a gzip report of a busy day. */
    public static final int DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

    /** The default number of request threads. */
    public static final int DEFAULT_THREADS = 4;

    private static final System.Logger LOG = System.getLogger(ReportReceiverServer.class.getName());

    private final ReportIntake intake;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String path;
    private final int maxBodyBytes;
    private final boolean https;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private ReportReceiverServer(Builder b) throws IOException {
        this.intake = Objects.requireNonNull(b.intake, "intake");
        this.path = b.path;
        this.maxBodyBytes = b.maxBodyBytes;
        this.https = b.sslContext != null;
        if (b.sslContext != null) {
            HttpsServer s = HttpsServer.create(b.address, 64);
            s.setHttpsConfigurator(new HttpsConfigurator(b.sslContext));
            this.server = s;
        } else {
            this.server = HttpServer.create(b.address, 64);
        }
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "tlsrpt-receiver-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** {@return a new builder} */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts answering requests. */
    public void start() {
        server.start();
    }

    /** {@return the address the server listens on (with the port chosen when 0 was given)} */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@return the URI reports are posted to, with the listening address as host} */
    public java.net.URI uri() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return java.net.URI.create((https ? "https" : "http") + "://" + host + ":" + a.getPort() + path);
    }

    /** Stops the server; requests in progress are cut off. A second call does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            answer(exchange);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "report receiver: request from {0} failed: {1}", exchange.getRemoteAddress(), e);
            throw e;
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        String requestPath = exchange.getRequestURI().getRawPath();
        if (!path.equals(requestPath)) {
            send(exchange, 404, "not found: reports are posted to " + path);
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            // RFC 8460 §5.4: reports are submitted with POST.
            send(exchange, 405, "method not allowed: POST a report");
            return;
        }
        String type = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
        // RFC 8460 §5.4, §6.4, §6.5: the body is application/tlsrpt+json or application/tlsrpt+gzip.
        if (!"application/tlsrpt+json".equals(type) && !"application/tlsrpt+gzip".equals(type)) {
            send(exchange, 415, "unsupported media type: send application/tlsrpt+json or application/tlsrpt+gzip");
            return;
        }
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                send(exchange, 400, "bad Content-Length");
                return;
            }
            if (declared > maxBodyBytes) {
                send(exchange, 413, "body of " + declared + " bytes is over the limit of " + maxBodyBytes);
                return;
            }
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(maxBodyBytes + 1);
        }
        if (body.length > maxBodyBytes) {
            send(exchange, 413, "body is over the limit of " + maxBodyBytes + " bytes");
            return;
        }
        boolean gzip = body.length >= 2 && (body[0] & 0xFF) == 0x1F && (body[1] & 0xFF) == 0x8B;
        if (gzip != type.endsWith("gzip")) {
            // The reader would tell them apart by their bytes; a mislabelled body is still refused, as
            // the sender's bug is worth seeing.
            IntakeResult.Quarantined q = intake.quarantine(body, origin(exchange), "Content-Type " + type
                    + " but the body is " + (gzip ? "gzip" : "not gzip"));
            send(exchange, 400, q.reason());
            return;
        }
        IntakeResult result;
        try {
            result = intake.acceptReport(body, origin(exchange));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "report receiver: cannot store a report: {0}", e.toString());
            send(exchange, 500, "the report could not be stored; try again later");
            return;
        }
        switch (result.kind()) {
            case STORED:
                send(exchange, 201, "stored");
                break;
            case DUPLICATE:
                send(exchange, 200, "stored before");
                break;
            default:
                IntakeResult.Quarantined q = (IntakeResult.Quarantined) result;
                ReportError error = q.error();
                boolean tooLarge = error != null && error.kind() == ReportError.Kind.LIMIT_EXCEEDED;
                send(exchange, tooLarge ? 413 : 400, printable(q.reason()));
                break;
        }
    }

    private static String origin(HttpExchange exchange) {
        return "HTTPS POST from " + exchange.getRemoteAddress();
    }

    private static @Nullable String mediaType(@Nullable String header) {
        if (header == null) {
            return null;
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 500));
        for (int i = 0; i < s.length() && b.length() < 500; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7F ? ' ' : c);
        }
        return b.toString();
    }

    /**
     * Configures a {@link ReportReceiverServer}.
     *
     * <pre>{@code
     * ReportReceiverServer.Builder b = ReportReceiverServer.builder().intake(intake)
     *         .address(new InetSocketAddress(8443)).path("/tlsrpt").maxBodyBytes(1_000_000);
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private @Nullable ReportIntake intake;
        private InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
        private @Nullable SSLContext sslContext;
        private String path = "/";
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int threads = DEFAULT_THREADS;

        private Builder() {}

        /**
         * Sets the intake reports go to (required).
         *
         * @param intake the intake
         * @return this builder
         */
        public Builder intake(ReportIntake intake) {
            this.intake = Objects.requireNonNull(intake, "intake");
            return this;
        }

        /**
         * Sets the address to listen on (default: 127.0.0.1, a free port).
         *
         * @param address the address
         * @return this builder
         */
        public Builder address(InetSocketAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * Sets the TLS context with the server's certificate. Without one the server speaks plain
         * HTTP, for a TLS-terminating proxy in front of it: RFC 8460 §3 names {@code https} as the
         * scheme of HTTP delivery.
         *
         * @param context the server's TLS context
         * @return this builder
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Sets the path reports are posted to (default {@code /}); any other path gets 404.
         *
         * @param path an absolute path
         * @return this builder
         */
        public Builder path(String path) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
                throw new IllegalArgumentException("path '" + path + "' is not an absolute path without query");
            }
            this.path = path;
            return this;
        }

        /**
         * Sets the largest request body, compressed (default {@link #DEFAULT_MAX_BODY_BYTES}); the
         * decompressed size is limited by the intake's report reader.
         *
         * @param bytes 1 to 2^30
         * @return this builder
         */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 1 || bytes > (1 << 30)) {
                throw new IllegalArgumentException("maxBodyBytes " + bytes + " is outside 1.." + (1 << 30));
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * Sets the number of request threads (default {@link #DEFAULT_THREADS}).
         *
         * @param threads 1 to 256
         * @return this builder
         */
        public Builder threads(int threads) {
            if (threads < 1 || threads > 256) {
                throw new IllegalArgumentException("threads " + threads + " is outside 1..256");
            }
            this.threads = threads;
            return this;
        }

        /**
         * Binds the server socket; {@link #start()} starts answering.
         *
         * @return the server
         * @throws IOException if the address cannot be bound
         * @throws IllegalStateException if no intake is set
         */
        public ReportReceiverServer build() throws IOException {
            if (intake == null) {
                throw new IllegalStateException("intake is not set");
            }
            return new ReportReceiverServer(this);
        }
    }

}
