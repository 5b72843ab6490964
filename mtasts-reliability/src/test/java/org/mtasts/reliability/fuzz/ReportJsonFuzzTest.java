package org.mtasts.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.mtasts.tlsrpt.ReportFilename;

/**
 * RFC 8460 §4: the report reader on arbitrary JSON text (lenient, strict and streaming), and the
 * §5.1 file name parser: never an exception, safe messages, agreement between the readers, and
 * a canonical round trip of every report read.
 */
class ReportJsonFuzzTest {
    private static final AtomicLong RUNS = new AtomicLong();
    private static final long START = System.nanoTime();

    @AfterAll
    static void recordRuns() {
        Fuzzing.recordRuns(ReportJsonFuzzTest.class, RUNS, START);
    }

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void reportJson(byte[] json) {
        RUNS.incrementAndGet();
        Reports.check(json, "sender.example!example.com!1663200000!1663286399!001.json");
        String name = new String(json, 0, Math.min(json.length, 300), StandardCharsets.ISO_8859_1);
        ReportFilename.parse(name).ifPresent(parsed -> {
            if (!ReportFilename.parse(parsed.toString()).equals(java.util.Optional.of(parsed))) {
                throw new AssertionError("a parsed file name does not parse back: " + parsed);
            }
        });
    }
}
