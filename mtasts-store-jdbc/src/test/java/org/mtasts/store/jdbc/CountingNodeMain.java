package org.mtasts.store.jdbc;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.mtasts.testkit.MutableClock;
import org.mtasts.tlsrpt.ReportAggregator;

/**
 * A node in its own JVM, for the test of a node killed mid-day: counts successful sessions on
 * {@link ClusterReportsStoreIT#DAY}, flushes every {@code args[3]} sessions (its flush interval,
 * measured in sessions rather than minutes so that no wall clock is involved) and prints {@code
 * flushed <sessions counted>} after each flush returned, until it is killed. Arguments: JDBC URL,
 * user, password, sessions per flush.
 */
public final class CountingNodeMain {

    private CountingNodeMain() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int every = Integer.parseInt(args[3]);
        MutableClock clock = MutableClock.of(ClusterReportsStoreIT.NOON);
        ReportAggregator counting = ClusterReportsStoreIT.aggregator(clock);
        try (JdbcPolicyStore store = JdbcPolicyStore.open(args[0], Map.of("username", args[1], "password", args[2],
                "maximumPoolSize", "2"))) {
            ClusterReports cluster = ClusterReports.builder(store.dataSource(), counting).nodeId("killed")
                    .clock(clock).schedule(false).build();
            ReportAggregator.PolicyKey key = counting.policy(ClusterReportsStoreIT.POLICIES.get(0));
            out.println("ready");
            for (long n = 1; ; n++) {
                counting.success(key);
                if (n % every == 0) {
                    cluster.flushNow();
                    out.println("flushed " + n);
                }
            }
        }
    }
}
