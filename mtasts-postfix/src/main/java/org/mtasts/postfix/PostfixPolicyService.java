package org.mtasts.postfix;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.ParseResult;
import org.mtasts.core.PolicyStore;
import org.mtasts.core.SafeText;
import org.mtasts.dns.DaneLookup;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.FilePolicyStore;
import org.mtasts.http.InMemoryPolicyStore;
import org.mtasts.http.MtaSts;

/**
 * The whole policy server as {@code mtasts postfix serve} runs it, from a {@link PostfixConfig}:
 * the {@link MtaSts} service (DNS through dnsjava, the configured cache, proactive refresh), the
 * {@link DaneLookup} when DANE is on, the {@link PostfixPolicyServer}, and the optional HTTP
 * endpoint with:
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text format (answers by kind, cache hits and misses,
 *       policy failures by TLS-RPT result type, the answer latency histogram, connections);</li>
 *   <li>{@code GET /health}: {@code 200 serving}, or {@code 503 shutting down};</li>
 *   <li>{@code POST /purge?domain=example.com}: drops the domain's cached policy; answered only to
 *       clients on a loopback address (403 otherwise), whatever address the endpoint listens on.</li>
 * </ul>
 *
 * <pre>{@code
 * PostfixConfig config = PostfixConfig.parse("listen: inet:127.0.0.1:0\nhttp: 127.0.0.1:0\n");
 * try (PostfixPolicyService service = PostfixPolicyService.builder(config)
 *         .mtaSts(sts)
 *         .start()) {
 *     ListenAddress socketmap = service.server().address();
 *     Optional<InetSocketAddress> http = service.httpAddress();
 * }
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @since 0.1
 */
