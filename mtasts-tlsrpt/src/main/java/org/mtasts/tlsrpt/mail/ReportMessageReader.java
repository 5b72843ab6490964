package org.mtasts.tlsrpt.mail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.ParseResult;
import org.mtasts.core.SafeText;
import org.mtasts.tlsrpt.ReadResult;
import org.mtasts.tlsrpt.ReportError;
import org.mtasts.tlsrpt.ReportWarning;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;

/**
 * Takes a received TLS report message apart (RFC 8460 §5.3) with Apache James Mime4j: {@code
 * multipart/report} or a single part; an {@code application/tlsrpt+gzip}, {@code +json} (or bare
 * {@code application/tlsrpt}, {@code +zip}) part, or any part named {@code .json}, {@code .json.gz},
 * {@code .gz} or {@code .zip}; {@code report-type} quoted or not. The report is read by a {@link
 * TlsReportReader}, which tells gzip, zip and JSON apart by their bytes; every fact comes from the
 * JSON, never from the Subject or the file name (RFC 8460 §5.6).
 *
 * <p>The message's own deviations become warnings too, with the header name as path: a missing
 * {@code TLS-Report-Domain} or {@code TLS-Report-Submitter}, a submitter that is not the domain of
 * {@code contact-info}, a message that is not {@code multipart/report; report-type=tlsrpt}. A strict
 * report reader makes the deviations among them errors. DKIM is the caller's job: the result carries
 * the headers to compare with the verified signing domain (RFC 8460 §3).
 *
 * <p>Messages are limited to {@value #DEFAULT_MAX_MESSAGE_BYTES} bytes by default; the report inside
 * is subject to the report reader's limits.
 *
 * <pre>{@code
 * ReportMessageReader reader = ReportMessageReader.create();
 * MessageReadResult result = reader.read(emlFile);       // a message that arrived at the rua address
 * if (result instanceof MessageReadResult.Received r && dkimDomainMatches(r.header("From"))) {
 *     store(r.report());
 * }
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.3">RFC 8460 §5.3</a>
 * @since 0.1
 */
public final class ReportMessageReader {

    /** Default limit on the size of a message: 32 MiB (a 20 MiB report in base64 fits). */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 32L * 1024 * 1024;

    private static final int MAX_DEPTH = 8;

    /** The most bytes one Java array can hold on common JVMs. */
    private static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    private final TlsReportReader reportReader;
    private final long maxMessageBytes;

    private ReportMessageReader(Builder b) {
        this.reportReader = b.reportReader;
        this.maxMessageBytes = b.maxMessageBytes;
    }

    /** {@return a reader with the lenient report reader and the default limit} */
    public static ReportMessageReader create() {
        return builder().build();
    }

    /** {@return a builder} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a message from bytes.
     *
     * @param message the RFC 5322 message
     * @return the report, or why there is none
     */
    public MessageReadResult read(byte[] message) {
        Objects.requireNonNull(message, "message");
        if (message.length > maxMessageBytes) {
            return tooLarge(maxMessageBytes);
        }
        return parse(message);
    }

    /**
     * Reads a message file.
     *
     * @param file the file
     * @return the report, or why there is none
     * @throws IOException if the file cannot be read
     */
    public MessageReadResult read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /**
     * Reads a message from a stream (not closed). The message is read into memory first, at most
     * {@link Builder#maxMessageBytes} bytes, and then taken apart.
     *
     * @param in the RFC 5322 message
     * @return the report, or why there is none
     * @throws IOException if reading the stream fails (the stream's own exception)
     */
    public MessageReadResult read(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        // Reading the whole message before Mime4j sees it keeps the two kinds of IOException apart:
        // here only the caller's stream fails, and on the bytes only Mime4j does.
        int cap = (int) Math.min(maxMessageBytes + 1, MAX_ARRAY_BYTES);
        byte[] message = in.readNBytes(cap);
        if (message.length > maxMessageBytes) {
            return tooLarge(maxMessageBytes);
        }
        if (message.length == cap && in.read() >= 0) {
            return tooLarge(cap); // maxMessageBytes is above what one Java array holds
        }
        return parse(message);
    }

