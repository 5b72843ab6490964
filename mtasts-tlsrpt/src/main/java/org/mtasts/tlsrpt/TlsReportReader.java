package org.mtasts.tlsrpt;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.tlsrpt.BoundedInput.LimitExceeded;
import org.mtasts.tlsrpt.BoundedInput.SourceFailure;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.sym.PropertyNameMatcher;

/**
 * Reads TLS reports (RFC 8460 §4): plain JSON, gzip or a zip archive, told apart by their first
 * bytes (RFC 8460 §5.2), never by name or media type.
 *
 * <p>The reader is tolerant where real senders deviate and says so: each tolerated deviation is a
 * {@link ReportWarning} with its JSON path (date-times without zone taken as UTC, {@code mx-host} or
 * {@code policy-string} as a single string, {@code null} or missing members, counts that do not add
 * up, unknown policy or result types kept, placeholder and draft-era keys). A {@linkplain
 * Builder#strict(boolean) strict} reader turns every deviation into an error; notices stay warnings.
 * Malformed JSON gives line, column and path. Nothing in the input can make the reader throw
 * anything but an {@link IOException} from the caller's stream.
 *
 * <p>Limits, each with a documented default, keep hostile input cheap (RFC 8460 §7): bytes read from
 * a compressed input ({@value #DEFAULT_MAX_COMPRESSED_BYTES}), bytes of JSON text after
 * decompression ({@value #DEFAULT_MAX_JSON_BYTES}, which stops gzip bombs), nesting depth
 * ({@value #DEFAULT_MAX_NESTING_DEPTH}), string length ({@value #DEFAULT_MAX_STRING_LENGTH}
 * characters), policies ({@value #DEFAULT_MAX_POLICIES}), failure details in all
 * ({@value #DEFAULT_MAX_FAILURE_DETAILS}) and warnings kept ({@value #DEFAULT_MAX_WARNINGS}).
 *
 * <p>{@link #read} builds the whole report; {@link #stream} hands it to a {@link ReportVisitor} piece
 * by piece in constant memory, for reports too large to hold (raise the limits for those).
 *
 * <pre>{@code
 * TlsReportReader reader = TlsReportReader.lenient();          // share one
 * ReadResult result = reader.read(file);     // google.com!example.com!1663200000!1663286399!001.json.gz
 * TlsReport report = result.orElseThrow();
 * result.warnings().forEach(w -> System.out.println(w.path() + ": " + w.detail()));
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4">RFC 8460 §4</a>
 * @since 0.1
 */
public final class TlsReportReader {

    /** Default limit on bytes read from a gzip or zip input: 20 MiB. */
    public static final long DEFAULT_MAX_COMPRESSED_BYTES = 20L * 1024 * 1024;
    /** Default limit on bytes of JSON text (after decompression): 20 MiB, as mox. */
    public static final long DEFAULT_MAX_JSON_BYTES = 20L * 1024 * 1024;
    /** Default limit on nesting depth (a report needs 5). */
    public static final int DEFAULT_MAX_NESTING_DEPTH = 32;
    /** Default limit on the length of one string or member name, in characters. */
    public static final int DEFAULT_MAX_STRING_LENGTH = 65_536;
    /** Default limit on the number of policies in one report. */
    public static final int DEFAULT_MAX_POLICIES = 10_000;
    /** Default limit on the number of failure details in one report, over all policies. */
    public static final long DEFAULT_MAX_FAILURE_DETAILS = 100_000;
    /** Default limit on the warnings kept in a result (the visitor sees all). */
    public static final int DEFAULT_MAX_WARNINGS = 1_000;

    private static final TlsReportReader LENIENT = builder().build();
    private static final TlsReportReader STRICT = builder().strict(true).build();

    private final boolean strict;
    private final long maxCompressedBytes;
    private final long maxJsonBytes;
    private final int maxNestingDepth;
    private final int maxStringLength;
    private final int maxPolicies;
    private final long maxFailureDetails;
    private final int maxWarnings;
    private final JsonFactory factory;
    private final PropertyNameMatcher names;

