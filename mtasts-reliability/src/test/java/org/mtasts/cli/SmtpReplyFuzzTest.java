package org.mtasts.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.mtasts.reliability.Messages;
import org.mtasts.reliability.fuzz.Fuzzing;

/**
 * The SMTP reply reader of the STARTTLS prober (RFC 5321 §4.2), on whatever an MX host sends: it
 * returns a reply or throws an {@link IOException} (the documented way it reports a broken
 * server), never anything else; its transcript and messages hold no raw control character; it
 * reads at most {@link SmtpWire#MAX_REPLY_LINES} lines. In this package because the reader
 * ({@link SmtpWire}, shared by the prober and {@code mtasts send}) is package-private.
 */
class SmtpReplyFuzzTest {
    private static final AtomicLong RUNS = new AtomicLong();
    private static final long START = System.nanoTime();

    @AfterAll
    static void recordRuns() {
        Fuzzing.recordRuns(SmtpReplyFuzzTest.class, RUNS, START);
    }

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void smtpReply(byte[] data) {
        RUNS.incrementAndGet();
        ByteArrayInputStream in = new ByteArrayInputStream(data);
        List<String> transcript = new ArrayList<>();
        for (int reply = 0; reply < 4; reply++) {
            try {
                List<String> lines = SmtpWire.readReply(in, transcript::add, Long.MAX_VALUE);
                if (lines.isEmpty() || lines.size() > SmtpWire.MAX_REPLY_LINES) {
                    throw new AssertionError("a reply of " + lines.size() + " lines");
                }
            } catch (IOException e) {
                Messages.requireSafe("SMTP reply error", String.valueOf(e.getMessage()));
                break;
            }
        }
        transcript.forEach(line -> Messages.requireSafe("SMTP transcript", line));
        Messages.requireSafe("printable", TlsProbe.printable(new String(data, java.nio.charset.StandardCharsets.UTF_8)));
    }
}
