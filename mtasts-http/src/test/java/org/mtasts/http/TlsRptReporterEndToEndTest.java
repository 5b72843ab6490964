package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.mail.SmtpReportMailer;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.MutableClock;
import org.mtasts.testkit.ReceivedRequest;
import org.mtasts.testkit.SmtpSession;
import org.mtasts.tlsrpt.PolicyResult;
import org.mtasts.tlsrpt.ReportAggregator;
import org.mtasts.tlsrpt.ReportFormat;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;
import org.mtasts.tlsrpt.mail.MessageReadResult;
import org.mtasts.tlsrpt.mail.ReportMessageReader;

/**
 * The daily reports end to end on the sandbox: sessions of several policy domains counted in an
 * aggregator, the clock moved past midnight, the reporter looks the TLSRPT records up in the
 * sandbox's DNS (dnsjava), POSTs to a sandbox HTTPS receiver ({@link ReportUploader}) and mails
 * through a sandbox SMTP relay with STARTTLS ({@link SmtpReportMailer}); read back, every count
 * equals the sessions made.
 */
class TlsRptReporterEndToEndTest {
    static final String RECEIVER = "tlsrpt.reports.example";
    static final String FLAKY = "flaky.reports.example";
    static final String RELAY = "smtp.reports.example";

    MtaStsSandbox sandbox;
    DnsjavaResolver dns;
    ReportUploader uploader;
    final List<ReportMail> handedToTheMailer = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("reports.example").reportReceiver(RECEIVER).reportReceiver(FLAKY).mx(10, RELAY))
                .domain(DomainSpec.of("alpha.example").tlsRptRecord("v=TLSRPTv1; rua=https://" + RECEIVER + "/v1/alpha"))
                .domain(DomainSpec.of("beta.example").tlsRptRecord("v=TLSRPTv1; rua=mailto:tlsrpt@reports.example"))
                .domain(DomainSpec.of("gamma.example")
                        .tlsRptRecord("v=TLSRPTv1; rua=mailto:gamma-reports@reports.example,https://" + RECEIVER + "/v1"))
                .domain(DomainSpec.of("delta.example").tlsRptRecord("v=TLSRPTv1; rua=https://" + FLAKY + "/v1"))
                .domain(DomainSpec.of("nothing.example").txt("_smtp._tls.nothing.example", "v=spf1 -all"))
                .start();
        dns = DnsjavaResolver.builder().server(sandbox.dnsAddress()).timeout(Duration.ofSeconds(2)).build();
        uploader = ReportUploader.builder().trustManager(sandbox.trustManager())
                .addressOverride(RECEIVER, sandbox.address(RECEIVER)).addressOverride(FLAKY, sandbox.address(FLAKY))
                .timeout(Duration.ofSeconds(20)).build();
    }

    @AfterEach
    void stop() {
        uploader.close();
        sandbox.close();
        assertThat(sandbox.problems()).isEmpty();
    }

    /** Sessions per policy domain: successes and certificate-expired failures. */
    static final Map<String, int[]> SESSIONS = new TreeMap<>(Map.of(
            "alpha.example", new int[] {7, 2},
            "beta.example", new int[] {3, 1},
            "gamma.example", new int[] {4, 0},
            "delta.example", new int[] {1, 5},
            "nothing.example", new int[] {9, 0}));

    @Test
    @DisplayName("RFC 8460 §4.1, §5.3, §5.4: after midnight every report is POSTed or mailed, and every count equals the "
            + "sessions made")
    void reportsArriveWithTheCountsOfTheSessionsMade() throws Exception {
        MutableClock clock = sandbox.clock();
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        ReportAggregator aggregator = ReportAggregator.builder().organizationName("Example Mail")
                .contactInfo("tlsrpt@mail.example.net").clock(clock).build();
        for (Map.Entry<String, int[]> e : SESSIONS.entrySet()) {
            countOn(aggregator, day, e.getKey(), e.getValue()[0], e.getValue()[1]);
        }
        sandbox.reportReceiverStatus(FLAKY, 503); // the first attempt at delta's endpoint fails

        SmtpReportMailer relay = SmtpReportMailer.builder(RELAY, 25).addressOverride(sandbox.address(RELAY))
                .trustManager(sandbox.trustManager()).ehloName("mta.mail.example.net")
                .connectTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofSeconds(20)).build();
        ReportMailer recording = mail -> {
            handedToTheMailer.add(mail);
            return relay.send(mail);
        };
        ReportMailSigner signer = mail -> ("DKIM-Signature: v=1; a=rsa-sha256; d=mail.example.net; s=tlsrpt;\r\n"
                + "\th=From:To:Subject:TLS-Report-Domain:TLS-Report-Submitter; b=sandbox\r\n"
                + new String(mail.message(), StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        ManualScheduler scheduler = new ManualScheduler();
        try (TlsRptReporter reporter = TlsRptReporter.builder(aggregator).txtResolver(dns).uploader(uploader)
                .mailer(recording).signer(signer).clock(clock).random(new Random(7)).scheduler(scheduler).build()) {
            // The clock moves past midnight, into the window of the day's run; the reporter runs (runNow() is
            // what the daily schedule calls).
            Instant midnight = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            clock.set(midnight.plus(Duration.ofMinutes(42)));
            List<ReportResult> results = reporter.runNow();

            assertThat(aggregator.days()).isEmpty();
            assertThat(TlsRptReporterTest.ofKind(results, ReportResult.Kind.NO_RECORD)).singleElement()
                    .satisfies(r -> assertThat(r.policyDomain()).isEqualTo(DomainName.of("nothing.example")));
            assertThat(TlsRptReporterTest.ofKind(results, ReportResult.Kind.REPORT_DELIVERED))
                    .extracting(r -> r.policyDomain().ascii())
                    .containsExactlyInAnyOrder("alpha.example", "beta.example", "gamma.example");
            assertThat(TlsRptReporterTest.ofKind(results, ReportResult.Kind.FAILED_WILL_RETRY)).singleElement()
                    .satisfies(r -> assertThat(r.detail()).contains("503"));

            // delta's endpoint recovers; the retry 5 minutes later delivers (RFC 8460 §5.5).
            sandbox.reportReceiverStatus(FLAKY, 200);
            clock.set(reporter.nextRetry().orElseThrow());
            assertThat(TlsRptReporterTest.kinds(reporter.retryDueNow())).containsExactly(ReportResult.Kind.DELIVERED,
                    ReportResult.Kind.REPORT_DELIVERED);
            assertThat(reporter.pendingReports()).isZero();
        }

        // HTTPS: alpha and gamma at the receiver, delta at the flaky one (twice), gzip as RFC 8460 §5.4 says.
        List<ReceivedRequest> posts = new ArrayList<>(sandbox.receivedRequests(RECEIVER));
        assertThat(posts).hasSize(2).allSatisfy(p -> {
            assertThat(p.method()).isEqualTo("POST");
            assertThat(p.header("Content-Type")).isEqualTo(ReportFormat.GZIP.mediaType());
            assertThat(p.status()).isEqualTo(200);
        });
        assertThat(sandbox.receivedRequests(FLAKY)).extracting(ReceivedRequest::status).containsExactly(503, 200);
        posts.add(sandbox.receivedRequests(FLAKY).get(1));
        List<TlsReport> received = new ArrayList<>();
        for (ReceivedRequest p : posts) {
            received.add(TlsReportReader.strict().read(p.body()).orElseThrow());
        }
        assertThat(received).extracting(r -> r.policyDomains().get(0))
                .containsExactlyInAnyOrder("alpha.example", "gamma.example", "delta.example");

        // Mail: beta and gamma through the relay, over STARTTLS with the sandbox CA, byte for byte.
        List<SmtpSession> sessions = sandbox.awaitSmtpSessions(RELAY, 2, Duration.ofSeconds(20));
        assertThat(sessions).hasSize(2).allSatisfy(s -> {
            assertThat(s.tls()).isTrue();
            assertThat(s.sni()).isEqualTo(RELAY);
            assertThat(s.commands()).contains("MAIL FROM:<tlsrpt@mail.example.net>");
        });
        List<String> messages = sessions.stream().flatMap(s -> s.messages().stream()).toList();
        assertThat(messages).hasSize(2);
        assertThat(messages).containsExactlyInAnyOrderElementsOf(handedToTheMailer.stream()
                .map(mail -> new String(mail.message(), StandardCharsets.ISO_8859_1)).toList());
        for (String m : messages) {
            assertThat(m).startsWith("DKIM-Signature: v=1;");
            MessageReadResult read = ReportMessageReader.create().read(m.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(read).isInstanceOf(MessageReadResult.Received.class);
            TlsReport report = ((MessageReadResult.Received) read).report();
            assertThat(read.header("TLS-Report-Domain")).contains(report.policyDomains().get(0));
            assertThat(read.header("TLS-Report-Submitter")).contains("mail.example.net");
            assertThat(read.header("TLS-Required")).contains("No");
            received.add(report);
        }
        assertThat(handedToTheMailer).extracting(ReportMail::recipient)
                .containsExactlyInAnyOrder("tlsrpt@reports.example", "gamma-reports@reports.example");

        // Every report read back carries exactly the sessions made (gamma twice: POSTed and mailed).
        assertThat(received).hasSize(5);
        for (TlsReport r : received) {
            String domain = r.policyDomains().get(0);
            int[] made = SESSIONS.get(domain);
            assertThat(r.dateRange().startDay()).as(domain).isEqualTo(day);
            assertThat(r.totalSuccessfulSessionCount()).as(domain).isEqualTo(made[0]);
            assertThat(r.totalFailureSessionCount()).as(domain).isEqualTo(made[1]);
            long details = r.policies().stream().map(PolicyResult::failureDetails).flatMap(List::stream)
                    .mapToLong(d -> d.failedSessionCount()).sum();
            assertThat(details).as(domain).isEqualTo(made[1]);
            assertThat(r.reportId()).isEqualTo(day.toString().replace("-", "") + "." + domain + "@mail.example.net");
        }
    }

    /** Counts sessions at noon of the day (through the fixture's one use of the counting API). */
    static void countOn(ReportAggregator aggregator, LocalDate day, String domain, int successes, int failures) {
        long noon = day.atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        for (int i = 0; i < successes; i++) {
            aggregator.recordAt(ReporterFixture.sts(domain), List.of(), noon);
        }
        for (int i = 0; i < failures; i++) {
            aggregator.recordAt(ReporterFixture.sts(domain), List.of(ReporterFixture.expired(domain)), noon);
        }
    }
}
