package org.mtasts.http;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyDetails;

/**
 * The resolution rules of {@link MtaSts} (RFC 8461 §3, §5.1) and the per-domain memory that lets a
 * warm cache answer without DNS: for each domain the last resolution, until when it may be served
 * without a TXT lookup (the recheck interval), and until when at all (the policy's expiry).
 *
 * <p>Three paths:
 * <ol>
 *   <li>hit: within the recheck interval the last resolution is answered from memory: one map
 *       look-up and one read of the {@link CoarseClock}, no DNS, no allocation;</li>
 *   <li>stale: past the interval but before the policy expires, the last resolution is still
 *       answered at once, and one background recheck (single flight) looks the record up, fetches
 *       a new policy if its id changed, and replaces the memory; an unexpired policy in the store
 *       with no memory yet (after a restart, or put there by another node) is served the same
 *       way;</li>
 *   <li>cold: nothing usable is known: the caller waits for DNS and, if needed, the fetch, shared
 *       with every concurrent caller for the domain (single flight).</li>
 * </ol>
 *
 * <p>Thread-safe.
 */
final class PolicyResolver {

    private static final System.Logger LOG = System.getLogger(MtaSts.class.getName());

    private final TxtResolver txt;
    private final PolicyFetcher fetcher;
    private final PolicyStore store;
    private final Clock clock;
    private final CoarseClock coarse;
    private final Executor executor;
    private final long backoffMillis;
    private final long recheckMillis;
    private final int maxStates;

    /** Per domain: the last resolution and until when it may be served. */
    private final ConcurrentHashMap<DomainName, State> states = new ConcurrentHashMap<>();
    /** Per domain: the resolution in progress, shared by concurrent callers (single flight). */
    private final ConcurrentHashMap<DomainName, CompletableFuture<PolicyResolution>> inflight = new ConcurrentHashMap<>();

    PolicyResolver(TxtResolver txt, PolicyFetcher fetcher, PolicyStore store, Clock clock, CoarseClock coarse,
            Executor executor, long backoffMillis, long recheckMillis, int maxStates) {
        this.txt = txt;
        this.fetcher = fetcher;
        this.store = store;
        this.clock = clock;
        this.coarse = coarse;
        this.executor = executor;
        this.backoffMillis = backoffMillis;
        this.recheckMillis = recheckMillis;
        this.maxStates = maxStates;
    }

    PolicyStore store() {
        return store;
    }

    Clock clock() {
        return clock;
    }

    /** The worker executor: where blocking calls of a pluggable part (a shared store's lease) run. */
    Executor executor() {
        return executor;
    }

    // ------------------------------------------------------------------------------------------
    // The three paths

    /**
     * Returns the resolution memory can give now (paths 1 and 2, starting the background recheck
     * of path 2), or null when the caller must wait (path 3).
     */
    @Nullable PolicyResolution fromMemory(DomainName domain) {
        State s = states.get(domain);
        if (s != null && coarse.millis() < s.freshUntil) {
            return s.current; // path 1: no DNS, no allocation
        }
        long now = clock.millis();
        if (s != null && now < s.expiresAt) {
            if (now >= s.recheckAt) {
                CompletableFuture<PolicyResolution> recheck = resolve(domain, false);
                if (recheck.isDone()) {
                    return recheck.join(); // answered at once (a resolver in memory): the newer answer
                }
            }
            return s.current; // path 2
        }
        CachedPolicy cached;
        try {
            cached = store.get(domain).orElse(null);
        } catch (RuntimeException e) {
            return null; // a broken store: the cold path reports it as an internal error
        }
        // RFC 8461 §3.2, §5.1: an unexpired cached policy may be applied; its id is checked in the background.
        if (cached != null && now < cached.expiresAt().toEpochMilli()) {
            State adopted = State.of(new PolicyResolution.Active(cached, false), cached, now, cached.expiresAt()
                    .toEpochMilli(), coarse.lagMillis(), s);
            if (s == null ? states.putIfAbsent(domain, adopted) == null : states.replace(domain, s, adopted)) {
                CompletableFuture<PolicyResolution> recheck = resolve(domain, false);
                return recheck.isDone() ? recheck.join() : adopted.current;
            }
            State winner = states.get(domain);
            return winner != null ? winner.current : adopted.current;
        }
        return null;
    }

