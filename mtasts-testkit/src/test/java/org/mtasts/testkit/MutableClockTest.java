package org.mtasts.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MutableClockTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void standsStillUntilMoved() {
        MutableClock clock = MutableClock.of(START);
        assertThat(clock.instant()).isEqualTo(START);
        assertThat(clock.millis()).isEqualTo(START.toEpochMilli());
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void advancesAndSets() {
        MutableClock clock = MutableClock.of(START);
        assertThat(clock.advance(Duration.ofHours(25))).isEqualTo(START.plus(Duration.ofHours(25)));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-02T01:00:00Z"));
        clock.advance(Duration.ofMinutes(-60));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-02T00:00:00Z"));
        clock.set(START);
        assertThat(clock.instant()).isEqualTo(START);
    }

    @Test
    void zoneViewSharesTheInstant() {
        MutableClock clock = MutableClock.of(START);
        MutableClock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
        paris.advance(Duration.ofSeconds(5));
        assertThat(clock.instant()).isEqualTo(START.plusSeconds(5));
    }

    @Test
    void startsAtTheSystemTimeInWholeSeconds() {
        Instant before = Instant.now().minusSeconds(1);
        Instant now = MutableClock.startingNow().instant();
        assertThat(now).isAfterOrEqualTo(before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(now.getNano()).isZero();
    }

    @Test
    void concurrentAdvancesAreNotLost() throws Exception {
        MutableClock clock = MutableClock.of(START);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                all.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 1000; i++) {
                        clock.advance(Duration.ofMillis(1));
                    }
                }, pool));
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(clock.instant()).isEqualTo(START.plusSeconds(4));
    }

    @Test
    void rejectsNulls() {
        assertThatThrownBy(() -> MutableClock.of(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("instant");
        assertThatThrownBy(() -> MutableClock.of(START).advance(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("duration");
    }
}
