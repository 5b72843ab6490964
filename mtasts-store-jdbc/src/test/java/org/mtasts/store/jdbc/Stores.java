package org.mtasts.store.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * The servers of integration/stores/start.sh, from the stores.properties it writes: tests skip
 * when it is absent or names a server that is not listening (a file left behind by servers that
 * died without stop.sh), or fail if the system property stores.required is true (as in .ci/run).
 */
final class Stores {

    private Stores() {}

    static Properties properties() {
        String why = unavailable();
        if (why != null) {
            if (Boolean.getBoolean("stores.required")) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        return load(file());
    }

    /** Why the PostgreSQL of start.sh cannot be used, or null when it listens. */
    static String unavailable() {
        Path file = file();
        if (!Files.isRegularFile(file)) {
            return file + " is missing: run integration/stores/start.sh";
        }
        String url = load(file).getProperty("jdbc.url", "");
        URI uri = URI.create(url.startsWith("jdbc:") ? url.substring(5) : url);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort()), 2000);
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return "nothing listens at " + url + " named in " + file + " (" + e.getMessage()
                    + "): run integration/stores/start.sh";
        }
    }

    private static Path file() {
        return Path.of(System.getProperty("stores.dir", "/tmp/stores"), "stores.properties");
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
        return p;
    }

    /** A fresh pool on the test database, with every mtasts table emptied. */
    static HikariDataSource postgres(int poolSize) {
        Properties p = properties();
        HikariDataSource ds = JdbcPolicyStore.pool(p.getProperty("jdbc.url"), Map.of("username",
                p.getProperty("jdbc.user"), "password", p.getProperty("jdbc.password", ""), "maximumPoolSize",
                Integer.toString(poolSize)), "mtasts-test");
        JdbcSchema.migrate(ds);
        return ds;
    }

    static void truncate(javax.sql.DataSource ds) {
        try (var c = ds.getConnection(); var s = c.createStatement()) {
            s.execute("DELETE FROM mtasts_policy");
            s.execute("DELETE FROM mtasts_lease");
            s.execute("DELETE FROM mtasts_tlsrpt_partial");
            s.execute("DELETE FROM mtasts_tlsrpt_day");
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
