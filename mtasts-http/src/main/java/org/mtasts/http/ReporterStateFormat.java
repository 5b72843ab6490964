package org.mtasts.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.ParseResult;
import org.mtasts.core.ReportUri;
import org.mtasts.tlsrpt.ReadResult;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;
import org.mtasts.tlsrpt.TlsReportWriter;

/**
 * The files of a {@link TlsRptReporter}'s state directory: one {@code <id>.pending} file per report
 * not yet finished, and {@code suppressed.list}. Text, readable with {@code cat}, each ending in a
 * CRC-32C of everything before it (as {@link PolicyFileFormat}), so that a corrupt or truncated file
 * is detected and quarantined:
 *
 * <pre>
 * mtasts-reporter-pending 1
 * id 3
 * day 2026-01-01
 * policy-domain example.com
 * delivered false
 * lookup 1 2026-01-02T01:00:00Z -
 * targets 2
 * target pending 1 2026-01-02T01:00:01Z 2026-01-02T01:05:01Z https://reports.example.com/v1
 * target done 1 2026-01-02T01:00:01Z - mailto:tlsrpt@example.com
 * report-bytes 812
 *
 * (the report as JSON, 812 bytes)
 * crc32c 1a2b3c4d
 * </pre>
 *
 * {@code lookup} gives the number of TXT look-ups, the first and the next one ({@code -}: none);
 * {@code targets -} means that the record has not been found yet. Each {@code target} line gives the
 * state, the number of attempts, the first and the next attempt, then the destination URI to the
 * end of the line. {@code suppressed.list} holds one {@code <until> <uri>} line per suppressed
 * destination. {@code decode} methods never throw: every problem is a reason.
 */
final class ReporterStateFormat {
    static final String PENDING_MAGIC = "mtasts-reporter-pending 1";
    static final String SUPPRESSED_MAGIC = "mtasts-reporter-suppressed 1";
    static final String PENDING_SUFFIX = ".pending";
    static final String SUPPRESSED_FILE = "suppressed.list";
    /** The largest file read: a report of {@link TlsReportReader#DEFAULT_MAX_JSON_BYTES} plus room. */
    static final long MAX_FILE_SIZE = TlsReportReader.DEFAULT_MAX_JSON_BYTES + 1024 * 1024;

    private ReporterStateFormat() {}

    /** A pending report as stored: the report, its look-up and its destinations. */
    record StoredPending(long id, LocalDate day, DomainName policyDomain, boolean delivered, int lookups,
            @Nullable Instant firstLookup, @Nullable Instant nextLookup, @Nullable List<StoredTarget> targets,
            TlsReport report) {}

    /** A destination as stored. */
    record StoredTarget(boolean pending, int attempts, @Nullable Instant first, @Nullable Instant next, ReportUri uri) {}

    /** A decoded file: the value, or why there is none. */
    record Decoded<T>(@Nullable T value, @Nullable String problem) {
        static <T> Decoded<T> problem(String detail) {
            return new Decoded<>(null, detail);
        }
    }

    static String pendingFileName(long id) {
        return Long.toString(id) + PENDING_SUFFIX;
    }

    /**
     * Encodes a pending report.
     *
     * @param p the state
     * @param json the report as JSON ({@link TlsReportWriter}), kept by the caller so that each
     *     change does not write the report anew
     */
    static byte[] encodePending(StoredPending p, byte[] json) {
        StringBuilder head = new StringBuilder(256);
        head.append(PENDING_MAGIC).append('\n');
        head.append("id ").append(p.id()).append('\n');
        head.append("day ").append(p.day()).append('\n');
        head.append("policy-domain ").append(p.policyDomain().ascii()).append('\n');
        head.append("delivered ").append(p.delivered()).append('\n');
        head.append("lookup ").append(p.lookups()).append(' ').append(time(p.firstLookup())).append(' ')
                .append(time(p.nextLookup())).append('\n');
        List<StoredTarget> targets = p.targets();
        head.append("targets ").append(targets == null ? "-" : Integer.toString(targets.size())).append('\n');
        if (targets != null) {
            for (StoredTarget t : targets) {
                head.append("target ").append(t.pending() ? "pending" : "done").append(' ').append(t.attempts())
                        .append(' ').append(time(t.first())).append(' ').append(time(t.next())).append(' ')
                        .append(t.uri().uri()).append('\n');
            }
        }
        head.append("report-bytes ").append(json.length).append("\n\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + json.length + 32);
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(json);
        out.write('\n');
        return withChecksum(out);
    }

    static byte[] encodeSuppressed(Map<String, Instant> suppressed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + suppressed.size() * 64);
        StringBuilder text = new StringBuilder(SUPPRESSED_MAGIC).append('\n');
        for (Map.Entry<String, Instant> e : suppressed.entrySet()) {
            text.append(e.getValue()).append(' ').append(e.getKey()).append('\n');
        }
        out.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
        return withChecksum(out);
    }

