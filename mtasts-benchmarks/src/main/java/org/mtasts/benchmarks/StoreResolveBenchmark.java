package org.mtasts.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyStore;
import org.mtasts.core.StsPolicy;
import org.mtasts.http.FetchResult;
import org.mtasts.http.FrontedPolicyStore;
import org.mtasts.http.InMemoryPolicyStore;
import org.mtasts.http.MtaSts;
import org.mtasts.http.PolicyResolution;
import org.mtasts.store.jdbc.JdbcPolicyStore;
import org.mtasts.store.redis.RedisPolicyStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The shared stores behind the per-node front ({@link FrontedPolicyStore}) against the in-memory
 * store, in the same run: {@code store=memory} is {@link InMemoryPolicyStore}, {@code jdbc} and
 * {@code redis} are the PostgreSQL and Redis stores of integration/stores/start.sh, each behind a
 * front.
 * <ul>
 *   <li>{@link #resolveHit}: {@link MtaSts#resolve} on a cache hit (what a mail server calls before
 *       each delivery);</li>
 *   <li>{@link #storeGetHit}: the store's {@code get} on a hit of the front (what the recheck and
 *       the cold path call);</li>
 *   <li>{@link #storeGetMiss}: the cost of a miss: a read through to the shared store (one
 *       {@code SELECT} on a pooled connection, or one {@code HGETALL}); for {@code memory}, the
 *       map look-up itself.</li>
 * </ul>
 * The tear-down checks that no hit touched the shared store and that the policy was fetched once
 * per domain.
 *
 * <pre>{@code
 * integration/stores/start.sh
 * java -jar mtasts-benchmarks/target/benchmarks.jar StoreResolveBenchmark -f1 -wi 2 -i 3 -w 2s -r 3s
 * }</pre>
 *
 * <p>JMH shares one instance between the benchmark threads. Thread-safe; share one instance.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@State(Scope.Benchmark)
public class StoreResolveBenchmark {

    private static final int DOMAINS = 1000;

    /** The store behind {@link MtaSts}. */
    @Param({"memory", "jdbc", "redis"})
    public String store;

    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicInteger sharedReads = new AtomicInteger();
    private final Clock clock = Clock.systemUTC();
    private MtaSts sts = MtaSts.builder().txtResolver(new MemoryTxtResolver()).proactiveRefresh(false).build();
    private PolicyStore front = new InMemoryPolicyStore();
    private PolicyStore shared = new InMemoryPolicyStore();
    private AutoCloseable closer = () -> { };
    private DomainName domain = DomainName.of("x.invalid");
    private int readsAfterSetUp;

    /** Counts the reads that reach the shared store. */
    private final class Counting implements PolicyStore {
        private final PolicyStore inner;

        Counting(PolicyStore inner) {
            this.inner = inner;
        }

        @Override
        public Optional<CachedPolicy> get(DomainName d) {
            sharedReads.incrementAndGet();
            return inner.get(d);
        }

        @Override
        public void put(CachedPolicy policy) {
            inner.put(policy);
        }

        @Override
        public void remove(DomainName d) {
            inner.remove(d);
        }

        @Override
        public void forEach(java.util.function.Consumer<? super CachedPolicy> action) {
            inner.forEach(action);
        }
    }

    /** Opens the store and fills the cache through the real slow path (DNS, one fetch per domain). */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        sts.close();
        switch (store) {
            case "memory" -> {
                InMemoryPolicyStore memory = new InMemoryPolicyStore(10_000, clock);
                shared = memory;
                front = memory;
            }
            case "jdbc" -> {
                Properties p = stores();
                JdbcPolicyStore jdbc = JdbcPolicyStore.open(p.getProperty("jdbc.url"), Map.of("username",
                        p.getProperty("jdbc.user"), "password", p.getProperty("jdbc.password", ""), "maximumPoolSize",
                        "4"));
                closer = jdbc;
                shared = jdbc;
                front = FrontedPolicyStore.over(new Counting(jdbc), Duration.ofMinutes(1), 10_000, clock);
            }
            case "redis" -> {
                RedisPolicyStore redis = RedisPolicyStore.open(stores().getProperty("redis.uri"),
                        Map.of("prefix", "bench:policy:"));
                closer = redis;
                shared = redis;
                front = FrontedPolicyStore.over(new Counting(redis), Duration.ofMinutes(1), 10_000, clock);
            }
            default -> throw new IllegalArgumentException("store " + store);
        }
        StsPolicy policy = StsPolicy.parse(Inputs.POLICY_BYTES).orElseThrow();
        FetchResult fetched = new FetchResult.Fetched(policy, Inputs.POLICY, List.of(), List.of());
        MemoryTxtResolver dns = new MemoryTxtResolver();
        for (int i = 0; i < DOMAINS; i++) {
            dns.records("_mta-sts.d" + i + ".bench.example", "v=STSv1; id=20240101T000000;");
            shared.remove(DomainName.of("d" + i + ".bench.example"));
        }
        sts = MtaSts.builder().txtResolver(dns).fetcher(d -> {
            fetches.incrementAndGet();
            return CompletableFuture.completedFuture(fetched);
        }).store(front).clock(clock).proactiveRefresh(false).build();
        for (int i = 0; i < DOMAINS; i++) {
            DomainName d = DomainName.of("d" + i + ".bench.example");
            if (!(sts.resolve(d) instanceof PolicyResolution.Active)) {
                throw new IllegalStateException("no active policy for " + d);
            }
        }
        domain = DomainName.of("d" + DOMAINS / 2 + ".bench.example");
        if (front.get(domain).isEmpty() || shared.get(domain).isEmpty()) {
            throw new IllegalStateException("the policy of " + domain + " is not stored");
        }
        readsAfterSetUp = sharedReads.get();
    }

    /** Checks that nothing was fetched again, and that no hit read the shared store. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        sts.close();
        closer.close();
        if (fetches.get() != DOMAINS) {
            throw new IllegalStateException(fetches.get() + " fetches for " + DOMAINS + " domains");
        }
    }

    /** After each iteration: the hits (which run before the miss benchmark's reads) left the shared store alone. */
    @TearDown(Level.Iteration)
    public void checkHits() {
        if (!"memory".equals(store) && sharedReads.get() != readsAfterSetUp) {
            throw new IllegalStateException((sharedReads.get() - readsAfterSetUp) + " shared-store reads on hits");
        }
    }

    /** A cache hit of the service. */
    @Benchmark
    @Threads(1)
    public PolicyResolution resolveHit() {
        return sts.resolve(domain);
    }

    /** A hit of the store behind the service (the front, or the in-memory store). */
    @Benchmark
    @Threads(1)
    public Optional<CachedPolicy> storeGetHit() {
        return front.get(domain);
    }

    /** A miss: a read of the shared store itself (the network round trip of a read-through). */
    @Benchmark
    @Threads(1)
    public Optional<CachedPolicy> storeGetMiss() {
        return shared.get(domain);
    }

    private static Properties stores() {
        Path file = Path.of(System.getProperty("stores.dir", "/tmp/stores"), "stores.properties");
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(file + " is missing: run integration/stores/start.sh", e);
        }
        return p;
    }
}
