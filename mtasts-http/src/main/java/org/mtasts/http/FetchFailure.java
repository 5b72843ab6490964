package org.mtasts.http;

import org.mtasts.core.ResultType;

/**
 * Why a policy fetch failed before a policy body could be judged (RFC 8461 §3.3), with the TLS-RPT
 * result type it is reported as (RFC 8460 §4.3.2.2) and a stable failure-reason code.
 *
 * <p>Certificate problems of the policy host are {@code sts-webpki-invalid}; everything else that
 * stops a fetch is {@code sts-policy-fetch-error}. A non-200 status is not a failure of this kind
 * but a {@link FetchResult.NotServed}, and a syntax error a {@link FetchResult.Invalid}.
 *
 * <pre>{@code
 * if (result instanceof FetchResult.Failed failed && failed.failure().isWebPki()) {
 *     report(failed.failure().resultType(), failed.failure().code());   // sts-webpki-invalid
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.3.2.2">RFC 8460 §4.3.2.2</a>
 * @since 0.1
 */
public enum FetchFailure {
    /** The policy host's certificate (or one in its chain) has expired (RFC 8461 §3.3). */
    CERTIFICATE_EXPIRED("certificate-expired", ResultType.STS_WEBPKI_INVALID, "RFC 8461 §3.3"),
    /** The policy host's certificate (or one in its chain) is not valid yet (RFC 8461 §3.3). */
    CERTIFICATE_NOT_YET_VALID("certificate-not-yet-valid", ResultType.STS_WEBPKI_INVALID, "RFC 8461 §3.3"),
    /** The chain does not lead to a trusted root (RFC 8461 §3.3). */
    CERTIFICATE_NOT_TRUSTED("certificate-not-trusted", ResultType.STS_WEBPKI_INVALID, "RFC 8461 §3.3"),
    /** No DNS-ID of the certificate matches {@code mta-sts.<domain>} (RFC 8461 §3.3, RFC 6125). */
    CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch", ResultType.STS_WEBPKI_INVALID, "RFC 8461 §3.3"),
    /** Another certificate problem (RFC 8461 §3.3). */
    WEBPKI_INVALID("webpki-invalid", ResultType.STS_WEBPKI_INVALID, "RFC 8461 §3.3"),
    /**
     * The TLS handshake failed for a reason other than the certificate, such as no common protocol
     * version (RFC 8461 §7.2: TLS 1.2 or later).
     */
    TLS_HANDSHAKE("tls-handshake-failed", ResultType.STS_POLICY_FETCH_ERROR, "RFC 8461 §7.2"),
    /** The overall deadline passed: slow DNS, connect, server or body (RFC 8461 §3.3). */
    TIMEOUT("timeout", ResultType.STS_POLICY_FETCH_ERROR, "RFC 8461 §3.3"),
    /** The body is larger than the limit, 64 KiB by default (RFC 8461 §3.3). */
    TOO_LARGE("policy-too-large", ResultType.STS_POLICY_FETCH_ERROR, "RFC 8461 §3.3"),
    /** The media type is missing or not {@code text/plain}, in strict mode (RFC 8461 §3.2). */
    CONTENT_TYPE("content-type-not-text-plain", ResultType.STS_POLICY_FETCH_ERROR, "RFC 8461 §3.2"),
    /** The {@code charset} parameter names a charset this JVM does not support (RFC 8461 §3.2). */
    CHARSET("unsupported-charset", ResultType.STS_POLICY_FETCH_ERROR, "RFC 8461 §3.2"),
    /** The policy host name does not resolve (RFC 8461 §3.3). */
    HOST_NOT_FOUND("policy-host-not-found", ResultType.STS_POLICY_FETCH_ERROR, "RFC 8461 §3.3"),
    /** Every address of the policy host was rejected by the {@link AddressFilter}. */
    ADDRESS_REJECTED("policy-host-address-rejected", ResultType.STS_POLICY_FETCH_ERROR, "RFC 8461 §3.3"),
    /** No TCP connection could be made (RFC 8461 §3.3). */
    CONNECT("connect-failed", ResultType.STS_POLICY_FETCH_ERROR, "RFC 8461 §3.3"),
    /** Another I/O or protocol error, such as a connection reset mid-body (RFC 8461 §3.3). */
    IO("io-error", ResultType.STS_POLICY_FETCH_ERROR, "RFC 8461 §3.3");

    private final String code;
    private final ResultType resultType;
    private final String rule;

    FetchFailure(String code, ResultType resultType, String rule) {
        this.code = code;
        this.resultType = resultType;
        this.rule = rule;
    }

    /** {@return the stable kebab-case failure-reason code, such as {@code certificate-expired}} */
    public String code() {
        return code;
    }

    /** {@return the TLS-RPT result type: {@code sts-webpki-invalid} or {@code sts-policy-fetch-error}} */
    public ResultType resultType() {
        return resultType;
    }

    /** {@return the rule that applies, such as {@code RFC 8461 §3.3}} */
    public String rule() {
        return rule;
    }

    /** {@return whether this is a WebPKI failure of the policy host's certificate} */
    public boolean isWebPki() {
        return resultType == ResultType.STS_WEBPKI_INVALID;
    }
}
