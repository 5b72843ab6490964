package org.mtasts.http;

import org.mtasts.core.DomainName;

/**
 * Who may refresh a domain's cached policy now, when several MTAs share one {@link
 * org.mtasts.core.PolicyStore}: before a proactive refresh (RFC 8461 §3.3, §10.2) {@link MtaSts}
 * asks for the domain's lease, refreshes only if it got it, and releases it when the refresh is
 * done. The node that lost skips the domain: the winner's renewed or fetched policy reaches it
 * through the shared store. So a policy host is asked once per cluster, not once per node.
 *
 * <p>A lease must expire by itself (a node that dies while holding one must not block the domain
 * for long), and {@link #tryAcquire} must give a domain to at most one holder at a time. An
 * implementation that fails (its database is down) throws an unchecked exception: {@link MtaSts}
 * then refreshes anyway, because a policy refreshed twice is better than one that expires.
 * Implementations: {@code JdbcRefreshLease} (mtasts-store-jdbc) and {@code RedisRefreshLease}
 * (mtasts-store-redis).
 *
 * <pre>{@code
 * MtaSts sts = MtaSts.builder()
 *         .store(sharedStore)
 *         .refreshLease(lease)          // one node per domain refreshes
 *         .build();
 * }</pre>
 *
 * <p>Implementations must be safe for concurrent use by many threads.
 *
 * @since 0.1
 */
public interface RefreshLease {

    /** The lease of a single node: every domain is always granted. */
    RefreshLease LOCAL = new RefreshLease() {
        @Override
        public boolean tryAcquire(DomainName domain) {
            return true;
        }

        @Override
        public void release(DomainName domain) {
        }

        @Override
        public String toString() {
            return "RefreshLease.LOCAL";
        }
    };

    /**
     * Takes the domain's lease if no other node holds it (or its lease expired).
     *
     * @param domain the policy domain
     * @return true if this node now holds the lease and should refresh the domain
     */
    boolean tryAcquire(DomainName domain);

    /**
     * Gives up the domain's lease, if this node holds it.
     *
     * @param domain the policy domain
     */
    void release(DomainName domain);
}
