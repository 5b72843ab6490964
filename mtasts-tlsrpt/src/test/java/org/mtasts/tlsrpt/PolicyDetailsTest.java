package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import java.time.Instant;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.StsPolicy;

class PolicyDetailsTest {

    private static PolicyDetails sts(String domain, List<String> strings, List<String> mx) {
        return new PolicyDetails(PolicyType.STS, "sts", strings, domain, mx);
    }

    private static final String SERVED = "version: STSv1\r\nmode: testing\r\nmx: MX1.example.com\r\n"
            + "mx: *.backup.example.com\r\nmax_age:   86400\r\n";

    private static CachedPolicy cached(String text) {
        return CachedPolicy.of(DomainName.of("example.com"), "1", StsPolicy.parse(text).orElseThrow(), text,
                Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    @DisplayName("RFC 8460 §4.5: policy-string is the policy's lines as served (case, spaces, CRLF kept), in one place")
    void policyStringIsTheLinesAsServed() {
        PolicyDetails applied = PolicyDetails.applied(cached(SERVED));
        assertThat(applied.policyType()).isEqualTo(PolicyType.STS);
        assertThat(applied.policyDomain()).isEqualTo("example.com");
        assertThat(applied.policyStrings()).containsExactly("version: STSv1", "mode: testing", "mx: MX1.example.com",
                "mx: *.backup.example.com", "max_age:   86400");
        // RFC 8460 §4.4: mx-host in A-labels, as the parsed patterns write them.
        assertThat(applied.mxHosts()).containsExactly("mx1.example.com", "*.backup.example.com");
        assertThat(PolicyDetails.sts(DomainName.of("example.com"), SERVED)).isEqualTo(applied);
    }

    @Test
    @DisplayName("RFC 8461 §5: a policy in mode none is reported as no-policy-found, by every door")
    void modeNoneIsNoPolicyFound() {
        PolicyDetails none = PolicyDetails.applied(cached("version: STSv1\nmode: none\nmax_age: 86400\n"));
        assertThat(none).isEqualTo(PolicyDetails.noPolicyFound(DomainName.of("example.com")));
    }

    @Test
    @DisplayName("RFC 8461 §3.3, RFC 8460 §4.5: a policy that could not be used is sts, with what was served")
    void anUnusablePolicyIsStsWithWhatWasServed() {
        PolicyDetails invalid = PolicyDetails.stsFailure(DomainName.of("example.com"), "version: STSv1\nmode: enforced\n");
        assertThat(invalid.policyType()).isEqualTo(PolicyType.STS);
        assertThat(invalid.policyStrings()).containsExactly("version: STSv1", "mode: enforced");
        assertThat(invalid.mxHosts()).isEmpty();
        assertThat(PolicyDetails.stsFailure(DomainName.of("example.com"), null).policyStrings()).isEmpty();
        assertThatThrownBy(() -> PolicyDetails.sts(DomainName.of("example.com"), "version: STSv1\nmode: enforced\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void policyLinesSplitOnLfAndCrlfAndKeepALastUnterminatedLine() {
        assertThat(PolicyDetails.policyLines("a\r\nb\nc")).containsExactly("a", "b", "c");
        assertThat(PolicyDetails.policyLines("a\n\nb\n")).containsExactly("a", "", "b");
        assertThat(PolicyDetails.policyLines("")).isEmpty();
        assertThat(PolicyDetails.policyLines("\r\n")).containsExactly("");
    }

    @Test
    @DisplayName("RFC 8460 §4.4: equal details are equal and hash alike, however their lists were made")
    void equalsComparesEveryComponent() {
        PolicyDetails a = sts("example.com", List.of("version: STSv1", "mode: enforce"), List.of("mx.example.com"));
        PolicyDetails b = sts("example.com", new ArrayList<>(Arrays.asList("version: STSv1", "mode: enforce")),
                new ArrayList<>(List.of("mx.example.com")));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotSameAs(b);
        assertThat(a).isNotEqualTo(sts("example.net", a.policyStrings(), a.mxHosts()))
                .isNotEqualTo(sts("example.com", List.of("version: STSv1"), a.mxHosts()))
                .isNotEqualTo(sts("example.com", List.of("version: STSv1", "mode: testing"), a.mxHosts()))
                .isNotEqualTo(sts("example.com", a.policyStrings(), List.of()))
                .isNotEqualTo(sts(null, a.policyStrings(), a.mxHosts()))
                .isNotEqualTo(PolicyDetails.noPolicyFound(DomainName.of("example.com")))
                .isNotEqualTo(new PolicyDetails(PolicyType.UNKNOWN, "x-sts", a.policyStrings(), "example.com",
                        a.mxHosts()))
                .isNotEqualTo("example.com");
        assertThat(new PolicyDetails(PolicyType.UNKNOWN, "x-a", List.of(), null, List.of()))
                .isNotEqualTo(new PolicyDetails(PolicyType.UNKNOWN, "x-b", List.of(), null, List.of()))
                .isEqualTo(new PolicyDetails(PolicyType.UNKNOWN, "x-a", List.of(), null, List.of()));
    }

    @Property(tries = 200)
    @Label("RFC 8460 §4.4: equals and hashCode agree with the components' own equality")
    void equalsAgreesWithTheComponents(@ForAll("details") PolicyDetails a, @ForAll("details") PolicyDetails b) {
        boolean componentsEqual = a.policyType() == b.policyType() && a.policyTypeToken().equals(b.policyTypeToken())
                && Objects.equals(a.policyDomain(), b.policyDomain())
                && a.policyStrings().equals(b.policyStrings()) && a.mxHosts().equals(b.mxHosts());
        assertThat(a.equals(b)).isEqualTo(componentsEqual).isEqualTo(b.equals(a));
        if (componentsEqual) {
            assertThat(a.hashCode()).isEqualTo(b.hashCode());
        }
        PolicyDetails copy = new PolicyDetails(a.policyType(), a.policyTypeToken(), new ArrayList<>(a.policyStrings()),
                a.policyDomain(), new ArrayList<>(a.mxHosts()));
        assertThat(copy).isEqualTo(a).hasSameHashCodeAs(a);
    }

    @Provide
    Arbitrary<PolicyDetails> details() {
        Arbitrary<List<String>> strings = Arbitraries.of("a", "b", "mode: enforce")
                .list().ofMaxSize(2);
        return Combinators.combine(Arbitraries.of("sts", "tlsa", "x-other"),
                Arbitraries.of("a.example", "b.example").injectNull(0.2), strings, strings)
                .as((token, domain, s, mx) -> new PolicyDetails(PolicyType.fromToken(token), token, s, domain, mx));
    }
}
