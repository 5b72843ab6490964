package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mtasts.http.ScriptedFetcher.policy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.StsPolicy;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MutableClock;

/**
 * When {@link MtaSts#resolve} answers from memory and when it asks DNS (issue 13, point 1): a warm
 * cache never waits on DNS. Every test is deterministic: answers are held and released by hand, the
 * clock moves by hand, and background work runs on an executor the test controls.
 */
class MtaStsMemoryTest {
    static final String D = "example.com";
    static final DomainName DOMAIN = DomainName.of(D);
    static final String RECORD = "_mta-sts.example.com";
    static final String ENFORCE = policy("enforce", 86_400, "mx1.example.com");

    final MutableClock clock = MutableClock.of(Instant.parse("2026-11-28T00:00:00Z"));
    final FakeTxtResolver dns = FakeTxtResolver.create();
    final ScriptedFetcher fetcher = new ScriptedFetcher();
    final InMemoryPolicyStore store = new InMemoryPolicyStore(1000, clock);
    final List<Runnable> queued = new CopyOnWriteArrayList<>();
    /** Background work waits here until the test runs it. */
    final Executor manual = queued::add;
    final MtaSts sts = MtaSts.builder().txtResolver(dns).fetcher(fetcher).store(store).clock(clock)
            .executor(manual).proactiveRefresh(false).build();

    @AfterEach
    void close() {
        sts.close();
    }

    /** Runs the queued background work, including work that it queues. */
    private void runQueued() {
        while (!queued.isEmpty()) {
            Runnable r = queued.remove(0);
            r.run();
        }
    }

    private PolicyResolution.Active warm() {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.serve(D, ENFORCE);
        CompletableFuture<PolicyResolution> cold = sts.resolver().resolve(DOMAIN, false);
        runQueued();
        return (PolicyResolution.Active) cold.join();
    }

    @Test
    @DisplayName("RFC 8461 §5.1: within the recheck interval a warm domain is answered from memory, with no TXT lookup")
    void withinTheRecheckIntervalNoLookup() {
        warm();
        dns.resetCounts();
        PolicyResolution first = sts.resolve(DOMAIN);
        clock.advance(MtaSts.DEFAULT_RECHECK_INTERVAL.minusMillis(1));
        for (int i = 0; i < 1000; i++) {
            assertThat(sts.resolve(DOMAIN)).isSameAs(first);
            assertThat(sts.resolveAsync(DOMAIN).join()).isSameAs(first);
        }
        assertThat(dns.totalLookups()).isZero();
        assertThat(queued).isEmpty();
        assertThat(((PolicyResolution.Active) first).fresh()).isFalse();
    }

    @Test
    @DisplayName("RFC 8461 §5.1: with a held DNS answer and a cached policy, resolve completes while the TXT answer is still held")
    void aHeldDnsAnswerDoesNotDelayAWarmDomain() throws Exception {
        PolicyResolution.Active before = warm();
        clock.advance(MtaSts.DEFAULT_RECHECK_INTERVAL);
        FakeTxtResolver.Hold hold = dns.hold(RECORD);
        dns.resetCounts();

        PolicyResolution during = sts.resolve(DOMAIN);        // the TXT answer is held: nothing completes it

        assertThat(hold.waiting()).isEqualTo(1);                // the background recheck asked, once
        assertThat(during.policyToApply()).contains(before.policy());
        assertThat(sts.resolve(DOMAIN)).isSameAs(during);      // a second caller joins the same recheck
        assertThat(sts.resolveAsync(DOMAIN).isDone()).isTrue();
        assertThat(dns.lookups(RECORD)).isEqualTo(1);

        hold.release();
        runQueued();
        assertThat(dns.lookups(RECORD)).isEqualTo(1);
        dns.resetCounts();
        sts.resolve(DOMAIN);
        assertThat(dns.totalLookups()).as("rechecked: fresh for another interval").isZero();
    }

