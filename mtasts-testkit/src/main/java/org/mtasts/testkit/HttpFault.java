package org.mtasts.testkit;

/**
 * A misbehaviour of a policy host at the HTTP level, set with {@link
 * PolicyResponse#withFault(HttpFault)}. Slow bodies are set with {@link PolicyResponse#withDrip}.
 *
 * <pre>{@code
 * DomainSpec shop = DomainSpec.of("shop.example").policyResponse(
 *         PolicyResponse.ok(policyText).withFault(HttpFault.STALL_AFTER_HEADERS));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public enum HttpFault {
    /** Reads the request, then closes the connection without a response. */
    CLOSE_WITHOUT_RESPONSE,
    /** Sends the status line and headers, then nothing until the client gives up. */
    STALL_AFTER_HEADERS,
    /** Sends the headers and half the body, then resets the TCP connection (RST). */
    RESET_MID_BODY,
    /** Sends the headers and a chunked body that never ends, as fast as the client reads. */
    ENDLESS_BODY
}
