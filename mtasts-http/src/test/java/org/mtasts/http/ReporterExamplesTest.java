package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.DomainName;
import org.mtasts.core.TxtResolver;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.mail.SmtpReportMailer;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.SmtpSession;
import org.mtasts.tlsrpt.ReportAggregator;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.mail.ReportMessage;

/**
 * The README's "Sending the daily reports" example and the Javadoc examples of the reporter's
 * types, compiled and run against the sandbox. Lines marked "sandbox only" point the example's
 * clients at the sandbox; the rest is as written.
 */
class ReporterExamplesTest {
    static MtaStsSandbox sandbox;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("example.com").tlsRptRecord("v=TLSRPTv1; rua=mailto:tlsrpt@example.com"))
                .domain(DomainSpec.of("example.org").tlsRptRecord("v=TLSRPTv1; rua=https://tlsrpt.example.org/v1")
                        .reportReceiver("tlsrpt.example.org"))
                .domain(DomainSpec.of("mail.example.net").mx(10, "smtp.mail.example.net"))
                .start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /** Stands in for a DKIM library in the examples: makes a (fake) signature header. */
    static final class Dkim {
        String signatureHeader(byte[] message, List<String> headers) {
            return "DKIM-Signature: v=1; a=rsa-sha256; d=mail.example.net; s=tlsrpt; h="
                    + String.join(":", headers).substring(0, 20) + "; b=example\r\n";
        }
    }

    static void count(ReportAggregator aggregator, LocalDate day, String domain, int sessions) {
        long noon = day.atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        for (int i = 0; i < sessions; i++) {
            aggregator.recordAt(ReporterFixture.sts(domain), List.of(), noon);
        }
    }

    @Test
    @DisplayName("README: Sending the daily reports")
    void readmeExample() throws Exception {
        char[] password = "secret".toCharArray();
        Dkim dkim = new Dkim();
        ReportMailSigner dkimSigner = mail -> {
            String header = dkim.signatureHeader(mail.message(), ReportMessage.HEADERS_TO_SIGN);
            return (header + new String(mail.message(), StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        };
        System.Logger log = System.getLogger("example");
        DnsjavaResolver dns = DnsjavaResolver.builder().server(sandbox.dnsAddress()).build();     // sandbox only

        ReportAggregator aggregator = ReportAggregator.builder()              // count every session in it
                .organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
                .clock(sandbox.clock())                                       // sandbox only
                .build();
        ReportMailer mailer = SmtpReportMailer.builder("smtp.mail.example.net", 587)   // or your MTA's queue
                .authentication("tlsrpt", password)
                .addressOverride(sandbox.address("smtp.mail.example.net"))    // sandbox only
                .trustManager(sandbox.trustManager()).ehloName("mta.example.net")   // sandbox only
                .build();                                                     // STARTTLS required
        TlsRptReporter reporter = TlsRptReporter.builder(aggregator)         // thread-safe; share one
                .txtResolver(dns)                                             // DnsjavaResolver.create() outside
                .uploader(ReportUploader.builder().trustManager(sandbox.trustManager())          // sandbox only
                        .addressOverride("tlsrpt.example.org", sandbox.address("tlsrpt.example.org")).build())
                .clock(sandbox.clock())                                       // sandbox only
                .mailer(mailer).signer(dkimSigner)                            // report mail is DKIM-signed
                .stateDirectory(dir.resolve("tlsrpt"))                        // pending reports survive restarts
                .build();                                                     // runs daily after 00:00 UTC
        LocalDate yesterday = LocalDate.now(sandbox.clock()).minusDays(1);
        count(aggregator, yesterday, "example.com", 3);                       // what the MTA counted
        count(aggregator, yesterday, "example.org", 2);
        List<ReportResult> again = reporter.runNow(LocalDate.now(sandbox.clock()).minusDays(1));  // by hand
        reporter.results().forEach(r -> log.log(System.Logger.Level.INFO, r.toString()));        // kept 48 h
        reporter.close();                                                     // waits for deliveries, saves

        assertThat(TlsRptReporterTest.ofKind(again, ReportResult.Kind.REPORT_DELIVERED))
                .extracting(r -> r.policyDomain().ascii()).containsExactlyInAnyOrder("example.com", "example.org");
        assertThat(sandbox.receivedRequests("tlsrpt.example.org")).hasSize(1);
        List<SmtpSession> sessions = sandbox.awaitSmtpSessions("smtp.mail.example.net", 1, Duration.ofSeconds(20));
        assertThat(sessions.get(0).messages()).singleElement()
                .satisfies(m -> assertThat(m).startsWith("DKIM-Signature: v=1;").contains("TLS-Report-Domain: example.com"));
    }

    @Test
    @DisplayName("TlsRptReporter, TlsRptReporter.Builder")
    void reporterExamples() {
        ReporterFixture f = new ReporterFixture();
        ReportAggregator aggregator = f.aggregator;
        TxtResolver dns = f.dns;
        ReportMailer mailer = f.mailer;
        // TlsRptReporter
        TlsRptReporter reporter = TlsRptReporter.builder(aggregator)      // the aggregator the MTA counts in
                .txtResolver(dns)
                .mailer(mailer)                                           // for mailto: destinations
                .stateDirectory(dir.resolve("a"))                         // Path.of("/var/lib/mta/tlsrpt")
                .clock(f.clock).scheduler(f.scheduler)                    // test only
                .build();                                                 // runs every day after 00:00 UTC
        List<ReportResult> yesterday = reporter.runNow(LocalDate.now(f.clock).minusDays(1));  // by hand
        reporter.close();                                                 // at shutdown
        assertThat(yesterday).isEmpty();
        // TlsRptReporter.Builder
        ReportUploader uploader = ReportUploader.builder().build();
        ReportMailSigner dkimSigner = ReportMailSigner.UNSIGNED;
        TlsRptReporter configured = TlsRptReporter.builder(aggregator)
                .txtResolver(dns).uploader(uploader).mailer(mailer).signer(dkimSigner)
                .sendWindow(Duration.ofHours(2)).suppression(Duration.ofDays(3))
                .stateDirectory(dir.resolve("b"))                         // Path.of("/var/lib/mta/tlsrpt")
                .clock(f.clock).scheduler(f.scheduler)                    // test only
                .build();
        assertThat(configured.nextRun().orElseThrow()).isBefore(ReporterFixture.AFTER_MIDNIGHT.plus(Duration.ofHours(2)));
        configured.close();
        uploader.close();
    }

    @Test
    @DisplayName("ReportMailer, MailResult, ReportMail, ReportMailSigner, ReportResult")
    void mailExamples() throws Exception {
        // ReportMailer
        BlockingQueue<ReportMail> outgoing = new LinkedBlockingQueue<>(10_000);   // the MTA's report queue
        ReportMailer mailer = mail -> outgoing.offer(mail)
                ? MailResult.accepted("queued")
                : MailResult.failed("the report queue is full");
        // ReportMail
        TlsReport report = ReporterStateFormatProperties.report(LocalDate.of(2026, 1, 1), DomainName.of("example.com"), 5, 1);
        ReportMessage message = ReportMessage.builder().report(report).from("tlsrpt-noreply@mail.example.net")
                .to("tlsrpt@example.com").date(Instant.parse("2026-01-02T01:00:00Z")).build();
        Path spool = Files.createDirectories(dir.resolve("spool"));
        ReportMail mail = ReportMail.of("tlsrpt-noreply@mail.example.net", "tlsrpt@example.com",
                message.toBytes(), DomainName.of("example.com"), "20260101.example.com@mail.example.net");
        try (OutputStream out = Files.newOutputStream(spool.resolve(mail.reportId() + ".eml"))) {
            mail.writeTo(out);                                 // the bytes as they are: the signature holds
        }
        assertThat(Files.readAllBytes(spool.resolve(mail.reportId() + ".eml"))).isEqualTo(message.toBytes());
        // MailResult
        MailResult result = outgoing.offer(mail) ? MailResult.accepted("queued")
                : MailResult.failed("the report queue is full");     // tried again later
        assertThat(result.accepted()).isTrue();
        assertThat(mailer.send(mail).accepted()).isTrue();
        assertThat(outgoing).hasSize(2);
        // ReportMailSigner
        Dkim dkim = new Dkim();
        ReportMailSigner signer = mail2 -> {
            String header = dkim.signatureHeader(mail2.message(), ReportMessage.HEADERS_TO_SIGN); // "DKIM-Signature: ...\r\n"
            ByteArrayOutputStream signed = new ByteArrayOutputStream(header.length() + mail2.size());
            signed.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
            signed.writeBytes(mail2.message());
            return signed.toByteArray();
        };
        assertThat(new String(signer.sign(mail), StandardCharsets.US_ASCII)).startsWith("DKIM-Signature: v=1;");
        assertThat(ReportMailSigner.UNSIGNED.sign(mail)).isEqualTo(mail.message());
        // ReportResult
        ReporterFixture f = new ReporterFixture();
        f.count(ReporterFixture.DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", "https://reports.example.com/v1");
        f.uploads.always("https://reports.example.com/v1", new UploadResult.Rejected(404, false, "HTTP status 404"));
        List<String> logged = new ArrayList<>();
        System.Logger log = new System.Logger() {
            @Override
            public String getName() {
                return "example";
            }

            @Override
            public boolean isLoggable(Level level) {
                return true;
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
                logged.add(msg);
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
                logged.add(format);
            }
        };
        try (TlsRptReporter reporter = f.builder().build()) {
            reporter.runNow(ReporterFixture.DAY);
            for (ReportResult r : reporter.results()) {
                if (r.kind() == ReportResult.Kind.GAVE_UP || r.kind() == ReportResult.Kind.REJECTED) {
                    log.log(System.Logger.Level.WARNING, r.toString());  // 2026-01-02T01:12:00Z 2026-01-01 example.com https://...
                }
            }
        }
        assertThat(logged).singleElement().satisfies(line -> assertThat(line).startsWith(
                "2026-01-02T00:00:00Z 2026-01-01 example.com https://reports.example.com/v1: rejected (attempt 1): HTTP status 404"));
    }

    @Test
    @DisplayName("SmtpReportMailer, SmtpReportMailer.Builder")
    void smtpMailerExamples() {
        char[] passwordChars = "secret".toCharArray();
        ReportAggregator aggregator = new ReporterFixture().aggregator;
        // SmtpReportMailer
        SmtpReportMailer mailer = SmtpReportMailer.builder("smtp.mail.example.net", 587)
                .authentication("tlsrpt", passwordChars)            // copied; AUTH only over TLS
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        TlsRptReporter reporter = TlsRptReporter.builder(aggregator).mailer(mailer)
                .txtResolver(new ReporterFixture().dns).scheduler(new ManualScheduler())   // test only
                .build();
        reporter.close();
        // SmtpReportMailer.Builder
        SmtpReportMailer local = SmtpReportMailer.builder("localhost", 25)
                .security(SmtpReportMailer.Security.STARTTLS_OPPORTUNISTIC)
                .ehloName("mail.example.net")
                .build();
        assertThat(local.toString()).isEqualTo("SmtpReportMailer[localhost:25, starttls_opportunistic]");
        assertThat(mailer.toString()).contains("auth tlsrpt");
    }
}
