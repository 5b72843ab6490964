package org.mtasts.tlsrpt.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ReportUri;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyDetails;
import org.mtasts.tlsrpt.PolicyResult;
import org.mtasts.tlsrpt.ReportFormat;
import org.mtasts.tlsrpt.Summary;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;
import org.mtasts.tlsrpt.TlsReportWriter;

class ReportMessageTest {

    static TlsReport report(String reportId) {
        StsPolicy policy = StsPolicy.builder().mode(PolicyMode.TESTING).mx("mx1.example.net").build();
        return TlsReport.builder().organizationName("Sender Mail").contactInfo("tlsrpt@mail.sender.example")
                .reportId(reportId).day(LocalDate.of(2024, 2, 25))
                .policy(new PolicyResult(PolicyDetails.sts(DomainName.of("example.net"), policy.toText()), new Summary(10, 1),
                        List.of(FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED)
                                .sendingMtaIp("192.0.2.25").receivingMxHostname("mx1.example.net").build())))
                .build();
    }

    static ReportMessage message(TlsReport report) {
        return ReportMessage.builder().report(report).from("TLS reports <tlsrpt-noreply@mail.sender.example>")
                .to("tlsrpt@example.net").uniqueId("001").date(Instant.parse("2024-02-26T02:17:00Z"))
                .messageId("<20240226.001@mail.sender.example>").build();
    }

    private static Message parse(byte[] bytes) throws IOException {
        return new DefaultMessageBuilder().parseMessage(new ByteArrayInputStream(bytes));
    }

    @Test
    @DisplayName("RFC 8460 §5.3: multipart/report; report-type=\"tlsrpt\", text first, the gzip report second")
    void buildsTheReportMessage() throws IOException {
        TlsReport report = report("20240225.example.net@mail.sender.example");
        ReportMessage m = message(report);
        String text = new String(m.toBytes(), StandardCharsets.US_ASCII);
        assertThat(text).contains("\r\n").doesNotContain("\n\n");
        assertThat(text).contains("Content-Type: multipart/report; report-type=\"tlsrpt\";");
        Message parsed = parse(m.toBytes());
        assertThat(parsed.getMimeType()).isEqualTo("multipart/report");
        ContentTypeField ct = (ContentTypeField) parsed.getHeader().getField("Content-Type");
        assertThat(ct.getParameter("report-type")).isEqualTo("tlsrpt");
        Multipart parts = (Multipart) parsed.getBody();
        assertThat(parts.getBodyParts()).hasSize(2);
        Entity human = parts.getBodyParts().get(0);
        assertThat(human.getMimeType()).isEqualTo("text/plain");
        Entity attachment = parts.getBodyParts().get(1);
        assertThat(attachment.getMimeType()).isEqualTo("application/tlsrpt+gzip");
        assertThat(attachment.getDispositionType()).isEqualTo("attachment");
        // RFC 8460 §5.1: the attachment carries the file name.
        assertThat(attachment.getFilename())
                .isEqualTo("mail.sender.example!example.net!1708819200!1708905599!001.json.gz");
        assertThat(attachment.getContentTransferEncoding()).isEqualTo("base64");
        try (InputStream in = ((SingleBody) attachment.getBody()).getInputStream()) {
            assertThat(TlsReportReader.strict().read(in.readAllBytes()).orElseThrow()).isEqualTo(report);
        }
        assertThat(header(parsed, "TLS-Report-Domain")).isEqualTo("example.net");
        assertThat(header(parsed, "TLS-Report-Submitter")).isEqualTo("mail.sender.example");
        assertThat(header(parsed, "TLS-Required")).isEqualTo("No");
        assertThat(header(parsed, "Auto-Submitted")).isEqualTo("auto-generated");
        assertThat(header(parsed, "Message-ID")).isEqualTo("<20240226.001@mail.sender.example>");
        assertThat(header(parsed, "Date")).isEqualTo("Mon, 26 Feb 2024 02:17:00 +0000");
        assertThat(m.submitter()).isEqualTo(DomainName.of("mail.sender.example"));
        assertThat(m.policyDomain()).isEqualTo(DomainName.of("example.net"));
    }

    @Test
    @DisplayName("RFC 8460 §3, RFC 8689 §5: TLS-Required: No, once, in the top-level header and in the signed headers")
    void tlsRequiredNo() throws IOException {
        ReportMessage m = message(report("20240225.example.net@mail.sender.example"));
        Message parsed = parse(m.toBytes());
        // RFC 8460 §3: the report is delivered even when TLS fails; RFC 8689 §5 is how a message says so.
        assertThat(parsed.getHeader().getFields("TLS-Required")).singleElement()
                .satisfies(f -> assertThat(f.getBody()).isEqualTo("No"));
        Multipart parts = (Multipart) parsed.getBody();
        for (Entity part : parts.getBodyParts()) {
            assertThat(part.getHeader().getFields("TLS-Required")).isEmpty();
        }
        assertThat(ReportMessage.HEADERS_TO_SIGN).contains("TLS-Required", "TLS-Report-Domain", "TLS-Report-Submitter");
    }

    @Test
    @DisplayName("RFC 8460 §5.3: the Subject follows tlsrpt-subject: policy domain, submitter, <id-left@id-right>")
    void subjectFollowsTheAbnf() throws IOException {
        ReportMessage m = message(report("20240225.example.net@mail.sender.example"));
        String subject = header(parse(m.toBytes()), "Subject").replaceAll("\r\n", "");
        Matcher match = Pattern.compile("Report\\s+Domain:\\s+(\\S+)\\s+Submitter:\\s+(\\S+)\\s+Report-ID:\\s+"
                + "<([A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+)@([A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+)>").matcher(subject);
        assertThat(match.matches()).as(subject).isTrue();
        assertThat(match.group(1)).isEqualTo("example.net");
        assertThat(match.group(2)).isEqualTo("mail.sender.example");
        assertThat(m.subject()).isEqualTo(subject);
        assertThat(m.reportId()).isEqualTo("<20240225.example.net@mail.sender.example>");
    }

    @Test
    @DisplayName("RFC 8460 §5.3: a free-form report-id becomes a valid <id-left@id-right> in the Subject")
    void freeFormReportIdsAreMadeValid() {
        assertThat(message(report("2022-09-15T00:00:00Z_test.xmox.nl")).reportId())
                .isEqualTo("<2022-09-15T00.00.00Z_test.xmox.nl@mail.sender.example>");
        assertThat(message(report("a b@c@@")).reportId()).isEqualTo("<a.b.c@mail.sender.example>");
        assertThat(message(report("::")).reportId()).isEqualTo("<report@mail.sender.example>");
    }

    @Test
    @DisplayName("RFC 8460 §5.3: a plain JSON attachment is application/tlsrpt+json named .json")
    void jsonAttachment() throws IOException {
        TlsReport report = report("x@y");
        ReportMessage m = ReportMessage.builder().report(report).from("a@mail.sender.example")
                .to(new ReportUri.Mailto("mailto:tlsrpt@example.net", "tlsrpt@example.net"))
                .format(ReportFormat.JSON).build();
        Entity attachment = ((Multipart) parse(m.toBytes()).getBody()).getBodyParts().get(1);
        assertThat(attachment.getMimeType()).isEqualTo("application/tlsrpt+json");
        assertThat(attachment.getFilename()).endsWith("!1708819200!1708905599.json");
        try (InputStream in = ((SingleBody) attachment.getBody()).getInputStream()) {
            assertThat(in.readAllBytes()).isEqualTo(TlsReportWriter.create().toJson(report));
        }
    }

    @Test
    @DisplayName("RFC 8460 §5.3: the message reads back as the same report, without warnings")
    void roundTrip() {
        TlsReport report = report("20240225.example.net@mail.sender.example");
        MessageReadResult r = ReportMessageReader.create().read(message(report).toBytes());
        assertThat(r).isInstanceOf(MessageReadResult.Received.class);
        assertThat(((MessageReadResult.Received) r).report()).isEqualTo(report);
        assertThat(r.warnings()).isEmpty();
        assertThat(r.header("tls-report-submitter")).contains("mail.sender.example");
        MessageReadResult strict = ReportMessageReader.builder().reportReader(TlsReportReader.strict()).build()
                .read(message(report).toBytes());
        assertThat(strict.kind()).isEqualTo(MessageReadResult.Kind.RECEIVED);
    }

    @Test
    @DisplayName("RFC 8460 §3: the headers to DKIM-sign include TLS-Report-Domain and TLS-Report-Submitter")
    void headersToSign() {
        assertThat(ReportMessage.HEADERS_TO_SIGN).contains("From", "Subject", "TLS-Report-Domain",
                "TLS-Report-Submitter");
    }

    @Test
    @DisplayName("RFC 8460 §5.3: the builder refuses what cannot make a valid message")
    void builderValidates() {
        TlsReport twoDomains = new TlsReport("o", report("x").dateRange(), "a@b.example", "x", List.of(
                new PolicyResult(PolicyDetails.noPolicyFound(DomainName.of("a.example")), Summary.EMPTY, List.of()),
                new PolicyResult(PolicyDetails.noPolicyFound(DomainName.of("b.example")), Summary.EMPTY, List.of())));
        assertThatThrownBy(() -> ReportMessage.builder().report(twoDomains)).hasMessageContaining("one policy domain");
        TlsReport noContact = new TlsReport("o", report("x").dateRange(), null, "x", report("x").policies());
        assertThatThrownBy(() -> ReportMessage.builder().report(noContact)).hasMessageContaining("contact-info");
        assertThatThrownBy(() -> ReportMessage.builder().report(report("x")).build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ReportMessage.builder().from("not an address")).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> ReportMessage.builder().to("a@b.example\r\nBcc: c@d.example"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReportMessage.builder().uniqueId("0-1")).hasMessageContaining("RFC 8460 §5.1");
        assertThatThrownBy(() -> ReportMessage.builder().messageId("no-brackets")).hasMessageContaining("Message-ID");
    }

    private static String header(Message m, String name) {
        return m.getHeader().getField(name).getBody().trim();
    }
}
