/**
 * Submitting TLS report e-mails (RFC 8460 §5.3) to an SMTP relay: {@link
 * org.mtasts.http.mail.SmtpReportMailer}, a {@link org.mtasts.http.ReportMailer} on Eclipse Angus
 * Mail. Optional: it needs {@code jakarta.mail:jakarta.mail-api} and {@code
 * org.eclipse.angus:angus-mail} at run time, which nothing else in {@code mtasts-http} loads.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.3">RFC 8460 §5.3</a>
 */
package org.mtasts.http.mail;
