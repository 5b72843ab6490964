package org.mtasts.store.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Objects;
import org.mtasts.core.DomainName;
import org.mtasts.http.RefreshLease;

/**
 * A {@link RefreshLease} on Redis: the key {@code <prefix>refresh:<domain>} is taken with {@code
 * SET ... NX PX}, which Redis grants to one caller only, and expires by itself after the duration
 * (default {@link #DEFAULT_DURATION}); {@link #release} deletes it only if this node still holds it
 * (one Lua script). Expiry is judged by the Redis server's clock. With Sentinel, a fail-over right
 * after a grant can lose the key (replication is asynchronous), so two nodes may then refresh the
 * same domain once: harmless, the store keeps the newest policy.
 *
 * <pre>{@code
 * RefreshLease lease = RedisRefreshLease.create(store.connection(), "mx1.example.net");
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @since 0.1
 */
public final class RedisRefreshLease implements RefreshLease {

    /** The default lease duration: five minutes, longer than any refresh (a fetch times out in one). */
    public static final Duration DEFAULT_DURATION = Duration.ofMinutes(5);

    /** The default key prefix. */
    public static final String DEFAULT_PREFIX = "mtasts:lease:";

    private static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('DEL', KEYS[1]) else return 0 end";

    private final RedisCommands<String, String> redis;
    private final String nodeId;
    private final String prefix;
    private final long durationMillis;

    private RedisRefreshLease(StatefulRedisConnection<String, String> connection, String nodeId, String prefix,
            Duration duration) {
        this.redis = Objects.requireNonNull(connection, "connection").sync();
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        if (nodeId.isBlank() || nodeId.length() > 200) {
            throw new IllegalArgumentException("nodeId '" + nodeId + "' must be 1 to 200 characters, not blank");
        }
        this.prefix = RedisPolicyStore.checkPrefix(prefix);
        Objects.requireNonNull(duration, "duration");
        if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("duration " + duration + " is not in [PT1S, PT24H]");
        }
        this.durationMillis = duration.toMillis();
    }

    /**
     * A lease for this node with the defaults.
     *
     * @param connection the connection (the store's)
     * @param nodeId this node's name, unique in the cluster
     * @return the lease
     */
    public static RedisRefreshLease create(StatefulRedisConnection<String, String> connection, String nodeId) {
        return new RedisRefreshLease(connection, nodeId, DEFAULT_PREFIX, DEFAULT_DURATION);
    }

    /**
     * A lease for this node with explicit settings.
     *
     * @param connection the connection
     * @param nodeId this node's name, unique in the cluster
     * @param prefix the key prefix
     * @param duration how long a lease lasts unless released, one second to one day
     * @return the lease
     */
    public static RedisRefreshLease create(StatefulRedisConnection<String, String> connection, String nodeId,
            String prefix, Duration duration) {
        return new RedisRefreshLease(connection, nodeId, prefix, duration);
    }

    @Override
    public boolean tryAcquire(DomainName domain) {
        return "OK".equals(redis.set(key(domain), nodeId, SetArgs.Builder.nx().px(durationMillis)));
    }

    @Override
    public void release(DomainName domain) {
        redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {key(domain)}, nodeId);
    }

    private String key(DomainName domain) {
        return prefix + "refresh:" + Objects.requireNonNull(domain, "domain").ascii();
    }

    @Override
    public String toString() {
        return "RedisRefreshLease[" + nodeId + "]";
    }
}
