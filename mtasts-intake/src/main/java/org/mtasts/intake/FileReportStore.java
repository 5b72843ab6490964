package org.mtasts.intake;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mtasts.tlsrpt.ReadResult;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;
import org.mtasts.tlsrpt.TlsReportWriter;

/**
 * The embedded report store: a directory with one file per report, named by the {@linkplain
 * ReportIdentity#digest() digest} of its identity plus {@code .json}, holding the report in the
 * canonical JSON of {@link TlsReportWriter} (so {@code mtasts report show} reads it). Nothing a
 * sender wrote ever becomes part of a path.
 *
 * <p>A report is written to a temporary file in the same directory, forced to disk, and then
 * linked to its name, which fails if the name exists: two writers of the same report (two
 * threads, two processes) store it once, and a crash leaves either the whole file or none
 * (temporary files left by a crash start with {@code .tmp-} and are ignored).
 *
 * <pre>{@code
 * FileReportStore store = FileReportStore.open(directory);   // e.g. /var/lib/mtasts/reports
 * boolean isNew = store.add(report);
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @since 0.1
 */
public final class FileReportStore implements ReportStore {

    private static final String SUFFIX = ".json";
    private static final String TEMP_PREFIX = ".tmp-";

    private final Path directory;
    private final TlsReportReader reader = TlsReportReader.lenient();

    private FileReportStore(Path directory) {
        this.directory = directory;
    }

    /**
     * Opens the store in a directory, creating it if needed.
     *
     * @param directory the directory
     * @return the store
     * @throws IOException if the directory cannot be created
     */
    public static FileReportStore open(Path directory) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Files.createDirectories(directory);
        return new FileReportStore(directory);
    }

    /** {@return the directory} */
    public Path directory() {
        return directory;
    }

    /**
     * Returns the file a report with this identity is stored in (whether or not it is).
     *
     * @param identity the identity
     * @return the path, inside {@link #directory()}
     */
    public Path fileOf(ReportIdentity identity) {
        return directory.resolve(identity.digest() + SUFFIX);
    }

    @Override
    public boolean add(TlsReport report) throws IOException {
        Path target = fileOf(ReportIdentity.of(report));
        if (Files.exists(target)) {
            return false;
        }
        byte[] json = TlsReportWriter.create().toJson(report);
        Path temp = Files.createTempFile(directory, TEMP_PREFIX, SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(json));
                channel.force(true);
            }
            return publish(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Links the finished file to its name; false if the name was taken meanwhile. */
    private static boolean publish(Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            // A file system without hard links: rename, which replaces a file written meanwhile by
            // another writer of the same report with the same bytes.
            if (Files.exists(target)) {
                return false;
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        }
    }

    @Override
    public boolean contains(ReportIdentity identity) {
        return Files.exists(fileOf(identity));
    }

    @Override
    public List<TlsReport> reports() throws IOException {
        List<TlsReport> reports = new ArrayList<>();
        for (Path file : files()) {
            ReadResult result = reader.read(file);
            if (result instanceof ReadResult.Invalid invalid) {
                throw new IOException("the stored report " + file + " no longer reads: " + invalid.error());
            }
            reports.add(result.orElseThrow());
        }
        return reports;
    }

    @Override
    public long size() throws IOException {
        return files().size();
    }

    private List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : dir) {
                if (!file.getFileName().toString().startsWith(TEMP_PREFIX)) {
                    files.add(file);
                }
            }
        }
        files.sort(null);
        return files;
    }

    @Override
    public String toString() {
        return "FileReportStore[" + directory + "]";
    }
}
