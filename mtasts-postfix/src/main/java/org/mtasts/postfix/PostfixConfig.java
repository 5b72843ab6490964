package org.mtasts.postfix;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.SafeText;
import org.mtasts.http.InMemoryPolicyStore;
import org.mtasts.http.MtaSts;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The policy server's configuration, read from YAML ({@link #parse}, {@link #load}): every key is
 * optional, unknown keys are errors with their line and column. The keys, their defaults and the
 * mapping from postfix-mta-sts-resolver's {@code mta-sts-daemon.yml} are in the README, "Postfix
 * policy server".
 *
 * <pre>{@code
 * PostfixConfig config = PostfixConfig.parse("""
 *         listen: inet:127.0.0.1:8461
 *         cache:
 *           type: memory
 *           size: 10000
 *         default_zone:
 *           strict_testing: false
 *         zones:
 *           strict:
 *             strict_testing: true
 *         """);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param listen where the socketmap server listens (default {@code inet:127.0.0.1:8461})
 * @param mapName the socketmap name that selects the default zone (default {@code postfix})
 * @param http where the HTTP endpoint for {@code /metrics}, {@code /health} and {@code /purge}
 *     listens; absent: no HTTP endpoint
 * @param logLevel the level of the {@code org.mtasts} loggers (default {@code INFO})
 * @param requestTimeout how long a client may take to send a request it started (default 100 s,
 *     Postfix's {@code ipc_timeout})
 * @param idleTimeout how long a connection may stay without a request (default 300 s)
 * @param maxConnections the most connections served at once; more are closed at once (default 1000)
 * @param maxReplySize the longest reply, in bytes (default 100000, Postfix's {@code
 *     socketmap_max_reply_size}); a longer {@code OK} answer is replaced by {@code TEMP}
 * @param shutdownTimeout how long a shutdown waits for answers in flight (default 10 s)
 * @param onTemporaryFailure the answer when the policy cannot be known (default {@code TEMP})
 * @param dnsServers the DNS servers for MTA-STS lookups; empty: the system's
 * @param dnsTimeout the timeout of one DNS query (default 5 s)
 * @param dane DANE-first settings
 * @param cache where policies are cached
 * @param refresh proactive refresh settings
 * @param defaultZone the zone of requests under {@code mapName}
 * @param zones named zones, selected by the socketmap name of the request
 * @since 0.1
 */
public record PostfixConfig(ListenAddress listen, String mapName, @Nullable ListenAddress http, System.Logger.Level logLevel,
        Duration requestTimeout, Duration idleTimeout, int maxConnections, int maxReplySize, Duration shutdownTimeout,
        OnTemporaryFailure onTemporaryFailure, List<InetSocketAddress> dnsServers, Duration dnsTimeout, Dane dane,
        Cache cache, Refresh refresh, Zone defaultZone, Map<String, Zone> zones) {

    /** The default listen address: port 8461 on loopback, as postfix-mta-sts-resolver. */
    public static final String DEFAULT_LISTEN = "inet:127.0.0.1:8461";
    /** The default socketmap name. */
    public static final String DEFAULT_MAP_NAME = "postfix";
    /** Postfix's default {@code socketmap_max_reply_size}. */
    public static final int DEFAULT_MAX_REPLY_SIZE = 100_000;
    /** Postfix's default {@code ipc_timeout}: 100 seconds. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(100);
    /** The longest configuration file read: 1 MiB. */
    static final int MAX_FILE_SIZE = 1 << 20;

    /** What to answer when the policy cannot be known (a DNS failure with nothing cached). */
    public enum OnTemporaryFailure {
        /** {@code TEMP}: Postfix defers the message and tries again later (the safe choice). */
        TEMP,
        /** {@code NOTFOUND}: Postfix delivers with its default TLS policy (the lenient choice). */
        NOTFOUND
    }

    /**
     * The settings of one zone.
     *
     * @param strictTesting apply policies in mode {@code testing} as if they were {@code enforce}
     * @param timeout how long a request waits for a domain with nothing cached (default 20 s)
     * @param requireSni add {@code servername=hostname} to {@code secure} answers (default true)
     * @param tlsrpt add the TLSRPT attributes of Postfix 3.10 and later (default false)
     */
    public record Zone(boolean strictTesting, Duration timeout, boolean requireSni, boolean tlsrpt) {
        /**
         * Validates the components.
         *
         * @param strictTesting apply testing policies as enforce
         * @param timeout the wait for a cold domain, positive
         * @param requireSni add {@code servername=hostname}
         * @param tlsrpt add the TLSRPT attributes
         */
        public Zone {
            positive("timeout", timeout);
        }

        /** The default zone settings. */
        static Zone defaults() {
            return new Zone(false, MtaSts.DEFAULT_RESOLVE_TIMEOUT, true, false);
        }
    }

    /**
     * DANE-first settings (RFC 8461 §2).
     *
     * @param enabled whether to look for DNSSEC-validated TLSA records first (default false)
     * @param servers the validating resolvers to ask, whose AD bit is trusted; empty: the system's
     * @param timeout the timeout of one query (default 5 s)
     * @param cacheTtl how long a DANE answer is reused (default 5 minutes)
     */
    public record Dane(boolean enabled, List<InetSocketAddress> servers, Duration timeout, Duration cacheTtl) {
        /**
         * Validates the components.
         *
         * @param enabled whether DANE is looked up
         * @param servers the validating resolvers
         * @param timeout the query timeout
         * @param cacheTtl how long an answer is reused
         */
        public Dane {
            servers = List.copyOf(servers);
            positive("timeout", timeout);
            Objects.requireNonNull(cacheTtl, "cacheTtl");
        }
    }

    /**
     * Where policies are cached: a {@code type} discriminator selects the kind. The shared kinds
     * ({@link Sql}, {@link Redis}) need their store module at run time ({@code mtasts-store-jdbc},
     * {@code mtasts-store-redis}), which {@code mtasts-postfix} declares optional.
     */
    public sealed interface Cache permits Cache.Memory, Cache.File, Cache.Sql, Cache.Redis {
        /**
         * In memory ({@code type: memory}), lost at restart.
         *
         * @param size the most policies kept
         */
        record Memory(int size) implements Cache {
            /**
             * Validates the size.
             *
             * @param size 1 to 10,000,000
             */
            public Memory {
                if (size < 1 || size > 10_000_000) {
                    throw new IllegalArgumentException("size " + size + " is not in 1..10000000");
                }
            }
        }

        /**
         * In a directory ({@code type: file}), one file per domain, kept across restarts
         * ({@code FilePolicyStore}).
         *
         * @param path the directory
         */
        record File(Path path) implements Cache {
            /**
             * Validates the path.
             *
             * @param path the directory
             */
            public File {
                Objects.requireNonNull(path, "path");
            }
        }

        /**
         * In a SQL database shared by a cluster ({@code type: postgres}, {@code jdbc} or {@code
         * sqlite}): {@code JdbcPolicyStore} on a HikariCP pool, behind a {@code FrontedPolicyStore},
         * with a {@code JdbcRefreshLease}.
         *
         * @param jdbcUrl the JDBC URL, without a password
         * @param username the database user, or null for the URL's or the driver's default
         * @param password where the password is read at start, or null for none
         * @param options HikariCP properties ({@code maximumPoolSize} from {@code pool_size} included)
         * @param shared the front and the refresh lease
         */
        record Sql(String jdbcUrl, @Nullable String username, @Nullable Secret password, Map<String, String> options,
                Shared shared) implements Cache {
            /**
             * Validates the components and copies the options.
             *
             * @param jdbcUrl the JDBC URL
             * @param username the user, or null
             * @param password the password source, or null
             * @param options HikariCP properties
             * @param shared the front and lease settings
             */
            public Sql {
                Objects.requireNonNull(jdbcUrl, "jdbcUrl");
                if (!jdbcUrl.startsWith("jdbc:")) {
                    throw new IllegalArgumentException("not a JDBC URL: " + SafeText.quote(jdbcUrl));
                }
                options = Map.copyOf(options);
                Objects.requireNonNull(shared, "shared");
            }
        }

        /**
         * In Redis, shared by a cluster ({@code type: redis}): {@code RedisPolicyStore} behind a
         * {@code FrontedPolicyStore}, with a {@code RedisRefreshLease}.
         *
         * @param url {@code redis://}, {@code rediss://} or {@code redis-sentinel://...#master}, without
         *     a password
         * @param username the ACL user, or null
         * @param password where the password is read at start, or null for none
         * @param prefix the policy keys' prefix
         * @param timeout the command timeout, or null for Lettuce's (60 s)
         * @param shared the front and the refresh lease
         */
        record Redis(String url, @Nullable String username, @Nullable Secret password, String prefix,
                @Nullable Duration timeout, Shared shared) implements Cache {
            /**
             * Validates the components.
             *
             * @param url the Redis URI
             * @param username the user, or null
             * @param password the password source, or null
             * @param prefix the key prefix
             * @param timeout the command timeout, or null
             * @param shared the front and lease settings
             */
            public Redis {
                Objects.requireNonNull(url, "url");
                Objects.requireNonNull(prefix, "prefix");
                if (timeout != null) {
                    positive("timeout", timeout);
                }
                Objects.requireNonNull(shared, "shared");
            }
        }
    }

    /**
     * The settings of a shared cache on each node: its in-memory front and its refresh lease.
     *
     * @param size the most domains the front keeps in memory
     * @param maxStaleness how long the front answers a read without reading the shared store again
     * @param nodeId this node's name in the refresh leases, or null for the host name
     */
    public record Shared(int size, Duration maxStaleness, @Nullable String nodeId) {
        /**
         * Validates the components.
         *
         * @param size 1 to 10,000,000
         * @param maxStaleness zero to one day
         * @param nodeId 1 to 200 characters, or null
         */
        public Shared {
            if (size < 1 || size > 10_000_000) {
                throw new IllegalArgumentException("size " + size + " is not in 1..10000000");
            }
            Objects.requireNonNull(maxStaleness, "maxStaleness");
            if (maxStaleness.isNegative() || maxStaleness.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("max_staleness " + maxStaleness + " is not in 0s..1d");
            }
            if (nodeId != null && (nodeId.isBlank() || nodeId.length() > 200)) {
                throw new IllegalArgumentException("node_id " + SafeText.quote(nodeId)
                        + " must be 1 to 200 characters, not blank");
            }
        }
    }

    /**
     * Where a password is read when the server starts: a file (its content without the final line
     * break) or an environment variable. The configuration file never holds the password itself.
     *
     * @param file the file, or null
     * @param env the environment variable's name, or null
     */
    public record Secret(@Nullable Path file, @Nullable String env) {
        /**
         * Validates that exactly one source is given.
         *
         * @param file the file, or null
         * @param env the variable, or null
         */
        public Secret {
            if ((file == null) == (env == null)) {
                throw new IllegalArgumentException("give password_file or password_env, not both");
            }
            if (env != null && !env.matches("[A-Za-z_][A-Za-z0-9_]{0,99}")) {
                throw new IllegalArgumentException("password_env " + SafeText.quote(env)
                        + " is not an environment variable name");
            }
        }

        /**
         * Reads the password.
         *
         * @return the password
         * @throws IOException if the file cannot be read, is empty, or the variable is not set
         */
        public char[] read() throws IOException {
            String value;
            if (file != null) {
                if (Files.size(file) > 10_000) {
                    throw new IOException("password_file " + file + " is larger than 10000 bytes");
                }
                value = Files.readString(file, StandardCharsets.UTF_8);
                int end = value.length();
                while (end > 0 && (value.charAt(end - 1) == '\n' || value.charAt(end - 1) == '\r')) {
                    end--;
                }
                value = value.substring(0, end);
                if (value.isEmpty()) {
                    throw new IOException("password_file " + file + " is empty");
                }
            } else {
                value = System.getenv(env);
                if (value == null || value.isEmpty()) {
                    throw new IOException("password_env: the environment variable " + env + " is not set");
                }
            }
            return value.toCharArray();
        }
    }

    /**
     * Proactive refresh settings (RFC 8461 §3.3, §10.2).
     *
     * @param enabled whether cached policies are refreshed before they expire (default true)
     * @param interval how often a pass runs (default 1 hour)
     * @param age refresh policies confirmed longer ago than this (default 12 hours)
     * @param spread the window one pass spreads its refreshes over (default 3 hours)
     * @param concurrency the most refreshes at once (default 4)
     */
    public record Refresh(boolean enabled, Duration interval, Duration age, Duration spread, int concurrency) {
        /**
         * Validates the components.
         *
         * @param enabled whether to refresh
         * @param interval how often
         * @param age which policies
         * @param spread over which window
         * @param concurrency how many at once
         */
        public Refresh {
            positive("interval", interval);
            positive("age", age);
            Objects.requireNonNull(spread, "spread");
            if (concurrency < 1 || concurrency > 1000) {
                throw new IllegalArgumentException("concurrency " + concurrency + " is not in 1..1000");
            }
        }
    }

    /**
     * Validates the components and copies the collections.
     *
     * @param listen the listen address
     * @param mapName the socketmap name of the default zone
     * @param http the HTTP endpoint, or null
     * @param logLevel the log level
     * @param requestTimeout the request timeout
     * @param idleTimeout the idle timeout
     * @param maxConnections the connection limit
     * @param maxReplySize the reply size limit
     * @param shutdownTimeout the shutdown bound
     * @param onTemporaryFailure the answer when the policy cannot be known
     * @param dnsServers the DNS servers
     * @param dnsTimeout the DNS query timeout
     * @param dane the DANE settings
     * @param cache the cache
     * @param refresh the refresh settings
     * @param defaultZone the default zone
     * @param zones the named zones
     */
    public PostfixConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(mapName, "mapName");
        if (!validMapName(mapName)) {
            throw new IllegalArgumentException("map name " + SafeText.quote(mapName)
                    + " must be 1 to 100 characters without spaces or control characters");
        }
        Objects.requireNonNull(logLevel, "logLevel");
        positive("requestTimeout", requestTimeout);
        positive("idleTimeout", idleTimeout);
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (maxConnections < 1 || maxConnections > 100_000) {
            throw new IllegalArgumentException("max_connections " + maxConnections + " is not in 1..100000");
        }
        if (maxReplySize < 100 || maxReplySize > 100_000_000) {
            throw new IllegalArgumentException("max_reply_size " + maxReplySize + " is not in 100..100000000");
        }
        Objects.requireNonNull(onTemporaryFailure, "onTemporaryFailure");
        dnsServers = List.copyOf(dnsServers);
        positive("dnsTimeout", dnsTimeout);
        Objects.requireNonNull(dane, "dane");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(refresh, "refresh");
        Objects.requireNonNull(defaultZone, "defaultZone");
        for (String name : zones.keySet()) {
            if (!validMapName(name)) {
                throw new IllegalArgumentException("zone name " + SafeText.quote(name)
                        + " must be 1 to 100 characters without spaces or control characters");
            }
            if (name.equals(mapName)) {
                throw new IllegalArgumentException("zone " + SafeText.quote(name) + " has the name of the default zone's map");
            }
        }
        zones = Map.copyOf(zones);
    }

    /**
     * Returns the configuration with every default: what an empty file gives.
     *
     * @return the defaults
     */
    public static PostfixConfig defaults() {
        return parse("{}");
    }

    /**
     * Returns this configuration listening elsewhere.
     *
     * @param address the new listen address
     * @return the copy
     */
    public PostfixConfig withListen(ListenAddress address) {
        return new PostfixConfig(address, mapName, http, logLevel, requestTimeout, idleTimeout, maxConnections,
                maxReplySize, shutdownTimeout, onTemporaryFailure, dnsServers, dnsTimeout, dane, cache, refresh,
                defaultZone, zones);
    }

    /**
     * Returns this configuration with another HTTP endpoint.
     *
     * @param address the HTTP listen address, or null for none
     * @return the copy
     */
    public PostfixConfig withHttp(@Nullable ListenAddress address) {
        return new PostfixConfig(listen, mapName, address, logLevel, requestTimeout, idleTimeout, maxConnections,
                maxReplySize, shutdownTimeout, onTemporaryFailure, dnsServers, dnsTimeout, dane, cache, refresh,
                defaultZone, zones);
    }

    /**
     * Returns the zone that answers a socketmap name, if any.
     *
     * @param name the name in the request
     * @return the zone, or null for an unknown name
     */
    public @Nullable Zone zone(String name) {
        return name.equals(mapName) ? defaultZone : zones.get(name);
    }

    /**
     * Reads a configuration file.
     *
     * @param file the YAML file
     * @return the configuration
     * @throws IOException if the file cannot be read
     * @throws ConfigException naming the file, line and column of what is wrong
     */
    public static PostfixConfig load(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        if (Files.size(file) > MAX_FILE_SIZE) {
            throw new ConfigException(file + ": larger than " + MAX_FILE_SIZE + " bytes", -1, -1);
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return parse(text);
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e.line(), e.column());
        }
    }

    /**
     * Reads a configuration from YAML text.
     *
     * @param yaml the YAML document
     * @return the configuration
     * @throws ConfigException naming the line and column (or the key) of what is wrong
     */
    public static PostfixConfig parse(String yaml) {
        return parse(yaml, PostfixConfig::present);
    }

    /** {@link #parse(String)}, with the test of which optional classes are there. */
    static PostfixConfig parse(String yaml, Predicate<String> classes) {
        Objects.requireNonNull(yaml, "yaml");
        if (yaml.length() > MAX_FILE_SIZE) {
            throw new ConfigException("larger than " + MAX_FILE_SIZE + " characters", -1, -1);
        }
        ConfigFile.Root root;
        try {
            root = MAPPER.readValue(yaml.isBlank() ? "{}" : yaml, ConfigFile.Root.class);
        } catch (UnrecognizedPropertyException e) {
            throw located(yaml, e, "unknown key '" + SafeText.escape(e.getPropertyName()) + "'"
                    + where(e, true) + " (known: " + known(e) + ")");
        } catch (JacksonException e) {
            throw located(yaml, e, firstLine(e.getOriginalMessage()) + where(e, false));
        }
        if (root == null) {
            root = new ConfigFile.Root(null, null, null, null, null, null, null, null, null, null, null, null, null,
                    null, null, null);
        }
        try {
            return convert(root, classes);
        } catch (ConfigException e) {
            if (e.line() < 0 && e.key != null) {
                // A value that bound but does not convert: point at its key.
                List<String> path = List.of(e.key.split("\\."));
                TokenStreamLocation loc = locateKey(yaml, path);
                if (loc != null && loc.getLineNr() > 0) {
                    throw new ConfigException("line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": "
                            + e.getMessage(), loc.getLineNr(), loc.getColumnNr());
                }
            }
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), -1, -1);
        }
    }

    /**
     * Whether a class is there, without initializing it: the store modules and drivers are
     * optional, and a {@code cache.type} that needs a missing one is a configuration error.
     */
    static boolean present(String className) {
        try {
            Class.forName(className, false, PostfixConfig.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static final YAMLMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(20).maxStringLength(10_000).maxDocumentLength(MAX_FILE_SIZE).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static ConfigException located(String yaml, JacksonException e, String message) {
        TokenStreamLocation loc = e.getLocation();
        if (loc == null || loc.getLineNr() < 1) {
            // Records are bound from buffered properties: the exception has no position, so find
            // the key of its path in the document.
            loc = locate(yaml, e.getPath());
        }
        int line = loc == null ? -1 : loc.getLineNr();
        int column = loc == null ? -1 : loc.getColumnNr();
        String prefix = line > 0 ? "line " + line + ", column " + column + ": " : "";
        return new ConfigException(prefix + message, line, column);
    }

    /** The position of the key at the end of {@code path}, found by reading the document again. */
    private static @Nullable TokenStreamLocation locate(String yaml, List<JacksonException.Reference> path) {
        List<String> target = new ArrayList<>();
        for (JacksonException.Reference r : path) {
            target.add(r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]");
        }
        return locateKey(yaml, target);
    }

    /** The position of the key at the end of {@code target}, a path of keys and {@code [i]} indexes. */
    private static @Nullable TokenStreamLocation locateKey(String yaml, List<String> target) {
        if (target.isEmpty()) {
            return null;
        }
        List<String> names = new ArrayList<>();           // the keys leading to the current container
        List<int[]> counters = new ArrayList<>();          // per open container: next array index, or -1
        String pending = null;
        try (JsonParser p = MAPPER.createParser(yaml)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                String key;
                if (t == JsonToken.PROPERTY_NAME) {
                    pending = p.currentName();
                    if (matches(names, pending, target)) {
                        return p.currentTokenLocation();
                    }
                    continue;
                }
                if (!counters.isEmpty() && counters.get(counters.size() - 1)[0] >= 0) {
                    key = "[" + counters.get(counters.size() - 1)[0]++ + "]";
                    if (matches(names, key, target)) {
                        return p.currentTokenLocation();
                    }
                } else {
                    key = pending;
                }
                pending = null;
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    names.add(key == null ? "" : key);
                    counters.add(new int[] {t == JsonToken.START_ARRAY ? 0 : -1});
                } else if ((t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) && !names.isEmpty()) {
                    names.remove(names.size() - 1);
                    counters.remove(counters.size() - 1);
                }
            }
        } catch (JacksonException ignored) {
            return null; // the first read found the problem and reports it
        }
        return null;
    }

    private static boolean matches(List<String> names, String last, List<String> target) {
        // names.get(0) is the root object's empty name.
        if (names.size() != target.size() || !last.equals(target.get(target.size() - 1))) {
            return false;
        }
        return names.subList(1, names.size()).equals(target.subList(0, target.size() - 1));
    }

    private static String where(JacksonException e, boolean parent) {
        StringBuilder path = new StringBuilder();
        List<JacksonException.Reference> refs = e.getPath();
        for (JacksonException.Reference r : parent && !refs.isEmpty() ? refs.subList(0, refs.size() - 1) : refs) {
            if (r.getPropertyName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "" : " at " + SafeText.escape(path.toString());
    }

    private static String known(UnrecognizedPropertyException e) {
        return e.getKnownPropertyIds() == null ? "" : String.join(", ", e.getKnownPropertyIds().stream()
                .map(String::valueOf).sorted().toList());
    }

    private static String firstLine(@Nullable String message) {
        String m = message == null ? "invalid YAML" : message;
        int nl = m.indexOf('\n');
        return SafeText.escape(nl < 0 ? m : m.substring(0, nl));
    }

    private static PostfixConfig convert(ConfigFile.Root r, Predicate<String> classes) {
        ListenAddress listen = at("listen", () -> ListenAddress.parse(or(r.listen(), DEFAULT_LISTEN)));
        ListenAddress http = r.http() == null ? null : at("http", () -> ListenAddress.parse(r.http()));
        if (http != null && http.isUnix()) {
            throw new ConfigException("http: the HTTP endpoint listens on inet:host:port only", -1, -1);
        }
        System.Logger.Level level = at("log_level", () -> level(or(r.logLevel(), "info")));
        Duration requestTimeout = duration("request_timeout", r.requestTimeout(), DEFAULT_REQUEST_TIMEOUT);
        Duration idleTimeout = duration("idle_timeout", r.idleTimeout(), Duration.ofSeconds(300));
        Duration shutdown = duration("shutdown_timeout", r.shutdownTimeout(), Duration.ofSeconds(10));
        OnTemporaryFailure onTemp = at("on_temporary_failure", () -> switch (or(r.onTemporaryFailure(), "temp")
                .toLowerCase(Locale.ROOT)) {
            case "temp" -> OnTemporaryFailure.TEMP;
            case "notfound" -> OnTemporaryFailure.NOTFOUND;
            default -> throw new IllegalArgumentException("expected temp or notfound, got "
                    + SafeText.quote(r.onTemporaryFailure()));
        });
        ConfigFile.Dns dns = r.dns() != null ? r.dns() : new ConfigFile.Dns(null, null);
        List<InetSocketAddress> dnsServers = servers("dns.servers", dns.servers());
        Duration dnsTimeout = duration("dns.timeout", dns.timeout(), Duration.ofSeconds(5));
        ConfigFile.Dane d = r.dane() != null ? r.dane() : new ConfigFile.Dane(null, null, null, null);
        Dane dane = at("dane", () -> new Dane(Boolean.TRUE.equals(d.enabled()), servers("dane.servers", d.servers()),
                duration("dane.timeout", d.timeout(), Duration.ofSeconds(5)),
                duration("dane.cache_ttl", d.cacheTtl(), Duration.ofMinutes(5))));
        Cache cache = cache(r.cache(), classes);
        ConfigFile.Refresh rf = r.proactiveRefresh() != null ? r.proactiveRefresh()
                : new ConfigFile.Refresh(null, null, null, null, null);
        Refresh refresh = at("proactive_refresh", () -> new Refresh(!Boolean.FALSE.equals(rf.enabled()),
                duration("proactive_refresh.interval", rf.interval(), MtaSts.DEFAULT_REFRESH_INTERVAL),
                duration("proactive_refresh.age", rf.age(), MtaSts.DEFAULT_REFRESH_AGE),
                duration("proactive_refresh.spread", rf.spread(), MtaSts.DEFAULT_REFRESH_SPREAD),
                rf.concurrency() == null ? MtaSts.DEFAULT_REFRESH_CONCURRENCY : rf.concurrency()));
        Zone defaultZone = zone("default_zone", r.defaultZone(), Zone.defaults());
        Map<String, Zone> zones = new LinkedHashMap<>();
        if (r.zones() != null) {
            for (Map.Entry<String, ConfigFile.Zone> e : r.zones().entrySet()) {
                // A named zone starts from the default zone's settings, as in postfix-mta-sts-resolver.
                zones.put(e.getKey(), zone("zones." + SafeText.escape(e.getKey()), e.getValue(), defaultZone));
            }
        }
        String mapName = or(r.mapName(), DEFAULT_MAP_NAME);
        int maxConnections = r.maxConnections() == null ? 1000 : r.maxConnections();
        int maxReply = r.maxReplySize() == null ? DEFAULT_MAX_REPLY_SIZE : r.maxReplySize();
        return at("configuration", () -> new PostfixConfig(listen, mapName, http, level, requestTimeout, idleTimeout,
                maxConnections, maxReply, shutdown, onTemp, dnsServers, dnsTimeout, dane, cache, refresh, defaultZone,
                zones));
    }

    /** The default Redis key prefix of the policies (the one of {@code RedisPolicyStore}). */
    static final String DEFAULT_REDIS_PREFIX = "mtasts:policy:";

    private static final Pattern JDBC_URL = Pattern.compile("jdbc:([a-z][a-z0-9]*):.+", Pattern.DOTALL);
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)[?&;]password=");

    private static Cache cache(ConfigFile.@Nullable Cache c, Predicate<String> classes) {
        if (c == null) {
            return new Cache.Memory(InMemoryPolicyStore.DEFAULT_MAX_ENTRIES);
        }
        if (c instanceof ConfigFile.MemoryCache m) {
            return at("cache", () -> new Cache.Memory(m.size() == null ? InMemoryPolicyStore.DEFAULT_MAX_ENTRIES
                    : m.size()));
        }
        if (c instanceof ConfigFile.FileCache f) {
            if (f.path() == null || f.path().isBlank()) {
                throw new ConfigException("cache: type file needs a path", -1, -1);
            }
            return new Cache.File(Path.of(f.path()));
        }
        if (c instanceof ConfigFile.SqliteCache q) {
            needs(classes, "sqlite", "org.mtasts.store.jdbc.JdbcPolicyStore", "mtasts-store-jdbc");
            needs(classes, "sqlite", "org.sqlite.JDBC", "the SQLite JDBC driver (org.xerial:sqlite-jdbc)");
            if (q.path() == null || q.path().isBlank()) {
                throw new ConfigException("cache.type", "type sqlite needs a path (the database file)");
            }
            Map<String, String> options = hikari(q.options(), null);
            // One connection: SQLite has one writer at a time, and a pool of more only waits on its lock.
            options.putIfAbsent("maximumPoolSize", "1");
            return new Cache.Sql("jdbc:sqlite:" + q.path(), null, null, options,
                    shared(q.size(), q.maxStaleness(), q.nodeId()));
        }
        if (c instanceof ConfigFile.SqlCache q) {
            boolean postgres = q instanceof ConfigFile.PostgresCache;
            String type = postgres ? "postgres" : "jdbc";
            needs(classes, type, "org.mtasts.store.jdbc.JdbcPolicyStore", "mtasts-store-jdbc");
            if (q.password() != null) {
                throw plainPassword("cache.password");
            }
            if (q.url() == null || q.url().isBlank()) {
                throw new ConfigException("cache.type", "type " + type + " needs a url (jdbc:postgresql://HOST:PORT/DB)");
            }
            String url = q.url().strip();
            String username = q.username();
            if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
                // postfix-mta-sts-resolver's dsn: postgres://user@host:port/db
                String[] converted = fromLibpq(url);
                url = converted[0];
                if (converted[1] != null) {
                    if (username != null && !username.equals(converted[1])) {
                        throw new ConfigException("cache.url", "names the user " + SafeText.quote(converted[1])
                                + " and cache.username " + SafeText.quote(username) + ": give one");
                    }
                    username = converted[1];
                }
            }
            Matcher m = JDBC_URL.matcher(url);
            if (!m.matches()) {
                throw new ConfigException("cache.url", "expected a JDBC URL such as jdbc:postgresql://db.example.net:5432/mta"
                        + (postgres ? " or postgres://USER@HOST:PORT/DB" : "") + ", got " + SafeText.quote(url));
            }
            if (postgres && !m.group(1).equals("postgresql")) {
                throw new ConfigException("cache.url", "type postgres needs a jdbc:postgresql: URL, got "
                        + SafeText.quote(url) + " (type jdbc takes any JDBC URL)");
            }
            if (postgres && !url.startsWith("jdbc:postgresql://")) {
                throw new ConfigException("cache.url", "expected jdbc:postgresql://HOST[:PORT]/DB, got " + SafeText.quote(url));
            }
            if (URL_PASSWORD.matcher(url).find()) {
                throw plainPassword("cache.url");
            }
            String driver = switch (m.group(1)) {
                case "postgresql" -> "org.postgresql.Driver";
                case "sqlite" -> "org.sqlite.JDBC";
                default -> null;          // any other driver is looked up when the server starts
            };
            if (driver != null) {
                needs(classes, type, driver, m.group(1).equals("postgresql")
                        ? "the PostgreSQL JDBC driver (org.postgresql:postgresql)"
                        : "the SQLite JDBC driver (org.xerial:sqlite-jdbc)");
            }
            Map<String, String> options = hikari(q.options(), q.poolSize());
            return new Cache.Sql(url, username, secret(q.passwordFile(), q.passwordEnv()), options,
                    shared(q.size(), q.maxStaleness(), q.nodeId()));
        }
        ConfigFile.RedisCache q = (ConfigFile.RedisCache) c;
        needs(classes, "redis", "org.mtasts.store.redis.RedisPolicyStore", "mtasts-store-redis");
        needs(classes, "redis", "io.lettuce.core.RedisClient", "Lettuce (io.lettuce:lettuce-core)");
        if (q.password() != null) {
            throw plainPassword("cache.password");
        }
        if (q.url() == null || q.url().isBlank()) {
            throw new ConfigException("cache.type", "type redis needs a url (redis://HOST:PORT/DB)");
        }
        String url = redisUrl(q.url().strip());
        String prefix = q.prefix() == null ? DEFAULT_REDIS_PREFIX : q.prefix();
        if (prefix.length() > 100 || prefix.chars().anyMatch(ch -> ch <= ' ' || ch > '~' || ch == '*' || ch == '?'
                || ch == '[' || ch == ']' || ch == '\\')) {
            throw new ConfigException("cache.prefix", SafeText.quote(prefix) + " must be at most 100 printable ASCII "
                    + "characters without spaces or the glob characters *?[]\\");
        }
        Duration timeout = q.timeout() == null ? null : duration("cache.timeout", q.timeout(), Duration.ZERO);
        if (timeout != null && (timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0)) {
            throw new ConfigException("cache.timeout", "is not in 1ms..1h: " + SafeText.quote(q.timeout()));
        }
        if (q.username() != null && (q.username().isBlank() || q.username().length() > 200)) {
            throw new ConfigException("cache.username", "must be 1 to 200 characters, not blank");
        }
        return new Cache.Redis(url, q.username(), secret(q.passwordFile(), q.passwordEnv()), prefix, timeout,
                shared(q.size(), q.maxStaleness(), q.nodeId()));
    }

    private static void needs(Predicate<String> classes, String type, String className, String what) {
        if (!classes.test(className)) {
            throw new ConfigException("cache.type", "type " + type + " needs " + what + " on the class or module path");
        }
    }

    private static ConfigException plainPassword(String key) {
        return new ConfigException(key, "a password is not read from the configuration file in plain text: put it "
                + "in a file only the server can read (password_file) or an environment variable (password_env)");
    }

    private static @Nullable Secret secret(@Nullable String file, @Nullable String env) {
        if (file == null && env == null) {
            return null;
        }
        if (file != null && env != null) {
            throw new ConfigException("cache.password_env", "give password_file or password_env, not both");
        }
        if (file != null && file.isBlank()) {
            throw new ConfigException("cache.password_file", "is empty");
        }
        String key = file != null ? "cache.password_file" : "cache.password_env";
        try {
            return new Secret(file == null ? null : Path.of(file), env);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }

    private static Shared shared(@Nullable Integer size, @Nullable String maxStaleness, @Nullable String nodeId) {
        Duration staleness = duration("cache.max_staleness", maxStaleness, Duration.ofMinutes(1));
        try {
            return new Shared(size == null ? InMemoryPolicyStore.DEFAULT_MAX_ENTRIES : size, staleness, nodeId);
        } catch (IllegalArgumentException e) {
            String key = e.getMessage().startsWith("size") ? "cache.size"
                    : e.getMessage().startsWith("max_staleness") ? "cache.max_staleness" : "cache.node_id";
            throw new ConfigException(key, e.getMessage());
        }
    }

    /** HikariCP properties: any but those that have their own key or would hold a password. */
    private static Map<String, String> hikari(@Nullable Map<String, String> given, @Nullable Integer poolSize) {
        Map<String, String> options = new LinkedHashMap<>();
        if (given != null) {
            for (Map.Entry<String, String> e : given.entrySet()) {
                String k = e.getKey();
                String key = "cache.options." + k;
                switch (k) {
                    case "password", "dataSource.password" -> throw plainPassword(key);
                    case "jdbcUrl", "dataSourceClassName" -> throw new ConfigException(key, "set cache.url instead");
                    case "username", "dataSource.user" -> throw new ConfigException(key, "set cache.username instead");
                    case "maximumPoolSize" -> throw new ConfigException(key, "set cache.pool_size instead");
                    default -> {
                        if (e.getValue() == null) {
                            throw new ConfigException(key, "has no value");
                        }
                        options.put(k, e.getValue());
                    }
                }
            }
        }
        if (poolSize != null) {
            if (poolSize < 1 || poolSize > 1000) {
                throw new ConfigException("cache.pool_size", poolSize + " is not in 1..1000");
            }
            options.put("maximumPoolSize", String.valueOf(poolSize));
        }
        return options;
    }

    /**
     * A libpq URL ({@code postgres://user@host:port/db?params}, postfix-mta-sts-resolver's {@code
     * dsn}) as a JDBC URL and its user (or null).
     */
    private static String[] fromLibpq(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException("cache.url", "not a URL: " + SafeText.escape(e.getMessage()));
        }
        String userInfo = uri.getRawUserInfo();
        String user = null;
        if (userInfo != null) {
            if (userInfo.indexOf(':') >= 0) {
                throw plainPassword("cache.url");
            }
            user = java.net.URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
        }
        String host = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        host = host.substring(host.indexOf('@') + 1);
        if (host.isEmpty() || host.startsWith("%2F") || host.startsWith("%2f")) {
            throw new ConfigException("cache.url", "needs a host (HOST or HOST:PORT): the PostgreSQL JDBC driver does not "
                    + "connect to a Unix socket, got " + SafeText.quote(url));
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new String[] {"jdbc:postgresql://" + host + path + query, user};
    }

    /** Checks a Redis URI: the scheme, a host, a master name for Sentinel, no password. */
    private static String redisUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException("cache.url", "not a URL: " + SafeText.escape(e.getMessage()));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss") && !scheme.equals("redis-sentinel")
                && !scheme.equals("rediss-sentinel")) {
            throw new ConfigException("cache.url", "expected redis://HOST:PORT/DB, rediss://... or "
                    + "redis-sentinel://HOST:PORT,HOST:PORT/DB#MASTER, got " + SafeText.quote(url));
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty() || authority.endsWith("@")) {
            throw new ConfigException("cache.url", "needs a host, got " + SafeText.quote(url));
        }
        if (authority.indexOf('@') >= 0) {
            // redis://:secret@host, redis://user:secret@host, or redis://secret@host (Lettuce reads a
            // user info without a colon as the password): the user goes in cache.username.
            throw plainPassword("cache.url");
        }
        if (scheme.endsWith("-sentinel") && (uri.getFragment() == null || uri.getFragment().isBlank())) {
            throw new ConfigException("cache.url", "a redis-sentinel:// URL ends with #MASTER, the master's name, got "
                    + SafeText.quote(url));
        }
        return url;
    }

    private static Zone zone(String key, ConfigFile.@Nullable Zone z, Zone base) {
        if (z == null) {
            return base;
        }
        return at(key, () -> new Zone(z.strictTesting() != null ? z.strictTesting() : base.strictTesting(),
                duration(key + ".timeout", z.timeout(), base.timeout()),
                z.requireSni() != null ? z.requireSni() : base.requireSni(),
                z.tlsrpt() != null ? z.tlsrpt() : base.tlsrpt()));
    }

    private static List<InetSocketAddress> servers(String key, @Nullable List<String> texts) {
        if (texts == null) {
            return List.of();
        }
        return texts.stream().map(t -> at(key, () -> server(t))).toList();
    }

    /** {@code host}, {@code host:port} or {@code [v6]:port}; port 53 by default. */
    static InetSocketAddress server(String text) {
        String t = text.strip();
        String host = t;
        int port = 53;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '[' in " + SafeText.quote(text));
            }
            host = t.substring(1, close);
            if (close + 1 < t.length()) {
                if (t.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("expected ':port' after ']' in " + SafeText.quote(text));
                }
                port = port(t.substring(close + 2), text);
            }
        } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
            host = t.substring(0, t.indexOf(':'));
            port = port(t.substring(t.indexOf(':') + 1), text);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host in " + SafeText.quote(text));
        }
        // Numeric addresses only: a resolver given by name would need a resolver to find it.
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw new IllegalArgumentException("a DNS server is an IP address, got " + SafeText.quote(text));
        }
        return new InetSocketAddress(host, port);
    }

    private static int port(String s, String text) {
        try {
            int p = Integer.parseInt(s);
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port " + p + " is not in 1..65535 in " + SafeText.quote(text));
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in " + SafeText.quote(text), e);
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?");

    /**
     * Reads a duration: a number of seconds ({@code 100}, as postfix-mta-sts-resolver writes them)
     * or a number with a unit {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}.
     */
    static Duration duration(String key, @Nullable String text, Duration fallback) {
        if (text == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new ConfigException(key + ": expected a duration such as 100s, 5m, 1h, 2d or 500ms, got "
                    + SafeText.quote(text), -1, -1);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static System.Logger.Level level(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "debug" -> System.Logger.Level.DEBUG;
            case "info" -> System.Logger.Level.INFO;
            case "warn", "warning" -> System.Logger.Level.WARNING;
            case "error" -> System.Logger.Level.ERROR;
            case "off" -> System.Logger.Level.OFF;
            default -> throw new IllegalArgumentException("expected debug, info, warn, error or off, got "
                    + SafeText.quote(text));
        };
    }

    private static <T> T at(String key, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException(key + ": " + e.getMessage(), -1, -1);
        }
    }

    private static String or(@Nullable String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static void positive(String name, @Nullable Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " " + d + " is not positive");
        }
    }

    private static boolean validMapName(String name) {
        if (name.isEmpty() || name.length() > 100) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    /**
     * A configuration error, with its position in the file when known.
     *
     * <pre>{@code
     * try {
     *     PostfixConfig.parse("listen: inet:127.0.0.1:8461\nlisten_port: 8461\n");
     * } catch (PostfixConfig.ConfigException e) {
     *     int line = e.line();                            // 2
     * }
     * }</pre>
     *
     * <p>Immutable and thread-safe.
     */
    public static final class ConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        /** The 1-based line of the error, or -1. */
        private final int line;
        /** The 1-based column of the error, or -1. */
        private final int column;
        /** The dotted key the error is about, located in the document by {@link #parse}; or null. */
        final @Nullable String key;

        /**
         * Makes the exception.
         *
         * @param message the message, with the position if known
         * @param line the 1-based line, or -1
         * @param column the 1-based column, or -1
         */
        public ConfigException(String message, int line, int column) {
            super(message);
            this.line = line;
            this.column = column;
            this.key = null;
        }

        /** An error about the value of {@code key} (dotted), whose position {@link #parse} adds. */
        ConfigException(String key, String message) {
            super(key + ": " + message);
            this.line = -1;
            this.column = -1;
            this.key = key;
        }

        /**
         * Returns the line of the error.
         *
         * @return the 1-based line, or -1 when the error is about a key's value
         */
        public int line() {
            return line;
        }

        /**
         * Returns the column of the error.
         *
         * @return the 1-based column, or -1
         */
        public int column() {
            return column;
        }
    }
}
