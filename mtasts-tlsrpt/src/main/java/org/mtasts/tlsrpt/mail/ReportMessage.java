package org.mtasts.tlsrpt.mail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.TimeZone;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.dom.field.ParseException;
import org.apache.james.mime4j.field.DefaultFieldParser;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.message.BodyPartBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.message.MultipartBuilder;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawField;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.ReportUri;
import org.mtasts.tlsrpt.DateRange;
import org.mtasts.tlsrpt.ReportFilename;
import org.mtasts.tlsrpt.ReportFormat;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportWriter;

/**
 * A TLS report e-mail message (RFC 8460 §5.3), ready for the mail server to sign and send:
 * {@code multipart/report; report-type="tlsrpt"} with a human-readable first part and the report as
 * an {@code application/tlsrpt+gzip} attachment named as §5.1 says, plus the headers {@code
 * TLS-Report-Domain}, {@code TLS-Report-Submitter} (the domain of {@code contact-info}), the §5.3
 * Subject with a {@code <left@right>} Report-ID, {@code TLS-Required: No} (RFC 8689: the report must
 * get through even where TLS fails, RFC 8460 §3) and {@code Auto-Submitted: auto-generated}.
 *
 * <p><b>DKIM.</b> Report messages MUST carry a valid DKIM signature of the reporting domain (RFC
 * 8460 §3), made by the mail server: sign at least {@link #HEADERS_TO_SIGN} (which includes {@code
 * TLS-Report-Domain} and {@code TLS-Report-Submitter}, RFC 8460 §5.3 SHOULD), never use the {@code
 * l=} body length tag (RFC 8460 §3 MUST NOT), and publish the key with {@code s=tlsrpt} or {@code
 * s=*} (RFC 8460 §3 SHOULD).
 *
 * <pre>{@code
 * ReportMessage message = ReportMessage.builder()
 *         .report(report)
 *         .from("tlsrpt-noreply@mail.example.net")
 *         .to(mailto)                                    // a ReportUri.Mailto from the rua
 *         .uniqueId("001")
 *         .build();
 * submit(message.toBytes());                             // CRLF line ends, 7-bit
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.3">RFC 8460 §5.3</a>
 * @since 0.1
 */
public final class ReportMessage {

    /** The headers the DKIM signature should cover (RFC 8460 §3, §5.3). */
    public static final List<String> HEADERS_TO_SIGN = List.of("From", "To", "Subject", "Date", "Message-ID",
            "MIME-Version", "Content-Type", "TLS-Report-Domain", "TLS-Report-Submitter", "TLS-Required",
            "Auto-Submitted");

    /** The {@code report-type} of the {@code multipart/report} (RFC 8460 §6.6). */
    public static final String REPORT_TYPE = "tlsrpt";

    private final byte[] bytes;
    private final String subject;
    private final String reportIdToken;
    private final ReportFilename fileName;

    private ReportMessage(byte[] bytes, String subject, String reportIdToken, ReportFilename fileName) {
        this.bytes = bytes;
        this.subject = subject;
        this.reportIdToken = reportIdToken;
        this.fileName = fileName;
    }

