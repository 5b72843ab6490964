package org.mtasts.postfix;

import java.io.IOException;
import java.net.InetSocketAddress;
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

    /** Where policies are cached: a {@code type} discriminator selects the kind. */
    public sealed interface Cache permits Cache.Memory, Cache.File {
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
            return convert(root);
        } catch (IllegalArgumentException e) {
            throw e instanceof ConfigException c ? c : new ConfigException(e.getMessage(), -1, -1);
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

    private static PostfixConfig convert(ConfigFile.Root r) {
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
        Cache cache = at("cache", () -> {
            ConfigFile.Cache c = r.cache();
            if (c == null) {
                return new Cache.Memory(InMemoryPolicyStore.DEFAULT_MAX_ENTRIES);
            }
            if (c instanceof ConfigFile.FileCache f) {
                if (f.path() == null || f.path().isBlank()) {
                    throw new IllegalArgumentException("type file needs a path");
                }
                return new Cache.File(Path.of(f.path()));
            }
            Integer size = ((ConfigFile.MemoryCache) c).size();
            return new Cache.Memory(size == null ? InMemoryPolicyStore.DEFAULT_MAX_ENTRIES : size);
        });
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
