package org.mtasts.http;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.Discovery;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.PolicyStore;
import org.mtasts.core.RecordSelection;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsRecord;
import org.mtasts.core.TxtAnswer;
import org.mtasts.core.TxtResolver;

/**
 * The sender's MTA-STS service (RFC 8461 §3, §5): for a recipient domain it looks up the {@code
 * _mta-sts} record, serves the cached policy while the record's id is unchanged, fetches the policy
 * when the id changes or the cache expired, and falls back to the unexpired cached policy when DNS
 * or the fetch fails. The answer, a {@link PolicyResolution}, also says what to report through
 * TLS-RPT.
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
 *       PolicyResolution.TemporaryFailure} without fallback, and the caller decides (ambiguity
 *       A5);</li>
 *   <li>{@code max_age} 0: the policy is applied to this delivery and never served from the
 *       cache; a policy expires exactly at fetch time + {@code max_age} (§3.2);</li>
 *   <li>after a failed fetch, the same domain and id are not fetched again for {@link
 *       Builder#fetchBackoff} (5 minutes), a new id is fetched at once (§3.3);</li>
 *   <li>a cached policy in mode {@code none} whose record is gone is removed (§8.3);</li>
 *   <li>a changed policy body under an unchanged id is not fetched: the old policy stays until it
 *       expires or the id changes (§8.1).</li>
 * </ul>
 *
 * <p>Concurrent resolutions of one domain that need DNS or a fetch share one lookup and one fetch
 * (single flight). A resolution served from the cache whose record text is unchanged parses
 * nothing and allocates nothing, if the {@link TxtResolver} answers from memory with a completed
 * future.
 *
 * <p>Proactive refresh (RFC 8461 §3.3, §10.2): every {@link Builder#refreshInterval} a pass picks
 * the cached policies last confirmed more than {@link Builder#refreshAge} ago (or half their
 * {@code max_age}, if shorter), spreads them over {@link Builder#refreshSpread} with random jitter,
 * and refreshes at most {@link Builder#refreshConcurrency} at a time: an unchanged id extends the
 * cached policy without fetching, a new id fetches, and failures go to the {@link
 * RefreshListener}, except for policies in mode none. {@link #refreshNow()} runs a pass at once.
 *
 * <pre>{@code
 * MtaSts sts = MtaSts.builder().txtResolver(resolver).build();     // share one
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
 */
public final class MtaSts implements AutoCloseable {

    /** How long a failed fetch is not retried for the same domain and id (RFC 8461 §3.3: 5 minutes). */
    public static final Duration DEFAULT_FETCH_BACKOFF = Duration.ofMinutes(5);
    /** How often a refresh pass runs: hourly. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofHours(1);
    /** Policies confirmed longer ago than this are refreshed: 12 hours, as mox does. */
    public static final Duration DEFAULT_REFRESH_AGE = Duration.ofHours(12);
    /** The window over which one pass spreads its refreshes: 3 hours, as mox does. */
    public static final Duration DEFAULT_REFRESH_SPREAD = Duration.ofHours(3);
    /** The most refreshes in flight at once. */
    public static final int DEFAULT_REFRESH_CONCURRENCY = 4;
    /** The most per-domain entries of the fast path and the fetch back-off kept in memory. */
    static final int MAX_STATES = 2 * InMemoryPolicyStore.DEFAULT_MAX_ENTRIES;

    private static final System.Logger LOG = System.getLogger(MtaSts.class.getName());

    private final TxtResolver resolver;
    private final PolicyFetcher fetcher;
    private final @Nullable AutoCloseable ownedFetcher;
    private final PolicyStore store;
    private final Clock clock;
    private final long backoffMillis;
    private final long refreshAgeMillis;
    private final long refreshSpreadMillis;
    private final long refreshIntervalMillis;
    private final RefreshListener refreshListener;
    private final Random random;
    private final Limiter refreshLimiter;
    private final boolean proactiveRefresh;
    private final @Nullable ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private volatile @Nullable ScheduledFuture<?> periodic;

