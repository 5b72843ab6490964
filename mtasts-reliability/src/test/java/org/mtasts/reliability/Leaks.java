package org.mtasts.reliability;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Counts what a test could leak: threads (all, and by name), open file descriptors and sockets
 * ({@code /proc/self/fd} on Linux, else the {@code UnixOperatingSystemMXBean} count). {@link
 * #assertNoLeakSince} compares a later state with a snapshot after everything the test made was
 * closed: every thread started since must end (each is joined, with a deadline, never a sleep),
 * and no socket or other descriptor may stay open.
 *
 * <p>A few threads belong to the JVM or to a library as a whole, not to an instance, and live on
 * after an idle period by design; they are named in {@link #PROCESS_WIDE} and only counted.
 * Unix-domain sockets are left out too: our code opens only TCP and UDP sockets, and the JVM and
 * libc open Unix-domain ones on their own (the name service switch, for one).
 */
public final class Leaks {

    /**
     * Process-wide pools that are not owned by any instance we create: OkHttp's shared task runner
     * and Okio's timeout watchdog (idle threads end after 60 s), the JDK's delayed-completion scheduler of {@code
     * CompletableFuture.orTimeout}, the common fork-join pool, dnsjava's NIO selector thread (one
     * per JVM), the JDK's socket cleaner and process reaper. Their number is bounded and checked.
     */
    public static final List<String> PROCESS_WIDE = List.of("OkHttp TaskRunner", "CompletableFutureDelayScheduler",
            "ForkJoinPool.commonPool-worker-", "dnsjava NIO selector", "Common-Cleaner", "process reaper",
            "Attach Listener", "surefire-forkedjvm", "Jazzer", "Okio Watchdog");

    /** The most process-wide threads a run may leave (the JVM's own pools are bounded). */
    static final int MAX_PROCESS_WIDE = 24;

    private Leaks() {}

    /**
     * What is open at one moment.
     *
     * @param threads the live threads
     * @param descriptors the open file descriptors, by link target ({@code socket:[inode]}, a path...)
     */
    public record Snapshot(Set<Thread> threads, List<String> descriptors) {

        /** Returns the number of open descriptors. */
        public int descriptorCount() {
            return descriptors.size();
        }

        /** Returns the open sockets ({@code socket:[inode]} entries). */
        public Set<String> sockets() {
            Set<String> sockets = new HashSet<>();
            for (String d : descriptors) {
                if (d.startsWith("socket:")) {
                    sockets.add(d);
                }
            }
            return sockets;
        }

        /** Returns the number of live threads whose name starts with the prefix. */
        public long threadsNamed(String prefix) {
            return threads.stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
        }
    }

    /** Takes a snapshot of the live threads and open descriptors. */
    public static Snapshot take() {
        Set<Thread> threads = new HashSet<>(Thread.getAllStackTraces().keySet());
        return new Snapshot(threads, descriptors());
    }

    /**
     * Asserts that nothing opened since {@code before} is still open: every thread started since
     * ends within {@code grace} (each is joined), except the {@link #PROCESS_WIDE} pools; no socket
     * open now was not open before; and the descriptor count is not above the earlier one.
     *
     * @param before the snapshot taken before the work
     * @param grace how long the threads of closed resources may take to end
     * @return the state afterwards
     */
    public static Snapshot assertNoLeakSince(Snapshot before, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        List<String> alive = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (before.threads().contains(t) || t == Thread.currentThread() || isProcessWide(t.getName())) {
                continue;
            }
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(t, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + t.getName(), e);
            }
            if (t.isAlive()) {
                alive.add(t.getName() + " " + t.getState());
            }
        }
        if (!alive.isEmpty()) {
            throw new AssertionError("threads still running after everything was closed: " + alive);
        }
        // Libraries may close a socket shortly after the call that used it has returned (dnsjava
        // closes a UDP channel when its own query timeout is processed, after our deadline): the
        // check waits, within the grace period, for the state to settle.
        long left = Math.max(0, deadline - System.nanoTime());
        awaitCondition(() -> settled(before, take()), Duration.ofNanos(left));
        Snapshot after = take();
        long processWide = after.threads().stream().filter(t -> t.isAlive() && isProcessWide(t.getName())).count();
        if (processWide > MAX_PROCESS_WIDE) {
            throw new AssertionError(processWide + " process-wide pool threads: " + names(after));
        }
        Set<String> newSockets = after.sockets();
        newSockets.removeAll(before.sockets());
        if (!newSockets.isEmpty()) {
            List<String> described = new ArrayList<>();
            for (String socket : newSockets) {
                described.add(describeSocket(socket));
            }
            throw new AssertionError(newSockets.size() + " sockets opened and never closed: " + described);
        }
        if (after.descriptorCount() > before.descriptorCount()) {
            List<String> added = new ArrayList<>(after.descriptors());
            for (String d : before.descriptors()) {
                added.remove(d);
            }
            throw new AssertionError("file descriptors: " + before.descriptorCount() + " before, "
                    + after.descriptorCount() + " after; new: " + added);
        }
        return after;
    }

    private static boolean settled(Snapshot before, Snapshot now) {
        Set<String> sockets = now.sockets();
        sockets.removeAll(before.sockets());
        return sockets.isEmpty() && now.descriptorCount() <= before.descriptorCount();
    }

    /**
     * Waits until the condition holds or the timeout passes: the condition is re-checked every 10
     * ms by the JDK's shared delayed executor, and the wait is a future's timed get.
     *
     * @return whether the condition held in time
     */
    static boolean awaitCondition(BooleanSupplier condition, Duration timeout) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Executor tick = CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS);
        Runnable check = new Runnable() {
            @Override
            public void run() {
                if (condition.getAsBoolean()) {
                    done.complete(null);
                } else if (!done.isDone()) {
                    tick.execute(this);
                }
            }
        };
        check.run();
        try {
            done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } finally {
            done.cancel(false);
        }
    }

    /** The Unix-domain sockets of the system, as {@code socket:[inode]} links. */
    private static Set<String> unixSockets() {
        Set<String> out = new HashSet<>();
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/unix"));
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length > 6) {
                    out.add("socket:[" + f[6] + "]");
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return out;
    }

    /** Finds a socket's protocol, addresses and state in /proc/net, for the failure message. */
    static String describeSocket(String link) {
        String inode = link.substring(link.indexOf('[') + 1, link.length() - 1);
        for (String table : List.of("tcp", "tcp6", "udp", "udp6", "unix")) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/net", table))) {
                    String[] f = line.trim().split("\\s+");
                    if (table.equals("unix") ? f.length > 6 && f[6].equals(inode) : f.length > 9 && f[9].equals(inode)) {
                        return link + " " + table + (table.equals("unix") ? " " + line.trim()
                                : " local " + f[1] + " remote " + f[2] + " state " + f[3]);
                    }
                }
            } catch (IOException e) {
                // not Linux, or the table is not there
            }
        }
        return link;
    }

    private static boolean isProcessWide(String name) {
        for (String prefix : PROCESS_WIDE) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Integer> names(Snapshot s) {
        Map<String, Integer> out = new TreeMap<>();
        for (Thread t : s.threads()) {
            if (t.isAlive()) {
                out.merge(t.getName().replaceAll("\\d+", "N"), 1, Integer::sum);
            }
        }
        return out;
    }

    private static List<String> descriptors() {
        Path fds = Path.of("/proc/self/fd");
        List<String> out = new ArrayList<>();
        if (Files.isDirectory(fds)) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(fds)) {
                for (Path fd : dir) {
                    try {
                        out.add(Files.readSymbolicLink(fd).toString());
                    } catch (IOException e) {
                        // closed between the listing and the read (or the listing's own descriptor)
                    }
                }
            } catch (IOException e) {
                throw new AssertionError("cannot list /proc/self/fd", e);
            }
            out.remove(fds.toString()); // not a link: never there, but the directory stream's own fd
            out.removeIf(d -> d.startsWith("/proc/") && d.endsWith("/fd"));
            Set<String> unix = unixSockets();
            out.removeIf(unix::contains);
            return out;
        }
        // Not Linux: only a count is available.
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            for (long i = 0; i < unix.getOpenFileDescriptorCount(); i++) {
                out.add("fd");
            }
        }
        return out;
    }
}
