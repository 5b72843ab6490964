package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.mtasts.http.ScriptedFetcher.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.StsPolicy;
import org.mtasts.testkit.MutableClock;

class InMemoryPolicyStoreTest {
    final MutableClock clock = MutableClock.of(Instant.parse("2026-11-28T00:00:00Z"));

    CachedPolicy cached(String domain, long maxAge) {
        String text = policy("enforce", maxAge, "mx." + domain);
        return CachedPolicy.of(DomainName.of(domain), "1", StsPolicy.parse(text).orElseThrow(), text, clock.instant());
    }

    @Test
    @DisplayName("get, put, remove and forEach by domain")
    void basicOperations() {
        InMemoryPolicyStore store = new InMemoryPolicyStore(10, clock);
        CachedPolicy a = cached("a.example", 60);
        store.put(a);
        store.put(cached("b.example", 60));
        assertThat(store.get(DomainName.of("A.Example."))).containsSame(a);
        store.remove(DomainName.of("b.example"));
        List<CachedPolicy> all = new ArrayList<>();
        store.forEach(all::add);
        assertThat(all).containsExactly(a);
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.maxEntries()).isEqualTo(10);
    }

    @Test
    @DisplayName("when full, expired entries go first, even if that frees more than needed")
    void expiredEntriesAreEvictedFirst() {
        InMemoryPolicyStore store = new InMemoryPolicyStore(3, clock);
        store.put(cached("short1.example", 60));
        store.put(cached("short2.example", 60));
        store.put(cached("long.example", 86_400));
        clock.advance(Duration.ofMinutes(2));
        store.put(cached("new.example", 3_600));

        assertThat(store.size()).isEqualTo(2);
        assertThat(store.get(DomainName.of("long.example"))).isPresent();
        assertThat(store.get(DomainName.of("new.example"))).isPresent();
    }

    @Test
    @DisplayName("when full and nothing expired, the entries expiring soonest go, never the one just put")
    void theSoonestToExpireAreEvicted() {
        InMemoryPolicyStore store = new InMemoryPolicyStore(200, clock);
        for (int i = 0; i < 200; i++) {
            store.put(cached("d" + i + ".example", 1_000 + i));
        }
        store.put(cached("newest.example", 10)); // expires first of all, but was just put

        assertThat(store.size()).isEqualTo(198); // 1% below the bound
        assertThat(store.get(DomainName.of("newest.example"))).isPresent();
        assertThat(store.get(DomainName.of("d0.example"))).isEmpty();
        assertThat(store.get(DomainName.of("d1.example"))).isEmpty();
        assertThat(store.get(DomainName.of("d2.example"))).isEmpty();
        assertThat(store.get(DomainName.of("d3.example"))).isPresent();
    }

    @Test
    @DisplayName("the bound holds at every moment under concurrent puts (found by the load run)")
    void theBoundHoldsUnderConcurrentPuts() throws Exception {
        int max = 50;
        InMemoryPolicyStore store = new InMemoryPolicyStore(max, clock);
        int threads = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads + 1);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger largest = new java.util.concurrent.atomic.AtomicInteger();
        List<CachedPolicy> policies = new ArrayList<>();
        for (int i = 0; i < threads * 2_000; i++) {
            policies.add(cached("d" + i + ".example", 1_000 + i % 977));
        }
        try {
            java.util.concurrent.Future<?> sampler = pool.submit(() -> {
                start.await();
                while (!done.get()) {
                    largest.accumulateAndGet(store.size(), Math::max);
                }
                return null;
            });
            List<java.util.concurrent.Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = t * 2_000;
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int i = from; i < from + 2_000; i++) {
                        store.put(policies.get(i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<?> w : writers) {
                w.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            done.set(true);
            sampler.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(largest.get()).isLessThanOrEqualTo(max);
        assertThat(store.size()).isLessThanOrEqualTo(max);
    }

    @Test
    @DisplayName("the bound must be positive")
    void theBoundMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryPolicyStore(0, clock))
                .withMessage("maxEntries 0 is below 1");
        assertThat(new InMemoryPolicyStore().maxEntries()).isEqualTo(InMemoryPolicyStore.DEFAULT_MAX_ENTRIES);
    }
}