    /** {@return a builder} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the RFC 5322 message: CRLF line ends, 7-bit (the report in base64)} */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /**
     * Writes the message.
     *
     * @param out the target (not closed)
     * @throws IOException if writing fails
     */
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }

    /** {@return the Subject: {@code Report Domain: D Submitter: S Report-ID: <id>} (RFC 8460 §5.3)} */
    public String subject() {
        return subject;
    }

    /** {@return the Subject's Report-ID with its angle brackets} */
    public String reportId() {
        return reportIdToken;
    }

    /** {@return the attachment's file name (RFC 8460 §5.1)} */
    public ReportFilename fileName() {
        return fileName;
    }

    /** {@return the policy domain: {@code TLS-Report-Domain}} */
    public DomainName policyDomain() {
        return fileName.policyDomain();
    }

    /** {@return the submitter: {@code TLS-Report-Submitter}, the domain of {@code contact-info}} */
    public DomainName submitter() {
        return fileName.submitter();
    }

    /**
     * Returns a Report-ID for the Subject: {@code <id-left@id-right>} (RFC 8460 §5.3). A {@code
     * report-id} that already has that form is used as it is (the JSON and the Subject then agree, as
     * mox does); otherwise the characters a {@code dot-atom-text} cannot hold become dots and the
     * submitter is the right side.
     *
     * @param reportId the report's {@code report-id}
     * @param submitter the submitter domain
     * @return the Report-ID with angle brackets
     */
    static String subjectReportId(String reportId, DomainName submitter) {
        int at = reportId.lastIndexOf('@');
        if (at > 0 && isDotAtom(reportId, 0, at) && isDotAtom(reportId, at + 1, reportId.length())) {
            return "<" + reportId + ">";
        }
        StringBuilder left = new StringBuilder(reportId.length());
        for (int i = 0; i < reportId.length(); i++) {
            char c = reportId.charAt(i);
            boolean keep = isAtext(c);
            if (keep) {
                left.append(c);
            } else if (left.length() > 0 && left.charAt(left.length() - 1) != '.') {
                left.append('.');
            }
        }
        while (left.length() > 0 && left.charAt(left.length() - 1) == '.') {
            left.setLength(left.length() - 1);
        }
        if (left.length() == 0) {
            left.append("report");
        }
        return "<" + left + "@" + submitter.ascii() + ">";
    }

    private static boolean isDotAtom(String s, int from, int to) {
        if (from >= to || s.charAt(from) == '.' || s.charAt(to - 1) == '.') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (s.charAt(i - 1) == '.') {
                    return false;
                }
            } else if (!isAtext(c)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5322 §3.2.3 atext. */
    private static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    /**
     * Builds a report message. Setters validate eagerly; the last call wins.
     *
     * <pre>{@code
     * ReportMessage m = ReportMessage.builder().report(report)
     *         .from("tlsrpt@mail.example.net").to("tlsrpt@example.com").build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private @Nullable TlsReport report;
        private @Nullable String from;
        private final List<String> to = new ArrayList<>();
        private @Nullable Instant date;
        private Clock clock = Clock.systemUTC();
        private @Nullable String uniqueId;
        private @Nullable String messageId;
        private ReportFormat format = ReportFormat.GZIP;

        private Builder() {}

        /**
         * Sets the report (required): one policy domain and a {@code contact-info} address.
         *
         * @param report the report
         * @return this builder
         */
        public Builder report(TlsReport report) {
            Objects.requireNonNull(report, "report");
            if (report.submitter().isEmpty()) {
                throw new IllegalArgumentException("the report needs a contact-info address: its domain is the "
                        + "TLS-Report-Submitter (RFC 8460 §5.3)");
            }
            if (report.policyDomains().size() != 1) {
                throw new IllegalArgumentException("a report message is about one policy domain; the report has "
                        + report.policyDomains().size() + " (RFC 8460 §5.3)");
            }
            this.report = report;
            return this;
        }

        /**
         * Sets the From address (required), usually at the submitter domain that signs with DKIM.
         *
         * @param address an RFC 5322 mailbox
         * @return this builder
         */
        public Builder from(String address) {
            this.from = checkMailbox(address, "from");
            return this;
        }

        /**
         * Adds a recipient.
         *
         * @param address an RFC 5322 mailbox
         * @return this builder
         */
        public Builder to(String address) {
            this.to.add(checkMailbox(address, "to"));
            return this;
        }

        /**
         * Adds a recipient from a TLSRPT record's {@code rua} (RFC 8460 §3).
         *
         * @param mailto the {@code mailto:} destination
         * @return this builder
         */
        public Builder to(ReportUri.Mailto mailto) {
            return to(mailto.address());
        }

        /**
         * Sets the Date (default: the clock's now).
         *
         * @param date the date
         * @return this builder
         */
        public Builder date(Instant date) {
            this.date = Objects.requireNonNull(date, "date");
            return this;
        }

        /**
         * Sets the clock for the Date (default {@link Clock#systemUTC()}).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the file name's unique-id (RFC 8460 §5.1), letters and digits (default none).
         *
         * @param id the id
         * @return this builder
         */
        public Builder uniqueId(String id) {
            Objects.requireNonNull(id, "id");
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                    throw new IllegalArgumentException("unique-id must be letters and digits (RFC 8460 §5.1)");
                }
            }
            if (id.isEmpty()) {
                throw new IllegalArgumentException("unique-id must not be empty (RFC 8460 §5.1)");
            }
            this.uniqueId = id;
            return this;
        }

        /**
         * Sets the Message-ID (default: a random one at the submitter domain).
         *
         * @param id {@code <left@right>}
         * @return this builder
         */
        public Builder messageId(String id) {
            Objects.requireNonNull(id, "id");
            if (id.length() < 5 || id.charAt(0) != '<' || id.charAt(id.length() - 1) != '>' || id.indexOf('@') < 0
                    || !isDotAtomMsgId(id)) {
                throw new IllegalArgumentException("Message-ID must look like <left@right> (RFC 5322 §3.6.4)");
            }
            this.messageId = id;
            return this;
        }

        /**
         * Sets the attachment's format (default {@link ReportFormat#GZIP}, the RFC 8460 §5.2 SHOULD).
         *
         * @param format the format
         * @return this builder
         */
        public Builder format(ReportFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /**
         * Builds the message.
         *
         * @return the message
         * @throws IllegalStateException if report, from or a recipient is missing
         */
        public ReportMessage build() {
            if (report == null || from == null || to.isEmpty()) {
                throw new IllegalStateException("report, from and at least one to are required");
            }
            TlsReport r = report;
            ReportFilename fileName = ReportFilename.of(r, format, uniqueId);
            DomainName submitter = fileName.submitter();
            DomainName policyDomain = fileName.policyDomain();
            String reportId = subjectReportId(r.reportId(), submitter);
            // RFC 8460 §5.3: tlsrpt-subject, policy domain first, then the submitter.
            String subject = "Report Domain: " + policyDomain.ascii() + " Submitter: " + submitter.ascii()
                    + " Report-ID: " + reportId;
            byte[] attachment = TlsReportWriter.create().write(r, format);
            try {
                String readable = humanReadable(r, policyDomain, reportId, fileName);
                BodyPartBuilder text = BodyPartBuilder.create()
                        .setBody(readable, "plain", StandardCharsets.UTF_8)
                        .setContentTransferEncoding(isAscii(readable) ? "7bit" : "quoted-printable");
                BodyPartBuilder report = BodyPartBuilder.create()
                        .setBody(attachment, format.mediaType())
                        .setContentTransferEncoding("base64");
                // RFC 8460 §5.3: the attachment is named as §5.1 says (quoted, as Google writes it).
                report.setField(DefaultFieldParser.parse("Content-Disposition: attachment;\r\n filename=\""
                        + fileName + "\""));
                MultipartBuilder multipart = MultipartBuilder.create("report")
                        // RFC 8460 §5.3: multipart/report with report-type "tlsrpt" (RFC 6522).
                        .addContentTypeParameter(new NameValuePair("report-type", REPORT_TYPE))
                        .addBodyPart(text)
                        .addBodyPart(report);
                Message.Builder message = Message.Builder.of()
                        .setFrom(from)
                        .setTo(to.toArray(new String[0]))
                        .setSubject(subject)
                        .setDate(Date.from(date != null ? date : clock.instant()), TimeZone.getTimeZone("UTC"));
                if (messageId != null) {
                    message.setMessageId(messageId);
                } else {
                    message.generateMessageId(submitter.ascii());
                }
                message.addField(new RawField("TLS-Report-Domain", policyDomain.ascii()));
                message.addField(new RawField("TLS-Report-Submitter", submitter.ascii()));
                // RFC 8460 §3: deliver the report even where TLS fails; RFC 8689 TLS-Required: No.
                message.addField(new RawField("TLS-Required", "No"));
                message.addField(new RawField("Auto-Submitted", "auto-generated"));
                message.setBody(multipart.build());
                Message built = message.build();
                ContentTypeField generated = (ContentTypeField) built.getHeader().getField("Content-Type");
                // RFC 8460 §5.3: written as in its example, report-type="tlsrpt" quoted.
                built.getHeader().setField(DefaultFieldParser.parse("Content-Type: multipart/report; report-type=\""
                        + REPORT_TYPE + "\";\r\n boundary=\"" + generated.getBoundary() + "\""));
                ByteArrayOutputStream out = new ByteArrayOutputStream(attachment.length * 2 + 2048);
                new DefaultMessageWriter().writeMessage(built, out);
                return new ReportMessage(out.toByteArray(), subject, reportId, fileName);
            } catch (ParseException e) {
                throw new IllegalArgumentException("invalid address: " + e.getMessage(), e);
            } catch (MimeException e) {
                throw new IllegalStateException("a header we write does not parse: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException("building a message in memory cannot fail", e);
            }
        }

        private static String humanReadable(TlsReport r, DomainName policyDomain, String reportId,
                ReportFilename fileName) {
            DateRange range = r.dateRange();
            return "This is an aggregate SMTP TLS report (RFC 8460) from " + printable(r.organizationName())
                    + "\r\nabout mail sent to " + policyDomain.ascii() + " from " + range.start() + " to " + range.end()
                    + ".\r\n\r\nSuccessful sessions: " + r.totalSuccessfulSessionCount()
                    + "\r\nFailed sessions: " + r.totalFailureSessionCount()
                    + "\r\n\r\nReport-ID: " + reportId
                    + "\r\nThe report is attached as " + fileName + ".\r\n";
        }

        private static boolean isAscii(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) >= 0x80) {
                    return false;
                }
            }
            return true;
        }

        private static String printable(String s) {
            StringBuilder out = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                out.append(Character.isISOControl(c) ? ' ' : c);
            }
            return out.toString();
        }

        private static boolean isDotAtomMsgId(String id) {
            String inner = id.substring(1, id.length() - 1);
            int at = inner.lastIndexOf('@');
            return at > 0 && isDotAtom(inner, 0, at) && isDotAtom(inner, at + 1, inner.length());
        }

        private static String checkMailbox(String address, String what) {
            Objects.requireNonNull(address, what);
            try {
                DefaultAddressParser.DEFAULT.parseMailbox(address);
            } catch (ParseException e) {
                throw new IllegalArgumentException(what + " is not an RFC 5322 mailbox: " + e.getMessage(), e);
            }
            for (int i = 0; i < address.length(); i++) {
                if (address.charAt(i) < 0x20) {
                    throw new IllegalArgumentException(what + " has a control character at index " + i);
                }
            }
            return address;
        }
    }
}