    @Test
    @DisplayName("RFC 8461 §3.3, §5.1: a new id found by the background recheck replaces the answer once fetched")
    void theRecheckReplacesTheAnswer() {
        warm();
        dns.records(RECORD, "v=STSv1; id=2");
        fetcher.serve(D, policy("testing", 86_400, "mx2.example.com"));
        clock.advance(MtaSts.DEFAULT_RECHECK_INTERVAL);

        PolicyResolution stale = sts.resolve(DOMAIN);
        assertThat(stale.policyToApply().orElseThrow().mode()).isEqualTo(PolicyMode.ENFORCE);
        runQueued();
        PolicyResolution fresh = sts.resolve(DOMAIN);
        assertThat(fresh.policyToApply().orElseThrow().mode()).isEqualTo(PolicyMode.TESTING);
        assertThat(fetcher.fetches(D)).isEqualTo(2);
    }

    @Test
    @DisplayName("RFC 8461 §3.2: an expired policy is never answered from memory: the caller waits for the fetch")
    void anExpiredPolicyIsNotServed() {
        warm();
        clock.advance(Duration.ofSeconds(86_400));
        CompletableFuture<PolicyResolution> async = sts.resolveAsync(DOMAIN);
        assertThat(async).isNotDone();
        runQueued();
        assertThat(((PolicyResolution.Active) async.join()).fresh()).isTrue();
    }

    @Test
    @DisplayName("only a cold domain waits, at most the caller's deadline; the work goes on and a later call finds it")
    void aColdDomainWaitsAtMostTheDeadline() {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.serve(D, ENFORCE);
        FakeTxtResolver.Hold hold = dns.hold(RECORD);

        PolicyResolution r = sts.resolve(DOMAIN, Duration.ofMillis(20));

        assertThat(r.policyUnknown()).isTrue();
        assertThat(((PolicyResolution.TemporaryFailure) r).reason()).isEqualTo(PolicyResolution.Reason.TIMEOUT);
        assertThat(((PolicyResolution.TemporaryFailure) r).detail())
                .isEqualTo("the policy of example.com was not resolved within 20 ms (nothing cached); "
                        + "the resolution goes on in the background");
        hold.release();
        runQueued();
        assertThat(sts.resolve(DOMAIN)).isInstanceOf(PolicyResolution.Active.class);
        assertThat(fetcher.fetches(D)).isEqualTo(1);
    }

