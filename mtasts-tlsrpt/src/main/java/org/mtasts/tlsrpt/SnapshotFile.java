package org.mtasts.tlsrpt;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.sym.PropertyNameMatcher;

/**
 * The file format of {@link ReportAggregator} snapshots: one JSON object holding the reports of
 * every day not yet taken, each exactly as {@link TlsReportWriter} writes a report (RFC 8460 §4.4
 * keys), and ending in a CRC-32C of everything before it, so that a corrupt or truncated file is
 * detected:
 *
 * <pre>
 * {"format":"mtasts-aggregator-snapshot/1","saved-at":"2024-02-25T12:00:00Z",
 *  "reports":[{"organization-name":...,"policies":[...]},...],"crc32c":"1a2b3c4d"}
 * </pre>
 *
 * (one line, ending in a line feed; the checksum covers every byte before {@code ,"crc32c"}).
 * {@link #read} never throws for bad content: every problem is a {@link Decoded} with a reason.
 */
final class SnapshotFile {
    static final String FORMAT = "mtasts-aggregator-snapshot/1";
    /** The start of every snapshot of any version. */
    private static final String FORMAT_PREFIX = "{\"format\":\"mtasts-aggregator-snapshot/";
    /** The start of a snapshot of this version. */
    private static final byte[] HEAD = ("{\"format\":\"" + FORMAT + "\"").getBytes(StandardCharsets.US_ASCII);
    /** {@code ,"crc32c":"01234567"}} and a line feed. */
    private static final int TRAILER_LENGTH = 22;
    private static final byte[] TRAILER_START = ",\"crc32c\":\"".getBytes(StandardCharsets.US_ASCII);

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(TlsReportReader.DEFAULT_MAX_NESTING_DEPTH)
                    .maxStringLength(TlsReportReader.DEFAULT_MAX_STRING_LENGTH)
                    .maxNameLength(TlsReportReader.DEFAULT_MAX_STRING_LENGTH)
                    .maxNumberLength(100)
                    .maxDocumentLength(ReportAggregator.MAX_SNAPSHOT_BYTES)
                    .build())
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    private static final PropertyNameMatcher REPORT_NAMES = ReportParser.matcher(FACTORY);

    private SnapshotFile() {}

    /** A read file: the reports, or why there are none. */
    record Decoded(@Nullable List<TlsReport> reports, @Nullable String problem) {
        static Decoded problem(String problem) {
            return new Decoded(null, problem);
        }
    }

    /**
     * Writes a snapshot; the stream is flushed, not closed.
     *
     * @param out the target
     * @param savedAt when it was taken
     * @param reports the reports of every day
     * @throws IOException if writing fails
     */
    static void write(OutputStream out, Instant savedAt, List<TlsReport> reports) throws IOException {
        CRC32C crc = new CRC32C();
        CheckedOutputStream checked = new CheckedOutputStream(out, crc);
        try (JsonGenerator g = TlsReportWriter.FACTORY.createGenerator(ObjectWriteContext.empty(), checked)) {
            g.writeStartObject();
            g.writeName("format");
            g.writeString(FORMAT);
            g.writeName("saved-at");
            g.writeString(DateTimes.format(savedAt));
            g.writeName("reports");
            g.writeStartArray();
            for (TlsReport r : reports) {
                TlsReportWriter.writeReport(g, r);
            }
            g.writeEndArray();
            g.flush(); // every byte so far went through the checksum
            g.writeName("crc32c");
            g.writeString(String.format("%08x", crc.getValue()));
            g.writeEndObject();
        } catch (JacksonException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw e;
        }
        out.write('\n');
        out.flush();
    }

    /**
     * Reads a snapshot file.
     *
     * @param file the file
     * @return the reports, or the problem
     * @throws IOException if the file cannot be read
     */
    static Decoded read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > ReportAggregator.MAX_SNAPSHOT_BYTES) {
                return Decoded.problem("larger than " + ReportAggregator.MAX_SNAPSHOT_BYTES + " bytes");
            }
            if (size == 0) {
                return Decoded.problem("not an aggregator snapshot: the file is empty");
            }
            byte[] head = readAt(channel, 0, (int) Math.min(size, HEAD.length + 1));
            if (head.length <= HEAD.length || !startsWith(head, HEAD) || head[HEAD.length] != ',') {
                String headText = new String(head, StandardCharsets.ISO_8859_1);
                if ((new String(HEAD, StandardCharsets.ISO_8859_1) + ",").startsWith(headText)) {
                    return Decoded.problem("truncated: it ends within the format member");
                }
                if (headText.startsWith(FORMAT_PREFIX)) {
                    return Decoded.problem("written in another version of the format (this version reads "
                            + Texts.quote(FORMAT) + ")");
                }
                return Decoded.problem("not an aggregator snapshot: it does not start with "
                        + Texts.quote("{\"format\":\"" + FORMAT + "\""));
            }
            if (size < HEAD.length + TRAILER_LENGTH) {
                return Decoded.problem("truncated: " + size + " bytes, too short for a snapshot");
            }
            long bodyLength = size - TRAILER_LENGTH;
            byte[] trailer = readAt(channel, bodyLength, TRAILER_LENGTH);
            if (!startsWith(trailer, TRAILER_START) || trailer[TRAILER_LENGTH - 3] != '"'
                    || trailer[TRAILER_LENGTH - 2] != '}' || trailer[TRAILER_LENGTH - 1] != '\n') {
                return Decoded.problem("truncated: it does not end with the crc32c member");
            }
            String expectedText = new String(trailer, TRAILER_START.length, 8, StandardCharsets.ISO_8859_1);
            long expected;
            try {
                expected = HexFormat.fromHexDigitsToLong(expectedText);
            } catch (IllegalArgumentException e) {
                return Decoded.problem("truncated: the crc32c member holds " + Texts.quote(expectedText)
                        + ", not eight hexadecimal digits");
            }
            long actual = crc(channel, bodyLength);
            if (actual != expected) {
                return Decoded.problem(String.format("corrupt: checksum %08x in the file, %08x computed", expected,
                        actual));
            }
            return parse(Channels.newInputStream(channel.position(0)));
        }
    }

    private static Decoded parse(InputStream in) throws IOException {
        List<TlsReport> reports = new ArrayList<>();
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), new BufferedInputStream(in, 65_536))) {
            expect(p, JsonToken.START_OBJECT);
            boolean seenReports = false;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.PROPERTY_NAME) {
                    return corrupt(p, "expected a member name");
                }
                String name = p.currentName();
                if ("reports".equals(name) && !seenReports) {
                    seenReports = true;
                    expect(p, JsonToken.START_ARRAY);
                    for (JsonToken r = p.nextToken(); r != JsonToken.END_ARRAY; r = p.nextToken()) {
                        TlsReportReader.ReportCollector collector = new TlsReportReader.ReportCollector();
                        // Written by our own canonical writer: read strictly, every deviation an error.
                        Warnings warnings = new Warnings(0, true, collector);
                        ReportParser parser = new ReportParser(p, REPORT_NAMES, warnings, collector,
                                Integer.MAX_VALUE, Long.MAX_VALUE);
                        try {
                            reports.add(collector.finish(parser.parseEmbedded()));
                        } catch (ReportFailure f) {
                            return Decoded.problem("corrupt: report " + reports.size() + ": " + f.error);
                        }
                    }
                } else if ("format".equals(name) || "saved-at".equals(name) || "crc32c".equals(name)) {
                    if (p.nextToken() != JsonToken.VALUE_STRING) {
                        return corrupt(p, Texts.quote(name) + " is not a string");
                    }
                } else {
                    return corrupt(p, "unexpected member " + Texts.quote(String.valueOf(name)));
                }
            }
            if (!seenReports) {
                return corrupt(p, "the reports member is missing");
            }
        } catch (Corrupt c) {
            return Decoded.problem(c.getMessage());
        } catch (JacksonException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof IOException io) {
                    throw io;
                }
            }
            return Decoded.problem("corrupt: " + at(e.getLocation()) + Texts.printable(
                    String.valueOf(e.getOriginalMessage()), 300));
        }
        return new Decoded(List.copyOf(reports), null);
    }

    private static void expect(JsonParser p, JsonToken token) {
        JsonToken t = p.nextToken();
        if (t != token) {
            throw new Corrupt("corrupt: " + at(p.currentTokenLocation()) + "expected " + ReportParser.describe(token)
                    + ", found " + ReportParser.describe(t));
        }
    }

    private static Decoded corrupt(JsonParser p, String message) {
        return Decoded.problem("corrupt: " + at(p.currentTokenLocation()) + message);
    }

    private static String at(@Nullable TokenStreamLocation location) {
        if (location == null || location.getLineNr() <= 0) {
            return "";
        }
        return "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
    }

    private static long crc(FileChannel channel, long length) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocate(65_536);
        long position = 0;
        while (position < length) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), length - position));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("the file shrank while it was read");
            }
            buffer.flip();
            crc.update(buffer);
            position += n;
        }
        return crc.getValue();
    }

    private static byte[] readAt(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                break;
            }
        }
        byte[] out = new byte[buffer.position()];
        buffer.flip();
        buffer.get(out);
        return out;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Unwinds {@link #parse} with the reason (no stack trace). */
    private static final class Corrupt extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Corrupt(String message) {
            super(message, null, false, false);
        }
    }
}