    /**
     * Path 3 and the recheck: one DNS lookup and at most one fetch, shared by every caller that
     * arrives while it runs. The placeholder future is put with {@code putIfAbsent}, never computed
     * inside the map, so that a resolver or fetcher completing synchronously cannot recurse into a
     * map update. The future never completes exceptionally.
     *
     * @param refresh whether this is a proactive refresh (an unchanged id renews the cached policy)
     */
    CompletableFuture<PolicyResolution> resolve(DomainName domain, boolean refresh) {
        CompletableFuture<PolicyResolution> running = inflight.get(domain);
        if (running != null) {
            return running;
        }
        CompletableFuture<PolicyResolution> mine = new CompletableFuture<>();
        running = inflight.putIfAbsent(domain, mine);
        if (running != null) {
            return running;
        }
        lookup(domain)
                .handle((a, error) -> a != null ? a : dnsError(error))
                .thenComposeAsync(a -> decide(domain, a, refresh), executor)
                .handle((result, error) -> result != null ? result : internalError(domain, error))
                .thenAccept(result -> {
                    inflight.remove(domain, mine);
                    mine.complete(result);
                });
        return mine;
    }

    private CompletableFuture<TxtAnswer> lookup(DomainName domain) {
        try {
            CompletableFuture<TxtAnswer> future = txt.resolveTxtAsync(domain.stsRecordName());
            return future != null ? future : CompletableFuture.completedFuture(
                    new TxtAnswer.TemporaryFailure("the TXT resolver returned no future", null));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(dnsError(e));
        }
    }

    // ------------------------------------------------------------------------------------------
    // The rules

    /** Applies the rules to a DNS answer, remembers the outcome; runs at most once at a time per domain. */
    private CompletableFuture<PolicyResolution> decide(DomainName domain, TxtAnswer answer, boolean refresh) {
        CachedPolicy cached = store.get(domain).orElse(null);
        long now = clock.millis();
        // RFC 8461 §3.2, §5.1: a cached policy is usable until fetch time + max_age, exclusive.
        CachedPolicy usable = cached != null && now < cached.expiresAt().toEpochMilli() ? cached : null;
        Discovery<StsRecord> discovery = RecordSelection.sts(answer);
        switch (discovery.kind()) {
            case FOUND: {
                String id = ((Discovery.Found<StsRecord>) discovery).record().id();
                if (usable != null && usable.recordId().equals(id)) {
                    // RFC 8461 §3: the record id is unchanged and the policy unexpired: no fetch.
                    CachedPolicy current = usable;
                    if (refresh) {
                        // RFC 8461 §3.3: a proactive refresh that finds the same id extends the policy.
                        current = usable.renewedAt(clock.instant());
                        store.put(current);
                    }
                    return done(remember(domain, current, now));
                }
                State state = states.get(domain);
                if (state != null && state.failure != null && id.equals(state.failedId) && now < state.retryAt) {
                    // RFC 8461 §3.3: after a failed fetch, wait before fetching the same policy id again.
                    return done(keep(domain, fetchFailed(domain, state.failure, usable,
                            " (not fetched again before " + Instant.ofEpochMilli(state.retryAt) + ")"), now));
                }
                return fetch(domain).thenApplyAsync(result -> afterFetch(domain, id, result), executor);
            }
            case ABSENT: {
                String detail = "no STS record at " + domain.stsRecordName() + ": "
                        + Printable.of(((Discovery.Absent<StsRecord>) discovery).detail());
                if (cached != null && cached.policy().mode() == PolicyMode.NONE) {
                    // RFC 8461 §8.3: a domain leaving MTA-STS publishes mode none, then removes the
                    // record: forget its policy, silently.
                    store.remove(domain);
                    return done(keep(domain, noPolicy(domain, PolicyResolution.Reason.NO_RECORD,
                            detail + "; the cached mode-none policy was removed"), now));
                }
                return done(keep(domain, recordUnusable(domain, PolicyResolution.Reason.NO_RECORD, detail, null,
                        cached, usable), now));
            }
            case MULTIPLE: {
                int count = ((Discovery.Multiple<StsRecord>) discovery).texts().size();
                // RFC 8461 §3.1: more than one STS record means no available policy.
                return done(keep(domain, recordUnusable(domain, PolicyResolution.Reason.MULTIPLE_RECORDS,
                        count + " STS records at " + domain.stsRecordName() + " (RFC 8461 §3.1)", null, cached, usable),
                        now));
            }
            case INVALID: {
                Discovery.Invalid<StsRecord> invalid = (Discovery.Invalid<StsRecord>) discovery;
                // RFC 8461 §3.1: an invalid record means no available policy.
                return done(keep(domain, recordUnusable(domain, PolicyResolution.Reason.INVALID_RECORD,
                        "invalid STS record '" + Printable.of(invalid.text()) + "': " + invalid.error(),
                        invalid.error().code(), cached, usable), now));
            }
            default: {
                String detail = Printable.of(((Discovery.TemporaryFailure<StsRecord>) discovery).detail());
                if (usable != null) {
                    return done(keep(domain, fallback(domain, PolicyResolution.Reason.DNS_FAILURE, detail, usable,
                            ResultType.STS_POLICY_FETCH_ERROR, PolicyResolution.Reason.DNS_FAILURE.code()), now));
                }
                // SPEC: RFC 8461 §3.1 and §3.3 do not cover a temporary DNS failure without a cached
                // policy; unlike "no record" it is not "no policy": the caller decides.
                return done(keep(domain, new PolicyResolution.TemporaryFailure(domain,
                        PolicyResolution.Reason.DNS_FAILURE, detail, Optional.empty(), Optional.empty()), now));
            }
        }
    }

