/**
 * Shared state for a cluster of sending MTAs on Redis with Lettuce: the policy cache of RFC 8461
 * §3.3 and §5.1 ({@link org.mtasts.store.redis.RedisPolicyStore}: one hash per domain, written
 * atomically, expiring with the policy) and one refresher per domain ({@link
 * org.mtasts.store.redis.RedisRefreshLease}). Sentinel and TLS come with the Redis URI.
 */
@org.jspecify.annotations.NullMarked
module org.mtasts.store.redis {
    requires static org.jspecify;
    requires transitive org.mtasts.http;
    requires transitive lettuce.core;
    // Lettuce is an automatic module: it declares no requires, so Netty's (explicit) modules would
    // not be resolved on the module path, and connecting would fail with NoClassDefFoundError.
    requires io.netty.common;
    requires io.netty.buffer;
    requires io.netty.transport;
    requires io.netty.handler;
    requires io.netty.codec;
    requires io.netty.resolver.dns;

    exports org.mtasts.store.redis;
}
