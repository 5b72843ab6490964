package org.mtasts.store.redis;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * The servers of integration/stores/start.sh, from the stores.properties it writes: tests skip
 * when it is absent or names a server that is not listening (a file left behind by servers that
 * died without stop.sh), or fail if the system property stores.required is true (as in .ci/run).
 */
final class Stores {

    private Stores() {}

    static String redisUri() {
        Path file = Path.of(System.getProperty("stores.dir", "/tmp/stores"), "stores.properties");
        String why = null;
        String redis = null;
        if (!Files.isRegularFile(file)) {
            why = file + " is missing: run integration/stores/start.sh";
        } else {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new AssertionError("cannot read " + file, e);
            }
            redis = p.getProperty("redis.uri", "");
            URI uri = URI.create(redis);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), 2000);
            } catch (IOException | IllegalArgumentException e) {
                why = "nothing listens at " + redis + " named in " + file + " (" + e.getMessage()
                        + "): run integration/stores/start.sh";
            }
        }
        if (why != null) {
            if (Boolean.getBoolean("stores.required")) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        return redis;
    }
}