    private static MessageReadResult tooLarge(long limit) {
        return invalid(ReportError.Kind.LIMIT_EXCEEDED, "$", "the message has more than " + limit
                + " bytes (ReportMessageReader.Builder.maxMessageBytes)", List.of(), List.of());
    }

    private MessageReadResult parse(byte[] bytes) {
        Message message;
        try {
            DefaultMessageBuilder builder = new DefaultMessageBuilder();
            builder.setMimeEntityConfig(new MimeConfig.Builder()
                    .setMaxLineLen(-1)
                    .setMaxHeaderCount(1000)
                    .setMaxHeaderLen(100_000)
                    .setMaxContentLen(maxMessageBytes)
                    .setStrictParsing(false)
                    .build());
            builder.setDecodeMonitor(DecodeMonitor.SILENT);
            message = builder.parseMessage(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            return invalid(ReportError.Kind.NO_REPORT, "$", "the message cannot be parsed: "
                    + printable(String.valueOf(e.getMessage())), List.of(), List.of());
        }
        try {
            return read(message);
        } catch (IOException e) {
            // Mime4j keeps the parsed bodies in memory: reading them fails only on a broken encoding.
            return invalid(ReportError.Kind.NO_REPORT, "$", "the report part cannot be read: "
                    + printable(String.valueOf(e.getMessage())), List.of(), headersOf(message));
        } finally {
            message.dispose();
        }
    }

    private MessageReadResult read(Message message) throws IOException {
        List<MessageHeader> headers = headersOf(message);
        Part part = find(message, 0);
        if (part == null) {
            return invalid(ReportError.Kind.NO_REPORT, "$", "the message has no report: no application/tlsrpt+gzip "
                    + "or application/tlsrpt+json part and no .json, .json.gz, .gz or .zip attachment", List.of(),
                    headers);
        }
        byte[] bytes;
        try (InputStream body = part.body.getInputStream()) {
            bytes = readAll(body);
        }
        if (bytes == null) {
            return invalid(ReportError.Kind.LIMIT_EXCEEDED, "$", "the report part has more than " + maxMessageBytes
                    + " bytes (ReportMessageReader.Builder.maxMessageBytes)", List.of(), headers);
        }
        ReadResult read = reportReader.read(bytes, part.fileName);
        List<ReportWarning> warnings = new ArrayList<>(read.warnings());
        if (read instanceof ReadResult.Invalid bad) {
            return new MessageReadResult.Invalid(bad.error(), warnings, headers);
        }
        TlsReport report = read.orElseThrow();
        List<ReportWarning> own = new ArrayList<>();
        checkMessage(message, part, bytes, report, headers, own);
        for (ReportWarning w : own) {
            if (reportReader.isStrict() && w.isDeviation()) {
                return new MessageReadResult.Invalid(new ReportError(ReportError.Kind.STRICT, w.rule(), w.path(), 0, 0,
                        w.detail() + " [" + w.code() + "]"), warnings, headers);
            }
            warnings.add(w);
        }
        return new MessageReadResult.Received(report, warnings, headers, part.fileName, part.mediaType);
    }

    private static void checkMessage(Message message, Part part, byte[] bytes, TlsReport report,
            List<MessageHeader> headers, List<ReportWarning> out) {
        String type = lower(message.getMimeType());
        if (!"multipart/report".equals(type)) {
            out.add(new ReportWarning(ReportWarning.Kind.NOT_A_REPORT_MESSAGE, "Content-Type", "the message is "
                    + printable(type) + ", not multipart/report; the report part was found anyway"));
        } else {
            ContentTypeField ct = (ContentTypeField) message.getHeader().getField("Content-Type");
            String reportType = ct == null ? null : ct.getParameter("report-type");
            // RFC 8460 §5.3: report-type "tlsrpt" (RFC 6522), quoted or not, any case.
            if (reportType == null || !reportType.equalsIgnoreCase(ReportMessage.REPORT_TYPE)) {
                out.add(new ReportWarning(ReportWarning.Kind.NOT_A_REPORT_MESSAGE, "Content-Type",
                        "multipart/report with report-type " + (reportType == null ? "missing" : "'"
                                + printable(reportType) + "'") + ", not tlsrpt"));
            }
        }
        boolean gzip = bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1F && (bytes[1] & 0xFF) == 0x8B;
        if (part.mediaType.endsWith("+gzip") && !gzip) {
            out.add(new ReportWarning(ReportWarning.Kind.COMPRESSION_MISMATCH, "Content-Type", "the part is "
                    + part.mediaType + " but its content is not gzip; read as what it is"));
        } else if (part.mediaType.endsWith("+json") && gzip) {
            out.add(new ReportWarning(ReportWarning.Kind.COMPRESSION_MISMATCH, "Content-Type", "the part is "
                    + part.mediaType + " but its content is gzip; read as what it is"));
        }
        Optional<String> domain = first(headers, "TLS-Report-Domain");
        if (domain.isEmpty()) {
            out.add(new ReportWarning(ReportWarning.Kind.MISSING_HEADER, "TLS-Report-Domain",
                    "the message has no TLS-Report-Domain header"));
        } else {
            DomainName d = domainOf(domain.get());
            boolean found = false;
            for (String p : report.policyDomains()) {
                DomainName pd = domainOf(p);
                found |= d != null && d.equals(pd);
            }
            if (!found) {
                // RFC 8460 §5.6: the report counts.
                out.add(new ReportWarning(ReportWarning.Kind.HEADER_MISMATCH, "TLS-Report-Domain", "'"
                        + printable(domain.get()) + "' is not a policy-domain of the report; the report counts"));
            }
        }
        Optional<String> submitter = first(headers, "TLS-Report-Submitter");
        if (submitter.isEmpty()) {
            out.add(new ReportWarning(ReportWarning.Kind.MISSING_HEADER, "TLS-Report-Submitter",
                    "the message has no TLS-Report-Submitter header"));
        } else {
            Optional<DomainName> contact = report.submitter();
            DomainName s = domainOf(submitter.get());
            // RFC 8460 §5.3: TLS-Report-Submitter MUST equal the domain of contact-info.
            if (contact.isPresent() && !contact.get().equals(s)) {
                out.add(new ReportWarning(ReportWarning.Kind.SUBMITTER_MISMATCH, "TLS-Report-Submitter", "'"
                        + printable(submitter.get()) + "' is not " + contact.get() + ", the domain of contact-info"));
            }
        }
    }

    // ---------------------------------------------------------------- finding the report part

    /** A part that may hold the report. */
    private static final class Part {
        final SingleBody body;
        final String mediaType;
        final @Nullable String fileName;
        final int score;

        Part(SingleBody body, String mediaType, @Nullable String fileName, int score) {
            this.body = body;
            this.mediaType = mediaType;
            this.fileName = fileName;
            this.score = score;
        }
    }

    private static @Nullable Part find(Entity entity, int depth) {
        if (depth > MAX_DEPTH) {
            return null;
        }
        Body body = entity.getBody();
        if (body instanceof Multipart multipart) {
            Part best = null;
            for (Entity child : multipart.getBodyParts()) {
                Part p = find(child, depth + 1);
                if (p != null && (best == null || p.score > best.score)) {
                    best = p;
                }
            }
            return best;
        }
        if (body instanceof Message inner) {
            return find(inner, depth + 1);
        }
        if (body instanceof SingleBody single) {
            String type = lower(entity.getMimeType());
            String name = fileNameOf(entity);
            int score = score(type, name);
            return score > 0 ? new Part(single, type, name, score) : null;
        }
        return null;
    }

    /** 2: a TLS-RPT media type (RFC 8460 §6.4, §6.5); 1: a generic type or a report-like file name. */
    private static int score(String type, @Nullable String name) {
        switch (type) {
            case "application/tlsrpt+gzip":
            case "application/tlsrpt+json":
            case "application/tlsrpt+zip": // INTEROP: mail-auth accepts it
            case "application/tlsrpt": // INTEROP: mail-auth's test message rpt02.eml
                return 2;
            case "application/gzip":
            case "application/x-gzip":
            case "application/json":
            case "application/zip":
            case "application/x-zip-compressed":
                return 1;
            default:
                break;
        }
        if (name != null) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.endsWith(".json") || n.endsWith(".gz") || n.endsWith(".zip")) {
                return 1; // INTEROP: parsedmarc#638, a report under another media type
            }
        }
        return 0;
    }

    private static @Nullable String fileNameOf(Entity entity) {
        String name = entity.getFilename();
        if (name == null) {
            Field f = entity.getHeader() == null ? null : entity.getHeader().getField("Content-Type");
            if (f instanceof ContentTypeField ct) {
                name = ct.getParameter("name");
            }
        }
        if (name == null) {
            return null;
        }
        // RFC 8460 §6.3: a name is never used as a path.
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        return name.substring(slash + 1);
    }

    // ---------------------------------------------------------------- helpers

    private static List<MessageHeader> headersOf(Message message) {
        List<MessageHeader> out = new ArrayList<>();
        if (message.getHeader() == null) {
            return out;
        }
        for (Field f : message.getHeader().getFields()) {
            String body = f.getBody() == null ? "" : f.getBody();
            String unfolded = body.replaceAll("\r?\n(?=[ \t])", "").replace("\r", "").replace("\n", "");
            String decoded;
            try {
                decoded = DecoderUtil.decodeEncodedWords(unfolded, DecodeMonitor.SILENT);
            } catch (IllegalArgumentException e) {
                decoded = unfolded;
            }
            out.add(new MessageHeader(f.getName(), decoded.strip()));
        }
        return out;
    }

    private static Optional<String> first(List<MessageHeader> headers, String name) {
        for (MessageHeader h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return Optional.of(h.value());
            }
        }
        return Optional.empty();
    }

    private static @Nullable DomainName domainOf(String text) {
        ParseResult<DomainName> d = DomainName.parse(text.strip());
        return d instanceof ParseResult.Valid<DomainName> v ? v.value() : null;
    }

    /** Returns the part's bytes, or null when they are more than the message limit. */
    private byte @Nullable [] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > maxMessageBytes) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static String lower(@Nullable String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    /** Escapes what came from the network: nothing reaches a message raw ({@link SafeText}). */
    static String printable(String s) {
        return SafeText.escape(s);
    }

    private static MessageReadResult invalid(ReportError.Kind kind, String path, String message,
            List<ReportWarning> warnings, List<MessageHeader> headers) {
        return new MessageReadResult.Invalid(new ReportError(kind, kind.rule(), path, 0, 0, message), warnings, headers);
    }

    /**
     * Configures a message reader.
     *
     * <pre>{@code
     * ReportMessageReader strict = ReportMessageReader.builder()
     *         .reportReader(TlsReportReader.strict()).maxMessageBytes(10 << 20).build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private TlsReportReader reportReader = TlsReportReader.lenient();
        private long maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;

        private Builder() {}

        /**
         * Sets the reader for the report inside (default {@link TlsReportReader#lenient()}); a strict
         * one also makes the message's deviations errors.
         *
         * @param reader the report reader
         * @return this builder
         */
        public Builder reportReader(TlsReportReader reader) {
            this.reportReader = Objects.requireNonNull(reader, "reader");
            return this;
        }

        /**
         * Sets the limit on the message size.
         *
         * @param bytes at least 1024
         * @return this builder
         */
        public Builder maxMessageBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxMessageBytes must be at least 1024, was " + bytes);
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /**
         * Builds the reader.
         *
         * @return the reader
         */
        public ReportMessageReader build() {
            return new ReportMessageReader(this);
        }
    }
}
