package org.mtasts.postfix;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.DomainName;
import org.mtasts.store.jdbc.JdbcPolicyStore;
import org.mtasts.store.redis.RedisPolicyStore;
import org.mtasts.testkit.MtaStsSandbox;

/**
 * {@code mtasts postfix serve} with {@code cache.type} postgres and redis against the real
 * PostgreSQL 15 and Redis 7 of integration/stores/start.sh: two servers over one store, the second
 * answering from what the first fetched. Skips without the servers (no stores.properties), or
 * fails if the system property stores.required is true (as in .ci/run).
 */
class PostfixStoreIT {
    static MtaStsSandbox sandbox;

    @BeforeAll
    static void startSandbox() {
        sandbox = MtaStsSandbox.builder()
                .domain(SharedCacheServers.domain("postfix-postgres.example"))
                .domain(SharedCacheServers.domain("postfix-redis.example"))
                .start();
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void twoServersShareOnePostgresCache(@TempDir Path dir) throws IOException {
        Properties p = stores();
        String domain = "postfix-postgres.example";
        // Trust authentication on loopback: the password is read and sent, and not checked.
        Path password = dir.resolve("db-password");
        Files.writeString(password, "not-checked-by-trust-auth\n");
        try (JdbcPolicyStore direct = JdbcPolicyStore.open(p.getProperty("jdbc.url"),
                Map.of("username", p.getProperty("jdbc.user")))) {
            direct.remove(DomainName.of(domain));               // left by an earlier run
            SharedCacheServers.answerTwiceThenFromTheStore(sandbox, domain, "cache:\n  type: postgres\n  url: "
                    + p.getProperty("jdbc.url") + "\n  username: " + p.getProperty("jdbc.user")
                    + "\n  password_file: " + password + "\n  pool_size: 2\n  node_id: it-node\n", direct::get);
        }
    }

    @Test
    void twoServersShareOneRedisCache() throws IOException {
        Properties p = stores();
        String domain = "postfix-redis.example";
        String prefix = "mtasts-postfix-it:policy:";
        try (RedisPolicyStore direct = RedisPolicyStore.open(p.getProperty("redis.uri"), Map.of("prefix", prefix))) {
            direct.remove(DomainName.of(domain));               // left by an earlier run
            SharedCacheServers.answerTwiceThenFromTheStore(sandbox, domain, "cache:\n  type: redis\n  url: "
                    + p.getProperty("redis.uri") + "\n  prefix: \"" + prefix + "\"\n  timeout: 5s\n", direct::get);
        }
    }

    static Properties stores() {
        Path file = Path.of(System.getProperty("stores.dir", "/tmp/stores"), "stores.properties");
        String why = null;
        Properties p = new Properties();
        if (!Files.isRegularFile(file)) {
            why = file + " is missing: run integration/stores/start.sh";
        } else {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new AssertionError("cannot read " + file, e);
            }
            // A file left behind by servers that died without stop.sh names servers that are gone.
            why = notListening(p.getProperty("jdbc.url", "").replaceFirst("^jdbc:", ""), 5432, file);
            if (why == null) {
                why = notListening(p.getProperty("redis.uri", ""), 6379, file);
            }
        }
        if (why != null) {
            if (Boolean.getBoolean("stores.required")) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        return p;
    }

    private static String notListening(String url, int defaultPort, Path file) {
        try (Socket s = new Socket()) {
            URI uri = URI.create(url);
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? defaultPort : uri.getPort()), 2000);
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return "nothing listens at " + url + " named in " + file + " (" + e.getMessage()
                    + "): run integration/stores/start.sh";
        }
    }
}
