package org.mtasts.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;

/** The Redis store against a real Redis 7 (integration/stores/start.sh). */
class RedisStoreIT {

    static final Comparator<CachedPolicy> NEWEST = Comparator
            .comparingLong((CachedPolicy p) -> p.fetchedAt().toEpochMilli()).thenComparing(CachedPolicy::recordId);

    String uri;
    String prefix;
    RedisClient client;
    StatefulRedisConnection<String, String> connection;
    RedisPolicyStore store;
    /** The writers' clock: just after the test policies' base time, so that none is expired. */
    final Clock clock = Clock.fixed(Policies.BASE.plusSeconds(60), ZoneOffset.UTC);

    @BeforeEach
    void open() {
        uri = Stores.redisUri();
        prefix = "test:" + UUID.randomUUID() + ":"; // a key space of this test's own
        client = RedisClient.create(uri);
        connection = client.connect();
        store = RedisPolicyStore.create(connection, prefix, clock);
    }

    @AfterEach
    void close() {
        if (connection != null) {
            List<String> keys = connection.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
            connection.close();
            client.shutdown();
        }
    }

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

    List<CachedPolicy> all() {
        List<CachedPolicy> out = new ArrayList<>();
        store.forEach(out::add);
        return out;
    }

    void assertStoreHolds(Map<DomainName, CachedPolicy> expected) {
        assertThat(all()).hasSize(expected.size());
        expected.forEach((domain, p) -> {
            CachedPolicy stored = store.get(domain).orElseThrow();
            assertThat(Policies.consistent(stored)).as("consistent %s", stored).isTrue();
            assertThat(stored.recordId()).as(domain.ascii()).isEqualTo(p.recordId());
            assertThat(stored.fetchedAt()).isEqualTo(p.fetchedAt());
            assertThat(stored.text()).isEqualTo(p.text());
        });
    }

    Jvm writer(int writer, int count, long seed, int padding) {
        return Jvm.start(WriterMain.class, uri, Integer.toString(writer), Integer.toString(count), Long.toString(seed),
                "10", Integer.toString(padding), prefix);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: 8 threads writing 20 domains: the newest policy of each domain always wins")
    void newestWinsWithConcurrentWritersFromManyThreads() throws Exception {
        int threads = 8;
        int writes = 250;
        long seed = 21;
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
        long seed = 22;
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
        long seed = 23;
        int padding = 300;
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
        Map<DomainName, CachedPolicy> acked = newest(Map.of(3, lastAck), 10, seed, padding);
        Map<DomainName, CachedPolicy> withInFlight = newest(Map.of(3, lastAck + 1), 10, seed, padding);
        all().forEach(stored -> assertThat(Policies.consistent(stored)).as("consistent %s", stored).isTrue());
        assertThat(all()).hasSize(acked.size());
        acked.forEach((domain, p) -> {
            CachedPolicy stored = store.get(domain).orElseThrow();
            assertThat(stored.recordId()).isIn(p.recordId(), withInFlight.get(domain).recordId());
            assertThat(NEWEST.compare(stored, p)).isGreaterThanOrEqualTo(0);
        });
    }

    @Test
    @DisplayName("RFC 8461 §3.3: 16 nodes race for the refresh lease of each of 20 domains: exactly one gets it")
    void exactlyOneNodeGetsTheRefreshLease() throws Exception {
        List<RedisRefreshLease> nodes = new ArrayList<>();
        for (int n = 0; n < 16; n++) {
            nodes.add(RedisRefreshLease.create(connection, "node" + n, prefix, Duration.ofMinutes(5)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int d = 0; d < 20; d++) {
                DomainName domain = DomainName.of("lease" + d + ".example.com");
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> got = new ArrayList<>();
                for (RedisRefreshLease node : nodes) {
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
        DomainName domain = DomainName.of("lease0.example.com");
        String holder = connection.sync().get(prefix + "refresh:" + domain.ascii());
        RedisRefreshLease other = nodes.stream().filter(n -> !n.toString().contains("[" + holder + "]")).findFirst()
                .orElseThrow();
        other.release(domain); // not the holder: nothing happens
        assertThat(connection.sync().get(prefix + "refresh:" + domain.ascii())).isEqualTo(holder);
        nodes.stream().filter(n -> n.toString().contains("[" + holder + "]")).findFirst().orElseThrow().release(domain);
        assertThat(other.tryAcquire(domain)).isTrue();
    }

    @Test
    @DisplayName("RFC 8461 §3.2: the hash expires with the policy; an older writer never replaces a newer one")
    void keyExpiresWithThePolicyAndOlderWritersLose() {
        CachedPolicy newer = Policies.policy("order.example.com", "b", 2_000, 0);
        assertThat(store.putIfNewer(newer)).isTrue();
        assertThat(store.putIfNewer(Policies.policy("order.example.com", "z", 1_999, 0))).isFalse();
        assertThat(store.putIfNewer(Policies.policy("order.example.com", "B", 2_000, 0))).isFalse(); // 'B' < 'b'
        assertThat(store.putIfNewer(Policies.policy("order.example.com", "c", 2_000, 0))).isTrue();
        CachedPolicy stored = store.get(newer.domain()).orElseThrow();
        assertThat(stored.recordId()).isEqualTo("c");
        long ttl = connection.sync().pttl(prefix + "order.example.com");
        long expected = stored.expiresAt().toEpochMilli() - clock.millis();
        assertThat(ttl).isBetween(expected - 60_000, expected); // set from expiresAt minus the writer's clock
        assertThat(connection.sync().hgetall(prefix + "order.example.com")).containsOnlyKeys("record_id", "text",
                "fetched_at", "expires_at");
        // An expired policy is never written.
        RedisPolicyStore late = RedisPolicyStore.create(connection, prefix,
                Clock.fixed(Instant.parse("2027-01-01T00:00:00Z"), ZoneOffset.UTC));
        assertThat(late.putIfNewer(Policies.policy("late.example.com", "a", 0, 0))).isFalse();
        assertThat(store.get(DomainName.of("late.example.com"))).isEmpty();
        store.remove(newer.domain());
        assertThat(store.get(newer.domain())).isEmpty();
    }
}
