package org.mtasts.http;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxCertificateCheck;
import org.mtasts.core.MxTrustManager;
import org.mtasts.core.PolicyStore;
import org.mtasts.core.TxtResolver;
import org.mtasts.tlsrpt.ReportAggregator;

/**
 * The sending MTA's MTA-STS service, the whole sender's path in one place: the policy of a
 * recipient domain ({@link #resolve}, RFC 8461 §3, §5.1), then one {@link MxSession} per MX host
 * that checks the MX host against the policy, the certificate during the STARTTLS handshake, decides
 * whether to deliver, and counts the session for the daily TLS-RPT report (RFC 8460 §4) in the
 * {@link ReportAggregator} given to the builder ({@link TlsRptReporter} sends those reports).
 *
 * <p><b>Resolution never waits on DNS for a warm cache.</b> A domain resolved before is answered
 * from memory, with no DNS query, for the {@link Builder#recheckInterval recheck interval} (5
 * minutes by default); past it the answer is still immediate and one background recheck (single
 * flight) looks the record up, fetches the policy again if its id changed (RFC 8461 §3.3, §5.1),
 * and replaces the answer. An unexpired policy in the store is served the same way after a restart.
 * Only a cold domain waits, at most {@link Builder#resolveTimeout} (or the deadline given to {@link
 * #resolve(DomainName, Duration)}).
 *
 * <p>The rules, each with a test named after it:
 * <ul>
 *   <li>same record id and an unexpired cached policy: no fetch (RFC 8461 §3, §5.1);</li>
 *   <li>a new id, or an expired cache: fetch (§3.3);</li>
 *   <li>a failed fetch, a temporary DNS failure, or a vanished, multiple or invalid record, with an
 *       unexpired cached policy: apply the cached policy and report the failure with the
 *       {@code fallback-to-cached-policy} marker (§3.3, §5.1, §6);</li>
 *   <li>a failed fetch and no usable cache: no policy, deliver as without MTA-STS, and report
 *       (§3.3); a temporary DNS failure and no usable cache: a {@link
 *       PolicyResolution.TemporaryFailure} without fallback ({@link PolicyResolution#policyUnknown()}),
 *       and the caller decides (RFC 8461 does not say);</li>
 *   <li>{@code max_age} 0: the policy is applied to this delivery and never served from the
 *       cache; a policy expires exactly at fetch time + {@code max_age} (§3.2);</li>
 *   <li>after a failed fetch, the same domain and id are not fetched again for {@link
 *       Builder#fetchBackoff} (5 minutes), a new id is fetched at once (§3.3);</li>
 *   <li>a cached policy in mode {@code none} whose record is gone is removed (§8.3);</li>
 *   <li>a changed policy body under an unchanged id is not fetched: the old policy stays until it
 *       expires or the id changes (§8.1).</li>
 * </ul>
 *
 * <p>Proactive refresh (RFC 8461 §3.3, §10.2): every {@link Builder#refreshInterval} a pass picks
 * the cached policies last confirmed more than {@link Builder#refreshAge} ago (or half their {@code
 * max_age}, if shorter), spreads them over {@link Builder#refreshSpread} with random jitter, and
 * refreshes at most {@link Builder#refreshConcurrency} at a time; failures go to the {@link
 * RefreshListener}, except for policies in mode none. {@link #refreshNow()} runs a pass at once.
 *
 * <pre>{@code
 * MtaSts sts = MtaSts.builder()                        // thread-safe; share one
 *         .txtResolver(resolver)
 *         .build();
 * PolicyResolution r = sts.resolve(DomainName.of("example.com"));
 * if (r instanceof PolicyResolution.Active active) {
 *     boolean allowed = active.policy().matches(DomainName.of("mx1.example.com"));
 * }
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3">RFC 8461 §3</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5.1">RFC 8461 §5.1</a>
 * @since 0.1
 */
public final class MtaSts implements AutoCloseable {

