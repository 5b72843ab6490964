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
        assertThat(outcome.failure()).isEqualTo(failure);
        assertThat(outcome.reasonCode()).isEqualTo(reason);
        assertThat(outcome.detail()).isEqualTo(detail);
        assertThat(outcome.isSecured()).isEqualTo(failure == null);
    }

    @Test
    @DisplayName("RFC 8460 §4.3.1: an outcome validates its components")
    void validates() {
        assertThatThrownBy(() -> new TlsOutcome(null, "x", "d")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a reason code needs a failure result type");
        assertThatThrownBy(() -> new TlsOutcome(null, null, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("detail");
        assertThatThrownBy(() -> TlsOutcome.failed(null, null, "d")).isInstanceOf(NullPointerException.class)
                .hasMessage("resultType");
        assertThatThrownBy(() -> TlsOutcome.of(null)).isInstanceOf(NullPointerException.class).hasMessage("verdict");
    }
}
