package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mtasts.http.ScriptedFetcher.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.StsPolicy;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MutableClock;

/** Proactive refresh (RFC 8461 §3.3, §10.2), with a hand-moved clock and a manual scheduler. */
class MtaStsRefreshTest {
    static final String D = "example.com";
    static final DomainName DOMAIN = DomainName.of(D);
    static final String RECORD = "_mta-sts.example.com";
    static final String ENFORCE = policy("enforce", 86_400, "mx1.example.com");

    record Alert(CachedPolicy cached, PolicyResolution outcome) {}

    final MutableClock clock = MutableClock.of(Instant.parse("2026-11-28T00:00:00Z"));
    final FakeTxtResolver dns = FakeTxtResolver.create();
    final ScriptedFetcher fetcher = new ScriptedFetcher();
    final InMemoryPolicyStore store = new InMemoryPolicyStore(10_000, clock);
    final ManualScheduler scheduler = new ManualScheduler();
    final List<Alert> alerts = new CopyOnWriteArrayList<>();
    final MtaSts sts = MtaSts.builder().txtResolver(dns).fetcher(fetcher).store(store).clock(clock)
            .refreshScheduler(scheduler).random(new Random(42)).executor(Runnable::run)
            .refreshListener((cached, outcome) -> alerts.add(new Alert(cached, outcome))).build();

    @AfterEach
    void close() {
        sts.close();
    }

