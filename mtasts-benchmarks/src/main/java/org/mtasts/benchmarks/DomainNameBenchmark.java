package org.mtasts.benchmarks;

import java.util.concurrent.TimeUnit;
import org.mtasts.core.DomainName;
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
 * {@link DomainName#isValid}, the door the TLS report reader uses for every received policy domain,
 * which checks an ASCII name in place, against what it did before issue 18: {@code
 * DomainName.parse(text).isValid()}, which builds the name and the result to throw them away. The
 * input is a mixed-case name with a trailing dot, as received.
 *
 * <pre>{@code
 * java -jar mtasts-benchmarks/target/benchmarks.jar DomainNameBenchmark -prof gc
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
public class DomainNameBenchmark {

    private String name = "";

    /** Makes the name from a fresh string and checks that both doors accept it. */
    @Setup
    public void setUp() {
        name = new String("Mail.Example-Domain.com.".toCharArray());
        if (!isValid() || !parseIsValid()) {
            throw new IllegalStateException("the benchmark name is not valid");
        }
    }

    /** The way before: parse and ask the result. */
    @Benchmark
    public boolean parseIsValid() {
        return DomainName.parse(name).isValid();
    }

    /** The door: no allocation for an ASCII name. */
    @Benchmark
    @Floor(row = "DomainName.isValid, against parse(text).isValid() (its way before issue 18)",
            baseline = "parseIsValid", target = 1.0, zeroAllocation = true, informational = true)
    public boolean isValid() {
        return DomainName.isValid(name);
    }
}
