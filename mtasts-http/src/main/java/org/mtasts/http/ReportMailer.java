package org.mtasts.http;

/**
 * Hands TLS report e-mails (RFC 8460 §5.3) to the mail system: the seam between the {@link
 * TlsRptReporter} and the MTA. An MTA usually implements it by putting the message in its own
 * queue; {@link org.mtasts.http.mail.SmtpReportMailer} submits it to an SMTP relay instead.
 *
 * <p><b>How the MTA must deliver report messages.</b> RFC 8460 §3: a report message is delivered
 * even when TLS fails towards the receiving domain (no MTA-STS or DANE enforcement for it; the
 * message carries {@code TLS-Required: No}, RFC 8689), and the delivery session itself SHOULD NOT
 * be counted in the next report, or reports would perpetuate themselves. Deliver each one to its
 * MX hosts with {@link MtaSts#reportSession} instead of {@link MtaSts#session}: that session never
 * refuses an MX host for TLS and counts nothing.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>send {@link ReportMail#messageStream()} exactly as it is: the message is signed (or will
 *       be signed on submission), and any change breaks the DKIM signature (RFC 8460 §3);</li>
 *   <li>use {@link ReportMail#envelopeSender()} and {@link ReportMail#recipient()} as the SMTP
 *       envelope;</li>
 *   <li>return {@link MailResult#accepted}, {@link MailResult#rejected} (for good) or {@link
 *       MailResult#failed} (try again later); a {@link RuntimeException} thrown is taken as a
 *       failure to retry, with the exception as its detail;</li>
 *   <li>may block (the reporter calls it on its executor, never on a caller's thread), but should
 *       return within minutes;</li>
 *   <li>be safe for concurrent use by many threads.</li>
 * </ul>
 *
 * <pre>{@code
 * BlockingQueue<ReportMail> outgoing = new LinkedBlockingQueue<>(10_000);   // the MTA's report queue
 * ReportMailer mailer = mail -> outgoing.offer(mail)
 *         ? MailResult.accepted("queued")
 *         : MailResult.failed("the report queue is full");
 * }</pre>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-3">RFC 8460 §3</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.3">RFC 8460 §5.3</a>
 * @since 0.1
 */
@FunctionalInterface
public interface ReportMailer {

    /**
     * Submits one report e-mail.
     *
     * @param mail the envelope and the message
     * @return what happened
     */
    MailResult send(ReportMail mail);
}
