package org.mtasts.http;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The time that {@link MtaSts}'s cache-hit path reads. Reading the system clock costs several map
 * look-ups on a virtual machine ({@code kvm-clock}: 30 to 45 ns), so on the system clock this
 * class keeps a copy that a scheduled task renews every {@link #TICK_MILLIS} ms, and the hit path
 * reads that field. The copy is never ahead of the clock, and lags it by at most about one tick
 * while the JVM runs normally; {@link #lagMillis()} says how much a caller must allow for.
 *
 * <p>Any other clock (a test's {@code MutableClock}, {@code Clock.fixed}) is read directly, so
 * that tests which move the clock see the move at once.
 *
 * <p>Thread-safe.
 */
final class CoarseClock implements AutoCloseable {

    /** How often the copy of the system clock is renewed. */
    static final long TICK_MILLIS = 10;
    /** What a reader allows for: a few ticks of scheduling delay. */
    static final long LAG_MILLIS = 100;

    private final Clock clock;
    /** Cleared by close(): from then on the clock is read directly, so a stopped task never freezes time. */
    private volatile boolean ticking;
    private volatile long now;
    private final @Nullable ScheduledFuture<?> task;

    private CoarseClock(Clock clock, @Nullable ScheduledExecutorService scheduler) {
        this.clock = clock;
        this.ticking = scheduler != null;
        this.now = clock.millis();
        this.task = scheduler == null ? null
                : scheduler.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Returns a coarse clock over {@code clock}: ticking on {@code scheduler} if {@code clock} is
     * the system clock, else reading {@code clock} directly.
     */
    static CoarseClock over(Clock clock, ScheduledExecutorService scheduler) {
        return new CoarseClock(clock, isSystem(clock) ? scheduler : null);
    }

    /** Returns a coarse clock that always reads {@code clock} directly. */
    static CoarseClock exact(Clock clock) {
        return new CoarseClock(clock, null);
    }

    static boolean isSystem(Clock clock) {
        return clock.getClass() == Clock.systemUTC().getClass();
    }

    private void tick() {
        long t = clock.millis();
        if (t > now) {
            now = t; // never backwards: a reader's "before the deadline" stays true only while it is
        }
    }

    /** Returns the time in Unix milliseconds: the renewed copy, or the clock itself. */
    long millis() {
        return ticking ? now : clock.millis();
    }

    /** Returns how far {@link #millis()} may lag the clock: 0 when it reads the clock directly. */
    long lagMillis() {
        return ticking ? LAG_MILLIS : 0;
    }

    /** Returns whether the copy is renewed by a task (the system clock). */
    boolean ticking() {
        return ticking;
    }

    /** Stops the task; the clock is read directly from now on. */
    @Override
    public void close() {
        ticking = false;
        if (task != null) {
            task.cancel(false);
        }
    }
}
