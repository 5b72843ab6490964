package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mtasts.http.ScriptedFetcher.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MutableClock;

/** Single flight: concurrent resolutions of one domain share one DNS lookup and one fetch. */
class MtaStsConcurrencyTest {
    static final int THREADS = 200;
    static final String D = "example.com";
    static final DomainName DOMAIN = DomainName.of(D);
    static final String RECORD = "_mta-sts.example.com";

    final MutableClock clock = MutableClock.of(Instant.parse("2026-11-28T00:00:00Z"));
    final FakeTxtResolver dns = FakeTxtResolver.create();
    final ScriptedFetcher fetcher = new ScriptedFetcher();
    final MtaSts sts = MtaSts.builder().txtResolver(dns).fetcher(fetcher).clock(clock).proactiveRefresh(false).build();
    final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        sts.close();
    }

    /** Starts THREADS threads at once, each calling resolveAsync, and returns their futures. */
    private List<CompletableFuture<PolicyResolution>> startAll() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<CompletableFuture<PolicyResolution>>> started = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            started.add(pool.submit(() -> {
                go.await();
                return sts.resolveAsync(DOMAIN);
            }));
        }
        go.countDown();
        List<CompletableFuture<PolicyResolution>> results = new ArrayList<>();
        for (Future<CompletableFuture<PolicyResolution>> f : started) {
            results.add(f.get(10, TimeUnit.SECONDS));
        }
        return results;
    }

    @Test
    @DisplayName("single flight: 200 concurrent resolves of a cold domain make exactly one TXT query and one fetch")
    void twoHundredColdResolvesMakeOneQueryAndOneFetch() throws Exception {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.serve(D, policy("enforce", 86_400, "mx.example.com"));
        FakeTxtResolver.Hold hold = dns.hold(RECORD);

        List<CompletableFuture<PolicyResolution>> results = startAll();
        // Every caller holds its future; the one DNS lookup is still held.
        assertThat(hold.awaitWaiting(1, Duration.ofSeconds(10))).isTrue();
        assertThat(hold.waiting()).isEqualTo(1);
        hold.release();

        Set<PolicyResolution> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        for (CompletableFuture<PolicyResolution> r : results) {
            distinct.add(r.get(10, TimeUnit.SECONDS));
        }
        assertThat(distinct).singleElement().isInstanceOf(PolicyResolution.Active.class);
        assertThat(dns.lookups(RECORD)).isEqualTo(1);
        assertThat(fetcher.fetches(D)).isEqualTo(1);
        System.out.printf("single flight: %d concurrent resolves -> %d TXT queries, %d fetches%n",
                THREADS, dns.lookups(RECORD), fetcher.fetches(D));
    }

    @Test
    @DisplayName("single flight: 200 concurrent blocking resolves while the fetch is held make one fetch")
    void twoHundredBlockingResolvesMakeOneFetch() throws Exception {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.serve(D, policy("testing", 86_400, "mx.example.com"));
        fetcher.hold();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<PolicyResolution>> results = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return sts.resolve(DOMAIN);
            }));
        }
        go.countDown();
        // Wait (without sleeping) until the one fetch is in flight, then let it finish.
        fetcher.awaitHeld(1, Duration.ofSeconds(10));
        fetcher.release();
        for (Future<PolicyResolution> r : results) {
            assertThat(r.get(10, TimeUnit.SECONDS)).isInstanceOf(PolicyResolution.Active.class);
        }
        assertThat(fetcher.fetches(D)).isEqualTo(1);
    }

    @Test
    @DisplayName("single flight: when a warm domain's id changes, 200 concurrent resolves make one fetch")
    void aChangedIdUnderLoadIsFetchedOnce() throws Exception {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.serve(D, policy("enforce", 86_400, "mx.example.com"));
        sts.resolve(DOMAIN);
        dns.records(RECORD, "v=STSv1; id=2");
        fetcher.serve(D, policy("enforce", 86_400, "mx2.example.com"));
        fetcher.hold();
        clock.advance(MtaSts.DEFAULT_RECHECK_INTERVAL); // the change is looked for after the recheck interval

        List<CompletableFuture<PolicyResolution>> results = startAll();
        fetcher.awaitHeld(1, Duration.ofSeconds(10));
        fetcher.release();
        for (CompletableFuture<PolicyResolution> r : results) {
            PolicyResolution resolution = r.get(10, TimeUnit.SECONDS);
            assertThat(resolution.policyToApply().orElseThrow().mx().get(0).toText()).isIn("mx.example.com", "mx2.example.com");
        }
        assertThat(fetcher.fetches(D)).isEqualTo(2);
        // The recheck's result (joined through the single flight) replaced the memory.
        assertThat(sts.resolver().resolve(DOMAIN, false).join().policyToApply().orElseThrow().mx().get(0).toText())
                .isEqualTo("mx2.example.com");
        assertThat(sts.resolve(DOMAIN).policyToApply().orElseThrow().mx().get(0).toText()).isEqualTo("mx2.example.com");
    }

    @Test
    @DisplayName("a resolver that completes synchronously inside the single-flight path does not recurse into the map")
    void synchronousCompletionIsSafe() {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.serve(D, policy("enforce", 86_400, "mx.example.com"));
        for (int i = 0; i < 1000; i++) {
            assertThat(sts.resolve(DOMAIN)).isInstanceOf(PolicyResolution.Active.class);
        }
        assertThat(fetcher.fetches(D)).isEqualTo(1);
    }
}
