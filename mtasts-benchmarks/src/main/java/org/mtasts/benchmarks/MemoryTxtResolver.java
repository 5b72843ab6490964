package org.mtasts.benchmarks;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.mtasts.core.TxtAnswer;
import org.mtasts.core.TxtResolver;

/**
 * A {@link TxtResolver} answering from memory with completed futures made in advance, as a caching
 * stub resolver in the MTA's process would: one map look-up, no allocation. Names not in the table
 * answer NXDOMAIN.
 *
 * <p>Thread-safe; share one instance.
 */
final class MemoryTxtResolver implements TxtResolver {

    private static final CompletableFuture<TxtAnswer> NXDOMAIN =
            CompletableFuture.completedFuture(new TxtAnswer.NoRecords(true));

    private final ConcurrentHashMap<String, CompletableFuture<TxtAnswer>> answers = new ConcurrentHashMap<>();
    private final LongAdder lookups = new LongAdder();

    /** Sets the TXT records at a name (strings already joined). */
    MemoryTxtResolver records(String name, String... texts) {
        answers.put(name, CompletableFuture.completedFuture(new TxtAnswer.Records(List.of(texts))));
        return this;
    }

    /** Returns how many lookups were made. */
    long lookups() {
        return lookups.sum();
    }

    @Override
    public CompletableFuture<TxtAnswer> resolveTxtAsync(String name) {
        lookups.increment();
        CompletableFuture<TxtAnswer> answer = answers.get(name);
        return answer != null ? answer : NXDOMAIN;
    }
}
