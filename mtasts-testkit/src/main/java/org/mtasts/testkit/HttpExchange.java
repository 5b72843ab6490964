package org.mtasts.testkit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request a sandbox policy host received, and the status it answered.
 *
 * <pre>{@code
 * HttpExchange e = sandbox.httpExchanges().get(0);
 * assertThat(e.sni()).isEqualTo("mta-sts.shop.example");          // RFC 8461 §7.1: SNI sent
 * assertThat(e.target()).isEqualTo("/.well-known/mta-sts.txt");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param host the policy host that was connected to (by port)
 * @param tls whether the request came over TLS
 * @param sni the server name the client sent in the TLS handshake, or null (none, or plain HTTP)
 * @param method the request method
 * @param target the request target, as sent (control characters escaped)
 * @param headers the request headers as {@code Name: value} lines (control characters escaped)
 * @param status the status answered, or 0 if no response was sent
 * @since 0.1
 */
public record HttpExchange(String host, boolean tls, @Nullable String sni, String method, String target,
        List<String> headers, int status) {

    /**
     * Validates and copies the components.
     *
     * @param host the policy host that was connected to (by port)
     * @param tls whether the request came over TLS
     * @param sni the server name the client sent in the TLS handshake, or null (none, or plain HTTP)
     * @param method the request method
     * @param target the request target, as sent (control characters escaped)
     * @param headers the request headers as {@code Name: value} lines (control characters escaped)
     * @param status the status answered, or 0 if no response was sent
     */
    public HttpExchange {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        headers = List.copyOf(headers);
    }

    /**
     * Returns the value of the first header with this name (case-insensitive).
     *
     * @param name the header name
     * @return the value, or empty if the request had no such header
     */
    public Optional<String> header(String name) {
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon == name.length() && h.regionMatches(true, 0, name, 0, colon)) {
                return Optional.of(h.substring(colon + 1).trim());
            }
        }
        return Optional.empty();
    }
}
