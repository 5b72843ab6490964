package org.mtasts.http;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyStore;

/**
 * A node's in-memory front over a store shared by a cluster (a SQL table, a Redis hash): a
 * {@link #get} answered within {@link #maxStaleness()} of the last read is one map look-up and
 * touches no network; an older or unknown entry is read through, and the answer (an entry or its
 * absence) is kept for the next {@code maxStaleness}.
 *
 * <p><b>How another node's change reaches this one.</b> {@link MtaSts} answers a warm domain from
 * its own memory for its recheck interval ({@link MtaSts#DEFAULT_RECHECK_INTERVAL}) without
 * reading any store. Its background recheck then looks the STS record up and reads the store
 * through this front: an entry read more than {@code maxStaleness} ago is read again from the
 * shared store. A policy another node fetched or renewed is thus seen at the latest after the
 * recheck interval plus {@code maxStaleness} (5 minutes plus 1 minute by default); a node that
 * sees a new record id before the front does fetches the policy itself, and the shared store
 * keeps the newest of the two. A new or restarted node starts empty and reads everything through,
 * so it is never downgraded by forgetting a policy (RFC 8461 §3.3, §5.1). {@link #forEach} (used by
 * the proactive refresh, once per pass) visits the shared store and refreshes the front with what
 * it sees. {@link #invalidate} lets a change notification (PostgreSQL {@code LISTEN}, Redis
 * keyspace events) make it immediate.
 *
 * <p><b>Writes</b> go to the shared store first, then to the front (unless the front already holds
 * a newer entry). <b>Failures</b> of the shared store never stop this node from applying what it
 * knows: a {@link #get} serves the front's entry however old, if it has one (an unexpired policy
 * still protects deliveries), and otherwise throws the store's exception, which {@link MtaSts}
 * reports as a temporary failure; a {@link #put} or {@link #remove} that the shared store refuses
 * is applied to the front alone (the next refresh writes the policy again); {@link #forEach}
 * visits the front's entries. Each failure is logged ({@link System.Logger}, WARNING).
 *
 * <pre>{@code
 * PolicyStore shared = JdbcPolicyStore.create(dataSource);             // mtasts-store-jdbc
 * PolicyStore store = FrontedPolicyStore.over(shared);                 // one per node
 * MtaSts sts = MtaSts.builder().store(store).refreshLease(lease).build();
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @since 0.1
 */
public final class FrontedPolicyStore implements PolicyStore {

    /** The default time an entry is served without reading the shared store again: one minute. */
    public static final Duration DEFAULT_MAX_STALENESS = Duration.ofMinutes(1);

    private static final System.Logger LOG = System.getLogger(FrontedPolicyStore.class.getName());

    private final PolicyStore shared;
    private final long maxStalenessMillis;
    private final int maxEntries;
    private final Clock clock;
    private final ConcurrentHashMap<DomainName, Entry> front = new ConcurrentHashMap<>();

    /** What the front knows of a domain: the entry or its absence, and when it was read. */
    private static final class Entry {
        final @Nullable CachedPolicy policy;
        final Optional<CachedPolicy> answer;
        final long readAt;

        Entry(@Nullable CachedPolicy policy, long readAt) {
            this.policy = policy;
            this.answer = Optional.ofNullable(policy);
            this.readAt = readAt;
        }
    }

