/**
 * TLS report e-mail messages (RFC 8460 §5.3): {@link org.mtasts.tlsrpt.mail.ReportMessage} builds
 * the {@code multipart/report; report-type="tlsrpt"} message a sender submits, {@link
 * org.mtasts.tlsrpt.mail.ReportMessageReader} takes a received one apart, taking every fact from the
 * JSON (§5.6). Needs Apache James Mime4j ({@code org.apache.james:apache-mime4j-dom}) at run time;
 * on the module path, also {@code --add-modules apache.mime4j.dom,org.apache.commons.io} (Mime4j is an
 * automatic module and cannot require Commons IO itself), or {@code requires} both in your module.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.3">RFC 8460 §5.3</a>
 */
package org.mtasts.tlsrpt.mail;
