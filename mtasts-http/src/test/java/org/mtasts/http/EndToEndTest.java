package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.testkit.CertificateVariant;
import org.mtasts.testkit.DnsFault;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.PolicyHost;
import org.mtasts.testkit.PolicyResponse;

/**
 * {@link MtaSts} end to end: the real {@link DnsjavaResolver} asks the sandbox's DNS server over
 * UDP/TCP, the real {@link HttpsPolicyFetcher} fetches from the sandbox's HTTPS policy hosts.
 */
class EndToEndTest {
    static final String ENFORCE = "version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmx: *.mx.good.test\r\nmax_age: 604800\r\n";
    static final String TESTING = "version: STSv1\nmode: testing\nmx: mx9.good.test\nmax_age: 86400\n";

    static MtaStsSandbox sandbox;
    static DnsjavaResolver dns;
    static MtaSts sts;

    @BeforeAll
    static void start() {
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("good.test").stsRecord("v=STSv1; id=20261128T000000Z;").policy(ENFORCE))
                .domain(DomainSpec.of("split.test").stsRecord("v=STSv1; ", "id=2026", "1128;").policy(ENFORCE))
                .domain(DomainSpec.of("cname.test").cname("_mta-sts.cname.test", "_mta-sts.good.test").policy(ENFORCE))
                .domain(DomainSpec.of("two-records.test").stsRecord("v=STSv1; id=1").stsRecord("v=STSv1; id=2").policy(ENFORCE))
                .domain(DomainSpec.of("no-sts.test").txt("_mta-sts.no-sts.test", "v=spf1 -all"))
                .domain(DomainSpec.of("expired-cert.test").stsRecord("v=STSv1; id=1").policy(ENFORCE)
                        .policyHost(PolicyHost.DEFAULT.withCertificate(CertificateVariant.EXPIRED)))
                .domain(DomainSpec.of("http404.test").stsRecord("v=STSv1; id=1")
                        .policyResponse(PolicyResponse.ok(ENFORCE).withStatus(404)))
                .domain(DomainSpec.of("flaky.test").stsRecord("v=STSv1; id=1").policy(ENFORCE))
                .start();
        dns = DnsjavaResolver.builder().server(sandbox.dnsAddress()).timeout(Duration.ofMillis(500)).retries(0).build();
        sts = MtaSts.builder().txtResolver(dns).clock(sandbox.clock())
                .trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())
                .proactiveRefresh(false).build();
    }

    @AfterAll
    static void stop() {
        sts.close();
        sandbox.close();
    }

    @Test
    @DisplayName("RFC 8461 §3.1, §3.3: a correct domain resolves to its policy, then is served from the cache")
    void aCorrectDomainResolvesAndIsCached() {
        DomainName domain = DomainName.of("good.test");
        PolicyResolution first = sts.resolve(domain);
        int fetches = (int) sandbox.httpExchanges().stream().filter(e -> e.host().equals("mta-sts.good.test")).count();
        PolicyResolution second = sts.resolve(domain);

        assertThat(first).isInstanceOf(PolicyResolution.Active.class);
        PolicyResolution.Active active = (PolicyResolution.Active) first;
        assertThat(active.cached().recordId()).isEqualTo("20261128T000000Z");
        assertThat(active.policy().mode()).isEqualTo(PolicyMode.ENFORCE);
        assertThat(active.policy().matches(DomainName.of("a.mx.good.test"))).isTrue();
        assertThat(active.reportedPolicy().policyStrings()).containsExactly("version: STSv1", "mode: enforce", "mx: mx1.good.test",
                "mx: *.mx.good.test", "max_age: 604800");
        assertThat(((PolicyResolution.Active) second).fresh()).isFalse();
        assertThat(sandbox.httpExchanges().stream().filter(e -> e.host().equals("mta-sts.good.test")).count()).isEqualTo(fetches);
    }

    @Test
    @DisplayName("RFC 8461 §3.1: a record split into several strings is joined without spaces")
    void aSplitRecordIsJoined() {
        PolicyResolution r = sts.resolve(DomainName.of("split.test"));
        assertThat(((PolicyResolution.Active) r).cached().recordId()).isEqualTo("20261128");
    }

    @Test
    @DisplayName("RFC 8461 §3.1: a CNAME at _mta-sts is followed")
    void aCnameIsFollowed() {
        PolicyResolution r = sts.resolve(DomainName.of("cname.test"));
        assertThat(((PolicyResolution.Active) r).cached().recordId()).isEqualTo("20261128T000000Z");
    }

    @Test
    @DisplayName("RFC 8461 §3.1: two STS records are no policy")
    void twoRecordsAreNoPolicy() {
        PolicyResolution r = sts.resolve(DomainName.of("two-records.test"));
        assertThat(((PolicyResolution.NoPolicy) r).reason()).isEqualTo(PolicyResolution.Reason.MULTIPLE_RECORDS);
    }

    @Test
    @DisplayName("RFC 8461 §3.1: only non-STS TXT records, or NXDOMAIN, are no policy with nothing to report")
    void noStsRecordIsNoPolicy() {
        for (String d : new String[] {"no-sts.test", "absent.good.test"}) {
            PolicyResolution r = sts.resolve(DomainName.of(d));
            assertThat(((PolicyResolution.NoPolicy) r).reason()).isEqualTo(PolicyResolution.Reason.NO_RECORD);
            assertThat(r.policyFailure()).isEmpty();
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3, RFC 8460 §4.3.2.2: an expired policy host certificate is no policy, reported as sts-webpki-invalid")
    void anExpiredPolicyHostCertificateIsReported() {
        PolicyResolution r = sts.resolve(DomainName.of("expired-cert.test"));
        assertThat(((PolicyResolution.NoPolicy) r).reason()).isEqualTo(PolicyResolution.Reason.FETCH_FAILED);
        assertThat(r.policyFailure().orElseThrow().resultType()).isEqualTo(ResultType.STS_WEBPKI_INVALID);
        assertThat(r.policyFailure().orElseThrow().failureReasonCode()).isEqualTo("certificate-expired");
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a 404 is no policy, reported as sts-policy-fetch-error")
    void a404IsReported() {
        PolicyResolution r = sts.resolve(DomainName.of("http404.test"));
        assertThat(r.policyFailure().orElseThrow().resultType()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
        assertThat(r.policyFailure().orElseThrow().failureReasonCode()).isEqualTo("http-status-404");
    }

    @Test
    @DisplayName("RFC 8461 §3.3, §5.1: SERVFAIL, then a new id with a failing policy host, keep the cached policy; a new policy then replaces it")
    void theCacheCarriesThroughFailures() {
        DomainName domain = DomainName.of("flaky.test");
        assertThat(sts.resolve(domain)).isInstanceOf(PolicyResolution.Active.class);

        sandbox.dnsFault("_mta-sts.flaky.test", DnsFault.SERVFAIL);
        PolicyResolution dnsDown = recheck(domain);
        assertThat(((PolicyResolution.TemporaryFailure) dnsDown).reason()).isEqualTo(PolicyResolution.Reason.DNS_FAILURE);
        assertThat(dnsDown.policyToApply().orElseThrow().mode()).isEqualTo(PolicyMode.ENFORCE);
        assertThat(sts.resolve(domain)).as("served from memory until the next recheck").isSameAs(dnsDown);
        sandbox.dnsFault("_mta-sts.flaky.test", null);

        sandbox.update(DomainSpec.of("flaky.test").stsRecord("v=STSv1; id=2")
                .policyResponse(PolicyResponse.status(500)));
        PolicyResolution hostDown = recheck(domain);
        assertThat(hostDown.policyFailure().orElseThrow().failureReasonCode())
                .isEqualTo("http-status-500+fallback-to-cached-policy");
        assertThat(hostDown.policyToApply().orElseThrow().mode()).isEqualTo(PolicyMode.ENFORCE);

        sandbox.update(DomainSpec.of("flaky.test").stsRecord("v=STSv1; id=3").policy(TESTING));
        PolicyResolution updated = recheck(domain);
        assertThat(((PolicyResolution.Active) updated).policy().mode()).isEqualTo(PolicyMode.TESTING);
        assertThat(sandbox.problems()).isEmpty();
    }

    /**
     * What the background recheck of a warm domain finds (moving the clock past the recheck interval
     * would start it too, but here the test waits for it): the single-flight path's result.
     */
    private static PolicyResolution recheck(DomainName domain) {
        return sts.resolver().resolve(domain, false).join();
    }
}
