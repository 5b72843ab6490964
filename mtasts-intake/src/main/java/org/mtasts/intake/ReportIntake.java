package org.mtasts.intake;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.mtasts.tlsrpt.ReadResult;
import org.mtasts.tlsrpt.ReportError;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;
import org.mtasts.tlsrpt.mail.MessageReadResult;
import org.mtasts.tlsrpt.mail.ReportMessageReader;

/**
 * Takes reports in from any source and keeps each once: a report (JSON, gzip or zip bytes), a
 * report e-mail (RFC 8460 §5.3), a file of either kind, a directory of files, or a Maildir. Reports
 * are read leniently (every deviation of real senders that the reader tolerates, such as Microsoft's
 * date-times without a zone, is accepted) and stored in the {@link ReportStore} unless stored before;
 * input that holds no usable report goes to the {@link Quarantine} with its reason, and the intake
 * goes on with the next input. Only an I/O error of the store or quarantine itself is thrown.
 *
 * <pre>{@code
 * ReportIntake intake = ReportIntake.builder()
 *         .store(FileReportStore.open(storeDir))
 *         .quarantine(Quarantine.open(quarantineDir, Clock.systemUTC()))
 *         .build();
 * IntakeCounts counts = intake.acceptMaildir(maildir);
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.3">RFC 8460 §5.3</a>
 * @since 0.1
 */
public final class ReportIntake {

    /** The default largest input: 32 MiB, the report e-mail reader's own limit. */
    public static final long DEFAULT_MAX_INPUT_BYTES = ReportMessageReader.DEFAULT_MAX_MESSAGE_BYTES;

    private final ReportStore store;
    private final Quarantine quarantine;
    private final TlsReportReader reportReader;
    private final ReportMessageReader messageReader;
    private final long maxInputBytes;

    private ReportIntake(Builder b) {
        this.store = Objects.requireNonNull(b.store, "store not set");
        this.quarantine = Objects.requireNonNull(b.quarantine, "quarantine not set");
        this.reportReader = b.reportReader;
        this.messageReader = ReportMessageReader.builder().reportReader(b.reportReader)
                .maxMessageBytes(b.maxInputBytes).build();
        this.maxInputBytes = b.maxInputBytes;
    }

    /** {@return a new builder} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the store} */
    public ReportStore store() {
        return store;
    }

    /** {@return the quarantine} */
    public Quarantine quarantine() {
        return quarantine;
    }

    /** {@return the largest input accepted, in bytes} */
    public long maxInputBytes() {
        return maxInputBytes;
    }

    /**
     * Takes in a report: JSON, gzip or zip bytes (told apart by their bytes, RFC 8460 §5.2).
     *
     * @param bytes the report
     * @param origin where it came from, for the quarantine's reason file
     * @return what was done
     * @throws IOException if the store or the quarantine cannot be written
     */
    public IntakeResult acceptReport(byte[] bytes, String origin) throws IOException {
        ReadResult result = reportReader.read(bytes);
        if (result instanceof ReadResult.Invalid invalid) {
            return quarantine(bytes, origin, "not a usable report: " + invalid.error(), invalid.error());
        }
        return store(result.orElseThrow());
    }

    /**
     * Takes in a report e-mail (RFC 8460 §5.3).
     *
     * @param message the message, RFC 5322 bytes
     * @param origin where it came from, for the quarantine's reason file
     * @return what was done
     * @throws IOException if the store or the quarantine cannot be written
     */
    public IntakeResult acceptMessage(byte[] message, String origin) throws IOException {
        MessageReadResult result = messageReader.read(message);
        if (result instanceof MessageReadResult.Invalid invalid) {
            return quarantine(message, origin, "not a usable report e-mail: " + invalid.error(), invalid.error());
        }
        return store(result.orElseThrow());
    }

    /**
     * Takes in bytes that are either a report or a report e-mail: JSON (after optional white space
     * or a byte order mark), gzip and zip are reports, anything else is read as an e-mail.
     *
     * @param bytes the input
     * @param origin where it came from, for the quarantine's reason file
     * @return what was done
     * @throws IOException if the store or the quarantine cannot be written
     */
    public IntakeResult accept(byte[] bytes, String origin) throws IOException {
        return looksLikeReport(bytes) ? acceptReport(bytes, origin) : acceptMessage(bytes, origin);
    }