    private void warm(String domain, String id, String policy) {
        dns.records("_mta-sts." + domain, "v=STSv1; id=" + id);
        fetcher.serve(domain, policy);
        assertThat(sts.resolve(DomainName.of(domain))).isInstanceOf(PolicyResolution.Active.class);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a refresh that finds the same id extends the cached policy without fetching")
    void anUnchangedIdIsRenewedWithoutFetching() {
        warm(D, "1", ENFORCE);
        clock.advance(Duration.ofHours(12));

        MtaSts.RefreshSummary summary = sts.refreshNow();

        assertThat(summary).isEqualTo(new MtaSts.RefreshSummary(1, 1, 0, 0, 0));
        assertThat(fetcher.fetches(D)).isEqualTo(1);
        CachedPolicy renewed = store.get(DOMAIN).orElseThrow();
        assertThat(renewed.fetchedAt()).isEqualTo(clock.instant());
        assertThat(renewed.expiresAt()).isEqualTo(clock.instant().plusSeconds(86_400));
        // The next delivery uses the renewed entry, still without a fetch.
        assertThat(((PolicyResolution.Active) sts.resolve(DOMAIN)).cached()).isEqualTo(renewed);
        assertThat(fetcher.fetches(D)).isEqualTo(1);
        assertThat(alerts).isEmpty();
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a policy is not due before the refresh age")
    void notDueBeforeTheRefreshAge() {
        warm(D, "1", ENFORCE);
        clock.advance(Duration.ofHours(12).minusMillis(1));
        assertThat(sts.refreshNow().due()).isZero();
    }

    @Test
    @DisplayName("RFC 8461 §10.2: a policy with a one-year max_age is refreshed within a day")
    void aYearLongPolicyIsRefreshedWithinADay() {
        warm(D, "1", policy("enforce", 31_557_600, "mx1.example.com"));
        clock.advance(Duration.ofHours(12));
        assertThat(sts.refreshNow().confirmed()).isEqualTo(1);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a short max_age is refreshed at half its lifetime, before it expires")
    void aShortMaxAgeIsRefreshedAtHalfLife() {
        warm(D, "1", policy("enforce", 3_600, "mx1.example.com"));
        clock.advance(Duration.ofMinutes(29));
        assertThat(sts.refreshNow().due()).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(sts.refreshNow().confirmed()).isEqualTo(1);
        assertThat(store.get(DOMAIN).orElseThrow().expiresAt()).isEqualTo(clock.instant().plusSeconds(3_600));
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a refresh that finds a new id fetches the new policy")
    void aNewIdIsFetched() {
        warm(D, "1", ENFORCE);
        clock.advance(Duration.ofHours(13));
        dns.records(RECORD, "v=STSv1; id=2");
        fetcher.serve(D, policy("testing", 86_400, "mx2.example.com"));

        assertThat(sts.refreshNow()).isEqualTo(new MtaSts.RefreshSummary(1, 0, 1, 0, 0));
        assertThat(store.get(DOMAIN).orElseThrow().recordId()).isEqualTo("2");
    }

    @Test
    @DisplayName("RFC 8461 §3.3, §10.2: a failed refresh goes to the listener, and the cached policy stays")
    void aFailedRefreshIsReportedToTheListener() {
        warm(D, "1", ENFORCE);
        CachedPolicy cached = store.get(DOMAIN).orElseThrow();
        clock.advance(Duration.ofHours(13));
        dns.records(RECORD, "v=STSv1; id=2");
        fetcher.then(D, new FetchResult.NotServed(500, null));

        assertThat(sts.refreshNow()).isEqualTo(new MtaSts.RefreshSummary(1, 0, 0, 1, 0));

        assertThat(alerts).singleElement().satisfies(alert -> {
            assertThat(alert.cached()).isEqualTo(cached);
            assertThat(alert.outcome()).isInstanceOf(PolicyResolution.TemporaryFailure.class);
            assertThat(alert.outcome().policyFailure().orElseThrow().failureReasonCode()).isEqualTo("http-status-500+fallback-to-cached-policy");
        });
        assertThat(store.get(DOMAIN)).contains(cached);
    }

    @Test
    @DisplayName("RFC 8461 §3.1, §10.2: a vanished record is reported to the listener (possible downgrade)")
    void aVanishedRecordIsReported() {
        warm(D, "1", ENFORCE);
        clock.advance(Duration.ofHours(13));
        dns.nxdomain(RECORD);

        sts.refreshNow();

        assertThat(alerts).singleElement().satisfies(alert ->
                assertThat(((PolicyResolution.TemporaryFailure) alert.outcome()).reason())
                        .isEqualTo(PolicyResolution.Reason.NO_RECORD));
        assertThat(store.get(DOMAIN)).isPresent();
    }

    @Test
    @DisplayName("RFC 8461 §3.3: refresh failures of a mode-none policy are not reported")
    void modeNoneFailuresAreSilent() {
        warm(D, "1", policy("none", 86_400));
        clock.advance(Duration.ofHours(13));
        dns.temporaryFailure(RECORD, "SERVFAIL");

        assertThat(sts.refreshNow().failed()).isEqualTo(1);
        assertThat(alerts).isEmpty();
    }

    @Test
    @DisplayName("RFC 8461 §8.3: a refresh removes a mode-none policy whose record is gone, silently")
    void aModeNonePolicyWhoseRecordIsGoneIsRemoved() {
        warm(D, "1", policy("none", 86_400));
        clock.advance(Duration.ofHours(13));
        dns.nxdomain(RECORD);

        assertThat(sts.refreshNow()).isEqualTo(new MtaSts.RefreshSummary(1, 0, 0, 0, 1));
        assertThat(store.get(DOMAIN)).isEmpty();
        assertThat(alerts).isEmpty();
    }

    @Test
    @DisplayName("RFC 8461 §3.3: an expired policy whose refresh fails is dropped")
    void anExpiredPolicyWhoseRefreshFailsIsDropped() {
        warm(D, "1", ENFORCE);
        clock.advance(Duration.ofDays(2));
        fetcher.then(D, new FetchResult.NotServed(503, null));

        assertThat(sts.refreshNow().removed()).isEqualTo(1);
        assertThat(store.get(DOMAIN)).isEmpty();
        assertThat(alerts).hasSize(1);
    }

    @Test
    @DisplayName("the scheduler triggers passes every refresh interval; close() cancels them and leaves the caller's scheduler running")
    void theSchedulerTriggersPasses() {
        List<ManualScheduler.Task> periodic = new ArrayList<>();
        for (ManualScheduler.Task t : scheduler.tasks()) {
            if (t.periodMillis > 0) {
                periodic.add(t);
            }
        }
        assertThat(periodic).singleElement().satisfies(t -> {
            assertThat(t.delayMillis).isEqualTo(Duration.ofHours(1).toMillis());
            assertThat(t.periodMillis).isEqualTo(Duration.ofHours(1).toMillis());
        });
        warm(D, "1", ENFORCE);
        clock.advance(Duration.ofHours(12));
        scheduler.runPeriodicOnce();
        assertThat(scheduler.pendingOneShots()).hasSize(1);
        scheduler.runPeriodicOnce(); // already scheduled: not scheduled twice
        assertThat(scheduler.pendingOneShots()).hasSize(1);
        scheduler.runOneShots();
        assertThat(store.get(DOMAIN).orElseThrow().fetchedAt()).isEqualTo(clock.instant());

        sts.close();
        assertThat(periodic.get(0).isCancelled()).isTrue();
        assertThat(scheduler.isShutdown()).isFalse();
    }

    @Test
    @DisplayName("refresh storms: 100 due policies are spread over the window and fetched at most 4 at a time")
    void refreshStormsAreSpreadAndBounded() throws InterruptedException {
        int n = 100;
        for (int i = 0; i < n; i++) {
            warm("d" + i + ".example", "1", ENFORCE);
        }
        clock.advance(Duration.ofHours(12));
        for (int i = 0; i < n; i++) {
            dns.records("_mta-sts.d" + i + ".example", "v=STSv1; id=2"); // every id changed: each needs a fetch
        }

        scheduler.runPeriodicOnce();

        List<ManualScheduler.Task> spread = scheduler.pendingOneShots();
        assertThat(spread).hasSize(n);
        long window = Duration.ofHours(3).toMillis();
        assertThat(spread).allSatisfy(t -> assertThat(t.delayMillis).isBetween(0L, window - 1));
        assertThat(spread.stream().mapToLong(t -> t.delayMillis).distinct().count()).isEqualTo(n);
        long inFirstTenth = spread.stream().filter(t -> t.delayMillis < window / 10).count();
        assertThat(inFirstTenth).isLessThanOrEqualTo(n / 10 + 1); // not all at once

        fetcher.hold();
        scheduler.runOneShots(); // even if every delay elapsed at once, the limiter holds them back
        assertThat(fetcher.heldCount()).isEqualTo(MtaSts.DEFAULT_REFRESH_CONCURRENCY);
        while (fetcher.releaseOne()) {
            assertThat(fetcher.heldCount()).isLessThanOrEqualTo(MtaSts.DEFAULT_REFRESH_CONCURRENCY);
        }
        assertThat(fetcher.totalFetches()).isEqualTo(2 * n);
        assertThat(fetcher.maxInFlight()).isEqualTo(MtaSts.DEFAULT_REFRESH_CONCURRENCY);
        assertThat(sts.maxConcurrentRefreshes()).isEqualTo(MtaSts.DEFAULT_REFRESH_CONCURRENCY);
        store.forEach(p -> assertThat(p.recordId()).isEqualTo("2"));
    }

    @Test
    @DisplayName("a refresh delay never exceeds half the policy's remaining lifetime")
    void aRefreshIsScheduledBeforeExpiry() {
        warm(D, "1", policy("enforce", 600, "mx1.example.com"));
        clock.advance(Duration.ofMinutes(5));
        scheduler.runPeriodicOnce();
        assertThat(scheduler.pendingOneShots()).singleElement()
                .satisfies(t -> assertThat(t.delayMillis).isLessThanOrEqualTo(Duration.ofMinutes(5).toMillis() / 2));
    }

    @Test
    @DisplayName("refreshNow with nothing cached does nothing")
    void refreshWithAnEmptyStore() {
        assertThat(sts.refreshNow()).isEqualTo(new MtaSts.RefreshSummary(0, 0, 0, 0, 0));
        assertThat(StsPolicy.MAX_AGE_LIMIT).isPositive();
    }

    @Test
    @DisplayName("without a scheduler, MtaSts runs its own daemon refresh thread and stops it on close")
    void theOwnSchedulerIsADaemonStoppedOnClose() throws InterruptedException {
        MtaSts own = MtaSts.builder().txtResolver(dns).fetcher(fetcher).clock(clock).build();
        assertThat(own.proactiveRefresh()).isTrue();
        own.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("mtasts-refresh") && t.isAlive())
                && System.nanoTime() < deadline) {
            Thread.yield();
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("mtasts-refresh") && t.isAlive());
    }
}
