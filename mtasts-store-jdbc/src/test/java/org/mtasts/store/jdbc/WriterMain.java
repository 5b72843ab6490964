package org.mtasts.store.jdbc;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A writer in its own JVM, for the tests across processes: puts {@link Policies#write} number 0,
 * 1, 2, ... of writer {@code args[3]} into the PostgreSQL store and prints {@code ok <i>} after
 * each put returned. Arguments: JDBC URL, user, password, writer, count (-1: until killed), seed,
 * domains, padding.
 */
public final class WriterMain {

    private WriterMain() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int writer = Integer.parseInt(args[3]);
        int count = Integer.parseInt(args[4]);
        long seed = Long.parseLong(args[5]);
        int domains = Integer.parseInt(args[6]);
        int padding = Integer.parseInt(args[7]);
        try (JdbcPolicyStore store = JdbcPolicyStore.open(args[0], Map.of("username", args[1], "password", args[2],
                "maximumPoolSize", "2"))) {
            out.println("ready");
            for (int i = 0; count < 0 || i < count; i++) {
                store.put(Policies.write(writer, i, domains, seed, padding));
                out.println("ok " + i);
            }
        }
        out.println("done");
    }
}
