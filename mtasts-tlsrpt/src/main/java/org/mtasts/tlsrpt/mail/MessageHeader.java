package org.mtasts.tlsrpt.mail;

import java.util.Objects;

/**
 * One header field of a received report message, unfolded, with RFC 2047 encoded words decoded:
 * what the caller compares with its DKIM verification result (RFC 8460 §3: only reports signed by
 * the reporting domain count).
 *
 * <pre>{@code
 * for (MessageHeader h : received.headers()) {
 *     if (h.name().equalsIgnoreCase("DKIM-Signature")) {
 *         System.out.println("signed: " + h.value());      // verify it with your DKIM library
 *     }
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the field name as written
 * @param value the field body, unfolded and decoded (may contain any character the sender wrote)
 * @since 0.1
 */
public record MessageHeader(String name, String value) {

    /**
     * Checks the components.
     *
     * @param name the field name as written
     * @param value the field body, unfolded and decoded (may contain any character the sender wrote)
     */
    public MessageHeader {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
