package org.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shared cache types of the configuration: postgres, jdbc, sqlite, redis; keys and precise errors. */
class SharedCacheConfigTest {

    @Test
    void postgresTakesAJdbcUrlAndHikariOptions() {
        PostfixConfig c = PostfixConfig.parse("""
                cache:
                  type: postgres
                  url: jdbc:postgresql://db.example.net:5432/mta
                  username: mta
                  password_file: /etc/mtasts-postfix/db-password
                  pool_size: 8
                  options:
                    connectionTimeout: 5000
                  max_staleness: 30s
                  node_id: mx1.example.net
                  size: 5000
                """);
        assertThat(c.cache()).isEqualTo(new PostfixConfig.Cache.Sql("jdbc:postgresql://db.example.net:5432/mta", "mta",
                new PostfixConfig.Secret(Path.of("/etc/mtasts-postfix/db-password"), null),
                Map.of("maximumPoolSize", "8", "connectionTimeout", "5000"),
                new PostfixConfig.Shared(5000, Duration.ofSeconds(30), "mx1.example.net")));
    }

    @Test
    void theDefaultsOfASharedCache() {
        PostfixConfig c = PostfixConfig.parse("cache:\n  type: jdbc\n  url: jdbc:postgresql://db/mta\n");
        PostfixConfig.Cache.Sql sql = (PostfixConfig.Cache.Sql) c.cache();
        assertThat(sql.username()).isNull();
        assertThat(sql.password()).isNull();
        assertThat(sql.options()).isEmpty();
        assertThat(sql.shared()).isEqualTo(new PostfixConfig.Shared(100_000, Duration.ofMinutes(1), null));
    }

