package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.StsPolicy;

/** Properties of the file store's format: round trip, never a crash, every corruption detected. */
class PolicyFileFormatProperties {

    @Provide
    Arbitrary<CachedPolicy> policies() {
        Arbitrary<String> label = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789").ofMinLength(1).ofMaxLength(20);
        Arbitrary<DomainName> domain = Combinators.combine(label, label).as((a, b) -> DomainName.of(a + "." + b + ".example"));
        Arbitrary<String> id = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(32);
        Arbitrary<StsPolicy> policy = Combinators.combine(
                Arbitraries.of(PolicyMode.ENFORCE, PolicyMode.TESTING), label, Arbitraries.longs().between(0, StsPolicy.MAX_AGE_LIMIT),
                Arbitraries.strings().withCharRange('!', '~').withChars('é', '→', ' ').ofMinLength(1).ofMaxLength(30))
                .as((mode, mx, maxAge, note) -> StsPolicy.builder().mode(mode).mx(mx + ".example.net").maxAge(maxAge)
                        .extension("note", "x" + note.strip() + "x").build());
        Arbitrary<Instant> at = Arbitraries.longs().between(0, 4_000_000_000L).map(Instant::ofEpochSecond);
        return Combinators.combine(domain, id, policy, at, Arbitraries.integers().between(0, 2))
                .as((d, i, p, t, crlf) -> {
                    String text = crlf == 0 ? p.toText() : p.toText().replace("\r\n", "\n");
                    return CachedPolicy.of(d, i, p, text, t);
                });
    }

    @Property(tries = 300)
    @Label("decode(encode(p)) == p")
    void roundTrip(@ForAll("policies") CachedPolicy p) {
        PolicyFileFormat.Decoded decoded = PolicyFileFormat.decode(PolicyFileFormat.encode(p));
        assertThat(decoded.problem()).isNull();
        assertThat(decoded.policy()).isEqualTo(p);
    }

    @Property
    @Label("decode never throws on arbitrary bytes")
    void neverCrashes(@ForAll byte[] bytes) {
        PolicyFileFormat.Decoded decoded = PolicyFileFormat.decode(bytes);
        assertThat(decoded.policy() == null).isEqualTo(decoded.problem() != null);
    }

    @Property(tries = 300)
    @Label("any single changed byte or any truncation is detected")
    void everyCorruptionIsDetected(@ForAll("policies") CachedPolicy p, @ForAll @IntRange(min = 0, max = 100_000) int where,
            @ForAll @IntRange(min = 1, max = 255) int flip, @ForAll boolean truncate) {
        byte[] bytes = PolicyFileFormat.encode(p);
        int at = where % bytes.length;
        byte[] damaged;
        if (truncate) {
            damaged = java.util.Arrays.copyOf(bytes, at);
        } else {
            damaged = bytes.clone();
            damaged[at] ^= (byte) flip;
        }
        PolicyFileFormat.Decoded decoded = PolicyFileFormat.decode(damaged);
        assertThat(decoded.policy()).isNull();
        assertThat(decoded.problem()).isNotBlank();
    }
}
