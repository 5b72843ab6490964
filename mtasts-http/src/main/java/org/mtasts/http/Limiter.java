package org.mtasts.http;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks with at most {@code limit} of them in flight; the rest wait in a FIFO
 * queue. Tasks that complete synchronously do not recurse: a work-in-progress counter makes one
 * frame drain the queue in a loop.
 */
final class Limiter {
    private final int limit;
    private final ArrayDeque<Supplier<? extends CompletableFuture<?>>> queue = new ArrayDeque<>();
    private final AtomicInteger wip = new AtomicInteger();
    private int running;
    private int maxRunning;

    Limiter(int limit) {
        this.limit = limit;
    }

    /** Queues a task; it starts when fewer than {@code limit} tasks are running. */
    void submit(Supplier<? extends CompletableFuture<?>> task) {
        synchronized (queue) {
            queue.add(task);
        }
        drain();
    }

    /** Returns the most tasks ever in flight at once. */
    int maxRunning() {
        synchronized (queue) {
            return maxRunning;
        }
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return; // another frame is draining and will see our increment
        }
        int missed = 1;
        do {
            while (true) {
                Supplier<? extends CompletableFuture<?>> task;
                synchronized (queue) {
                    if (running >= limit || queue.isEmpty()) {
                        break;
                    }
                    task = queue.poll();
                    running++;
                    maxRunning = Math.max(maxRunning, running);
                }
                CompletableFuture<?> started;
                try {
                    started = task.get();
                } catch (RuntimeException e) {
                    started = CompletableFuture.failedFuture(e);
                }
                started.whenComplete((result, error) -> {
                    synchronized (queue) {
                        running--;
                    }
                    drain();
                });
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }
}