    /** Per domain: what the fast path needs, and the fetch back-off. */
    private final ConcurrentHashMap<DomainName, State> states = new ConcurrentHashMap<>();
    /** Per domain: the resolution in progress, shared by concurrent callers (single flight). */
    private final ConcurrentHashMap<DomainName, CompletableFuture<PolicyResolution>> inflight = new ConcurrentHashMap<>();
    /** Domains whose refresh a pass has scheduled and that have not finished yet. */
    private final Set<DomainName> scheduled = ConcurrentHashMap.newKeySet();

    private MtaSts(Builder b, TxtResolver resolver, PolicyFetcher fetcher, @Nullable AutoCloseable ownedFetcher) {
        this.resolver = resolver;
        this.fetcher = fetcher;
        this.ownedFetcher = ownedFetcher;
        this.clock = b.clock;
        this.store = b.store != null ? b.store : new InMemoryPolicyStore(InMemoryPolicyStore.DEFAULT_MAX_ENTRIES, b.clock);
        this.backoffMillis = b.fetchBackoff.toMillis();
        this.refreshAgeMillis = b.refreshAge.toMillis();
        this.refreshSpreadMillis = b.refreshSpread.toMillis();
        this.refreshIntervalMillis = b.refreshInterval.toMillis();
        this.refreshListener = b.refreshListener;
        this.random = b.random != null ? b.random : new Random();
        this.refreshLimiter = new Limiter(b.refreshConcurrency);
        this.proactiveRefresh = b.proactiveRefresh;
        this.ownsScheduler = b.proactiveRefresh && b.refreshScheduler == null;
        this.scheduler = !b.proactiveRefresh ? null : b.refreshScheduler != null ? b.refreshScheduler
                : Executors.newSingleThreadScheduledExecutor(runnable -> {
                    Thread t = new Thread(runnable, "mtasts-refresh");
                    t.setDaemon(true);
                    return t;
                });
    }

