package org.mtasts.http.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.dns.DnsUpdater;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.dns.TsigKey;
import org.mtasts.http.AddressFilter;
import org.mtasts.http.HttpsPolicyFetcher;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.PolicyResponse;
import org.mtasts.tlsrpt.ReadinessCriteria;
import org.mtasts.tlsrpt.ReportSummary;

/**
 * The checks {@link PolicyPublisher} makes before DNS is changed, against the sandbox (its DNS
 * server takes no update: every case here stops before or at the update). Publishing itself runs
 * against Knot in mtasts-it's {@code PublishRealnetIT}.
 */
class PolicyPublisherTest {
    static final String POLICY = "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 86400\n";
    static MtaStsSandbox sandbox;
    static HttpsPolicyFetcher fetcher;
    static PolicyPublisher publisher;

    @BeforeAll
    static void start() {
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("example.com").policy(POLICY).mx(10, "mx1.example.com"))
                .domain(DomainSpec.of("two.example").policy(POLICY).mxRecord(10, "mx1.example.com").mx(20, "mx9.two.example"))
                .domain(DomainSpec.of("nomail.example").policy(POLICY).nullMx())
                .domain(DomainSpec.of("gone.example").policyResponse(PolicyResponse.status(404)).mxRecord(10, "mx1.example.com"))
                .start();
        fetcher = HttpsPolicyFetcher.builder().trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())
                .addressFilter(AddressFilter.ANY).build();
        publisher = PolicyPublisher.builder()
                .updater(DnsUpdater.builder().server(sandbox.dnsAddress())
                        .key(TsigKey.of("update", "hmac-sha256", "c2VjcmV0c2VjcmV0c2VjcmV0")).build())
                .fetcher(fetcher)
                .resolver(DnsjavaResolver.builder().server(sandbox.dnsAddress()).build())
                .build();
    }

    @AfterAll
    static void stop() {
        fetcher.close();
        sandbox.close();
    }

    private static PublishResult publish(String domain, String policy) {
        return publisher.publish(PublishRequest.builder(DomainName.of(domain), policy.getBytes(StandardCharsets.UTF_8)).build());
    }

    private static PublishResult.Refused refused(PublishResult result) {
        assertThat(result.kind()).as(result.toString()).isEqualTo(PublishResult.Kind.REFUSED);
        return (PublishResult.Refused) result;
    }

    @Test
    void rfc8461Section3_2_anInvalidPolicyIsRefusedWithItsPosition() {
        int fetches = sandbox.httpExchanges().size();
        PublishResult.Refused r = refused(publish("example.com", "version: STSv1\nmode: enforcing\nmx: a.example\nmax_age: 1\n"));
        assertThat(r.reason()).isEqualTo(PublishResult.Reason.INVALID_POLICY);
        assertThat(r.detail()).contains("line 2");
        assertThat(r.steps()).extracting(PublishResult.Step::name).containsExactly("lint");
        assertThat(sandbox.httpExchanges()).hasSize(fetches);
    }

    @Test
    void rfc8461Section4_1_aLiveMxHostThePolicyDoesNotMatchIsRefused() {
        PublishResult.Refused r = refused(publish("two.example", POLICY));
        assertThat(r.reason()).isEqualTo(PublishResult.Reason.MX_NOT_COVERED);
        assertThat(r.detail()).contains("mx9.two.example").doesNotContain("mx1.example.com,");
    }

    @Test
    void rfc7505_aNullMxDomainIsRefused() {
        assertThat(refused(publish("nomail.example", POLICY)).reason()).isEqualTo(PublishResult.Reason.NO_MAIL);
    }

    @Test
    void rfc8461Section8_1_aPolicyNotServedIsRefusedBeforeDns() {
        PublishResult.Refused r = refused(publish("gone.example", POLICY));
        assertThat(r.reason()).isEqualTo(PublishResult.Reason.NOT_SERVED);
        assertThat(r.steps()).extracting(PublishResult.Step::name).containsExactly("lint", "mx", "fetch");
    }

    @Test
    void aDifferentServedPolicyIsRefusedLineByLine() {
        PublishResult.Refused r = refused(publish("example.com", POLICY.replace("86400", "86401")));
        assertThat(r.reason()).isEqualTo(PublishResult.Reason.POLICY_DIFFERS);
        assertThat(r.differences()).containsExactly("line 4: file 'max_age: 86401', served 'max_age: 86400'");
    }

    @Test
    void enforceRequestedWithATestingPolicyIsRefused() {
        PublishResult result = publisher.publish(PublishRequest.builder(DomainName.of("example.com"),
                POLICY.getBytes(StandardCharsets.UTF_8)).enforce(true).build());
        assertThat(refused(result).reason()).isEqualTo(PublishResult.Reason.MODE_MISMATCH);
    }

    @Test
    void differencesShowEachLineAndLineEnds() {
        assertThat(PolicyPublisher.differences("a\nb\n", "a\nb\n")).isEmpty();
        assertThat(PolicyPublisher.differences("a\r\nb\n", "a\nb\n")).containsExactly("line 1: file 'a\\u000d', served 'a'");
        assertThat(PolicyPublisher.differences("a\n", "a\nb\n"))
                .containsExactly("line 2: file '', served 'b'", "line 3: only served ''");
        assertThat(PolicyPublisher.differences("x\n".repeat(30), "y\n".repeat(30))).hasSize(21).last().isEqualTo("(more lines differ)");
    }

    @Test
    void misuseIsACallerError() {
        assertThatThrownBy(() -> PolicyPublisher.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("updater");
        PublishRequest.Builder request = PublishRequest.builder(DomainName.of("example.com"), new byte[0]);
        assertThatThrownBy(() -> request.force(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> request.readiness(ReportSummary.of(List.of())
                .readiness(ReadinessCriteria.of(DomainName.of("example.org"), LocalDate.of(2026, 1, 1), 14))))
                .hasMessageContaining("judges example.org");
    }
}
