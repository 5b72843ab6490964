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
        @JsonSubTypes.Type(value = FileCache.class, name = "file")
    })
    sealed interface Cache permits MemoryCache, FileCache {}

    record MemoryCache(@JsonProperty("size") @Nullable Integer size) implements Cache {}

    record FileCache(@JsonProperty("path") @Nullable String path) implements Cache {}

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
