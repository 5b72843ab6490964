package org.mtasts.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.ParseResult;
import org.mtasts.core.PolicyParser;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.StsRecord;

/**
 * The file format of {@link FilePolicyStore}: one small text file per domain, readable with
 * {@code cat}, ending in a CRC-32C of everything before it, so that a corrupt or truncated file is
 * detected:
 *
 * <pre>
 * mtasts-policy-store 1
 * domain example.com
 * record-id 20261128T000000Z
 * fetched-at 2026-11-28T00:00:00Z
 * expires-at 2026-12-05T00:00:00Z
 * text-bytes 87
 *
 * (the 87 bytes of the policy as fetched, UTF-8)
 * crc32c 1a2b3c4d
 * </pre>
 *
 * {@link #decode} never throws: every problem is a {@link Decoded} with a reason.
 */
final class PolicyFileFormat {
    static final String MAGIC = "mtasts-policy-store 1";
    static final String SUFFIX = ".policy";
    /** The largest file read: far above a 64 KiB policy, so junk cannot exhaust memory. */
    static final int MAX_FILE_SIZE = 1024 * 1024;

    private PolicyFileFormat() {}

    /** A decoded file: the policy, or why there is none. */
    record Decoded(@Nullable CachedPolicy policy, @Nullable String problem) {}

    /** Returns the file name for a domain: {@code <domain>.policy}, or a hash if that is too long. */
    static String fileName(DomainName domain) {
        String plain = domain.ascii() + SUFFIX;
        if (plain.length() <= 255) {
            return plain;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(domain.ascii().getBytes(StandardCharsets.US_ASCII));
            return "h-" + HexFormat.of().formatHex(digest) + SUFFIX;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e); // every JDK has it
        }
    }

    static byte[] encode(CachedPolicy p) {
        byte[] text = p.text().getBytes(StandardCharsets.UTF_8);
        String header = MAGIC + "\n"
                + "domain " + p.domain().ascii() + "\n"
                + "record-id " + p.recordId() + "\n"
                + "fetched-at " + p.fetchedAt() + "\n"
                + "expires-at " + p.expiresAt() + "\n"
                + "text-bytes " + text.length + "\n"
                + "\n";
        byte[] head = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer body = ByteBuffer.allocate(head.length + text.length + 1);
        body.put(head).put(text).put((byte) '\n');
        CRC32C crc = new CRC32C();
        crc.update(body.array(), 0, body.position());
        String trailer = String.format("crc32c %08x\n", crc.getValue());
        ByteBuffer out = ByteBuffer.allocate(body.position() + trailer.length());
        out.put(body.array(), 0, body.position()).put(trailer.getBytes(StandardCharsets.US_ASCII));
        return out.array();
    }

    static Decoded decode(byte[] bytes) {
        try {
            return decodeOrThrow(bytes);
        } catch (RuntimeException e) {
            return problem("unreadable: " + Printable.describe(e));
        }
    }

    private static Decoded decodeOrThrow(byte[] bytes) {
        int n = bytes.length;
        if (n > MAX_FILE_SIZE) {
            return problem("larger than " + MAX_FILE_SIZE + " bytes");
        }
        if (n == 0 || bytes[n - 1] != '\n') {
            return problem("truncated: it does not end with the checksum line");
        }
        int lastLine = lastIndexOf(bytes, (byte) '\n', n - 2) + 1;
        String trailer = new String(bytes, lastLine, n - 1 - lastLine, StandardCharsets.ISO_8859_1);
        if (!trailer.matches("crc32c [0-9a-f]{8}")) {
            return problem("truncated: the last line is not a crc32c checksum");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, lastLine);
        long expected = Long.parseLong(trailer.substring(7), 16);
        if (crc.getValue() != expected) {
            return problem(String.format("corrupt: checksum %08x does not match the content's %08x", expected,
                    crc.getValue()));
        }
        // The checksum matches: what follows can only fail for a file written by something else.
        int[] pos = {0};
        String magic = line(bytes, pos, lastLine);
        if (!MAGIC.equals(magic)) {
            return problem("not a policy store file of version 1: first line '" + Printable.of(magic) + "'");
        }
        String domainText = field(bytes, pos, lastLine, "domain");
        String recordId = field(bytes, pos, lastLine, "record-id");
        String fetchedText = field(bytes, pos, lastLine, "fetched-at");
        String expiresText = field(bytes, pos, lastLine, "expires-at");
        String lengthText = field(bytes, pos, lastLine, "text-bytes");
        if (domainText == null || recordId == null || fetchedText == null || expiresText == null || lengthText == null) {
            return problem("a header field is missing or out of order");
        }
        if (!"".equals(line(bytes, pos, lastLine))) {
            return problem("no blank line after the header");
        }
        ParseResult<DomainName> domain = DomainName.parse(domainText);
        if (!(domain instanceof ParseResult.Valid<DomainName> validDomain) || !validDomain.value().ascii().equals(domainText)) {
            return problem("invalid domain '" + Printable.of(domainText) + "'");
        }
        if (!StsRecord.isValidId(recordId)) {
            return problem("invalid record id '" + Printable.of(recordId) + "'");
        }
        Instant fetchedAt;
        Instant expiresAt;
        try {
            fetchedAt = Instant.parse(fetchedText);
            expiresAt = Instant.parse(expiresText);
        } catch (DateTimeParseException e) {
            return problem("invalid time: " + Printable.of(e.getMessage()));
        }
        if (expiresAt.isBefore(fetchedAt)) {
            return problem("expires-at " + expiresAt + " is before fetched-at " + fetchedAt);
        }
        int length;
        if (!lengthText.matches("[0-9]{1,7}")) {
            return problem("invalid text-bytes '" + Printable.of(lengthText) + "'");
        }
        length = Integer.parseInt(lengthText);
        if (pos[0] + length + 1 != lastLine || bytes[lastLine - 1] != '\n') {
            return problem("text-bytes " + length + " does not match the file");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, pos[0], length)).toString();
        } catch (CharacterCodingException e) {
            return problem("the policy text is not UTF-8");
        }
        // The text was accepted when fetched (perhaps by a lenient parser): read it back leniently.
        ParseResult<StsPolicy> policy = PolicyParser.lenient().parse(text);
        if (!(policy instanceof ParseResult.Valid<StsPolicy> valid)) {
            return problem("the policy text is invalid: " + policy.syntaxError().orElseThrow());
        }
        return new Decoded(new CachedPolicy(validDomain.value(), recordId, valid.value(), text, fetchedAt, expiresAt), null);
    }

    private static Decoded problem(String detail) {
        return new Decoded(null, detail);
    }

    private static @Nullable String field(byte[] bytes, int[] pos, int end, String name) {
        String line = line(bytes, pos, end);
        if (line == null || !line.startsWith(name + " ")) {
            return null;
        }
        return line.substring(name.length() + 1);
    }

    /** Reads one LF-terminated ASCII line from {@code pos}, or null at the end or on a non-ASCII byte. */
    private static @Nullable String line(byte[] bytes, int[] pos, int end) {
        int start = pos[0];
        int lf = start;
        while (lf < end && bytes[lf] != '\n') {
            if (bytes[lf] < 0x20 || bytes[lf] == 0x7F) {
                return null;
            }
            lf++;
        }
        if (lf >= end) {
            return null;
        }
        pos[0] = lf + 1;
        return new String(bytes, start, lf - start, StandardCharsets.US_ASCII);
    }

    private static int lastIndexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i >= 0; i--) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
