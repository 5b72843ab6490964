package org.mtasts.testkit;

/**
 * What kind of certificate a sandbox host presents: the good one and each way a certificate can
 * be wrong for MTA-STS (RFC 8461 §3.3 for policy hosts, §4.2 for MX hosts).
 *
 * <p>Validity periods are relative to the sandbox clock at the moment the certificate is issued.
 * Clients that check validity against the system time see the intended result only while the
 * sandbox clock is close to it (the default clock starts at the system time).
 *
 * <pre>{@code
 * DomainSpec shop = DomainSpec.of("shop.example")
 *         .mx(10, SmtpHost.of("mx.shop.example").withCertificate(CertificateVariant.EXPIRED));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-4.2">RFC 8461 §4.2</a>
 * @since 0.1
 */
public enum CertificateVariant {
    /** Issued by the sandbox CA for the host name (SAN and CN), valid from a day ago for 800 days. */
    VALID,
    /** Like {@link #VALID}, but its validity ended a day ago (valid from 91 to 1 days ago). */
    EXPIRED,
    /** Like {@link #VALID}, but valid only from tomorrow on. */
    NOT_YET_VALID,
    /**
     * Issued by the sandbox CA for the web site instead of the host: SAN {@code www.<parent>} and
     * {@code <parent>}, where {@code <parent>} is the host without its first label.
     */
    WRONG_HOST,
    /** Issued by the sandbox CA for {@code *.<parent>}: valid for the host by RFC 6125 rules. */
    WILDCARD,
    /** Self-signed (not under the sandbox CA), for the host name: untrusted. */
    SELF_SIGNED,
    /** Issued by the sandbox CA with the host only in the subject CN and no SAN extension. */
    CN_ONLY
}
