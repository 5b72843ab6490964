package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DeliveryDecision;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxCertificateCheck;
import org.mtasts.core.MxHandshake;
import org.mtasts.core.ResultType;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.testkit.CertificateVariant;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.SmtpHost;
import org.mtasts.testkit.PolicyResponse;
import org.mtasts.testkit.SmtpSession;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyResult;
import org.mtasts.tlsrpt.PolicyType;
import org.mtasts.tlsrpt.ReportAggregator;
import org.mtasts.tlsrpt.TlsReport;

/**
 * The sender's path over real JDK sockets against the sandbox's MX hosts: MX check, STARTTLS, the
 * certificate checked during the handshake (RFC 8461 §4.2), the decision (§5) and the TLS-RPT count
 * (RFC 8460 §4), for each mode and each classic failure.
 */
class MxSessionTest {

    static final String MESSAGE = "From: a@sender.test\r\nTo: b@x\r\nSubject: hello\r\n\r\n.leading dot\r\nbye\r\n";

    static MtaStsSandbox sandbox;
    static DnsjavaResolver dns;
    static ReportAggregator aggregator;
    static MtaSts sts;
    static JavaSender sender;

    private static String policy(String mode, String... mx) {
        StringBuilder b = new StringBuilder("version: STSv1\r\nmode: " + mode + "\r\n");
        for (String m : mx) {
            b.append("mx: ").append(m).append("\r\n");
        }
        return b.append("max_age: 86400\r\n").toString();
    }

