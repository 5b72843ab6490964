package org.mtasts.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that tests move by hand: {@link #advance(Duration)} and {@link #set(Instant)}.
 * Give it to the code under test instead of {@link Clock#systemUTC()} and move time instead of
 * sleeping.
 *
 * <p>{@link #withZone(ZoneId)} returns a view that shares this clock's instant: moving either moves
 * both.
 *
 * <pre>{@code
 * MutableClock clock = MutableClock.of(Instant.parse("2026-01-01T00:00:00Z"));
 * CachedPolicy cached = CachedPolicy.of(DomainName.of("example.com"), "1", policy, policyText,
 *         clock.instant());                 // fetched now; the policy's max_age is 86400
 * clock.advance(Duration.ofDays(1));
 * assertThat(cached.isExpired(clock.instant())).isTrue();
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @since 0.1
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /**
     * Returns a clock standing at the given instant, in UTC.
     *
     * @param instant the start
     * @return a new clock
     */
    public static MutableClock of(Instant instant) {
        return of(instant, ZoneOffset.UTC);
    }

    /**
     * Returns a clock standing at the given instant.
     *
     * @param instant the start
     * @param zone the zone reported by {@link #getZone()}
     * @return a new clock
     */
    public static MutableClock of(Instant instant, ZoneId zone) {
        Objects.requireNonNull(instant, "instant");
        Objects.requireNonNull(zone, "zone");
        return new MutableClock(new AtomicReference<>(instant), zone);
    }

    /**
     * Returns a clock standing at the current system time (whole seconds), in UTC. It does not move
     * by itself.
     *
     * @return a new clock
     */
    public static MutableClock startingNow() {
        return of(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
    }

    /**
     * Moves the clock forward (or backward, for a negative duration).
     *
     * @param duration how far
     * @return the new instant
     */
    public Instant advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        return now.updateAndGet(t -> t.plus(duration));
    }

    /**
     * Sets the clock to an instant.
     *
     * @param instant the new instant
     */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** Returns a view in another zone that shares this clock's instant. */
    @Override
    public MutableClock withZone(ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        return zone.equals(this.zone) ? this : new MutableClock(now, zone);
    }

    @Override
    public String toString() {
        return "MutableClock[" + instant() + ", " + zone + "]";
    }
}
