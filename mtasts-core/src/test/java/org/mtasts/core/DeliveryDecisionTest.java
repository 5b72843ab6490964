package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeliveryDecisionTest {

    private static final DomainName LISTED = DomainName.of("mx1.example.com");
    private static final DomainName LISTED_BY_WILDCARD = DomainName.of("a.mail.example.com");
    private static final DomainName NOT_LISTED = DomainName.of("mx.attacker.example");

    private static StsPolicy policy(PolicyMode mode) {
        return StsPolicy.builder().mode(mode).mx("mx1.example.com").mx("*.mail.example.com").build();
    }

    private static final TlsOutcome SECURED = TlsOutcome.secured();
    private static final TlsOutcome NO_STARTTLS = TlsOutcome.starttlsNotSupported();
    private static final TlsOutcome EXPIRED = TlsOutcome.of(new CertificateVerdict.Invalid(
            ResultType.CERTIFICATE_EXPIRED, MxCertificateCheck.REASON_EXPIRED, "certificate expired"));
    private static final TlsOutcome WRONG_HOST = TlsOutcome.of(new CertificateVerdict.Invalid(
            ResultType.CERTIFICATE_HOST_MISMATCH, MxCertificateCheck.REASON_HOST_MISMATCH, "wrong host"));
    private static final TlsOutcome UNTRUSTED = TlsOutcome.of(new CertificateVerdict.Invalid(
            ResultType.CERTIFICATE_NOT_TRUSTED, MxCertificateCheck.REASON_NOT_TRUSTED, "unknown root"));

    static Stream<Arguments> decisions() {
        DeliveryDecision.Verdict deliver = DeliveryDecision.Verdict.DELIVER;
        DeliveryDecision.Verdict report = DeliveryDecision.Verdict.DELIVER_AND_REPORT;
        DeliveryDecision.Verdict refuse = DeliveryDecision.Verdict.REFUSE;
        ResultType vf = ResultType.VALIDATION_FAILURE;
        String mismatch = DeliveryDecision.REASON_MX_MISMATCH;
        return Stream.of(
                arguments("RFC 8461 §5: no policy, MX not listed, no STARTTLS", null, NOT_LISTED, NO_STARTTLS, deliver,
                        null, null),
                arguments("RFC 8461 §5: mode none behaves as no policy", PolicyMode.NONE, NOT_LISTED, EXPIRED, deliver,
                        null, null),
                arguments("RFC 8461 §5: enforce, listed, valid TLS", PolicyMode.ENFORCE, LISTED, SECURED, deliver, null,
                        null),
                arguments("RFC 8461 §4.1: enforce, listed by a wildcard", PolicyMode.ENFORCE, LISTED_BY_WILDCARD,
                        SECURED, deliver, null, null),
                arguments("RFC 8461 §4.1, §5: enforce refuses an MX not in the policy", PolicyMode.ENFORCE, NOT_LISTED,
                        SECURED, refuse, vf, mismatch),
                arguments("RFC 8461 §4.1: the MX pattern is checked before TLS", PolicyMode.ENFORCE, NOT_LISTED,
                        NO_STARTTLS, refuse, vf, mismatch),
                arguments("RFC 8461 §5: enforce refuses an MX without STARTTLS", PolicyMode.ENFORCE, LISTED, NO_STARTTLS,
                        refuse, ResultType.STARTTLS_NOT_SUPPORTED, null),
                arguments("RFC 8461 §4.2, §5: enforce refuses an expired certificate", PolicyMode.ENFORCE, LISTED,
                        EXPIRED, refuse, ResultType.CERTIFICATE_EXPIRED, "certificate-expired"),
                arguments("RFC 8461 §4.2, §5: enforce refuses a wrong-host certificate", PolicyMode.ENFORCE, LISTED,
                        WRONG_HOST, refuse, ResultType.CERTIFICATE_HOST_MISMATCH, "certificate-host-mismatch"),
                arguments("RFC 8461 §5: testing delivers and reports an MX not in the policy", PolicyMode.TESTING,
                        NOT_LISTED, SECURED, report, vf, mismatch),
                arguments("RFC 8461 §5: testing delivers and reports an untrusted certificate", PolicyMode.TESTING,
                        LISTED, UNTRUSTED, report, ResultType.CERTIFICATE_NOT_TRUSTED, "certificate-not-trusted"),
                arguments("RFC 8461 §5: testing delivers and reports no STARTTLS", PolicyMode.TESTING, LISTED,
                        NO_STARTTLS, report, ResultType.STARTTLS_NOT_SUPPORTED, null),
                arguments("RFC 8461 §5: testing, listed, valid TLS", PolicyMode.TESTING, LISTED, SECURED, deliver, null,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void decides(String name, PolicyMode mode, DomainName mx, TlsOutcome tls, DeliveryDecision.Verdict verdict,
            ResultType resultType, String reasonCode) {
        DeliveryDecision d = DeliveryDecision.decide(mode == null ? null : policy(mode), mx, tls);
        assertThat(d.verdict()).isEqualTo(verdict);
        assertThat(d.resultType()).isEqualTo(resultType);
        assertThat(d.failureReasonCode()).isEqualTo(reasonCode);
        assertThat(d.isFailure()).isEqualTo(resultType != null);
        assertThat(d.explanation()).isNotBlank();
    }

    @Test
    @DisplayName("RFC 8461 §4.1: the explanation of a mismatch names the MX host")
    void explanations() {
        assertThat(DeliveryDecision.decide(policy(PolicyMode.ENFORCE), NOT_LISTED, SECURED).explanation())
                .isEqualTo("the MX host mx.attacker.example is not listed in the policy");
        assertThat(DeliveryDecision.decide(null, LISTED, SECURED).explanation()).isEqualTo("no MTA-STS policy applies");
        assertThat(DeliveryDecision.decide(policy(PolicyMode.NONE), LISTED, SECURED).explanation())
                .isEqualTo("the policy's mode is none");
        assertThat(DeliveryDecision.decide(policy(PolicyMode.ENFORCE), LISTED, EXPIRED).explanation())
                .isEqualTo("certificate expired");
    }

    static Stream<Arguments> mayConnect() {
        return Stream.of(
                arguments(null, NOT_LISTED, true, false),
                arguments(PolicyMode.NONE, NOT_LISTED, true, false),
                arguments(PolicyMode.TESTING, NOT_LISTED, true, false),
                arguments(PolicyMode.TESTING, LISTED, true, false),
                arguments(PolicyMode.ENFORCE, NOT_LISTED, false, true),
                arguments(PolicyMode.ENFORCE, LISTED, true, true),
                arguments(PolicyMode.ENFORCE, LISTED_BY_WILDCARD, true, true));
    }

    @ParameterizedTest(name = "RFC 8461 §4.1, §5: mode {0}, MX {1}: mayConnect {2}, requiresTls {3}")
    @MethodSource("mayConnect")
    void beforeConnecting(PolicyMode mode, DomainName mx, boolean mayConnect, boolean requiresTls) {
        StsPolicy p = mode == null ? null : policy(mode);
        assertThat(DeliveryDecision.mayConnect(p, mx)).isEqualTo(mayConnect);
        assertThat(DeliveryDecision.requiresTls(p)).isEqualTo(requiresTls);
    }

    @Test
    @DisplayName("RFC 8461 §5.1: no verdict fails a message permanently; a refusal only skips this MX host")
    void noPermanentFailure() {
        assertThat(DeliveryDecision.Verdict.values()).containsExactly(DeliveryDecision.Verdict.DELIVER,
                DeliveryDecision.Verdict.DELIVER_AND_REPORT, DeliveryDecision.Verdict.REFUSE);
        // Every MX refused under enforce: each refusal is the same temporary REFUSE, never a bounce.
        for (DomainName mx : new DomainName[] {NOT_LISTED, DomainName.of("mx2.attacker.example")}) {
            assertThat(DeliveryDecision.decide(policy(PolicyMode.ENFORCE), mx, SECURED).verdict())
                    .isEqualTo(DeliveryDecision.Verdict.REFUSE);
        }
    }

    @Test
    void validates() {
        assertThatThrownBy(() -> new DeliveryDecision(DeliveryDecision.Verdict.DELIVER, ResultType.CERTIFICATE_EXPIRED,
                null, "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a result type is given exactly when something failed");
        assertThatThrownBy(() -> new DeliveryDecision(DeliveryDecision.Verdict.REFUSE, null, null, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliveryDecision(DeliveryDecision.Verdict.DELIVER, null, "reason", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a failure-reason code needs a failure result type");
        assertThatThrownBy(() -> new DeliveryDecision(null, null, null, "x")).isInstanceOf(NullPointerException.class)
                .hasMessage("verdict");
        assertThatThrownBy(() -> DeliveryDecision.decide(null, null, SECURED)).isInstanceOf(NullPointerException.class)
                .hasMessage("mx");
        assertThatThrownBy(() -> DeliveryDecision.decide(null, LISTED, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("tls");
        assertThatThrownBy(() -> DeliveryDecision.mayConnect(policy(PolicyMode.ENFORCE), null))
                .isInstanceOf(NullPointerException.class).hasMessage("mx");
    }
}