    // The defaults of the builder, in one place.
    /** How long a failed fetch is not retried for the same domain and id (RFC 8461 §3.3: 5 minutes). */
    public static final Duration DEFAULT_FETCH_BACKOFF = Duration.ofMinutes(5);
    /**
     * How long a resolution is answered from memory without a TXT lookup: 5 minutes. A domain that
     * publishes a new policy id (RFC 8461 §3.1, §3.3) is seen that much later at most; a sender
     * that refused an MX host under the old policy defers the message (RFC 8461 §5.1), and its
     * next attempt, minutes later, sees the new one. It is also the 5 minutes that RFC 8461 §3.3
     * asks between failed fetches, and one query per domain per 5 minutes is what a DNS cache
     * with a typical 300 s TTL would cost anyway.
     */
    public static final Duration DEFAULT_RECHECK_INTERVAL = Duration.ofMinutes(5);
    /**
     * How long {@link #resolve(DomainName)} waits for a domain with nothing cached: 20 seconds, the
     * DNS resolver's own deadline. A slower policy host's fetch goes on in the background (up to its
     * own limit of one minute, RFC 8461 §3.3) and the next call finds its result.
     */
    public static final Duration DEFAULT_RESOLVE_TIMEOUT = Duration.ofSeconds(20);
    /** How often a refresh pass runs: hourly. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofHours(1);
    /** Policies confirmed longer ago than this are refreshed: 12 hours, as mox does. */
    public static final Duration DEFAULT_REFRESH_AGE = Duration.ofHours(12);
    /** The window over which one pass spreads its refreshes: 3 hours, as mox does. */
    public static final Duration DEFAULT_REFRESH_SPREAD = Duration.ofHours(3);
    /** The most refreshes in flight at once. */
    public static final int DEFAULT_REFRESH_CONCURRENCY = 4;
    /** The threads of the default executor for background work and completions. */
    static final int DEFAULT_WORKER_THREADS = 2;
    /** The most per-domain entries kept in memory for the fast path. */
    static final int MAX_STATES = 2 * InMemoryPolicyStore.DEFAULT_MAX_ENTRIES;
    /**
     * The suffix of a failure-reason code when a cached policy is applied because of that failure
     * (RFC 8461 §6), as mox writes it.
     */
    public static final String FALLBACK_MARKER = "fallback-to-cached-policy";

    private static final System.Logger LOG = System.getLogger(MtaSts.class.getName());

    private final PolicyResolver resolver;
    private final PolicyRefresher refresher;
    private final CoarseClock coarse;
    private final Clock clock;
    private final Executor executor;
    private final long resolveTimeoutMillis;
    private final @Nullable ReportAggregator aggregator;
    private final MxSession.Recorder recorder;
    private final @Nullable X509TrustManager mxRoots;
    private volatile @Nullable MxTrustManager mxTrust;
    private final List<AutoCloseable> owned;

    private MtaSts(Builder b, PolicyResolver resolver, PolicyRefresher refresher, CoarseClock coarse, Executor executor,
            List<AutoCloseable> owned) {
        this.resolver = resolver;
        this.refresher = refresher;
        this.coarse = coarse;
        this.clock = b.clock;
        this.executor = executor;
        this.resolveTimeoutMillis = b.resolveTimeout.toMillis();
        this.aggregator = b.aggregator;
        this.recorder = b.aggregator == null ? MxSession.Recorder.NONE : recorderOf(b.aggregator);
        this.mxRoots = b.mxRoots;
        this.owned = owned;
    }

    /**
     * Returns a new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the store holding the cached policies.
     *
     * @return the store
     */
    public PolicyStore store() {
        return resolver.store();
    }

    /**
     * Returns the aggregator that counts sessions, if one was given to the builder.
     *
     * @return the aggregator
     */
    public Optional<ReportAggregator> reportAggregator() {
        return Optional.ofNullable(aggregator);
    }

    // ------------------------------------------------------------------------------------------
    // Resolution

    /**
     * Resolves the policy of a recipient domain: from memory when the domain is warm (no DNS, no
     * allocation within the recheck interval), else waiting at most the builder's {@link
     * Builder#resolveTimeout}.
     *
     * @param domain the policy domain (the recipient's domain, or the smart host's; RFC 8461 §1.1)
     * @return the resolution; never null, never an exception for network or policy problems
     */
    public PolicyResolution resolve(DomainName domain) {
        return resolve(domain, resolveTimeoutMillis);
    }

