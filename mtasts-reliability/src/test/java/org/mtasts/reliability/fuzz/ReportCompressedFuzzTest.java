package org.mtasts.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;

/**
 * RFC 8460 §5.2: reports in gzip and zip. The first input byte picks what the rest is: JSON to
 * compress with gzip (0) or zip (1), or the raw bytes of a gzip (2) or zip (3) stream after a
 * valid magic number, which reaches the decompressors' error paths. Never an exception.
 */
class ReportCompressedFuzzTest {
    private static final AtomicLong RUNS = new AtomicLong();
    private static final long START = System.nanoTime();

    @AfterAll
    static void recordRuns() {
        Fuzzing.recordRuns(ReportCompressedFuzzTest.class, RUNS, START);
    }
    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b, 0x08};
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void reportCompressed(byte[] data) {
        RUNS.incrementAndGet();
        if (data.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(data, 1, data.length);
        byte[] content;
        switch (data[0] & 3) {
            case 0 -> content = gzip(rest);
            case 1 -> content = zip(rest);
            case 2 -> content = concat(GZIP_MAGIC, rest);
            default -> content = concat(ZIP_MAGIC, rest);
        }
        Reports.check(content, "sender.example!example.com!1663200000!1663286399!001.json.gz");
    }

    private static byte[] gzip(byte[] json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] zip(byte[] json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("report.json"));
            zip.write(json);
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
