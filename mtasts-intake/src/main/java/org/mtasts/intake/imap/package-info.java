/**
 * Report e-mails (RFC 8460 §5.3) fetched over IMAP: {@link org.mtasts.intake.imap.ImapSource}.
 * Needs Jakarta Mail and its implementation Eclipse Angus Mail ({@code jakarta.mail}, {@code
 * org.eclipse.angus.mail}) at run time.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.3">RFC 8460 §5.3</a>
 */
package org.mtasts.intake.imap;