    private FrontedPolicyStore(PolicyStore shared, Duration maxStaleness, int maxEntries, Clock clock) {
        this.shared = Objects.requireNonNull(shared, "shared");
        Objects.requireNonNull(maxStaleness, "maxStaleness");
        if (maxStaleness.isNegative() || maxStaleness.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("maxStaleness " + maxStaleness + " is not in [PT0S, PT24H]");
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries " + maxEntries + " is below 1");
        }
        this.maxStalenessMillis = maxStaleness.toMillis();
        this.maxEntries = maxEntries;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A front with the defaults: {@link #DEFAULT_MAX_STALENESS}, {@link
     * InMemoryPolicyStore#DEFAULT_MAX_ENTRIES} domains, the system UTC clock.
     *
     * @param shared the store shared by the cluster
     * @return the front
     */
    public static FrontedPolicyStore over(PolicyStore shared) {
        return new FrontedPolicyStore(shared, DEFAULT_MAX_STALENESS, InMemoryPolicyStore.DEFAULT_MAX_ENTRIES,
                Clock.systemUTC());
    }

    /**
     * A front with explicit settings.
     *
     * @param shared the store shared by the cluster
     * @param maxStaleness how long a read is served without reading the shared store again, zero
     *     to one day (zero: every {@code get} reads through)
     * @param maxEntries the most domains kept in memory, at least 1 (beyond, reads go through)
     * @param clock the clock that ages the front's entries (use the {@link MtaSts}'s)
     * @return the front
     */
    public static FrontedPolicyStore over(PolicyStore shared, Duration maxStaleness, int maxEntries, Clock clock) {
        return new FrontedPolicyStore(shared, maxStaleness, maxEntries, clock);
    }

    @Override
    public Optional<CachedPolicy> get(DomainName domain) {
        Entry e = front.get(domain);
        long now = clock.millis();
        if (e != null && now - e.readAt < maxStalenessMillis) {
            return e.answer; // a hit: no network
        }
        Optional<CachedPolicy> read;
        try {
            read = shared.get(domain);
        } catch (RuntimeException ex) {
            if (e != null && e.policy != null) {
                LOG.log(System.Logger.Level.WARNING, "shared policy store unreadable for " + domain
                        + "; serving the front's copy read " + (now - e.readAt) + " ms ago", ex);
                return e.answer;
            }
            throw ex;
        }
        remember(domain, new Entry(read.orElse(null), now));
        return read;
    }

    @Override
    public void put(CachedPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        try {
            shared.put(policy);
        } catch (RuntimeException e) {
            // RFC 8461 §3.3: the fetched policy applies here even if the cluster cannot store it now.
            LOG.log(System.Logger.Level.WARNING, "shared policy store refused the policy of " + policy.domain()
                    + "; kept in this node's memory only", e);
        }
        Entry fresh = new Entry(policy, clock.millis());
        Entry old = front.get(policy.domain());
        if (old == null || old.policy == null || !Newest.isNewer(policy, old.policy)) {
            remember(policy.domain(), fresh);
        }
    }

    @Override
    public void remove(DomainName domain) {
        front.remove(domain);
        try {
            shared.remove(domain);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "shared policy store could not remove the policy of " + domain, e);
        }
    }

    @Override
    public void forEach(Consumer<? super CachedPolicy> action) {
        long now = clock.millis();
        List<CachedPolicy> seen = new ArrayList<>();
        try {
            shared.forEach(seen::add);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "shared policy store could not be listed; visiting this node's "
                    + "entries", e);
            front.values().forEach(entry -> {
                if (entry.policy != null) {
                    action.accept(entry.policy);
                }
            });
            return;
        }
        for (CachedPolicy p : seen) {
            remember(p.domain(), new Entry(p, now));
            action.accept(p);
        }
    }

    /**
     * Forgets what the front knows of a domain: the next {@link #get} reads the shared store.
     *
     * @param domain the policy domain
     */
    public void invalidate(DomainName domain) {
        front.remove(domain);
    }

    /** Forgets everything the front knows. */
    public void invalidateAll() {
        front.clear();
    }

    /** {@return the shared store behind the front} */
    public PolicyStore shared() {
        return shared;
    }

    /** {@return how long a read is served without reading the shared store again} */
    public Duration maxStaleness() {
        return Duration.ofMillis(maxStalenessMillis);
    }

    /** {@return the number of domains the front knows (entries and absences)} */
    public int size() {
        return front.size();
    }

    private void remember(DomainName domain, Entry entry) {
        if (front.size() >= maxEntries && !front.containsKey(domain)) {
            long now = clock.millis();
            front.values().removeIf(e -> now - e.readAt >= maxStalenessMillis);
            if (front.size() >= maxEntries) {
                return; // full of fresh reads: this one is read through next time
            }
        }
        front.put(domain, entry);
    }

    @Override
    public String toString() {
        return "FrontedPolicyStore[" + shared + ", maxStaleness " + maxStaleness() + "]";
    }
}
