package org.mtasts.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.mtasts.core.ParseResult;
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
 * Parsing a typical 4-mx policy from the bytes served ({@link StsPolicy#parse(byte[])}: decoding,
 * RFC 8461 §3.2 grammar, five domain names checked and normalized) against counting the lines of the
 * same bytes.
 *
 * <pre>{@code
 * java -jar mtasts-benchmarks/target/benchmarks.jar PolicyParseBenchmark -prof gc
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
public class PolicyParseBenchmark {

    private byte[] body = new byte[0];

    /** Copies the input, so that no constant folding applies. */
    @Setup
    public void setUp() {
        body = Inputs.POLICY_BYTES.clone();
        if (!(StsPolicy.parse(body) instanceof ParseResult.Valid<StsPolicy> valid) || valid.value().mx().size() != 4) {
            throw new IllegalStateException("the benchmark policy does not parse: " + StsPolicy.parse(body));
        }
    }

    /** The floor: count the line feeds of the same bytes. */
    @Benchmark
    public int countLines() {
        byte[] b = body;
        int lines = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                lines++;
            }
        }
        return lines;
    }

    /** A second, gentler floor: decode the bytes and count the lines of the text. */
    @Benchmark
    public long countLinesOfText() {
        return new String(body, StandardCharsets.UTF_8).lines().count();
    }

    /** Bytes to {@link StsPolicy}. */
    @Benchmark
    @Floor(row = "parse a 4-mx policy (bytes to StsPolicy)", baseline = "countLines", target = 0.5)
    public ParseResult<StsPolicy> parse() {
        return StsPolicy.parse(body);
    }

    /** The same, compared with decoding the bytes and counting the lines of the text. */
    @Benchmark
    @Floor(row = "parse a 4-mx policy, against decode + String.lines().count()", baseline = "countLinesOfText",
            target = 0.5, informational = true)
    public ParseResult<StsPolicy> parseVsText() {
        return StsPolicy.parse(body);
    }
}
