package org.mtasts.http.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.core.ResultType;
import org.mtasts.http.MailResult;
import org.mtasts.http.ReportMail;
import org.mtasts.testkit.CertificateVariant;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.SmtpHost;
import org.mtasts.testkit.SmtpSession;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyDetails;
import org.mtasts.tlsrpt.PolicyResult;
import org.mtasts.tlsrpt.Summary;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.mail.MessageReadResult;
import org.mtasts.tlsrpt.mail.ReportMessage;
import org.mtasts.tlsrpt.mail.ReportMessageReader;

/** {@link SmtpReportMailer} against the sandbox's SMTP hosts: STARTTLS, the host name check, bytes as they are. */
class SmtpReportMailerTest {
    static MtaStsSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = MtaStsSandbox.builder().domain(DomainSpec.of("relay.test")
                .mx(10, "smtp.relay.test")
                .mx(20, SmtpHost.of("plain.relay.test").withoutStarttls())
                .mx(30, SmtpHost.of("expired.relay.test").withCertificate(CertificateVariant.EXPIRED)))
                .start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static SmtpReportMailer.Builder relay(String host) {
        return SmtpReportMailer.builder(host, 25).addressOverride(sandbox.address(host))
                .trustManager(sandbox.trustManager()).ehloName("mta.example.net")
                .connectTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofSeconds(10));
    }

    static ReportMail mail() {
        TlsReport report = TlsReport.builder().organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
                .reportId("20260101.example.com@mail.example.net").day(LocalDate.of(2026, 1, 1))
                .policy(new PolicyResult(PolicyDetails.noPolicyFound(DomainName.of("example.com")), new Summary(5, 1),
                        List.of(FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED)
                                .receivingMxHostname("mx1.example.com").failedSessionCount(1).build())))
                .build();
        byte[] message = ReportMessage.builder().report(report).from("tlsrpt@mail.example.net").to("tlsrpt@example.com")
                .date(Instant.parse("2026-01-02T01:00:00Z")).build().toBytes();
        // A fake signature header: the mailer must send it as it is.
        byte[] signed = ("DKIM-Signature: v=1; a=rsa-sha256; d=mail.example.net; s=t;\r\n\th=From:To; b=abc\r\n"
                + new String(message, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        return ReportMail.of("tlsrpt@mail.example.net", "tlsrpt@example.com", signed, DomainName.of("example.com"),
                report.reportId());
    }

    SmtpSession lastSession(String host) throws InterruptedException {
        List<SmtpSession> sessions = sandbox.awaitSmtpSessions(host, sandbox.smtpSessions(host).size(), Duration.ofSeconds(10));
        return sessions.get(sessions.size() - 1);
    }

    @Test
    @DisplayName("RFC 8460 §5.3: the report e-mail goes over STARTTLS, with the envelope of the ReportMail, byte for byte")
    void sendsTheMessageAsItIs() throws Exception {
        ReportMail mail = mail();
        MailResult result = relay("smtp.relay.test").build().send(mail);
        assertThat(result.kind()).isEqualTo(MailResult.Kind.ACCEPTED);
        assertThat(result.detail()).startsWith("250 2.0.0");
        SmtpSession s = lastSession("smtp.relay.test");
        assertThat(s.tls()).isTrue();
        assertThat(s.sni()).isEqualTo("smtp.relay.test");
        assertThat(s.commands()).startsWith("EHLO mta.example.net", "STARTTLS", "EHLO mta.example.net");
        assertThat(s.commands()).contains("MAIL FROM:<tlsrpt@mail.example.net>", "RCPT TO:<tlsrpt@example.com>", "DATA");
        assertThat(s.messages()).singleElement().satisfies(m ->
                assertThat(m.getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(mail.message()));
        MessageReadResult read = ReportMessageReader.create().read(s.messages().get(0).getBytes(StandardCharsets.ISO_8859_1));
        assertThat(read.kind()).isEqualTo(MessageReadResult.Kind.RECEIVED);
        assertThat(read.header("DKIM-Signature")).isPresent();
    }

    @Test
    @DisplayName("RFC 3207: without STARTTLS the required mode fails (to retry) and sends nothing; opportunistic sends in clear")
    void starttlsRequiredOrOpportunistic() throws Exception {
        MailResult required = relay("plain.relay.test").build().send(mail());
        assertThat(required.kind()).isEqualTo(MailResult.Kind.FAILED);
        assertThat(required.detail()).containsIgnoringCase("STARTTLS");
        assertThat(lastSession("plain.relay.test").commands()).noneMatch(c -> c.startsWith("MAIL"));

        MailResult opportunistic = relay("plain.relay.test").security(SmtpReportMailer.Security.STARTTLS_OPPORTUNISTIC)
                .build().send(mail());
        assertThat(opportunistic.kind()).isEqualTo(MailResult.Kind.ACCEPTED);
        assertThat(lastSession("plain.relay.test").tls()).isFalse();
    }

    @Test
    @DisplayName("The relay's certificate is checked: expired, or not for the relay's name, fails before MAIL FROM")
    void certificateIsChecked() throws Exception {
        MailResult expired = relay("expired.relay.test").build().send(mail());
        assertThat(expired.kind()).isEqualTo(MailResult.Kind.FAILED);
        assertThat(lastSession("expired.relay.test").commands()).noneMatch(c -> c.startsWith("MAIL"));

        MailResult wrongName = SmtpReportMailer.builder("other.relay.test", 25)
                .addressOverride(sandbox.address("smtp.relay.test")).trustManager(sandbox.trustManager())
                .ehloName("mta.example.net").build().send(mail());
        assertThat(wrongName.kind()).isEqualTo(MailResult.Kind.FAILED);
        assertThat(wrongName.detail()).containsIgnoringCase("certificate");
        assertThat(lastSession("smtp.relay.test").commands()).noneMatch(c -> c.startsWith("MAIL"));

        // The JDK's roots do not know the sandbox CA.
        MailResult untrusted = SmtpReportMailer.builder("smtp.relay.test", 25)
                .addressOverride(sandbox.address("smtp.relay.test")).ehloName("mta.example.net").build().send(mail());
        assertThat(untrusted.kind()).isEqualTo(MailResult.Kind.FAILED);
    }

    @Test
    @DisplayName("A relay that cannot be reached is a failure to retry")
    void unreachableRelay() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        MailResult r = SmtpReportMailer.builder("smtp.relay.test", 25)
                .addressOverride(new InetSocketAddress(InetAddress.getLoopbackAddress(), closed))
                .connectTimeout(Duration.ofSeconds(5)).build().send(mail());
        assertThat(r.kind()).isEqualTo(MailResult.Kind.FAILED);
        assertThat(r.retryable()).isTrue();
    }

    @Test
    @DisplayName("5xx to the recipient or the message is a rejection; 4xx, or a refused sender, is a failure to retry")
    void classifiesTheRelaysReplies() throws Exception {
        InternetAddress to = new InternetAddress("tlsrpt@example.com");
        Address[] none = new Address[0];
        SendFailedException rcpt550 = new SendFailedException("Invalid Addresses",
                new SMTPAddressFailedException(to, "RCPT TO:<tlsrpt@example.com>", 550, "550 5.1.1 no such user"),
                none, none, new Address[] {to});
        assertThat(SmtpReportMailer.classify(rcpt550)).satisfies(r -> {
            assertThat(r.kind()).isEqualTo(MailResult.Kind.REJECTED);
            assertThat(r.detail()).contains("recipient", "550 5.1.1 no such user");
        });
        SendFailedException rcpt451 = new SendFailedException("Invalid Addresses",
                new SMTPAddressFailedException(to, "RCPT TO:<tlsrpt@example.com>", 451, "451 4.3.0 try later"),
                none, new Address[] {to}, none);
        assertThat(SmtpReportMailer.classify(rcpt451).kind()).isEqualTo(MailResult.Kind.FAILED);
        MessagingException data554 = new SMTPSendFailedException(".", 554, "554 5.6.0 message refused", null,
                none, none, none);
        assertThat(SmtpReportMailer.classify(data554)).satisfies(r -> {
            assertThat(r.kind()).isEqualTo(MailResult.Kind.REJECTED);
            assertThat(r.detail()).contains("message");
        });
        MessagingException sender553 = new SMTPSenderFailedException(to, "MAIL FROM:<x>", 553, "553 5.7.1 not yours");
        assertThat(SmtpReportMailer.classify(sender553)).satisfies(r -> {
            assertThat(r.kind()).isEqualTo(MailResult.Kind.FAILED);
            assertThat(r.detail()).contains("sender");
        });
        assertThat(SmtpReportMailer.classify(new MessagingException("Could not connect\nsecond line")).detail())
                .doesNotContain("\n").contains("Could not connect");
    }

    @Test
    @DisplayName("The builder refuses AUTH without required STARTTLS, and bad settings, with precise errors")
    void builderChecks() {
        assertThatIllegalStateException().isThrownBy(() -> SmtpReportMailer.builder("smtp.example.net", 587)
                .authentication("tlsrpt", new char[] {'p'}).security(SmtpReportMailer.Security.STARTTLS_OPPORTUNISTIC)
                .build()).withMessageContaining("in clear");
        assertThatIllegalArgumentException().isThrownBy(() -> SmtpReportMailer.builder("smtp.example.net", 0))
                .withMessageContaining("1..65535");
        assertThatIllegalArgumentException().isThrownBy(() -> SmtpReportMailer.builder("smtp example", 25))
                .withMessageContaining("spaces");
        assertThatIllegalArgumentException().isThrownBy(() -> SmtpReportMailer.builder("smtp.example.net", 25)
                .readTimeout(Duration.ZERO)).withMessageContaining("read timeout");
        assertThatIllegalArgumentException().isThrownBy(() -> SmtpReportMailer.builder("smtp.example.net", 25)
                .addressOverride(InetSocketAddress.createUnresolved("x", 25))).withMessageContaining("not resolved");
        char[] password = {'s', 'e', 'c', 'r', 'e', 't'};
        SmtpReportMailer m = SmtpReportMailer.builder("smtp.example.net", 587).authentication("tlsrpt", password).build();
        assertThat(m.toString()).isEqualTo("SmtpReportMailer[smtp.example.net:587, starttls_required, auth tlsrpt]")
                .doesNotContain("secret");
    }
}