    private TlsReportReader(Builder b) {
        this.strict = b.strict;
        this.maxCompressedBytes = b.maxCompressedBytes;
        this.maxJsonBytes = b.maxJsonBytes;
        this.maxNestingDepth = b.maxNestingDepth;
        this.maxStringLength = b.maxStringLength;
        this.maxPolicies = b.maxPolicies;
        this.maxFailureDetails = b.maxFailureDetails;
        this.maxWarnings = b.maxWarnings;
        StreamReadConstraints limits = StreamReadConstraints.builder()
                .maxNestingDepth(maxNestingDepth)
                .maxStringLength(maxStringLength)
                .maxNameLength(maxStringLength)
                .maxNumberLength(100)
                .maxDocumentLength(maxJsonBytes)
                .build();
        this.factory = JsonFactory.builder()
                .streamReadConstraints(limits)
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
        this.names = ReportParser.matcher(factory);
    }

    /** {@return the tolerant reader with the default limits} */
    public static TlsReportReader lenient() {
        return LENIENT;
    }

    /** {@return the strict reader (every deviation is an error) with the default limits} */
    public static TlsReportReader strict() {
        return STRICT;
    }

    /** {@return a builder, initially lenient with the default limits} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder initialized with this reader's settings} */
    public Builder newBuilder() {
        Builder b = new Builder();
        b.strict = strict;
        b.maxCompressedBytes = maxCompressedBytes;
        b.maxJsonBytes = maxJsonBytes;
        b.maxNestingDepth = maxNestingDepth;
        b.maxStringLength = maxStringLength;
        b.maxPolicies = maxPolicies;
        b.maxFailureDetails = maxFailureDetails;
        b.maxWarnings = maxWarnings;
        return b;
    }

    /** {@return whether deviations are errors} */
    public boolean isStrict() {
        return strict;
    }

    /**
     * Reads a report from bytes: JSON, gzip or zip.
     *
     * @param content the bytes
     * @return the report with its warnings, or the error
     */
    public ReadResult read(byte[] content) {
        return read(content, null);
    }

    /**
     * Reads a report from bytes and checks the RFC 8460 §5.1 file name (or attachment name) against
     * it: a disagreement is a warning, the report wins (RFC 8460 §5.6).
     *
     * @param content the bytes
     * @param fileName the name the bytes came with, or null
     * @return the report with its warnings, or the error
     */
    public ReadResult read(byte[] content, @Nullable String fileName) {
        Objects.requireNonNull(content, "content");
        try {
            return toReadResult(run(null, content, fileName, new ReportCollector()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading from a byte array cannot fail", e);
        }
    }

    /**
     * Reads a report from a stream, which is read to the end of the report but not closed.
     *
     * @param in the input
     * @return the report with its warnings, or the error
     * @throws IOException if reading the stream fails
     */
    public ReadResult read(InputStream in) throws IOException {
        return read(in, null);
    }

    /**
     * Reads a report from a stream and checks the file name against it (see {@link #read(byte[],
     * String)}). The stream is not closed.
     *
     * @param in the input
     * @param fileName the name the bytes came with, or null
     * @return the report with its warnings, or the error
     * @throws IOException if reading the stream fails
     */
    public ReadResult read(InputStream in, @Nullable String fileName) throws IOException {
        Objects.requireNonNull(in, "in");
        return toReadResult(run(in, null, fileName, new ReportCollector()));
    }

    /**
     * Reads a report file, checking its name (see {@link #read(byte[], String)}).
     *
     * @param file the file
     * @return the report with its warnings, or the error
     * @throws IOException if the file cannot be read
     */
    public ReadResult read(Path file) throws IOException {
        Path name = file.getFileName();
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, name == null ? null : name.toString());
        }
    }

    /**
     * Reads a report piece by piece (see {@link ReportVisitor}), keeping nothing per policy or
     * failure detail: memory stays constant however large the report is. The stream is not closed.
     *
     * @param in the input: JSON, gzip or zip
     * @param visitor receives the pieces
     * @return what was visited, or the error
     * @throws IOException if reading the stream fails
     */
    public StreamResult stream(InputStream in, ReportVisitor visitor) throws IOException {
        return stream(in, null, visitor);
    }

