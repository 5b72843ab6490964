package org.mtasts.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.http.FetchResult;
import org.mtasts.http.FrontedPolicyStore;
import org.mtasts.http.MtaSts;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MutableClock;

/** The JDBC store against a real PostgreSQL 15 (integration/stores/start.sh). */
class PostgresStoreIT {

    static final Comparator<CachedPolicy> NEWEST = Comparator
            .comparingLong((CachedPolicy p) -> p.fetchedAt().toEpochMilli()).thenComparing(CachedPolicy::recordId);

    static HikariDataSource ds;
    static Properties props;
    JdbcPolicyStore store;

    @BeforeAll
    static void open() {
        props = Stores.properties();
        ds = Stores.postgres(20);
    }

    @AfterAll
    static void close() {
        if (ds != null) {
            ds.close();
        }
    }

    @BeforeEach
    void empty() {
        Stores.truncate(ds);
        store = JdbcPolicyStore.create(ds);
    }

    /** The newest of writes {@code 0..last} of each writer, by domain. */
    static Map<DomainName, CachedPolicy> newest(Map<Integer, Integer> lastByWriter, int domains, long seed, int padding) {
        Map<DomainName, CachedPolicy> out = new HashMap<>();
        lastByWriter.forEach((writer, last) -> {
            for (int i = 0; i <= last; i++) {
                CachedPolicy p = Policies.write(writer, i, domains, seed, padding);
                out.merge(p.domain(), p, (a, b) -> NEWEST.compare(a, b) >= 0 ? a : b);
            }
        });
        return out;
    }

    void assertStoreHolds(Map<DomainName, CachedPolicy> expected) {
        assertThat(store.size()).isEqualTo(expected.size());
        expected.forEach((domain, p) -> {
            CachedPolicy stored = store.get(domain).orElseThrow();
            assertThat(Policies.consistent(stored)).as("consistent %s", stored).isTrue();
            assertThat(stored.recordId()).as(domain.ascii()).isEqualTo(p.recordId());
            assertThat(stored.fetchedAt()).isEqualTo(p.fetchedAt());
            assertThat(stored.text()).isEqualTo(p.text());
        });
    }

