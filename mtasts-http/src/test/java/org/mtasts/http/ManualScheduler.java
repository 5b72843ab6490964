package org.mtasts.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} that runs nothing by itself: it records what was scheduled
 * and with which delay, and the test runs the tasks when it wants. No threads, no sleeping.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    /** One scheduled task. */
    static final class Task implements ScheduledFuture<Object> {
        final Runnable runnable;
        final long delayMillis;
        final long periodMillis;
        volatile boolean cancelled;
        volatile boolean done;

        Task(Runnable runnable, long delayMillis, long periodMillis) {
            this.runnable = runnable;
            this.delayMillis = delayMillis;
            this.periodMillis = periodMillis;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(delayMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(delayMillis, o.getDelay(TimeUnit.MILLISECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }

    private final List<Task> tasks = new ArrayList<>();
    private volatile boolean shutdown;

    synchronized List<Task> tasks() {
        return List.copyOf(tasks);
    }

    /** One-shot tasks not yet run. */
    synchronized List<Task> pendingOneShots() {
        List<Task> out = new ArrayList<>();
        for (Task t : tasks) {
            if (t.periodMillis == 0 && !t.done && !t.cancelled) {
                out.add(t);
            }
        }
        return out;
    }

    /** Runs every pending one-shot task (not the periodic ones), in the order scheduled. */
    void runOneShots() {
        for (Task t : pendingOneShots()) {
            t.done = true;
            t.runnable.run();
        }
    }

    /** Runs the periodic tasks once. */
    void runPeriodicOnce() {
        for (Task t : tasks()) {
            if (t.periodMillis > 0 && !t.cancelled) {
                t.runnable.run();
            }
        }
    }

    private synchronized Task add(Runnable r, long delay, long period, TimeUnit unit) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        }
        Task t = new Task(r, unit.toMillis(delay), unit.toMillis(period));
        tasks.add(t);
        return t;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(command, delay, 0, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return add(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return add(command, initialDelay, delay, unit);
    }

    @Override
    public void execute(Runnable command) {
        add(command, 0, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutdown;
    }
}
