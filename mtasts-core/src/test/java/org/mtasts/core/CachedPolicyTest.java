package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CachedPolicyTest {

    private static final Instant FETCHED = Instant.parse("2026-11-28T10:00:00Z");
    private static final DomainName DOMAIN = DomainName.of("example.com");
    private static final String BODY = "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n";

    private static CachedPolicy cached(long maxAge) {
        StsPolicy policy = StsPolicy.builder().mode(PolicyMode.ENFORCE).mx("mx.example.com").maxAge(maxAge).build();
        return CachedPolicy.of(DOMAIN, "20261128T100000000Z", policy, BODY, FETCHED);
    }

    static Stream<Arguments> expiry() {
        return Stream.of(
                arguments(86_400L, Duration.ZERO, false),
                arguments(86_400L, Duration.ofSeconds(86_399), false),
                arguments(86_400L, Duration.ofSeconds(86_399).plusNanos(999_999_999), false),
                arguments(86_400L, Duration.ofSeconds(86_400), true),
                arguments(86_400L, Duration.ofSeconds(86_401), true),
                arguments(86_400L, Duration.ofSeconds(-1), false),
                arguments(0L, Duration.ZERO, true),
                arguments(StsPolicy.MAX_AGE_LIMIT, Duration.ofSeconds(StsPolicy.MAX_AGE_LIMIT - 1), false),
                arguments(StsPolicy.MAX_AGE_LIMIT, Duration.ofSeconds(StsPolicy.MAX_AGE_LIMIT), true));
    }

    @ParameterizedTest(name = "RFC 8461 §3.2, §5.1: max_age {0}, {1} after the fetch -> expired {2}")
    @MethodSource("expiry")
    void expiresExactlyMaxAgeAfterTheFetch(long maxAge, Duration elapsed, boolean expired) {
        CachedPolicy entry = cached(maxAge);
        Clock clock = Clock.offset(Clock.fixed(FETCHED, ZoneOffset.UTC), elapsed);
        assertThat(entry.expiresAt()).isEqualTo(FETCHED.plusSeconds(maxAge));
        assertThat(entry.isExpired(clock.instant())).isEqualTo(expired);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a refresh with an unchanged id renews fetch time and expiry, nothing else")
    void renewal() {
        CachedPolicy entry = cached(3600);
        Instant later = FETCHED.plus(Duration.ofMinutes(50));
        CachedPolicy renewed = entry.renewedAt(later);
        assertThat(renewed.fetchedAt()).isEqualTo(later);
        assertThat(renewed.expiresAt()).isEqualTo(later.plusSeconds(3600));
        assertThat(renewed.policy()).isEqualTo(entry.policy());
        assertThat(renewed.recordId()).isEqualTo(entry.recordId());
        assertThat(renewed.text()).isEqualTo(BODY);
        assertThat(renewed.domain()).isEqualTo(DOMAIN);
        assertThat(renewed.isExpired(FETCHED.plusSeconds(3600))).isFalse();
    }

    @Test
    void validates() {
        StsPolicy policy = cached(1).policy();
        assertThatThrownBy(() -> new CachedPolicy(DOMAIN, "1", policy, BODY, FETCHED, FETCHED.minusNanos(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expiresAt 2026-11-28T09:59:59.999999999Z is before fetchedAt 2026-11-28T10:00:00Z");
        assertThat(new CachedPolicy(DOMAIN, "1", policy, BODY, FETCHED, FETCHED).isExpired(FETCHED)).isTrue();
        assertThatThrownBy(() -> new CachedPolicy(null, "1", policy, BODY, FETCHED, FETCHED))
                .isInstanceOf(NullPointerException.class).hasMessage("domain");
        assertThatThrownBy(() -> new CachedPolicy(DOMAIN, null, policy, BODY, FETCHED, FETCHED))
                .isInstanceOf(NullPointerException.class).hasMessage("recordId");
        assertThatThrownBy(() -> new CachedPolicy(DOMAIN, "1", null, BODY, FETCHED, FETCHED))
                .isInstanceOf(NullPointerException.class).hasMessage("policy");
        assertThatThrownBy(() -> new CachedPolicy(DOMAIN, "1", policy, null, FETCHED, FETCHED))
                .isInstanceOf(NullPointerException.class).hasMessage("text");
        assertThatThrownBy(() -> new CachedPolicy(DOMAIN, "1", policy, BODY, null, FETCHED))
                .isInstanceOf(NullPointerException.class).hasMessage("fetchedAt");
    }
}
