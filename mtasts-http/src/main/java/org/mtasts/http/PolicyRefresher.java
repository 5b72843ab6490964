package org.mtasts.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;

/**
 * Proactive refresh of {@link MtaSts}'s cached policies (RFC 8461 §3.3, §10.2): every refresh
 * interval a pass picks the cached policies last confirmed more than the refresh age ago (or half
 * their {@code max_age}, if shorter), spreads them over the refresh window with random jitter, and
 * refreshes at most the configured number at a time through the resolver's single flight: an
 * unchanged id extends the cached policy without fetching, a new id fetches, and failures go to the
 * {@link RefreshListener}, except for policies in mode none.
 *
 * <p>Thread-safe.
 */
final class PolicyRefresher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MtaSts.class.getName());

    /** The outcome of refreshing one domain. */
    enum Outcome { CONFIRMED, FETCHED, FAILED, REMOVED, SKIPPED }

    private final PolicyResolver resolver;
    private final long ageMillis;
    private final long spreadMillis;
    private final RefreshListener listener;
    private final RefreshLease lease;
    private final Random random;
    private final Limiter limiter;
    private final @Nullable ScheduledExecutorService scheduler;
    private final @Nullable ScheduledFuture<?> periodic;
    /** Domains whose refresh a pass has scheduled and that have not finished yet. */
    private final Set<DomainName> scheduled = ConcurrentHashMap.newKeySet();

    /**
     * @param scheduler where passes and their spread run, or null for no proactive refresh
     */
    PolicyRefresher(PolicyResolver resolver, @Nullable ScheduledExecutorService scheduler, long intervalMillis,
            long ageMillis, long spreadMillis, int concurrency, RefreshListener listener, RefreshLease lease,
            Random random) {
        this.resolver = resolver;
        this.ageMillis = ageMillis;
        this.spreadMillis = spreadMillis;
        this.listener = listener;
        this.lease = lease;
        this.random = random;
        this.limiter = new Limiter(concurrency);
        this.scheduler = scheduler;
        this.periodic = scheduler == null ? null : scheduler.scheduleWithFixedDelay(this::passQuietly, intervalMillis,
                intervalMillis, TimeUnit.MILLISECONDS);
    }

    boolean enabled() {
        return scheduler != null;
    }

    int maxConcurrent() {
        return limiter.maxRunning();
    }

    /** Refreshes every due policy now, at most the concurrency at a time, and waits for them. */
    MtaSts.RefreshSummary refreshNow() {
        long now = resolver.clock().millis();
        resolver.prune(now);
        List<CachedPolicy> due = due(now, false);
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>(due.size());
        for (CachedPolicy cached : due) {
            CompletableFuture<Outcome> outcome = new CompletableFuture<>();
            outcomes.add(outcome);
            limiter.submit(() -> refreshOne(cached).whenComplete((o, e) -> outcome.complete(o)));
        }
        int confirmed = 0;
        int fetched = 0;
        int failed = 0;
        int removed = 0;
        int skipped = 0;
        for (CompletableFuture<Outcome> outcome : outcomes) {
            Outcome o;
            try {
                o = outcome.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                o = Outcome.FAILED;
            }
            switch (o == null ? Outcome.FAILED : o) {
                case CONFIRMED -> confirmed++;
                case FETCHED -> fetched++;
                case FAILED -> failed++;
                case REMOVED -> removed++;
                case SKIPPED -> skipped++;
            }
        }
        return new MtaSts.RefreshSummary(due.size(), confirmed, fetched, failed, removed, skipped);
    }

    /**
     * One scheduled pass: picks the due entries not already scheduled, shuffles them, and spreads
     * them over the refresh window with jitter; each then waits for a slot of the concurrency limit.
     */
    void pass() {
        ScheduledExecutorService s = scheduler;
        if (s == null) {
            return;
        }
        long now = resolver.clock().millis();
        resolver.prune(now);
        List<CachedPolicy> due = due(now, true);
        Collections.shuffle(due, random);
        int n = due.size();
        long slot = n == 0 ? 0 : spreadMillis / n;
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
                s.schedule(() -> limiter.submit(() -> refreshOne(cached)
                        .whenComplete((o, e) -> scheduled.remove(domain))), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                scheduled.remove(domain);
                return; // the scheduler is shutting down
            }
        }
    }

    private void passQuietly() {
        try {
            pass();
        } catch (RuntimeException e) {
            // A failing pass must not cancel the periodic task.
            LOG.log(System.Logger.Level.WARNING, "MTA-STS refresh pass failed", e);
        }
    }

    /** Cached policies confirmed more than the refresh age (or half their max_age) ago. */
    private List<CachedPolicy> due(long now, boolean skipScheduled) {
        List<CachedPolicy> due = new ArrayList<>();
        resolver.store().forEach(cached -> {
            long age = now - cached.fetchedAt().toEpochMilli();
            long threshold = Math.min(ageMillis, cached.policy().maxAge() * 500L);
            if (age >= threshold && !(skipScheduled && scheduled.contains(cached.domain()))) {
                due.add(cached);
            }
        });
        return due;
    }

    /**
     * Refreshes one domain through the single-flight path if this node gets its lease and nobody
     * refreshed it since the pass saw it, and tells the listener about failures.
     */
    CompletableFuture<Outcome> refreshOne(CachedPolicy cached) {
        if (lease == RefreshLease.LOCAL) {
            return refreshLeased(cached);
        }
        // A shared lease is a database round trip: on a worker thread, never on the timer thread
        // (which also ticks the clock that warm hits read).
        CompletableFuture<CompletableFuture<Outcome>> started = new CompletableFuture<>();
        try {
            resolver.executor().execute(() -> started.complete(refreshShared(cached)));
        } catch (RuntimeException e) {
            started.complete(refreshShared(cached));
        }
        return started.thenCompose(f -> f);
    }

    /** Takes the lease, skips the domain if another node holds it or just refreshed it, else refreshes. */
    private CompletableFuture<Outcome> refreshShared(CachedPolicy cached) {
        DomainName domain = cached.domain();
        boolean leased;
        try {
            if (!lease.tryAcquire(domain)) {
                return CompletableFuture.completedFuture(Outcome.SKIPPED); // another node refreshes it
            }
            leased = true;
        } catch (RuntimeException e) {
            // A broken lease must not let policies expire: refresh without it.
            LOG.log(System.Logger.Level.WARNING, "MTA-STS refresh lease for " + domain + " failed; refreshing anyway",
                    e);
            leased = false;
        }
        if (leased && refreshedSince(cached)) {
            releaseQuietly(domain);
            return CompletableFuture.completedFuture(Outcome.SKIPPED); // another node just refreshed it
        }
        CompletableFuture<Outcome> outcome = refreshLeased(cached);
        if (leased) {
            outcome.whenComplete((o, e) -> releaseQuietly(domain));
        }
        return outcome;
    }

    /**
     * Whether the shared store holds a newer confirmation than the one the pass saw (read past a
     * {@link FrontedPolicyStore}'s memory, which may not have seen the other node's write yet).
     */
    private boolean refreshedSince(CachedPolicy cached) {
        if (resolver.store() instanceof FrontedPolicyStore front) {
            front.invalidate(cached.domain());
        }
        try {
            return resolver.store().get(cached.domain()).filter(c -> c.fetchedAt().isAfter(cached.fetchedAt()))
                    .isPresent();
        } catch (RuntimeException e) {
            // Unknown: refresh (the refresh reads the store again and reports its failure).
            LOG.log(System.Logger.Level.DEBUG, "MTA-STS store unreadable before refreshing " + cached.domain(), e);
            return false;
        }
    }

    private void releaseQuietly(DomainName domain) {
        try {
            lease.release(domain);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "MTA-STS refresh lease for " + domain + " not released", e);
        }
    }

    private CompletableFuture<Outcome> refreshLeased(CachedPolicy cached) {
        DomainName domain = cached.domain();
        return resolver.resolve(domain, true).thenApply(result -> {
            if (result instanceof PolicyResolution.Active active) {
                return active.fresh() ? Outcome.FETCHED : Outcome.CONFIRMED;
            }
            boolean removed = resolver.store().get(domain).isEmpty();
            if (cached.policy().mode() != PolicyMode.NONE) {
                // RFC 8461 §3.3, §10.2: alert on failed refreshes, except for policies in mode none.
                try {
                    listener.refreshFailed(cached, result);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "MTA-STS refresh listener failed", e);
                }
            }
            return removed ? Outcome.REMOVED : Outcome.FAILED;
        });
    }

    @Override
    public void close() {
        if (periodic != null) {
            periodic.cancel(false);
        }
    }
}
