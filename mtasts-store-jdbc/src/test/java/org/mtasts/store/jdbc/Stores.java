package org.mtasts.store.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * The servers of integration/stores/start.sh, from the stores.properties it writes: tests skip
 * when it is absent, or fail if the system property stores.required is true (as in .ci/run).
 */
final class Stores {

    private Stores() {}

    static Properties properties() {
        Path file = Path.of(System.getProperty("stores.dir", "/tmp/stores"), "stores.properties");
        if (!Files.isRegularFile(file)) {
            String why = file + " is missing: run integration/stores/start.sh";
            if (Boolean.getBoolean("stores.required")) {
                fail(why);
            }
            Assumptions.abort(why);
        }
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
