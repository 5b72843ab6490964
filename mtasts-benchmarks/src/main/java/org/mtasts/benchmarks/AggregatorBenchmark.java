package org.mtasts.benchmarks;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyDetails;
import org.mtasts.tlsrpt.ReportAggregator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A sending MTA counting its sessions in one shared {@link ReportAggregator} from two threads, with
 * keys seen before (the steady state: a few policies, a few kinds of failure), against {@link
 * LongAdder#increment()} of one shared adder from two threads. Each must allocate nothing.
 *
 * <ul>
 *   <li>{@link #record}: {@code record(policy, failures)} cycling over four policies and, under
 *       each, a success (an empty list) and a failure (a list of one), given the same objects
 *       each time (as an MTA that keeps them next to the cached policy);</li>
 *   <li>{@link #recordEqualCopies}: the same sessions given equal but distinct objects, so the
 *       aggregator hashes the details on every call;</li>
 *   <li>{@link #countWithKeys}: the same sessions counted with {@code success(PolicyKey)} and
 *       {@code failure(FailureKey)}, the documented hot path;</li>
 *   <li>{@link #countPairsWithKeys}: sessions that hit two failure details, {@code
 *       failure(FailureKey, FailureKey)}: three increments each;</li>
 *   <li>{@link #recordAt}: {@link #record} with the session's time given, which saves the clock
 *       read, the largest part of the cost on a virtual machine.</li>
 * </ul>
 *
 * <pre>{@code
 * java -jar mtasts-benchmarks/target/benchmarks.jar AggregatorBenchmark -prof gc
 * }</pre>
 *
 * <p>JMH shares one instance between the benchmark threads. Thread-safe; share one instance.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(2)
public class AggregatorBenchmark {

    /** Sessions per policy in one cycle: a success and a failure. */
    private static final int KINDS = 8;

    /**
     * The aggregator, the adder and the session mix, shared by both threads.
     *
     * <p>Thread-safe; share one instance.
     */
    @State(Scope.Benchmark)
    public static class Shared {
        final LongAdder adder = new LongAdder();
        ReportAggregator aggregator = newAggregator();
        PolicyDetails[] policies = new PolicyDetails[KINDS];
        List<List<FailureDetails>> failures = new ArrayList<>();
        PolicyDetails[] policyCopies = new PolicyDetails[KINDS];
        List<List<FailureDetails>> failureCopies = new ArrayList<>();
        ReportAggregator.PolicyKey[] policyKeys = new ReportAggregator.PolicyKey[KINDS];
        ReportAggregator.@Nullable FailureKey[] failureKeys = new ReportAggregator.FailureKey[KINDS];

        /** Builds four policies and, for each, a success and a failure, and counts each once. */
        @Setup
        public void setUp() {
            aggregator = newAggregator();
            failures.clear();
            failureCopies.clear();
            for (int i = 0; i < KINDS; i++) {
                // The same policy object for its success and its failure; copies made separately.
                policies[i] = i % 2 == 0 ? policy(i / 2) : policies[i - 1];
                policyCopies[i] = policy(i / 2);
                failures.add(i % 2 == 0 ? List.of() : List.of(failure(i / 2)));
                failureCopies.add(i % 2 == 0 ? List.of() : List.of(failure(i / 2)));
                policyKeys[i] = aggregator.policy(policies[i]);
                List<FailureDetails> f = failures.get(i);
                failureKeys[i] = f.isEmpty() ? null : aggregator.failureKey(policyKeys[i], f.get(0));
                aggregator.record(policies[i], failures.get(i));
            }
        }

        static ReportAggregator newAggregator() {
            return ReportAggregator.builder().organizationName("Example Mail")
                    .contactInfo("tlsrpt@mail.example.net").clock(Clock.systemUTC()).build();
        }

        static PolicyDetails policy(int i) {
            DomainName domain = DomainName.of("d" + i + ".example.com");
            StsPolicy policy = StsPolicy.builder().mode(PolicyMode.ENFORCE)
                    .mx("mx1.d" + i + ".example.com").mx("*.mail.d" + i + ".example.com").maxAge(604800).build();
            return PolicyDetails.sts(domain, policy.toText());
        }

        static FailureDetails failure(int i) {
            ResultType type = i % 2 == 0 ? ResultType.CERTIFICATE_EXPIRED : ResultType.STARTTLS_NOT_SUPPORTED;
            return FailureDetails.builder(type)
                    .sendingMtaIp("192.0.2.25").receivingMxHostname("mx1.d" + i + ".example.com")
                    .receivingIp("198.51.100." + (10 + i)).build();
        }
    }

    /**
     * For the two-detail sessions: an aggregator of its own (so that its extra failure keys do not
     * change the identity caches the other rows use), with two kinds of failure under each of the
     * four policies.
     *
     * <p>Thread-safe; share one instance.
     */
    @State(Scope.Benchmark)
    public static class Pairs {
        ReportAggregator aggregator = Shared.newAggregator();
        ReportAggregator.FailureKey[] first = new ReportAggregator.FailureKey[KINDS];
        ReportAggregator.FailureKey[] second = new ReportAggregator.FailureKey[KINDS];

        /** Makes the keys and counts each pair once. */
        @Setup
        public void setUp() {
            aggregator = Shared.newAggregator();
            for (int i = 0; i < KINDS; i++) {
                ReportAggregator.PolicyKey key = aggregator.policy(Shared.policy(i / 2));
                first[i] = aggregator.failureKey(key, Shared.failure(i / 2));
                second[i] = aggregator.failureKey(key, Shared.failure(i / 2 + 1));
                aggregator.failure(first[i], second[i]);
            }
        }
    }

    /**
     * Where each thread is in the cycle; threads start at different policies.
     *
     * <p>Not thread-safe; confine to one thread.
     */
    @State(Scope.Thread)
    public static class Cursor {
        private static final AtomicInteger STARTS = new AtomicInteger();
        int next = STARTS.getAndAdd(3);
        /** A session time, as the MTA has it at hand (read once: the day does not change in a run). */
        final long now = System.currentTimeMillis();

        int next() {
            return next++ & (KINDS - 1);
        }
    }

    /** The floor. */
    @Benchmark
    public void longAdder(Shared s) {
        s.adder.increment();
    }

    /** {@code record()} with the objects given before. */
    @Benchmark
    @Floor(row = "aggregator record(), repeated keys, 2 threads", baseline = "longAdder", target = 0.2,
            zeroAllocation = true)
    public void record(Shared s, Cursor c) {
        int i = c.next();
        s.aggregator.record(s.policies[i], s.failures.get(i));
    }

    /** {@code record()} with equal copies: hashing on every call. */
    @Benchmark
    @Floor(row = "aggregator record(), equal copies of the keys, 2 threads", baseline = "longAdder",
            target = 0.2, zeroAllocation = true, informational = true)
    public void recordEqualCopies(Shared s, Cursor c) {
        int i = c.next();
        s.aggregator.record(s.policyCopies[i], s.failureCopies.get(i));
    }

    /** {@code recordAt()}: {@link #record} with the session's time given, so no clock read. */
    @Benchmark
    @Floor(row = "aggregator recordAt() (time given), repeated keys, 2 threads", baseline = "longAdder",
            target = 0.2, zeroAllocation = true, informational = true)
    public void recordAt(Shared s, Cursor c) {
        int i = c.next();
        s.aggregator.recordAt(s.policies[i], s.failures.get(i), c.now);
    }

    /** {@code success(PolicyKey)} and {@code failure(FailureKey)}. */
    @Benchmark
    @Floor(row = "aggregator success()/failure() with keys, 2 threads", baseline = "longAdder", target = 0.2,
            zeroAllocation = true, informational = true)
    public void countWithKeys(Shared s, Cursor c) {
        int i = c.next();
        ReportAggregator.FailureKey f = s.failureKeys[i];
        if (f == null) {
            s.aggregator.success(s.policyKeys[i]);
        } else {
            s.aggregator.failure(f);
        }
    }

    /** {@code failure(FailureKey, FailureKey)}: sessions that hit two failure details. */
    @Benchmark
    @Floor(row = "aggregator failure(a, b), two-detail sessions with keys, 2 threads", baseline = "longAdder",
            target = 0.2, zeroAllocation = true, informational = true)
    public void countPairsWithKeys(Pairs p, Cursor c) {
        int i = c.next();
        p.aggregator.failure(p.first[i], p.second[i]);
    }
}