    /**
     * Takes in a file: a report or a report e-mail. A file larger than {@link #maxInputBytes()} is
     * quarantined with its first bytes.
     *
     * @param file the file
     * @return what was done
     * @throws IOException if the file, the store or the quarantine cannot be read or written
     */
    public IntakeResult acceptFile(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxInputBytes + 1));
        }
        String origin = "file " + file;
        if (bytes.length > maxInputBytes) {
            byte[] head = java.util.Arrays.copyOf(bytes, (int) Math.min(bytes.length, 64 * 1024));
            return quarantine(head, origin, "larger than " + maxInputBytes + " bytes (kept: the first "
                    + head.length + ")", null);
        }
        return accept(bytes, origin);
    }

    /**
     * Takes in every regular file under a directory (hidden files and directories left out), in
     * name order.
     *
     * @param directory the directory
     * @return the counts
     * @throws IOException if a file, the store or the quarantine cannot be read or written
     */
    public IntakeCounts acceptDirectory(Path directory) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !directory.relativize(p).toString().startsWith(".")
                            && !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
        IntakeCounts counts = IntakeCounts.ZERO;
        for (Path file : files) {
            counts = counts.plus(acceptFile(file));
        }
        return counts;
    }

    /**
     * Takes in the messages of a Maildir ({@code new/} and {@code cur/}; {@code tmp/} holds
     * deliveries in progress and is left alone). The Maildir is only read: the store makes a second
     * run store nothing new, and the quarantine keeps a broken message once.
     *
     * @param maildir the Maildir (the directory holding {@code new}, {@code cur} and {@code tmp})
     * @return the counts
     * @throws IOException if the Maildir is not one, or a message, the store or the quarantine cannot
     *     be read or written
     */
    public IntakeCounts acceptMaildir(Path maildir) throws IOException {
        if (!Files.isDirectory(maildir.resolve("new")) || !Files.isDirectory(maildir.resolve("cur"))) {
            throw new IOException(maildir + " is not a Maildir: it has no new/ and cur/ directories");
        }
        List<Path> messages = new ArrayList<>();
        for (String sub : List.of("cur", "new")) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(maildir.resolve(sub))) {
                for (Path p : dir) {
                    if (!p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)) {
                        messages.add(p);
                    }
                }
            }
        }
        messages.sort(null);
        IntakeCounts counts = IntakeCounts.ZERO;
        for (Path message : messages) {
            byte[] bytes;
            try {
                bytes = readBounded(message);
            } catch (java.nio.file.NoSuchFileException e) {
                continue; // moved from new/ to cur/ by a mail reader meanwhile: read there or next run
            }
            if (bytes.length > maxInputBytes) {
                counts = counts.plus(quarantine(java.util.Arrays.copyOf(bytes, 64 * 1024), "maildir " + message,
                        "larger than " + maxInputBytes + " bytes (kept: the first 65536)", null));
            } else {
                counts = counts.plus(acceptMessage(bytes, "maildir " + message));
            }
        }
        return counts;
    }

    private byte[] readBounded(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxInputBytes + 1));
        }
    }

    /**
     * Quarantines input refused before it could be read (too large, unreadable, a transport error).
     *
     * @param content the bytes as received, possibly cut
     * @param origin where they came from
     * @param reason why
     * @return the quarantine result
     * @throws IOException if the quarantine cannot be written
     */
    public IntakeResult.Quarantined quarantine(byte[] content, String origin, String reason) throws IOException {
        return quarantine(content, origin, reason, null);
    }

    private IntakeResult.Quarantined quarantine(byte[] content, String origin, String reason,
            @Nullable ReportError error) throws IOException {
        return new IntakeResult.Quarantined(reason, error, quarantine.put(content, origin, reason));
    }

    private IntakeResult store(TlsReport report) throws IOException {
        ReportIdentity id = ReportIdentity.of(report);
        return store.add(report) ? new IntakeResult.Stored(id) : new IntakeResult.Duplicate(id);
    }

    /** JSON (after optional white space or a BOM), gzip or zip; anything else is taken for an e-mail. */
    static boolean looksLikeReport(byte[] b) {
        if (b.length >= 2 && (b[0] & 0xFF) == 0x1F && (b[1] & 0xFF) == 0x8B) {
            return true;
        }
        if (b.length >= 2 && b[0] == 'P' && b[1] == 'K') {
            return true;
        }
        int i = 0;
        if (b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
            i = 3;
        }
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i < b.length && (b[i] == '{' || b[i] == '[');
    }

    /**
     * Configures a {@link ReportIntake}.
     *
     * <pre>{@code
     * ReportIntake.Builder b = ReportIntake.builder().store(store).quarantine(quarantine)
     *         .reportReader(TlsReportReader.builder().maxJsonBytes(5_000_000).build());
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private @Nullable ReportStore store;
        private @Nullable Quarantine quarantine;
        private TlsReportReader reportReader = TlsReportReader.lenient();
        private long maxInputBytes = DEFAULT_MAX_INPUT_BYTES;

        private Builder() {}

        /**
         * Sets the store (required).
         *
         * @param store the store
         * @return this builder
         */
        public Builder store(ReportStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Sets the quarantine (required).
         *
         * @param quarantine the quarantine
         * @return this builder
         */
        public Builder quarantine(Quarantine quarantine) {
            this.quarantine = Objects.requireNonNull(quarantine, "quarantine");
            return this;
        }

        /**
         * Sets the report reader, with its limits (default: {@link TlsReportReader#lenient()}, whose
         * limits on compressed and decompressed size stop gzip bombs).
         *
         * @param reader the reader
         * @return this builder
         */
        public Builder reportReader(TlsReportReader reader) {
            this.reportReader = Objects.requireNonNull(reader, "reader");
            return this;
        }

        /**
         * Sets the largest file or message taken in (default {@link #DEFAULT_MAX_INPUT_BYTES}).
         *
         * @param bytes 1024 or more
         * @return this builder
         */
        public Builder maxInputBytes(long bytes) {
            if (bytes < 1024 || bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxInputBytes " + bytes + " is outside 1024.." + (Integer.MAX_VALUE - 8));
            }
            this.maxInputBytes = bytes;
            return this;
        }

        /**
         * Builds the intake.
         *
         * @return the intake
         * @throws IllegalStateException if the store or the quarantine is not set
         */
        public ReportIntake build() {
            if (store == null || quarantine == null) {
                throw new IllegalStateException((store == null ? "store" : "quarantine") + " is not set");
            }
            return new ReportIntake(this);
        }
    }

    @Override
    public String toString() {
        return "ReportIntake[" + store + ", " + quarantine + "]";
    }
}
