package org.mtasts.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mtasts.core.CertificateVerdict;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxCertificateCheck;

class SandboxPkiTest {

    private static final MutableClock CLOCK = MutableClock.startingNow();
    private static final SandboxPki PKI = SandboxPki.create(CLOCK);

    private static List<String> dnsSans(X509Certificate c) throws Exception {
        List<String> names = new ArrayList<>();
        Collection<List<?>> sans = c.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                if ((Integer) san.get(0) == 2) {
                    names.add((String) san.get(1));
                }
            }
        }
        return names;
    }

    private static X509Certificate[] chain(IssuedCertificate c) {
        return c.chain().toArray(new X509Certificate[0]);
    }

    @Test
    void validLeafChainsToTheRootAndNamesTheHost() throws Exception {
        IssuedCertificate cert = PKI.issue("mx1.example.test", CertificateVariant.VALID);
        assertThat(cert.chain()).hasSize(2);
        assertThat(cert.chain().get(1)).isEqualTo(PKI.issuingCertificate());
        assertThat(dnsSans(cert.leaf())).containsExactly("mx1.example.test");
        assertThat(cert.leaf().getSubjectX500Principal().getName()).contains("CN=mx1.example.test");
        assertThat(cert.leaf().getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.leaf().getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
        assertThatCode(() -> PKI.trustManager().checkServerTrusted(chain(cert), "ECDHE_ECDSA"))
                .doesNotThrowAnyException();
        assertThat(cert.leaf().getNotAfter().toInstant())
                .isEqualTo(CLOCK.instant().plus(SandboxPki.LEAF_LIFETIME).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    @Test
    void issuesOncePerHostVariantAndChainLength() {
        IssuedCertificate a = PKI.issue("MX1.example.test.", CertificateVariant.VALID);
        assertThat(PKI.issue("mx1.example.test", CertificateVariant.VALID)).isSameAs(a);
        assertThat(PKI.issue("mx1.example.test", CertificateVariant.VALID, 3)).isNotSameAs(a);
        assertThat(a.host()).isEqualTo("mx1.example.test");
    }

    @Test
    void expiredAndNotYetValidLeavesFailTrustWithTheirCause() {
        X509Certificate[] expired = chain(PKI.issue("old.example.test", CertificateVariant.EXPIRED));
        assertThatThrownBy(() -> PKI.trustManager().checkServerTrusted(expired, "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class)
                .hasRootCauseInstanceOf(CertificateExpiredException.class);
        X509Certificate[] future = chain(PKI.issue("new.example.test", CertificateVariant.NOT_YET_VALID));
        assertThatThrownBy(() -> PKI.trustManager().checkServerTrusted(future, "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class)
                .hasRootCauseInstanceOf(CertificateNotYetValidException.class);
    }

    @Test
    void selfSignedLeafIsUntrusted() throws Exception {
        IssuedCertificate self = PKI.issue("mx.example.test", CertificateVariant.SELF_SIGNED, 5);
        assertThat(self.chain()).hasSize(1);
        assertThat(self.leaf().getIssuerX500Principal()).isEqualTo(self.leaf().getSubjectX500Principal());
        assertThat(dnsSans(self.leaf())).containsExactly("mx.example.test");
        assertThatThrownBy(() -> PKI.trustManager().checkServerTrusted(chain(self), "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class)
                .hasStackTraceContaining("unable to find valid certification path");
    }

    @Test
    void namesOfTheOtherVariants() throws Exception {
        assertThat(dnsSans(PKI.issue("mx1.shop.example", CertificateVariant.WRONG_HOST).leaf()))
                .containsExactly("www.shop.example", "shop.example");
        assertThat(dnsSans(PKI.issue("mx1.shop.example", CertificateVariant.WILDCARD).leaf()))
                .containsExactly("*.shop.example");
        X509Certificate cnOnly = PKI.issue("mx1.shop.example", CertificateVariant.CN_ONLY).leaf();
        assertThat(cnOnly.getSubjectAlternativeNames()).isNull();
        assertThat(cnOnly.getSubjectX500Principal().getName()).contains("CN=mx1.shop.example");
    }

    @ParameterizedTest(name = "RFC 8461 §4.2: a {0} MX certificate gives {1}")
    @CsvSource({
        "VALID, ",
        "WILDCARD, ",
        "EXPIRED, certificate-expired",
        "NOT_YET_VALID, certificate-expired",
        "SELF_SIGNED, certificate-not-trusted",
        "WRONG_HOST, certificate-host-mismatch",
        "CN_ONLY, certificate-host-mismatch",
    })
    void variantsGiveTheirVerdictInTheCoreCheck(CertificateVariant variant, String resultType) {
        IssuedCertificate cert = PKI.issue("mx1.shop.example", variant);
        CertificateVerdict verdict = MxCertificateCheck.check(DomainName.of("mx1.shop.example"), cert.chain(),
                PKI.trustManager(), CLOCK);
        if (resultType == null) {
            assertThat(verdict).isInstanceOf(CertificateVerdict.Valid.class);
        } else {
            assertThat(verdict).isInstanceOfSatisfying(CertificateVerdict.Invalid.class,
                    invalid -> assertThat(invalid.resultType().token()).isEqualTo(resultType));
        }
    }

    @Test
    @DisplayName("validity follows the clock given to the PKI, not the system time")
    void validityFollowsTheClock() {
        MutableClock past = MutableClock.of(Instant.parse("2020-01-01T00:00:00Z"));
        SandboxPki pki = SandboxPki.create(past);
        X509Certificate leaf = pki.issue("mx.example.test", CertificateVariant.VALID).leaf();
        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(Instant.parse("2019-12-31T00:00:00Z"));
        past.advance(Duration.ofDays(1000));
        X509Certificate expired = pki.issue("mx.example.test", CertificateVariant.EXPIRED).leaf();
        assertThat(expired.getNotAfter().toInstant()).isEqualTo(Instant.parse("2022-09-26T00:00:00Z"));
    }

    @Test
    void longChainsHaveTheirOwnIntermediatesAndStillValidate() {
        IssuedCertificate one = PKI.issue("a.example.test", CertificateVariant.VALID, 1);
        assertThat(one.chain()).hasSize(1);
        assertThat(one.leaf().getIssuerX500Principal()).isEqualTo(PKI.rootCertificate().getSubjectX500Principal());
        IssuedCertificate five = PKI.issue("a.example.test", CertificateVariant.VALID, 5);
        assertThat(five.chain()).hasSize(5).doesNotContain(PKI.issuingCertificate(), PKI.rootCertificate());
        for (int i = 0; i < 4; i++) {
            assertThat(five.chain().get(i).getIssuerX500Principal())
                    .isEqualTo(five.chain().get(i + 1).getSubjectX500Principal());
        }
        assertThat(five.chain().get(4).getIssuerX500Principal()).isEqualTo(PKI.rootCertificate().getSubjectX500Principal());
        assertThatCode(() -> PKI.trustManager().checkServerTrusted(chain(five), "ECDHE_ECDSA"))
                .doesNotThrowAnyException();
    }

    @Test
    void caPemParsesBackToTheRoot() throws Exception {
        String pem = PKI.caPem();
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        assertThat(parsed).isEqualTo(PKI.rootCertificate());
        assertThat(parsed.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        String chainPem = PKI.issue("b.example.test", CertificateVariant.VALID).chainPem();
        assertThat(chainPem.split("BEGIN CERTIFICATE", -1)).hasSize(3);
    }

    @Test
    void rejectsBadRequests() {
        assertThatThrownBy(() -> PKI.issue("bad_host", CertificateVariant.VALID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad_host");
        assertThatThrownBy(() -> PKI.issue("localhost", CertificateVariant.WILDCARD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("WILDCARD needs a host with a parent domain, not 'localhost'");
        assertThatThrownBy(() -> PKI.issue("a.example", CertificateVariant.VALID, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("chain length 0 is outside 1..100");
    }
}
