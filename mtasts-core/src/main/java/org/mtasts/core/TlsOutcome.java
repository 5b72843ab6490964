package org.mtasts.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What happened in the sender's TLS session with one MX host, as input to {@link
 * DeliveryDecision}: secured with a valid certificate, or failed with the TLS-RPT result type that
 * describes why (RFC 8460 §4.3.1).
 *
 * <p>An outcome that a report could not carry cannot be built: {@code certificate-not-trusted} and
 * {@code validation-failure} need a failure-reason code (RFC 8460 §4.3.1, {@link
 * ResultType#requiresFailureReasonCode()}).
 *
 * <pre>{@code
 * TlsOutcome outcome = TlsOutcome.of(check.check(mx, chain));   // from the certificate check
 * TlsOutcome noTls = TlsOutcome.starttlsNotSupported();          // EHLO did not offer STARTTLS
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param resultType null when the session was secured with a valid certificate, else the result
 *     type to report
 * @param failureReasonCode the failure-reason code, or null (never null for the result types that
 *     require one)
 * @param detail a plain-language explanation (empty when secured)
 * @since 0.1
 */
public record TlsOutcome(@Nullable ResultType resultType, @Nullable String failureReasonCode, String detail) {

    private static final TlsOutcome SECURED = new TlsOutcome(null, null, "");
    private static final TlsOutcome NO_STARTTLS = new TlsOutcome(ResultType.STARTTLS_NOT_SUPPORTED, null,
            "the MX host does not offer STARTTLS");

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if a reason code comes without a result type, or a result
     *     type that requires a reason code comes without one (RFC 8460 §4.3.1)
     *
     * @param resultType null when the session was secured with a valid certificate, else the result
     *     type to report
     * @param failureReasonCode the failure-reason code, or null (never null for the result types that
     *     require one)
     * @param detail a plain-language explanation (empty when secured)
     */
    public TlsOutcome {
        Objects.requireNonNull(detail, "detail");
        checkReason(resultType, failureReasonCode);
    }

    /** The rule shared with {@link DeliveryDecision}: a reason code goes with a result type that needs one. */
    static void checkReason(@Nullable ResultType resultType, @Nullable String failureReasonCode) {
        if (resultType == null && failureReasonCode != null) {
            throw new IllegalArgumentException("a failure-reason code needs a failure result type");
        }
        if (resultType != null && failureReasonCode == null && resultType.requiresFailureReasonCode()) {
            // RFC 8460 §4.3.1: these SHOULD carry a failure-reason-code; a report is never written without.
            throw new IllegalArgumentException(resultType + " needs a failure-reason code (RFC 8460 §4.3.1)");
        }
    }

    /**
     * Returns the outcome of a session secured with a certificate that passed {@link MxCertificateCheck}.
     *
     * @return the secured outcome
     */
    public static TlsOutcome secured() {
        return SECURED;
    }

    /**
     * Returns the outcome for an MX host that did not offer STARTTLS (RFC 8460 §4.3.1).
     *
     * @return the outcome {@code starttls-not-supported}
     */
    public static TlsOutcome starttlsNotSupported() {
        return NO_STARTTLS;
    }

    /**
     * Returns the outcome of a handshake whose certificate was checked.
     *
     * @param verdict the certificate check's verdict
     * @return secured, or failed with the verdict's result type and reason
     */
    public static TlsOutcome of(CertificateVerdict verdict) {
        Objects.requireNonNull(verdict, "verdict");
        if (verdict instanceof CertificateVerdict.Invalid invalid) {
            return new TlsOutcome(invalid.resultType(), invalid.failureReasonCode(), invalid.detail());
        }
        return SECURED;
    }

    /**
     * Returns a failed outcome.
     *
     * @param resultType the TLS-RPT result type
     * @param failureReasonCode a failure-reason code; required for {@code certificate-not-trusted}
     *     and {@code validation-failure}
     * @param detail what happened
     * @return the outcome
     * @throws IllegalArgumentException if the result type requires a reason code and none is given
     */
    public static TlsOutcome failed(ResultType resultType, @Nullable String failureReasonCode, String detail) {
        return new TlsOutcome(Objects.requireNonNull(resultType, "resultType"), failureReasonCode, detail);
    }

    /**
     * Returns whether the session was secured with a valid certificate.
     *
     * @return true if nothing failed
     */
    public boolean isSecured() {
        return resultType == null;
    }
}
