package org.mtasts.http;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.mtasts.core.DomainName;
import org.mtasts.core.ParseResult;
import org.mtasts.core.StsPolicy;

/**
 * A {@link PolicyFetcher} that answers from a script per domain: the next queued result, else the
 * last one again. Counts fetches, and can hold them (incomplete futures) to test concurrency.
 */
final class ScriptedFetcher implements PolicyFetcher {
    private final Map<DomainName, Queue<FetchResult>> scripts = new ConcurrentHashMap<>();
    private final Map<DomainName, FetchResult> last = new ConcurrentHashMap<>();
    private final Map<DomainName, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<Held> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile boolean holding;

    record Held(DomainName domain, CompletableFuture<FetchResult> future, FetchResult result) {}

    /** Queues results for a domain, returned in order; the last one repeats. */
    ScriptedFetcher then(String domain, FetchResult... results) {
        Queue<FetchResult> q = scripts.computeIfAbsent(DomainName.of(domain), d -> new ArrayDeque<>());
        synchronized (q) {
            q.addAll(List.of(results));
        }
        return this;
    }

    /** Queues a policy body that parses. */
    ScriptedFetcher serve(String domain, String policy) {
        return then(domain, fetched(policy));
    }

    static FetchResult.Fetched fetched(String policy) {
        ParseResult.Valid<StsPolicy> valid = (ParseResult.Valid<StsPolicy>) StsPolicy.parse(policy);
        return new FetchResult.Fetched(valid.value(), policy, valid.warnings(), List.of());
    }

    static FetchResult.Invalid invalid(String body) {
        return new FetchResult.Invalid(StsPolicy.parse(body).syntaxError().orElseThrow(), body);
    }

    static String policy(String mode, long maxAge, String... mx) {
        StringBuilder b = new StringBuilder("version: STSv1\nmode: ").append(mode).append('\n');
        for (String m : mx) {
            b.append("mx: ").append(m).append('\n');
        }
        return b.append("max_age: ").append(maxAge).append('\n').toString();
    }

    void hold() {
        holding = true;
    }

    /** Completes every held fetch and stops holding. */
    void release() {
        holding = false;
        for (Held h : held) {
            complete(h);
        }
        held.clear();
    }

    /** Completes the oldest held fetch; returns false if none is held. */
    boolean releaseOne() {
        if (held.isEmpty()) {
            return false;
        }
        Held h = held.remove(0);
        complete(h);
        return true;
    }

    private void complete(Held h) {
        inFlight.decrementAndGet();
        h.future().complete(h.result());
    }

    int heldCount() {
        return held.size();
    }

    /** Waits until at least {@code count} fetches are held; fails the test after {@code timeout}. */
    void awaitHeld(int count, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (held) {
            while (held.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("only " + held.size() + " of " + count + " fetches arrived in " + timeout);
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(held, left);
            }
        }
    }

    int fetches(String domain) {
        AtomicInteger count = counts.get(DomainName.of(domain));
        return count == null ? 0 : count.get();
    }

    int totalFetches() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    @Override
    public CompletableFuture<FetchResult> fetchAsync(DomainName domain) {
        counts.computeIfAbsent(domain, d -> new AtomicInteger()).incrementAndGet();
        FetchResult result;
        Queue<FetchResult> q = scripts.get(domain);
        synchronized (q == null ? this : q) {
            FetchResult next = q == null ? null : q.poll();
            result = next != null ? next : last.get(domain);
        }
        if (result == null) {
            result = new FetchResult.NotServed(404, null);
        }
        last.put(domain, result);
        if (holding) {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            CompletableFuture<FetchResult> future = new CompletableFuture<>();
            held.add(new Held(domain, future, result));
            synchronized (held) {
                held.notifyAll();
            }
            return future;
        }
        return CompletableFuture.completedFuture(result);
    }
}