    @Test
    @DisplayName("RFC 8461 §3.3: 8 threads writing 20 domains: the newest policy of each domain always wins")
    void newestWinsWithConcurrentWritersFromManyThreads() throws Exception {
        int threads = 8;
        int writes = 250;
        long seed = 11;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                int writer = w;
                done.add(pool.submit((Callable<Void>) () -> {
                    go.await();
                    for (int i = 0; i < writes; i++) {
                        store.put(Policies.write(writer, i, 20, seed, 2));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<Integer, Integer> last = new HashMap<>();
        for (int w = 0; w < threads; w++) {
            last.put(w, writes - 1);
        }
        assertStoreHolds(newest(last, 20, seed, 2));
    }

    @Test
    @DisplayName("RFC 8461 §3.3: two JVM processes writing the same domains: the newest policy always wins")
    void newestWinsAcrossTwoJvmProcesses() throws Exception {
        long seed = 12;
        int writes = 400;
        try (Jvm a = writer(1, writes, seed, 2); Jvm b = writer(2, writes, seed, 2)) {
            assertThat(a.readLine()).isEqualTo("ready");
            assertThat(b.readLine()).isEqualTo("ready");
            assertThat(a.rest()).last().isEqualTo("done");
            assertThat(b.rest()).last().isEqualTo("done");
            assertThat(a.waitFor()).isZero();
            assertThat(b.waitFor()).isZero();
        }
        assertStoreHolds(newest(Map.of(1, writes - 1, 2, writes - 1), 10, seed, 2));
    }

    @Test
    @DisplayName("a writer killed with kill -9 mid-write leaves no lost and no corrupted entry")
    void writerKilledMidWriteLosesNothing() throws Exception {
        long seed = 13;
        int padding = 300; // about 10 KB per policy: writes take long enough to be cut
        int lastAck = -1;
        try (Jvm w = writer(3, -1, seed, padding)) {
            assertThat(w.readLine()).isEqualTo("ready");
            while (lastAck < 300) {
                String line = w.readLine();
                assertThat(line).startsWith("ok ");
                lastAck = Integer.parseInt(line.substring(3));
            }
            w.kill9();
            for (String line : w.rest()) {
                if (line.startsWith("ok ")) {
                    lastAck = Integer.parseInt(line.substring(3));
                }
            }
        }
        // Acknowledged writes are never lost; the one in flight at the kill may or may not be in.
        Map<DomainName, CachedPolicy> acked = newest(Map.of(3, lastAck), 10, seed, padding);
        Map<DomainName, CachedPolicy> withInFlight = newest(Map.of(3, lastAck + 1), 10, seed, padding);
        store.forEach(stored -> assertThat(Policies.consistent(stored)).as("consistent %s", stored).isTrue());
        assertThat(store.size()).isEqualTo(acked.size());
        acked.forEach((domain, p) -> {
            CachedPolicy stored = store.get(domain).orElseThrow();
            assertThat(stored.recordId()).isIn(p.recordId(), withInFlight.get(domain).recordId());
            assertThat(NEWEST.compare(stored, p)).isGreaterThanOrEqualTo(0);
        });
    }

    Jvm writer(int writer, int count, long seed, int padding) {
        return Jvm.start(WriterMain.class, props.getProperty("jdbc.url"), props.getProperty("jdbc.user"),
                props.getProperty("jdbc.password", ""), Integer.toString(writer), Integer.toString(count),
                Long.toString(seed), "10", Integer.toString(padding));
    }

    @Test
    @DisplayName("RFC 8461 §3.3: 16 nodes race for the refresh lease of each of 20 domains: exactly one gets it")
    void exactlyOneNodeGetsTheRefreshLease() throws Exception {
        MutableClock clock = MutableClock.of(Policies.BASE);
        List<JdbcRefreshLease> nodes = new ArrayList<>();
        for (int n = 0; n < 16; n++) {
            nodes.add(JdbcRefreshLease.create(ds, "node" + n, Duration.ofMinutes(5), clock));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int d = 0; d < 20; d++) {
                DomainName domain = DomainName.of("lease" + d + ".example.com");
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> got = new ArrayList<>();
                for (JdbcRefreshLease node : nodes) {
                    got.add(pool.submit(() -> {
                        go.await();
                        return node.tryAcquire(domain);
                    }));
                }
                go.countDown();
                int winners = 0;
                for (Future<Boolean> f : got) {
                    winners += f.get(1, TimeUnit.MINUTES) ? 1 : 0;
                }
                assertThat(winners).as(domain.ascii()).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        // Expired (by the injected clock), a lease goes to the next node that asks; released, too.
        DomainName domain = DomainName.of("lease0.example.com");
        long holders = nodes.stream().filter(n -> n.tryAcquire(domain)).count();
        assertThat(holders).isEqualTo(1); // the holder renews its own; nobody else gets it
        clock.advance(Duration.ofMinutes(5));
        assertThat(nodes.get(15).tryAcquire(domain)).isTrue();
        assertThat(nodes.get(14).tryAcquire(domain)).isFalse();
        nodes.get(15).release(domain);
        assertThat(nodes.get(14).tryAcquire(domain)).isTrue();
    }

    @Test
    @DisplayName("RFC 8461 §3.3: two MtaSts nodes refreshing the same due policy at once fetch it once")
    void twoNodesRefreshADuePolicyOnce() throws Exception {
        MutableClock clock = MutableClock.of(Policies.BASE.plus(Duration.ofHours(13)));
        CachedPolicy old = Policies.policy("refresh.example.com", "old1", 0, 0);
        store.put(old);
        FakeTxtResolver dns = FakeTxtResolver.create().records("_mta-sts.refresh.example.com", "v=STSv1; id=new2;");
        CachedPolicy served = Policies.policy("refresh.example.com", "new2", 0, 1);
        AtomicInteger fetches = new AtomicInteger();
        List<MtaSts> nodes = new ArrayList<>();
        for (int n = 0; n < 2; n++) {
            nodes.add(MtaSts.builder().txtResolver(dns).clock(clock).proactiveRefresh(false)
                    .store(FrontedPolicyStore.over(JdbcPolicyStore.create(ds), Duration.ofMinutes(1), 1000, clock))
                    .refreshLease(JdbcRefreshLease.create(ds, "mta" + n, Duration.ofMinutes(5), clock))
                    .fetcher(domain -> {
                        fetches.incrementAndGet();
                        return CompletableFuture.completedFuture(
                                new FetchResult.Fetched(served.policy(), served.text(), List.of(), List.of()));
                    })
                    .build());
        }
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<MtaSts.RefreshSummary>> summaries = new ArrayList<>();
            for (MtaSts node : nodes) {
                summaries.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return node.refreshNow();
                }));
            }
            go.countDown();
            int refreshed = 0;
            for (CompletableFuture<MtaSts.RefreshSummary> s : summaries) {
                MtaSts.RefreshSummary summary = s.get(1, TimeUnit.MINUTES);
                refreshed += summary.fetched() + summary.confirmed();
            }
            assertThat(fetches.get()).isEqualTo(1);
            assertThat(refreshed).isEqualTo(1);
            CachedPolicy now = store.get(old.domain()).orElseThrow();
            assertThat(now.recordId()).isEqualTo("new2");
            assertThat(now.fetchedAt()).isEqualTo(clock.instant());
        } finally {
            nodes.forEach(MtaSts::close);
        }
    }

    @Test
    @DisplayName("an older writer never replaces a newer policy; equal times keep the greater id")
    void olderWriterNeverReplacesNewer() {
        CachedPolicy newer = Policies.policy("order.example.com", "b", 2_000, 0);
        assertThat(store.putIfNewer(newer)).isTrue();
        assertThat(store.putIfNewer(Policies.policy("order.example.com", "z", 1_999, 0))).isFalse();
        assertThat(store.putIfNewer(Policies.policy("order.example.com", "B", 2_000, 0))).isFalse(); // 'B' < 'b'
        assertThat(store.putIfNewer(Policies.policy("order.example.com", "c", 2_000, 0))).isTrue();
        assertThat(store.get(newer.domain()).orElseThrow().recordId()).isEqualTo("c");
        assertThat(store.get(newer.domain()).orElseThrow().expiresAt())
                .isEqualTo(Instant.ofEpochMilli(Policies.BASE.toEpochMilli() + 2_000 + 604_800_000L));
        store.remove(newer.domain());
        assertThat(store.get(newer.domain())).isEmpty();
    }
}