    private static CompletableFuture<PolicyResolution> done(PolicyResolution r) {
        return CompletableFuture.completedFuture(r);
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
        return noPolicy(domain, reason, detail);
    }

    private static PolicyResolution noPolicy(DomainName domain, PolicyResolution.Reason reason, String detail) {
        return new PolicyResolution.NoPolicy(domain, reason, detail, PolicyDetails.noPolicyFound(domain),
                Optional.empty());
    }

    /**
     * An unexpired cached policy applied because something failed: RFC 8461 §6 (and RFC 8460
     * §4.3.2.2) report the failure, with the reason code marked {@code +fallback-to-cached-policy}
     * (as mox writes it); not for a policy in mode none, whose sessions report nothing (RFC 8461 §5).
     */
    private static PolicyResolution fallback(DomainName domain, PolicyResolution.Reason reason, String detail,
            CachedPolicy usable, ResultType resultType, String code) {
        Optional<FailureDetails> failure = usable.policy().mode() == PolicyMode.NONE ? Optional.empty()
                : Optional.of(FailureDetails.builder(resultType).failureReasonCode(code + "+" + MtaSts.FALLBACK_MARKER)
                        .build());
        return new PolicyResolution.TemporaryFailure(domain, reason,
                detail + "; applying the cached policy of record id " + usable.recordId() + ", valid until "
                        + usable.expiresAt(), Optional.of(usable), failure);
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

    private PolicyResolution afterFetch(DomainName domain, String id, FetchResult result) {
        long now = clock.millis();
        if (result instanceof FetchResult.Fetched fetched) {
            CachedPolicy fresh = CachedPolicy.of(domain, id, fetched.policy(), fetched.text(), clock.instant());
            if (fetched.policy().maxAge() == 0) {
                // RFC 8461 §3.2: max_age 0 applies the policy to this delivery; it is never served
                // from the cache, and it replaces whatever was cached.
                store.remove(domain);
                states.remove(domain);
                return new PolicyResolution.Active(fresh, true);
            }
            store.put(fresh);
            PolicyResolution.Active hits = remember(domain, fresh, now);
            return new PolicyResolution.Active(fresh, true, hits.reportedPolicy());
        }
        State old = states.get(domain);
        CachedPolicy cached = store.get(domain).orElse(null);
        CachedPolicy usable = cached != null && now < cached.expiresAt().toEpochMilli() ? cached : null;
        if (cached != null && usable == null) {
            store.remove(domain); // expired and not renewable now
        }
        PolicyResolution outcome = fetchFailed(domain, result, usable, "");
        State next = State.of(outcome, usable, now + recheckMillis, expiry(usable), coarse.lagMillis(), old)
                .withFailure(id, result, now + backoffMillis);
        put(domain, next, now);
        return outcome;
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
        // absent, and report the failure (RFC 8461 §6) under the policy type sts.
        String served = result instanceof FetchResult.Invalid invalid ? invalid.text() : null;
        return new PolicyResolution.NoPolicy(domain, reason, detail, PolicyDetails.stsFailure(domain, served),
                Optional.of(FailureDetails.builder(resultType).failureReasonCode(code).build()));
    }

    private static long expiry(@Nullable CachedPolicy usable) {
        return usable == null ? Long.MAX_VALUE : usable.expiresAt().toEpochMilli();
    }

    // ------------------------------------------------------------------------------------------
    // Memory

    /** Remembers that {@code cached} is the active policy, reusing the prebuilt result when unchanged. */
    private PolicyResolution.Active remember(DomainName domain, CachedPolicy cached, long now) {
        State old = states.get(domain);
        PolicyResolution.Active active = old != null && old.cached == cached
                && old.current instanceof PolicyResolution.Active a ? a : new PolicyResolution.Active(cached, false);
        put(domain, State.of(active, cached, now + recheckMillis, cached.expiresAt().toEpochMilli(),
                coarse.lagMillis(), old), now);
        return active;
    }

    /**
     * Remembers a resolution that is not a fetched policy, and returns it. A temporary failure with
     * nothing to apply is not served from memory (the next call tries again), but it does not
     * replace an earlier "no policy" either: the last known answer stays until a recheck gives a
     * better one.
     */
    private PolicyResolution keep(DomainName domain, PolicyResolution outcome, long now) {
        State old = states.get(domain);
        if (outcome.policyUnknown()) {
            if (old != null && old.current instanceof PolicyResolution.NoPolicy) {
                put(domain, old.recheckAt(now + recheckMillis, coarse.lagMillis()), now);
            } else if (old != null) {
                states.remove(domain, old);
            }
            return outcome;
        }
        CachedPolicy applied = outcome instanceof PolicyResolution.TemporaryFailure t ? t.fallback().orElse(null) : null;
        put(domain, State.of(outcome, applied, now + recheckMillis, expiry(applied), coarse.lagMillis(), old), now);
        return outcome;
    }

    private void put(DomainName domain, State state, long now) {
        if (!states.containsKey(domain) && states.size() >= maxStates) {
            prune(now);
            if (states.size() >= maxStates) {
                return; // full of fresh entries: this one is resolved again next time
            }
        }
        states.put(domain, state);
    }

    /** Drops entries due for a recheck whose fetch back-off is over: they cost a lookup at most. */
    void prune(long now) {
        states.forEach((domain, state) -> {
            if (now >= state.recheckAt && (state.failure == null || now >= state.retryAt)) {
                states.remove(domain, state);
            }
        });
    }

    /** Forgets what memory and the store know about a domain (an operator's purge). */
    void forget(DomainName domain) {
        states.remove(domain);
        store.remove(domain);
    }

    int stateCount() {
        return states.size();
    }

    // ------------------------------------------------------------------------------------------
    // Failures of the parts

    PolicyResolution interrupted(DomainName domain) {
        return new PolicyResolution.TemporaryFailure(domain, PolicyResolution.Reason.INTERRUPTED,
                "interrupted while resolving the policy of " + domain, Optional.empty(), Optional.empty());
    }

    PolicyResolution timedOut(DomainName domain, long millis) {
        return new PolicyResolution.TemporaryFailure(domain, PolicyResolution.Reason.TIMEOUT,
                "the policy of " + domain + " was not resolved within " + millis + " ms (nothing cached); "
                        + "the resolution goes on in the background", Optional.empty(), Optional.empty());
    }

    PolicyResolution internalError(DomainName domain, @Nullable Throwable error) {
        Throwable cause = unwrap(error);
        LOG.log(System.Logger.Level.WARNING, "MTA-STS resolution of " + domain + " failed unexpectedly", cause);
        return new PolicyResolution.TemporaryFailure(domain, PolicyResolution.Reason.INTERNAL_ERROR,
                "resolving the policy of " + domain + " failed: "
                        + (cause == null ? "unknown error" : Printable.describe(cause)), Optional.empty(), Optional.empty());
    }

    private static TxtAnswer.TemporaryFailure dnsError(@Nullable Throwable error) {
        Throwable cause = unwrap(error);
        return new TxtAnswer.TemporaryFailure("the TXT lookup failed: "
                + (cause == null ? "no answer" : Printable.describe(cause)), cause);
    }

    static @Nullable Throwable unwrap(@Nullable Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Completes {@code target} with {@code source}'s result on the executor (inline if it refuses). */
    static <T> CompletableFuture<T> on(Executor executor, CompletableFuture<T> source) {
        if (source.isDone()) {
            return source;
        }
        CompletableFuture<T> target = new CompletableFuture<>();
        source.whenComplete((value, error) -> {
            Runnable complete = () -> {
                if (error != null) {
                    target.completeExceptionally(error);
                } else {
                    target.complete(value);
                }
            };
            try {
                executor.execute(complete);
            } catch (RejectedExecutionException e) {
                complete.run(); // the executor is shut down: complete here rather than never
            }
        });
        return target;
    }

    /** What memory knows about a domain; immutable, replaced as a whole. */
    static final class State {
        /** The answer of paths 1 and 2. */
        final PolicyResolution current;
        /** The store entry {@code current} applies (active or fallback), or null. */
        final @Nullable CachedPolicy cached;
        /** From then on, a background recheck. */
        final long recheckAt;
        /** From then on, never served (the applied policy expired; Long.MAX_VALUE when none applies). */
        final long expiresAt;
        /** How far the coarse clock may lag: path 1 stops that long before the expiry. */
        final long lag;
        /** Path 1 until then (coarse clock): the recheck time, or the margin before expiry if earlier. */
        final long freshUntil;
        /** The fetch back-off (RFC 8461 §3.3): the record id whose fetch failed, the failure, and until when. */
        final @Nullable String failedId;
        final @Nullable FetchResult failure;
        final long retryAt;

        private State(PolicyResolution current, @Nullable CachedPolicy cached, long recheckAt, long expiresAt,
                long lag, @Nullable String failedId, @Nullable FetchResult failure, long retryAt) {
            this.current = current;
            this.cached = cached;
            this.recheckAt = recheckAt;
            this.expiresAt = expiresAt;
            this.lag = lag;
            this.freshUntil = Math.min(recheckAt, expiresAt == Long.MAX_VALUE ? Long.MAX_VALUE : expiresAt - lag);
            this.failedId = failedId;
            this.failure = failure;
            this.retryAt = retryAt;
        }

        /** A new state that keeps the fetch back-off of {@code old}. */
        static State of(PolicyResolution current, @Nullable CachedPolicy cached, long recheckAt, long expiresAt,
                long lag, @Nullable State old) {
            return old == null ? new State(current, cached, recheckAt, expiresAt, lag, null, null, 0)
                    : new State(current, cached, recheckAt, expiresAt, lag, old.failedId, old.failure, old.retryAt);
        }

        /** This state with a fetch back-off for record id {@code id} until {@code until}. */
        State withFailure(String id, FetchResult fetchFailure, long until) {
            return new State(current, cached, recheckAt, expiresAt, lag, id, fetchFailure, until);
        }

        /** This state, rechecked again at {@code at}. */
        State recheckAt(long at, long newLag) {
            return new State(current, cached, at, expiresAt, newLag, failedId, failure, retryAt);
        }
    }
}