public final class PostfixPolicyService implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PostfixPolicyService.class.getName());

    private final PostfixConfig config;
    private final PostfixPolicyServer server;
    private final @Nullable HttpServer http;
    private final @Nullable ExecutorService httpThreads;
    private final List<AutoCloseable> owned;
    private volatile boolean closed;

    private PostfixPolicyService(PostfixConfig config, PostfixPolicyServer server, @Nullable HttpServer http,
            @Nullable ExecutorService httpThreads, List<AutoCloseable> owned) {
        this.config = config;
        this.server = server;
        this.http = http;
        this.httpThreads = httpThreads;
        this.owned = owned;
    }

    /**
     * Returns a new builder.
     *
     * @param config the configuration
     * @return the builder
     */
    public static Builder builder(PostfixConfig config) {
        return new Builder(config);
    }

    /**
     * Returns the socketmap server.
     *
     * @return the server
     */
    public PostfixPolicyServer server() {
        return server;
    }

    /**
     * Returns where the HTTP endpoint listens, if configured.
     *
     * @return the address with the port that was picked
     */
    public Optional<InetSocketAddress> httpAddress() {
        return http == null ? Optional.empty() : Optional.of(http.getAddress());
    }

    /**
     * Shuts down: the socketmap server first (stop accepting, answers in flight sent within the
     * {@code shutdown_timeout}), then the HTTP endpoint and the services the builder made.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean drained = server.shutdown(config.shutdownTimeout());
        if (!drained) {
            LOG.log(System.Logger.Level.WARNING, "shutdown_timeout {0} passed with answers still in flight",
                    config.shutdownTimeout());
        }
        if (http != null) {
            http.stop(0);
        }
        if (httpThreads != null) {
            httpThreads.shutdownNow();
        }
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + c + ": " + e);
            }
        }
        LOG.log(System.Logger.Level.INFO, "stopped");
    }

    private static void handle(HttpExchange ex, PostfixPolicyServer server, @Nullable PrometheusMeterRegistry prom) {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            switch (path) {
                case "/health" -> respond(ex, server.isServing() ? 200 : 503,
                        server.isServing() ? "serving\n" : "shutting down\n", "text/plain; charset=utf-8");
                case "/metrics" -> {
                    if (prom == null) {
                        respond(ex, 404, "no Prometheus registry\n", "text/plain; charset=utf-8");
                    } else {
                        respond(ex, 200, prom.scrape(), "text/plain; version=0.0.4; charset=utf-8");
                    }
                }
                case "/purge" -> purge(ex, method, server);
                default -> respond(ex, 404, "not found: use /health, /metrics or POST /purge?domain=\n",
                        "text/plain; charset=utf-8");
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "HTTP request failed: " + e);
        }
    }

    private static void purge(HttpExchange ex, String method, PostfixPolicyServer server) throws IOException {
        // The admin channel: loopback clients only, whatever address the endpoint is bound to.
        if (!ex.getRemoteAddress().getAddress().isLoopbackAddress()) {
            respond(ex, 403, "purge is allowed from loopback only\n", "text/plain; charset=utf-8");
            return;
        }
        if (!"POST".equals(method)) {
            ex.getResponseHeaders().add("Allow", "POST");
            respond(ex, 405, "use POST /purge?domain=example.com\n", "text/plain; charset=utf-8");
            return;
        }
        String query = ex.getRequestURI().getRawQuery();
        String domain = null;
        if (query != null) {
            for (String part : query.split("&")) {
                if (part.startsWith("domain=")) {
                    domain = URLDecoder.decode(part.substring(7), StandardCharsets.UTF_8);
                }
            }
        }
        if (domain == null) {
            respond(ex, 400, "missing ?domain=\n", "text/plain; charset=utf-8");
            return;
        }
        ParseResult<DomainName> parsed = DomainName.parse(domain);
        if (!(parsed instanceof ParseResult.Valid<DomainName> valid)) {
            respond(ex, 400, "not a domain name: " + SafeText.quote(domain) + "\n", "text/plain; charset=utf-8");
            return;
        }
        server.purge(valid.value());
        respond(ex, 200, "purged " + valid.value() + "\n", "text/plain; charset=utf-8");
    }

    private static void respond(HttpExchange ex, int status, String body, String type) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Configures and starts a {@link PostfixPolicyService}.
     *
     * <pre>{@code
     * PostfixPolicyService service = PostfixPolicyService.builder(PostfixConfig.load(file)).start();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private final PostfixConfig config;
        private @Nullable MtaSts sts;
        private @Nullable DaneLookup dane;
        private @Nullable DnsjavaResolver mxResolver;
        private Consumer<MtaSts.Builder> mtaStsSettings = b -> { };

        private Builder(PostfixConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * Uses an {@link MtaSts} service of the caller's (not closed by the service) instead of
         * making one from the configuration's {@code dns}, {@code cache} and {@code
         * proactive_refresh} settings.
         *
         * @param sts the service
         * @return this builder
         */
        public Builder mtaSts(MtaSts sts) {
            this.sts = Objects.requireNonNull(sts, "sts");
            return this;
        }

        /**
         * Adjusts the {@link MtaSts.Builder} that {@link #start} fills from the configuration
         * (resolver, cache, refresh), before it builds: a trust manager, address overrides or a
         * clock, for instance. Not used with {@link #mtaSts}.
         *
         * @param settings called once with the builder
         * @return this builder
         */
        public Builder mtaStsSettings(Consumer<MtaSts.Builder> settings) {
            this.mtaStsSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Uses a DANE lookup of the caller's instead of one made from the {@code dane} settings.
         *
         * @param lookup the lookup
         * @return this builder
         */
        public Builder daneLookup(DaneLookup lookup) {
            this.dane = Objects.requireNonNull(lookup, "lookup");
            return this;
        }

        /**
         * Uses this resolver for the MX lookups of RFC 8461 §4.1 (see {@link
         * PostfixPolicyServer.Builder#mxResolver}) instead of one made from the configuration's
         * {@code dns} settings. The MX check is always on in the service.
         *
         * @param resolver the resolver
         * @return this builder
         */
        public Builder mxResolver(DnsjavaResolver resolver) {
            this.mxResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Starts the service.
         *
         * @return the running service
         * @throws IOException if an address cannot be bound or the file cache cannot be opened
         */
        public PostfixPolicyService start() throws IOException {
            Level level = julLevel(config.logLevel());
            Logger.getLogger("org.mtasts").setLevel(level);
            if (level.intValue() < Level.INFO.intValue()) {
                // The root console handler passes INFO and up by default: let debug lines through.
                for (java.util.logging.Handler h : Logger.getLogger("").getHandlers()) {
                    h.setLevel(level);
                }
            }
            List<AutoCloseable> owned = new ArrayList<>();
            MtaSts service = sts;
            try {
                DnsjavaResolver mx = mxResolver;
                if (mx == null) {
                    mx = makeResolver(config); // the same settings as the MTA-STS lookups
                }
                if (service == null) {
                    service = makeMtaSts(config, mx, mtaStsSettings, owned);
                }
                DaneLookup lookup = dane;
                if (lookup == null && config.dane().enabled()) {
                    DaneLookup.Builder b = DaneLookup.builder().timeout(config.dane().timeout());
                    config.dane().servers().forEach(b::server);
                    lookup = b.build();
                }
                PrometheusMeterRegistry prom = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                PostfixPolicyServer.Builder sb = PostfixPolicyServer.builder(service).config(config).meterRegistry(prom)
                        .mxResolver(mx);
                if (lookup != null) {
                    sb.daneLookup(lookup);
                }
                PostfixPolicyServer server = sb.start();
                HttpServer http = null;
                ExecutorService threads = null;
                if (config.http() != null) {
                    ListenAddress h = config.http();
                    try {
                        http = HttpServer.create((InetSocketAddress) h.socketAddress(), 16);
                    } catch (IOException e) {
                        server.shutdown(Duration.ZERO);
                        throw new IOException("cannot listen on " + h + " for HTTP: " + e.getMessage(), e);
                    }
                    threads = Executors.newSingleThreadExecutor(r -> {
                        Thread t = new Thread(r, "mtasts-postfix-http");
                        t.setDaemon(true);
                        return t;
                    });
                    http.setExecutor(threads);
                    HttpServer started = http;
                    http.createContext("/", ex -> handle(ex, server, prom));
                    started.start();
                    LOG.log(System.Logger.Level.INFO, "HTTP endpoint (metrics, health, purge) on {0}", http.getAddress());
                }
                return new PostfixPolicyService(config, server, http, threads, owned);
            } catch (IOException | RuntimeException e) {
                for (AutoCloseable c : owned) {
                    try {
                        c.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }

        private static DnsjavaResolver makeResolver(PostfixConfig config) {
            DnsjavaResolver.Builder dns = DnsjavaResolver.builder().timeout(config.dnsTimeout());
            config.dnsServers().forEach(dns::server);
            return dns.build();
        }

        /**
         * The {@link MtaSts} of the configuration; it and the shared cache it uses are added to
         * {@code owned} in the order they are to be closed (the service before its store).
         */
        private static MtaSts makeMtaSts(PostfixConfig config, DnsjavaResolver dns,
                Consumer<MtaSts.Builder> settings, List<AutoCloseable> owned) throws IOException {
            SharedCache shared = null;
            PolicyStore store;
            if (config.cache() instanceof PostfixConfig.Cache.File f) {
                store = FilePolicyStore.open(f.path());
            } else if (config.cache() instanceof PostfixConfig.Cache.Memory m) {
                store = new InMemoryPolicyStore(m.size(), java.time.Clock.systemUTC());
            } else {
                try {
                    shared = SharedCache.open(config.cache());
                } catch (LinkageError e) {
                    // PostfixConfig checked the classes; a jar of theirs may still be missing (Netty for Lettuce).
                    throw new IOException("cache: a class of the store is missing from the class or module path: " + e,
                            e);
                }
                store = shared.store;
            }
            Duration longest = config.defaultZone().timeout();
            for (PostfixConfig.Zone z : config.zones().values()) {
                longest = z.timeout().compareTo(longest) > 0 ? z.timeout() : longest;
            }
            PostfixConfig.Refresh r = config.refresh();
            MtaSts sts;
            try {
                MtaSts.Builder b = MtaSts.builder()
                        .txtResolver(dns)
                        .store(store)
                        .resolveTimeout(longest.compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : longest)
                        .proactiveRefresh(r.enabled())
                        .refreshInterval(r.interval())
                        .refreshAge(r.age())
                        .refreshSpread(r.spread())
                        .refreshConcurrency(r.concurrency())
                        .refreshListener((cached, outcome) -> LOG.log(System.Logger.Level.WARNING,
                                "refresh of {0}: {1}", cached.domain(), outcome));
                if (shared != null) {
                    // One node of the cluster refreshes a domain at a time (RFC 8461 §3.3, §10.2).
                    b.refreshLease(shared.lease);
                }
                settings.accept(b);
                sts = b.build();
                owned.add(sts);
            } catch (RuntimeException e) {
                closeQuietly(shared, e);
                throw e;
            }
            if (shared != null) {
                owned.add(shared);
            }
            return sts;
        }

        private static void closeQuietly(@Nullable AutoCloseable c, Exception failure) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    failure.addSuppressed(suppressed);
                }
            }
        }

        private static Level julLevel(System.Logger.Level level) {
            return switch (level) {
                case ALL, TRACE -> Level.FINEST;
                case DEBUG -> Level.FINE;
                case INFO -> Level.INFO;
                case WARNING -> Level.WARNING;
                case ERROR -> Level.SEVERE;
                case OFF -> Level.OFF;
            };
        }
    }
}
