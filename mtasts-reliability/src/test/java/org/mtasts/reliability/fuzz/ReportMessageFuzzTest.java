package org.mtasts.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.mtasts.reliability.Messages;
import org.mtasts.tlsrpt.mail.MessageReadResult;
import org.mtasts.tlsrpt.mail.ReportMessageReader;

/**
 * RFC 8460 §5.3: the report e-mail reader (Mime4j) on arbitrary messages: a result, never an
 * exception, and no raw control character in its error or warnings.
 */
class ReportMessageFuzzTest {
    private static final AtomicLong RUNS = new AtomicLong();
    private static final long START = System.nanoTime();

    @AfterAll
    static void recordRuns() {
        Fuzzing.recordRuns(ReportMessageFuzzTest.class, RUNS, START);
    }
    private static final ReportMessageReader READER = ReportMessageReader.create();

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void reportMessage(byte[] message) {
        RUNS.incrementAndGet();
        MessageReadResult result = READER.read(message);
        if (result == null) {
            throw new AssertionError("no result");
        }
        if (result instanceof MessageReadResult.Invalid invalid) {
            Reports.safe(invalid.error());
            invalid.warnings().forEach(w -> Messages.requireSafe("message warning", w.toString()));
        } else if (result instanceof MessageReadResult.Received received) {
            received.warnings().forEach(w -> Messages.requireSafe("message warning", w.toString()));
        }
    }
}
