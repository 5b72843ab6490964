package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mtasts.http.ScriptedFetcher.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyStore;
import org.mtasts.core.StsPolicy;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MutableClock;

/** The per-node front over a shared store, and the refresh lease hook of MtaSts. */
class FrontedPolicyStoreTest {

    static final DomainName DOMAIN = DomainName.of("example.com");
    final MutableClock clock = MutableClock.of(Instant.parse("2026-11-28T00:00:00Z"));

    /** A shared store that counts its reads and can be broken. */
    static final class CountingStore implements PolicyStore {
        final InMemoryPolicyStore inner;
        final AtomicInteger reads = new AtomicInteger();
        final AtomicBoolean broken = new AtomicBoolean();

        CountingStore(MutableClock clock) {
            inner = new InMemoryPolicyStore(100, clock);
        }

        @Override
        public Optional<CachedPolicy> get(DomainName domain) {
            reads.incrementAndGet();
            if (broken.get()) {
                throw new IllegalStateException("shared store down");
            }
            return inner.get(domain);
        }

        @Override
        public void put(CachedPolicy policy) {
            if (broken.get()) {
                throw new IllegalStateException("shared store down");
            }
            inner.put(policy);
        }

        @Override
        public void remove(DomainName domain) {
            inner.remove(domain);
        }

        @Override
        public void forEach(Consumer<? super CachedPolicy> action) {
            if (broken.get()) {
                throw new IllegalStateException("shared store down");
            }
            inner.forEach(action);
        }
    }

    CachedPolicy cached(String id, Instant at) {
        String text = policy("enforce", 86_400, "mx1.example.com");
        return CachedPolicy.of(DOMAIN, id, StsPolicy.parse(text).orElseThrow(), text, at);
    }

