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
import java.util.ResourceBundle;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.DomainName;
import org.mtasts.core.ReportUri;
import org.mtasts.core.TlsRptRecord;
import org.mtasts.core.TxtResolver;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.mail.SmtpReportMailer;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.ReportReceiver;
import org.mtasts.testkit.SmtpSession;
import org.mtasts.tlsrpt.ReportAggregator;
import org.mtasts.tlsrpt.ReportFormat;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportWriter;
import org.mtasts.tlsrpt.mail.ReportMessage;

/**
 * The README's "Sending the daily reports" example and the Javadoc examples of the reporter's
 * types, compiled and run against the sandbox: each {@code // --- example:} region is the example as
 * written (CONTRIBUTING.md, "Examples"); lines ending in {@code // sandbox only} point the example's
 * clients at the sandbox, move its state off {@code /var/lib}, or keep its result for the
 * assertions after the region.
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
                .domain(DomainSpec.of("example.net")
                        .reportReceiver(ReportReceiver.of("busy.example.net").withStatus(503)))
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

    /** A System.Logger that keeps what it is given. */
    static final class KeptLog implements System.Logger {
        final List<String> lines = new ArrayList<>();

        @Override
        public String getName() {
            return "example";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public synchronized void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(msg);
        }

        @Override
        public synchronized void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(format);
        }
    }

    static void count(ReportAggregator aggregator, LocalDate day, String domain, int sessions) {
        long noon = day.atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        for (int i = 0; i < sessions; i++) {
            aggregator.recordAt(ReporterFixture.sts(domain), List.of(), noon);
        }
    }

    @Test
    void readmeDailyReports() throws Exception {
        char[] password = "secret".toCharArray();
        Dkim dkim = new Dkim();
        ReportMailSigner dkimSigner = mail -> {
            String header = dkim.signatureHeader(mail.message(), ReportMessage.HEADERS_TO_SIGN);
            return (header + new String(mail.message(), StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        };
        KeptLog log = new KeptLog();
        DnsjavaResolver dns = DnsjavaResolver.builder().server(sandbox.dnsAddress()).build();
        // Sessions on the day before and on the day of the test: whichever "yesterday" the example
        // computes (the test may run across midnight UTC) has some.
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        int posts = sandbox.receivedRequests("tlsrpt.example.org").size();
        // The sandbox-only ManualScheduler keeps the daily run from starting by itself: after 00:00 UTC
        // it would take yesterday's reports at once, racing the example's runNow.
        // --- example: README Sending the daily reports
        ReportAggregator aggregator = ReportAggregator.builder()              // count every session in it
                .organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
                .clock(sandbox.clock())                                       // sandbox only
                .build();
        ReportMailer mailer = SmtpReportMailer.builder("smtp.mail.example.net", 587)   // or your MTA's queue
                .authentication("tlsrpt", password)                           // STARTTLS required
                .addressOverride(sandbox.address("smtp.mail.example.net"))    // sandbox only
                .trustManager(sandbox.trustManager()).ehloName("mta.example.net")   // sandbox only
                .build();
        TlsRptReporter reporter = TlsRptReporter.builder(aggregator)         // thread-safe; share one
                .txtResolver(DnsjavaResolver.create())
                .txtResolver(dns)                                             // sandbox only
                .uploader(ReportUploader.builder().trustManager(sandbox.trustManager())          // sandbox only
                        .addressOverride("tlsrpt.example.org", sandbox.address("tlsrpt.example.org")).build())   // sandbox only
                .clock(sandbox.clock()).scheduler(new ManualScheduler())      // sandbox only
                .mailer(mailer).signer(dkimSigner)                            // report mail is DKIM-signed
                .stateDirectory(Path.of("/var/lib/mta/tlsrpt"))               // pending reports survive restarts
                .stateDirectory(dir.resolve("tlsrpt"))                        // sandbox only
                .build();                                                     // runs daily after 00:00 UTC
        for (LocalDate day : List.of(today.minusDays(1), today)) {            // sandbox only
            count(aggregator, day, "example.com", 3);                         // sandbox only
            count(aggregator, day, "example.org", 2);                         // sandbox only
        }                                                                     // sandbox only
        List<ReportResult> again = reporter.runNow(LocalDate.now(ZoneOffset.UTC).minusDays(1));  // by hand
        reporter.results().forEach(r -> log.log(System.Logger.Level.INFO, r.toString()));        // kept 48 h
        reporter.close();                                                     // waits for deliveries, saves
        // ---
        assertThat(TlsRptReporterTest.ofKind(again, ReportResult.Kind.REPORT_DELIVERED))
                .extracting(r -> r.policyDomain().ascii()).containsExactlyInAnyOrder("example.com", "example.org");
        assertThat(log.lines).isNotEmpty();
        assertThat(sandbox.receivedRequests("tlsrpt.example.org")).hasSize(posts + 1);
        List<SmtpSession> sessions = sandbox.awaitSmtpSessions("smtp.mail.example.net", 1, Duration.ofSeconds(20));
        assertThat(sessions.get(0).messages()).singleElement()
                .satisfies(m -> assertThat(m).startsWith("DKIM-Signature: v=1;").contains("TLS-Report-Domain: example.com"));
    }

    @Test
    void tlsRptReporter() {
        ReporterFixture f = new ReporterFixture();
        ReportAggregator aggregator = f.aggregator;
        TxtResolver dns = f.dns;
        ReportMailer mailer = f.mailer;
        // --- example: TlsRptReporter
        TlsRptReporter reporter = TlsRptReporter.builder(aggregator)      // the aggregator the MTA counts in
                .txtResolver(dns)
                .mailer(mailer)                                           // for mailto: destinations
                .stateDirectory(Path.of("/var/lib/mta/tlsrpt"))
                .stateDirectory(dir.resolve("a"))                         // sandbox only
                .scheduler(f.scheduler)                                   // sandbox only
                .build();                                                 // runs every day after 00:00 UTC
        List<ReportResult> yesterday = reporter.runNow(LocalDate.now(ZoneOffset.UTC).minusDays(1));  // by hand
        reporter.close();                                                 // at shutdown
        // ---
        assertThat(yesterday).isEmpty();
        assertThat(Files.isDirectory(dir.resolve("a"))).isTrue();
    }

    @Test
    void tlsRptReporterBuilder() {
        ReporterFixture f = new ReporterFixture();
        ReportAggregator aggregator = f.aggregator;
        TxtResolver dns = f.dns;
        ReportMailer mailer = f.mailer;
        ReportUploader uploader = ReportUploader.builder().build();
        ReportMailSigner dkimSigner = ReportMailSigner.UNSIGNED;
        // --- example: TlsRptReporter.Builder
        TlsRptReporter reporter = TlsRptReporter.builder(aggregator)
                .txtResolver(dns).uploader(uploader).mailer(mailer).signer(dkimSigner)
                .sendWindow(Duration.ofHours(2)).suppression(Duration.ofDays(3))
                .stateDirectory(Path.of("/var/lib/mta/tlsrpt"))
                .stateDirectory(dir.resolve("b"))                         // sandbox only
                .clock(f.clock).scheduler(f.scheduler)                    // sandbox only
                .build();
        // ---
        assertThat(reporter.nextRun().orElseThrow()).isBefore(ReporterFixture.AFTER_MIDNIGHT.plus(Duration.ofHours(2)));
        reporter.close();
        uploader.close();
    }

    @Test
    void reportUploader() {
        TlsRptRecord tlsRptRecord = TlsRptRecord.of("mailto:tlsrpt@example.org", "https://tlsrpt.example.org/v1");
        byte[] gzippedReport = TlsReportWriter.create().toGzip(
                ReporterStateFormatProperties.report(LocalDate.of(2026, 1, 1), DomainName.of("example.org"), 5, 0));
        List<UploadResult> results = new ArrayList<>();
        int before = sandbox.receivedRequests("tlsrpt.example.org").size();
        // --- example: ReportUploader
        ReportUploader uploader = ReportUploader.builder()
                .trustManager(sandbox.trustManager())                                                    // sandbox only
                .addressOverride("tlsrpt.example.org", sandbox.address("tlsrpt.example.org"))            // sandbox only
                .build();
        for (ReportUri uri : tlsRptRecord.rua()) {
            if (uri instanceof ReportUri.Https https) {
                UploadResult r = uploader.upload(https, gzippedReport, ReportFormat.GZIP);
                results.add(r);                                                                          // sandbox only
            }
        }
        // ---
        uploader.close();
        assertThat(results).singleElement().satisfies(r -> assertThat(r.isDelivered()).isTrue());
        assertThat(sandbox.receivedRequests("tlsrpt.example.org")).hasSize(before + 1);
        OkHttpClient appClient = new OkHttpClient();
        configured(appClient);
    }

    private static void configured(OkHttpClient appClient) {
        // --- example: ReportUploader.Builder
        ReportUploader uploader = ReportUploader.builder().client(appClient).timeout(Duration.ofSeconds(30)).build();
        // ---
        // The default address filter keeps reports off loopback: refused before any connection.
        UploadResult r = uploader.upload(ReportUri.Https.class.cast(ReportUri.of("https://127.0.0.1:9/v1")),
                new byte[] {0x1f, (byte) 0x8b}, ReportFormat.GZIP);
        assertThat(r.isDelivered() || r.retryable()).isFalse();
        uploader.close();
    }

    /** Stands in for the MTA's retry queue. */
    static final class RetryQueue {
        final List<String> entries = new ArrayList<>();

        void add(ReportUri.Https endpoint, Instant at) {
            entries.add(endpoint.toUri() + " at " + at);
        }
    }

    private static Instant nextAttemptWithBackoff() {
        return Instant.parse("2026-01-02T00:05:00Z");
    }

    @Test
    void uploadResult() {
        byte[] gzippedReport = {0x1f, (byte) 0x8b};
        ReportUri.Https endpoint = (ReportUri.Https) ReportUri.of("https://busy.example.net/v1");
        RetryQueue retryQueue = new RetryQueue();
        try (ReportUploader uploader = ReportUploader.builder().trustManager(sandbox.trustManager())
                .addressOverride("busy.example.net", sandbox.address("busy.example.net")).build()) {
            // --- example: UploadResult
            UploadResult result = uploader.upload(endpoint, gzippedReport, ReportFormat.GZIP);
            if (!result.isDelivered() && result.retryable()) {
                retryQueue.add(endpoint, nextAttemptWithBackoff());
            }
            // ---
        }
        assertThat(retryQueue.entries).containsExactly("https://busy.example.net/v1 at 2026-01-02T00:05:00Z");
    }

    @Test
    void mailTypes() throws Exception {
        // --- example: ReportMailer
        BlockingQueue<ReportMail> outgoing = new LinkedBlockingQueue<>(10_000);   // the MTA's report queue
        ReportMailer mailer = mail -> outgoing.offer(mail)
                ? MailResult.accepted("queued")
                : MailResult.failed("the report queue is full");
        // ---
        TlsReport report = ReporterStateFormatProperties.report(LocalDate.of(2026, 1, 1), DomainName.of("example.com"), 5, 1);
        ReportMessage message = ReportMessage.builder().report(report).from("tlsrpt-noreply@mail.example.net")
                .to("tlsrpt@example.com").date(Instant.parse("2026-01-02T01:00:00Z")).build();
        Path spool = Files.createDirectories(dir.resolve("spool"));
        // --- example: ReportMail
        ReportMail mail = ReportMail.of("tlsrpt-noreply@mail.example.net", "tlsrpt@example.com",
                message.toBytes(), DomainName.of("example.com"), "20260101.example.com@mail.example.net");
        try (OutputStream out = Files.newOutputStream(spool.resolve(mail.reportId() + ".eml"))) {
            mail.writeTo(out);                                 // the bytes as they are: the signature holds
        }
        // ---
        assertThat(Files.readAllBytes(spool.resolve(mail.reportId() + ".eml"))).isEqualTo(message.toBytes());
        // --- example: MailResult
        MailResult result = outgoing.offer(mail) ? MailResult.accepted("queued")
                : MailResult.failed("the report queue is full");     // tried again later
        // ---
        assertThat(result.accepted()).isTrue();
        assertThat(mailer.send(mail).accepted()).isTrue();
        assertThat(outgoing).hasSize(2);
        assertThat(new String(signer(new Dkim()).sign(mail), StandardCharsets.US_ASCII)).startsWith("DKIM-Signature: v=1;")
                .endsWith(new String(mail.message(), StandardCharsets.US_ASCII));
        assertThat(ReportMailSigner.UNSIGNED.sign(mail)).isEqualTo(mail.message());
    }

    private static ReportMailSigner signer(Dkim dkim) {
        // --- example: ReportMailSigner
        ReportMailSigner signer = mail -> {
            String header = dkim.signatureHeader(mail.message(), ReportMessage.HEADERS_TO_SIGN); // "DKIM-Signature: ...\r\n"
            ByteArrayOutputStream signed = new ByteArrayOutputStream(header.length() + mail.size());
            signed.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
            signed.writeBytes(mail.message());
            return signed.toByteArray();
        };
        // ---
        return signer;
    }

    @Test
    void reportResult() {
        ReporterFixture f = new ReporterFixture();
        f.count(ReporterFixture.DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", "https://reports.example.com/v1");
        f.uploads.always("https://reports.example.com/v1", new UploadResult.Rejected(404, false, "HTTP status 404"));
        KeptLog log = new KeptLog();
        try (TlsRptReporter reporter = f.builder().build()) {
            reporter.runNow(ReporterFixture.DAY);
            // --- example: ReportResult
            for (ReportResult r : reporter.results()) {
                if (r.kind() == ReportResult.Kind.GAVE_UP || r.kind() == ReportResult.Kind.REJECTED) {
                    log.log(System.Logger.Level.WARNING, r.toString());  // 2026-01-02T01:12:00Z 2026-01-01 example.com https://...
                }
            }
            // ---
        }
        assertThat(log.lines).singleElement().satisfies(line -> assertThat(line).startsWith(
                "2026-01-02T00:00:00Z 2026-01-01 example.com https://reports.example.com/v1: rejected (attempt 1): HTTP status 404"));
    }

    @Test
    void smtpReportMailer() {
        char[] passwordChars = "secret".toCharArray();
        ReportAggregator aggregator = new ReporterFixture().aggregator;
        // --- example: SmtpReportMailer
        SmtpReportMailer mailer = SmtpReportMailer.builder("smtp.mail.example.net", 587)
                .authentication("tlsrpt", passwordChars)            // copied; AUTH only over TLS
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        TlsRptReporter reporter = TlsRptReporter.builder(aggregator).mailer(mailer).build();
        // ---
        reporter.close();
        assertThat(mailer.toString()).contains("auth tlsrpt");
        // --- example: SmtpReportMailer.Builder
        SmtpReportMailer local = SmtpReportMailer.builder("localhost", 25)
                .security(SmtpReportMailer.Security.STARTTLS_OPPORTUNISTIC)
                .ehloName("mail.example.net")
                .build();
        // ---
        assertThat(local.toString()).isEqualTo("SmtpReportMailer[localhost:25, starttls_opportunistic]");
    }
}