    private static byte[] withChecksum(ByteArrayOutputStream out) {
        byte[] body = out.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body, 0, body.length);
        out.writeBytes(String.format("crc32c %08x\n", crc.getValue()).getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static String time(@Nullable Instant t) {
        return t == null ? "-" : t.toString();
    }

    static Decoded<StoredPending> decodePending(byte[] bytes) {
        try {
            return decodePendingOrThrow(bytes);
        } catch (RuntimeException e) {
            return Decoded.problem("unreadable: " + Printable.describe(e));
        }
    }

    static Decoded<Map<String, Instant>> decodeSuppressed(byte[] bytes) {
        try {
            return decodeSuppressedOrThrow(bytes);
        } catch (RuntimeException e) {
            return Decoded.problem("unreadable: " + Printable.describe(e));
        }
    }

    /** Checks the trailer; returns the length of the content before it, or -1 with the problem in {@code problem[0]}. */
    private static int checkedLength(byte[] bytes, String[] problem) {
        int n = bytes.length;
        if (n > MAX_FILE_SIZE) {
            problem[0] = "larger than " + MAX_FILE_SIZE + " bytes";
            return -1;
        }
        if (n == 0 || bytes[n - 1] != '\n') {
            problem[0] = "truncated: it does not end with the checksum line";
            return -1;
        }
        int lastLine = n - 2;
        while (lastLine >= 0 && bytes[lastLine] != '\n') {
            lastLine--;
        }
        lastLine++;
        String trailer = new String(bytes, lastLine, n - 1 - lastLine, StandardCharsets.ISO_8859_1);
        if (!trailer.matches("crc32c [0-9a-f]{8}")) {
            problem[0] = "truncated: the last line is not a crc32c checksum";
            return -1;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, lastLine);
        long expected = Long.parseLong(trailer.substring(7), 16);
        if (crc.getValue() != expected) {
            problem[0] = String.format("corrupt: checksum %08x does not match the content's %08x", expected,
                    crc.getValue());
            return -1;
        }
        return lastLine;
    }

    private static Decoded<StoredPending> decodePendingOrThrow(byte[] bytes) {
        String[] problem = new String[1];
        int end = checkedLength(bytes, problem);
        if (end < 0) {
            return Decoded.problem(problem[0]);
        }
        // The checksum matches: what follows can only fail for a file written by something else.
        int[] pos = {0};
        if (!PENDING_MAGIC.equals(line(bytes, pos, end))) {
            return Decoded.problem("not a pending report file of version 1");
        }
        String idText = field(bytes, pos, end, "id");
        String dayText = field(bytes, pos, end, "day");
        String domainText = field(bytes, pos, end, "policy-domain");
        String deliveredText = field(bytes, pos, end, "delivered");
        String lookupText = field(bytes, pos, end, "lookup");
        String targetsText = field(bytes, pos, end, "targets");
        if (idText == null || dayText == null || domainText == null || deliveredText == null || lookupText == null
                || targetsText == null) {
            return Decoded.problem("a header field is missing or out of order");
        }
        if (!idText.matches("[0-9]{1,18}")) {
            return Decoded.problem("invalid id '" + Printable.of(idText) + "'");
        }
        LocalDate day;
        try {
            day = LocalDate.parse(dayText);
        } catch (DateTimeParseException e) {
            return Decoded.problem("invalid day '" + Printable.of(dayText) + "'");
        }
        ParseResult<DomainName> domain = DomainName.parse(domainText);
        if (!(domain instanceof ParseResult.Valid<DomainName> validDomain)) {
            return Decoded.problem("invalid policy-domain '" + Printable.of(domainText) + "'");
        }
        if (!deliveredText.equals("true") && !deliveredText.equals("false")) {
            return Decoded.problem("invalid delivered '" + Printable.of(deliveredText) + "'");
        }
        String[] lookup = lookupText.split(" ", -1);
        if (lookup.length != 3 || !lookup[0].matches("[0-9]{1,6}")) {
            return Decoded.problem("invalid lookup line '" + Printable.of(lookupText) + "'");
        }
        List<StoredTarget> targets = null;
        if (!targetsText.equals("-")) {
            if (!targetsText.matches("[0-9]{1,4}")) {
                return Decoded.problem("invalid targets count '" + Printable.of(targetsText) + "'");
            }
            int count = Integer.parseInt(targetsText);
            targets = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String t = field(bytes, pos, end, "target");
                if (t == null) {
                    return Decoded.problem("target " + (i + 1) + " of " + count + " is missing");
                }
                String[] parts = t.split(" ", 5);
                if (parts.length != 5 || !(parts[0].equals("pending") || parts[0].equals("done"))
                        || !parts[1].matches("[0-9]{1,6}")) {
                    return Decoded.problem("invalid target line '" + Printable.of(t) + "'");
                }
                targets.add(new StoredTarget(parts[0].equals("pending"), Integer.parseInt(parts[1]),
                        instant(parts[2]), instant(parts[3]), ReportUri.of(parts[4])));
            }
        }
        String lengthText = field(bytes, pos, end, "report-bytes");
        if (lengthText == null || !lengthText.matches("[0-9]{1,9}")) {
            return Decoded.problem("report-bytes is missing or invalid");
        }
        if (!"".equals(line(bytes, pos, end))) {
            return Decoded.problem("no blank line after the header");
        }
        int length = Integer.parseInt(lengthText);
        if (pos[0] + length + 1 != end || bytes[end - 1] != '\n') {
            return Decoded.problem("report-bytes " + length + " does not match the file");
        }
        byte[] json = java.util.Arrays.copyOfRange(bytes, pos[0], pos[0] + length);
        ReadResult read = TlsReportReader.lenient().read(json);
        if (!(read instanceof ReadResult.Read ok)) {
            return Decoded.problem("the report does not read back: " + read);
        }
        TlsReport report = ok.report();
        if (!report.policyDomains().equals(List.of(validDomain.value().ascii()))) {
            return Decoded.problem("the report is not about " + validDomain.value() + " alone");
        }
        return new Decoded<>(new StoredPending(Long.parseLong(idText), day, validDomain.value(),
                Boolean.parseBoolean(deliveredText), Integer.parseInt(lookup[0]), instant(lookup[1]), instant(lookup[2]),
                targets, report), null);
    }

