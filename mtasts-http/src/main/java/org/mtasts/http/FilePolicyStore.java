package org.mtasts.http;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyStore;

/**
 * A {@link PolicyStore} that survives restarts: one file per domain in a directory, plus an
 * in-memory index so that {@link #get} does no I/O. A sender that forgets its policies on restart
 * can be downgraded until it fetches them again, so a long-running MTA should use this store (or a
 * shared one, below) rather than the default in-memory one.
 *
 * <ul>
 *   <li>Each {@link #put} writes {@code <domain>.policy} atomically: a temporary file in the same
 *       directory, {@code fsync}, then an atomic rename over the old file, then an {@code fsync}
 *       of the directory. A crash leaves the old file or the new one, never a mix; leftover
 *       temporary files are deleted by {@link #open}.</li>
 *   <li>Each file ends in a CRC-32C checksum. A corrupt, truncated or foreign file found at {@link
 *       #open} is reported to the {@link ProblemListener} and ignored (left on disk until the
 *       domain is stored again); it is never fatal. A failed write is reported too, and the
 *       policy is still kept in memory.</li>
 *   <li>The index is an {@link InMemoryPolicyStore} with the same bound and eviction order;
 *       evicted entries lose their file.</li>
 * </ul>
 *
 * <p><b>Sharing one store in a cluster.</b> Several MTAs can share policies by implementing the
 * {@link PolicyStore} SPI on an engine they already run, rather than on a shared directory (rename
 * is not atomic across NFS clients). With SQL, a table {@code mtasts_policy(domain PRIMARY KEY,
 * record_id, policy_text, fetched_at, expires_at)}: {@code put} is one upsert ({@code INSERT ... ON
 * CONFLICT (domain) DO UPDATE}), {@code remove} a delete, {@code forEach} a scan, and the policy is
 * parsed from {@code policy_text} when read. With Redis, one hash per domain ({@code HSET
 * mtasts:<domain> ...}, written in one command, so atomically) and {@code SCAN} for {@code
 * forEach}; do not set a Redis TTL equal to {@code max_age}: an expired entry is still useful to
 * extend on an unchanged id. Last-writer-wins is correct, because every writer stores a policy it
 * fetched itself. Keep {@code get} off the network on the hot path: cache the rows in memory for a
 * few seconds, or keep an in-memory index refreshed from the shared store, as this class does with
 * its directory.
 *
 * <pre>{@code
 * FilePolicyStore store = FilePolicyStore.builder(stateDirectory.resolve("mtasts"))   // /var/lib/mta/mtasts
 *         .problemListener((file, problem, cause) -> log.warn(file + ": " + problem))
 *         .open();
 * MtaSts sts = MtaSts.builder().store(store).build();
 * }</pre>
 *
 * <p>Thread-safe; share one instance (and one per directory: two stores on one directory do not
 * see each other's writes until reopened).
 *
 * @since 0.1
 */
public final class FilePolicyStore implements PolicyStore {

    /**
     * Hears about problems with state files: for this store, corrupt, truncated or foreign files
     * found when opening, and failed writes or deletes; for a {@link TlsRptReporter}, the same for
     * its state directory. Implementations must be thread-safe and must not throw.
     */
    @FunctionalInterface
    public interface ProblemListener {
        /** Logs each problem with {@link System.Logger} at WARNING. The default. */
        ProblemListener LOG = (file, problem, cause) -> System.getLogger(FilePolicyStore.class.getName())
                .log(System.Logger.Level.WARNING, "policy store file " + file + ": " + problem, cause);

        /**
         * Called for each problem.
         *
         * @param file the file concerned
         * @param problem what is wrong, without raw control characters
         * @param cause the exception, if any
         */
        void problem(Path file, String problem, @Nullable Throwable cause);
    }

    private static final int STRIPES = 64;

    private final Path dir;
    private final InMemoryPolicyStore index;
    private final ProblemListener listener;
    private final Object[] locks = new Object[STRIPES];
    private final Queue<CachedPolicy> evicted = new ConcurrentLinkedQueue<>();

