package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DeliveryDecision;
import org.mtasts.core.DomainName;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.dns.MxAnswer;
import org.mtasts.dns.MxHost;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.ReceivedRequest;
import org.mtasts.testkit.Scenario;
import org.mtasts.testkit.SmtpHost;
import org.mtasts.testkit.SmtpSession;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyResult;
import org.mtasts.tlsrpt.ReportAggregator;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;
import org.mtasts.tlsrpt.mail.MessageReadResult;
import org.mtasts.tlsrpt.mail.ReportMessageReader;

/**
 * The sender's path end to end on the sandbox (issue 13): a Java sender delivers to the test kit's
 * scenario domains with {@link MtaSts} and {@link MxSession} (the right MX hosts refused, the
 * others delivered), every session counted in a {@link ReportAggregator}; after midnight the
 * {@link TlsRptReporter} POSTs one report to a sandbox HTTPS receiver and mails the others, and the
 * MTA delivers those mails with {@link MtaSts#reportSession} (despite the scenarios' broken TLS,
 * counting nothing). Read back with {@link TlsReportReader} and {@link ReportMessageReader}, every
 * count equals the sessions made.
 */
class SenderPathEndToEndTest {

    static final String POSTED = "posted.example";
    static final String RECEIVER = "tlsrpt.posted.example";
    static final List<Scenario> SCENARIOS = List.of(Scenario.GOOD, Scenario.MX_NOT_IN_POLICY,
            Scenario.EXPIRED_MX_CERT, Scenario.NO_STARTTLS, Scenario.TESTING_MODE);

    static MtaStsSandbox sandbox;
    static DnsjavaResolver dns;
    static ReportAggregator aggregator;
    static MtaSts sts;
    static JavaSender sender;

