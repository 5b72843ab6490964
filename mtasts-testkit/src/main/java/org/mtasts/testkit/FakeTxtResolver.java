package org.mtasts.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.TxtAnswer;
import org.mtasts.core.TxtResolver;

/**
 * A table-driven {@link TxtResolver} for unit tests: answers from a table of names, counts the
 * lookups of each name, and can hold answers back until a test releases them, to build
 * concurrency scenarios (single flight, refresh races) without sleeping.
 *
 * <p>Names are compared case-insensitively, with a trailing root dot ignored. A name not in the
 * table answers NXDOMAIN. Each entry of {@link #records(String, String...)} is one TXT record whose
 * character-strings are already joined, as the {@link TxtResolver} contract says.
 *
 * <pre>{@code
 * FakeTxtResolver dns = FakeTxtResolver.create()
 *         .records("_mta-sts.example.com", "v=STSv1; id=20260101")
 *         .temporaryFailure("_mta-sts.broken.example", "SERVFAIL");
 * FakeTxtResolver.Hold hold = dns.hold("_mta-sts.example.com");
 * // ... start the code under test (it resolves _mta-sts.example.com), then:
 * hold.awaitWaiting(1, Duration.ofSeconds(5));                 // it waits for the answer
 * hold.release();
 * assertThat(dns.lookups("_mta-sts.example.com")).isEqualTo(1);
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @since 0.1
 */
public final class FakeTxtResolver implements TxtResolver {

    private final Map<String, TxtAnswer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    private final java.util.ArrayDeque<String> log = new java.util.ArrayDeque<>();
    private long total;

    private FakeTxtResolver() {}

    /**
     * Returns an empty resolver: every name answers NXDOMAIN.
     *
     * @return a new resolver
     */
    public static FakeTxtResolver create() {
        return new FakeTxtResolver();
    }

    /**
     * Sets the TXT records at a name, replacing what was there.
     *
     * @param name the absolute name
     * @param texts one entry per TXT record, strings joined
     * @return this resolver
     */
    public FakeTxtResolver records(String name, String... texts) {
        if (texts.length == 0) {
            throw new IllegalArgumentException("no TXT record given for " + name + "; use nodata(name)");
        }
        return answer(name, new TxtAnswer.Records(List.of(texts)));
    }

    /**
     * Makes a name answer NXDOMAIN (the default for names not in the table).
     *
     * @param name the absolute name
     * @return this resolver
     */
    public FakeTxtResolver nxdomain(String name) {
        return answer(name, new TxtAnswer.NoRecords(true));
    }

    /**
     * Makes a name answer NODATA: it exists but has no TXT record.
     *
     * @param name the absolute name
     * @return this resolver
     */
    public FakeTxtResolver nodata(String name) {
        return answer(name, new TxtAnswer.NoRecords(false));
    }

    /**
     * Makes a name fail temporarily (as SERVFAIL or a timeout would).
     *
     * @param name the absolute name
     * @param detail the failure's detail, such as {@code "SERVFAIL"}
     * @return this resolver
     */
    public FakeTxtResolver temporaryFailure(String name, String detail) {
        return answer(name, new TxtAnswer.TemporaryFailure(detail, null));
    }

    /**
     * Sets any answer for a name.
     *
     * @param name the absolute name
     * @param answer the answer
     * @return this resolver
     */
    public FakeTxtResolver answer(String name, TxtAnswer answer) {
        Objects.requireNonNull(answer, "answer");
        answers.put(key(name), answer);
        return this;
    }

    /**
     * Removes a name from the table: it answers NXDOMAIN again.
     *
     * @param name the absolute name
     * @return this resolver
     */
    public FakeTxtResolver remove(String name) {
        answers.remove(key(name));
        return this;
    }

