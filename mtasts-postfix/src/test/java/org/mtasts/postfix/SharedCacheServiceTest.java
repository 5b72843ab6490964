package org.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.store.jdbc.JdbcPolicyStore;
import org.mtasts.testkit.MtaStsSandbox;

/**
 * The shared cache wiring of {@link PostfixPolicyService} on SQLite, which needs no server: the
 * same code as {@code type: postgres} (PostfixStoreIT), in every build.
 */
class SharedCacheServiceTest {
    static MtaStsSandbox sandbox;

    @BeforeAll
    static void startSandbox() {
        sandbox = MtaStsSandbox.builder().domain(SharedCacheServers.domain("sqlite.example")).start();
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @Test
    void twoServersShareOneSqliteCache(@TempDir Path dir) throws IOException {
        Path db = dir.resolve("policies.db");
        try (JdbcPolicyStore direct = JdbcPolicyStore.open("jdbc:sqlite:" + db, Map.of("maximumPoolSize", "1"))) {
            SharedCacheServers.answerTwiceThenFromTheStore(sandbox, "sqlite.example",
                    "cache:\n  type: sqlite\n  path: " + db + "\n  node_id: test-node\n", direct::get);
        }
    }

    @Test
    void aStoreThatCannotBeOpenedStopsTheStart(@TempDir Path dir) {
        PostfixConfig config = PostfixConfig.parse("listen: inet:127.0.0.1:0\ncache:\n  type: sqlite\n  path: "
                + dir.resolve("missing-dir").resolve("policies.db") + "\n");
        assertThatThrownBy(() -> PostfixPolicyService.builder(config).start())
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot open the cache at jdbc:sqlite:");
    }

    @Test
    void aMissingPasswordFileStopsTheStart(@TempDir Path dir) {
        PostfixConfig config = PostfixConfig.parse("listen: inet:127.0.0.1:0\ncache:\n  type: jdbc\n  url: jdbc:sqlite:"
                + dir.resolve("p.db") + "\n  password_file: " + dir.resolve("nope") + "\n");
        assertThatThrownBy(() -> PostfixPolicyService.builder(config).start())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("nope");
    }

    @Test
    void anUnknownJdbcDriverIsNamed() {
        PostfixConfig config = PostfixConfig.parse("listen: inet:127.0.0.1:0\ncache:\n  type: jdbc\n"
                + "  url: jdbc:nosuchdb://db/mta\n  node_id: n1\n");
        assertThatThrownBy(() -> PostfixPolicyService.builder(config).start())
                .isInstanceOf(IOException.class)
                .hasMessage("cache.url jdbc:nosuchdb://db/mta: no JDBC driver for this URL on the class or module path");
        assertThat(config.cache()).isInstanceOf(PostfixConfig.Cache.Sql.class);
    }
}
