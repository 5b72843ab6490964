package org.mtasts.http;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.mtasts.core.TxtAnswer;
import org.mtasts.core.TxtResolver;

/**
 * A table-driven {@link TxtResolver} for unit tests: answers per name, NXDOMAIN for unknown names,
 * counts lookups, and can hold answers until released. (The testkit's FakeTxtResolver will do the
 * same; this small double keeps the tests independent of its arrival.)
 */
final class TableTxtResolver implements TxtResolver {
    private final Map<String, CompletableFuture<TxtAnswer>> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<CompletableFuture<TxtAnswer>> held = new CopyOnWriteArrayList<>();
    private volatile boolean holding;

    /** Publishes TXT records at a name (each string one record, strings already joined). */
    TableTxtResolver records(String name, String... texts) {
        return answer(name, new TxtAnswer.Records(List.of(texts)));
    }

    /** Publishes one STS record {@code v=STSv1; id=ID} at {@code _mta-sts.<domain>}. */
    TableTxtResolver sts(String domain, String id) {
        return records("_mta-sts." + domain, "v=STSv1; id=" + id);
    }

    TableTxtResolver nxdomain(String name) {
        return answer(name, new TxtAnswer.NoRecords(true));
    }

    TableTxtResolver servfail(String name) {
        return answer(name, new TxtAnswer.TemporaryFailure("SERVFAIL", null));
    }

    TableTxtResolver answer(String name, TxtAnswer answer) {
        // One completed future per answer, reused: the resolver's side of a zero-allocation lookup.
        answers.put(name, CompletableFuture.completedFuture(answer));
        return this;
    }

    /** From now on, lookups return futures that complete only on {@link #release()}. */
    void hold() {
        holding = true;
    }

    /** Completes every held lookup with the current table and stops holding. */
    void release() {
        holding = false;
        for (CompletableFuture<TxtAnswer> gate : held) {
            gate.complete(null); // its dependent then reads the table
        }
        held.clear();
    }

    int lookups(String name) {
        AtomicInteger count = counts.get(name);
        return count == null ? 0 : count.get();
    }

    int totalLookups() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public CompletableFuture<TxtAnswer> lookupTxt(String name) {
        counts.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        CompletableFuture<TxtAnswer> answer = answers.getOrDefault(name, NXDOMAIN);
        if (holding) {
            CompletableFuture<TxtAnswer> gate = new CompletableFuture<>();
            held.add(gate);
            return gate.thenCompose(ignored -> answers.getOrDefault(name, NXDOMAIN));
        }
        return answer;
    }

    private static final CompletableFuture<TxtAnswer> NXDOMAIN = CompletableFuture.completedFuture(new TxtAnswer.NoRecords(true));
}
