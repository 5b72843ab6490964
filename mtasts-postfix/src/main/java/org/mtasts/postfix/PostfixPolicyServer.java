package org.mtasts.postfix;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.SafeText;
import org.mtasts.core.StsPolicy;
import org.mtasts.dns.DaneAnswer;
import org.mtasts.dns.DaneLookup;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.dns.MxAnswer;
import org.mtasts.http.MtaSts;
import org.mtasts.http.PolicyResolution;
import org.mtasts.tlsrpt.FailureDetails;

/**
 * The Postfix socketmap TLS policy server: answers {@code smtp_tls_policy_maps =
 * socketmap:inet:127.0.0.1:8461:postfix} lookups from the {@link MtaSts} service, DANE first.
 *
 * <p>One selector thread serves every connection (Postfix's {@code smtp} processes each keep one
 * open); requests on one connection are answered in order, and a domain that is slow to resolve
 * never delays the answers on other connections, because answers are computed by {@link
 * MtaSts#resolveAsync} (immediate for a warm cache) and written when they complete. Limits: a
 * request's length prefix over {@link #MAX_REQUEST_LENGTH} or any framing error is answered
 * {@code PERM} and the connection closed at once; a started request must be complete within the
 * request timeout, an idle connection is closed after the idle timeout; connections over the
 * limit are closed when accepted.
 *
 * <pre>{@code
 * PostfixConfig config = PostfixConfig.parse("listen: inet:127.0.0.1:0\n");
 * try (PostfixPolicyServer server = PostfixPolicyServer.builder(sts).config(config).start()) {
 *     ListenAddress where = server.address();                  // the port that was picked
 *     SocketmapReply reply = server.answer("postfix", "example.com").join();
 * }
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="http://www.postfix.org/socketmap_table.5.html">Postfix socketmap_table(5)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5">RFC 8461 §5</a>
 * @since 0.1
 */
public final class PostfixPolicyServer implements AutoCloseable {

    /**
     * The longest request accepted: a socketmap request is {@code <name> <key>}, and a key is a
     * domain name of at most 255 characters, so 1000 bytes leave room and refuse nothing real.
     */
    public static final int MAX_REQUEST_LENGTH = 1000;

    private static final System.Logger LOG = System.getLogger(PostfixPolicyServer.class.getName());

    private final MtaSts sts;
    private final PostfixConfig config;
    private final @Nullable DaneLookup dane;
    private final @Nullable DnsjavaResolver mxResolver;
    private final MeterRegistry registry;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final ListenAddress bound;
    private final Thread loop;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ConcurrentHashMap<DomainName, DaneEntry> daneCache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<DomainName, MxEntry> mxCache = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final Object idle = new Object();
    private final long requestTimeoutNanos;
    private final long idleTimeoutNanos;
    private final Timer latency;
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final Map<PolicyAnswers.Kind, Counter> answers = new ConcurrentHashMap<>();
    private volatile boolean accepting = true;
    private volatile boolean running = true;

    private record DaneEntry(DaneAnswer answer, long expiresNanos) {}

    private record MxEntry(MxAnswer answer, long expiresNanos) {}