    private static Decoded<Map<String, Instant>> decodeSuppressedOrThrow(byte[] bytes) {
        String[] problem = new String[1];
        int end = checkedLength(bytes, problem);
        if (end < 0) {
            return Decoded.problem(problem[0]);
        }
        int[] pos = {0};
        if (!SUPPRESSED_MAGIC.equals(line(bytes, pos, end))) {
            return Decoded.problem("not a suppression list of version 1");
        }
        Map<String, Instant> out = new LinkedHashMap<>();
        while (pos[0] < end) {
            String line = line(bytes, pos, end);
            if (line == null) {
                return Decoded.problem("a line is not UTF-8 text");
            }
            int space = line.indexOf(' ');
            if (space < 0) {
                return Decoded.problem("invalid line '" + Printable.of(line) + "'");
            }
            Instant until = instant(line.substring(0, space));
            if (until == null) {
                return Decoded.problem("invalid line '" + Printable.of(line) + "'");
            }
            out.put(ReportUri.of(line.substring(space + 1)).uri(), until);
        }
        return new Decoded<>(out, null);
    }

    /** Parses an instant or {@code -}; throws {@link DateTimeParseException} (caught by the callers). */
    private static @Nullable Instant instant(String text) {
        return text.equals("-") ? null : Instant.parse(text);
    }

    private static @Nullable String field(byte[] bytes, int[] pos, int end, String name) {
        String line = line(bytes, pos, end);
        if (line == null || !line.startsWith(name + " ")) {
            return null;
        }
        return line.substring(name.length() + 1);
    }

    /** Reads one LF-terminated UTF-8 line without control characters, or null. */
    private static @Nullable String line(byte[] bytes, int[] pos, int end) {
        int start = pos[0];
        int lf = start;
        while (lf < end && bytes[lf] != '\n') {
            if ((bytes[lf] & 0xFF) < 0x20 || bytes[lf] == 0x7F) {
                return null;
            }
            lf++;
        }
        if (lf >= end) {
            return null;
        }
        pos[0] = lf + 1;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, lf - start)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
