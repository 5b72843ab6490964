package org.mtasts.postfix;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The YAML file as written: every key optional, values as text, checked and converted by {@link
 * PostfixConfig}. Jackson binds these records (the package is opened to it).
 */
final class ConfigFile {

    private ConfigFile() {}

    record Root(
            @JsonProperty("listen") @Nullable String listen,
            @JsonProperty("map_name") @Nullable String mapName,
            @JsonProperty("http") @Nullable String http,
            @JsonProperty("log_level") @Nullable String logLevel,
            @JsonProperty("request_timeout") @Nullable String requestTimeout,
            @JsonProperty("idle_timeout") @Nullable String idleTimeout,
            @JsonProperty("max_connections") @Nullable Integer maxConnections,
            @JsonProperty("max_reply_size") @Nullable Integer maxReplySize,
            @JsonProperty("shutdown_timeout") @Nullable String shutdownTimeout,
            @JsonProperty("on_temporary_failure") @Nullable String onTemporaryFailure,
            @JsonProperty("dns") @Nullable Dns dns,
            @JsonProperty("dane") @Nullable Dane dane,
            @JsonProperty("cache") @Nullable Cache cache,
            @JsonProperty("proactive_refresh") @Nullable Refresh proactiveRefresh,
            @JsonProperty("default_zone") @Nullable Zone defaultZone,
            @JsonProperty("zones") @Nullable Map<String, Zone> zones) {}

    record Dns(
            @JsonProperty("servers") @Nullable List<String> servers,
            @JsonProperty("timeout") @Nullable String timeout) {}

    record Dane(
            @JsonProperty("enabled") @Nullable Boolean enabled,
            @JsonProperty("servers") @Nullable List<String> servers,
            @JsonProperty("timeout") @Nullable String timeout,
            @JsonProperty("cache_ttl") @Nullable String cacheTtl) {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = MemoryCache.class, name = "memory"),
        @JsonSubTypes.Type(value = FileCache.class, name = "file"),
        @JsonSubTypes.Type(value = PostgresCache.class, names = {"postgres", "postgresql"}),
        @JsonSubTypes.Type(value = JdbcCache.class, name = "jdbc"),
        @JsonSubTypes.Type(value = SqliteCache.class, name = "sqlite"),
        @JsonSubTypes.Type(value = RedisCache.class, name = "redis")
    })
    sealed interface Cache permits MemoryCache, FileCache, SqlCache, SqliteCache, RedisCache {}

    record MemoryCache(@JsonProperty("size") @Nullable Integer size) implements Cache {}

    record FileCache(@JsonProperty("path") @Nullable String path) implements Cache {}

    /** {@code type: postgres} or {@code type: jdbc}: the same keys, the type decides which URLs are accepted. */
    sealed interface SqlCache extends Cache permits PostgresCache, JdbcCache {
        @Nullable String url();

        @Nullable String username();

        @Nullable String password();

        @Nullable String passwordFile();

        @Nullable String passwordEnv();

        @Nullable Integer poolSize();

        @Nullable Map<String, String> options();

        @Nullable Integer size();

        @Nullable String maxStaleness();

        @Nullable String nodeId();
    }

    record PostgresCache(
            @JsonProperty("url") @Nullable String url,
            @JsonProperty("username") @Nullable String username,
            @JsonProperty("password") @Nullable String password,
            @JsonProperty("password_file") @Nullable String passwordFile,
            @JsonProperty("password_env") @Nullable String passwordEnv,
            @JsonProperty("pool_size") @Nullable Integer poolSize,
            @JsonProperty("options") @Nullable Map<String, String> options,
            @JsonProperty("size") @Nullable Integer size,
            @JsonProperty("max_staleness") @Nullable String maxStaleness,
            @JsonProperty("node_id") @Nullable String nodeId) implements SqlCache {}

    record JdbcCache(
            @JsonProperty("url") @Nullable String url,
            @JsonProperty("username") @Nullable String username,
            @JsonProperty("password") @Nullable String password,
            @JsonProperty("password_file") @Nullable String passwordFile,
            @JsonProperty("password_env") @Nullable String passwordEnv,
            @JsonProperty("pool_size") @Nullable Integer poolSize,
            @JsonProperty("options") @Nullable Map<String, String> options,
            @JsonProperty("size") @Nullable Integer size,
            @JsonProperty("max_staleness") @Nullable String maxStaleness,
            @JsonProperty("node_id") @Nullable String nodeId) implements SqlCache {}

    record SqliteCache(
            @JsonProperty("path") @Nullable String path,
            @JsonProperty("options") @Nullable Map<String, String> options,
            @JsonProperty("size") @Nullable Integer size,
            @JsonProperty("max_staleness") @Nullable String maxStaleness,
            @JsonProperty("node_id") @Nullable String nodeId) implements Cache {}

    record RedisCache(
            @JsonProperty("url") @Nullable String url,
            @JsonProperty("username") @Nullable String username,
            @JsonProperty("password") @Nullable String password,
            @JsonProperty("password_file") @Nullable String passwordFile,
            @JsonProperty("password_env") @Nullable String passwordEnv,
            @JsonProperty("prefix") @Nullable String prefix,
            @JsonProperty("timeout") @Nullable String timeout,
            @JsonProperty("size") @Nullable Integer size,
            @JsonProperty("max_staleness") @Nullable String maxStaleness,
            @JsonProperty("node_id") @Nullable String nodeId) implements Cache {}

    record Refresh(
            @JsonProperty("enabled") @Nullable Boolean enabled,
            @JsonProperty("interval") @Nullable String interval,
            @JsonProperty("age") @Nullable String age,
            @JsonProperty("spread") @Nullable String spread,
            @JsonProperty("concurrency") @Nullable Integer concurrency) {}

    record Zone(
            @JsonProperty("strict_testing") @Nullable Boolean strictTesting,
            @JsonProperty("timeout") @Nullable String timeout,
            @JsonProperty("require_sni") @Nullable Boolean requireSni,
            @JsonProperty("tlsrpt") @Nullable Boolean tlsrpt) {}
}
