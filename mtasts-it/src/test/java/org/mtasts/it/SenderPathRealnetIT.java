package org.mtasts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.cli.MtastsCli;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.AddressFilter;
import org.mtasts.http.ReportResult;
import org.mtasts.http.ReportUploader;
import org.mtasts.http.TlsRptReporter;
import org.mtasts.http.mail.SmtpReportMailer;
import org.mtasts.testkit.MutableClock;
import org.mtasts.tlsrpt.PolicyResult;
import org.mtasts.tlsrpt.ReadResult;
import org.mtasts.tlsrpt.ReportAggregator;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;
import org.mtasts.tlsrpt.mail.MessageReadResult;
import org.mtasts.tlsrpt.mail.ReportMessageReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sender's path against the real servers (issue 13): {@code mtasts send} delivers through
 * Postfix as an MTA-STS sender, counting each session in an aggregator snapshot file; after
 * midnight a {@link TlsRptReporter} on that file POSTs testing.test's report to nginx and mails
 * example.test's through Postfix ({@link SmtpReportMailer}, STARTTLS), and finds no TLSRPT record for
 * mx-mismatch.test. Read back from nginx's disk and Postfix's Maildir, every count equals the
 * sessions made.
 */
class SenderPathRealnetIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Realnet realnet;
    private static DnsjavaResolver dns;

    @TempDir
    Path dir;

    @BeforeEach
    void locate() {
        realnet = Realnet.get();
        dns = realnet.resolver(realnet.authoritativeDns());
    }

    /** Runs {@code mtasts send --json}; returns the document. */
    private static JsonNode send(String from, String to, Path counts) throws Exception {
        List<String> args = new ArrayList<>(List.of("send", "--from", from, "--to", to, "--json",
                "--tlsrpt-counts", counts.toString(), "--ehlo", "it.mtasts.test"));
        args.addAll(CheckRealnetIT.options(realnet));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = MtastsCli.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        JsonNode doc = JSON.readTree(out.toString());
        System.out.println("mtasts send " + to + ": exit " + exit + ", " + doc + (err.toString().isBlank() ? "" : ", " + err));
        return doc;
    }

    @Test
    @DisplayName("RFC 8461 §5, RFC 8460 §4, §5: mtasts send through Postfix, then the day's reports to nginx and through Postfix")
    void deliversThenReports() throws Exception {
        String run = "run" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + ".sender.test";
        String from = "postmaster@" + run;
        Path counts = dir.resolve("tlsrpt-counts.json");
        LocalDate day = LocalDate.now(ZoneOffset.UTC);

        // enforce, MX mx1.example.test: delivered into the Maildir, over TLS checked by RFC 8461 §4.2.
        JsonNode example = send(from, "tlsrpt@example.test", counts);
        assertThat(example.get("delivered").asBoolean()).isTrue();
        // testing, MX mx1.example.test: TLS is fine; Postfix then refuses the relay (a session all the same).
        JsonNode testing = send(from, "someone@testing.test", counts);
        assertThat(testing.get("attempts").get(0).get("result_type").isNull()).isTrue();
        // enforce, MX mail.mx-mismatch.test not in the policy: refused without a connection (RFC 8461 §4.1).
        JsonNode mismatch = send(from, "someone@mx-mismatch.test", counts);
        assertThat(mismatch.get("delivered").asBoolean()).isFalse();
        assertThat(mismatch.get("attempts").get(0).get("outcome").asString()).isEqualTo("refused");
        assertThat(mismatch.get("attempts").get(0).get("result_type").asString()).isEqualTo("validation-failure");

        // The next day, a reporter on the counts the three runs left in the file.
        MutableClock clock = MutableClock.of(Instant.now().plus(Duration.ofDays(1)));
        ReportAggregator aggregator = ReportAggregator.builder().organizationName("mtasts send")
                .contactInfo("tlsrpt@" + run).snapshotFile(counts).clock(clock).build();
        Map<String, PolicyResult> counted = new HashMap<>();
        for (TlsReport r : aggregator.reports(day)) {
            counted.put(r.policies().get(0).policy().policyDomain(), r.policies().get(0));
        }
        assertThat(counted.keySet()).containsExactlyInAnyOrder("example.test", "testing.test", "mx-mismatch.test");
        assertThat(counted.get("example.test").summary().totalSuccessfulSessionCount()).isEqualTo(1);
        assertThat(counted.get("testing.test").summary().totalSuccessfulSessionCount()).isEqualTo(1);
        assertThat(counted.get("mx-mismatch.test").summary().totalFailureSessionCount()).isEqualTo(1);

        Path inbox = realnet.tlsRptMaildir().resolve("new");
        Path uploads = realnet.tlsRptUploads();
        OkHttpClient client = new OkHttpClient.Builder().dns(Realnet.okHttpDns(dns)).build();
        ReportUploader.Builder uploads2 = ReportUploader.builder().client(client).trustManager(realnet.trustManager())
                .addressFilter(AddressFilter.ANY).timeout(Duration.ofSeconds(20));
        realnet.httpsOverrides(dns, List.of("tlsrpt.example.test")).forEach(uploads2::addressOverride);
        SmtpReportMailer mailer = SmtpReportMailer.builder("mx1.example.test", realnet.smtp().getPort())
                .addressOverride(realnet.smtp()).trustManager(realnet.trustManager()).ehloName("it.mtasts.test").build();
        byte[] mailed;
        List<ReportResult> results;
        try (WatchService watch = FileSystems.getDefault().newWatchService();
                ReportUploader uploader = uploads2.build();
                TlsRptReporter reporter = TlsRptReporter.builder(aggregator).txtResolver(dns).uploader(uploader)
                        .mailer(mailer).clock(clock).build()) {
            inbox.register(watch, StandardWatchEventKinds.ENTRY_CREATE);   // before sending: no race
            results = reporter.runNow(day);
            mailed = ReportDeliveryRealnetIT.awaitMessage(watch, inbox, "TLS-Report-Submitter: " + run);
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
        results.forEach(r -> System.out.println("reporter: " + r));
        assertThat(results).filteredOn(r -> r.kind() == ReportResult.Kind.REPORT_DELIVERED)
                .extracting(r -> r.policyDomain().ascii()).containsExactlyInAnyOrder("example.test", "testing.test");
        assertThat(results).filteredOn(r -> r.kind() == ReportResult.Kind.NO_RECORD)
                .extracting(r -> r.policyDomain().ascii()).containsExactly("mx-mismatch.test");

        // example.test's report, mailed through Postfix into the Maildir.
        assertThat(mailed).as("the report e-mail of %s in %s", run, inbox).isNotNull();
        MessageReadResult read = ReportMessageReader.create().read(mailed);
        TlsReport viaMail = read.orElseThrow();
        assertThat(new String(mailed, StandardCharsets.US_ASCII)).contains("by mx1.example.test (Postfix)")
                .containsPattern("using TLSv1\\.[23]");
        assertThat(viaMail.policies()).singleElement().isEqualTo(counted.get("example.test"));

        // testing.test's report, POSTed to nginx, found on its disk.
        TlsReport viaHttps = null;
        try (Stream<Path> files = Files.list(uploads)) {
            for (Path f : files.toList()) {
                ReadResult r = TlsReportReader.lenient().read(Files.readAllBytes(f));
                if (r instanceof ReadResult.Read ok && ok.report().reportId().endsWith("@" + run)) {
                    viaHttps = ok.report();
                }
            }
        }
        assertThat(viaHttps).as("the report of %s in %s", run, uploads).isNotNull();
        assertThat(viaHttps.policies()).singleElement().isEqualTo(counted.get("testing.test"));
    }
}
