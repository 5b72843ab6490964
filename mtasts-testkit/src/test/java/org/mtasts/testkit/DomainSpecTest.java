package org.mtasts.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

class DomainSpecTest {

    @Test
    void normalizesTheDomain() {
        assertThat(DomainSpec.of("Shop.EXAMPLE.").domain().ascii()).isEqualTo("shop.example");
    }

    @Test
    void rejectsNamesOutsideTheDomain() {
        assertThatThrownBy(() -> DomainSpec.of("shop.example").txt("_mta-sts.other.example", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'_mta-sts.other.example' is not in the domain shop.example: give absolute names inside it");
    }

    @Test
    void rejectsBadNamesWithoutEchoingControlCharacters() {
        assertThatThrownBy(() -> DomainSpec.of("shop.example").txt("a\nb.shop.example", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'a\\u000ab.shop.example' is not a DNS name: character at index 1 is not allowed here");
        assertThatThrownBy(() -> DomainSpec.of("shop.example").txt("a..shop.example", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("'a..shop.example' is not a DNS name");
        assertThatThrownBy(() -> DomainSpec.of("bad_domain")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad_domain");
    }

    @Test
    void rejectsOverlongCharacterStringsUnlessSplitting() {
        String long256 = "a".repeat(256);
        assertThatThrownBy(() -> DomainSpec.of("shop.example").txt("shop.example", long256))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TXT character-string of 256 bytes is longer than 255 (RFC 1035 §3.3)");
        assertThat(DomainSpec.of("shop.example").stsRecord(long256).records()).hasSize(1);
        assertThatThrownBy(() -> DomainSpec.of("shop.example").txt("shop.example", "\u20ac"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TXT text has character U+20AC at index 0: give bytes as chars 0..255");
        assertThatThrownBy(() -> DomainSpec.of("shop.example").txt("shop.example"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsBadAddressesAndValues() {
        DomainSpec spec = DomainSpec.of("shop.example");
        assertThatThrownBy(() -> spec.a("shop.example", "256.0.0.1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'256.0.0.1' is not an IPv4 address literal");
        assertThatThrownBy(() -> spec.a("shop.example", "localhost")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> spec.aaaa("shop.example", "example.com")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'example.com' is not an IPv6 address literal");
        assertThatThrownBy(() -> spec.mxRecord(70000, "mx.shop.example")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MX preference 70000 is outside 0..65535");
        assertThatThrownBy(() -> spec.ttl(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> spec.dnsFault("shop.example", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void recordsCarryTheTtl() {
        DomainSpec spec = DomainSpec.of("shop.example").ttl(Duration.ofSeconds(42)).mxRecord(10, "mx.shop.example");
        assertThat(spec.records()).singleElement().satisfies(r -> {
            assertThat(r.getTTL()).isEqualTo(42);
            assertThat(r.getType()).isEqualTo(Type.MX);
        });
    }

    @Test
    void dnsFaultsValidateTheirDelay() {
        assertThatThrownBy(() -> DnsFault.delay(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a DELAY fault cannot have a delay of PT0S");
        assertThatThrownBy(() -> new DnsFault(DnsFault.Kind.SERVFAIL, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
