package org.mtasts.core;

import java.util.Objects;

/**
 * The outcome of {@link MxCertificateCheck}: {@link Valid}, or {@link Invalid} with the TLS-RPT
 * result type and failure-reason code to report (RFC 8460 §4.3.1).
 *
 * <pre>{@code
 * CertificateVerdict v = check.check(mxHost, presentedChain);
 * if (v instanceof CertificateVerdict.Invalid invalid) {
 *     System.out.println(invalid.resultType() + " " + invalid.failureReasonCode() + ": " + invalid.detail());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public sealed interface CertificateVerdict permits CertificateVerdict.Valid, CertificateVerdict.Invalid {

    /** {@return whether the certificate is acceptable for the MX host} */
    boolean isValid();

    /**
     * The chain is trusted, valid now, and names the MX host.
     *
     * @param matchedName the dNSName that matched (such as {@code *.mail.example.com})
     */
    record Valid(String matchedName) implements CertificateVerdict {
        /**
         * Validates the component.
         *
         * @param matchedName the dNSName that matched (such as {@code *.mail.example.com})
         */
        public Valid {
            Objects.requireNonNull(matchedName, "matchedName");
        }

        @Override
        public boolean isValid() {
            return true;
        }
    }

    /**
     * The certificate is not acceptable.
     *
     * @param resultType {@code certificate-expired}, {@code certificate-not-trusted}, {@code
     *     certificate-host-mismatch} or {@code validation-failure}
     * @param failureReasonCode a stable failure-reason code such as {@code certificate-not-yet-valid}
     * @param detail a plain-language explanation
     */
    record Invalid(ResultType resultType, String failureReasonCode, String detail) implements CertificateVerdict {
        /**
         * Validates the components.
         *
         * @param resultType {@code certificate-expired}, {@code certificate-not-trusted}, {@code
         *     certificate-host-mismatch} or {@code validation-failure}
         * @param failureReasonCode a stable failure-reason code such as {@code certificate-not-yet-valid}
         * @param detail a plain-language explanation
         */
        public Invalid {
            Objects.requireNonNull(resultType, "resultType");
            Objects.requireNonNull(failureReasonCode, "failureReasonCode");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public boolean isValid() {
            return false;
        }
    }
}
