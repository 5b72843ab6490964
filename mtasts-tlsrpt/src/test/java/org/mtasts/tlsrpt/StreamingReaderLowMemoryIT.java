package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The streaming reader reads a report with 1,000,000 failure details in constant memory. Run by
 * maven-failsafe in a JVM with {@code -Xmx64m} (see this module's POM): holding the details would
 * take several hundred MiB. The report is generated while it is read, plain and gzip-compressed, so
 * nothing large is written to disk or held in memory.
 */
class StreamingReaderLowMemoryIT {

    private static final int DETAILS = 1_000_000;

    private static final TlsReportReader UNLIMITED = TlsReportReader.builder()
            .maxJsonBytes(Long.MAX_VALUE).maxCompressedBytes(Long.MAX_VALUE).maxFailureDetails(2_000_000).build();

    @Test
    @DisplayName("The test runs with a small heap, or it proves nothing")
    void heapIsSmall() {
        assertThat(Runtime.getRuntime().maxMemory()).isLessThanOrEqualTo(80L * 1024 * 1024);
    }

    @Test
    @DisplayName("RFC 8460 §4.4: 1,000,000 failure details stream through 64 MiB of heap (plain JSON)")
    void streamsAMillionFailureDetails() throws IOException {
        GeneratedReport source = new GeneratedReport(DETAILS);
        check(UNLIMITED.stream(source, new Counter()), source);
    }

    @Test
    @DisplayName("RFC 8460 §5.2: 1,000,000 failure details stream through 64 MiB of heap (gzip)")
    void streamsAMillionFailureDetailsGzipped() throws IOException {
        GeneratedReport source = new GeneratedReport(DETAILS);
        try (InputStream gzip = new GzipOnTheFly(source)) {
            check(UNLIMITED.stream(gzip, "big.example!example.com!1708819200!1708905599.json.gz", new Counter()),
                    source);
        }
    }

    private static void check(StreamResult result, GeneratedReport source) {
        assertThat(result).as("%s", result).isInstanceOf(StreamResult.Completed.class);
        StreamResult.Completed done = (StreamResult.Completed) result;
        assertThat(done.failureDetailCount()).isEqualTo(DETAILS);
        assertThat(done.policyCount()).isEqualTo(1);
        assertThat(done.warnings()).isEmpty();
        assertThat(done.header().reportId()).isEqualTo("20240225.example.com@big.example");
        assertThat(source.bytesProduced()).isGreaterThan(100L * 1024 * 1024); // more than the heap
    }

    /** Counts what it is given and keeps nothing. */
    private static final class Counter implements ReportVisitor {
        private long details;
        private long sessions;

        @Override
        public void failureDetails(int policyIndex, long detailIndex, FailureDetails d) {
            assertThat(detailIndex).isEqualTo(details);
            details++;
            sessions += d.failedSessionCount();
        }

        @Override
        public void policy(int policyIndex, PolicyDetails policy, Summary summary, long failureDetailCount) {
            assertThat(failureDetailCount).isEqualTo(details);
            assertThat(summary.totalFailureSessionCount()).isEqualTo(sessions);
        }
    }

    /** A report with {@code n} failure details, produced as it is read. */
    static final class GeneratedReport extends InputStream {
        private static final String[] TYPES = {"certificate-expired", "starttls-not-supported",
            "certificate-host-mismatch", "sts-webpki-invalid"};
        private final int n;
        private int next;
        private int stage;
        private byte[] chunk = new byte[0];
        private int pos;
        private long produced;

        GeneratedReport(int n) {
            this.n = n;
        }

        long bytesProduced() {
            return produced;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            while (pos == chunk.length) {
                if (!refill()) {
                    return -1;
                }
            }
            int count = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, count);
            pos += count;
            produced += count;
            return count;
        }

        private boolean refill() {
            StringBuilder s = new StringBuilder(64 * 1024);
            if (stage == 0) {
                s.append("{\"organization-name\":\"Big Example\",\"date-range\":{\"start-datetime\":"
                        + "\"2024-02-25T00:00:00Z\",\"end-datetime\":\"2024-02-25T23:59:59Z\"},\"contact-info\":"
                        + "\"tlsrpt@big.example\",\"report-id\":\"20240225.example.com@big.example\",\"policies\":[{"
                        + "\"policy\":{\"policy-type\":\"sts\",\"policy-string\":[\"version: STSv1\",\"mode: testing\","
                        + "\"mx: *.example.com\",\"max_age: 86400\"],\"policy-domain\":\"example.com\","
                        + "\"mx-host\":[\"*.example.com\"]},\"failure-details\":[");
                stage = 1;
            } else if (stage == 1) {
                int end = Math.min(n, next + 300);
                for (; next < end; next++) {
                    int i = next;
                    if (i > 0) {
                        s.append(',');
                    }
                    s.append("{\"result-type\":\"").append(TYPES[i % TYPES.length])
                            .append("\",\"sending-mta-ip\":\"10.").append((i >> 16) & 0xFF).append('.')
                            .append((i >> 8) & 0xFF).append('.').append(i & 0xFF)
                            .append("\",\"receiving-mx-hostname\":\"mx").append(i % 10)
                            .append(".example.com\",\"receiving-ip\":\"192.0.2.").append(i % 250)
                            .append("\",\"failed-session-count\":1,\"failure-reason-code\":\"code-").append(i % 7)
                            .append("\"}");
                }
                if (next == n) {
                    stage = 2;
                }
            } else if (stage == 2) {
                s.append("],\"summary\":{\"total-successful-session-count\":123456,\"total-failure-session-count\":")
                        .append(n).append("}}]}");
                stage = 3;
            } else {
                return false;
            }
            chunk = s.toString().getBytes(StandardCharsets.US_ASCII);
            pos = 0;
            return true;
        }
    }

    /** gzip (RFC 1952) of a stream, compressed as it is read. */
    static final class GzipOnTheFly extends InputStream {
        private final InputStream source;
        private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        private final CRC32 crc = new CRC32();
        private final byte[] in = new byte[64 * 1024];
        private byte[] out = {0x1F, (byte) 0x8B, 8, 0, 0, 0, 0, 0, 0, (byte) 0xFF}; // header, mtime 0
        private int outPos;
        private int outLen = out.length;
        private long size;
        private boolean trailerWritten;

        GzipOnTheFly(InputStream source) {
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (outPos == outLen) {
                if (!fill()) {
                    return -1;
                }
            }
            int count = Math.min(len, outLen - outPos);
            System.arraycopy(out, outPos, b, off, count);
            outPos += count;
            return count;
        }

        private boolean fill() throws IOException {
            if (out.length < 64 * 1024) {
                out = new byte[64 * 1024];
            }
            outPos = 0;
            outLen = 0;
            while (outLen == 0) {
                if (deflater.finished()) {
                    if (trailerWritten) {
                        return false;
                    }
                    long c = crc.getValue();
                    for (int i = 0; i < 4; i++) {
                        out[i] = (byte) (c >>> (8 * i));
                        out[4 + i] = (byte) (size >>> (8 * i));
                    }
                    outLen = 8;
                    trailerWritten = true;
                    return true;
                }
                if (deflater.needsInput()) {
                    int r = source.read(in, 0, in.length);
                    if (r < 0) {
                        deflater.finish();
                    } else {
                        crc.update(in, 0, r);
                        size += r;
                        deflater.setInput(in, 0, r);
                    }
                }
                outLen = deflater.deflate(out, 0, out.length);
            }
            return true;
        }

        @Override
        public void close() {
            deflater.end();
        }
    }
}
