package org.mtasts.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.mtasts.tlsrpt.ReportFormat;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;
import org.mtasts.tlsrpt.TlsReportWriter;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writing the 50-policy report ({@link TlsReportWriter}: RFC 8460 §4.4 member names and order,
 * canonical form), plain and gzip, against Jackson writing a {@link JsonNode} tree of exactly the
 * same document (the tree is read from our own output, so both write the same bytes).
 *
 * <pre>{@code
 * java -jar mtasts-benchmarks/target/benchmarks.jar ReportWriteBenchmark -prof gc
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
public class ReportWriteBenchmark {

    private final TlsReportWriter writer = TlsReportWriter.create();
    private final JsonMapper mapper = JsonMapper.builder().build();
    private TlsReport report = TlsReportReader.lenient().read(Inputs.report50()).orElseThrow();
    private JsonNode tree = JsonMapper.builder().build().createObjectNode();

    /** Reads the report and makes the tree of what the writer writes; checks both write the same. */
    @Setup
    public void setUp() {
        report = TlsReportReader.lenient().read(Inputs.report50()).orElseThrow();
        byte[] ours = writer.toJson(report);
        tree = mapper.readTree(ours);
        if (!Arrays.equals(ours, jacksonTree())) {
            throw new IllegalStateException("the tree does not write the same bytes");
        }
    }

    /** The floor, plain JSON. */
    @Benchmark
    public byte[] jacksonTree() {
        return mapper.writeValueAsBytes(tree);
    }

    /** The floor, gzip (the same buffer sizes as the writer's). */
    @Benchmark
    public byte[] jacksonTreeGzip() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + 256 * Inputs.REPORT_POLICIES);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
            mapper.writeValue(gz, tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The model to JSON bytes. */
    @Benchmark
    @Floor(row = "write the 50-policy report, JSON", baseline = "jacksonTree", target = 0.6)
    public byte[] write() {
        return writer.write(report, ReportFormat.JSON);
    }

    /** The model to gzip bytes. */
    @Benchmark
    @Floor(row = "write the 50-policy report, gzip", baseline = "jacksonTreeGzip", target = 0.6)
    public byte[] writeGzip() {
        return writer.write(report, ReportFormat.GZIP);
    }
}
