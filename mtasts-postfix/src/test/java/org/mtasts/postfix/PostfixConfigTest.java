package org.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The YAML configuration: defaults, every key, and precise errors. */
class PostfixConfigTest {

    @Test
    void anEmptyFileGivesTheDefaults() {
        PostfixConfig c = PostfixConfig.parse("");
        assertThat(c.listen()).isEqualTo(ListenAddress.parse("inet:127.0.0.1:8461"));
        assertThat(c.mapName()).isEqualTo("postfix");
        assertThat(c.http()).isNull();
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(100));
        assertThat(c.maxReplySize()).isEqualTo(100_000);
        assertThat(c.onTemporaryFailure()).isEqualTo(PostfixConfig.OnTemporaryFailure.TEMP);
        assertThat(c.cache()).isInstanceOf(PostfixConfig.Cache.Memory.class);
        assertThat(c.dane().enabled()).isFalse();
        assertThat(c.refresh().enabled()).isTrue();
        assertThat(c.defaultZone()).isEqualTo(new PostfixConfig.Zone(false, Duration.ofSeconds(20), true, false));
        assertThat(PostfixConfig.defaults()).isEqualTo(c);
    }

    @Test
    void readsEveryKey() {
        PostfixConfig c = PostfixConfig.parse("""
                listen: unix:/run/mtasts/socketmap.sock
                map_name: tls
                http: 127.0.0.1:8462
                log_level: debug
                request_timeout: 30s
                idle_timeout: 10m
                max_connections: 50
                max_reply_size: 5000
                shutdown_timeout: 2s
                on_temporary_failure: notfound
                dns:
                  servers: [127.0.0.1, "[::1]:5353"]
                  timeout: 500ms
                dane:
                  enabled: true
                  servers: [127.0.0.1:5354]
                  cache_ttl: 1m
                cache:
                  type: file
                  path: /var/lib/mtasts-postfix
                proactive_refresh:
                  enabled: false
                  interval: 2h
                  concurrency: 8
                default_zone:
                  strict_testing: false
                  timeout: 4
                  tlsrpt: true
                zones:
                  strict:
                    strict_testing: true
                """);
        assertThat(c.listen().isUnix()).isTrue();
        assertThat(c.mapName()).isEqualTo("tls");
        assertThat(c.http()).isEqualTo(new ListenAddress("127.0.0.1", 8462, null));
        assertThat(c.logLevel()).isEqualTo(System.Logger.Level.DEBUG);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.onTemporaryFailure()).isEqualTo(PostfixConfig.OnTemporaryFailure.NOTFOUND);
        assertThat(c.dnsServers()).containsExactly(new InetSocketAddress("127.0.0.1", 53),
                new InetSocketAddress("::1", 5353));
        assertThat(c.dnsTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.dane()).isEqualTo(new PostfixConfig.Dane(true, java.util.List.of(new InetSocketAddress("127.0.0.1", 5354)),
                Duration.ofSeconds(5), Duration.ofMinutes(1)));
        assertThat(c.cache()).isEqualTo(new PostfixConfig.Cache.File(Path.of("/var/lib/mtasts-postfix")));
        assertThat(c.refresh().enabled()).isFalse();
        assertThat(c.refresh().concurrency()).isEqualTo(8);
        // A plain number is seconds, as in postfix-mta-sts-resolver; named zones inherit the default zone.
        assertThat(c.defaultZone()).isEqualTo(new PostfixConfig.Zone(false, Duration.ofSeconds(4), true, true));
        assertThat(c.zone("strict")).isEqualTo(new PostfixConfig.Zone(true, Duration.ofSeconds(4), true, true));
        assertThat(c.zone("tls")).isEqualTo(c.defaultZone());
        assertThat(c.zone("postfix")).isNull();
    }

    @Test
    void anUnknownKeyIsAnErrorWithLineAndColumn() {
        assertThatThrownBy(() -> PostfixConfig.parse("listen: inet:127.0.0.1:8461\nport: 8461\n"))
                .isInstanceOfSatisfying(PostfixConfig.ConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo(1);
                    assertThat(e.getMessage()).startsWith("line 2, column 1: unknown key 'port' (known: ");
                    assertThat(e.getMessage()).contains("listen", "zones");
                });
        assertThatThrownBy(() -> PostfixConfig.parse("default_zone:\n  strict_testing: true\n  require_snii: true\n"))
                .isInstanceOfSatisfying(PostfixConfig.ConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.getMessage()).contains("unknown key 'require_snii' at default_zone");
                });
    }

    @Test
    void anUnknownCacheTypeIsAnError() {
        assertThatThrownBy(() -> PostfixConfig.parse("cache:\n  type: mysql\n  url: jdbc:mysql://x\n"))
                .isInstanceOf(PostfixConfig.ConfigException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("mysql");
        assertThatThrownBy(() -> PostfixConfig.parse("cache:\n  type: file\n"))
                .hasMessage("cache: type file needs a path");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> PostfixConfig.parse("request_timeout: soon\n"))
                .hasMessage("request_timeout: expected a duration such as 100s, 5m, 1h, 2d or 500ms, got 'soon'");
        assertThatThrownBy(() -> PostfixConfig.parse("listen: 127.0.0.1\n"))
                .hasMessage("listen: expected inet:host:port or unix:/path, got '127.0.0.1'");
        assertThatThrownBy(() -> PostfixConfig.parse("on_temporary_failure: defer\n"))
                .hasMessage("on_temporary_failure: expected temp or notfound, got 'defer'");
        assertThatThrownBy(() -> PostfixConfig.parse("dns:\n  servers: [dns.example]\n"))
                .hasMessage("dns.servers: a DNS server is an IP address, got 'dns.example'");
        assertThatThrownBy(() -> PostfixConfig.parse("max_connections: 0\n"))
                .hasMessage("configuration: max_connections 0 is not in 1..100000");
        assertThatThrownBy(() -> PostfixConfig.parse("max_connections: many\n"))
                .isInstanceOfSatisfying(PostfixConfig.ConfigException.class, e -> assertThat(e.line()).isEqualTo(1));
        assertThatThrownBy(() -> PostfixConfig.parse("zones:\n  postfix:\n    strict_testing: true\n"))
                .hasMessage("configuration: zone 'postfix' has the name of the default zone's map");
    }

    @Test
    void duplicateKeysAndBadYamlAreErrors() {
        assertThatThrownBy(() -> PostfixConfig.parse("map_name: a\nmap_name: b\n"))
                .isInstanceOfSatisfying(PostfixConfig.ConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).contains("map_name");
                });
        assertThatThrownBy(() -> PostfixConfig.parse("listen: [unclosed\n"))
                .isInstanceOf(PostfixConfig.ConfigException.class);
    }
}
