package org.mtasts.core;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a sender keeps fetched policies between deliveries and restarts (RFC 8461 §3.3, §5.1).
 * The cache is the security of MTA-STS: a sender that forgets a policy can be downgraded, so a
 * store should keep entries until they expire, and survive restarts where it can.
 *
 * <p>Implementations must be safe for concurrent use by many threads. A sender's warm domains are
 * answered from its own memory ({@code MtaSts} in mtasts-http); {@link #get} is called when a domain
 * is rechecked in the background, resolved cold (after a restart, say) or refreshed, so it may do
 * I/O, but should answer a stored entry quickly and never wait on the network for long. A cluster
 * of MTAs can share one store by implementing this interface on an existing engine (a SQL table
 * keyed by domain, a Redis hash); {@code put} must then replace an entry atomically, and
 * last-writer-wins is acceptable because every writer stores a policy it fetched itself.
 *
 * <pre>{@code
 * PolicyStore store = new InMemoryPolicyStore(10_000, clock);   // in mtasts-http
 * Optional<CachedPolicy> cached = store.get(DomainName.of("example.com"));
 * boolean usable = cached.filter(c -> !c.isExpired(clock.instant())).isPresent();
 * }</pre>
 *
 * @since 0.1
 */
public interface PolicyStore {

    /**
     * Returns the entry for a domain, expired or not.
     *
     * @param domain the policy domain
     * @return the entry, or empty if none is stored
     */
    Optional<CachedPolicy> get(DomainName domain);

    /**
     * Stores an entry, replacing any entry for the same domain.
     *
     * @param policy the entry
     */
    void put(CachedPolicy policy);

    /**
     * Removes the entry for a domain, if any.
     *
     * @param domain the policy domain
     */
    void remove(DomainName domain);

    /**
     * Visits every entry (weakly consistent: entries added or removed meanwhile may or may not be
     * seen). Used by proactive refresh.
     *
     * @param action what to do with each entry
     */
    void forEach(Consumer<? super CachedPolicy> action);
}
