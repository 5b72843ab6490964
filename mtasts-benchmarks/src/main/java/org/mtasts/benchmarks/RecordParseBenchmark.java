package org.mtasts.benchmarks;

import java.util.concurrent.TimeUnit;
import org.mtasts.core.ParseResult;
import org.mtasts.core.StsRecord;
import org.mtasts.core.TlsRptRecord;
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
 * Parsing the TXT records a sender and a reporter look up (RFC 8461 §3.1, RFC 8460 §3) against
 * splitting the same strings on {@code ;}.
 *
 * <pre>{@code
 * java -jar mtasts-benchmarks/target/benchmarks.jar RecordParseBenchmark -prof gc
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
public class RecordParseBenchmark {

    private String sts = "";
    private String tlsRpt = "";

    /** Copies the inputs, so that no constant folding applies, and checks they are valid. */
    @Setup
    public void setUp() {
        sts = new String(Inputs.STS_RECORD.toCharArray());
        tlsRpt = new String(Inputs.TLSRPT_RECORD.toCharArray());
        if (!(StsRecord.parse(sts) instanceof ParseResult.Valid)
                || !(TlsRptRecord.parse(tlsRpt) instanceof ParseResult.Valid<TlsRptRecord> t)
                || t.value().rua().size() != 2) {
            throw new IllegalStateException("the benchmark records do not parse");
        }
    }

    /** The floor for the STS record. */
    @Benchmark
    public String[] splitSts() {
        return sts.split(";");
    }

    /** The floor for the TLSRPT record. */
    @Benchmark
    public String[] splitTlsRpt() {
        return tlsRpt.split(";");
    }

    /** {@code v=STSv1; id=20240101T000000;} to {@link StsRecord}. */
    @Benchmark
    @Floor(row = "parse an STS record", baseline = "splitSts", target = 0.5)
    public ParseResult<StsRecord> parseSts() {
        return StsRecord.parse(sts);
    }

    /** A TLSRPT record with a mailto and an https URI to {@link TlsRptRecord}. */
    @Benchmark
    @Floor(row = "parse a TLSRPT record", baseline = "splitTlsRpt", target = 0.5)
    public ParseResult<TlsRptRecord> parseTlsRpt() {
        return TlsRptRecord.parse(tlsRpt);
    }
}
