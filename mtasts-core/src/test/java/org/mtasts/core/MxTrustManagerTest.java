package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The MX trust manager's rules, called as a TLS stack calls it (with the engine of a connection);
 * real handshakes over JDK sockets and Netty against the testkit's MX hosts are in mtasts-http's
 * {@code MxSessionTest} and {@code MxSessionNettyTest}.
 */
class MxTrustManagerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
    private static final DomainName MX1 = DomainName.of("mx1.example.com");
    private static MxTrustManager trust;
    private static X509Certificate[] good;
    private static X509Certificate[] wrongName;

    @BeforeAll
    static void pki() throws Exception {
        MxCertificateCheckTest.makePki();
        trust = MxTrustManager.create(MxCertificateCheck.builder().trustManager(MxCertificateCheckTest.trust)
                .clock(CLOCK).build());
        good = new X509Certificate[] {MxCertificateCheckTest.leaf().dns("mx1.example.com").build(),
                MxCertificateCheckTest.intermediate.cert()};
        wrongName = new X509Certificate[] {MxCertificateCheckTest.leaf().dns("www.example.com").build(),
                MxCertificateCheckTest.intermediate.cert()};
    }

    private static SSLEngine engine() throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("mx1.example.com", 25);
        engine.setUseClientMode(true);
        return engine;
    }

    @Test
    @DisplayName("RFC 8461 §7.1, §7.2: bind sets SNI to the MX host, TLS 1.3 and 1.2 only, no HTTPS name rule")
    void bindSetsTheParameters() throws Exception {
        SSLEngine engine = engine();
        try (MxHandshake h = trust.bind(engine, MX1, MxTrustManager.Mode.ENFORCE)) {
            SSLParameters p = engine.getSSLParameters();
            assertThat(p.getServerNames()).containsExactly(new SNIHostName("mx1.example.com"));
            assertThat(p.getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
            assertThat(p.getEndpointIdentificationAlgorithm()).isNull();
            assertThat(h.mxHost()).isEqualTo(MX1);
            assertThat(h.mode()).isEqualTo(MxTrustManager.Mode.ENFORCE);
        }
        SSLParameters helper = MxTrustManager.sslParameters(MX1);
        assertThat(helper.getServerNames()).containsExactly(new SNIHostName("mx1.example.com"));
        assertThat(helper.getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    }

    @Test
    @DisplayName("RFC 8461 §4.2, §5: enforce accepts a valid certificate and records the verdict")
    void enforceAcceptsAValidCertificate() throws Exception {
        SSLEngine engine = engine();
        try (MxHandshake h = trust.bind(engine, MX1, MxTrustManager.Mode.ENFORCE)) {
            trust.checkServerTrusted(good, "ECDHE_ECDSA", engine);
            assertThat(h.verdict()).contains(new CertificateVerdict.Valid("mx1.example.com"));
            assertThat(h.chain()).containsExactly(good);
        }
    }

    @Test
    @DisplayName("RFC 8461 §5: enforce fails the handshake with the precise reason, and failed() gives the verdict")
    void enforceFailsTheHandshakeWithThePreciseReason() throws Exception {
        SSLEngine engine = engine();
        try (MxHandshake h = trust.bind(engine, MX1, MxTrustManager.Mode.ENFORCE)) {
            CertificateException refused = null;
            try {
                trust.checkServerTrusted(wrongName, "ECDHE_ECDSA", engine);
            } catch (CertificateException e) {
                refused = e;
            }
            assertThat(refused).isNotNull();
            assertThat(refused.getMessage()).isEqualTo("the certificate names www.example.com, not mx1.example.com "
                    + "(certificate-host-mismatch, certificate-host-mismatch; RFC 8461 §4.2)");
            // The TLS stack wraps the trust manager's exception; failed() finds it.
            SSLHandshakeException wrapped = new SSLHandshakeException("PKIX failed");
            wrapped.initCause(refused);
            TlsOutcome outcome = h.failed(wrapped);
            assertThat(outcome.resultType()).isEqualTo(ResultType.CERTIFICATE_HOST_MISMATCH);
            assertThat(outcome.failureReasonCode()).isEqualTo(MxCertificateCheck.REASON_HOST_MISMATCH);
        }
    }

    @Test
    @DisplayName("RFC 8461 §5: testing (report) records the failed verdict and lets the handshake go on")
    void reportRecordsAndLetsTheHandshakeGoOn() throws Exception {
        SSLEngine engine = engine();
        try (MxHandshake h = trust.bind(engine, MX1, MxTrustManager.Mode.REPORT)) {
            trust.checkServerTrusted(wrongName, "ECDHE_ECDSA", engine);
            assertThat(h.verdict()).hasValueSatisfying(v -> assertThat(v.isValid()).isFalse());
        }
    }

    @Test
    @DisplayName("RFC 8461 §5: without a policy (or mode none) any certificate is accepted, unchecked")
    void opportunisticAcceptsAnything() throws Exception {
        SSLEngine engine = engine();
        try (MxHandshake h = trust.bind(engine, MX1, MxTrustManager.Mode.OPPORTUNISTIC)) {
            trust.checkServerTrusted(wrongName, "ECDHE_ECDSA", engine);
            assertThat(h.verdict()).isEmpty();
            assertThat(h.chain()).containsExactly(wrongName);
        }
    }

    @Test
    void refusesConnectionsThatWereNotBound() throws Exception {
        assertThatThrownBy(() -> trust.checkServerTrusted(good, "ECDHE_ECDSA", engine()))
                .isInstanceOf(CertificateException.class)
                .hasMessage("this connection was not bound to an MX host (call MxTrustManager.bind before the handshake)");
        assertThatThrownBy(() -> trust.checkServerTrusted(good, "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class).hasMessageContaining("needs the socket or engine");
        assertThatThrownBy(() -> trust.checkClientTrusted(good, "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class).hasMessage("an MX trust manager checks servers, not clients");
        assertThat(trust.getAcceptedIssuers()).isEmpty();
    }

    @Test
    void aConnectionIsBoundOnceAndCloseUnbindsIt() throws Exception {
        SSLEngine engine = engine();
        int before = trust.boundCount();
        MxHandshake h = trust.bind(engine, MX1, MxTrustManager.Mode.ENFORCE);
        assertThatThrownBy(() -> trust.bind(engine, MX1, MxTrustManager.Mode.REPORT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("this connection is bound already (to mx1.example.com)");
        assertThat(trust.boundCount()).isEqualTo(before + 1);
        h.close();
        h.close();
        assertThat(trust.boundCount()).isEqualTo(before);
        assertThatThrownBy(() -> trust.checkServerTrusted(good, "ECDHE_ECDSA", engine))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    @DisplayName("RFC 8460 §4.3.3: a handshake failing for another reason is validation-failure with a reason code")
    void otherHandshakeFailuresAreValidationFailuresWithAReason() throws Exception {
        try (MxHandshake h = trust.bind(engine(), MX1, MxTrustManager.Mode.ENFORCE)) {
            TlsOutcome alert = h.failed(new SSLHandshakeException("Received fatal alert: handshake_failure"));
            assertThat(alert.resultType()).isEqualTo(ResultType.VALIDATION_FAILURE);
            assertThat(alert.failureReasonCode()).isEqualTo("tls-remote-alert-handshake-failure");
            assertThat(alert.detail()).isEqualTo("the TLS handshake with mx1.example.com failed: "
                    + "SSLHandshakeException: Received fatal alert: handshake_failure");
            assertThat(h.failed(new SSLHandshakeException("No appropriate protocol")).failureReasonCode())
                    .isEqualTo(MxHandshake.REASON_HANDSHAKE_FAILURE);
            assertThat(h.failed(new SocketTimeoutException("Read timed out")).failureReasonCode())
                    .isEqualTo(MxHandshake.REASON_HANDSHAKE_TIMEOUT);
            assertThat(h.failed(new EOFException("SSL peer shut down incorrectly")).failureReasonCode())
                    .isEqualTo(MxHandshake.REASON_HANDSHAKE_IO);
            assertThat(h.failed(new IllegalStateException("\u001b[31mboom")).detail())
                    .isEqualTo("the TLS handshake with mx1.example.com failed: IllegalStateException: \\u001b[31mboom");
        }
    }

    @Test
    void alertNamesBecomeKebabCaseReasonCodes() {
        assertThat(MxHandshake.alertReason("Received fatal alert: protocol_version")).isEqualTo("tls-remote-alert-protocol-version");
        assertThat(MxHandshake.alertReason("Received fatal alert: ")).isEqualTo("tls-handshake-failure");
        assertThat(MxHandshake.alertReason(null)).isEqualTo("tls-handshake-failure");
        assertThat(MxHandshake.alertReason("Received fatal alert: bad\nthing")).isEqualTo("tls-remote-alert-bad");
    }

    @Test
    void aNullOrHoleyChainIsRecordedAsNoCertificate() throws Exception {
        SSLEngine engine = engine();
        try (MxHandshake h = trust.bind(engine, MX1, MxTrustManager.Mode.REPORT)) {
            trust.checkServerTrusted(new X509Certificate[] {good[0], null}, "ECDHE_ECDSA", engine);
            assertThat(h.verdict()).hasValueSatisfying(v -> assertThat(((CertificateVerdict.Invalid) v)
                    .failureReasonCode()).isEqualTo(MxCertificateCheck.REASON_NO_CERTIFICATE));
            assertThat(h.chain()).isEqualTo(List.of());
        }
    }
}
