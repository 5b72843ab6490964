package org.mtasts.testkit;

import java.util.Objects;

/**
 * How a sandbox policy host {@code mta-sts.<domain>} presents itself: its certificate, the length
 * of the chain it sends, and whether it speaks HTTPS at all. What it answers is a {@link
 * PolicyResponse}.
 *
 * <pre>{@code
 * DomainSpec shop = DomainSpec.of("shop.example")
 *         .policy(policyText)
 *         .policyHost(PolicyHost.DEFAULT.withCertificate(CertificateVariant.EXPIRED));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param certificate the certificate variant, for the name {@code mta-sts.<domain>}
 * @param chainLength how many certificates the server sends (see {@link SandboxPki#issue(String,
 *     CertificateVariant, int)})
 * @param https false for a host that serves plain HTTP only: its HTTPS port accepts connections and
 *     closes them at once
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.3">RFC 8461 §3.3</a>
 * @since 0.1
 */
public record PolicyHost(CertificateVariant certificate, int chainLength, boolean https) {

    /** A valid certificate, a chain of two, HTTPS on. */
    public static final PolicyHost DEFAULT = new PolicyHost(CertificateVariant.VALID, 2, true);

    /**
     * Validates the components.
     *
     * @param certificate the certificate variant, for the name {@code mta-sts.<domain>}
     * @param chainLength how many certificates the server sends (see {@link SandboxPki#issue(String,
     *     CertificateVariant, int)})
     * @param https false for a host that serves plain HTTP only: its HTTPS port accepts connections and
     *     closes them at once
     */
    public PolicyHost {
        Objects.requireNonNull(certificate, "certificate");
        if (chainLength < 1 || chainLength > 100) {
            throw new IllegalArgumentException("chain length " + chainLength + " is outside 1..100");
        }
    }

    /**
     * Returns a copy with another certificate variant.
     *
     * @param certificate the variant
     * @return the copy
     */
    public PolicyHost withCertificate(CertificateVariant certificate) {
        return new PolicyHost(certificate, chainLength, https);
    }

    /**
     * Returns a copy that sends a chain of this length.
     *
     * @param chainLength 1 to 100
     * @return the copy
     */
    public PolicyHost withChainLength(int chainLength) {
        return new PolicyHost(certificate, chainLength, https);
    }

    /** {@return a copy that serves plain HTTP only: its HTTPS port closes every connection at once} */
    public PolicyHost withoutHttps() {
        return new PolicyHost(certificate, chainLength, false);
    }
}
