package org.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mtasts.http.MtaSts;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MtaStsSandbox;

/**
 * Answers per second for a cached domain from one load client with 50 connections on loopback,
 * bounded in time ({@code -Dmtasts.postfix.load.seconds}, default 10) and count (one million
 * requests per connection at most). Not in the default run (tag {@code slow-load}):
 * <pre>
 * ./mvnw -B -o -pl mtasts-postfix -am verify -Dsurefire.excludedGroups= -Dtest=PostfixLoadTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * The figures go to {@code mtasts-postfix/target/postfix-load.txt}.
 */
@Tag("slow-load")
class PostfixLoadTest {

    @Test
    void fiftyConnectionsOnACachedDomain() throws Exception {
        long seconds = Long.getLong("mtasts.postfix.load.seconds", 10);
        int connections = 50;
        try (MtaStsSandbox sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("example.com").stsRecord("v=STSv1; id=1")
                        .policy("version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.mx.example.com\n"
                                + "max_age: 86400\n")
                        .mx(10, "mx1.example.com"))
                .start();
                MtaSts sts = MtaSts.builder().txtResolver(FakeTxtResolver.create()
                                .records("_mta-sts.example.com", "v=STSv1; id=1"))
                        .trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())
                        .proactiveRefresh(false).build();
                PostfixPolicyServer server = PostfixPolicyServer.builder(sts)
                        .config(PostfixConfig.parse("listen: inet:127.0.0.1:0\n")).start()) {
            try (SocketmapClient warm = SocketmapClient.connect(server.address(), Duration.ofSeconds(30))) {
                assertThat(warm.query("postfix", "example.com").status()).isEqualTo(SocketmapReply.Status.OK);
            }
            Timer before = server.meterRegistry().get("mtasts_postfix_answer").timer();
            long countBefore = before.count();
            Timer roundTrip = Timer.builder("round_trip").publishPercentiles(0.5, 0.99, 0.999)
                    .register(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            ExecutorService pool = Executors.newFixedThreadPool(connections);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long start = System.nanoTime();
            List<Future<Long>> done = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                done.add(pool.submit(() -> {
                    long n = 0;
                    try (SocketmapClient c = SocketmapClient.connect(server.address(), Duration.ofSeconds(30))) {
                        while (n < 1_000_000 && System.nanoTime() - end < 0) {
                            long t0 = System.nanoTime();
                            if (c.query("postfix", "example.com").status() != SocketmapReply.Status.OK) {
                                throw new AssertionError("not OK");
                            }
                            roundTrip.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                            n++;
                        }
                    }
                    return n;
                }));
            }
            long total = 0;
            for (Future<Long> f : done) {
                total += f.get(seconds + 60, TimeUnit.SECONDS);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            pool.shutdownNow();
            Timer timer = server.meterRegistry().get("mtasts_postfix_answer").timer();
            assertThat(timer.count() - countBefore).isEqualTo(total);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "connections=%d seconds=%.1f answers=%d answers_per_second=%.0f", connections, elapsed, total,
                    total / elapsed));
            for (ValueAtPercentile p : roundTrip.takeSnapshot().percentileValues()) {
                line.append(String.format(Locale.ROOT, " p%s_round_trip_us=%.1f",
                        java.math.BigDecimal.valueOf(p.percentile() * 100).stripTrailingZeros().toPlainString(),
                        p.value(TimeUnit.MICROSECONDS)));
            }
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "postfix-load.txt"), line + "\n");
            System.out.println(line);
        }
    }
}