    /**
     * Resolves the policy of a recipient domain, waiting at most {@code timeout} when nothing is
     * cached. After the timeout the answer is a {@link PolicyResolution.TemporaryFailure} with
     * reason {@code TIMEOUT} and no fallback, while the resolution goes on in the background. If
     * the waiting thread is interrupted, the interrupt flag is restored and the reason is {@code
     * INTERRUPTED}.
     *
     * @param domain the policy domain
     * @param timeout the longest wait, positive
     * @return the resolution
     */
    public PolicyResolution resolve(DomainName domain, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return resolve(domain, timeout.toMillis());
    }

    private PolicyResolution resolve(DomainName domain, long timeoutMillis) {
        Objects.requireNonNull(domain, "domain");
        PolicyResolution known = resolver.fromMemory(domain);
        if (known != null) {
            return known;
        }
        CompletableFuture<PolicyResolution> future = resolver.resolve(domain, false);
        try {
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return resolver.timedOut(domain, timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return resolver.interrupted(domain);
        } catch (ExecutionException | CancellationException e) {
            return resolver.internalError(domain, e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
        }
    }

    /**
     * Resolves the policy of a recipient domain without blocking the caller. A warm domain gives a
     * completed future; otherwise the future completes on the builder's {@link Builder#executor},
     * at the latest after the {@link Builder#resolveTimeout} (reason {@code TIMEOUT}).
     *
     * @param domain the policy domain
     * @return the resolution; the future never completes exceptionally
     */
    public CompletableFuture<PolicyResolution> resolveAsync(DomainName domain) {
        Objects.requireNonNull(domain, "domain");
        PolicyResolution known = resolver.fromMemory(domain);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        // A copy: the timeout completes the caller's future, not the single flight shared by others.
        CompletableFuture<PolicyResolution> mine = resolver.resolve(domain, false).copy()
                .completeOnTimeout(resolver.timedOut(domain, resolveTimeoutMillis), resolveTimeoutMillis,
                        TimeUnit.MILLISECONDS);
        return PolicyResolver.on(executor, mine);
    }

    /**
     * Looks the domain's record up now (fetching the policy if its id changed) and makes the
     * result what {@link #resolve} answers: an operator's "check now". Deliveries never need it, as
     * {@code resolve} rechecks in the background; a check already running is joined.
     *
     * @param domain the policy domain
     * @return the check's resolution, completed on the {@link Builder#executor}; never exceptionally
     */
    public CompletableFuture<PolicyResolution> recheckAsync(DomainName domain) {
        return PolicyResolver.on(executor, resolver.resolve(Objects.requireNonNull(domain, "domain"), false));
    }

    /**
     * Forgets what is known about a domain, in memory and in the store (an operator's purge, for
     * instance after the domain changed its MX hosts and policy): the next resolution fetches.
     *
     * @param domain the policy domain
     */
    public void forget(DomainName domain) {
        resolver.forget(Objects.requireNonNull(domain, "domain"));
    }

    // ------------------------------------------------------------------------------------------
    // Sessions

    /**
     * Starts one SMTP session with an MX host of the domain, under its resolution: the session
     * checks the MX host against the policy (refusing it at once in mode enforce if the policy does
     * not list it), runs the handshake with the {@link #mxTrustManager()}, decides, and counts the
     * session in the builder's {@link Builder#reportAggregator} (RFC 8460 §4; see {@link MxSession}
     * for the counting rules).
     *
     * @param resolution the domain's resolution, from {@link #resolve}
     * @param mx the MX host name from DNS, tried in MX preference order (RFC 8461 §5.1)
     * @return the session; close it when the connection is done
     */
    public MxSession session(PolicyResolution resolution, DomainName mx) {
        return new MxSession(resolution, mx, mxTrustManager(), recorder, false);
    }

    /**
     * Starts the session that delivers a TLS report by mail to an MX host: RFC 8460 §3 says the
     * report is delivered despite TLS failures (any certificate is accepted, no STARTTLS is not a
     * refusal) and SHOULD NOT be counted in the next report, so the session records nothing. The
     * messages that {@link TlsRptReporter} hands to a {@link ReportMailer} are such reports.
     *
     * @param resolution the resolution of the report's recipient domain
     * @param mx the MX host name from DNS
     * @return the session
     */
    public MxSession reportSession(PolicyResolution resolution, DomainName mx) {
        return new MxSession(resolution, mx, mxTrustManager(), MxSession.Recorder.NONE, true);
    }

    /**
     * Returns the trust manager that checks MX certificates during the handshake (RFC 8461 §4.2),
     * for an engine made outside {@link MxSession#startTls} (Netty: {@code
     * SslContextBuilder.forClient().trustManager(sts.mxTrustManager())}), with the roots given to
     * {@link Builder#mxTrustManager} or the JVM's default ones.
     *
     * @return the trust manager, shared
     */
    public MxTrustManager mxTrustManager() {
        MxTrustManager t = mxTrust;
        if (t == null) {
            synchronized (this) {
                t = mxTrust;
                if (t == null) {
                    X509TrustManager roots = mxRoots != null ? mxRoots : defaultRoots();
                    t = MxTrustManager.create(MxCertificateCheck.builder().trustManager(roots).clock(clock).build());
                    mxTrust = t;
                }
            }
        }
        return t;
    }

    private static X509TrustManager defaultRoots() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JVM's default trust manager factory has no X509TrustManager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM's default trust roots cannot be loaded", e);
        }
    }

