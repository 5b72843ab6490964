package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.mtasts.core.DomainName;

class PolicyDetailsTest {

    private static PolicyDetails sts(String domain, List<String> strings, List<String> mx) {
        return new PolicyDetails(PolicyType.STS, "sts", strings, domain, mx);
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
