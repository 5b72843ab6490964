package org.mtasts.http;

import java.util.Objects;

/**
 * What a {@link ReportMailer} did with a report e-mail: {@link Kind#ACCEPTED} (taken for
 * delivery), {@link Kind#REJECTED} (refused for good: a 5xx reply to the recipient or the message,
 * an address the mail system cannot use) or {@link Kind#FAILED} (may pass: a 4xx reply, the relay
 * unreachable, a timeout). The {@link TlsRptReporter} retries only failures (RFC 8460 §5.5) and
 * puts a destination that rejected a report on its suppression list.
 *
 * <pre>{@code
 * MailResult result = outgoing.offer(mail) ? MailResult.accepted("queued")
 *         : MailResult.failed("the report queue is full");     // tried again later
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind the outcome
 * @param detail a one-line description, such as the server's reply (escaped when shown)
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.5">RFC 8460 §5.5</a>
 * @since 0.1
 */
public record MailResult(Kind kind, String detail) {

    /** The outcomes, to switch on. */
    public enum Kind {
        /** The mail was taken for delivery. */
        ACCEPTED,
        /** The mail was refused for good; sending it again would not help. */
        REJECTED,
        /** The mail could not be sent now; another attempt later may succeed. */
        FAILED
    }

    /**
     * Validates the components.
     *
     * @param kind the outcome
     * @param detail a one-line description, such as the server's reply (escaped when shown)
     */
    public MailResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * Returns an {@link Kind#ACCEPTED} result.
     *
     * @param detail for instance the server's reply or the queue id
     * @return the result
     */
    public static MailResult accepted(String detail) {
        return new MailResult(Kind.ACCEPTED, detail);
    }

    /**
     * Returns a {@link Kind#REJECTED} result.
     *
     * @param detail why, for instance the server's 5xx reply
     * @return the result
     */
    public static MailResult rejected(String detail) {
        return new MailResult(Kind.REJECTED, detail);
    }

    /**
     * Returns a {@link Kind#FAILED} result.
     *
     * @param detail why, for instance the server's 4xx reply or the connection error
     * @return the result
     */
    public static MailResult failed(String detail) {
        return new MailResult(Kind.FAILED, detail);
    }

    /** {@return whether the mail was accepted} */
    public boolean accepted() {
        return kind == Kind.ACCEPTED;
    }

    /** {@return whether another attempt later makes sense (only for {@link Kind#FAILED})} */
    public boolean retryable() {
        return kind == Kind.FAILED;
    }
}