    private PostfixPolicyServer(Builder b) throws IOException {
        this.sts = b.sts;
        this.config = b.config != null ? b.config : PostfixConfig.defaults();
        this.dane = config.dane().enabled() ? b.dane : null;
        if (config.dane().enabled() && b.dane == null) {
            throw new IllegalStateException("dane.enabled is set but no DaneLookup was given to the builder");
        }
        this.mxResolver = b.mxResolver;
        this.registry = b.registry != null ? b.registry : new SimpleMeterRegistry();
        this.requestTimeoutNanos = config.requestTimeout().toNanos();
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
        this.latency = Timer.builder("mtasts_postfix_answer").description("Time from a request to its answer")
                .publishPercentileHistogram().register(registry);
        this.cacheHits = Counter.builder("mtasts_postfix_cache").tag("result", "hit")
                .description("Requests answered from memory without waiting").register(registry);
        this.cacheMisses = Counter.builder("mtasts_postfix_cache").tag("result", "miss")
                .description("Requests that waited for DNS or a policy fetch").register(registry);
        for (PolicyAnswers.Kind k : PolicyAnswers.Kind.values()) {
            answers.put(k, Counter.builder("mtasts_postfix_answers").tag("kind", k.tag)
                    .description("Answers by kind").register(registry));
        }
        registry.gauge("mtasts_postfix_connections", connections);
        ListenAddress listen = config.listen();
        ServerSocketChannel ch;
        if (listen.isUnix()) {
            Path p = Objects.requireNonNull(listen.path());
            Files.deleteIfExists(p); // a stale socket file of a previous run
            ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        } else {
            ch = ServerSocketChannel.open();
        }
        try {
            ch.bind(listen.socketAddress(), 256);
            ch.configureBlocking(false);
            this.selector = Selector.open();
            ch.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        this.server = ch;
        SocketAddress local = ch.getLocalAddress();
        this.bound = local instanceof java.net.InetSocketAddress i
                ? new ListenAddress(i.getAddress().getHostAddress(), i.getPort(), null)
                : new ListenAddress(null, -1, Path.of(((UnixDomainSocketAddress) local).getPath().toString()));
        this.loop = new Thread(this::run, "mtasts-postfix-selector");
        this.loop.setDaemon(true);
        this.loop.start();
        LOG.log(System.Logger.Level.INFO, "socketmap server listening on {0}", bound);
    }

    /**
     * Returns a new builder.
     *
     * @param sts the MTA-STS service the answers come from
     * @return the builder
     */
    public static Builder builder(MtaSts sts) {
        return new Builder(sts);
    }

    /**
     * Returns where the server listens (with the port that was picked for port 0).
     *
     * @return the address
     */
    public ListenAddress address() {
        return bound;
    }

    /**
     * Returns the meter registry the server counts in.
     *
     * @return the registry
     */
    public MeterRegistry meterRegistry() {
        return registry;
    }

    /**
     * Returns whether the server accepts connections (false once a shutdown started).
     *
     * @return true while serving
     */
    public boolean isServing() {
        return accepting && running;
    }

    /**
     * Computes the answer to one socketmap request, as if it came over a connection.
     *
     * @param mapName the socketmap name (selects the zone)
     * @param key the lookup key: the next-hop domain
     * @return the answer; the future never completes exceptionally
     */
    public CompletableFuture<SocketmapReply> answer(String mapName, String key) {
        Objects.requireNonNull(mapName, "mapName");
        Objects.requireNonNull(key, "key");
        long start = System.nanoTime();
        CompletableFuture<SocketmapReply> reply;
        try {
            reply = compute(mapName, key);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "answer for " + SafeText.quote(key) + " failed", e);
            reply = CompletableFuture.completedFuture(SocketmapReply.temp("internal error"));
        }
        return reply.handle((r, e) -> {
            SocketmapReply out = r != null ? r : SocketmapReply.temp("internal error");
            if (e != null) {
                LOG.log(System.Logger.Level.ERROR, "answer for " + SafeText.quote(key) + " failed", e);
            }
            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            answers.get(PolicyAnswers.Kind.of(out)).increment();
            if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                LOG.log(System.Logger.Level.DEBUG, "{0} {1} -> {2}", mapName, SafeText.quote(key), out);
            }
            return out;
        });
    }

    private CompletableFuture<SocketmapReply> compute(String mapName, String key) {
        PostfixConfig.Zone zone = config.zone(mapName);
        if (zone == null) {
            return CompletableFuture.completedFuture(SocketmapReply.perm("unknown map name "
                    + SafeText.quote(mapName) + " (configured: " + config.mapName() + " and the zones)"));
        }
        DomainName domain = PolicyAnswers.domainOf(key);
        if (domain == null) {
            return CompletableFuture.completedFuture(SocketmapReply.notFound());
        }
        CompletableFuture<PolicyResolution> resolution = sts.resolveAsync(domain);
        if (resolution.isDone()) {
            cacheHits.increment();
        } else {
            cacheMisses.increment();
            long timeout = zone.timeout().toMillis();
            resolution = resolution.copy().completeOnTimeout(timedOut(domain, zone), timeout, TimeUnit.MILLISECONDS);
        }
        CompletableFuture<PolicyResolution> counted = resolution.thenApply(r -> {
            Optional<FailureDetails> f = r.policyFailure();
            f.ifPresent(d -> registry.counter("mtasts_postfix_policy_failures", "result_type",
                    d.resultType().token()).increment());
            return r;
        });
        CompletableFuture<@Nullable DaneAnswer> daneAnswer = daneOf(domain);
        if (counted.isDone() && daneAnswer.isDone()) {
            return withMx(zone, domain, counted.join(), daneAnswer.join()); // a warm domain: no recursion
        }
        return counted.thenCompose(r -> daneAnswer.thenCompose(d -> withMx(zone, domain, r, d)));
    }

    /**
     * The answer, with the domain's MX hosts looked up when it enforces a policy (RFC 8461 §4.1);
     * immediate when the MX answer is cached.
     */
    private CompletableFuture<SocketmapReply> withMx(PostfixConfig.Zone zone, DomainName domain, PolicyResolution r,
            @Nullable DaneAnswer d) {
        Optional<StsPolicy> enforced = PolicyAnswers.enforced(zone, r, d);
        if (mxResolver == null || enforced.isEmpty()) {
            return CompletableFuture.completedFuture(PolicyAnswers.answer(config, zone, r, d, null));
        }
        CompletableFuture<MxAnswer> mx = mxOf(domain, zone);
        if (mx.isDone()) {
            return CompletableFuture.completedFuture(PolicyAnswers.answer(config, zone, r, d, mx.join()));
        }
        return mx.thenApply(m -> PolicyAnswers.answer(config, zone, r, d, m));
    }

    /**
     * The domain's MX answer: cached like the DANE answer (for {@code dane.cache_ttl}), failures
     * not cached. A failure, or no answer within the zone's timeout, leaves the policy's patterns
     * in the answer (Postfix's own MX lookup then fails too, or decides).
     */
    private CompletableFuture<MxAnswer> mxOf(DomainName domain, PostfixConfig.Zone zone) {
        DnsjavaResolver resolver = Objects.requireNonNull(mxResolver);
        MxEntry cached = mxCache.get(domain);
        if (cached != null && System.nanoTime() - cached.expiresNanos < 0) {
            return CompletableFuture.completedFuture(cached.answer);
        }
        return resolver.resolveMxAsync(domain)
                .completeOnTimeout(new MxAnswer.TemporaryFailure("no MX answer within the zone's timeout of "
                        + zone.timeout().toMillis() + " ms", null), zone.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(a -> {
                    registry.counter("mtasts_postfix_mx_lookups", "result", a.kind().name().toLowerCase(Locale.ROOT))
                            .increment();
                    if (a instanceof MxAnswer.TemporaryFailure t) {
                        LOG.log(System.Logger.Level.WARNING, "MX lookup of {0}: {1}", domain, SafeText.escape(t.detail()));
                    } else {
                        if (mxCache.size() >= 100_000) {
                            mxCache.clear(); // bounded, as the DANE cache
                        }
                        mxCache.put(domain, new MxEntry(a, System.nanoTime() + config.dane().cacheTtl().toNanos()));
                    }
                    return a;
                });
    }

    private static PolicyResolution timedOut(DomainName domain, PostfixConfig.Zone zone) {
        return new PolicyResolution.TemporaryFailure(domain, PolicyResolution.Reason.TIMEOUT,
                "no answer within the zone's timeout of " + zone.timeout().toMillis() + " ms", Optional.empty(),
                Optional.empty());
    }

    private CompletableFuture<@Nullable DaneAnswer> daneOf(DomainName domain) {
        DaneLookup lookup = dane;
        if (lookup == null) {
            return CompletableFuture.completedFuture(null);
        }
        long now = System.nanoTime();
        DaneEntry cached = daneCache.get(domain);
        if (cached != null && now - cached.expiresNanos < 0) {
            return CompletableFuture.completedFuture(cached.answer);
        }
        return lookup.lookupAsync(domain).thenApply(a -> {
            if (!(a instanceof DaneAnswer.TemporaryFailure)) {
                if (daneCache.size() >= 100_000) {
                    daneCache.clear(); // bounded: a crude reset is enough for a 5-minute cache
                }
                daneCache.put(domain, new DaneEntry(a, System.nanoTime() + config.dane().cacheTtl().toNanos()));
            } else {
                // A failed DANE lookup falls back to MTA-STS: Postfix's own DNSSEC lookups defer
                // the delivery when the data is bogus.
                LOG.log(System.Logger.Level.WARNING, "DANE lookup of {0}: {1}", domain,
                        ((DaneAnswer.TemporaryFailure) a).detail());
            }
            return a;
        });
    }

    /**
     * Forgets what is known about a domain: its cached policy (memory and store), DANE answer and
     * MX answer.
     * The next request resolves it again (an operator's purge, e.g. after an MX change).
     *
     * @param domain the policy domain
     */
    public void purge(DomainName domain) {
        Objects.requireNonNull(domain, "domain");
        sts.forget(domain);
        daneCache.remove(domain);
        mxCache.remove(domain);
        LOG.log(System.Logger.Level.INFO, "purged {0}", domain);
    }

    /**
     * Stops accepting connections, waits at most {@code bound} for the answers in flight, then
     * closes every connection.
     *
     * @param bound the longest wait
     * @return true if every answer in flight was sent
     */
    public boolean shutdown(Duration bound) {
        return shutdownAsync(bound).join();
    }

    /**
     * Starts a shutdown: when this method returns, no new connection is accepted ({@link
     * #isServing()} is false); the future completes once the answers in flight are sent (at most
     * {@code bound} later) and every connection is closed.
     *
     * @param bound the longest wait for the answers in flight
     * @return true if every answer in flight was sent; never completes exceptionally
     */
    public CompletableFuture<Boolean> shutdownAsync(Duration bound) {
        Objects.requireNonNull(bound, "bound");
        accepting = false;
        submit(() -> {
            try {
                server.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the listening socket: " + e);
            }
        });
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread waiter = new Thread(() -> result.complete(drain(bound)), "mtasts-postfix-shutdown");
        waiter.setDaemon(true);
        waiter.start();
        return result;
    }

    private boolean drain(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        boolean drained;
        synchronized (idle) {
            while (inFlight.get() > 0 && deadline - System.nanoTime() > 0) {
                try {
                    idle.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            drained = inFlight.get() == 0;
        }
        // Let the loop write what the last answers queued, then stop it.
        CompletableFuture<Void> flushed = new CompletableFuture<>();
        submit(() -> flushed.complete(null));
        try {
            if (loop.isAlive()) {
                flushed.get(5, TimeUnit.SECONDS);
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "the selector loop did not answer during shutdown");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running = false;
        selector.wakeup();
        try {
            loop.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (config.listen().isUnix()) {
            try {
                Files.deleteIfExists(Objects.requireNonNull(config.listen().path()));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "removing the socket file: " + e);
            }
        }
        return drained;
    }

    /** Shuts down with the configured {@code shutdown_timeout}. */
    @Override
    public void close() {
        if (running) {
            shutdown(config.shutdownTimeout());
        }
    }

    // ------------------------------------------------------------------------------------------
    // The selector loop. Everything below runs on the loop thread only.

    private final List<Conn> open = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(8192);

    /** One client connection. */
    private final class Conn {
        final SocketChannel ch;
        final SelectionKey key;
        final Netstring.Decoder decoder = new Netstring.Decoder(MAX_REQUEST_LENGTH);
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        boolean busy;
        boolean closing;
        boolean closed;
        boolean started; // part of a request has arrived
        long deadline;

        Conn(SocketChannel ch, SelectionKey key) {
            this.ch = ch;
            this.key = key;
            this.deadline = System.nanoTime() + idleTimeoutNanos;
        }
    }

    private void submit(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    private void run() {
        try {
            while (running) {
                selector.select(1000);
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else {
                        Conn c = (Conn) key.attachment();
                        if (key.isValid() && key.isWritable()) {
                            flush(c);
                            if (c.out.isEmpty() && !c.busy && !c.closed) {
                                next(c);
                            }
                        }
                        if (key.isValid() && key.isReadable()) {
                            read(c);
                        }
                    }
                }
                selector.selectedKeys().clear();
                expire();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "socketmap server loop failed", e);
        } finally {
            for (Conn c : new ArrayList<>(open)) {
                close(c);
            }
            try {
                server.close();
                selector.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the selector: " + e);
            }
            running = false;
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while (accepting && (ch = server.accept()) != null) {
            if (open.size() >= config.maxConnections()) {
                LOG.log(System.Logger.Level.WARNING, "max_connections {0} reached: closing a new connection",
                        config.maxConnections());
                ch.close();
                continue;
            }
            ch.configureBlocking(false);
            SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
            Conn c = new Conn(ch, key);
            key.attach(c);
            open.add(c);
            connections.set(open.size());
        }
    }

    private void read(Conn c) {
        int n;
        try {
            readBuffer.clear();
            n = c.ch.read(readBuffer);
        } catch (IOException e) {
            close(c);
            return;
        }
        if (n < 0) {
            close(c);
            return;
        }
        readBuffer.flip();
        c.decoder.feed(readBuffer);
        if (!c.busy) {
            next(c);
        }
    }

    /** Takes the next complete request of a connection, if any, and answers it. */
    private void next(Conn c) {
        while (!c.busy && !c.closing && !c.closed) {
            if (!c.out.isEmpty()) {
                // The client does not read its answers: read no more requests until it does, so
                // that unread answers never pile up (flush resumes when the queue is empty).
                interest(c, false);
                return;
            }
            Netstring.Frame frame = c.decoder.next();
            if (frame instanceof Netstring.Frame.Need) {
                if (c.decoder.buffered() == 0) {
                    c.started = false;
                    c.deadline = System.nanoTime() + idleTimeoutNanos;
                } else if (!c.started) {
                    // The whole request must arrive within request_timeout of its first byte.
                    c.started = true;
                    c.deadline = System.nanoTime() + requestTimeoutNanos;
                }
                interest(c, true);
                return;
            }
            if (frame instanceof Netstring.Frame.Invalid invalid) {
                answers.get(PolicyAnswers.Kind.PERM).increment();
                // The stream cannot be read on: answer, then close once the answer is written.
                c.closing = true;
                interest(c, false);
                send(c, SocketmapReply.perm("invalid netstring: " + invalid.reason()));
                return;
            }
            c.started = false;
            String text = ((Netstring.Frame.Data) frame).text();
            int space = text.indexOf(' ');
            if (space <= 0) {
                answers.get(PolicyAnswers.Kind.PERM).increment();
                send(c, SocketmapReply.perm("expected '<name> <key>', got " + SafeText.quote(text)));
                continue;
            }
            CompletableFuture<SocketmapReply> reply = answer(text.substring(0, space), text.substring(space + 1));
            if (reply.isDone()) {
                // A warm domain: answered on this thread, no wake-up; the next request (if it came
                // already) is read in this loop, so the read interest stays as it is.
                c.deadline = System.nanoTime() + idleTimeoutNanos;
                send(c, reply.join()); // sets request_timeout instead when the client does not read
                continue;
            }
            c.busy = true;
            interest(c, false); // one request at a time per connection
            inFlight.incrementAndGet();
            reply.whenComplete((r, e) -> submit(() -> done(c, r != null ? r : SocketmapReply.temp("internal error"))));
        }
    }

    /** An answer completed elsewhere: send it, then go on with the connection's next request. */
    private void done(Conn c, SocketmapReply reply) {
        finish(c, reply);
        if (!c.closed) {
            next(c);
        }
    }

    private void finish(Conn c, SocketmapReply reply) {
        c.busy = false;
        if (!c.closed) {
            send(c, reply);
            c.deadline = System.nanoTime() + idleTimeoutNanos;
        }
        if (inFlight.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    private void send(Conn c, SocketmapReply reply) {
        c.out.add(ByteBuffer.wrap(reply.toWire()));
        flush(c);
    }

    private void flush(Conn c) {
        try {
            while (!c.out.isEmpty()) {
                ByteBuffer b = c.out.peek();
                c.ch.write(b);
                if (b.hasRemaining()) {
                    c.key.interestOps(c.key.interestOps() | SelectionKey.OP_WRITE);
                    c.deadline = System.nanoTime() + requestTimeoutNanos; // a client that does not read
                    return;
                }
                c.out.poll();
            }
            if (c.key.isValid()) {
                c.key.interestOps(c.key.interestOps() & ~SelectionKey.OP_WRITE);
            }
            if (c.closing) {
                close(c);
            }
        } catch (IOException | java.nio.channels.CancelledKeyException e) {
            close(c);
        }
    }

    private void interest(Conn c, boolean read) {
        if (!c.key.isValid()) {
            return;
        }
        int ops = c.key.interestOps();
        c.key.interestOps(read ? ops | SelectionKey.OP_READ : ops & ~SelectionKey.OP_READ);
    }

    private long lastExpiry = System.nanoTime();

    private void expire() {
        long now = System.nanoTime();
        if (now - lastExpiry < 100_000_000L) {
            return; // at most ten scans a second, however many answers wake the selector
        }
        lastExpiry = now;
        for (Conn c : new ArrayList<>(open)) {
            if (!c.busy && now - c.deadline > 0) {
                LOG.log(System.Logger.Level.DEBUG, "closing a connection: {0}",
                        c.decoder.buffered() > 0 ? "request not complete within request_timeout" : "idle_timeout");
                close(c);
            }
        }
    }

    private void close(Conn c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        c.key.cancel();
        try {
            c.ch.close();
        } catch (IOException e) {
            // closing: nothing left to do with it
        }
        open.remove(c);
        connections.set(open.size());
    }

    /**
     * Configures and starts a {@link PostfixPolicyServer}.
     *
     * <pre>{@code
     * PostfixPolicyServer server = PostfixPolicyServer.builder(sts)
     *         .config(PostfixConfig.parse("listen: inet:127.0.0.1:0\n"))
     *         .start();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private final MtaSts sts;
        private @Nullable PostfixConfig config;
        private @Nullable DaneLookup dane;
        private @Nullable DnsjavaResolver mxResolver;
        private @Nullable MeterRegistry registry;

        private Builder(MtaSts sts) {
            this.sts = Objects.requireNonNull(sts, "sts");
        }

        /**
         * Sets the configuration (default {@link PostfixConfig#defaults()}).
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder config(PostfixConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Sets the DANE lookup, needed when the configuration enables DANE.
         *
         * @param lookup the lookup
         * @return this builder
         */
        public Builder daneLookup(DaneLookup lookup) {
            this.dane = Objects.requireNonNull(lookup, "lookup");
            return this;
        }

        /**
         * Looks up the MX hosts of every domain whose answer enforces a policy, to apply RFC 8461
         * §4.1 (Postfix's {@code match=} checks certificate names only, never the MX host names):
         * no MX host in the policy gives {@code TEMP mx-not-in-policy: …} (Postfix defers), some
         * give {@code match=} with the matching MX host names only. MX answers are kept for {@code
         * dane.cache_ttl}; a failed lookup leaves the policy's patterns. Without this resolver (the
         * default here; {@link PostfixPolicyService} always sets one), the answer lists the
         * policy's patterns and the certificate check is Postfix's only MX check.
         *
         * @param resolver the resolver, e.g. the one the {@link MtaSts} service uses
         * @return this builder
         * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-4.1">RFC 8461 §4.1</a>
         */
        public Builder mxResolver(DnsjavaResolver resolver) {
            this.mxResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Sets where the metrics go (default: a registry of the server's own).
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Binds the listen address and starts serving.
         *
         * @return the running server
         * @throws IOException if the address cannot be bound
         * @throws IllegalStateException if DANE is enabled and no {@link #daneLookup} is set
         */
        public PostfixPolicyServer start() throws IOException {
            return new PostfixPolicyServer(this);
        }
    }

    @Override
    public String toString() {
        return "PostfixPolicyServer[" + bound + "]";
    }
}