    /**
     * Counts sessions in the aggregator: one session with its policy and its zero, one or two
     * failure details (RFC 8460 §4: a session may count in several failure details).
     */
    private static MxSession.Recorder recorderOf(ReportAggregator aggregator) {
        return aggregator::record;
    }

    // ------------------------------------------------------------------------------------------
    // Proactive refresh

    /**
     * What a refresh pass did.
     *
     * @param due the cached policies that were due
     * @param confirmed those whose record id was unchanged (renewed without a fetch)
     * @param fetched those fetched again (a new id, or expired)
     * @param failed those whose refresh failed (the cached policy still applies until it expires)
     * @param removed those removed (their record is gone and they expired, or mode none)
     * @param skipped those left to another node, which held their {@link RefreshLease}, or had
     *     refreshed them since this pass began
     */
    public record RefreshSummary(int due, int confirmed, int fetched, int failed, int removed, int skipped) {

        /**
         * A summary with nothing skipped (a single node).
         *
         * @param due the cached policies that were due
         * @param confirmed those whose record id was unchanged
         * @param fetched those fetched again
         * @param failed those whose refresh failed
         * @param removed those removed
         */
        public RefreshSummary(int due, int confirmed, int fetched, int failed, int removed) {
            this(due, confirmed, fetched, failed, removed, 0);
        }
    }

    /**
     * Refreshes every due cached policy now, at most {@link Builder#refreshConcurrency} at a time,
     * and waits for them: what a scheduled pass does, without the spreading. For tests (move the
     * clock, call this) and for an operator's "refresh now".
     *
     * @return what the pass did
     */
    public RefreshSummary refreshNow() {
        return refresher.refreshNow();
    }

    /** Runs one scheduled pass now, with its spreading (for tests). */
    void refreshPass() {
        refresher.pass();
    }

    /** Whether proactive refresh was enabled. */
    boolean proactiveRefresh() {
        return refresher.enabled();
    }

    /** The most refreshes that were ever in flight at once (for tests of refresh storms). */
    int maxConcurrentRefreshes() {
        return refresher.maxConcurrent();
    }

    /** Whether the fast path reads a ticking copy of the clock (the system clock). */
    boolean coarseClockTicking() {
        return coarse.ticking();
    }

    PolicyResolver resolver() {
        return resolver;
    }

