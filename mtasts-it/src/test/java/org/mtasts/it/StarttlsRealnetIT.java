package org.mtasts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtasts.cli.TlsProbe;
import org.mtasts.core.CertificateVerdict;
import org.mtasts.core.DeliveryDecision;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxCertificateCheck;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.TlsOutcome;
import org.mtasts.dns.AddressAnswer;

/**
 * The CLI's STARTTLS prober and core's MX certificate check (RFC 8461 §4.2) against Postfix: the
 * MX host name is resolved through Knot, the probe connects to port 25, says EHLO, STARTTLS, sends
 * the MX host name as SNI (Postfix picks the certificate by SNI), records the chain and QUITs; the
 * check then judges the chain against the realnet CA at the real time.
 */
class StarttlsRealnetIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static Realnet realnet;
    private static MxCertificateCheck check;

    /** Per test, so that a missing realnet shows as skipped tests with the reason (not as zero tests). */
    @BeforeEach
    void locate() {
        realnet = Realnet.get();
        check = MxCertificateCheck.builder().trustManager(realnet.trustManager()).clock(Clock.systemUTC()).build();
    }

    static Stream<Arguments> mxHosts() {
        return Stream.of(
                Arguments.of("mx1.example.test", "mx1.example.test", null, "mx1.example.test"),
                // RFC 6125 §6.4.3: *.mx.example.test covers a.mx and b.mx; Postfix chose it by SNI.
                Arguments.of("a.mx.example.test", "*.mx.example.test", null, "*.mx.example.test"),
                Arguments.of("b.mx.example.test", "*.mx.example.test", null, "*.mx.example.test"),
                Arguments.of("mx.expired-cert.test", "mta-sts.expired-cert.test", ResultType.CERTIFICATE_EXPIRED,
                        MxCertificateCheck.REASON_EXPIRED),
                Arguments.of("mx.wrong-cert.test", "www.example.test", ResultType.CERTIFICATE_HOST_MISMATCH,
                        MxCertificateCheck.REASON_HOST_MISMATCH),
                Arguments.of("mx.selfsigned.test", "mta-sts.selfsigned.test", ResultType.CERTIFICATE_NOT_TRUSTED,
                        MxCertificateCheck.REASON_NOT_TRUSTED),
                // No SNI entry: Postfix's default certificate, for another name.
                Arguments.of("mail.mx-mismatch.test", "mx1.example.test", ResultType.CERTIFICATE_HOST_MISMATCH,
                        MxCertificateCheck.REASON_HOST_MISMATCH),
                // bad-mx-cert.test: listed in its policy, but Postfix's certificate for it names www.example.test.
                Arguments.of("mx.bad-mx-cert.test", "www.example.test", ResultType.CERTIFICATE_HOST_MISMATCH,
                        MxCertificateCheck.REASON_HOST_MISMATCH),
                // dane.test's MX: its own CA-signed certificate (the one its TLSA 3 1 1 record pins).
                Arguments.of("mx1.dane.test", "mx1.dane.test", null, "mx1.dane.test"));
    }

    private static InetSocketAddress address(String mx) {
        AddressAnswer answer = realnet.resolver(realnet.authoritativeDns()).resolveAddresses(DomainName.of(mx));
        assertThat(answer).as("A of %s", mx).isInstanceOf(AddressAnswer.Addresses.class);
        return new InetSocketAddress(((AddressAnswer.Addresses) answer).addresses().get(0), realnet.smtp().getPort());
    }

    private static String commonName(X509Certificate cert) {
        String dn = cert.getSubjectX500Principal().getName();
        for (String part : dn.split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return dn;
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("mxHosts")
    @DisplayName("RFC 8461 §4.2: STARTTLS with SNI to Postfix, then the MX certificate check")
    void probesAndChecks(String mx, String leafCn, @Nullable ResultType failure, String reasonOrName) {
        TlsProbe.Result probe = TlsProbe.smtp(mx, address(mx), TIMEOUT, "it.mtasts.test");
        System.out.println(mx + ": " + probe.outcome() + " " + probe.protocol() + ", leaf "
                + (probe.chain().isEmpty() ? "-" : probe.chain().get(0).getSubjectX500Principal()));
        assertThat(probe.outcome()).as("%s: %s %s", mx, probe.detail(), probe.transcript())
                .isEqualTo(TlsProbe.Outcome.SECURED);
        // RFC 8461 §7.2: TLS 1.2 or later.
        assertThat(probe.protocol()).isIn("TLSv1.3", "TLSv1.2");
        assertThat(probe.transcript()).contains("S: 220 mx1.example.test ESMTP realnet", "C: STARTTLS", "C: QUIT");
        assertThat(probe.transcript()).anyMatch(line -> line.matches("S: 250[- ]STARTTLS"));
        assertThat(commonName(probe.chain().get(0))).isEqualTo(leafCn);

        CertificateVerdict verdict = check.check(DomainName.of(mx), probe.chain());
        if (failure == null) {
            assertThat(verdict).isEqualTo(new CertificateVerdict.Valid(reasonOrName));
        } else {
            assertThat(verdict).as("%s", mx).isInstanceOf(CertificateVerdict.Invalid.class);
            CertificateVerdict.Invalid invalid = (CertificateVerdict.Invalid) verdict;
            assertThat(invalid.resultType()).as("%s: %s", mx, invalid.detail()).isEqualTo(failure);
            assertThat(invalid.failureReasonCode()).isEqualTo(reasonOrName);
        }
        // RFC 8461 §5: under an enforced policy listing the host, a bad certificate refuses the MX;
        // under testing, the sender delivers and reports.
        StsPolicy enforce = StsPolicy.builder().mode(PolicyMode.ENFORCE).mx(mx).maxAge(86400).build();
        StsPolicy testing = enforce.newBuilder().mode(PolicyMode.TESTING).build();
        DeliveryDecision enforced = DeliveryDecision.decide(enforce, DomainName.of(mx), TlsOutcome.of(verdict));
        DeliveryDecision tested = DeliveryDecision.decide(testing, DomainName.of(mx), TlsOutcome.of(verdict));
        if (failure == null) {
            assertThat(enforced.verdict()).isEqualTo(DeliveryDecision.Verdict.DELIVER);
            assertThat(tested.verdict()).isEqualTo(DeliveryDecision.Verdict.DELIVER);
        } else {
            assertThat(enforced.verdict()).isEqualTo(DeliveryDecision.Verdict.REFUSE);
            assertThat(enforced.resultType()).isEqualTo(failure);
            assertThat(tested.verdict()).isEqualTo(DeliveryDecision.Verdict.DELIVER_AND_REPORT);
            assertThat(tested.resultType()).isEqualTo(failure);
        }
    }

    @Test
    @DisplayName("RFC 8461 §7.1: Postfix picks the certificate by SNI: the wildcard for a.mx, its default for an unknown name")
    void sniDecidesTheCertificate() {
        TlsProbe.Result wildcard = TlsProbe.smtp("a.mx.example.test", address("a.mx.example.test"), TIMEOUT, "it.mtasts.test");
        TlsProbe.Result fallback = TlsProbe.smtp("mail.mx-mismatch.test", address("mail.mx-mismatch.test"), TIMEOUT,
                "it.mtasts.test");
        assertThat(commonName(wildcard.chain().get(0))).isEqualTo("*.mx.example.test");
        assertThat(commonName(fallback.chain().get(0))).isEqualTo("mx1.example.test");
        // The intermediate is sent with each leaf (Postfix's chain files).
        assertThat(wildcard.chain()).hasSize(2);
        assertThat(commonName(wildcard.chain().get(1))).isEqualTo("Realnet Test Intermediate CA");
    }
}
