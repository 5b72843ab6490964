package org.mtasts.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What happened in the sender's TLS session with one MX host, as input to {@link
 * DeliveryDecision}: secured with a valid certificate, or failed with the TLS-RPT result type that
 * describes why (RFC 8460 §4.3.1).
 *
 * <pre>{@code
 * TlsOutcome outcome = TlsOutcome.of(check.check(mx, chain));   // from the certificate check
 * TlsOutcome noTls = TlsOutcome.starttlsNotSupported();          // EHLO did not offer STARTTLS
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param failure null when the session was secured with a valid certificate, else the result type
 * @param reasonCode a failure-reason code, or null
 * @param detail a plain-language explanation (empty when secured)
 */
public record TlsOutcome(@Nullable ResultType failure, @Nullable String reasonCode, String detail) {

    private static final TlsOutcome SECURED = new TlsOutcome(null, null, "");

    /** Validates the components. */
    public TlsOutcome {
        Objects.requireNonNull(detail, "detail");
        if (failure == null && reasonCode != null) {
            throw new IllegalArgumentException("a reason code needs a failure result type");
        }
    }

    /** Returns the outcome of a session secured with a certificate that passed {@link MxCertificateCheck}. */
    public static TlsOutcome secured() {
        return SECURED;
    }

    /** Returns the outcome for an MX host that did not offer STARTTLS. */
    public static TlsOutcome starttlsNotSupported() {
        return new TlsOutcome(ResultType.STARTTLS_NOT_SUPPORTED, null, "the MX host does not offer STARTTLS");
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
            return new TlsOutcome(invalid.resultType(), invalid.reasonCode(), invalid.detail());
        }
        return SECURED;
    }

    /**
     * Returns a failed outcome.
     *
     * @param resultType the TLS-RPT result type
     * @param reasonCode a failure-reason code, or null
     * @param detail what happened
     * @return the outcome
     */
    public static TlsOutcome failed(ResultType resultType, @Nullable String reasonCode, String detail) {
        return new TlsOutcome(Objects.requireNonNull(resultType, "resultType"), reasonCode, detail);
    }

    /** Returns whether the session was secured with a valid certificate. */
    public boolean isSecured() {
        return failure == null;
    }
}
