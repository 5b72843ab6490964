package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.DomainName;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.dns.MxAnswer;
import org.mtasts.dns.MxHost;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.Scenario;
import org.mtasts.testkit.SmtpHost;
import org.mtasts.tlsrpt.ReportAggregator;
import org.mtasts.tlsrpt.TlsReport;

/**
 * The README's "Delivering mail with MTA-STS", compiled and run against the sandbox: the start-up
 * block and the per-message block are the two regions below, as the README shows them (lines
 * marked {@code // sandbox only} point the example at the sandbox and are left out of the
 * README). {@link SmtpDialog} stands for the MTA's own SMTP client.
 */
class DeliveringMailExampleTest {

    MtaStsSandbox sandbox;
    @TempDir
    Path state;

    DnsjavaResolver dns;
    MtaSts sts;
    ReportAggregator tlsRpt;
    TlsRptReporter reporter;
    final BlockingQueue<ReportMail> queue = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws IOException {
        sandbox = MtaStsSandbox.builder().scenario(Scenario.GOOD, Scenario.EXPIRED_MX_CERT)
                .domain(DomainSpec.of("mail.example.net").mx(10, SmtpHost.of("mx1.mail.example.net")))
                .start();
        // --- example: README, Delivering mail with MTA-STS, at start-up
        DnsjavaResolver dns = DnsjavaResolver.create();
        dns = DnsjavaResolver.builder().server(sandbox.dnsAddress()).build();                    // sandbox only
        ReportAggregator tlsRpt = ReportAggregator.builder()
                .organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
                .snapshotFile(state.resolve("tlsrpt-counts.json"))     // the day's counts survive restarts
                .clock(sandbox.clock())                                                           // sandbox only
                .build();
        MtaSts sts = MtaSts.builder()
                .txtResolver(dns)
                .store(FilePolicyStore.open(state.resolve("policies")))  // so do the policies
                .reportAggregator(tlsRpt)                                // every MX session is counted
                .clock(sandbox.clock()).trustManager(sandbox.trustManager())                      // sandbox only
                .addressOverrides(sandbox.addresses()).mxTrustManager(sandbox.trustManager())     // sandbox only
                .build();
        TlsRptReporter reporter = TlsRptReporter.builder(tlsRpt)
                .txtResolver(dns)
                .mailer(mail -> queue.offer(mail) ? MailResult.accepted("queued") : MailResult.failed("queue full"))
                .clock(sandbox.clock())                                                           // sandbox only
                .build();                                                // sends each day's reports after 00:00 UTC
        // ---
        this.dns = dns;
        this.tlsRpt = tlsRpt;
        this.sts = sts;
        this.reporter = reporter;
    }

    @AfterEach
    void stop() {
        reporter.close();
        sts.close();
        sandbox.close();
    }

    /** Where the MTA connects for an MX host: port 25 of its address, or the sandbox's port for it. */
    private InetSocketAddress mxAddress(MxHost mx) {
        return sandbox.address(mx.host().ascii());
    }

    /** The per-message part of the README, as a method of the MTA. */
    boolean deliver(DomainName domain, String from, String to, String message) throws IOException {
        // --- example: README, Delivering mail with MTA-STS, for each message
        PolicyResolution policy = sts.resolve(domain);                   // from memory when the domain is warm
        if (policy.policyUnknown()) {
            return false;                                                // DNS failed and nothing is cached: defer
        }
        for (MxHost mx : ((MxAnswer.Hosts) dns.resolveMx(domain)).hosts()) {
            try (MxSession session = sts.session(policy, mx.host())) {
                if (session.refused()) {
                    continue;                                            // enforce: the policy does not list it
                }
                try (SmtpDialog smtp = SmtpDialog.connect(mxAddress(mx))) {   // your SMTP client
                    if (!smtp.ehloOffersStarttls("mta.example.net")) {
                        if (session.starttlsMissing().refuses()) {
                            continue;                                    // enforce: TLS is required
                        }
                        smtp.send(from, to, message);                    // testing, or no policy: in the clear
                        return true;
                    }
                    smtp.starttls();
                    MxSession.StartTls tls = session.startTls(smtp.socket());   // SNI, TLS 1.2+, RFC 8461 §4.2
                    if (tls.decision().refuses() || tls.socket().isEmpty()) {
                        continue;                                        // tls.decision().explanation() says why
                    }
                    smtp.upgrade(tls.socket().get());
                    smtp.ehloOffersStarttls("mta.example.net");
                    smtp.send(from, to, message);
                    return true;
                }
            }
        }
        return false;                                                    // defer, never bounce (RFC 8461 §5.1)
        // ---
    }

    @Test
    @DisplayName("the README's sender: delivered to a good domain, deferred for an expired MX certificate, counted and reported")
    void theReadmeExampleDeliversCountsAndReports() throws Exception {
        assertThat(deliver(DomainName.of("good.example"), "alice@mail.example.net", "bob@good.example",
                "Subject: hi\r\n\r\nhello\r\n")).isTrue();
        assertThat(deliver(DomainName.of("expired-mx-cert.example"), "alice@mail.example.net",
                "bob@expired-mx-cert.example", "Subject: hi\r\n\r\nhello\r\n")).isFalse();
        LocalDate today = LocalDate.ofInstant(sandbox.clock().instant(), ZoneOffset.UTC);
        List<TlsReport> counted = tlsRpt.reports(today);
        assertThat(counted).extracting(r -> r.policies().get(0).policy().policyDomain())
                .containsExactlyInAnyOrder("good.example", "expired-mx-cert.example");
        tlsRpt.saveSnapshot();

        sandbox.clock().advance(Duration.ofDays(1));
        List<ReportResult> results = reporter.runNow(today);
        assertThat(results).filteredOn(r -> r.kind() == ReportResult.Kind.REPORT_DELIVERED).hasSize(2);
        assertThat(queue).extracting(ReportMail::recipient)
                .containsExactlyInAnyOrder("tlsrpt@good.example", "tlsrpt@expired-mx-cert.example");
    }
}
