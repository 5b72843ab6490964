package org.mtasts.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.mtasts.core.DomainName;

/**
 * One TLS report e-mail to submit (RFC 8460 §5.3): the envelope, the complete RFC 5322 message as
 * bytes (CRLF line ends, 7-bit, signed if a {@link ReportMailSigner} signed it), and which report
 * it carries. A {@link ReportMailer} sends the bytes exactly as they are: any change breaks the
 * DKIM signature.
 *
 * <pre>{@code
 * ReportMail mail = ReportMail.of("tlsrpt-noreply@mail.example.net", "tlsrpt@example.com",
 *         message.toBytes(), DomainName.of("example.com"), "20260101.example.com@mail.example.net");
 * try (OutputStream out = Files.newOutputStream(spool.resolve(mail.reportId() + ".eml"))) {
 *     mail.writeTo(out);                                 // the bytes as they are: the signature holds
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.3">RFC 8460 §5.3</a>
 * @since 0.1
 */
public final class ReportMail {

    private final String envelopeSender;
    private final String recipient;
    private final byte[] message;
    private final DomainName policyDomain;
    private final String reportId;

    private ReportMail(String envelopeSender, String recipient, byte[] message, DomainName policyDomain,
            String reportId) {
        this.envelopeSender = envelopeSender;
        this.recipient = recipient;
        this.message = message;
        this.policyDomain = policyDomain;
        this.reportId = reportId;
    }

    /**
     * Returns a report e-mail.
     *
     * @param envelopeSender the SMTP {@code MAIL FROM} address, {@code local@domain}
     * @param recipient the SMTP {@code RCPT TO} address: the {@code mailto:} destination of the
     *     {@code rua} (RFC 8460 §3)
     * @param message the RFC 5322 message (copied)
     * @param policyDomain the policy domain the report is about ({@code TLS-Report-Domain})
     * @param reportId the report's {@code report-id}
     * @return the mail
     * @throws IllegalArgumentException if an address is not {@code local@domain} without spaces
     *     and control characters, the message is empty, or the report id is blank
     */
    public static ReportMail of(String envelopeSender, String recipient, byte[] message, DomainName policyDomain,
            String reportId) {
        checkAddress(envelopeSender, "envelopeSender");
        checkAddress(recipient, "recipient");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(reportId, "reportId");
        if (message.length == 0) {
            throw new IllegalArgumentException("the message is empty");
        }
        if (reportId.isBlank()) {
            throw new IllegalArgumentException("the report id is blank");
        }
        return new ReportMail(envelopeSender, recipient, message.clone(), policyDomain, reportId);
    }

    /**
     * Returns a copy with another message, for instance the same message with a DKIM signature.
     *
     * @param message the new message (copied)
     * @return the copy
     */
    public ReportMail withMessage(byte[] message) {
        return of(envelopeSender, recipient, message, policyDomain, reportId);
    }

    static void checkAddress(String address, String what) {
        Objects.requireNonNull(address, what);
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            throw new IllegalArgumentException(what + " '" + Printable.of(address) + "' is not local@domain");
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c <= 0x20 || c == 0x7F || c == '<' || c == '>') {
                // SMTP's MAIL FROM:<...> and RCPT TO:<...> would break on these (RFC 5321 §4.1.2).
                throw new IllegalArgumentException(what + " '" + Printable.of(address) + "' has a character that an "
                        + "SMTP path cannot hold at index " + i);
            }
        }
    }

    /** {@return the SMTP {@code MAIL FROM} address} */
    public String envelopeSender() {
        return envelopeSender;
    }

    /** {@return the SMTP {@code RCPT TO} address} */
    public String recipient() {
        return recipient;
    }

    /** {@return a copy of the message bytes} */
    public byte[] message() {
        return message.clone();
    }

    /** {@return a stream over the message bytes, without copying them} */
    public InputStream messageStream() {
        return new ByteArrayInputStream(message);
    }

    /**
     * Writes the message bytes.
     *
     * @param out the target (not closed)
     * @throws IOException if writing fails
     */
    public void writeTo(OutputStream out) throws IOException {
        out.write(message);
    }

    /** {@return the size of the message in bytes} */
    public int size() {
        return message.length;
    }

    /** {@return the policy domain the report is about} */
    public DomainName policyDomain() {
        return policyDomain;
    }

    /** {@return the report's {@code report-id}} */
    public String reportId() {
        return reportId;
    }

    @Override
    public String toString() {
        return "ReportMail[" + envelopeSender + " -> " + recipient + ", " + message.length + " bytes, report "
                + Printable.of(reportId) + "]";
    }
}
