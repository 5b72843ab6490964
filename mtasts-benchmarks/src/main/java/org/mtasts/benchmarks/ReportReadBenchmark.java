package org.mtasts.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.mtasts.tlsrpt.ParserComparison;
import org.mtasts.tlsrpt.ReadResult;
import org.mtasts.tlsrpt.TlsReportReader;
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
 * Reading a 50-policy report shaped like Google's and Microsoft's into the model ({@link
 * TlsReportReader#lenient()}: format detection, every RFC 8460 §4.4 check, warnings), plain and
 * gzip, against Jackson's parser scanning every token of the same bytes and reading its value (for
 * gzip, through a {@link GZIPInputStream}). {@link #scanTokensOnly} shows what decoding the values
 * costs the floor itself. {@link #readNamedParser} and {@link #readFrozenParser} compare today's
 * report parser with a frozen copy of the one before issue 18 named its member ids (same steps,
 * same run; see {@link ParserComparison}).
 *
 * <pre>{@code
 * java -jar mtasts-benchmarks/target/benchmarks.jar ReportReadBenchmark -prof gc
 * }</pre>
 *
 * <p>JMH gives each thread its own instance. Not thread-safe; confine to one thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 2) // the reader and writer are large: give C2 time on a busy machine
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class ReportReadBenchmark {

    private final TlsReportReader reader = TlsReportReader.lenient();
    private final ParserComparison parsers = new ParserComparison();
    private byte[] json = new byte[0];
    private byte[] gzip = new byte[0];

    /**
     * Makes the report and checks that it reads, with the warnings Microsoft's shapes earn (a tlsa
     * policy-string holding a JSON array, sts without mx-host: 10 + 5 of them).
     */
    @Setup
    public void setUp() {
        json = Inputs.report50();
        gzip = Inputs.gzip(json);
        for (byte[] input : new byte[][] {json, gzip}) {
            ReadResult r = reader.read(input);
            if (!(r instanceof ReadResult.Read read) || read.report().policies().size() != Inputs.REPORT_POLICIES
                    || read.warnings().size() != Inputs.REPORT_WARNINGS) {
                throw new IllegalStateException("the benchmark report does not read as expected: " + r.kind() + ", "
                        + r.warnings().size() + " warnings");
            }
        }
        ParserComparison.Read today = parsers.readToday(json);
        ParserComparison.Read before = parsers.readFrozen(json);
        if (!today.equals(before) || !today.report().equals(((ReadResult.Read) reader.read(json)).report())) {
            throw new IllegalStateException("today's and the frozen report parser disagree on the benchmark report");
        }
    }

    /** The floor, plain JSON. */
    @Benchmark
    public long scan() {
        return TokenScan.scan(json);
    }

    /** Token types only, values not decoded: for information. */
    @Benchmark
    public long scanTokensOnly() {
        return TokenScan.scanTokensOnly(json);
    }

    /** The floor, gzip. */
    @Benchmark
    public long scanGzip() {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 8192)) {
            return TokenScan.scan(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same read, compared with a scan that does not decode the values. */
    @Benchmark
    @Floor(row = "read a 50-policy report, JSON, against a scan of token types only", baseline = "scanTokensOnly",
            target = 0.6, informational = true)
    public ReadResult readVsTokensOnly() {
        return reader.read(json);
    }

    /** Plain JSON to {@link org.mtasts.tlsrpt.TlsReport}. */
    @Benchmark
    @Floor(row = "read a 50-policy report, JSON", baseline = "scan", target = 0.6)
    public ReadResult read() {
        return reader.read(json);
    }

    /** gzip to {@link org.mtasts.tlsrpt.TlsReport}. */
    @Benchmark
    @Floor(row = "read a 50-policy report, gzip", baseline = "scanGzip", target = 0.6)
    public ReadResult readGzip() {
        return reader.read(gzip);
    }

    /** The report parser before issue 18 (a frozen copy), behind the reader's steps for plain JSON. */
    @Benchmark
    public ParserComparison.Read readFrozenParser() {
        return parsers.readFrozen(json);
    }

    /** Today's report parser, behind the same steps: the speed must stay that of the frozen one. */
    @Benchmark
    @Floor(row = "report parser with named members (issue 18), against the frozen parser before it",
            baseline = "readFrozenParser", target = 0.9, informational = true)
    public ParserComparison.Read readNamedParser() {
        return parsers.readToday(json);
    }
}
