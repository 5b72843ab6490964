package org.mtasts.store.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.ParseResult;
import org.mtasts.core.PolicyStore;
import org.mtasts.core.StsPolicy;

/**
 * A {@link PolicyStore} on Redis, shared by the nodes of a mail cluster (RFC 8461 §3.3, §5.1):
 * one hash per domain ({@code <prefix><domain>}, fields {@code record_id}, {@code text}, {@code
 * fetched_at}, {@code expires_at}; times in epoch milliseconds).
 *
 * <p><b>Atomic, newest wins.</b> {@link #put} runs one Lua script, which Redis executes atomically:
 * it writes the whole hash only if the stored entry is older (an earlier fetch time, or on equal
 * times a smaller record id, compared byte by byte), and sets the key to expire when the policy
 * does ({@code PEXPIRE} of {@code expiresAt} minus this node's clock). A slow writer of an older
 * policy never overwrites a newer one, and a writer killed mid-write leaves the old hash or the new
 * one, never a mix.
 *
 * <p><b>Connections.</b> One thread-safe Lettuce connection serves every thread. {@link #open}
 * takes a Redis URI: {@code redis://host:6379/0}, {@code rediss://} for TLS, or Sentinel as {@code
 * redis-sentinel://sentinel1:26379,sentinel2:26379/0#mymaster} (Lettuce asks the sentinels for
 * the master, and follows a fail-over). Put a {@link org.mtasts.http.FrontedPolicyStore} in front
 * on each node, so that cache hits do not touch Redis. Failures are Lettuce's unchecked {@link
 * RedisException}s. A hash that no longer parses (changed by hand) is reported as an {@link
 * IllegalStateException} naming the domain, never served.
 *
 * <pre>{@code
 * RedisPolicyStore shared = RedisPolicyStore.open(redisUri);  // redis-sentinel://s1:26379,s2:26379/0#mymaster
 * MtaSts sts = MtaSts.builder()
 *         .store(FrontedPolicyStore.over(shared))
 *         .refreshLease(RedisRefreshLease.create(shared.connection(), "mx1"))
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.3">RFC 8461 §3.3</a>
 * @since 0.1
 */
public final class RedisPolicyStore implements PolicyStore, AutoCloseable {

    /** The default key prefix. */
    public static final String DEFAULT_PREFIX = "mtasts:policy:";

    /**
     * KEYS[1] the hash; ARGV: record id, text, fetched at, expires at, TTL in ms. Returns 1 if
     * written. Strings compare byte by byte (Lua's {@code <} follows the server's locale).
     */
    static final String PUT_SCRIPT = """
            local function greater(a, b)
              local n = math.min(#a, #b)
              for i = 1, n do
                local x, y = string.byte(a, i), string.byte(b, i)
                if x ~= y then return x > y end
              end
              return #a > #b
            end
            local f = redis.call('HGET', KEYS[1], 'fetched_at')
            if f then
              local cur, new = tonumber(f), tonumber(ARGV[3])
              if new < cur then return 0 end
              if new == cur then
                local id = redis.call('HGET', KEYS[1], 'record_id') or ''
                if not greater(ARGV[1], id) then return 0 end
              end
            end
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'record_id', ARGV[1], 'text', ARGV[2], 'fetched_at', ARGV[3],
                       'expires_at', ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return 1
            """;

    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final String prefix;
    private final Clock clock;
    private final @Nullable RedisClient ownedClient;
    private volatile @Nullable String putSha;

