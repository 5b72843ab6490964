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

class TlsOutcomeTest {

    static Stream<Arguments> outcomes() {
        return Stream.of(
                arguments("secured", TlsOutcome.secured(), null, null, ""),
                arguments("valid certificate", TlsOutcome.of(new CertificateVerdict.Valid("mx.example.com")), null, null,
                        ""),
                arguments("no STARTTLS", TlsOutcome.starttlsNotSupported(), ResultType.STARTTLS_NOT_SUPPORTED, null,
                        "the MX host does not offer STARTTLS"),
                arguments("expired certificate", TlsOutcome.of(new CertificateVerdict.Invalid(
                                ResultType.CERTIFICATE_EXPIRED, MxCertificateCheck.REASON_EXPIRED, "expired at x")),
                        ResultType.CERTIFICATE_EXPIRED, "certificate-expired", "expired at x"),
                arguments("other failure", TlsOutcome.failed(ResultType.VALIDATION_FAILURE, "tls-remote-alert-70",
                        "protocol version"), ResultType.VALIDATION_FAILURE, "tls-remote-alert-70", "protocol version"));
    }

    @ParameterizedTest(name = "RFC 8460 §4.3.1: {0}")
    @MethodSource("outcomes")
    void outcomesCarryTheResultTypeToReport(String name, TlsOutcome outcome, ResultType failure, String reason,
            String detail) {
        assertThat(outcome.resultType()).isEqualTo(failure);
        assertThat(outcome.failureReasonCode()).isEqualTo(reason);
        assertThat(outcome.detail()).isEqualTo(detail);
        assertThat(outcome.isSecured()).isEqualTo(failure == null);
    }

    @Test
    @DisplayName("RFC 8460 §4.3.1: an outcome validates its components")
    void validates() {
        assertThatThrownBy(() -> new TlsOutcome(null, "x", "d")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a failure-reason code needs a failure result type");
        assertThatThrownBy(() -> new TlsOutcome(null, null, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("detail");
        assertThatThrownBy(() -> TlsOutcome.failed(null, null, "d")).isInstanceOf(NullPointerException.class)
                .hasMessage("resultType");
        assertThatThrownBy(() -> TlsOutcome.of(null)).isInstanceOf(NullPointerException.class).hasMessage("verdict");
    }

    static Stream<Arguments> typesThatNeedAReason() {
        return Stream.of(arguments(ResultType.VALIDATION_FAILURE), arguments(ResultType.CERTIFICATE_NOT_TRUSTED));
    }

    @ParameterizedTest(name = "RFC 8460 §4.3.1: {0} without a failure-reason code cannot be built")
    @MethodSource("typesThatNeedAReason")
    void refusesWhatAReportCouldNotCarry(ResultType type) {
        // Issue 13, point 6: core accepted what tlsrpt's FailureDetails.Builder then rejected on a
        // normal delivery path; now the outcome itself refuses, at once and with the rule.
        assertThatThrownBy(() -> TlsOutcome.failed(type, null, "handshake failed"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(type + " needs a failure-reason code (RFC 8460 §4.3.1)");
        assertThatThrownBy(() -> new DeliveryDecision(DeliveryDecision.Verdict.REFUSE, type, null, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(type + " needs a failure-reason code (RFC 8460 §4.3.1)");
        assertThat(type.requiresFailureReasonCode()).isTrue();
        assertThat(TlsOutcome.failed(type, "tls-handshake-failure", "d").failureReasonCode())
                .isEqualTo("tls-handshake-failure");
    }

    @Test
    @DisplayName("RFC 8460 §4.3.1: the other result types may come without a reason code")
    void otherTypesNeedNoReason() {
        for (ResultType t : ResultType.registered()) {
            if (!t.equals(ResultType.VALIDATION_FAILURE) && !t.equals(ResultType.CERTIFICATE_NOT_TRUSTED)) {
                assertThat(t.requiresFailureReasonCode()).as(t.token()).isFalse();
                assertThat(TlsOutcome.failed(t, null, "d").isSecured()).isFalse();
            }
        }
    }
}
