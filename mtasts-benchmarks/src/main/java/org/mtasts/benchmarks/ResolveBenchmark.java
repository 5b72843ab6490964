package org.mtasts.benchmarks;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.mtasts.core.DomainName;
import org.mtasts.core.StsPolicy;
import org.mtasts.http.FetchResult;
import org.mtasts.http.InMemoryPolicyStore;
import org.mtasts.http.MtaSts;
import org.mtasts.http.PolicyResolution;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link MtaSts#resolve} on a cache hit within the recheck interval, the call a mail server makes
 * before every delivery: answered from memory with no TXT lookup, on the default system clock (read
 * through the service's ticking copy), on one and two threads, against {@link
 * ConcurrentHashMap#get} on as many threads. The cache hit must allocate nothing; the tear-down
 * checks that the policy was fetched once per domain and that no TXT lookup was made after the
 * cache was filled.
 *
 * <pre>{@code
 * java -jar mtasts-benchmarks/target/benchmarks.jar ResolveBenchmark -prof gc
 * }</pre>
 *
 * <p>JMH shares one instance between the benchmark threads. Thread-safe; share one instance.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class ResolveBenchmark {

    /** Domains in the cache, so that the maps are not trivially small. */
    private static final int DOMAINS = 1000;

    private final AtomicInteger fetches = new AtomicInteger();
    private final ConcurrentHashMap<DomainName, Object> map = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();
    private MtaSts sts = MtaSts.builder().txtResolver(new MemoryTxtResolver()).proactiveRefresh(false).build();
    private DomainName domain = DomainName.of("x.invalid");
    private DomainName key = DomainName.of("x.invalid");
    private MemoryTxtResolver dns = new MemoryTxtResolver();
    private long lookupsAfterSetUp;

    /** Fills the cache through the real slow path (DNS, then one fetch per domain). */
    @Setup(Level.Trial)
    public void setUp() {
        sts.close();
        StsPolicy policy = StsPolicy.parse(Inputs.POLICY_BYTES).orElseThrow();
        FetchResult fetched = new FetchResult.Fetched(policy, Inputs.POLICY, List.of(), List.of());
        dns = new MemoryTxtResolver();
        for (int i = 0; i < DOMAINS; i++) {
            dns.records("_mta-sts.d" + i + ".example.com", "v=STSv1; id=20240101T000000;");
        }
        sts = MtaSts.builder()
                .txtResolver(dns)
                .fetcher(d -> {
                    fetches.incrementAndGet();
                    return CompletableFuture.completedFuture(fetched);
                })
                .store(new InMemoryPolicyStore(10_000, clock))
                .clock(clock)
                .proactiveRefresh(false)
                .build();
        for (int i = 0; i < DOMAINS; i++) {
            DomainName d = DomainName.of("d" + i + ".example.com");
            if (!(sts.resolve(d) instanceof PolicyResolution.Active)) {
                throw new IllegalStateException("no active policy for " + d);
            }
            map.put(DomainName.of("d" + i + ".example.com"), policy);
        }
        // Fresh instances, equal to the cached ones: as the MTA gets them from the recipient address.
        domain = DomainName.of("d" + DOMAINS / 2 + ".example.com");
        key = DomainName.of("d" + DOMAINS / 2 + ".example.com");
        PolicyResolution first = sts.resolve(domain);
        if (!(first instanceof PolicyResolution.Active active) || active.fresh() || sts.resolve(domain) != first) {
            throw new IllegalStateException("the second resolve is not a cache hit: " + first);
        }
        lookupsAfterSetUp = dns.lookups();
    }

    /** Checks that nothing was fetched again during the run. */
    @TearDown(Level.Trial)
    public void tearDown() {
        sts.close();
        if (fetches.get() != DOMAINS) {
            throw new IllegalStateException(fetches.get() + " fetches for " + DOMAINS + " domains");
        }
        // Issue 13: a cache hit within the recheck interval makes no TXT lookup.
        if (dns.lookups() != lookupsAfterSetUp) {
            throw new IllegalStateException((dns.lookups() - lookupsAfterSetUp) + " TXT lookups during the run");
        }
    }

    /** The floor, one thread. */
    @Benchmark
    @Threads(1)
    public Object mapGet() {
        return map.get(key);
    }

    /** The floor, two threads. */
    @Benchmark
    @Threads(2)
    public Object mapGet2Threads() {
        return map.get(key);
    }

    /**
     * For information: one read of the system clock, which the cache hit no longer makes (kvm-clock
     * makes it costly; the hit reads the service's ticking copy).
     */
    @Benchmark
    @Threads(1)
    @Floor(row = "one Clock.millis() read (no longer on the cache hit)", baseline = "mapGet", target = 0.2,
            informational = true)
    public long clockMillis() {
        return clock.millis();
    }

    /** A cache hit, one thread. */
    @Benchmark
    @Threads(1)
    @Floor(row = "MtaSts.resolve, cache hit, 1 thread", baseline = "mapGet", target = 0.5, zeroAllocation = true)
    public PolicyResolution resolve() {
        return sts.resolve(domain);
    }

    /** A cache hit, two threads. */
    @Benchmark
    @Threads(2)
    @Floor(row = "MtaSts.resolve, cache hit, 2 threads", baseline = "mapGet2Threads", target = 0.5,
            zeroAllocation = true)
    public PolicyResolution resolve2Threads() {
        return sts.resolve(domain);
    }
}