    private RedisPolicyStore(StatefulRedisConnection<String, String> connection, String prefix, Clock clock,
            @Nullable RedisClient ownedClient) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.redis = connection.sync();
        this.prefix = checkPrefix(prefix);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ownedClient = ownedClient;
    }

    static String checkPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.length() > 100 || prefix.chars().anyMatch(ch -> ch <= ' ' || ch > '~' || ch == '*' || ch == '?'
                || ch == '[' || ch == ']' || ch == '\\')) {
            throw new IllegalArgumentException("key prefix '" + prefix + "' must be at most 100 printable ASCII "
                    + "characters without spaces or the glob characters *?[]\\");
        }
        return prefix;
    }

    /**
     * A store with its own client and connection, on the system UTC clock, with the {@link
     * #DEFAULT_PREFIX}. {@link #close()} closes them.
     *
     * @param redisUri e.g. {@code redis://localhost:6379/0}, {@code rediss://...}, or {@code
     *     redis-sentinel://s1:26379,s2:26379/0#mymaster}
     * @return the store
     * @throws IllegalArgumentException if the URI is invalid (Lettuce's message)
     * @throws RedisException if Redis cannot be reached
     */
    public static RedisPolicyStore open(String redisUri) {
        return open(redisUri, Map.of());
    }

    /**
     * A store with its own client and connection, and options: {@code prefix} (default {@link
     * #DEFAULT_PREFIX}), {@code timeout} (an ISO-8601 duration such as {@code PT2S}, the command
     * timeout; default Lettuce's 60 seconds).
     *
     * @param redisUri the Redis URI (see {@link #open(String)})
     * @param options the options
     * @return the store
     * @throws IllegalArgumentException if the URI or an option is invalid
     * @throws RedisException if Redis cannot be reached
     */
    public static RedisPolicyStore open(String redisUri, Map<String, String> options) {
        Objects.requireNonNull(redisUri, "redisUri");
        Objects.requireNonNull(options, "options");
        for (String key : options.keySet()) {
            if (!key.equals("prefix") && !key.equals("timeout")) {
                throw new IllegalArgumentException("unknown option '" + key + "' (known: prefix, timeout)");
            }
        }
        RedisURI uri = RedisURI.create(redisUri);
        String timeout = options.get("timeout");
        if (timeout != null) {
            try {
                uri.setTimeout(Duration.parse(timeout));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("option timeout '" + timeout + "' is not an ISO-8601 duration "
                        + "such as PT2S", e);
            }
        }
        String prefix = checkPrefix(options.getOrDefault("prefix", DEFAULT_PREFIX));
        RedisClient client = RedisClient.create(uri);
        try {
            return new RedisPolicyStore(client.connect(), prefix, Clock.systemUTC(), client);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /**
     * A store on the application's connection (left open by {@link #close()}).
     *
     * @param connection a connection with string keys and values
     * @param prefix the key prefix, e.g. {@link #DEFAULT_PREFIX}
     * @param clock the clock that turns expiry into a TTL (the {@code MtaSts}'s)
     * @return the store
     */
    public static RedisPolicyStore create(StatefulRedisConnection<String, String> connection, String prefix,
            Clock clock) {
        return new RedisPolicyStore(connection, prefix, clock, null);
    }

    /** {@return the connection (to share it with a {@link RedisRefreshLease})} */
    public StatefulRedisConnection<String, String> connection() {
        return connection;
    }

    @Override
    public Optional<CachedPolicy> get(DomainName domain) {
        Map<String, String> hash = redis.hgetall(key(domain));
        return hash == null || hash.isEmpty() ? Optional.empty() : Optional.of(entry(domain, hash));
    }

    @Override
    public void put(CachedPolicy policy) {
        putIfNewer(policy);
    }

    /**
     * Stores the entry unless the stored one is at least as new (see the class comment). An entry
     * already expired by this store's clock is not stored.
     *
     * @param policy the entry
     * @return true if the entry was stored
     */
    public boolean putIfNewer(CachedPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        long ttl = policy.expiresAt().toEpochMilli() - clock.millis();
        if (ttl <= 0) {
            return false; // RFC 8461 §3.2: expired, never applied again
        }
        String[] keys = {key(policy.domain())};
        String[] args = {policy.recordId(), policy.text(), Long.toString(policy.fetchedAt().toEpochMilli()),
                Long.toString(policy.expiresAt().toEpochMilli()), Long.toString(ttl)};
        String sha = putSha;
        if (sha == null) {
            sha = redis.scriptLoad(PUT_SCRIPT);
            putSha = sha;
        }
        Long written;
        try {
            written = redis.evalsha(sha, ScriptOutputType.INTEGER, keys, args);
        } catch (RedisNoScriptException e) {
            // The server lost its script cache (a restart, a fail-over, SCRIPT FLUSH): send it again.
            putSha = redis.scriptLoad(PUT_SCRIPT);
            written = redis.eval(PUT_SCRIPT, ScriptOutputType.INTEGER, keys, args);
        }
        return written != null && written == 1L;
    }

    @Override
    public void remove(DomainName domain) {
        redis.del(key(domain));
    }

    /** Visits every entry, found with {@code SCAN} (weakly consistent); unparsable hashes are skipped. */
    @Override
    public void forEach(Consumer<? super CachedPolicy> action) {
        Objects.requireNonNull(action, "action");
        ScanArgs args = ScanArgs.Builder.matches(prefix + "*").limit(500);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, args);
            for (String key : page.getKeys()) {
                DomainName domain;
                try {
                    domain = DomainName.of(key.substring(prefix.length()));
                } catch (IllegalArgumentException e) {
                    continue; // not one of ours
                }
                Map<String, String> hash = redis.hgetall(key);
                if (hash == null || hash.isEmpty()) {
                    continue; // expired or removed meanwhile
                }
                CachedPolicy p;
                try {
                    p = entry(domain, hash);
                } catch (IllegalStateException e) {
                    continue;
                }
                action.accept(p);
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    private String key(DomainName domain) {
        return prefix + Objects.requireNonNull(domain, "domain").ascii();
    }

    private static CachedPolicy entry(DomainName domain, Map<String, String> hash) {
        String id = hash.get("record_id");
        String text = hash.get("text");
        String fetched = hash.get("fetched_at");
        String expires = hash.get("expires_at");
        if (id == null || text == null || fetched == null || expires == null) {
            throw new IllegalStateException("the stored policy of " + domain + " lacks fields: it has " + hash.keySet());
        }
        try {
            ParseResult<StsPolicy> parsed = StsPolicy.parse(text);
            if (!(parsed instanceof ParseResult.Valid<StsPolicy> valid)) {
                throw new IllegalStateException("the stored policy of " + domain + " does not parse: " + parsed);
            }
            return new CachedPolicy(domain, id, valid.value(), text, Instant.ofEpochMilli(Long.parseLong(fetched)),
                    Instant.ofEpochMilli(Long.parseLong(expires)));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the stored policy of " + domain + " is unusable: " + e.getMessage(), e);
        }
    }

    /** Closes the client {@link #open} made; a connection given to {@link #create} is left open. */
    @Override
    public void close() {
        if (ownedClient != null) {
            connection.close();
            ownedClient.shutdown();
        }
    }

    @Override
    public String toString() {
        return "RedisPolicyStore[" + prefix + "]";
    }
}