    @Test
    @DisplayName("a hit within maxStaleness never reads the shared store; an older entry is read through")
    void hitsStayInMemoryUntilStale() {
        CountingStore shared = new CountingStore(clock);
        shared.put(cached("1", clock.instant()));
        FrontedPolicyStore front = FrontedPolicyStore.over(shared, Duration.ofMinutes(1), 100, clock);

        assertThat(front.get(DOMAIN).orElseThrow().recordId()).isEqualTo("1");
        for (int i = 0; i < 100; i++) {
            front.get(DOMAIN);
        }
        assertThat(shared.reads.get()).isEqualTo(1);

        shared.put(cached("2", clock.instant().plusSeconds(1))); // another node's newer policy
        clock.advance(Duration.ofSeconds(59));
        assertThat(front.get(DOMAIN).orElseThrow().recordId()).isEqualTo("1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(front.get(DOMAIN).orElseThrow().recordId()).isEqualTo("2"); // seen after maxStaleness
        assertThat(shared.reads.get()).isEqualTo(2);
        front.invalidate(DOMAIN);
        front.get(DOMAIN);
        assertThat(shared.reads.get()).isEqualTo(3);
    }

    @Test
    @DisplayName("an absence is remembered too; a put goes to the shared store and the front")
    void absencesAreRememberedAndPutsWriteThrough() {
        CountingStore shared = new CountingStore(clock);
        FrontedPolicyStore front = FrontedPolicyStore.over(shared, Duration.ofMinutes(1), 100, clock);
        assertThat(front.get(DOMAIN)).isEmpty();
        assertThat(front.get(DOMAIN)).isEmpty();
        assertThat(shared.reads.get()).isEqualTo(1);
        front.put(cached("1", clock.instant()));
        assertThat(shared.inner.get(DOMAIN).orElseThrow().recordId()).isEqualTo("1");
        assertThat(front.get(DOMAIN).orElseThrow().recordId()).isEqualTo("1");
        assertThat(shared.reads.get()).isEqualTo(1);
        front.remove(DOMAIN);
        assertThat(shared.inner.get(DOMAIN)).isEmpty();
    }

    @Test
    @DisplayName("RFC 8461 §5.1: a broken shared store: the front's copy is served however old, else the error")
    void brokenSharedStoreServesTheFrontsCopy() {
        CountingStore shared = new CountingStore(clock);
        shared.put(cached("1", clock.instant()));
        FrontedPolicyStore front = FrontedPolicyStore.over(shared, Duration.ofMinutes(1), 100, clock);
        front.get(DOMAIN);
        shared.broken.set(true);
        clock.advance(Duration.ofHours(1));
        assertThat(front.get(DOMAIN).orElseThrow().recordId()).isEqualTo("1");
        assertThatThrownBy(() -> front.get(DomainName.of("other.example"))).hasMessage("shared store down");
        // A fetched policy still applies on this node, and a refresh pass still sees it.
        front.put(cached("2", clock.instant()));
        assertThat(front.get(DOMAIN).orElseThrow().recordId()).isEqualTo("2");
        List<CachedPolicy> seen = new ArrayList<>();
        front.forEach(seen::add);
        assertThat(seen).extracting(CachedPolicy::recordId).containsExactly("2");
        assertThat(shared.inner.get(DOMAIN).orElseThrow().recordId()).isEqualTo("1");
    }

    @Test
    @DisplayName("forEach visits the shared store and refreshes the front; bad settings are refused")
    void forEachVisitsTheSharedStore() {
        CountingStore shared = new CountingStore(clock);
        shared.put(cached("1", clock.instant()));
        FrontedPolicyStore front = FrontedPolicyStore.over(shared, Duration.ofMinutes(1), 100, clock);
        List<CachedPolicy> seen = new ArrayList<>();
        front.forEach(seen::add);
        assertThat(seen).extracting(CachedPolicy::recordId).containsExactly("1");
        assertThat(front.size()).isEqualTo(1);
        front.get(DOMAIN);
        assertThat(shared.reads.get()).isZero();
        assertThatThrownBy(() -> FrontedPolicyStore.over(shared, Duration.ofDays(2), 1, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxStaleness PT48H");
        assertThatThrownBy(() -> FrontedPolicyStore.over(shared, Duration.ZERO, 0, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxEntries 0");
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a refresh whose lease another node holds is skipped: no lookup, no fetch")
    void refreshLeaseHeldElsewhereSkipsTheDomain() {
        FakeTxtResolver dns = FakeTxtResolver.create().records("_mta-sts.example.com", "v=STSv1; id=1");
        ScriptedFetcher fetcher = new ScriptedFetcher();
        fetcher.serve("example.com", policy("enforce", 86_400, "mx1.example.com"));
        InMemoryPolicyStore store = new InMemoryPolicyStore(100, clock);
        List<String> calls = new ArrayList<>();
        AtomicBoolean free = new AtomicBoolean(false);
        RefreshLease lease = new RefreshLease() {
            @Override
            public boolean tryAcquire(DomainName domain) {
                calls.add("acquire " + domain);
                return free.get();
            }

            @Override
            public void release(DomainName domain) {
                calls.add("release " + domain);
            }
        };
        try (MtaSts sts = MtaSts.builder().txtResolver(dns).fetcher(fetcher).store(store).clock(clock)
                .proactiveRefresh(false).executor(Runnable::run).random(new Random(1)).refreshLease(lease).build()) {
            sts.resolve(DOMAIN);
            clock.advance(Duration.ofHours(12));
            dns.resetCounts();
            assertThat(sts.refreshNow()).isEqualTo(new MtaSts.RefreshSummary(1, 0, 0, 0, 0, 1));
            assertThat(dns.totalLookups()).isZero();
            free.set(true);
            assertThat(sts.refreshNow()).isEqualTo(new MtaSts.RefreshSummary(1, 1, 0, 0, 0, 0));
            assertThat(calls).containsExactly("acquire example.com", "acquire example.com", "release example.com");
        }
    }

    /** A lease in memory shared by the nodes of a test; {@code before} runs before each attempt. */
    static final class MemoryLease implements RefreshLease {
        final java.util.concurrent.ConcurrentHashMap<DomainName, String> held;
        final String node;
        Runnable before = () -> { };

        MemoryLease(java.util.concurrent.ConcurrentHashMap<DomainName, String> held, String node) {
            this.held = held;
            this.node = node;
        }

        @Override
        public boolean tryAcquire(DomainName domain) {
            before.run();
            return held.putIfAbsent(domain, node) == null;
        }

        @Override
        public void release(DomainName domain) {
            held.remove(domain, node);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a node whose lease comes after another node's refresh skips it, though its front is stale")
    void leaseAfterAnotherNodesRefreshSkipsTheDomain() {
        FakeTxtResolver dns = FakeTxtResolver.create().records("_mta-sts.example.com", "v=STSv1; id=2");
        ScriptedFetcher fetcher = new ScriptedFetcher();
        fetcher.serve("example.com", policy("enforce", 86_400, "mx1.example.com"));
        InMemoryPolicyStore shared = new InMemoryPolicyStore(100, clock);
        shared.put(cached("1", clock.instant()));
        java.util.concurrent.ConcurrentHashMap<DomainName, String> held = new java.util.concurrent.ConcurrentHashMap<>();
        MemoryLease leaseA = new MemoryLease(held, "a");
        MemoryLease leaseB = new MemoryLease(held, "b");
        FrontedPolicyStore frontB = FrontedPolicyStore.over(shared, Duration.ofHours(1), 100, clock);
        try (MtaSts a = MtaSts.builder().txtResolver(dns).fetcher(fetcher).clock(clock).proactiveRefresh(false)
                .executor(Runnable::run).refreshLease(leaseA)
                .store(FrontedPolicyStore.over(shared, Duration.ofHours(1), 100, clock)).build();
                MtaSts b = MtaSts.builder().txtResolver(dns).fetcher(fetcher).clock(clock).proactiveRefresh(false)
                        .executor(Runnable::run).refreshLease(leaseB).store(frontB).build()) {
            clock.advance(Duration.ofHours(12));
            assertThat(frontB.get(DOMAIN).orElseThrow().recordId()).isEqualTo("1"); // B's front holds the old copy
            // B's pass lists the due policy; node A refreshes it completely before B asks for the lease.
            leaseB.before = () -> assertThat(a.refreshNow()).isEqualTo(new MtaSts.RefreshSummary(1, 0, 1, 0, 0, 0));
            assertThat(b.refreshNow()).isEqualTo(new MtaSts.RefreshSummary(1, 0, 0, 0, 0, 1));
            assertThat(fetcher.fetches("example.com")).isEqualTo(1);
            assertThat(frontB.get(DOMAIN).orElseThrow().recordId()).isEqualTo("2");
            assertThat(held).isEmpty();
        }
    }
}