    @Test
    void thePeersPostgresDsnIsConvertedToJdbc() {
        // postfix-mta-sts-resolver: cache.options.dsn: postgres://user@host/db
        PostfixConfig c = PostfixConfig.parse("cache:\n  type: postgres\n  url: postgres://mta@db.example.net:5433/mta"
                + "?sslmode=require\n  password_env: MTA_DB_PASSWORD\n");
        PostfixConfig.Cache.Sql sql = (PostfixConfig.Cache.Sql) c.cache();
        assertThat(sql.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.net:5433/mta?sslmode=require");
        assertThat(sql.username()).isEqualTo("mta");
        assertThat(sql.password()).isEqualTo(new PostfixConfig.Secret(null, "MTA_DB_PASSWORD"));
    }

    @Test
    void sqliteIsOneFileWithOneConnection() {
        PostfixConfig c = PostfixConfig.parse("cache:\n  type: sqlite\n  path: /var/lib/mtasts/policies.db\n");
        PostfixConfig.Cache.Sql sql = (PostfixConfig.Cache.Sql) c.cache();
        assertThat(sql.jdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/mtasts/policies.db");
        assertThat(sql.options()).containsEntry("maximumPoolSize", "1");
    }

    @Test
    void redisTakesAUrlPrefixAndTimeout() {
        PostfixConfig c = PostfixConfig.parse("""
                cache:
                  type: redis
                  url: redis-sentinel://s1.example.net:26379,s2.example.net:26379/0#mymaster
                  password_file: /etc/mtasts-postfix/redis-password
                  prefix: "mta:policy:"
                  timeout: 2s
                """);
        assertThat(c.cache()).isEqualTo(new PostfixConfig.Cache.Redis(
                "redis-sentinel://s1.example.net:26379,s2.example.net:26379/0#mymaster", null,
                new PostfixConfig.Secret(Path.of("/etc/mtasts-postfix/redis-password"), null), "mta:policy:",
                Duration.ofSeconds(2), new PostfixConfig.Shared(100_000, Duration.ofMinutes(1), null)));
        PostfixConfig plain = PostfixConfig.parse("cache:\n  type: redis\n  url: rediss://redis.example.net:6380/0\n");
        assertThat(((PostfixConfig.Cache.Redis) plain.cache()).prefix()).isEqualTo("mtasts:policy:");
        assertThat(((PostfixConfig.Cache.Redis) plain.cache()).timeout()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            postgres password in the YAML | cache:\\n  type: postgres\\n  url: jdbc:postgresql://db/mta\\n  password: s3cret\\n | 4 | 3 | cache.password: a password is not read from the configuration file in plain text
            password in a JDBC URL | cache:\\n  type: postgres\\n  url: jdbc:postgresql://db/mta?password=s3cret\\n | 3 | 3 | cache.url: a password is not read
            password in a libpq URL | cache:\\n  type: postgres\\n  url: postgres://mta:s3cret@db/mta\\n | 3 | 3 | cache.url: a password is not read
            password in a Redis URL | cache:\\n  type: redis\\n  url: redis://:s3cret@redis:6379/0\\n | 3 | 3 | cache.url: a password is not read
            password in the options | cache:\\n  type: jdbc\\n  url: jdbc:postgresql://db/mta\\n  options:\\n    password: x\\n | 5 | 5 | cache.options.password: a password is not read
            not a JDBC URL | cache:\\n  type: postgres\\n  url: db.example.net\\n | 3 | 3 | cache.url: expected a JDBC URL such as jdbc:postgresql://db.example.net:5432/mta or postgres://USER@HOST:PORT/DB, got 'db.example.net'
            postgres with another driver | cache:\\n  type: postgres\\n  url: jdbc:mysql://db/mta\\n | 3 | 3 | cache.url: type postgres needs a jdbc:postgresql: URL, got 'jdbc:mysql://db/mta' (type jdbc takes any JDBC URL)
            a Unix socket dsn | cache:\\n  type: postgres\\n  url: postgres://mta@%2Frun%2Fpostgresql/mta\\n | 3 | 3 | cache.url: needs a host (HOST or HOST:PORT)
            no url | cache:\\n  type: postgres\\n  username: mta\\n | 2 | 3 | cache.type: type postgres needs a url
            a bad pool size | cache:\\n  type: postgres\\n  url: jdbc:postgresql://db/mta\\n  pool_size: 0\\n | 4 | 3 | cache.pool_size: 0 is not in 1..1000
            a pool size in the options | cache:\\n  type: jdbc\\n  url: jdbc:postgresql://db/mta\\n  options:\\n    maximumPoolSize: 4\\n | 5 | 5 | cache.options.maximumPoolSize: set cache.pool_size instead
            both password sources | cache:\\n  type: jdbc\\n  url: jdbc:postgresql://db/mta\\n  password_file: /f\\n  password_env: X\\n | 5 | 3 | cache.password_env: give password_file or password_env, not both
            a bad variable name | cache:\\n  type: jdbc\\n  url: jdbc:postgresql://db/mta\\n  password_env: 'A B'\\n | 4 | 3 | cache.password_env: password_env 'A B' is not an environment variable name
            a bad staleness | cache:\\n  type: redis\\n  url: redis://r/0\\n  max_staleness: 2d\\n | 4 | 3 | cache.max_staleness: max_staleness PT48H is not in 0s..1d
            a blank node id | cache:\\n  type: redis\\n  url: redis://r/0\\n  node_id: ' '\\n | 4 | 3 | cache.node_id: node_id ' ' must be 1 to 200 characters, not blank
            another scheme | cache:\\n  type: redis\\n  url: http://r:6379\\n | 3 | 3 | cache.url: expected redis://HOST:PORT/DB, rediss://... or redis-sentinel://HOST:PORT,HOST:PORT/DB#MASTER, got 'http://r:6379'
            sentinel without master | cache:\\n  type: redis\\n  url: redis-sentinel://s1:26379/0\\n | 3 | 3 | cache.url: a redis-sentinel:// URL ends with #MASTER
            a user in the Redis URL | cache:\\n  type: redis\\n  url: redis://mta@r:6379/0\\n | 3 | 3 | cache.url: a password is not read
            a bad prefix | cache:\\n  type: redis\\n  url: redis://r/0\\n  prefix: 'a*'\\n | 4 | 3 | cache.prefix: 'a*' must be at most 100 printable ASCII
            a bad timeout | cache:\\n  type: redis\\n  url: redis://r/0\\n  timeout: 0s\\n | 4 | 3 | cache.timeout: is not in 1ms..1h: '0s'
            sqlite without path | cache:\\n  type: sqlite\\n | 2 | 3 | cache.type: type sqlite needs a path
            """)
    void badValuesAreErrorsAtTheirKey(String name, String yaml, int line, int column, String message) {
        assertThatThrownBy(() -> PostfixConfig.parse(yaml.replace("\\n", "\n")))
                .isInstanceOfSatisfying(PostfixConfig.ConfigException.class, e -> {
                    assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
                    assertThat(e.column()).as(e.getMessage()).isEqualTo(column);
                    assertThat(e.getMessage()).startsWith("line " + line + ", column " + column + ": " + message);
                });
    }

    @Test
    void anUnknownKeyOfASharedCacheIsAnError() {
        assertThatThrownBy(() -> PostfixConfig.parse("cache:\n  type: redis\n  url: redis://r/0\n  max_connections: 25\n"))
                .isInstanceOfSatisfying(PostfixConfig.ConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.getMessage()).contains("unknown key 'max_connections' at cache");
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            redis | cache:\\n  type: redis\\n  url: redis://r/0\\n | org.mtasts.store.redis. | type redis needs mtasts-store-redis on the class or module path
            redis | cache:\\n  type: redis\\n  url: redis://r/0\\n | io.lettuce. | type redis needs Lettuce (io.lettuce:lettuce-core) on the class or module path
            postgres | cache:\\n  type: postgres\\n  url: jdbc:postgresql://db/mta\\n | org.mtasts.store.jdbc. | type postgres needs mtasts-store-jdbc on the class or module path
            postgres | cache:\\n  type: postgres\\n  url: jdbc:postgresql://db/mta\\n | org.postgresql. | type postgres needs the PostgreSQL JDBC driver (org.postgresql:postgresql) on the class or module path
            jdbc | cache:\\n  type: jdbc\\n  url: jdbc:sqlite:/tmp/x.db\\n | org.sqlite. | type jdbc needs the SQLite JDBC driver (org.xerial:sqlite-jdbc) on the class or module path
            sqlite | cache:\\n  type: sqlite\\n  path: /tmp/x.db\\n | org.sqlite. | type sqlite needs the SQLite JDBC driver (org.xerial:sqlite-jdbc) on the class or module path
            """)
    void aMissingStoreModuleOrDriverIsAConfigurationError(String type, String yaml, String missing, String message) {
        Predicate<String> classes = name -> !name.startsWith(missing);
        assertThatThrownBy(() -> PostfixConfig.parse(yaml.replace("\\n", "\n"), classes))
                .isInstanceOfSatisfying(PostfixConfig.ConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).isEqualTo("line 2, column 3: cache.type: " + message);
                });
    }

    @Test
    void aPasswordIsReadFromItsFileWithoutTheLineBreak(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("password");
        Files.writeString(file, "s3cret\n");
        assertThat(new PostfixConfig.Secret(file, null).read()).containsExactly('s', '3', 'c', 'r', 'e', 't');
        Files.writeString(file, "\n");
        assertThatThrownBy(() -> new PostfixConfig.Secret(file, null).read()).hasMessageContaining("is empty");
        assertThatThrownBy(() -> new PostfixConfig.Secret(null, "MTASTS_TEST_SURELY_UNSET_VARIABLE").read())
                .hasMessage("password_env: the environment variable MTASTS_TEST_SURELY_UNSET_VARIABLE is not set");
    }

    @Test
    void theSecretsSourceIsShownNeverItsValue() {
        assertThat(new PostfixConfig.Secret(Path.of("/etc/pw"), null).toString()).doesNotContain("s3cret");
    }
}
