package org.mtasts.testkit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;

/**
 * A sandbox MX host: an SMTP server on its own loopback port that greets, answers EHLO with or
 * without STARTTLS, runs the TLS handshake with the chosen certificate, takes mail, and records
 * what each client did ({@link SmtpSession}).
 *
 * <pre>{@code
 * DomainSpec shop = DomainSpec.of("shop.example")
 *         .mx(10, SmtpHost.of("mx1.shop.example"))
 *         .mx(20, SmtpHost.of("mx2.shop.example").withCertificate(CertificateVariant.EXPIRED))
 *         .mx(30, SmtpHost.of("mx3.shop.example").withoutStarttls());
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the host name, normalized
 * @param certificate the certificate variant presented after STARTTLS
 * @param chainLength how many certificates the server sends
 * @param starttls whether EHLO advertises STARTTLS (RFC 3207)
 * @param fault a misbehaviour, or null
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-4.2">RFC 8461 §4.2</a>
 * @since 0.1
 */
public record SmtpHost(String name, CertificateVariant certificate, int chainLength, boolean starttls,
        @Nullable SmtpFault fault) {

    /**
     * Validates and normalizes the components.
     *
     * @param name the host name, normalized
     * @param certificate the certificate variant presented after STARTTLS
     * @param chainLength how many certificates the server sends
     * @param starttls whether EHLO advertises STARTTLS (RFC 3207)
     * @param fault a misbehaviour, or null
     */
    public SmtpHost {
        name = DomainName.of(name).ascii();
        Objects.requireNonNull(certificate, "certificate");
        if (chainLength < 1 || chainLength > 100) {
            throw new IllegalArgumentException("chain length " + chainLength + " is outside 1..100");
        }
    }

    /**
     * Returns a well-behaved MX host: STARTTLS, a valid certificate, a chain of two.
     *
     * @param name the host name
     * @return the host
     */
    public static SmtpHost of(String name) {
        return new SmtpHost(name, CertificateVariant.VALID, 2, true, null);
    }

    /**
     * Returns a copy with another certificate variant.
     *
     * @param certificate the variant
     * @return the copy
     */
    public SmtpHost withCertificate(CertificateVariant certificate) {
        return new SmtpHost(name, certificate, chainLength, starttls, fault);
    }

    /**
     * Returns a copy that sends a chain of this length.
     *
     * @param chainLength 1 to 100
     * @return the copy
     */
    public SmtpHost withChainLength(int chainLength) {
        return new SmtpHost(name, certificate, chainLength, starttls, fault);
    }

    /** {@return a copy that does not offer STARTTLS} */
    public SmtpHost withoutStarttls() {
        return new SmtpHost(name, certificate, chainLength, false, fault);
    }

    /**
     * Returns a copy with a fault.
     *
     * @param fault the fault, or null for none
     * @return the copy
     */
    public SmtpHost withFault(@Nullable SmtpFault fault) {
        return new SmtpHost(name, certificate, chainLength, starttls, fault);
    }
}
