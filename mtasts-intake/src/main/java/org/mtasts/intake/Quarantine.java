package org.mtasts.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where input that holds no usable report is kept with the reason, so that one broken message or
 * report never stops the intake: a directory with one entry per distinct input, named by the
 * SHA-256 of its bytes, holding {@code content} (the bytes as received) and {@code reason.txt}
 * (why, where it came from, when). The same broken input quarantined twice is kept once.
 *
 * <p>Nothing a sender wrote becomes part of a path; the origin is written into {@code reason.txt}
 * only.
 *
 * <pre>{@code
 * Quarantine quarantine = Quarantine.open(directory, Clock.systemUTC());
 * Path entry = quarantine.put(bytes, "imap uid 42", "not a report: no tlsrpt part");
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @since 0.1
 */
public final class Quarantine {

    /** The name of the file with the input's bytes in an entry. */
    public static final String CONTENT = "content";
    /** The name of the file with the reason in an entry. */
    public static final String REASON = "reason.txt";

    private final Path directory;
    private final Clock clock;

    private Quarantine(Path directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    /**
     * Opens the quarantine in a directory, creating it if needed.
     *
     * @param directory the directory
     * @param clock the clock for the time written into each reason
     * @return the quarantine
     * @throws IOException if the directory cannot be created
     */
    public static Quarantine open(Path directory, Clock clock) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(clock, "clock");
        Files.createDirectories(directory);
        return new Quarantine(directory, clock);
    }

    /** {@return the directory} */
    public Path directory() {
        return directory;
    }

    /**
     * Keeps input with the reason it was refused; input already in quarantine is not written again.
     *
     * @param content the bytes as received (possibly cut at a size limit)
     * @param origin where they came from, for people (a file name, an IMAP UID, a client address)
     * @param reason why they hold no usable report
     * @return the entry's directory
     * @throws IOException if the quarantine cannot be written
     */
    public Path put(byte[] content, String origin, String reason) throws IOException {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(reason, "reason");
        Path entry = directory.resolve(ReportIdentity.sha256Hex(content));
        if (Files.isDirectory(entry)) {
            return entry;
        }
        Path temp = Files.createTempDirectory(directory, ".tmp-");
        try {
            Files.write(temp.resolve(CONTENT), content);
            String text = "reason: " + oneLine(reason) + "\norigin: " + oneLine(origin) + "\nat: " + clock.instant()
                    + "\nbytes: " + content.length + "\n";
            Files.write(temp.resolve(REASON), text.getBytes(StandardCharsets.UTF_8));
            try {
                Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // Another writer quarantined the same bytes meanwhile.
            }
        } finally {
            if (Files.isDirectory(temp)) {
                Files.deleteIfExists(temp.resolve(CONTENT));
                Files.deleteIfExists(temp.resolve(REASON));
                Files.deleteIfExists(temp);
            }
        }
        return entry;
    }

    /**
     * Returns the entries' directories, sorted.
     *
     * @return the entries
     * @throws IOException if the quarantine cannot be read
     */
    public List<Path> entries() throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory)) {
            for (Path p : dir) {
                if (!p.getFileName().toString().startsWith(".") && Files.isDirectory(p)) {
                    entries.add(p);
                }
            }
        }
        entries.sort(null);
        return entries;
    }

    /** Control characters would let a sender forge lines of the reason file. */
    private static String oneLine(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 2000));
        for (int i = 0; i < s.length() && b.length() < 2000; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "Quarantine[" + directory + "]";
    }
}
