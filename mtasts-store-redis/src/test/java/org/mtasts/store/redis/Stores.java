package org.mtasts.store.redis;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * The servers of integration/stores/start.sh, from the stores.properties it writes: tests skip
 * when it is absent, or fail if the system property stores.required is true (as in .ci/run).
 */
final class Stores {

    private Stores() {}

    static String redisUri() {
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
        return p.getProperty("redis.uri");
    }
}