    @BeforeAll
    static void start() {
        MtaStsSandbox.Builder b = MtaStsSandbox.builder();
        SCENARIOS.forEach(s -> b.scenario(s));
        b.domain(DomainSpec.of(POSTED).stsRecord("v=STSv1; id=1")
                .policy("version: STSv1\nmode: enforce\nmx: mx1.posted.example\nmax_age: 604800\n")
                .tlsRptRecord("v=TLSRPTv1; rua=https://" + RECEIVER + "/v1")
                .mx(10, SmtpHost.of("mx1.posted.example")).reportReceiver(RECEIVER));
        sandbox = b.start();
        dns = DnsjavaResolver.builder().server(sandbox.dnsAddress()).timeout(Duration.ofSeconds(2)).build();
        aggregator = ReportAggregator.builder().organizationName("Sender Path Test")
                .contactInfo("tlsrpt@sender.example").clock(sandbox.clock()).build();
        sts = MtaSts.builder().txtResolver(dns).clock(sandbox.clock())
                .trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())
                .addressFilter(AddressFilter.ANY).mxTrustManager(sandbox.trustManager())
                .reportAggregator(aggregator).proactiveRefresh(false).build();
        sender = new JavaSender(sts, dns, sandbox.addresses());
    }

    @AfterAll
    static void stop() {
        sts.close();
        sandbox.close();
    }

    /**
     * The MTA's side of {@link ReportMailer}: each report mail is delivered at once to its
     * recipient's MX hosts with {@link MtaSts#reportSession} (RFC 8460 §3: despite TLS failures,
     * not counted).
     */
    static MailResult deliverReport(ReportMail mail) {
        DomainName domain = DomainName.of(mail.recipient().substring(mail.recipient().indexOf('@') + 1));
        PolicyResolution policy = sts.resolve(domain);
        for (MxHost mx : ((MxAnswer.Hosts) dns.resolveMx(domain)).hosts()) {
            InetSocketAddress address = sandbox.addresses().get(mx.host().ascii());
            try (MxSession session = sts.reportSession(policy, mx.host()); SmtpDialog smtp = SmtpDialog.connect(address)) {
                if (smtp.ehloOffersStarttls("sender.example")) {
                    smtp.starttls();
                    MxSession.StartTls tls = session.startTls(smtp.socket());
                    if (tls.socket().isEmpty()) {
                        continue; // TLS broke: this MX host cannot take it over this connection
                    }
                    smtp.upgrade(tls.socket().get());
                    smtp.ehloOffersStarttls("sender.example");
                } else {
                    session.starttlsMissing(); // a report goes in the clear rather than not at all
                }
                String reply = smtp.send(mail.envelopeSender(), mail.recipient(),
                        new String(mail.message(), StandardCharsets.ISO_8859_1));
                smtp.quit();
                return MailResult.accepted(reply);
            } catch (IOException e) {
                // the next MX host
            }
        }
        return MailResult.failed("no MX host of " + domain + " took the report");
    }

    /** What the report must say about one domain, from the sender's own attempts. */
    static final class Expected {
        long successes;
        long failures;
        final Map<String, Long> byResultType = new TreeMap<>();

        void add(JavaSender.Attempt a) {
            if (a.outcome().equals("failed") && a.resultType() == null) {
                return; // no TLS outcome: not a session
            }
            if (a.resultType() == null) {
                successes++;
            } else {
                failures++;
                byResultType.merge(a.resultType(), 1L, Long::sum);
            }
        }
    }

    @Test
    @DisplayName("RFC 8461 §5, RFC 8460 §4, §5: deliveries to the scenarios, then the day's reports, every count equal to the sessions made")
    void deliversThenReports() throws Exception {
        LocalDate day = LocalDate.ofInstant(sandbox.clock().instant(), ZoneOffset.UTC);
        Map<String, Expected> expected = new HashMap<>();
        Map<String, JavaSender.Delivery> deliveries = new HashMap<>();
        List<String> domains = new ArrayList<>();
        SCENARIOS.forEach(s -> domains.add(s.domain()));
        domains.add(POSTED);
        for (int round = 0; round < 2; round++) {
            for (String domain : domains) {
                JavaSender.Delivery d = sender.deliver("alice@sender.example", "bob@" + domain,
                        "Subject: round " + round + "\r\n\r\nhello " + domain + "\r\n");
                deliveries.put(domain, d);
                d.attempts().forEach(a -> expected.computeIfAbsent(domain, k -> new Expected()).add(a));
            }
        }
        // RFC 8461 §5: the right ones refused, the others delivered.
        assertThat(deliveries.get("good.example").delivered()).isTrue();
        assertThat(deliveries.get("mx-not-in-policy.example").delivered()).isTrue();
        assertThat(deliveries.get("testing-mode.example").delivered()).isTrue();
        assertThat(deliveries.get(POSTED).delivered()).isTrue();
        assertThat(deliveries.get("expired-mx-cert.example").delivered()).isFalse();
        assertThat(deliveries.get("expired-mx-cert.example").attempts()).extracting(JavaSender.Attempt::resultType)
                .containsOnly("certificate-expired");
        assertThat(deliveries.get("no-starttls.example").delivered()).isFalse();
        assertThat(deliveries.get("no-starttls.example").attempts()).extracting(JavaSender.Attempt::resultType)
                .containsOnly("starttls-not-supported");
        assertThat(sandbox.smtpSessions("mx1.expired-mx-cert.example"))
                .allSatisfy(s -> assertThat(s.messages()).as("nothing sent over a refused session").isEmpty());

        // After midnight, the reporter takes the day and delivers: one POST, the rest by mail.
        sandbox.clock().advance(Duration.ofDays(1));
        try (ReportUploader uploader = ReportUploader.builder().trustManager(sandbox.trustManager())
                .addressOverride(RECEIVER, sandbox.address(RECEIVER)).build();
                TlsRptReporter reporter = TlsRptReporter.builder(aggregator).txtResolver(dns).uploader(uploader)
                        .mailer(SenderPathEndToEndTest::deliverReport).clock(sandbox.clock()).build()) {
            List<ReportResult> results = reporter.runNow(day);
            assertThat(results).as("the reporter's results: %s", results)
                    .filteredOn(r -> r.kind() == ReportResult.Kind.REPORT_DELIVERED)
                    .extracting(r -> r.policyDomain().ascii()).containsExactlyInAnyOrderElementsOf(domains);
        }

        Map<String, TlsReport> received = new HashMap<>();
        for (ReceivedRequest post : sandbox.receivedRequests(RECEIVER)) {
            TlsReport r = TlsReportReader.strict().read(post.body()).orElseThrow();
            received.put(r.policies().get(0).policy().policyDomain(), r);
        }
        for (Scenario s : SCENARIOS) {
            for (SmtpSession session : sandbox.smtpSessions("mx1." + s.domain())) {
                for (String m : session.messages()) {
                    if (m.contains("TLS-Report-Domain:")) {
                        MessageReadResult read = ReportMessageReader.create().read(m.getBytes(StandardCharsets.ISO_8859_1));
                        TlsReport r = read.orElseThrow();
                        received.put(r.policies().get(0).policy().policyDomain(), r);
                    }
                }
            }
        }
        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(domains);
        for (String domain : domains) {
            Expected e = expected.get(domain);
            PolicyResult p = received.get(domain).policies().get(0);
            assertThat(p.summary().totalSuccessfulSessionCount()).as(domain + " successes").isEqualTo(e.successes);
            assertThat(p.summary().totalFailureSessionCount()).as(domain + " failures").isEqualTo(e.failures);
            Map<String, Long> byType = new TreeMap<>();
            for (FailureDetails f : p.failureDetails()) {
                byType.merge(f.resultType().token(), f.failedSessionCount(), Long::sum);
            }
            assertThat(byType).as(domain + " failure details").isEqualTo(e.byResultType);
        }
        // RFC 8460 §3: the report deliveries themselves were not counted.
        assertThat(aggregator.days()).isEmpty();
    }
}
