package org.mtasts.postfix;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mtasts.http.FrontedPolicyStore;
import org.mtasts.http.RefreshLease;
import org.mtasts.store.jdbc.JdbcPolicyStore;
import org.mtasts.store.jdbc.JdbcRefreshLease;
import org.mtasts.store.redis.RedisPolicyStore;
import org.mtasts.store.redis.RedisRefreshLease;

/**
 * A shared cache opened from the configuration ({@code cache.type} postgres, jdbc, sqlite or
 * redis): the store behind a {@link FrontedPolicyStore}, and the refresh lease on the same
 * database. The store modules are optional: each kind lives in its own nested class, loaded only
 * when that kind is configured ({@link PostfixConfig} has checked that its classes are there).
 * {@link #close} closes the pool or the Redis client.
 */
final class SharedCache implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SharedCache.class.getName());

    final FrontedPolicyStore store;
    final RefreshLease lease;
    private final AutoCloseable shared;
    private final String description;

    private SharedCache(FrontedPolicyStore store, RefreshLease lease, AutoCloseable shared, String description) {
        this.store = store;
        this.lease = lease;
        this.shared = shared;
        this.description = description;
    }

    /**
     * Opens the shared store of {@code cache} (a {@link PostfixConfig.Cache.Sql} or {@link
     * PostfixConfig.Cache.Redis}).
     *
     * @throws IOException if the password cannot be read or the store cannot be opened
     */
    static SharedCache open(PostfixConfig.Cache cache) throws IOException {
        if (cache instanceof PostfixConfig.Cache.Sql sql) {
            return Sql.open(sql);
        }
        return Redis.open((PostfixConfig.Cache.Redis) cache);
    }

    /** The configured node id, or this host's name. */
    static String nodeId(PostfixConfig.Shared shared) throws IOException {
        if (shared.nodeId() != null) {
            return shared.nodeId();
        }
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            name = System.getenv("HOSTNAME");
        }
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IOException("cache.node_id: this host's name is unknown; set node_id (unique in the cluster)");
        }
        return name;
    }

    @Override
    public void close() throws Exception {
        shared.close();
    }

    @Override
    public String toString() {
        return description;
    }

    /** {@code type: postgres}, {@code jdbc}, {@code sqlite}: mtasts-store-jdbc. */
    private static final class Sql {
        static SharedCache open(PostfixConfig.Cache.Sql c) throws IOException {
            String node = nodeId(c.shared());
            try {
                DriverManager.getDriver(c.jdbcUrl());
            } catch (SQLException e) {
                throw new IOException("cache.url " + c.jdbcUrl() + ": no JDBC driver for this URL on the class or "
                        + "module path", e);
            }
            Map<String, String> options = new LinkedHashMap<>(c.options());
            if (c.username() != null) {
                options.put("username", c.username());
            }
            if (c.password() != null) {
                char[] password = c.password().read();
                options.put("password", new String(password));
                Arrays.fill(password, '\0');
            }
            JdbcPolicyStore shared;
            try {
                shared = JdbcPolicyStore.open(c.jdbcUrl(), options);
            } catch (RuntimeException e) {
                throw new IOException("cannot open the cache at " + c.jdbcUrl() + ": " + e.getMessage(), e);
            }
            FrontedPolicyStore front = FrontedPolicyStore.over(shared, c.shared().maxStaleness(), c.shared().size(),
                    Clock.systemUTC());
            RefreshLease lease = JdbcRefreshLease.create(shared.dataSource(), node);
            LOG.log(System.Logger.Level.INFO, "policy cache: {0} (node {1})", c.jdbcUrl(), node);
            return new SharedCache(front, lease, shared, "cache " + c.jdbcUrl());
        }
    }

    /** {@code type: redis}: mtasts-store-redis on Lettuce. */
    private static final class Redis {
        static SharedCache open(PostfixConfig.Cache.Redis c) throws IOException {
            String node = nodeId(c.shared());
            RedisURI uri;
            try {
                uri = RedisURI.create(c.url());
            } catch (RuntimeException e) {
                throw new IOException("cache.url " + c.url() + ": " + e.getMessage(), e);
            }
            if (c.timeout() != null) {
                uri.setTimeout(c.timeout());
            }
            if (c.password() != null) {
                char[] password = c.password().read();
                if (c.username() != null) {
                    uri.setAuthentication(c.username(), password);
                } else {
                    uri.setAuthentication(password);
                }
            } else if (c.username() != null) {
                throw new IOException("cache.username " + c.username() + " needs password_file or password_env");
            }
            RedisClient client = RedisClient.create(uri);
            StatefulRedisConnection<String, String> connection;
            try {
                connection = client.connect();
            } catch (RuntimeException e) {
                client.shutdown();
                throw new IOException("cannot open the cache at " + c.url() + ": " + e.getMessage(), e);
            }
            RedisPolicyStore shared = RedisPolicyStore.create(connection, c.prefix(), Clock.systemUTC());
            // Leases beside the policies: the default prefixes together, or under the configured prefix.
            String leasePrefix = c.prefix().equals(PostfixConfig.DEFAULT_REDIS_PREFIX) ? RedisRefreshLease.DEFAULT_PREFIX
                    : c.prefix() + "lease:";
            RefreshLease lease = RedisRefreshLease.create(connection, node, leasePrefix,
                    RedisRefreshLease.DEFAULT_DURATION);
            FrontedPolicyStore front = FrontedPolicyStore.over(shared, c.shared().maxStaleness(), c.shared().size(),
                    Clock.systemUTC());
            LOG.log(System.Logger.Level.INFO, "policy cache: {0} (node {1})", c.url(), node);
            AutoCloseable close = () -> {
                connection.close();
                client.shutdown();
            };
            return new SharedCache(front, lease, close, "cache " + c.url());
        }
    }
}
