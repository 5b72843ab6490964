package org.mtasts.store.jdbc;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.mtasts.core.DomainName;
import org.mtasts.http.RefreshLease;

/**
 * A {@link RefreshLease} in the table {@code mtasts_lease}: the lease {@code refresh:<domain>} is
 * taken by one {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE} that succeeds only if the lease
 * is free, expired, or already this node's, so at most one node refreshes a domain at a time
 * (RFC 8461 §3.3, §10.2). A lease runs out by itself after its duration (default {@link
 * #DEFAULT_DURATION}), so a node that dies while refreshing blocks the domain no longer than
 * that. Expiry is judged by the nodes' clocks: keep them in sync (NTP) well within the duration.
 *
 * <pre>{@code
 * RefreshLease lease = JdbcRefreshLease.create(dataSource, "mx1.example.net");
 * MtaSts sts = MtaSts.builder().store(store).refreshLease(lease).build();
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @since 0.1
 */
public final class JdbcRefreshLease implements RefreshLease {

    /** The default lease duration: five minutes, longer than any refresh (a fetch times out in one). */
    public static final Duration DEFAULT_DURATION = Duration.ofMinutes(5);

    private final Leases leases;
    private final String nodeId;
    private final long durationMillis;

    private JdbcRefreshLease(DataSource dataSource, String nodeId, Duration duration, Clock clock) {
        Objects.requireNonNull(dataSource, "dataSource");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        if (nodeId.isBlank() || nodeId.length() > 200) {
            throw new IllegalArgumentException("nodeId '" + nodeId + "' must be 1 to 200 characters, not blank");
        }
        Objects.requireNonNull(duration, "duration");
        if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("duration " + duration + " is not in [PT1S, PT24H]");
        }
        this.durationMillis = duration.toMillis();
        this.leases = new Leases(dataSource, Objects.requireNonNull(clock, "clock"));
    }

    /**
     * A lease for this node with the {@link #DEFAULT_DURATION} on the system UTC clock. The schema
     * must exist ({@link JdbcPolicyStore#create} or {@link JdbcSchema#migrate}).
     *
     * @param dataSource the database the policy store uses
     * @param nodeId this node's name, unique in the cluster (a host name)
     * @return the lease
     */
    public static JdbcRefreshLease create(DataSource dataSource, String nodeId) {
        return new JdbcRefreshLease(dataSource, nodeId, DEFAULT_DURATION, Clock.systemUTC());
    }

    /**
     * A lease for this node with explicit settings.
     *
     * @param dataSource the database the policy store uses
     * @param nodeId this node's name, unique in the cluster
     * @param duration how long a lease lasts unless released, one second to one day
     * @param clock the clock that dates leases (the {@code MtaSts}'s)
     * @return the lease
     */
    public static JdbcRefreshLease create(DataSource dataSource, String nodeId, Duration duration, Clock clock) {
        return new JdbcRefreshLease(dataSource, nodeId, duration, clock);
    }

    @Override
    public boolean tryAcquire(DomainName domain) {
        return leases.tryAcquire(name(domain), nodeId, durationMillis);
    }

    @Override
    public void release(DomainName domain) {
        leases.release(name(domain), nodeId);
    }

    /** {@return this node's name} */
    public String nodeId() {
        return nodeId;
    }

    private static String name(DomainName domain) {
        return "refresh:" + Objects.requireNonNull(domain, "domain").ascii();
    }

    @Override
    public String toString() {
        return "JdbcRefreshLease[" + nodeId + "]";
    }
}