    @Test
    @DisplayName("RFC 8461 §5.1: after a restart, an unexpired policy in the store is answered at once and rechecked")
    void anUnexpiredStoredPolicyIsServedAtOnce(@TempDir Path dir) throws Exception {
        FilePolicyStore.builder(dir).clock(clock).open().put(CachedPolicy.of(DOMAIN, "1",
                StsPolicy.parse(ENFORCE).orElseThrow(), ENFORCE, clock.instant().minusSeconds(3600)));
        FilePolicyStore files = FilePolicyStore.builder(dir).clock(clock).open();   // as after a restart
        try (MtaSts restarted = MtaSts.builder().txtResolver(dns).fetcher(fetcher).store(files).clock(clock)
                        .executor(manual).proactiveRefresh(false).build()) {
            dns.records(RECORD, "v=STSv1; id=1");
            FakeTxtResolver.Hold hold = dns.hold(RECORD);
            PolicyResolution r = restarted.resolve(DOMAIN);
            assertThat(r.policyToApply().orElseThrow().mode()).isEqualTo(PolicyMode.ENFORCE);
            assertThat(hold.waiting()).isEqualTo(1);
            hold.release();
            runQueued();
            assertThat(fetcher.totalFetches()).isZero();
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.1: no policy is remembered for the recheck interval too")
    void noPolicyIsRemembered() {
        dns.nxdomain(RECORD);
        CompletableFuture<PolicyResolution> cold = sts.resolveAsync(DOMAIN);
        runQueued();
        assertThat(cold.join()).isInstanceOf(PolicyResolution.NoPolicy.class);
        dns.resetCounts();
        assertThat(sts.resolve(DOMAIN)).isInstanceOf(PolicyResolution.NoPolicy.class);
        assertThat(dns.totalLookups()).isZero();
    }

    @Test
    @DisplayName("a DNS failure during the recheck of a domain without a policy keeps the last answer")
    void aFailedRecheckKeepsNoPolicy() {
        dns.nxdomain(RECORD);
        sts.resolveAsync(DOMAIN);
        runQueued();
        dns.temporaryFailure(RECORD, "SERVFAIL");
        clock.advance(MtaSts.DEFAULT_RECHECK_INTERVAL);
        sts.resolve(DOMAIN);
        runQueued();
        dns.resetCounts();
        assertThat(sts.resolve(DOMAIN)).isInstanceOf(PolicyResolution.NoPolicy.class);
        assertThat(dns.totalLookups()).as("retried after the next interval, not on every call").isZero();
    }

    @Test
    @DisplayName("forget() drops memory and store: the next resolution fetches")
    void forgetPurges() {
        warm();
        sts.forget(DOMAIN);
        assertThat(store.get(DOMAIN)).isEmpty();
        CompletableFuture<PolicyResolution> again = sts.resolveAsync(DOMAIN);
        runQueued();
        assertThat(((PolicyResolution.Active) again.join()).fresh()).isTrue();
        assertThat(fetcher.fetches(D)).isEqualTo(2);
    }

    @Test
    @DisplayName("resolveAsync completes on the executor given to the builder, never on the resolver's thread")
    void resolveAsyncCompletesOnTheExecutor() throws Exception {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.serve(D, ENFORCE);
        List<String> threads = new CopyOnWriteArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> new Thread(r, "app-executor"));
        try (MtaSts onPool = MtaSts.builder().txtResolver(dns).fetcher(fetcher).clock(clock).executor(pool)
                .proactiveRefresh(false).build()) {
            FakeTxtResolver.Hold hold = dns.hold(RECORD);
            CompletableFuture<Void> seen = onPool.resolveAsync(DOMAIN)
                    .thenAccept(r -> threads.add(Thread.currentThread().getName()));
            hold.release();                          // the answer completes on this (the test's) thread
            seen.get(10, TimeUnit.SECONDS);
            assertThat(threads).containsExactly("app-executor");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("the default clock is read through a ticking copy on the hit path; other clocks directly")
    void theHitPathReadsACoarseClockOnlyForTheSystemClock() {
        try (MtaSts system = MtaSts.builder().txtResolver(dns).fetcher(fetcher).proactiveRefresh(false).build()) {
            assertThat(system.coarseClockTicking()).isTrue();
        }
        assertThat(sts.coarseClockTicking()).isFalse();
    }

    @Test
    void theCoarseClockTicksOnItsSchedulerAndNeverRunsAhead() {
        ManualScheduler scheduler = new ManualScheduler();
        Clock system = Clock.systemUTC();
        CoarseClock coarse = CoarseClock.over(system, scheduler);
        long first = coarse.millis();
        assertThat(coarse.ticking()).isTrue();
        assertThat(coarse.lagMillis()).isEqualTo(CoarseClock.LAG_MILLIS);
        assertThat(first).isLessThanOrEqualTo(system.millis());
        assertThat(coarse.millis()).as("no tick, no change").isEqualTo(first);
        scheduler.runPeriodicOnce();
        assertThat(coarse.millis()).isGreaterThanOrEqualTo(first).isLessThanOrEqualTo(system.millis());
        coarse.close();
        assertThat(coarse.ticking()).as("closed: the clock is read directly, never frozen").isFalse();
        assertThat(coarse.lagMillis()).isZero();
        assertThat(CoarseClock.over(clock, scheduler).ticking()).isFalse();
    }

    @Test
    @DisplayName("the recheck interval, the resolve timeout and a caller's deadline are checked, with the bad value named")
    void intervalsAndDeadlinesAreChecked() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> MtaSts.builder().recheckInterval(Duration.ofMillis(10)))
                .withMessage("recheckInterval PT0.01S is not in [PT1S, PT24H]");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> MtaSts.builder().resolveTimeout(Duration.ofHours(1)))
                .withMessage("resolveTimeout PT1H is not in [PT0.001S, PT10M]");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> sts.resolve(DOMAIN, Duration.ZERO))
                .withMessage("timeout must be positive: PT0S");
        org.assertj.core.api.Assertions.assertThatNullPointerException()
                .isThrownBy(() -> sts.resolve(DOMAIN, null)).withMessage("timeout");
    }
}
