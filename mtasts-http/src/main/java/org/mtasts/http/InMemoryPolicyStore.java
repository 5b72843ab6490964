package org.mtasts.http;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyStore;

/**
 * The default {@link PolicyStore}: a bounded map in memory. {@link #get} is one {@link
 * ConcurrentHashMap} lookup and allocates nothing.
 *
 * <p>The bound holds at every moment, also under concurrent puts: a {@link #put} of a new domain
 * into a full store first evicts every expired entry; if that is not enough, it evicts the entries
 * that expire soonest (they protect deliveries for the shortest time) until the store, with the
 * new entry, is 1% below the bound, so that a full store does not scan on every put. The entry
 * being put is never evicted. Puts take a lock (they follow policy fetches, so they are rare);
 * {@link #get} never does.
 *
 * <pre>{@code
 * PolicyStore store = new InMemoryPolicyStore(10_000, clock);
 * MtaSts sts = MtaSts.builder().store(store).clock(clock).build();
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @since 0.1
 */
public final class InMemoryPolicyStore implements PolicyStore {

    /** The default bound: 100,000 domains (a few hundred MB at most, usually far less). */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private static final Comparator<CachedPolicy> BY_EXPIRY = Comparator.comparing(CachedPolicy::expiresAt);

    private final ConcurrentHashMap<DomainName, CachedPolicy> map = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final Clock clock;
    private final Consumer<CachedPolicy> onEvict;
    private final Object evictionLock = new Object();

    /** A store bounded at {@link #DEFAULT_MAX_ENTRIES}, judging expiry by the system UTC clock. */
    public InMemoryPolicyStore() {
        this(DEFAULT_MAX_ENTRIES, Clock.systemUTC());
    }

    /**
     * A store with a bound, judging expiry by the given clock (use the {@link MtaSts}'s clock).
     *
     * @param maxEntries the most entries kept, at least 1
     * @param clock the clock that says which entries have expired
     */
    public InMemoryPolicyStore(int maxEntries, Clock clock) {
        this(maxEntries, clock, evicted -> { });
    }

    InMemoryPolicyStore(int maxEntries, Clock clock, Consumer<CachedPolicy> onEvict) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries " + maxEntries + " is below 1");
        }
        this.maxEntries = maxEntries;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.onEvict = onEvict;
    }

    @Override
    public Optional<CachedPolicy> get(DomainName domain) {
        return Optional.ofNullable(map.get(domain));
    }

    @Override
    public void put(CachedPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        synchronized (evictionLock) {
            // Every insertion happens under the lock, after making room: the size never exceeds the bound.
            if (map.size() >= maxEntries && !map.containsKey(policy.domain())) {
                makeRoom();
            }
            map.put(policy.domain(), policy);
        }
    }

    @Override
    public void remove(DomainName domain) {
        map.remove(domain);
    }

    @Override
    public void forEach(Consumer<? super CachedPolicy> action) {
        map.values().forEach(action);
    }

    /** {@return the number of entries} */
    public int size() {
        return map.size();
    }

    /** {@return the bound} */
    public int maxEntries() {
        return maxEntries;
    }

    /**
     * Evicts the expired entries; if one more entry still does not fit, evicts the soonest to
     * expire until it fits 1% below the bound.
     */
    private void makeRoom() {
        int target = Math.max(0, maxEntries - Math.max(1, maxEntries / 100) - 1);
        Instant now = clock.instant();
        List<CachedPolicy> expired = new ArrayList<>();
        for (CachedPolicy p : map.values()) {
            if (p.isExpired(now)) {
                expired.add(p);
            }
        }
        for (CachedPolicy p : expired) {
            if (map.remove(p.domain(), p)) {
                onEvict.accept(p);
            }
        }
        if (map.size() < maxEntries) {
            return; // the expired entries made room
        }
        int excess = map.size() - target;
        // The `excess` entries that expire soonest: a max-heap of that size over all entries.
        PriorityQueue<CachedPolicy> soonest = new PriorityQueue<>(excess + 1, BY_EXPIRY.reversed());
        for (CachedPolicy p : map.values()) {
            soonest.add(p);
            if (soonest.size() > excess) {
                soonest.poll();
            }
        }
        for (CachedPolicy p : soonest) {
            if (map.remove(p.domain(), p)) {
                onEvict.accept(p);
            }
        }
    }
}
