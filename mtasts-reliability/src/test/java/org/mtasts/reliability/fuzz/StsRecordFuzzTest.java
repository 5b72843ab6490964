package org.mtasts.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.mtasts.core.Discovery;
import org.mtasts.core.RecordSelection;
import org.mtasts.core.StsRecord;
import org.mtasts.core.TxtAnswer;
import org.mtasts.reliability.Messages;

/**
 * RFC 8461 §3.1: the {@code _mta-sts} TXT record parser and the selection among a name's TXT
 * records, on arbitrary bytes: never an exception, errors inside the input, canonical round trip.
 */
class StsRecordFuzzTest {
    private static final AtomicLong RUNS = new AtomicLong();
    private static final long START = System.nanoTime();

    @AfterAll
    static void recordRuns() {
        Fuzzing.recordRuns(StsRecordFuzzTest.class, RUNS, START);
    }

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void stsRecord(byte[] data) {
        RUNS.incrementAndGet();
        for (String text : Fuzzing.texts(data)) {
            Checks.result("StsRecord.parse", text, text.length(), StsRecord.parse(text), StsRecord::toText,
                    StsRecord::parse);
        }
        // The whole TXT answer at one name: the input split at NUL bytes into records.
        List<String> records = Arrays.asList(new String(data, java.nio.charset.StandardCharsets.ISO_8859_1).split("\0", 8));
        Discovery<StsRecord> discovery = RecordSelection.sts(new TxtAnswer.Records(records));
        if (discovery instanceof Discovery.Invalid<StsRecord> invalid) {
            Messages.requireSafe("RecordSelection.sts", invalid.error().toString());
        }
        if (discovery instanceof Discovery.Found<StsRecord> found) {
            found.warnings().forEach(w -> Messages.requireSafe("RecordSelection.sts warning", w.toString()));
        }
        if (discovery instanceof Discovery.Absent<StsRecord> absent) {
            Messages.requireSafe("RecordSelection.sts absent", absent.detail());
        }
        if (discovery.kind() == null) {
            throw new AssertionError("no kind");
        }
    }
}
