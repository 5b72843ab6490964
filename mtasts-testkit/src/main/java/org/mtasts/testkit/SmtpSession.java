package org.mtasts.testkit;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one client did on a sandbox MX host: the commands it sent, the SNI name of its TLS
 * handshake, whether the handshake succeeded, and the messages it delivered. A snapshot: a session
 * still running is returned as it stands.
 *
 * <pre>{@code
 * SmtpSession s = sandbox.smtpSessions("mx1.shop.example").get(0);
 * assertThat(s.sni()).isEqualTo("mx1.shop.example");          // RFC 8461 §7.1
 * assertThat(s.commands()).containsExactly("EHLO client.test", "STARTTLS", "EHLO client.test", "QUIT");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param host the MX host connected to (by port)
 * @param commands the command lines received, in order (control characters escaped)
 * @param sni the server name sent in the TLS handshake, or null
 * @param tls whether a TLS handshake completed
 * @param tlsProtocol the negotiated protocol, such as {@code TLSv1.3}, or null
 * @param tlsFailure why the handshake failed (the exception's message), or null
 * @param messages the messages received with DATA, dot-unstuffed (chars are bytes)
 * @param closed whether the session has ended
 * @since 0.1
 */
public record SmtpSession(String host, List<String> commands, @Nullable String sni, boolean tls,
        @Nullable String tlsProtocol, @Nullable String tlsFailure, List<String> messages, boolean closed) {

    /**
     * Validates and copies the components.
     *
     * @param host the MX host connected to (by port)
     * @param commands the command lines received, in order (control characters escaped)
     * @param sni the server name sent in the TLS handshake, or null
     * @param tls whether a TLS handshake completed
     * @param tlsProtocol the negotiated protocol, such as {@code TLSv1.3}, or null
     * @param tlsFailure why the handshake failed (the exception's message), or null
     * @param messages the messages received with DATA, dot-unstuffed (chars are bytes)
     * @param closed whether the session has ended
     */
    public SmtpSession {
        Objects.requireNonNull(host, "host");
        commands = List.copyOf(commands);
        messages = List.copyOf(messages);
    }
}
