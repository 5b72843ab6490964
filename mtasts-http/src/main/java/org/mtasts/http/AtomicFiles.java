package org.mtasts.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * Crash-safe file writes for the state that must survive restarts ({@link FilePolicyStore}, the
 * {@link TlsRptReporter}'s state directory): a temporary file in the same directory, {@code fsync},
 * an atomic rename over the old file, then an {@code fsync} of the directory. A crash leaves the
 * old file or the new one, never a mix. Also the quarantine of a corrupt file: it is renamed aside,
 * never deleted and never fatal.
 */
final class AtomicFiles {

    /** The prefix of temporary files; files with it are leftovers of a crash and may be deleted. */
    static final String TEMP_PREFIX = ".tmp-";

    /** The suffix given to a quarantined file (followed by a number if taken). */
    static final String QUARANTINE_SUFFIX = ".corrupt";

    private AtomicFiles() {}

    /**
     * Replaces a file atomically with new content.
     *
     * @param dir the directory of the file (where the temporary file is made)
     * @param file the file to replace
     * @param content the new content
     * @param listener hears that the file system cannot rename atomically (then the file is
     *     replaced non-atomically)
     * @throws IOException if writing fails; the old file is then unchanged
     */
    static void write(Path dir, Path file, byte[] content, FilePolicyStore.ProblemListener listener)
            throws IOException {
        Path tmp = Files.createTempFile(dir, TEMP_PREFIX, ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                listener.problem(file, "the file system cannot rename atomically; replaced it non-atomically", e);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            syncDirectory(dir);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    listener.problem(tmp, "cannot delete a temporary file: " + Printable.describe(e), e);
                }
            }
        }
    }

    /**
     * Deletes a file if it is there; a failure goes to the listener, prefixed with {@code what}.
     *
     * @param file the file
     * @param what what the deletion was for, for the problem report
     * @param listener where a failure is reported
     */
    static void delete(Path file, String what, FilePolicyStore.ProblemListener listener) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            listener.problem(file, what + ": " + Printable.describe(e), e);
        }
    }

    /** Makes a rename durable; some platforms cannot open a directory, which is fine there. */
    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // Not supported on this platform (Windows): the rename itself is still atomic.
        }
    }

    /**
     * Moves a corrupt file aside ({@code <name>.corrupt}, or {@code <name>.corrupt-2} and so on if
     * taken) so that it is kept for inspection but not read again, and reports it.
     *
     * @param file the corrupt file
     * @param problem what is wrong with it
     * @param listener hears about it
     * @return where the file is now, or null if it could not be moved (it is then left in place)
     */
    static @Nullable Path quarantine(Path file, String problem, FilePolicyStore.ProblemListener listener) {
        String name = file.getFileName().toString();
        for (int n = 1; n <= 100; n++) {
            Path target = file.resolveSibling(name + QUARANTINE_SUFFIX + (n == 1 ? "" : "-" + n));
            if (Files.exists(target)) {
                continue;
            }
            try {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(file.getParent());
                listener.problem(file, problem + "; moved aside to " + target.getFileName(), null);
                return target;
            } catch (IOException e) {
                listener.problem(file, problem + "; cannot move it aside: " + Printable.describe(e), e);
                return null;
            }
        }
        listener.problem(file, problem + "; not moved aside: 100 quarantined copies exist already", null);
        return null;
    }
}