    private void start() {
        if (scheduler != null) {
            periodic = scheduler.scheduleWithFixedDelay(this::refreshPassQuietly, refreshIntervalMillis,
                    refreshIntervalMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the store holding the cached policies. */
    public PolicyStore store() {
        return store;
    }

    // ------------------------------------------------------------------------------------------
    // Resolution

    /**
     * Resolves the policy of a recipient domain, waiting for DNS and, if needed, the fetch. A
     * cache hit whose record text is unchanged allocates nothing when the resolver answers with a
     * completed future. If the waiting thread is interrupted, the interrupt flag is restored and
     * the result is a {@link PolicyResolution.TemporaryFailure} with reason {@code INTERRUPTED}.
     *
     * @param domain the policy domain (the recipient's domain, or the smart host's; RFC 8461 §1.1)
     * @return the resolution; never null, never an exception for network or policy problems
     */
    public PolicyResolution resolve(DomainName domain) {
        Objects.requireNonNull(domain, "domain");
        State state = states.get(domain);
        if (state != null && state.active != null) {
            CompletableFuture<TxtAnswer> lookup = lookup(domain);
            TxtAnswer answer = answerNow(lookup);
            if (answer == null) {
                try {
                    answer = lookup.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return interrupted(domain);
                } catch (ExecutionException | CancellationException e) {
                    answer = dnsError(e);
                }
            }
            PolicyResolution hit = hit(domain, state, answer);
            if (hit != null) {
                return hit;
            }
            return await(domain, slow(domain, answer, false));
        }
        return await(domain, slow(domain, null, false));
    }

    /**
     * Resolves the policy of a recipient domain without blocking the caller.
     *
     * @param domain the policy domain
     * @return the resolution; the future never completes exceptionally
     */
    public CompletableFuture<PolicyResolution> resolveAsync(DomainName domain) {
        Objects.requireNonNull(domain, "domain");
        State state = states.get(domain);
        if (state != null && state.active != null) {
            return lookup(domain)
                    .handle((answer, error) -> answer != null ? answer : dnsError(error))
                    .thenCompose(answer -> {
                        PolicyResolution hit = hit(domain, state, answer);
                        return hit != null ? CompletableFuture.completedFuture(hit) : slow(domain, answer, false);
                    });
        }
        return slow(domain, null, false);
    }

    /** The fast path: the same record text as last time, the same store entry, not expired. */
    private @Nullable PolicyResolution hit(DomainName domain, State state, TxtAnswer answer) {
        if (!(answer instanceof TxtAnswer.Records records) || !sameTexts(records.texts(), state.texts)) {
            return null;
        }
        // RFC 8461 §3.2: a policy may be used until fetch time + max_age, not at that instant.
        if (clock.millis() >= state.expiresAtMillis) {
            return null;
        }
        return store.get(domain) == state.cached ? state.active : null;
    }

    private static boolean sameTexts(List<String> a, @Nullable List<String> b) {
        if (b == null || a.size() != b.size()) {
            return false;
        }
        for (int i = 0, n = a.size(); i < n; i++) {
            if (!a.get(i).equals(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static @Nullable TxtAnswer answerNow(CompletableFuture<TxtAnswer> lookup) {
        try {
            return lookup.getNow(null);
        } catch (CompletionException | CancellationException e) {
            return dnsError(e);
        }
    }

    private PolicyResolution await(DomainName domain, CompletableFuture<PolicyResolution> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return interrupted(domain);
        } catch (ExecutionException | CancellationException e) {
            return internalError(domain, e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
        }
    }

    /**
     * The slow path, single flight per domain: one DNS lookup (unless {@code known}) and at most one
     * fetch, shared by every caller that arrives while it runs. The placeholder future is put with
     * {@code putIfAbsent}, never computed inside the map, so that a resolver or fetcher completing
     * synchronously cannot recurse into a map update.
     */
    private CompletableFuture<PolicyResolution> slow(DomainName domain, @Nullable TxtAnswer known, boolean refresh) {
        CompletableFuture<PolicyResolution> mine = new CompletableFuture<>();
        CompletableFuture<PolicyResolution> running = inflight.putIfAbsent(domain, mine);
        if (running != null) {
            return running;
        }
        CompletableFuture<TxtAnswer> answer = known != null ? CompletableFuture.completedFuture(known) : lookup(domain);
        answer.handle((a, error) -> a != null ? a : dnsError(error))
                .thenCompose(a -> decide(domain, a, refresh))
                .handle((result, error) -> result != null ? result : internalError(domain, error))
                .thenAccept(result -> {
                    inflight.remove(domain, mine);
                    mine.complete(result);
                });
        return mine;
    }

    private CompletableFuture<TxtAnswer> lookup(DomainName domain) {
        try {
            CompletableFuture<TxtAnswer> future = resolver.resolveTxtAsync(domain.stsRecordName());
            return future != null ? future : CompletableFuture.completedFuture(
                    new TxtAnswer.TemporaryFailure("the TXT resolver returned no future", null));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(dnsError(e));
        }
    }

    private static TxtAnswer.TemporaryFailure dnsError(@Nullable Throwable error) {
        Throwable cause = unwrap(error);
        return new TxtAnswer.TemporaryFailure("the TXT lookup failed: "
                + (cause == null ? "no answer" : Printable.describe(cause)), cause);
    }

    private static @Nullable Throwable unwrap(@Nullable Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Applies the rules to a DNS answer; runs at most once at a time per domain. */
    private CompletableFuture<PolicyResolution> decide(DomainName domain, TxtAnswer answer, boolean refresh) {
        CachedPolicy cached = store.get(domain);
        long now = clock.millis();
        // RFC 8461 §3.2, §5.1: a cached policy is usable until fetch time + max_age, exclusive.
        CachedPolicy usable = cached != null && now < cached.expiresAt().toEpochMilli() ? cached : null;
        Discovery<StsRecord> discovery = RecordSelection.sts(answer);
        switch (discovery.kind()) {
            case FOUND: {
                String id = ((Discovery.Found<StsRecord>) discovery).record().id();
                List<String> texts = ((TxtAnswer.Records) answer).texts();
                if (usable != null && usable.recordId().equals(id)) {
                    // RFC 8461 §3: the record id is unchanged and the policy unexpired: no fetch.
                    CachedPolicy current = usable;
                    if (refresh) {
                        // RFC 8461 §3.3: a proactive refresh that finds the same id extends the policy.
                        current = usable.renewedAt(clock.instant());
                        store.put(current);
                    }
                    return CompletableFuture.completedFuture(remember(domain, texts, current));
                }
                State state = states.get(domain);
                if (state != null && state.failure != null && id.equals(state.failedId) && now < state.retryAtMillis) {
                    // RFC 8461 §3.3: after a failed fetch, wait before fetching the same policy id again.
                    return CompletableFuture.completedFuture(fetchFailed(domain, state.failure, usable,
                            " (not fetched again before " + Instant.ofEpochMilli(state.retryAtMillis) + ")"));
                }
                return fetch(domain).thenApply(result -> afterFetch(domain, texts, id, result));
            }
            case ABSENT: {
                String detail = "no STS record at " + domain.stsRecordName() + ": "
                        + Printable.of(((Discovery.Absent<StsRecord>) discovery).detail());
                if (cached != null && cached.policy().mode() == PolicyMode.NONE) {
                    // RFC 8461 §8.3: a domain leaving MTA-STS publishes mode none, then removes the
                    // record: forget its policy, silently.
                    store.remove(domain);
                    states.remove(domain);
                    return CompletableFuture.completedFuture(new PolicyResolution.NoPolicy(domain,
                            PolicyResolution.Reason.NO_RECORD, detail + "; the cached mode-none policy was removed",
                            TlsRptFacts.noPolicy(domain)));
                }
                return CompletableFuture.completedFuture(
                        recordUnusable(domain, PolicyResolution.Reason.NO_RECORD, detail, null, cached, usable));
            }
            case MULTIPLE: {
                int count = ((Discovery.Multiple<StsRecord>) discovery).texts().size();
                // RFC 8461 §3.1: more than one STS record means no available policy.
                return CompletableFuture.completedFuture(recordUnusable(domain, PolicyResolution.Reason.MULTIPLE_RECORDS,
                        count + " STS records at " + domain.stsRecordName() + " (RFC 8461 §3.1)", null, cached, usable));
            }
            case INVALID: {
                Discovery.Invalid<StsRecord> invalid = (Discovery.Invalid<StsRecord>) discovery;
                // RFC 8461 §3.1: an invalid record means no available policy.
                return CompletableFuture.completedFuture(recordUnusable(domain, PolicyResolution.Reason.INVALID_RECORD,
                        "invalid STS record '" + Printable.of(invalid.text()) + "': " + invalid.error(),
                        invalid.error().code(), cached, usable));
            }
            default: {
                String detail = Printable.of(((Discovery.TemporaryFailure<StsRecord>) discovery).detail());
                if (usable != null) {
                    return CompletableFuture.completedFuture(fallback(domain, PolicyResolution.Reason.DNS_FAILURE, detail,
                            usable, ResultType.STS_POLICY_FETCH_ERROR, PolicyResolution.Reason.DNS_FAILURE.code()));
                }
                // SPEC: ambiguity A5, RFC 8461 is silent on a temporary DNS failure without a cached
                // policy; unlike "no record", it is not "no policy": the caller decides.
                return CompletableFuture.completedFuture(new PolicyResolution.TemporaryFailure(domain,
                        PolicyResolution.Reason.DNS_FAILURE, detail, null, TlsRptFacts.noPolicy(domain)));
            }
        }
    }

    /** A record that is gone, multiple or invalid: the cached policy if usable, else no policy. */
    private PolicyResolution recordUnusable(DomainName domain, PolicyResolution.Reason reason, String detail,
            @Nullable String code, @Nullable CachedPolicy cached, @Nullable CachedPolicy usable) {
        if (usable != null) {
            // RFC 8461 §3.1, §5.1: losing the record does not end an unexpired cached policy (a
            // downgrade attack could remove it); report the failure with the fallback marker.
            return fallback(domain, reason, detail, usable, ResultType.STS_POLICY_FETCH_ERROR,
                    code != null ? code : reason.code());
        }
        if (cached != null) {
            store.remove(domain); // expired, and no record to renew it with
        }
        return new PolicyResolution.NoPolicy(domain, reason, detail, TlsRptFacts.noPolicy(domain));
    }

    private static PolicyResolution fallback(DomainName domain, PolicyResolution.Reason reason, String detail,
            CachedPolicy usable, ResultType resultType, String code) {
        return new PolicyResolution.TemporaryFailure(domain, reason,
                detail + "; applying the cached policy of record id " + usable.recordId() + ", valid until "
                        + usable.expiresAt(), usable, TlsRptFacts.fallback(usable, resultType, code));
    }

    private CompletableFuture<FetchResult> fetch(DomainName domain) {
        CompletableFuture<FetchResult> future;
        try {
            future = fetcher.fetchAsync(domain);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Failures.failed(e));
        }
        if (future == null) {
            return CompletableFuture.completedFuture(
                    new FetchResult.Failed(FetchFailure.IO, "the policy fetcher returned no future", null));
        }
        return future.handle((result, error) -> result != null ? result
                : Failures.failed(Objects.requireNonNullElse(unwrap(error), new IllegalStateException("no result"))));
    }

    private PolicyResolution afterFetch(DomainName domain, List<String> texts, String id, FetchResult result) {
        if (result instanceof FetchResult.Fetched fetched) {
            CachedPolicy fresh = CachedPolicy.of(domain, id, fetched.policy(), fetched.text(), clock.instant());
            TlsRptFacts facts = TlsRptFacts.active(fresh);
            if (fetched.policy().maxAge() == 0) {
                // RFC 8461 §3.2: max_age 0 applies the policy to this delivery; it is never served
                // from the cache, and it replaces whatever was cached.
                store.remove(domain);
                states.remove(domain);
                return new PolicyResolution.Active(fresh, true, facts);
            }
            store.put(fresh);
            State old = states.get(domain);
            states.put(domain, State.active(texts, fresh, new PolicyResolution.Active(fresh, false, facts), old));
            return new PolicyResolution.Active(fresh, true, facts);
        }
        long now = clock.millis();
        State old = states.get(domain);
        if (old == null && states.size() >= MAX_STATES) {
            pruneStates(now);
        }
        states.put(domain, State.failed(old, id, result, now + backoffMillis));
        CachedPolicy cached = store.get(domain);
        CachedPolicy usable = cached != null && now < cached.expiresAt().toEpochMilli() ? cached : null;
        if (cached != null && usable == null) {
            store.remove(domain); // expired and not renewable now
        }
        return fetchFailed(domain, result, usable, "");
    }

    private static PolicyResolution fetchFailed(DomainName domain, FetchResult result, @Nullable CachedPolicy usable,
            String suffix) {
        PolicyResolution.Reason reason = result.kind() == FetchResult.Kind.INVALID
                ? PolicyResolution.Reason.POLICY_INVALID : PolicyResolution.Reason.FETCH_FAILED;
        ResultType resultType = Objects.requireNonNull(result.resultType());
        String code = Objects.requireNonNull(result.failureReasonCode());
        String detail = "fetching the policy of " + domain + " failed: " + result.detail() + suffix;
        if (usable != null) {
            // RFC 8461 §3.3: no live policy, but an unexpired cached one: apply the cached policy.
            return fallback(domain, reason, detail, usable, resultType, code);
        }
        // RFC 8461 §3.3: a valid record, no policy and no cached policy: deliver as if MTA-STS were
        // absent, and report the failure (RFC 8461 §6).
        String served = result instanceof FetchResult.Invalid invalid ? invalid.text() : null;
        return new PolicyResolution.NoPolicy(domain, reason, detail,
                TlsRptFacts.stsFailure(domain, served, resultType, code));
    }

    /** Records that {@code cached} is active for these record texts, reusing the prebuilt result. */
    private PolicyResolution.Active remember(DomainName domain, List<String> texts, CachedPolicy cached) {
        State old = states.get(domain);
        if (old != null && old.cached == cached && old.active != null) {
            if (!sameTexts(texts, old.texts)) {
                states.put(domain, old.withTexts(texts));
            }
            return old.active;
        }
        PolicyResolution.Active active = new PolicyResolution.Active(cached, false, TlsRptFacts.active(cached));
        states.put(domain, State.active(texts, cached, active, old));
        return active;
    }

    private PolicyResolution interrupted(DomainName domain) {
        return new PolicyResolution.TemporaryFailure(domain, PolicyResolution.Reason.INTERRUPTED,
                "interrupted while resolving the policy of " + domain, null, TlsRptFacts.noPolicy(domain));
    }

    private PolicyResolution internalError(DomainName domain, @Nullable Throwable error) {
        Throwable cause = unwrap(error);
        LOG.log(System.Logger.Level.WARNING, "MTA-STS resolution of " + domain + " failed unexpectedly", cause);
        return new PolicyResolution.TemporaryFailure(domain, PolicyResolution.Reason.INTERNAL_ERROR,
                "resolving the policy of " + domain + " failed: "
                        + (cause == null ? "unknown error" : Printable.describe(cause)), null, TlsRptFacts.noPolicy(domain));
    }

    /** Drops fast-path entries that no longer match the store and back-offs that have ended. */
    private void pruneStates(long now) {
        states.forEach((domain, state) -> {
            boolean activeStale = state.active == null || store.get(domain) != state.cached;
            boolean backoffOver = state.failure == null || now >= state.retryAtMillis;
            if (activeStale && backoffOver) {
                states.remove(domain, state);
            }
        });
    }

    // ------------------------------------------------------------------------------------------
    // Proactive refresh

    /** What a refresh pass did. */
    public record RefreshSummary(int due, int confirmed, int fetched, int failed, int removed) {
        /** Returns a summary of nothing. */
        static RefreshSummary empty() {
            return new RefreshSummary(0, 0, 0, 0, 0);
        }
    }

    /** The outcome of refreshing one domain. */
    enum RefreshOutcome { CONFIRMED, FETCHED, FAILED, REMOVED }

    /**
     * Refreshes every due cached policy now, at most {@link Builder#refreshConcurrency} at a time,
     * and waits for them: what a scheduled pass does, without the spreading. For tests (move the
     * clock, call this) and for an operator's "refresh now".
     *
     * @return what the pass did
     */
    public RefreshSummary refreshNow() {
        long now = clock.millis();
        pruneStates(now);
        List<CachedPolicy> due = dueEntries(now, false);
        List<CompletableFuture<RefreshOutcome>> outcomes = new ArrayList<>(due.size());
        for (CachedPolicy cached : due) {
            CompletableFuture<RefreshOutcome> outcome = new CompletableFuture<>();
            outcomes.add(outcome);
            refreshLimiter.submit(() -> refreshOne(cached).whenComplete((o, e) -> outcome.complete(o)));
        }
        int confirmed = 0;
        int fetched = 0;
        int failed = 0;
        int removed = 0;
        for (CompletableFuture<RefreshOutcome> outcome : outcomes) {
            RefreshOutcome o;
            try {
                o = outcome.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                o = RefreshOutcome.FAILED;
            }
            switch (o) {
                case CONFIRMED -> confirmed++;
                case FETCHED -> fetched++;
                case FAILED -> failed++;
                case REMOVED -> removed++;
            }
        }
        return new RefreshSummary(due.size(), confirmed, fetched, failed, removed);
    }

    /**
     * One scheduled pass: picks the due entries not already scheduled, shuffles them, and spreads
     * them over the refresh window with jitter; each then waits for a slot of the concurrency limit.
     */
    void refreshPass() {
        ScheduledExecutorService s = scheduler;
        if (s == null) {
            return;
        }
        long now = clock.millis();
        pruneStates(now);
        List<CachedPolicy> due = dueEntries(now, true);
        Collections.shuffle(due, random);
        int n = due.size();
        long slot = n == 0 ? 0 : refreshSpreadMillis / n;
        for (int i = 0; i < n; i++) {
            CachedPolicy cached = due.get(i);
            long delay = i * slot + (slot > 1 ? random.nextLong(slot) : 0);
            // Never later than half the remaining lifetime: a short max_age is refreshed in time.
            long remaining = cached.expiresAt().toEpochMilli() - now;
            delay = Math.max(0, Math.min(delay, remaining / 2));
            DomainName domain = cached.domain();
            if (!scheduled.add(domain)) {
                continue;
            }
            try {
                s.schedule(() -> refreshLimiter.submit(() -> refreshOne(cached)
                        .whenComplete((o, e) -> scheduled.remove(domain))), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                scheduled.remove(domain);
                return; // the scheduler is shutting down
            }
        }
    }

    private void refreshPassQuietly() {
        try {
            refreshPass();
        } catch (RuntimeException e) {
            // A failing pass must not cancel the periodic task.
            LOG.log(System.Logger.Level.WARNING, "MTA-STS refresh pass failed", e);
        }
    }

    /** Cached policies confirmed more than the refresh age (or half their max_age) ago. */
    private List<CachedPolicy> dueEntries(long now, boolean skipScheduled) {
        List<CachedPolicy> due = new ArrayList<>();
        store.forEach(cached -> {
            long age = now - cached.fetchedAt().toEpochMilli();
            long threshold = Math.min(refreshAgeMillis, cached.policy().maxAge() * 500L);
            if (age >= threshold && !(skipScheduled && scheduled.contains(cached.domain()))) {
                due.add(cached);
            }
        });
        return due;
    }

    /** Refreshes one domain through the single-flight path, and tells the listener about failures. */
    CompletableFuture<RefreshOutcome> refreshOne(CachedPolicy cached) {
        DomainName domain = cached.domain();
        return slow(domain, null, true).thenApply(result -> {
            if (result instanceof PolicyResolution.Active active) {
                return active.fresh() ? RefreshOutcome.FETCHED : RefreshOutcome.CONFIRMED;
            }
            boolean removed = store.get(domain) == null;
            if (cached.policy().mode() != PolicyMode.NONE) {
                // RFC 8461 §3.3, §10.2: alert on failed refreshes, except for policies in mode none.
                try {
                    refreshListener.refreshFailed(cached, result);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "MTA-STS refresh listener failed", e);
                }
            }
            return removed ? RefreshOutcome.REMOVED : RefreshOutcome.FAILED;
        });
    }

    /**
     * Stops the refresh schedule and releases what this instance created: its scheduler thread and
     * its default fetcher's client. A scheduler, fetcher, client or store given to the builder is
     * left to its owner. Resolution keeps working after close, without proactive refresh.
     */
    @Override
    public void close() {
        ScheduledFuture<?> p = periodic;
        if (p != null) {
            p.cancel(false);
        }
        if (ownsScheduler && scheduler != null) {
            scheduler.shutdownNow();
        }
        if (ownedFetcher != null) {
            try {
                ownedFetcher.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing the policy fetcher failed", e);
            }
        }
    }

    /** Whether proactive refresh was enabled. */
    boolean proactiveRefresh() {
        return proactiveRefresh;
    }

    /** The most refreshes that were ever in flight at once (for tests of refresh storms). */
    int maxConcurrentRefreshes() {
        return refreshLimiter.maxRunning();
    }

    /** What the fast path knows about a domain; immutable, replaced as a whole. */
    private static final class State {
        final @Nullable List<String> texts;
        final @Nullable CachedPolicy cached;
        final PolicyResolution.@Nullable Active active;
        final long expiresAtMillis;
        final @Nullable String failedId;
        final @Nullable FetchResult failure;
        final long retryAtMillis;

        private State(@Nullable List<String> texts, @Nullable CachedPolicy cached,
                PolicyResolution.@Nullable Active active, @Nullable String failedId,
                @Nullable FetchResult failure, long retryAtMillis) {
            this.texts = texts;
            this.cached = cached;
            this.active = active;
            this.expiresAtMillis = cached == null ? Long.MIN_VALUE : cached.expiresAt().toEpochMilli();
            this.failedId = failedId;
            this.failure = failure;
            this.retryAtMillis = retryAtMillis;
        }

        static State active(List<String> texts, CachedPolicy cached, PolicyResolution.Active active,
                @Nullable State old) {
            return old == null ? new State(texts, cached, active, null, null, 0)
                    : new State(texts, cached, active, old.failedId, old.failure, old.retryAtMillis);
        }

        static State failed(@Nullable State old, String id, FetchResult failure, long retryAtMillis) {
            return old == null ? new State(null, null, null, id, failure, retryAtMillis)
                    : new State(old.texts, old.cached, old.active, id, failure, retryAtMillis);
        }

        State withTexts(List<String> newTexts) {
            return new State(newTexts, cached, active, failedId, failure, retryAtMillis);
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
     *         .store(FilePolicyStore.open(Path.of("/var/lib/mta/mtasts")))
     *         .refreshListener((cached, outcome) -> log.warn(outcome.toString()))
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
        private boolean proactiveRefresh = true;
        private @Nullable ScheduledExecutorService refreshScheduler;
        private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
        private Duration refreshAge = DEFAULT_REFRESH_AGE;
        private Duration refreshSpread = DEFAULT_REFRESH_SPREAD;
        private int refreshConcurrency = DEFAULT_REFRESH_CONCURRENCY;
        private RefreshListener refreshListener = RefreshListener.NONE;
        private @Nullable Random random;

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
         * Sets the roots policy host certificates must chain to, for the default fetcher.
         *
         * @param trustManager the trust manager
         * @return this builder
         */
        public Builder trustManager(X509TrustManager trustManager) {
            this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
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
         * Sets the clock for expiry, back-off and refresh (default {@link Clock#systemUTC()}).
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
         * Sets the scheduler that triggers refresh passes and spreads their work (default: one
         * daemon thread owned and stopped by {@link MtaSts#close()}). A scheduler given here is
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
            TxtResolver resolver = txtResolver;
            if (resolver == null) {
                Optional<TxtResolver> loaded = ServiceLoader.load(TxtResolver.class).findFirst();
                if (loaded.isEmpty()) {
                    throw new IllegalStateException("no TxtResolver: call txtResolver(...) or add mtasts-dns "
                            + "(org.mtasts:mtasts-dns) to the class or module path");
                }
                resolver = loaded.get();
            }
            PolicyFetcher chosen = fetcher;
            AutoCloseable owned = null;
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
                owned = built;
            }
            MtaSts sts = new MtaSts(this, resolver, chosen, owned);
            sts.start();
            return sts;
        }
    }
}
