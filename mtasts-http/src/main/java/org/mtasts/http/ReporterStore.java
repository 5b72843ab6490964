package org.mtasts.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The state directory of a {@link TlsRptReporter}: reads it at start-up (moving corrupt files aside
 * and reporting them, never failing on one), and writes each file crash-safe with {@link
 * AtomicFiles}. The file formats are {@link ReporterStateFormat}'s.
 */
final class ReporterStore {

    /** What the directory held: the pending reports by id, and the suppression list. */
    record Loaded(List<ReporterStateFormat.StoredPending> pending, Map<String, Instant> suppressed) {}

    private final Path dir;
    private final FilePolicyStore.ProblemListener problems;

    ReporterStore(Path dir, FilePolicyStore.ProblemListener problems) {
        this.dir = dir;
        this.problems = problems;
    }

    /**
     * Creates the directory if needed, deletes leftover temporary files and reads every file.
     *
     * @throws UncheckedIOException if the directory cannot be created or listed
     */
    Loaded open() {
        List<ReporterStateFormat.StoredPending> pending = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (name.startsWith(AtomicFiles.TEMP_PREFIX)) {
                        AtomicFiles.delete(file, "cannot delete a leftover temporary file", problems);
                    } else if (name.endsWith(ReporterStateFormat.PENDING_SUFFIX) && Files.isRegularFile(file)) {
                        ReporterStateFormat.StoredPending p = readPending(file, name);
                        if (p != null) {
                            pending.add(p);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the TLS-RPT reporter's state directory " + dir + ": "
                    + Printable.describe(e), e);
        }
        pending.sort(Comparator.comparingLong(ReporterStateFormat.StoredPending::id));
        return new Loaded(pending, readSuppressed());
    }

    private ReporterStateFormat.@Nullable StoredPending readPending(Path file, String name) {
        byte[] bytes = read(file);
        if (bytes == null) {
            return null;
        }
        ReporterStateFormat.Decoded<ReporterStateFormat.StoredPending> decoded = ReporterStateFormat.decodePending(bytes);
        ReporterStateFormat.StoredPending p = decoded.value();
        if (p == null) {
            AtomicFiles.quarantine(file, "ignored: " + decoded.problem(), problems);
            return null;
        }
        if (!name.equals(ReporterStateFormat.pendingFileName(p.id()))) {
            AtomicFiles.quarantine(file, "ignored: it holds report " + p.id() + ", which belongs in "
                    + ReporterStateFormat.pendingFileName(p.id()), problems);
            return null;
        }
        return p;
    }

    private Map<String, Instant> readSuppressed() {
        Path file = dir.resolve(ReporterStateFormat.SUPPRESSED_FILE);
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        byte[] bytes = read(file);
        if (bytes == null) {
            return Map.of();
        }
        ReporterStateFormat.Decoded<Map<String, Instant>> decoded = ReporterStateFormat.decodeSuppressed(bytes);
        Map<String, Instant> list = decoded.value();
        if (list == null) {
            AtomicFiles.quarantine(file, "ignored: " + decoded.problem(), problems);
            return Map.of();
        }
        return list;
    }

    private byte @Nullable [] read(Path file) {
        try {
            if (Files.size(file) > ReporterStateFormat.MAX_FILE_SIZE) {
                AtomicFiles.quarantine(file, "ignored: larger than " + ReporterStateFormat.MAX_FILE_SIZE + " bytes",
                        problems);
                return null;
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            problems.problem(file, "ignored: cannot read it: " + Printable.describe(e), e);
            return null;
        }
    }

    /**
     * Writes a pending report's file, or deletes it once the report is finished.
     *
     * @param id the report's id
     * @param bytes the encoded state, or null to delete the file
     */
    void writePending(long id, byte @Nullable [] bytes) {
        Path file = dir.resolve(ReporterStateFormat.pendingFileName(id));
        if (bytes == null) {
            AtomicFiles.delete(file, "cannot delete the file of a finished report", problems);
            return;
        }
        try {
            AtomicFiles.write(dir, file, bytes, problems);
        } catch (IOException | RuntimeException e) {
            problems.problem(file, "cannot write it (the report stays pending in memory): " + Printable.describe(e), e);
        }
    }

    /**
     * Writes the suppression list.
     *
     * @param bytes the encoded list
     */
    void writeSuppressed(byte[] bytes) {
        Path file = dir.resolve(ReporterStateFormat.SUPPRESSED_FILE);
        try {
            AtomicFiles.write(dir, file, bytes, problems);
        } catch (IOException | RuntimeException e) {
            problems.problem(file, "cannot write it (the list is kept in memory): " + Printable.describe(e), e);
        }
    }

}
