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

class ResultTypeTest {

    static Stream<Arguments> registered() {
        return Stream.of(
                arguments("RFC 8460 §4.3.1", "starttls-not-supported", ResultType.STARTTLS_NOT_SUPPORTED, false),
                arguments("RFC 8460 §4.3.1", "certificate-host-mismatch", ResultType.CERTIFICATE_HOST_MISMATCH, false),
                arguments("RFC 8460 §4.3.1", "certificate-expired", ResultType.CERTIFICATE_EXPIRED, false),
                arguments("RFC 8460 §4.3.1", "certificate-not-trusted", ResultType.CERTIFICATE_NOT_TRUSTED, false),
                arguments("RFC 8460 §4.3.1", "validation-failure", ResultType.VALIDATION_FAILURE, false),
                arguments("RFC 8460 §4.3.2.1", "tlsa-invalid", ResultType.TLSA_INVALID, false),
                arguments("RFC 8460 §4.3.2.1", "dnssec-invalid", ResultType.DNSSEC_INVALID, false),
                arguments("RFC 8460 §4.3.2.1", "dane-required", ResultType.DANE_REQUIRED, false),
                arguments("RFC 8460 §4.3.2.2", "sts-policy-fetch-error", ResultType.STS_POLICY_FETCH_ERROR, true),
                arguments("RFC 8460 §4.3.2.2", "sts-policy-invalid", ResultType.STS_POLICY_INVALID, true),
                arguments("RFC 8460 §4.3.2.2", "sts-webpki-invalid", ResultType.STS_WEBPKI_INVALID, true));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("registered")
    void registeredTokensGiveTheirConstants(String section, String token, ResultType constant, boolean sts) {
        ResultType t = ResultType.of(token);
        assertThat(t).isSameAs(constant);
        assertThat(t.token()).isEqualTo(token).isEqualTo(t.toString());
        assertThat(t.isRegistered()).isTrue();
        assertThat(t.isStsPolicyFailure()).isEqualTo(sts);
    }

    @Test
    @DisplayName("RFC 8460 §4.3: the eleven registered types, in the order of the RFC")
    void registeredListInRfcOrder() {
        assertThat(ResultType.registered()).extracting(ResultType::token).containsExactly(
                "starttls-not-supported", "certificate-host-mismatch", "certificate-expired",
                "certificate-not-trusted", "validation-failure", "tlsa-invalid", "dnssec-invalid", "dane-required",
                "sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid");
        assertThatThrownBy(() -> ResultType.registered().add(ResultType.of("x")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    @DisplayName("RFC 8460 §4.3: the registry is open; an unknown token is kept exactly as received")
    void unknownTokensAreKept() {
        ResultType future = ResultType.of("some-new-type");
        assertThat(future.token()).isEqualTo("some-new-type");
        assertThat(future.isRegistered()).isFalse();
        assertThat(future.isStsPolicyFailure()).isFalse();
        assertThat(future).isEqualTo(ResultType.of("some-new-type")).hasSameHashCodeAs(ResultType.of("some-new-type"))
                .isNotEqualTo(ResultType.VALIDATION_FAILURE).isNotEqualTo("some-new-type");
        ResultType miscased = ResultType.of("Certificate-Expired");
        assertThat(miscased.isRegistered()).isFalse();
        assertThat(miscased).isNotEqualTo(ResultType.CERTIFICATE_EXPIRED);
        assertThat(ResultType.of("").token()).isEmpty();
        assertThatThrownBy(() -> ResultType.of(null)).isInstanceOf(NullPointerException.class).hasMessage("token");
    }
}