    private FilePolicyStore(Builder b) {
        this.dir = b.dir;
        this.listener = b.listener;
        this.index = new InMemoryPolicyStore(b.maxEntries, b.clock, evicted::add);
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * Opens (creating it if needed) a store in a directory with every default.
     *
     * @param dir the directory, used by this store only
     * @return the store, with every valid file loaded
     * @throws IOException if the directory cannot be created or listed
     */
    public static FilePolicyStore open(Path dir) throws IOException {
        return builder(dir).open();
    }

    /**
     * Returns a builder for a store in a directory.
     *
     * @param dir the directory, used by this store only
     * @return the builder
     */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    private void load() throws IOException {
        Files.createDirectories(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.startsWith(AtomicFiles.TEMP_PREFIX)) {
                    AtomicFiles.delete(file, "leftover temporary file", listener);
                } else if (name.endsWith(PolicyFileFormat.SUFFIX) && Files.isRegularFile(file)) {
                    loadOne(file, name);
                }
            }
        }
        drainEvicted();
    }

    private void loadOne(Path file, String name) {
        byte[] bytes;
        try {
            if (Files.size(file) > PolicyFileFormat.MAX_FILE_SIZE) {
                listener.problem(file, "ignored: larger than " + PolicyFileFormat.MAX_FILE_SIZE + " bytes", null);
                return;
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            listener.problem(file, "ignored: cannot read it: " + Printable.describe(e), e);
            return;
        }
        PolicyFileFormat.Decoded decoded = PolicyFileFormat.decode(bytes);
        CachedPolicy policy = decoded.policy();
        if (policy == null) {
            listener.problem(file, "ignored: " + decoded.problem(), null);
            return;
        }
        if (!name.equals(PolicyFileFormat.fileName(policy.domain()))) {
            listener.problem(file, "ignored: it holds the policy of " + policy.domain() + ", which belongs in "
                    + PolicyFileFormat.fileName(policy.domain()), null);
            return;
        }
        index.put(policy);
    }

    @Override
    public Optional<CachedPolicy> get(DomainName domain) {
        return index.get(domain);
    }

    @Override
    public void put(CachedPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        Path file = dir.resolve(PolicyFileFormat.fileName(policy.domain()));
        synchronized (lock(policy.domain())) {
            index.put(policy);
            write(file, PolicyFileFormat.encode(policy));
        }
        drainEvicted();
    }

    @Override
    public void remove(DomainName domain) {
        synchronized (lock(domain)) {
            index.remove(domain);
            AtomicFiles.delete(dir.resolve(PolicyFileFormat.fileName(domain)), "cannot delete it", listener);
        }
    }

    @Override
    public void forEach(Consumer<? super CachedPolicy> action) {
        index.forEach(action);
    }

    /** {@return the number of policies held} */
    public int size() {
        return index.size();
    }

    /** {@return the directory} */
    public Path directory() {
        return dir;
    }

    private Object lock(DomainName domain) {
        return locks[(domain.hashCode() & 0x7fffffff) % STRIPES];
    }

    /** Deletes the files of evicted entries, unless the domain was stored again meanwhile. */
    private void drainEvicted() {
        CachedPolicy p;
        while ((p = evicted.poll()) != null) {
            synchronized (lock(p.domain())) {
                if (index.get(p.domain()).isEmpty()) {
                    AtomicFiles.delete(dir.resolve(PolicyFileFormat.fileName(p.domain())), "cannot delete an evicted entry", listener);
                }
            }
        }
    }

    private void write(Path file, byte[] content) {
        try {
            AtomicFiles.write(dir, file, content, listener);
        } catch (IOException | RuntimeException e) {
            listener.problem(file, "cannot write it (the policy is kept in memory): " + Printable.describe(e), e);
        }
    }


    /**
     * Configures a {@link FilePolicyStore}.
     *
     * <pre>{@code
     * FilePolicyStore store = FilePolicyStore.builder(dir).maxEntries(50_000).clock(clock).open();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private final Path dir;
        private int maxEntries = InMemoryPolicyStore.DEFAULT_MAX_ENTRIES;
        private Clock clock = Clock.systemUTC();
        private ProblemListener listener = ProblemListener.LOG;

        private Builder(Path dir) {
            this.dir = Objects.requireNonNull(dir, "dir");
        }

        /**
         * Sets the most policies kept (default {@link InMemoryPolicyStore#DEFAULT_MAX_ENTRIES}).
         *
         * @param maxEntries at least 1
         * @return this builder
         */
        public Builder maxEntries(int maxEntries) {
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries " + maxEntries + " is below 1");
            }
            this.maxEntries = maxEntries;
            return this;
        }

        /**
         * Sets the clock that says which entries are expired, for eviction (use the {@link
         * MtaSts}'s clock; default {@link Clock#systemUTC()}).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets who hears about file problems (default {@link ProblemListener#LOG}).
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder problemListener(ProblemListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Opens the store: creates the directory if needed, deletes leftover temporary files, and
         * loads every valid policy file, reporting and skipping the others.
         *
         * @return the store
         * @throws IOException if the directory cannot be created or listed
         */
        public FilePolicyStore open() throws IOException {
            FilePolicyStore store = new FilePolicyStore(this);
            store.load();
            return store;
        }
    }
}
