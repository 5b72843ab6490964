package org.mtasts.store.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;

/**
 * A writer in its own JVM, for the tests across processes: puts {@link Policies#write} number 0,
 * 1, 2, ... of writer {@code args[1]} into the Redis store (key prefix {@code args[6]}) and prints
 * {@code ok <i>} after each put returned. Arguments: Redis URI, writer, count (-1: until killed),
 * seed, domains, padding, prefix.
 */
public final class WriterMain {

    private WriterMain() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int writer = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        int domains = Integer.parseInt(args[4]);
        int padding = Integer.parseInt(args[5]);
        // The test policies' clock, not the system's: their expiry (and so the TTL) never depends on today.
        RedisClient client = RedisClient.create(args[0]);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisPolicyStore store = RedisPolicyStore.create(connection, args[6],
                    Clock.fixed(Policies.BASE.plusSeconds(60), ZoneOffset.UTC));
            out.println("ready");
            for (int i = 0; count < 0 || i < count; i++) {
                store.put(Policies.write(writer, i, domains, seed, padding));
                out.println("ok " + i);
            }
        } finally {
            client.shutdown();
        }
        out.println("done");
    }
}