    /**
     * Holds back the answers to lookups of a name until {@link Hold#release()}: the futures
     * returned meanwhile stay incomplete. A name has at most one hold at a time.
     *
     * @param name the absolute name
     * @return the hold
     * @throws IllegalStateException if the name is already held
     */
    public Hold hold(String name) {
        String key = key(name);
        Hold hold = new Hold(key);
        if (holds.putIfAbsent(key, hold) != null) {
            throw new IllegalStateException("lookups of " + key + " are already held");
        }
        return hold;
    }

    @Override
    public CompletableFuture<TxtAnswer> resolveTxtAsync(String name) {
        String key = key(name);
        counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        synchronized (log) {
            total++;
            if (log.size() >= MtaStsSandbox.LOG_LIMIT) {
                log.removeFirst();
            }
            log.addLast(key);
        }
        Hold hold = holds.get(key);
        if (hold != null) {
            CompletableFuture<TxtAnswer> pending = hold.enqueue();
            if (pending != null) {
                return pending;
            }
        }
        return CompletableFuture.completedFuture(current(key));
    }

    private TxtAnswer current(String key) {
        TxtAnswer answer = answers.get(key);
        return answer != null ? answer : new TxtAnswer.NoRecords(true);
    }

    /**
     * Returns how many lookups of a name were made.
     *
     * @param name the absolute name
     * @return the count
     */
    public int lookups(String name) {
        AtomicInteger count = counts.get(key(name));
        return count == null ? 0 : count.get();
    }

    /** {@return how many lookups were made in all} */
    public long totalLookups() {
        synchronized (log) {
            return total;
        }
    }

    /**
     * {@return the names looked up, in order (normalized: lower case, no trailing dot), at most the
     * last {@link MtaStsSandbox#LOG_LIMIT}}
     */
    public List<String> lookupLog() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** Forgets the lookup counts and log (not the table). */
    public void resetCounts() {
        synchronized (log) {
            log.clear();
            total = 0;
            counts.clear();
        }
    }

    private static String key(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.endsWith(".") && name.length() > 1 ? name.substring(0, name.length() - 1) : name;
        return n.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "FakeTxtResolver" + answers;
    }

    /**
     * Lookups of one name held back until {@link #release()}. Released futures complete with the
     * answer in the table at release time, on the releasing thread.
     *
     * <pre>{@code
     * FakeTxtResolver.Hold hold = dns.hold("_mta-sts.example.com");
     * CompletableFuture<TxtAnswer> f = dns.resolveTxtAsync("_mta-sts.example.com");   // pending
     * hold.release();                                                         // f completes
     * }</pre>
     *
     * <p>Thread-safe; share one instance.
     */
    public final class Hold {
        private final String key;
        private final List<CompletableFuture<TxtAnswer>> waiting = new ArrayList<>();
        private boolean released;

        private Hold(String key) {
            this.key = key;
        }

        private synchronized @Nullable CompletableFuture<TxtAnswer> enqueue() {
            if (released) {
                return null;
            }
            CompletableFuture<TxtAnswer> f = new CompletableFuture<>();
            waiting.add(f);
            notifyAll();
            return f;
        }

        /** {@return how many lookups are waiting for {@link #release()}} */
        public synchronized int waiting() {
            return waiting.size();
        }

        /**
         * Waits until at least {@code count} lookups are held.
         *
         * @param count how many
         * @param timeout how long to wait at most
         * @return true if they arrived in time
         * @throws InterruptedException if interrupted while waiting
         */
        public synchronized boolean awaitWaiting(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (waiting.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        /**
         * Completes every held lookup with the name's current answer and stops holding: later
         * lookups answer at once. Calling it again does nothing.
         */
        public void release() {
            List<CompletableFuture<TxtAnswer>> toComplete;
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
                toComplete = List.copyOf(waiting);
                waiting.clear();
            }
            holds.remove(key, this);
            TxtAnswer answer = current(key);
            for (CompletableFuture<TxtAnswer> f : toComplete) {
                f.complete(answer);
            }
        }
    }
}