    /**
     * Stops the refresh schedule and releases what this instance created: its timer and worker
     * threads and its default fetcher's client. A scheduler, executor, fetcher, client, store or
     * aggregator given to the builder is left to its owner. Resolution keeps working after close,
     * without proactive refresh, reading the clock directly.
     */
    @Override
    public void close() {
        refresher.close();
        coarse.close();
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + c + " failed", e);
            }
        }
    }

    /**
     * Configures an {@link MtaSts}. Without a {@link #txtResolver}, one is loaded with {@link
     * ServiceLoader} (add {@code mtasts-dns}); without a {@link #fetcher}, an {@link
     * HttpsPolicyFetcher} is built from {@link #client}, {@link #trustManager}, {@link
     * #addressOverrides} and {@link #addressFilter}.
     *
     * <pre>{@code
     * MtaSts sts = MtaSts.builder()
     *         .txtResolver(resolver)
     *         .store(FilePolicyStore.open(dir.resolve("policies")))
     *         .reportAggregator(aggregator)
     *         .refreshListener((cached, outcome) -> System.err.println("refresh failed: " + outcome))
     *         .build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private @Nullable TxtResolver txtResolver;
        private @Nullable PolicyFetcher fetcher;
        private @Nullable OkHttpClient client;
        private @Nullable X509TrustManager trustManager;
        private final Map<String, InetSocketAddress> addressOverrides = new HashMap<>();
        private @Nullable AddressFilter addressFilter;
        private @Nullable PolicyStore store;
        private Clock clock = Clock.systemUTC();
        private Duration fetchBackoff = DEFAULT_FETCH_BACKOFF;
        private Duration recheckInterval = DEFAULT_RECHECK_INTERVAL;
        private Duration resolveTimeout = DEFAULT_RESOLVE_TIMEOUT;
        private @Nullable Executor executor;
        private boolean proactiveRefresh = true;
        private @Nullable ScheduledExecutorService refreshScheduler;
        private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
        private Duration refreshAge = DEFAULT_REFRESH_AGE;
        private Duration refreshSpread = DEFAULT_REFRESH_SPREAD;
        private int refreshConcurrency = DEFAULT_REFRESH_CONCURRENCY;
        private RefreshListener refreshListener = RefreshListener.NONE;
        private RefreshLease refreshLease = RefreshLease.LOCAL;
        private @Nullable Random random;
        private @Nullable ReportAggregator aggregator;
        private @Nullable X509TrustManager mxRoots;

        private Builder() {}

        /**
         * Sets the TXT resolver (default: the first {@link TxtResolver} found by {@link
         * ServiceLoader}, such as {@code mtasts-dns}'s).
         *
         * @param resolver the resolver
         * @return this builder
         */
        public Builder txtResolver(TxtResolver resolver) {
            this.txtResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Sets the policy fetcher (default: an {@link HttpsPolicyFetcher}). Excludes {@link
         * #client}, {@link #trustManager}, {@link #addressOverrides} and {@link #addressFilter},
         * which configure the default fetcher.
         *
         * @param fetcher the fetcher
         * @return this builder
         */
        public Builder fetcher(PolicyFetcher fetcher) {
            this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
            return this;
        }

        /**
         * Sets the OkHttp client the default fetcher derives from.
         *
         * @param client the application's client
         * @return this builder
         */
        public Builder client(OkHttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Sets the roots policy host certificates must chain to, for the default fetcher (RFC 8461
         * §3.3: WebPKI).
         *
         * @param trustManager the trust manager
         * @return this builder
         */
        public Builder trustManager(X509TrustManager trustManager) {
            this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
            return this;
        }

        /**
         * Sets the roots MX host certificates must chain to (RFC 8461 §4.2; default: the JVM's
         * default trust roots), for {@link MtaSts#mxTrustManager()} and every {@link MxSession}.
         *
         * @param roots the trust manager whose accepted issuers are the trust anchors
         * @return this builder
         */
        public Builder mxTrustManager(X509TrustManager roots) {
            this.mxRoots = Objects.requireNonNull(roots, "roots");
            return this;
        }

        /**
         * Sets address overrides for the default fetcher (see {@link
         * HttpsPolicyFetcher.Builder#addressOverrides}).
         *
         * @param overrides host name to socket address
         * @return this builder
         */
        public Builder addressOverrides(Map<String, InetSocketAddress> overrides) {
            Objects.requireNonNull(overrides, "overrides");
            this.addressOverrides.clear();
            this.addressOverrides.putAll(overrides);
            return this;
        }

        /**
         * Sets the address filter of the default fetcher (default {@link AddressFilter#PUBLIC_ONLY}).
         *
         * @param filter the filter
         * @return this builder
         */
        public Builder addressFilter(AddressFilter filter) {
            this.addressFilter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /**
         * Sets where policies are cached (default: an {@link InMemoryPolicyStore} of {@link
         * InMemoryPolicyStore#DEFAULT_MAX_ENTRIES} entries on this builder's clock).
         *
         * @param store the store
         * @return this builder
         */
        public Builder store(PolicyStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Sets the aggregator that counts every {@link MxSession} for the daily TLS-RPT report
         * (default: none, sessions are not counted).
         *
         * @param aggregator the aggregator
         * @return this builder
         */
        public Builder reportAggregator(ReportAggregator aggregator) {
            this.aggregator = Objects.requireNonNull(aggregator, "aggregator");
            return this;
        }

        /**
         * Sets the clock for expiry, back-off, rechecks and refresh (default {@link
         * Clock#systemUTC()}).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets how long a failed fetch is not retried for the same domain and record id (default 5
         * minutes; RFC 8461 §3.3 suggests at least that).
         *
         * @param backoff zero (no back-off) to one day
         * @return this builder
         */
        public Builder fetchBackoff(Duration backoff) {
            this.fetchBackoff = checkDuration("fetchBackoff", backoff, Duration.ZERO, Duration.ofDays(1));
            return this;
        }

        /**
         * Sets how long a resolution is answered from memory before the record is looked up again
         * in the background (default {@link #DEFAULT_RECHECK_INTERVAL}, 5 minutes, which says why).
         *
         * @param interval one second to one day
         * @return this builder
         */
        public Builder recheckInterval(Duration interval) {
            this.recheckInterval = checkDuration("recheckInterval", interval, Duration.ofSeconds(1), Duration.ofDays(1));
            return this;
        }

        /**
         * Sets how long {@link MtaSts#resolve(DomainName)} and {@link MtaSts#resolveAsync} wait for
         * a domain with nothing cached (default 20 seconds).
         *
         * @param timeout one millisecond to ten minutes
         * @return this builder
         */
        public Builder resolveTimeout(Duration timeout) {
            this.resolveTimeout = checkDuration("resolveTimeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(10));
            return this;
        }

        /**
         * Sets where background work (rechecks, decisions after DNS and fetch, store writes) runs and
         * where {@link MtaSts#resolveAsync} futures complete (default: two daemon threads owned by
         * the service, stopped by {@link MtaSts#close()}). It must not run tasks on the caller's
         * thread if the store blocks.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Turns proactive refresh on (the default) or off.
         *
         * @param enabled whether to refresh cached policies before they expire
         * @return this builder
         */
        public Builder proactiveRefresh(boolean enabled) {
            this.proactiveRefresh = enabled;
            return this;
        }

        /**
         * Sets the scheduler that triggers refresh passes and spreads their work (default: the
         * service's own timer thread, stopped by {@link MtaSts#close()}). A scheduler given here is
         * not shut down by {@code close()}.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder refreshScheduler(ScheduledExecutorService scheduler) {
            this.refreshScheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Sets how often a refresh pass runs (default one hour).
         *
         * @param interval one second to one day
         * @return this builder
         */
        public Builder refreshInterval(Duration interval) {
            this.refreshInterval = checkDuration("refreshInterval", interval, Duration.ofSeconds(1), Duration.ofDays(1));
            return this;
        }

        /**
         * Sets when a cached policy is due: confirmed longer ago than this, or than half its {@code
         * max_age} if that is shorter (default 12 hours).
         *
         * @param age one minute to 30 days
         * @return this builder
         */
        public Builder refreshAge(Duration age) {
            this.refreshAge = checkDuration("refreshAge", age, Duration.ofMinutes(1), Duration.ofDays(30));
            return this;
        }

        /**
         * Sets the window over which one pass spreads its refreshes (default 3 hours).
         *
         * @param spread zero (all at once, still bounded by the concurrency) to one day
         * @return this builder
         */
        public Builder refreshSpread(Duration spread) {
            this.refreshSpread = checkDuration("refreshSpread", spread, Duration.ZERO, Duration.ofDays(1));
            return this;
        }

        /**
         * Sets the most refreshes in flight at once (default 4).
         *
         * @param concurrency 1 to 1000
         * @return this builder
         */
        public Builder refreshConcurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 1000) {
                throw new IllegalArgumentException("refreshConcurrency " + concurrency + " is not in 1..1000");
            }
            this.refreshConcurrency = concurrency;
            return this;
        }

        /**
         * Sets who hears about failed refreshes (default: nobody).
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder refreshListener(RefreshListener listener) {
            this.refreshListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets the lease that lets one node of a cluster refresh a domain at a time (default {@link
         * RefreshLease#LOCAL}: this node refreshes everything it finds due). Give one with a shared
         * {@link #store(PolicyStore)}.
         *
         * @param lease the lease
         * @return this builder
         */
        public Builder refreshLease(RefreshLease lease) {
            this.refreshLease = Objects.requireNonNull(lease, "lease");
            return this;
        }

        /**
         * Sets the source of the refresh jitter (default a new {@link Random}); give a seeded one
         * for reproducible tests.
         *
         * @param random the random source
         * @return this builder
         */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        private static Duration checkDuration(String name, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, name);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " " + value + " is not in [" + min + ", " + max + "]");
            }
            return value;
        }

        /**
         * Builds the service and starts its refresh schedule.
         *
         * @return the service
         * @throws IllegalStateException if no TXT resolver is set or loadable, or if a fetcher is
         *     set together with settings of the default fetcher
         */
        public MtaSts build() {
            boolean fetcherSettings = client != null || trustManager != null || !addressOverrides.isEmpty()
                    || addressFilter != null;
            if (fetcher != null && fetcherSettings) {
                throw new IllegalStateException("fetcher(...) was set, so client, trustManager, addressOverrides and "
                        + "addressFilter cannot be: configure them on the fetcher instead");
            }
            TxtResolver txt = txtResolver;
            if (txt == null) {
                Optional<TxtResolver> loaded = ServiceLoader.load(TxtResolver.class).findFirst();
                if (loaded.isEmpty()) {
                    throw new IllegalStateException("no TxtResolver: call txtResolver(...) or add mtasts-dns "
                            + "(org.mtasts:mtasts-dns) to the class or module path");
                }
                txt = loaded.get();
            }
            List<AutoCloseable> owned = new java.util.ArrayList<>();
            PolicyFetcher chosen = fetcher;
            if (chosen == null) {
                HttpsPolicyFetcher.Builder fb = HttpsPolicyFetcher.builder().addressOverrides(addressOverrides);
                if (client != null) {
                    fb.client(client);
                }
                if (trustManager != null) {
                    fb.trustManager(trustManager);
                }
                if (addressFilter != null) {
                    fb.addressFilter(addressFilter);
                }
                HttpsPolicyFetcher built = fb.build();
                chosen = built;
                owned.add(built);
            }
            // One timer thread of our own: the clock's ticking copy must never stop while the
            // service is open (a scheduler given by the user may be shut down under us).
            boolean ticking = CoarseClock.isSystem(clock);
            ScheduledExecutorService timer = null;
            if (ticking || (proactiveRefresh && refreshScheduler == null)) {
                ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemon("mtasts-timer"));
                t.setRemoveOnCancelPolicy(true);
                timer = t;
            }
            CoarseClock coarse = timer != null && ticking ? CoarseClock.over(clock, timer) : CoarseClock.exact(clock);
            Executor work = executor;
            if (work == null) {
                ThreadPoolExecutor pool = new ThreadPoolExecutor(DEFAULT_WORKER_THREADS, DEFAULT_WORKER_THREADS, 60,
                        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("mtasts-worker"));
                pool.allowCoreThreadTimeOut(true);
                owned.add(pool::shutdown);
                work = pool;
            }
            Executor safe = safe(work);
            PolicyStore chosenStore = store != null ? store
                    : new InMemoryPolicyStore(InMemoryPolicyStore.DEFAULT_MAX_ENTRIES, clock);
            PolicyResolver resolver = new PolicyResolver(txt, chosen, chosenStore, clock, coarse, safe,
                    fetchBackoff.toMillis(), recheckInterval.toMillis(), MAX_STATES);
            ScheduledExecutorService refreshOn = !proactiveRefresh ? null
                    : refreshScheduler != null ? refreshScheduler : timer;
            PolicyRefresher refresher = new PolicyRefresher(resolver, refreshOn, refreshInterval.toMillis(),
                    refreshAge.toMillis(), refreshSpread.toMillis(), refreshConcurrency, refreshListener, refreshLease,
                    random != null ? random : new Random());
            if (timer != null) {
                ScheduledExecutorService stop = timer;
                owned.add(stop::shutdownNow);
            }
            return new MtaSts(this, resolver, refresher, coarse, safe, owned);
        }

        /** An executor that runs a task on the caller's thread when the real one refuses it (shut down). */
        private static Executor safe(Executor executor) {
            return task -> {
                try {
                    executor.execute(task);
                } catch (RejectedExecutionException e) {
                    task.run();
                }
            };
        }

        private static java.util.concurrent.ThreadFactory daemon(String name) {
            AtomicInteger n = new AtomicInteger();
            return runnable -> {
                Thread t = new Thread(runnable, name + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
        }
    }
}
