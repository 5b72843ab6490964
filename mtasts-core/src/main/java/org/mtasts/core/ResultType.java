package org.mtasts.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A TLS-RPT {@code result-type} (RFC 8460 §4.3): an open IANA registry, so besides the eleven
 * registered tokens any other token is kept as it was received.
 *
 * <pre>{@code
 * ResultType t = ResultType.of("certificate-expired");   // == ResultType.CERTIFICATE_EXPIRED
 * ResultType future = ResultType.of("some-new-type");    // kept; isRegistered() is false
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.3">RFC 8460 §4.3</a>
 * @since 0.1
 */
public final class ResultType {

    // RFC 8460 §4.3.1: negotiation failures.
    /** The receiving MTA does not offer STARTTLS (RFC 8460 §4.3.1). */
    public static final ResultType STARTTLS_NOT_SUPPORTED = new ResultType("starttls-not-supported", true);
    /** The certificate presented does not match the host (RFC 8460 §4.3.1). */
    public static final ResultType CERTIFICATE_HOST_MISMATCH = new ResultType("certificate-host-mismatch", true);
    /** The certificate has expired (RFC 8460 §4.3.1). */
    public static final ResultType CERTIFICATE_EXPIRED = new ResultType("certificate-expired", true);
    /** The certificate does not chain to a trusted root (RFC 8460 §4.3.1). */
    public static final ResultType CERTIFICATE_NOT_TRUSTED = new ResultType("certificate-not-trusted", true);
    /** Any other failure of the negotiation (RFC 8460 §4.3.1, §4.3.3). */
    public static final ResultType VALIDATION_FAILURE = new ResultType("validation-failure", true);

    // RFC 8460 §4.3.2.1: DANE.
    /** The TLSA record is invalid (RFC 8460 §4.3.2.1). */
    public static final ResultType TLSA_INVALID = new ResultType("tlsa-invalid", true);
    /** DNSSEC validation failed (RFC 8460 §4.3.2.1). */
    public static final ResultType DNSSEC_INVALID = new ResultType("dnssec-invalid", true);
    /** DANE is required but could not be used (RFC 8460 §4.3.2.1). */
    public static final ResultType DANE_REQUIRED = new ResultType("dane-required", true);

    // RFC 8460 §4.3.2.2: MTA-STS.
    /** The policy could not be fetched (RFC 8460 §4.3.2.2). */
    public static final ResultType STS_POLICY_FETCH_ERROR = new ResultType("sts-policy-fetch-error", true);
    /** The policy was fetched but is invalid (RFC 8460 §4.3.2.2). */
    public static final ResultType STS_POLICY_INVALID = new ResultType("sts-policy-invalid", true);
    /** The policy host's certificate failed WebPKI validation (RFC 8460 §4.3.2.2). */
    public static final ResultType STS_WEBPKI_INVALID = new ResultType("sts-webpki-invalid", true);

    private static final List<ResultType> REGISTERED = List.of(STARTTLS_NOT_SUPPORTED,
            CERTIFICATE_HOST_MISMATCH, CERTIFICATE_EXPIRED, CERTIFICATE_NOT_TRUSTED, VALIDATION_FAILURE,
            TLSA_INVALID, DNSSEC_INVALID, DANE_REQUIRED, STS_POLICY_FETCH_ERROR, STS_POLICY_INVALID,
            STS_WEBPKI_INVALID);

    private static final Map<String, ResultType> BY_TOKEN =
            REGISTERED.stream().collect(Collectors.toUnmodifiableMap(ResultType::token, Function.identity()));

    private final String token;
    private final boolean registered;

    private ResultType(String token, boolean registered) {
        this.token = token;
        this.registered = registered;
    }

    /**
     * Returns the result type for a token: the registered constant, or a new value that keeps an
     * unknown token.
     *
     * @param token the {@code result-type} as received (compared exactly)
     * @return the result type
     */
    public static ResultType of(String token) {
        Objects.requireNonNull(token, "token");
        ResultType known = BY_TOKEN.get(token);
        return known != null ? known : new ResultType(token, false);
    }

    /** {@return the eleven registered result types, in the order of RFC 8460 §4.3} */
    public static List<ResultType> registered() {
        return REGISTERED;
    }

    /** {@return the token, such as {@code certificate-expired}} */
    public String token() {
        return token;
    }

    /** {@return whether the token is one of the eleven in the IANA registry} */
    public boolean isRegistered() {
        return registered;
    }

    /**
     * Returns whether a report gives a {@code failure-reason-code} with this result type: RFC 8460
     * §4.3.1 says {@code certificate-not-trusted} and {@code validation-failure} SHOULD come with one,
     * and this library never builds them without ({@link TlsOutcome}, {@link DeliveryDecision} and
     * the report's failure details all refuse them).
     *
     * @return true for {@code certificate-not-trusted} and {@code validation-failure}
     */
    public boolean requiresFailureReasonCode() {
        return equals(CERTIFICATE_NOT_TRUSTED) || equals(VALIDATION_FAILURE);
    }

    /** {@return whether this is one of the MTA-STS policy types ({@code sts-*})} */
    public boolean isStsPolicyFailure() {
        return this == STS_POLICY_FETCH_ERROR || this == STS_POLICY_INVALID || this == STS_WEBPKI_INVALID;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o == this || (o instanceof ResultType other && token.equals(other.token));
    }

    @Override
    public int hashCode() {
        return token.hashCode();
    }

    /** Returns {@link #token()}. */
    @Override
    public String toString() {
        return token;
    }
}
