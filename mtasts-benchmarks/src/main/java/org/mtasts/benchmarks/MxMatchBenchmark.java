package org.mtasts.benchmarks;

import java.util.concurrent.TimeUnit;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxPattern;
import org.mtasts.core.StsPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * MX pattern matching (RFC 8461 §4.1) with the host already a {@link DomainName}, against {@link
 * String#equalsIgnoreCase} of two equal names held in distinct strings (so that no identity
 * shortcut applies). Each must allocate nothing.
 *
 * <pre>{@code
 * java -jar mtasts-benchmarks/target/benchmarks.jar MxMatchBenchmark -prof gc
 * }</pre>
 *
 * <p>JMH gives each thread its own instance. Not thread-safe; confine to one thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class MxMatchBenchmark {

    private String hostText = "";
    private String patternText = "";
    private DomainName host = DomainName.of("x.invalid");
    private DomainName wildcardHost = DomainName.of("x.invalid");
    private MxPattern exact = MxPattern.of("x.invalid");
    private MxPattern wildcard = MxPattern.of("*.x.invalid");
    private StsPolicy policy = StsPolicy.parse(Inputs.POLICY_BYTES).orElseThrow();

    /** Builds the names from fresh strings and checks that each benchmark matches. */
    @Setup
    public void setUp() {
        hostText = new String("mx2.mail.example.com".toCharArray());
        patternText = new String("mx2.mail.example.com".toCharArray());
        host = DomainName.of(new String("mx2.mail.example.com".toCharArray()));
        wildcardHost = DomainName.of(new String("eu-west-1a.mx.example.net".toCharArray()));
        exact = MxPattern.of(new String("mx2.mail.example.com".toCharArray()));
        wildcard = MxPattern.of(new String("*.mx.example.net".toCharArray()));
        policy = StsPolicy.parse(Inputs.POLICY_BYTES.clone()).orElseThrow();
        if (!equalsIgnoreCase() || !exact() || !wildcard() || !policyWildcard()) {
            throw new IllegalStateException("a benchmark input does not match");
        }
    }

    /** The floor. */
    @Benchmark
    public boolean equalsIgnoreCase() {
        return hostText.equalsIgnoreCase(patternText);
    }

    /** An exact pattern. */
    @Benchmark
    @Floor(row = "MX pattern match, exact", baseline = "equalsIgnoreCase", target = 0.5, zeroAllocation = true)
    public boolean exact() {
        return exact.matches(host);
    }

    /** A {@code *.} pattern. */
    @Benchmark
    @Floor(row = "MX pattern match, wildcard", baseline = "equalsIgnoreCase", target = 0.5, zeroAllocation = true)
    public boolean wildcard() {
        return wildcard.matches(wildcardHost);
    }

    /** The 4-mx policy, host matched by its third pattern (the wildcard): what a sender calls. */
    @Benchmark
    @Floor(row = "MX match against the 4-mx policy (three patterns tried)", baseline = "equalsIgnoreCase",
            target = 0.5, zeroAllocation = true, informational = true)
    public boolean policyWildcard() {
        return policy.matches(wildcardHost);
    }
}