    @BeforeAll
    static void start() {
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("good.test").stsRecord("v=STSv1; id=1").policy(policy("enforce", "mx1.good.test"))
                        .mx(10, SmtpHost.of("mx1.good.test")))
                .domain(DomainSpec.of("other.test").stsRecord("v=STSv1; id=1").policy(policy("enforce", "mx1.other.test"))
                        .mx(10, SmtpHost.of("mx1.other.test")))
                .domain(DomainSpec.of("expired.test").stsRecord("v=STSv1; id=1")
                        .policy(policy("enforce", "mx1.expired.test"))
                        .mx(10, SmtpHost.of("mx1.expired.test").withCertificate(CertificateVariant.EXPIRED)))
                .domain(DomainSpec.of("testing.test").stsRecord("v=STSv1; id=1")
                        .policy(policy("testing", "mx1.testing.test"))
                        .mx(10, SmtpHost.of("mx1.testing.test").withCertificate(CertificateVariant.EXPIRED)))
                .domain(DomainSpec.of("nostarttls.test").stsRecord("v=STSv1; id=1")
                        .policy(policy("enforce", "mx1.nostarttls.test"))
                        .mx(10, SmtpHost.of("mx1.nostarttls.test").withoutStarttls()))
                .domain(DomainSpec.of("mismatch.test").stsRecord("v=STSv1; id=1")
                        .policy(policy("enforce", "mx1.mismatch.test"))
                        .mx(10, SmtpHost.of("mx2.mismatch.test")).mx(20, SmtpHost.of("mx1.mismatch.test")))
                .domain(DomainSpec.of("nopolicy.test")
                        .mx(10, SmtpHost.of("mx1.nopolicy.test").withCertificate(CertificateVariant.WRONG_HOST)))
                .domain(DomainSpec.of("flaky2.test").stsRecord("v=STSv1; id=1").policy(policy("enforce", "mx1.flaky2.test"))
                        .mx(10, SmtpHost.of("mx1.flaky2.test").withCertificate(CertificateVariant.EXPIRED)))
                .domain(DomainSpec.of("flaky.test").stsRecord("v=STSv1; id=1").policy(policy("enforce", "mx1.flaky.test"))
                        .mx(10, SmtpHost.of("mx1.flaky.test")))
                .start();
        dns = DnsjavaResolver.builder().server(sandbox.dnsAddress()).timeout(Duration.ofMillis(500)).retries(0).build();
        aggregator = ReportAggregator.builder().organizationName("Sender Test").contactInfo("tlsrpt@sender.test")
                .clock(sandbox.clock()).build();
        sts = MtaSts.builder().txtResolver(dns).clock(sandbox.clock())
                .trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())
                .mxTrustManager(sandbox.trustManager()).reportAggregator(aggregator)
                .proactiveRefresh(false).build();
        sender = new JavaSender(sts, dns, sandbox.addresses());
    }

    @AfterAll
    static void stop() {
        sts.close();
        sandbox.close();
    }

    private static JavaSender.Delivery deliver(String domain) throws Exception {
        return sender.deliver("a@sender.test", "b@" + domain, MESSAGE);
    }

    private static PolicyResult reported(String domain) {
        LocalDate day = LocalDate.ofInstant(sandbox.clock().instant(), ZoneOffset.UTC);
        Map<String, TlsReport> byDomain = aggregator.reports(day).stream().collect(Collectors.toMap(
                r -> r.policies().get(0).policy().policyDomain(), Function.identity()));
        TlsReport report = byDomain.get(domain);
        assertThat(report).as("a report for " + domain).isNotNull();
        assertThat(report.policies()).hasSize(1);
        return report.policies().get(0);
    }

    @Test
    @DisplayName("RFC 8461 §4.2, §7.1: enforce and a valid certificate: delivered over TLS with SNI, one successful session")
    void aGoodDomainIsDeliveredOverTls() throws Exception {
        JavaSender.Delivery d = deliver("good.test");
        assertThat(d.delivered()).isTrue();
        assertThat(d.attempts()).extracting(JavaSender.Attempt::outcome).containsExactly("delivered");
        SmtpSession session = sandbox.smtpSessions("mx1.good.test").get(0);
        assertThat(session.sni()).isEqualTo("mx1.good.test");
        assertThat(session.tls()).isTrue();
        assertThat(session.messages().get(0)).contains(".leading dot");
        PolicyResult r = reported("good.test");
        assertThat(r.policy().policyType()).isEqualTo(PolicyType.STS);
        assertThat(r.policy().policyStrings()).containsExactly("version: STSv1", "mode: enforce", "mx: mx1.good.test",
                "max_age: 86400");
        assertThat(r.summary().totalSuccessfulSessionCount()).isEqualTo(1);
        assertThat(r.summary().totalFailureSessionCount()).isZero();
    }

    @Test
    @DisplayName("RFC 8461 §5: enforce and an expired certificate: the handshake fails with the reason, the MX is refused")
    void anExpiredCertificateIsRefusedInTheHandshake() throws Exception {
        JavaSender.Delivery d = deliver("expired.test");
        assertThat(d.delivered()).isFalse();
        JavaSender.Attempt a = d.attempts().get(0);
        assertThat(a.outcome()).isEqualTo("refused");
        assertThat(a.resultType()).isEqualTo("certificate-expired");
        assertThat(a.reason()).contains("expired at");
        assertThat(sandbox.smtpSessions("mx1.expired.test").get(0).messages()).isEmpty();
        PolicyResult r = reported("expired.test");
        assertThat(r.summary().totalFailureSessionCount()).isEqualTo(1);
        FailureDetails f = r.failureDetails().get(0);
        assertThat(f.resultType()).isEqualTo(ResultType.CERTIFICATE_EXPIRED);
        assertThat(f.failureReasonCode()).isEqualTo(MxCertificateCheck.REASON_EXPIRED);
        assertThat(f.receivingMxHostname()).isEqualTo("mx1.expired.test");
        assertThat(f.receivingIp()).isEqualTo("127.0.0.1");
        assertThat(f.sendingMtaIp()).isEqualTo("127.0.0.1");
    }

    @Test
    @DisplayName("RFC 8461 §5: testing and an expired certificate: delivered, and reported as certificate-expired")
    void testingDeliversAndReports() throws Exception {
        JavaSender.Delivery d = deliver("testing.test");
        assertThat(d.delivered()).isTrue();
        assertThat(d.attempts().get(0).resultType()).isEqualTo("certificate-expired");
        assertThat(sandbox.smtpSessions("mx1.testing.test").get(0).messages()).hasSize(1);
        PolicyResult r = reported("testing.test");
        assertThat(r.summary().totalFailureSessionCount()).isEqualTo(1);
        assertThat(r.summary().totalSuccessfulSessionCount()).isZero();
        assertThat(r.failureDetails().get(0).resultType()).isEqualTo(ResultType.CERTIFICATE_EXPIRED);
    }

    @Test
    @DisplayName("RFC 8461 §5, RFC 8460 §4.3.1: enforce and no STARTTLS: refused, reported as starttls-not-supported")
    void noStarttlsIsRefused() throws Exception {
        JavaSender.Delivery d = deliver("nostarttls.test");
        assertThat(d.delivered()).isFalse();
        assertThat(d.attempts().get(0).resultType()).isEqualTo("starttls-not-supported");
        PolicyResult r = reported("nostarttls.test");
        assertThat(r.failureDetails()).singleElement().satisfies(f -> {
            assertThat(f.resultType()).isEqualTo(ResultType.STARTTLS_NOT_SUPPORTED);
            assertThat(f.receivingMxHostname()).isEqualTo("mx1.nostarttls.test");
        });
    }

    @Test
    @DisplayName("RFC 8461 §4.1, §5.1: an MX host not in the policy is refused without a connection; the next one delivers")
    void anMxNotInThePolicyIsRefusedBeforeConnecting() throws Exception {
        JavaSender.Delivery d = deliver("mismatch.test");
        assertThat(d.delivered()).isTrue();
        assertThat(d.attempts()).extracting(JavaSender.Attempt::mx, JavaSender.Attempt::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("mx2.mismatch.test", "refused"),
                        org.assertj.core.groups.Tuple.tuple("mx1.mismatch.test", "delivered"));
        assertThat(sandbox.smtpSessions("mx2.mismatch.test")).isEmpty();
        PolicyResult r = reported("mismatch.test");
        assertThat(r.summary().totalSuccessfulSessionCount()).isEqualTo(1);
        assertThat(r.summary().totalFailureSessionCount()).isEqualTo(1);
        assertThat(r.failureDetails()).singleElement().satisfies(f -> {
            assertThat(f.resultType()).isEqualTo(ResultType.VALIDATION_FAILURE);
            assertThat(f.failureReasonCode()).isEqualTo(DeliveryDecision.REASON_MX_MISMATCH);
            assertThat(f.receivingMxHostname()).isEqualTo("mx2.mismatch.test");
        });
    }

    @Test
    @DisplayName("RFC 8461 §5: without a policy any certificate is accepted; counted as no-policy-found")
    void withoutAPolicyAnyCertificateIsAccepted() throws Exception {
        JavaSender.Delivery d = deliver("nopolicy.test");
        assertThat(d.delivered()).isTrue();
        PolicyResult r = reported("nopolicy.test");
        assertThat(r.policy().policyType()).isEqualTo(PolicyType.NO_POLICY_FOUND);
        assertThat(r.summary().totalSuccessfulSessionCount()).isEqualTo(1);
        assertThat(r.failureDetails()).isEmpty();
    }

    @Test
    @DisplayName("RFC 8461 §6, RFC 8460 §4.3.2.2: a fetch failure with a cached policy counts on the session, with the fallback marker")
    void aFetchFailureWithACachedPolicyCountsOnTheSession() throws Exception {
        DomainName flaky = DomainName.of("flaky.test");
        assertThat(sts.resolve(flaky)).isInstanceOf(PolicyResolution.Active.class);
        sandbox.update(DomainSpec.of("flaky.test").stsRecord("v=STSv1; id=2")
                .policyResponse(PolicyResponse.status(500)).mx(10, SmtpHost.of("mx1.flaky.test")));
        PolicyResolution rechecked = sts.resolver().resolve(flaky, false).join();
        assertThat(rechecked.policyFailure()).isPresent();

        JavaSender.Delivery d = deliver("flaky.test");

        assertThat(d.delivered()).isTrue();
        PolicyResult r = reported("flaky.test");
        assertThat(r.policy().policyStrings()).contains("mode: enforce");
        assertThat(r.summary().totalFailureSessionCount()).isEqualTo(1);
        assertThat(r.failureDetails()).singleElement().satisfies(f -> {
            assertThat(f.resultType()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
            assertThat(f.failureReasonCode()).isEqualTo("http-status-500+fallback-to-cached-policy");
        });
    }

    @Test
    @DisplayName("RFC 8460 §4: a session with a policy fetch failure and a certificate failure is one failed session with two details")
    void oneSessionTwoDetails() throws Exception {
        DomainName flaky = DomainName.of("flaky2.test");
        assertThat(sts.resolve(flaky)).isInstanceOf(PolicyResolution.Active.class);
        sandbox.update(DomainSpec.of("flaky2.test").stsRecord("v=STSv1; id=2").policyResponse(PolicyResponse.status(503))
                .mx(10, SmtpHost.of("mx1.flaky2.test").withCertificate(CertificateVariant.EXPIRED)));
        sts.recheckAsync(flaky).join();

        JavaSender.Delivery d = deliver("flaky2.test");

        assertThat(d.delivered()).isFalse();
        PolicyResult r = reported("flaky2.test");
        assertThat(r.summary().totalFailureSessionCount()).isEqualTo(1);
        assertThat(r.summary().totalSuccessfulSessionCount()).isZero();
        assertThat(r.failureDetails()).extracting(FailureDetails::resultType, FailureDetails::failedSessionCount)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(ResultType.STS_POLICY_FETCH_ERROR, 1L),
                        org.assertj.core.groups.Tuple.tuple(ResultType.CERTIFICATE_EXPIRED, 1L));
    }

    @Test
    @DisplayName("RFC 8460 §3: a report's own delivery is never refused and never counted")
    void aReportDeliveryIsNeitherRefusedNorCounted() throws Exception {
        PolicyResolution expired = sts.resolve(DomainName.of("expired.test"));
        LocalDate day = LocalDate.ofInstant(sandbox.clock().instant(), ZoneOffset.UTC);
        List<TlsReport> before = aggregator.reports(day);
        try (MxSession session = sts.reportSession(expired, DomainName.of("mx1.expired.test"));
                SmtpDialog smtp = SmtpDialog.connect(sandbox.address("mx1.expired.test"))) {
            assertThat(session.isReportDelivery()).isTrue();
            assertThat(session.requiresTls()).isFalse();
            smtp.ehloOffersStarttls("sender.test");
            smtp.starttls();
            MxSession.StartTls tls = session.startTls(smtp.socket());
            assertThat(tls.decision().verdict()).isEqualTo(DeliveryDecision.Verdict.DELIVER);
            assertThat(tls.socket()).isPresent();
        }
        assertThat(aggregator.reports(day)).isEqualTo(before);
    }

    @Test
    @DisplayName("one outcome per session: a second one is a programming error; a session closed without one counts nothing")
    void oneOutcomePerSession() throws Exception {
        PolicyResolution good = sts.resolve(DomainName.of("other.test"));
        LocalDate day = LocalDate.ofInstant(sandbox.clock().instant(), ZoneOffset.UTC);
        try (MxSession session = sts.session(good, DomainName.of("mx1.other.test"))) {
            assertThat(session.refused()).isFalse();
            assertThat(session.requiresTls()).isTrue();
            assertThatIllegalStateException().isThrownBy(() -> session.handshakeCompleted(null))
                    .withMessage("bind an engine (bind) or use startTls before ending the handshake");
            assertThat(session.starttlsMissing().refuses()).isTrue();
            assertThat(session.refused()).as("refused after connecting, not before").isFalse();
            assertThatIllegalStateException().isThrownBy(session::starttlsMissing)
                    .withMessage("the session with mx1.other.test has an outcome already: REFUSE");
        }
        List<TlsReport> before = aggregator.reports(day);
        try (MxSession unused = sts.session(good, DomainName.of("mx1.other.test"))) {
            assertThat(unused.decision()).isEmpty();
        }
        assertThat(aggregator.reports(day)).isEqualTo(before);
    }

    @Test
    @DisplayName("RFC 8460 §4.3.3: a handshake broken by the peer is a validation-failure with its reason code")
    void aBrokenHandshakeIsAValidationFailure() throws Exception {
        PolicyResolution good = sts.resolve(DomainName.of("other.test"));
        try (MxSession session = sts.session(good, DomainName.of("mx1.other.test"));
                SmtpDialog smtp = SmtpDialog.connect(sandbox.address("mx1.other.test"))) {
            smtp.ehloOffersStarttls("sender.test");
            // No STARTTLS command: the server answers the ClientHello as an SMTP command.
            MxSession.StartTls tls = session.startTls(smtp.socket());
            assertThat(tls.decision().refuses()).isTrue();
            assertThat(tls.decision().resultType()).isEqualTo(ResultType.VALIDATION_FAILURE);
            assertThat(tls.decision().failureReasonCode()).isIn(MxHandshake.REASON_HANDSHAKE_FAILURE,
                    MxHandshake.REASON_HANDSHAKE_IO);
            assertThat(tls.socket()).isEmpty();
        }
    }

    @Test
    @DisplayName("without a policy a broken handshake still says why (StartTls.tls), though the decision is to deliver")
    void theTlsOutcomeIsKeptWithoutAPolicy() throws Exception {
        PolicyResolution none = sts.resolve(DomainName.of("nopolicy.test"));
        try (MxSession session = sts.session(none, DomainName.of("mx1.nopolicy.test"));
                SmtpDialog smtp = SmtpDialog.connect(sandbox.address("mx1.nopolicy.test"))) {
            assertThat(session.tlsOutcome()).isEmpty();
            smtp.ehloOffersStarttls("sender.test");
            MxSession.StartTls tls = session.startTls(smtp.socket());   // no STARTTLS command: the server balks
            assertThat(tls.decision().verdict()).isEqualTo(DeliveryDecision.Verdict.DELIVER);
            assertThat(tls.tls().resultType()).isEqualTo(ResultType.VALIDATION_FAILURE);
            assertThat(tls.tls().detail()).startsWith("the TLS handshake with mx1.nopolicy.test failed: ");
            assertThat(session.tlsOutcome()).contains(tls.tls());
        }
    }
}
