package org.mtasts.testkit;

/**
 * A misbehaviour of a sandbox MX host, set with {@link SmtpHost#withFault(SmtpFault)}. An MX host
 * without STARTTLS is {@link SmtpHost#withoutStarttls()}, not a fault.
 *
 * <pre>{@code
 * DomainSpec shop = DomainSpec.of("shop.example")
 *         .mx(10, SmtpHost.of("mx.shop.example").withFault(SmtpFault.STALL_AFTER_EHLO));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public enum SmtpFault {
    /** Answers EHLO, then says nothing more until the client gives up. */
    STALL_AFTER_EHLO,
    /** Advertises STARTTLS but answers it with {@code 454 4.7.0} (RFC 3207 §4). */
    STARTTLS_REFUSED,
    /** Answers STARTTLS with {@code 220}, then closes the connection instead of the handshake. */
    CLOSE_AFTER_STARTTLS
}
