package org.mtasts.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.mtasts.core.Discovery;
import org.mtasts.core.RecordSelection;
import org.mtasts.core.ReportUri;
import org.mtasts.core.TlsRptRecord;
import org.mtasts.core.TxtAnswer;
import org.mtasts.reliability.Messages;

/**
 * RFC 8460 §3: the {@code _smtp._tls} TXT record parser, its report URIs and the record selection,
 * on arbitrary bytes: never an exception, errors inside the input, canonical round trip.
 */
class TlsRptRecordFuzzTest {
    private static final AtomicLong RUNS = new AtomicLong();
    private static final long START = System.nanoTime();

    @AfterAll
    static void recordRuns() {
        Fuzzing.recordRuns(TlsRptRecordFuzzTest.class, RUNS, START);
    }

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void tlsRptRecord(byte[] data) {
        RUNS.incrementAndGet();
        for (String text : Fuzzing.texts(data)) {
            var result = TlsRptRecord.parse(text);
            Checks.result("TlsRptRecord.parse", text, text.length(), result, TlsRptRecord::toText, TlsRptRecord::parse);
            result.toOptional().ifPresent(record -> {
                for (ReportUri uri : record.rua()) {
                    Messages.requireSafe("ReportUri.toString", uri.toString());
                    if (uri instanceof ReportUri.Https https) {
                        https.toUri(); // must be a valid java.net.URI
                    }
                }
                record.hasSupportedTarget();
            });
        }
        String latin1 = new String(data, StandardCharsets.ISO_8859_1);
        Discovery<TlsRptRecord> discovery = RecordSelection.tlsRpt(new TxtAnswer.Records(Arrays.asList(latin1.split("\0", 8))));
        if (discovery instanceof Discovery.Invalid<TlsRptRecord> invalid) {
            Messages.requireSafe("RecordSelection.tlsRpt", invalid.error().toString());
        }
        if (discovery instanceof Discovery.Found<TlsRptRecord> found) {
            found.warnings().forEach(w -> Messages.requireSafe("RecordSelection.tlsRpt warning", w.toString()));
        }
        if (discovery instanceof Discovery.Absent<TlsRptRecord> absent) {
            Messages.requireSafe("RecordSelection.tlsRpt absent", absent.detail());
        }
    }
}