    /**
     * Reads a report piece by piece and checks the file name against it.
     *
     * @param in the input: JSON, gzip or zip
     * @param fileName the name the bytes came with, or null
     * @param visitor receives the pieces
     * @return what was visited, or the error
     * @throws IOException if reading the stream fails
     */
    public StreamResult stream(InputStream in, @Nullable String fileName, ReportVisitor visitor) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(visitor, "visitor");
        return toStreamResult(run(in, null, fileName, visitor));
    }

    private static ReadResult toReadResult(Outcome o) {
        if (o.error != null) {
            return new ReadResult.Invalid(o.error, o.warnings, o.omitted);
        }
        return new ReadResult.Read(Objects.requireNonNull(o.report), o.warnings, o.omitted);
    }

    private static StreamResult toStreamResult(Outcome o) {
        if (o.error != null) {
            return new StreamResult.Invalid(o.error, o.policies, o.details, o.warnings, o.omitted);
        }
        return new StreamResult.Completed(Objects.requireNonNull(o.header), o.policies, o.details, o.warnings,
                o.omitted);
    }

    /** The result of one read: a header (and, when collected, the report) or an error. */
    private record Outcome(@Nullable ReportHeader header, @Nullable TlsReport report, @Nullable ReportError error,
            int policies, long details, List<ReportWarning> warnings, long omitted) {}

    private Outcome run(@Nullable InputStream in, byte @Nullable [] bytes, @Nullable String fileName,
            ReportVisitor visitor) throws IOException {
        Warnings warnings = new Warnings(maxWarnings, strict, visitor);
        // The policy domains are only needed to check a file name.
        DomainWatch watch = fileName == null ? null : new DomainWatch(visitor);
        ReportParser parser = null;
        InputStream decompressed = null;
        JsonParser json = null;
        boolean compressed = false;
        try {
            Opened opened = open(in, bytes);
            decompressed = opened.stream;
            compressed = opened.compressed;
            if (opened.bom) {
                warnings.add(new ReportWarning(ReportWarning.Kind.BYTE_ORDER_MARK, "$",
                        "the JSON text starts with a UTF-8 byte order mark; skipped"), 1, 1);
            }
            if (opened.leadingWhitespace) {
                warnings.add(new ReportWarning(ReportWarning.Kind.LEADING_WHITESPACE, "$",
                        "the JSON text starts with whitespace"), 1, 1);
            }
            json = opened.array != null
                    ? factory.createParser(ObjectReadContext.empty(), opened.array, opened.offset,
                            opened.array.length - opened.offset)
                    : factory.createParser(ObjectReadContext.empty(), opened.stream);
            parser = new ReportParser(json, names, warnings, watch != null ? watch : visitor, maxPolicies,
                    maxFailureDetails);
            ReportHeader header = parser.parse();
            checkFileName(fileName, compressed, header, watch, warnings);
            TlsReport report = null;
            if (visitor instanceof ReportCollector collector) {
                report = collector.finish(header);
            } else {
                visitor.header(header);
            }
            return new Outcome(header, report, null, parser.policyCount(), parser.detailCount(), warnings.kept(),
                    warnings.omitted());
        } catch (ReportFailure f) {
            return invalid(f.error, parser, warnings);
        } catch (StreamConstraintsException e) {
            return invalid(error(ReportError.Kind.LIMIT_EXCEEDED, parser, e.getLocation(),
                    limitMessage(String.valueOf(e.getOriginalMessage()))), parser, warnings);
        } catch (JacksonException e) {
            IOException io = ioCause(e);
            if (io == null) {
                return invalid(error(ReportError.Kind.MALFORMED_JSON, parser, e.getLocation(),
                        Texts.printable(String.valueOf(e.getOriginalMessage()), 300)), parser, warnings);
            }
            return invalid(ioError(io, parser), parser, warnings);
        } catch (IOException e) {
            return invalid(ioError(e, parser), parser, warnings);
        } finally {
            if (json != null) {
                json.close();
            }
            if (decompressed != null) {
                decompressed.close(); // releases the Inflater; the caller's stream stays open
            }
        }
    }

    /** Names the reader setting behind a limit Jackson enforced. */
    private static String limitMessage(String jackson) {
        String lower = jackson.toLowerCase(Locale.ROOT);
        String setting = lower.contains("document length") ? "maxJsonBytes"
                : lower.contains("nesting depth") ? "maxNestingDepth"
                : lower.contains("number") ? "a number longer than 100 digits"
                : "maxStringLength";
        return Texts.printable(jackson, 300) + " (TlsReportReader.Builder: " + setting + ")";
    }

    private static @Nullable IOException ioCause(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    /** Maps an I/O failure inside our pipeline to an error; rethrows the caller's own failures. */
    private ReportError ioError(IOException e, @Nullable ReportParser parser) throws IOException {
        if (e instanceof SourceFailure source) {
            throw source.original;
        }
        if (e instanceof LimitExceeded limit) {
            return error(ReportError.Kind.LIMIT_EXCEEDED, parser, null, limit.getMessage());
        }
        if (e instanceof NoReport none) {
            return new ReportError(ReportError.Kind.NO_REPORT, ReportError.Kind.NO_REPORT.rule(), "$", 0, 0,
                    none.getMessage());
        }
        // ZipException, EOFException: corrupt or truncated gzip or zip data.
        return error(ReportError.Kind.MALFORMED_COMPRESSION, parser, null, "the compressed data is corrupt or "
                + "truncated: " + Texts.printable(String.valueOf(e.getMessage()), 200));
    }

    private static ReportError error(ReportError.Kind kind, @Nullable ReportParser parser,
            @Nullable TokenStreamLocation at, String message) {
        int line = at == null ? 0 : Math.max(0, at.getLineNr());
        int column = at == null ? 0 : Math.max(0, at.getColumnNr());
        return new ReportError(kind, kind.rule(), parser == null ? "$" : parser.currentPath(), line, column, message);
    }

    private static Outcome invalid(ReportError error, @Nullable ReportParser parser, Warnings warnings) {
        return new Outcome(null, null, error, parser == null ? 0 : parser.policyCount(),
                parser == null ? 0 : parser.detailCount(), warnings.kept(), warnings.omitted());
    }

    private void checkFileName(@Nullable String fileName, boolean compressed, ReportHeader header,
            @Nullable DomainWatch watch, Warnings warnings) {
        if (fileName == null || watch == null) {
            return;
        }
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".gz") && !compressed) {
            warnings.add(new ReportWarning(ReportWarning.Kind.COMPRESSION_MISMATCH, "$", "the name "
                    + Texts.quote(fileName) + " ends in .gz but the content is not gzip; read as "
                    + "what it is"), 0, 0);
        } else if (lower.endsWith(".json") && compressed) {
            warnings.add(new ReportWarning(ReportWarning.Kind.COMPRESSION_MISMATCH, "$", "the name "
                    + Texts.quote(fileName) + " ends in .json but the content is compressed; read as "
                    + "what it is"), 0, 0);
        }
        Optional<ReportFilename> parsed = ReportFilename.parse(fileName);
        if (parsed.isEmpty()) {
            return;
        }
        ReportFilename name = parsed.get();
        DateRange range = header.dateRange();
        // RFC 8460 §5.6: facts come from the JSON; a disagreeing name is only reported.
        if (name.beginTimestamp() != range.startEpochSecond() || name.endTimestamp() != range.endEpochSecond()) {
            warnings.add(new ReportWarning(ReportWarning.Kind.FILE_NAME_MISMATCH, "$.date-range", "the file name's "
                    + "timestamps " + name.beginTimestamp() + "/" + name.endTimestamp()
                    + " do not match the date-range " + range + "; the report counts"), 0, 0);
        }
        if (!watch.domains.isEmpty() && !watch.domains.contains(name.policyDomain())) {
            warnings.add(new ReportWarning(ReportWarning.Kind.FILE_NAME_MISMATCH, "$.policies", "the file name's "
                    + "policy domain " + name.policyDomain() + " is not a policy-domain of the report; the "
                    + "report counts"), 0, 0);
        }
        DomainName contact = header.contactInfo() == null ? null : TlsReport.addressDomain(header.contactInfo());
        if (contact != null && !contact.equals(name.submitter())) {
            warnings.add(new ReportWarning(ReportWarning.Kind.FILE_NAME_MISMATCH, "$.contact-info", "the file name's "
                    + "sender " + name.submitter() + " is not the domain of contact-info " + contact
                    + "; the report counts"), 0, 0);
        }
    }

    // ---------------------------------------------------------------- input pipeline

    /** What {@link #open} found: the JSON input (a stream, or a byte array with an offset). */
    private static final class Opened {
        @Nullable InputStream stream;
        byte @Nullable [] array;
        int offset;
        boolean compressed;
        boolean bom;
        boolean leadingWhitespace;
    }

    private Opened open(@Nullable InputStream in, byte @Nullable [] bytes) throws IOException {
        Opened o = new Opened();
        if (bytes != null && !isGzip(bytes, bytes.length) && !isZip(bytes, bytes.length)) {
            if (bytes.length > maxJsonBytes) {
                throw new LimitExceeded("the JSON text has " + bytes.length + " bytes, more than "
                        + maxJsonBytes + " (TlsReportReader.Builder.maxJsonBytes)");
            }
            o.array = bytes;
            o.bom = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                    && (bytes[2] & 0xFF) == 0xBF;
            // Jackson skips a byte order mark itself; the offset stays 0.
            o.leadingWhitespace = bytes.length > (o.bom ? 3 : 0) && isSpace(bytes[o.bom ? 3 : 0]);
            return o;
        }
        InputStream source = bytes != null ? new ByteArrayInputStream(bytes) : in;
        // The counting stream marks failures of the caller's stream, so they are rethrown as such.
        BoundedInput raw = new BoundedInput(source, Long.MAX_VALUE, true, null);
        BufferedInputStream buffered = new BufferedInputStream(raw, 8192);
        byte[] head = peek(buffered, 4);
        InputStream json;
        if (isGzip(head, head.length)) {
            o.compressed = true;
            raw.limit(maxCompressedBytes, "the compressed input has more than " + maxCompressedBytes
                    + " bytes (TlsReportReader.Builder.maxCompressedBytes)");
            o.stream = new GZIPInputStream(buffered, 8192);
            json = o.stream;
        } else if (isZip(head, head.length)) {
            o.compressed = true;
            raw.limit(maxCompressedBytes, "the compressed input has more than " + maxCompressedBytes
                    + " bytes (TlsReportReader.Builder.maxCompressedBytes)");
            ZipInputStream zip = new ZipInputStream(buffered);
            o.stream = zip;
            json = zip;
            if (!toReportEntry(zip)) {
                throw new NoReport("the zip archive holds no .json file");
            }
        } else {
            json = buffered;
        }
        InputStream limited = new BoundedInput(json, maxJsonBytes, false, "the JSON text has more than "
                + maxJsonBytes + " bytes (TlsReportReader.Builder.maxJsonBytes)");
        BufferedInputStream text = new BufferedInputStream(limited, 8192);
        byte[] start = peek(text, 4);
        o.bom = start.length >= 3 && (start[0] & 0xFF) == 0xEF && (start[1] & 0xFF) == 0xBB
                && (start[2] & 0xFF) == 0xBF;
        int first = o.bom ? 3 : 0;
        o.leadingWhitespace = start.length > first && isSpace(start[first]);
        if (o.stream == null) {
            o.stream = new NonClosing(text);
        } else {
            InputStream inner = o.stream;
            o.stream = new FilterInputStream(text) {
                @Override
                public void close() throws IOException {
                    inner.close();
                }
            };
        }
        return o;
    }

    /** Moves the zip stream to the report: the first entry named *.json, else the only entry. */
    private static boolean toReportEntry(ZipInputStream zip) throws IOException {
        ZipEntry entry;
        while ((entry = nextEntry(zip)) != null) {
            if (!entry.isDirectory() && entry.getName().toLowerCase(Locale.ROOT).endsWith(".json")) {
                // RFC 8460 §6.3: the entry name is never used as a path.
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the next zip entry. The JDK decodes entry names as UTF-8 and throws an unchecked
     * {@code IllegalArgumentException} for bytes that are not; that is corrupt zip data here.
     */
    private static @Nullable ZipEntry nextEntry(ZipInputStream zip) throws IOException {
        try {
            return zip.getNextEntry();
        } catch (IllegalArgumentException e) {
            ZipException corrupt = new ZipException("an entry name is not valid UTF-8");
            corrupt.initCause(e);
            throw corrupt;
        }
    }

    private static byte[] peek(BufferedInputStream in, int n) throws IOException {
        in.mark(n);
        byte[] head = new byte[n];
        int got = 0;
        while (got < n) {
            int r = in.read(head, got, n - got);
            if (r < 0) {
                break;
            }
            got += r;
        }
        in.reset();
        return got == n ? head : java.util.Arrays.copyOf(head, got);
    }

    private static boolean isGzip(byte[] b, int n) {
        return n >= 2 && (b[0] & 0xFF) == 0x1F && (b[1] & 0xFF) == 0x8B; // RFC 1952 §2.3.1
    }

    private static boolean isZip(byte[] b, int n) {
        return n >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    private static final class NonClosing extends FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // The caller owns its stream.
        }
    }

    private static final class NoReport extends IOException {
        private static final long serialVersionUID = 1L;

        NoReport(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------- visitors

    /** Passes everything on and remembers the policy domains, for the file name check. */
    private static final class DomainWatch implements ReportVisitor {
        private final ReportVisitor delegate;
        final Set<DomainName> domains = new HashSet<>();

        DomainWatch(ReportVisitor delegate) {
            this.delegate = delegate;
        }

        @Override
        public void failureDetails(int policyIndex, long detailIndex, FailureDetails details) {
            delegate.failureDetails(policyIndex, detailIndex, details);
        }

        @Override
        public void policy(int policyIndex, PolicyDetails policy, Summary summary, long failureDetailCount) {
            String d = policy.policyDomain();
            if (d != null && domains.size() < 64 && DomainName.isValid(d)) {
                domains.add(DomainName.of(d));
            }
            delegate.policy(policyIndex, policy, summary, failureDetailCount);
        }

        @Override
        public void header(ReportHeader header) {
            delegate.header(header);
        }

        @Override
        public void warning(ReportWarning warning) {
            delegate.warning(warning);
        }
    }

    /** Builds the whole report from the pieces: what {@link #read} (and the aggregator's snapshot file) use. */
    static final class ReportCollector implements ReportVisitor {
        private final List<PolicyResult> policies = new ArrayList<>();
        private final List<FailureDetails> pending = new ArrayList<>();

        @Override
        public void failureDetails(int policyIndex, long detailIndex, FailureDetails details) {
            pending.add(details);
        }

        @Override
        public void policy(int policyIndex, PolicyDetails policy, Summary summary, long failureDetailCount) {
            policies.add(new PolicyResult(policy, summary, pending));
            pending.clear();
        }

        TlsReport finish(ReportHeader header) {
            return TlsReport.of(header, policies);
        }
    }

    /**
     * Configures a reader. Setters validate eagerly; the last call wins.
     *
     * <pre>{@code
     * TlsReportReader big = TlsReportReader.builder()
     *         .maxJsonBytes(1L << 30).maxFailureDetails(10_000_000).build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private boolean strict;
        private long maxCompressedBytes = DEFAULT_MAX_COMPRESSED_BYTES;
        private long maxJsonBytes = DEFAULT_MAX_JSON_BYTES;
        private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;
        private int maxStringLength = DEFAULT_MAX_STRING_LENGTH;
        private int maxPolicies = DEFAULT_MAX_POLICIES;
        private long maxFailureDetails = DEFAULT_MAX_FAILURE_DETAILS;
        private int maxWarnings = DEFAULT_MAX_WARNINGS;

        private Builder() {}

        /**
         * Sets strict mode: every {@linkplain ReportWarning.Severity#DEVIATION deviation} is an error
         * (default false).
         *
         * @param strict whether deviations are errors
         * @return this builder
         */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * Sets the limit on bytes read from a gzip or zip input.
         *
         * @param bytes at least 1
         * @return this builder
         */
        public Builder maxCompressedBytes(long bytes) {
            this.maxCompressedBytes = positive(bytes, "maxCompressedBytes");
            return this;
        }

        /**
         * Sets the limit on bytes of JSON text, after decompression.
         *
         * @param bytes at least 1
         * @return this builder
         */
        public Builder maxJsonBytes(long bytes) {
            this.maxJsonBytes = positive(bytes, "maxJsonBytes");
            return this;
        }

        /**
         * Sets the limit on nesting depth.
         *
         * @param depth at least 5 (what a report needs)
         * @return this builder
         */
        public Builder maxNestingDepth(int depth) {
            if (depth < 5) {
                throw new IllegalArgumentException("maxNestingDepth must be at least 5, was " + depth);
            }
            this.maxNestingDepth = depth;
            return this;
        }

        /**
         * Sets the limit on the length of one string or member name.
         *
         * @param chars at least 64
         * @return this builder
         */
        public Builder maxStringLength(int chars) {
            if (chars < 64) {
                throw new IllegalArgumentException("maxStringLength must be at least 64, was " + chars);
            }
            this.maxStringLength = chars;
            return this;
        }

        /**
         * Sets the limit on policies per report.
         *
         * @param count at least 1
         * @return this builder
         */
        public Builder maxPolicies(int count) {
            this.maxPolicies = (int) positive(count, "maxPolicies");
            return this;
        }

        /**
         * Sets the limit on failure details per report, over all policies.
         *
         * @param count at least 1
         * @return this builder
         */
        public Builder maxFailureDetails(long count) {
            this.maxFailureDetails = positive(count, "maxFailureDetails");
            return this;
        }

        /**
         * Sets how many warnings a result keeps (the rest are counted; a visitor sees all).
         *
         * @param count 0 or more
         * @return this builder
         */
        public Builder maxWarnings(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("maxWarnings must not be negative, was " + count);
            }
            this.maxWarnings = count;
            return this;
        }

        /**
         * Builds the reader.
         *
         * @return the reader
         */
        public TlsReportReader build() {
            return new TlsReportReader(this);
        }

        private static long positive(long value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, was " + value);
            }
            return value;
        }
    }
}
