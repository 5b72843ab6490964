package org.mtasts.testkit;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One request a sandbox {@link ReportReceiver} received: what an HTTPS report submitter sent
 * (RFC 8460 §5.4), with the body as bytes.
 *
 * <pre>{@code
 * ReceivedRequest r = sandbox.receivedRequests("tlsrpt.shop.example").get(0);
 * assertThat(r.header("Content-Type")).isEqualTo("application/tlsrpt+gzip");
 * byte[] gzippedReport = r.body();                  // read it with mtasts-tlsrpt's TlsReportReader
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param host the receiver that was connected to (by port)
 * @param sni the server name of the TLS handshake, or null
 * @param method the request method
 * @param target the request target, as sent (control characters escaped)
 * @param headers the request headers as {@code Name: value} lines (control characters escaped)
 * @param body the body, at most the receiver's {@code maxBodyBytes} (copied in and out)
 * @param truncated whether the body was longer and was cut
 * @param status the status answered
 * @since 0.1
 */
public record ReceivedRequest(String host, @Nullable String sni, String method, String target, List<String> headers,
        byte[] body, boolean truncated, int status) {

    /**
     * Validates and copies the components.
     *
     * @param host the receiver that was connected to (by port)
     * @param sni the server name of the TLS handshake, or null
     * @param method the request method
     * @param target the request target, as sent (control characters escaped)
     * @param headers the request headers as {@code Name: value} lines (control characters escaped)
     * @param body the body, at most the receiver's {@code maxBodyBytes} (copied in and out)
     * @param truncated whether the body was longer and was cut
     * @param status the status answered
     */
    public ReceivedRequest {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        headers = List.copyOf(headers);
        body = body.clone();
    }

    /** {@return a copy of the body} */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /**
     * Returns the value of the first header with this name (case-insensitive), or null.
     *
     * @param name the header name
     * @return the value
     */
    public @Nullable String header(String name) {
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon == name.length() && h.regionMatches(true, 0, name, 0, colon)) {
                return h.substring(colon + 1).trim();
            }
        }
        return null;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ReceivedRequest r && host.equals(r.host) && Objects.equals(sni, r.sni)
                && method.equals(r.method) && target.equals(r.target) && headers.equals(r.headers)
                && Arrays.equals(body, r.body) && truncated == r.truncated && status == r.status;
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, sni, method, target, headers, Arrays.hashCode(body), truncated, status);
    }

    @Override
    public String toString() {
        return "ReceivedRequest[" + method + " https://" + host + target + ", " + body.length + " bytes"
                + (truncated ? " (cut)" : "") + ", status " + status + "]";
    }
}
