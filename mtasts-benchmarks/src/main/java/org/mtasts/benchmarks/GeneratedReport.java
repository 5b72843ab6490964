package org.mtasts.benchmarks;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A report with {@code n} failure details under one policy, produced as it is read, so that nothing
 * large is held in memory: the details cycle through {@value #VARIANTS} distinct ones made in advance
 * (Google's member order, every result type of a failing MX fleet), so that producing the bytes costs
 * little more than copying them. Each detail counts one session; the summary adds up.
 *
 * <p>Not thread-safe; confine to one thread.
 */
final class GeneratedReport extends InputStream {

    /** Distinct failure details. */
    static final int VARIANTS = 1024;

    private static final String[] TYPES = {"certificate-expired", "starttls-not-supported",
        "certificate-host-mismatch", "certificate-not-trusted", "sts-webpki-invalid"};
    private static final byte[] HEADER = ("{\"organization-name\":\"Google Inc.\",\"date-range\":{\"start-datetime\":"
            + "\"2024-09-03T00:00:00Z\",\"end-datetime\":\"2024-09-03T23:59:59Z\"},\"contact-info\":"
            + "\"smtp-tls-reporting@google.com\",\"report-id\":\"2024-09-03T00:00:00Z_example.com\",\"policies\":[{"
            + "\"policy\":{\"policy-type\":\"sts\",\"policy-string\":[\"version: STSv1\",\"mode: enforce\","
            + "\"mx: *.mail.example.com\",\"max_age: 604800\"],\"policy-domain\":\"example.com\","
            + "\"mx-host\":[\"*.mail.example.com\"]},\"failure-details\":[").getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] DETAILS = new byte[VARIANTS][];

    static {
        for (int i = 0; i < VARIANTS; i++) {
            DETAILS[i] = (",{\"result-type\":\"" + TYPES[i % TYPES.length] + "\",\"sending-mta-ip\":\"209.85."
                    + (i >> 8) + "." + (i & 0xFF) + "\",\"receiving-mx-hostname\":\"mx" + i % 16
                    + ".mail.example.com\",\"receiving-ip\":\"192.0.2." + i % 250
                    + "\",\"failed-session-count\":1}").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final long n;
    private final byte[] trailer;
    private long next;
    private int stage;
    private byte[] chunk = HEADER;
    private int pos;
    private long produced;

    /**
     * A report with {@code n} failure details.
     *
     * @param n at least 1
     */
    GeneratedReport(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("n " + n + " < 1");
        }
        this.n = n;
        this.trailer = ("],\"summary\":{\"total-successful-session-count\":1234567,\"total-failure-session-count\":"
                + n + "}}]}").getBytes(StandardCharsets.US_ASCII);
    }

    /** Returns the number of bytes produced so far. */
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
        if (len == 0) {
            return 0;
        }
        while (pos == chunk.length) {
            if (!advance()) {
                return -1;
            }
        }
        int count = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, count);
        pos += count;
        produced += count;
        return count;
    }

    private boolean advance() {
        pos = 0;
        if (stage == 0 || stage == 1) {
            if (next < n) {
                chunk = DETAILS[(int) (next % VARIANTS)];
                // The first detail has no leading comma.
                pos = next == 0 ? 1 : 0;
                next++;
                stage = 1;
                return true;
            }
            chunk = trailer;
            stage = 2;
            return true;
        }
        return false;
    }
}
