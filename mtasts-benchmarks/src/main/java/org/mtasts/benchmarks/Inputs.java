package org.mtasts.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * The realistic inputs every benchmark shares: a typical policy, typical TXT records and a
 * 50-policy report shaped like the reports Google and Microsoft send (see
 * {@code ../shared/corpus/reports}).
 */
final class Inputs {

    /**
     * A typical policy with four {@code mx} lines, CRLF line ends as RFC 8461 §3.2 writes them: two
     * exact hosts, a wildcard and a backup host in another domain, as large providers publish.
     */
    static final String POLICY = "version: STSv1\r\n"
            + "mode: enforce\r\n"
            + "mx: mx1.mail.example.com\r\n"
            + "mx: mx2.mail.example.com\r\n"
            + "mx: *.mx.example.net\r\n"
            + "mx: backup-mx.example.org\r\n"
            + "max_age: 604800\r\n";

    /** {@link #POLICY} as served: the bytes a fetcher hands to the parser. */
    static final byte[] POLICY_BYTES = POLICY.getBytes(StandardCharsets.US_ASCII);

    /** A typical {@code _mta-sts} record (RFC 8461 §3.1). */
    static final String STS_RECORD = "v=STSv1; id=20240101T000000;";

    /** A typical {@code _smtp._tls} record with a mailto and an https target (RFC 8460 §3). */
    static final String TLSRPT_RECORD = "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://tlsrpt.example.com/v1";

    /** The number of policies in {@link #report50()}. */
    static final int REPORT_POLICIES = 50;

    /**
     * The warnings the lenient reader gives for {@link #report50()}: each of Microsoft's tlsa
     * policy-strings holding a JSON array (10), each Microsoft sts policy without mx-host (5).
     */
    static final int REPORT_WARNINGS = 15;

    private Inputs() {}

    /**
     * Returns a report with 50 policies, minified as real senders send it: Google's shape (sts
     * policies with {@code mx-host}, zone-suffixed dates, {@code <date>_<domain>} report id) for
     * most, Microsoft's shapes (sts without {@code mx-host}, tlsa with its records serialized into
     * one policy string) for the others, a no-policy-found policy every tenth, and failure details
     * (one to three, as in the corpus) under every third policy.
     */
    static byte[] report50() {
        StringBuilder s = new StringBuilder(32 * 1024);
        s.append("{\"organization-name\":\"Google Inc.\",\"date-range\":{\"start-datetime\":\"2024-09-03T00:00:00Z\","
                + "\"end-datetime\":\"2024-09-03T23:59:59Z\"},\"contact-info\":\"smtp-tls-reporting@google.com\","
                + "\"report-id\":\"2024-09-03T00:00:00Z_example.com\",\"policies\":[");
        for (int i = 0; i < REPORT_POLICIES; i++) {
            if (i > 0) {
                s.append(',');
            }
            String domain = "d" + i + ".example.com";
            s.append("{\"policy\":{");
            if (i % 10 == 9) {
                s.append("\"policy-type\":\"no-policy-found\",\"policy-domain\":\"").append(domain).append('"');
            } else if (i % 5 == 3) {
                // Microsoft's tlsa shape: the records as one JSON-array string.
                s.append("\"policy-type\":\"tlsa\",\"policy-string\":[\"[\\\"3 1 1 ")
                        .append(hex(i, 64)).append("\\\",\\\"3 1 1 ").append(hex(i + 7, 64))
                        .append("\\\"]\"],\"policy-domain\":\"").append(domain).append('"');
            } else {
                s.append("\"policy-type\":\"sts\",\"policy-string\":[\"version: STSv1\",\"mode: ")
                        .append(i % 4 == 0 ? "testing" : "enforce").append("\",\"mx: mx1.").append(domain)
                        .append("\",\"mx: *.mail.").append(domain).append("\",\"max_age: 604800\"],")
                        .append("\"policy-domain\":\"").append(domain).append('"');
                if (i % 5 != 4) {
                    // Google lists the mx patterns again; Microsoft does not.
                    s.append(",\"mx-host\":[\"mx1.").append(domain).append("\",\"*.mail.").append(domain).append("\"]");
                }
            }
            int failures = i % 3 == 0 ? 1 + i % 4 % 3 : 0;
            long failed = 0;
            StringBuilder details = new StringBuilder();
            for (int f = 0; f < failures; f++) {
                long count = 1 + (i * 7 + f) % 5;
                failed += count;
                details.append(f == 0 ? "" : ",").append("{\"result-type\":\"")
                        .append(f % 2 == 0 ? "certificate-expired" : "certificate-host-mismatch")
                        .append("\",\"sending-mta-ip\":\"209.85.").append(200 + f).append('.').append(i)
                        .append("\",\"receiving-mx-hostname\":\"mx1.").append(domain)
                        .append("\",\"receiving-ip\":\"192.0.2.").append(i)
                        .append("\",\"failed-session-count\":").append(count).append('}');
            }
            s.append("},\"summary\":{\"total-successful-session-count\":").append(1000 + i * 37)
                    .append(",\"total-failure-session-count\":").append(failed).append('}');
            if (failures > 0) {
                s.append(",\"failure-details\":[").append(details).append(']');
            }
            s.append('}');
        }
        s.append("]}");
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Returns {@code digits} upper-case hex digits derived from {@code seed}. */
    private static String hex(int seed, int digits) {
        StringBuilder s = new StringBuilder(digits);
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < digits; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            s.append(Character.toUpperCase(Character.forDigit((int) (x & 15), 16)));
        }
        return s.toString();
    }

    /** Returns the bytes gzip-compressed, as reports are mailed and posted (RFC 8460 §5.2). */
    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
