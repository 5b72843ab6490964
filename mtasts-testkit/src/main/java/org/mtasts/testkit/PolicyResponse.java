package org.mtasts.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a sandbox policy host answers to {@code GET /.well-known/mta-sts.txt}: status, headers,
 * body, how the body is framed and paced, and faults. Other paths get 404.
 *
 * <p>Start from a factory ({@link #ok(String)}, {@link #status(int)}, {@link #redirect(int,
 * String)}, {@link #oversized(String, int)}) and derive variants with the {@code with…} methods.
 *
 * <pre>{@code
 * PolicyResponse good = PolicyResponse.ok("version: STSv1\r\nmode: enforce\r\nmx: mx.shop.example\r\nmax_age: 86400\r\n");
 * PolicyResponse html = good.withContentType("text/html");
 * PolicyResponse big = PolicyResponse.oversized(policyText, 70_000).withFraming(PolicyResponse.Framing.CHUNKED);
 * PolicyResponse slow = good.withDrip(4, Duration.ofMillis(50));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.3">RFC 8461 §3.3</a>
 * @since 0.1
 */
public final class PolicyResponse {

    /** The media type policies are served with (RFC 8461 §3.2). */
    public static final String TEXT_PLAIN = "text/plain";

    /** How the end of the body is marked. */
    public enum Framing {
        /** A {@code Content-Length} header. */
        CONTENT_LENGTH,
        /** {@code Transfer-Encoding: chunked}, chunks of at most 8192 bytes (or one per drip tick). */
        CHUNKED,
        /** No length: the server closes the connection after the body. */
        CLOSE_DELIMITED
    }

    private final int status;
    private final @Nullable String contentType;
    private final byte[] body;
    private final Framing framing;
    private final @Nullable String location;
    private final List<String> headers;
    private final int dripBytes;
    private final @Nullable Duration dripInterval;
    private final @Nullable HttpFault fault;

    private PolicyResponse(int status, @Nullable String contentType, byte[] body, Framing framing,
            @Nullable String location, List<String> headers, int dripBytes, @Nullable Duration dripInterval,
            @Nullable HttpFault fault) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("HTTP status " + status + " is outside 100..999");
        }
        this.status = status;
        this.contentType = contentType == null ? null : headerValue("Content-Type", contentType);
        this.body = body;
        this.framing = Objects.requireNonNull(framing, "framing");
        this.location = location == null ? null : headerValue("Location", location);
        this.headers = List.copyOf(headers);
        this.dripBytes = dripBytes;
        this.dripInterval = dripInterval;
        this.fault = fault;
    }

    /**
     * Returns a 200 response with the policy as UTF-8 and {@code Content-Type: text/plain}.
     *
     * @param policy the policy body, exactly as served
     * @return the response
     */
    public static PolicyResponse ok(String policy) {
        return ok(policy.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Returns a 200 response with these exact bytes and {@code Content-Type: text/plain}.
     *
     * @param body the body
     * @return the response
     */
    public static PolicyResponse ok(byte[] body) {
        return new PolicyResponse(200, TEXT_PLAIN, body.clone(), Framing.CONTENT_LENGTH, null, List.of(), 0,
                null, null);
    }

    /**
     * Returns a response with this status and a one-line text body, such as 404 or 500.
     *
     * @param status 100 to 999
     * @return the response
     */
    public static PolicyResponse status(int status) {
        return new PolicyResponse(status, TEXT_PLAIN,
                (status + " " + reason(status) + "\n").getBytes(StandardCharsets.US_ASCII),
                Framing.CONTENT_LENGTH, null, List.of(), 0, null, null);
    }

    /**
     * Returns a redirect (RFC 8461 §3.3: senders must not follow it).
     *
     * @param status a 3xx status, such as 301 or 307
     * @param location the {@code Location} header
     * @return the response
     */
    public static PolicyResponse redirect(int status, String location) {
        if (status < 300 || status > 399) {
            throw new IllegalArgumentException("redirect status " + status + " is not 3xx");
        }
        return status(status).withLocation(location);
    }

    /**
     * Returns a 200 response whose body is the policy followed by extension lines up to exactly
     * {@code totalBytes}, to test the size limit (RFC 8461 §3.3 suggests 64 KiB).
     *
     * @param policy a policy body ending in a line break
     * @param totalBytes the body size, at least the policy's size
     * @return the response
     */
    public static PolicyResponse oversized(String policy, int totalBytes) {
        byte[] head = policy.getBytes(StandardCharsets.UTF_8);
        if (totalBytes < head.length) {
            throw new IllegalArgumentException("size " + totalBytes + " is below the policy's " + head.length + " bytes");
        }
        byte[] body = new byte[totalBytes];
        System.arraycopy(head, 0, body, 0, head.length);
        int at = head.length;
        for (int line = 0; at < totalBytes; line++) {
            // Unique extension names, each line "padNNNNNN: xxxx...\n", the last one cut to fit.
            byte[] prefix = String.format("pad%06d: ", line).getBytes(StandardCharsets.US_ASCII);
            int room = totalBytes - at;
            int lineLength = Math.min(room, 100);
            for (int i = 0; i < lineLength; i++) {
                body[at + i] = i < prefix.length ? prefix[i] : (byte) 'x';
            }
            if (lineLength > prefix.length) {
                body[at + lineLength - 1] = '\n';
            }
            at += lineLength;
        }
        return ok(body);
    }

    /**
     * Returns a copy with another status.
     *
     * @param status 100 to 999
     * @return the copy
     */
    public PolicyResponse withStatus(int status) {
        return new PolicyResponse(status, contentType, body, framing, location, headers, dripBytes, dripInterval, fault);
    }

    /**
     * Returns a copy with another {@code Content-Type}, such as {@code text/html} or {@code
     * text/plain; charset=utf-8}.
     *
     * @param contentType the header value
     * @return the copy
     */
    public PolicyResponse withContentType(String contentType) {
        Objects.requireNonNull(contentType, "contentType");
        return new PolicyResponse(status, contentType, body, framing, location, headers, dripBytes, dripInterval, fault);
    }

    /** {@return a copy without a {@code Content-Type} header} */
    public PolicyResponse withoutContentType() {
        return new PolicyResponse(status, null, body, framing, location, headers, dripBytes, dripInterval, fault);
    }

    /**
     * Returns a copy with another body.
     *
     * @param body the exact bytes
     * @return the copy
     */
    public PolicyResponse withBody(byte[] body) {
        return new PolicyResponse(status, contentType, body.clone(), framing, location, headers, dripBytes,
                dripInterval, fault);
    }

    /**
     * Returns a copy with another body framing.
     *
     * @param framing how the body's end is marked
     * @return the copy
     */
    public PolicyResponse withFraming(Framing framing) {
        return new PolicyResponse(status, contentType, body, framing, location, headers, dripBytes, dripInterval, fault);
    }

    /**
     * Returns a copy with a {@code Location} header.
     *
     * @param location the header value
     * @return the copy
     */
    public PolicyResponse withLocation(String location) {
        Objects.requireNonNull(location, "location");
        return new PolicyResponse(status, contentType, body, framing, location, headers, dripBytes, dripInterval, fault);
    }

    /**
     * Returns a copy with one more header, such as {@code Cache-Control: max-age=60}.
     *
     * @param name the header name
     * @param value the header value
     * @return the copy
     */
    public PolicyResponse withHeader(String name, String value) {
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7F && c != ':')) {
            throw new IllegalArgumentException("'" + DomainSpec.printable(name) + "' is not an HTTP header name");
        }
        List<String> more = new ArrayList<>(headers);
        more.add(name + ": " + headerValue(name, value));
        return new PolicyResponse(status, contentType, body, framing, location, more, dripBytes, dripInterval, fault);
    }

    /**
     * Returns a copy whose body is sent slowly: {@code bytes} bytes every {@code interval} (real
     * time), the headers at once. Paced by the sandbox timer, so a drip never holds a shared thread.
     *
     * @param bytes bytes per tick, at least 1
     * @param interval time between ticks, positive
     * @return the copy
     */
    public PolicyResponse withDrip(int bytes, Duration interval) {
        if (bytes < 1 || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("a drip needs at least 1 byte per positive interval, not "
                    + bytes + " per " + interval);
        }
        return new PolicyResponse(status, contentType, body, framing, location, headers, bytes, interval, fault);
    }

    /**
     * Returns a copy with a fault.
     *
     * @param fault the fault, or null for none
     * @return the copy
     */
    public PolicyResponse withFault(@Nullable HttpFault fault) {
        return new PolicyResponse(status, contentType, body, framing, location, headers, dripBytes, dripInterval, fault);
    }

    /** {@return the status code} */
    public int status() {
        return status;
    }

    /** {@return the {@code Content-Type} header, or empty if none is sent} */
    public Optional<String> contentType() {
        return Optional.ofNullable(contentType);
    }

    /** {@return a copy of the body} */
    public byte[] body() {
        return body.clone();
    }

    int bodyLength() {
        return body.length;
    }

    byte[] bodyUnsafe() {
        return body;
    }

    /** {@return the body framing} */
    public Framing framing() {
        return framing;
    }

    /** {@return the {@code Location} header, or empty if none is sent} */
    public Optional<String> location() {
        return Optional.ofNullable(location);
    }

    /** {@return the extra headers, as {@code Name: value}} */
    public List<String> headers() {
        return headers;
    }

    /** {@return the bytes per drip tick, or 0 if the body is not dripped} */
    public int dripBytes() {
        return dripBytes;
    }

    /** {@return the drip interval, or empty if the body is not dripped} */
    public Optional<Duration> dripInterval() {
        return Optional.ofNullable(dripInterval);
    }

    /** {@return the fault, or empty if the host behaves} */
    public Optional<HttpFault> fault() {
        return Optional.ofNullable(fault);
    }

    static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 201: return "Created";
            case 202: return "Accepted";
            case 204: return "No Content";
            case 301: return "Moved Permanently";
            case 302: return "Found";
            case 303: return "See Other";
            case 304: return "Not Modified";
            case 307: return "Temporary Redirect";
            case 308: return "Permanent Redirect";
            case 400: return "Bad Request";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 411: return "Length Required";
            case 413: return "Content Too Large";
            case 429: return "Too Many Requests";
            case 500: return "Internal Server Error";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            default: return "Status";
        }
    }

    private static String headerValue(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                throw new IllegalArgumentException(name + " value has character U+"
                        + String.format("%04X", (int) c) + " at index " + i + ", not allowed in a header");
            }
        }
        return value;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof PolicyResponse r && status == r.status && Objects.equals(contentType, r.contentType)
                && Arrays.equals(body, r.body) && framing == r.framing && Objects.equals(location, r.location)
                && headers.equals(r.headers) && dripBytes == r.dripBytes
                && Objects.equals(dripInterval, r.dripInterval) && fault == r.fault;
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, contentType, Arrays.hashCode(body), framing, location, headers, dripBytes,
                dripInterval, fault);
    }

    @Override
    public String toString() {
        return "PolicyResponse[" + status + ", " + contentType + ", " + body.length + " bytes, " + framing
                + (location != null ? ", Location " + location : "")
                + (dripInterval != null ? ", drip " + dripBytes + "/" + dripInterval : "")
                + (fault != null ? ", " + fault : "") + "]";
    }
}
