package org.mtasts.http;

import org.mtasts.tlsrpt.mail.ReportMessage;

/**
 * Signs a TLS report e-mail with DKIM before the {@link TlsRptReporter} hands it to the {@link
 * ReportMailer}. RFC 8460 §3: report messages MUST carry a valid DKIM signature of the reporting
 * domain (receivers MUST ignore unsigned ones), MUST NOT use the {@code l=} body length tag, and the
 * key record SHOULD carry {@code s=tlsrpt} (or {@code s=*}); RFC 8460 §5.3: the signature SHOULD
 * cover {@code TLS-Report-Domain} and {@code TLS-Report-Submitter}. Sign at least the headers of
 * {@link ReportMessage#HEADERS_TO_SIGN}, with the domain of the report's {@code contact-info} (the
 * {@code TLS-Report-Submitter}) or a parent of it.
 *
 * <p>The default, {@link #UNSIGNED}, leaves the message as it is: the MTA must then sign it on
 * submission (as most MTAs sign outgoing mail of their own domains), or receivers will discard the
 * reports.
 *
 * <p>Implementations must be safe for concurrent use; they are called on the reporter's executor.
 * A {@link RuntimeException} thrown counts as a failed attempt, retried later.
 *
 * <pre>{@code
 * ReportMailSigner signer = mail -> {
 *     String header = dkim.signatureHeader(mail.message(), ReportMessage.HEADERS_TO_SIGN); // "DKIM-Signature: ...\r\n"
 *     ByteArrayOutputStream signed = new ByteArrayOutputStream(header.length() + mail.size());
 *     signed.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
 *     signed.writeBytes(mail.message());
 *     return signed.toByteArray();
 * };
 * }</pre>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-3">RFC 8460 §3</a>
 * @since 0.1
 */
@FunctionalInterface
public interface ReportMailSigner {

    /** Leaves the message unsigned: the MTA must sign it on submission (RFC 8460 §3). */
    ReportMailSigner UNSIGNED = ReportMail::message;

    /**
     * Signs a report e-mail.
     *
     * @param mail the unsigned message, its envelope and its report
     * @return the signed message: usually a {@code DKIM-Signature} header field followed by the
     *     unchanged message
     */
    byte[] sign(ReportMail mail);
}
