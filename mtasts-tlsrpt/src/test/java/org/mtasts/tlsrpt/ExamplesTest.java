package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;

/**
 * The Javadoc examples of mtasts-tlsrpt (but its mail package, see {@code MailExamplesTest}) and
 * the README's "TLS reports" example, compiled and run: each {@code // --- example:} region is the
 * example as written (CONTRIBUTING.md, "Examples"); the set-up before it gives its variables, the
 * assertions after it check what it did; lines ending in {@code // sandbox only} keep the example
 * off the machine's real paths.
 */
class ExamplesTest {

    private final StsPolicy policy = StsPolicy.builder().mode(PolicyMode.TESTING).mx("mx1.example.com").build();
    private final DomainName domain = DomainName.of("example.com");

    @TempDir
    Path dir;

    /** Code that may throw, run with System.out and System.err captured. */
    interface Code {
        void run() throws Exception;
    }

    /** Runs the code and returns what it printed on System.out and System.err. */
    static String printed(Code code) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            code.run();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A day's report of example.com: 120 sessions, 3 of them to mx1.example.com with an expired certificate. */
    private TlsReport report(LocalDate day, String organization) {
        return TlsReport.builder().organizationName(organization).contactInfo("tlsrpt@" + organization.toLowerCase()
                        .replace(' ', '-') + ".example")
                .reportId(day + ".example.com@" + organization).day(day)
                .policy(new PolicyResult(PolicyDetails.sts(domain, policy.toText()), new Summary(117, 3),
                        List.of(FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED)
                                .receivingMxHostname("mx1.example.com").failedSessionCount(3).build())))
                .build();
    }

    private final List<String> shown = new ArrayList<>();

    private void show(TlsReport report, List<ReportWarning> warnings) {
        shown.add(report.reportId() + " " + warnings.size() + " warnings");
    }

    @Test
    void modelTypes() throws Exception {
        // --- example: PolicyType
        PolicyType t = PolicyType.fromToken("no-policy-found");    // NO_POLICY_FOUND
        PolicyType u = PolicyType.fromToken("invalid-policy-type"); // UNKNOWN
        String token = PolicyType.STS.token();                      // "sts"
        // ---
        assertThat(t).isEqualTo(PolicyType.NO_POLICY_FOUND);
        assertThat(u).isEqualTo(PolicyType.UNKNOWN);
        assertThat(token).isEqualTo("sts");

        // --- example: DateRange
        DateRange day = DateRange.utcDay(LocalDate.of(2024, 2, 25));
        day.start();   // 2024-02-25T00:00:00Z
        day.end();     // 2024-02-25T23:59:59Z
        // ---
        assertThat(day.start()).hasToString("2024-02-25T00:00:00Z");
        assertThat(day.end()).hasToString("2024-02-25T23:59:59Z");

        // --- example: Summary
        Summary s = new Summary(5326, 303);
        long all = s.totalSessionCount();   // 5629
        // ---
        assertThat(all).isEqualTo(5629);
    }

    @Test
    void policyDetails() throws Exception {
        PolicyDetails received = new PolicyDetails(PolicyType.UNKNOWN, "x-new", List.of(), null, List.of());
        String out = printed(() -> {
            // --- example: PolicyDetails
            PolicyDetails sts = PolicyDetails.sts(DomainName.of("example.com"),
                    "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n");
            PolicyDetails none = PolicyDetails.noPolicyFound(DomainName.of("example.org"));
            if (received.policyType() == PolicyType.UNKNOWN) {
                System.out.println("unknown policy type " + received.policyTypeToken());
            }
            // ---
            assertThat(sts.mxHosts()).containsExactly("mx1.example.com");
            assertThat(none.policyStrings()).isEmpty();
        });
        assertThat(out).isEqualTo("unknown policy type x-new\n");
    }

    @Test
    void policyResultAndFailureDetails() {
        // --- example: PolicyResult
        PolicyResult r = new PolicyResult(PolicyDetails.sts(domain, policy.toText()), new Summary(10, 1),
                List.of(FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).failedSessionCount(1).build()));
        // ---
        assertThat(r.failedSessionCountSum()).isEqualTo(1);

        // --- example: FailureDetails
        FailureDetails d = FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED)
                .sendingMtaIp("2001:db8:abcd:0013::1")          // stored as 2001:db8:abcd:13::1
                .receivingMxHostname("mx2.mail.company-y.example")
                .receivingIp("203.0.113.56")
                .failedSessionCount(200)
                .build();
        FailureDetails more = d.withFailedSessionCount(201);
        // ---
        assertThat(d.sendingMtaIp()).isEqualTo("2001:db8:abcd:13::1");
        assertThat(more.failedSessionCount()).isEqualTo(201);
        untrusted();
    }

    private static void untrusted() {
        // --- example: FailureDetails.Builder
        FailureDetails d = FailureDetails.builder(ResultType.CERTIFICATE_NOT_TRUSTED)
                .receivingMxHostname("mx.example.com").failureReasonCode("unknown-ca").build();
        // ---
        assertThat(d.failureReasonCode()).isEqualTo("unknown-ca");
    }

    @Test
    void tlsReport() {
        TlsReport reportFromOtherNode = TlsReport.builder().organizationName("Example Mail")
                .contactInfo("tlsrpt@mail.example.net").reportId("20240225.example.com@mail.example.net")
                .day(LocalDate.of(2024, 2, 25))
                .policy(new PolicyResult(PolicyDetails.sts(domain, policy.toText()), new Summary(30, 0), List.of()))
                .build();
        // --- example: TlsReport
        TlsReport report = TlsReport.builder()
                .organizationName("Example Mail")
                .contactInfo("tlsrpt@mail.example.net")
                .reportId("20240225.example.com@mail.example.net")
                .dateRange(DateRange.utcDay(LocalDate.of(2024, 2, 25)))
                .policy(new PolicyResult(PolicyDetails.sts(DomainName.of("example.com"), policy.toText()),
                        new Summary(120, 0), List.of()))
                .build();
        TlsReport all = report.merge(reportFromOtherNode);
        // ---
        assertThat(all.totalSuccessfulSessionCount()).isEqualTo(150);

        // --- example: TlsReport.Builder
        TlsReport r = TlsReport.builder().organizationName("Example Mail")
                .contactInfo("tlsrpt@mail.example.net").reportId("2024-02-25.1@mail.example.net")
                .day(LocalDate.of(2024, 2, 25)).build();
        // ---
        assertThat(r.policies()).isEmpty();
        assertThat(r.dateRange()).isEqualTo(DateRange.utcDay(LocalDate.of(2024, 2, 25)));
    }

    @Test
    void reportHeader() throws Exception {
        TlsReport report = report(LocalDate.of(2024, 2, 25), "Example Mail");
        String out = printed(() -> {
            // --- example: ReportHeader
            ReportHeader h = report.header();
            System.out.println(h.organizationName() + " " + h.dateRange() + " " + h.reportId());
            // ---
        });
        assertThat(out).startsWith("Example Mail 2024-02-25T00:00:00Z/").endsWith(" 2024-02-25.example.com@Example Mail\n");
    }

    @Test
    void writingAndFileNames() throws Exception {
        TlsReport report = TlsReportWriterTest.sample();
        // --- example: TlsReportWriter
        TlsReportWriter writer = TlsReportWriter.create();
        byte[] body = writer.write(report, ReportFormat.GZIP);          // for HTTPS POST or mail
        String name = ReportFilename.of(report, ReportFormat.GZIP, "001").toString();
        // ---
        assertThat(TlsReportReader.strict().read(body).orElseThrow()).isEqualTo(report);
        assertThat(name).isEqualTo("company-x.example!company-y.example!1459468800!1459555199!001.json.gz");

        Request request = new Request();
        reportFormat(report, request);
        assertThat(request.headers).containsExactly("Content-Type: application/tlsrpt+gzip");

        String attachmentName = name;
        reportFilename(report, attachmentName);
    }

    /** Stands in for the HTTP client's request builder. */
    static final class Request {
        final List<String> headers = new ArrayList<>();

        void header(String name, String value) {
            headers.add(name + ": " + value);
        }
    }

    private static void reportFormat(TlsReport report, Request request) {
        // --- example: ReportFormat
        byte[] body = TlsReportWriter.create().write(report, ReportFormat.GZIP);
        request.header("Content-Type", ReportFormat.GZIP.mediaType());   // application/tlsrpt+gzip
        // ---
        assertThat(body).startsWith(0x1f, 0x8b);
    }

    private static void reportFilename(TlsReport report, String attachmentName) {
        // --- example: ReportFilename
        ReportFilename name = ReportFilename.of(report, ReportFormat.GZIP, "001");
        name.toString();   // mail.sndr.example.com!example.net!1470013207!1470186007!001.json.gz
        Optional<ReportFilename> parsed = ReportFilename.parse(attachmentName);
        // ---
        assertThat(parsed).contains(name);
    }

    @Test
    void reading() throws Exception {
        TlsReport sample = TlsReportWriterTest.sample();
        byte[] gzip = TlsReportWriter.create().toGzip(sample);
        Path file = Files.write(dir.resolve(ReportFilename.of(sample, ReportFormat.GZIP, "001").toString()), gzip);
        String out = printed(() -> {
            // --- example: TlsReportReader
            TlsReportReader reader = TlsReportReader.lenient();          // share one
            ReadResult result = reader.read(file);     // google.com!example.com!1663200000!1663286399!001.json.gz
            TlsReport report = result.orElseThrow();
            result.warnings().forEach(w -> System.out.println(w.path() + ": " + w.detail()));
            // ---
            assertThat(report).isEqualTo(sample);
        });
        assertThat(out).isEmpty();

        // --- example: TlsReportReader.Builder
        TlsReportReader big = TlsReportReader.builder()
                .maxJsonBytes(1L << 30).maxFailureDetails(10_000_000).build();
        // ---
        assertThat(big.read(gzip).orElseThrow()).isEqualTo(sample);
    }

    @Test
    void readResults() throws Exception {
        TlsReportReader reader = TlsReportReader.lenient();
        byte[] bytes = TlsReportWriter.create().toJson(TlsReportWriterTest.sample());
        String out = printed(() -> {
            // --- example: ReadResult
            ReadResult result = reader.read(bytes);
            switch (result.kind()) {
                case READ -> show(((ReadResult.Read) result).report(), result.warnings());
                case INVALID -> System.err.println(((ReadResult.Invalid) result).error());
            }
            TlsReport report = result.orElseThrow();   // or: ReportReadException
            // ---
            assertThat(report).isEqualTo(TlsReportWriterTest.sample());
        });
        assertThat(out).isEmpty();
        assertThat(shown).containsExactly("5065427c-23d3-47ca-b6e0-946ea0e8c4be 0 warnings");

        ReadResult result = reader.read("{\"organization-name\":1}".getBytes(StandardCharsets.UTF_8));
        String error = printed(() -> {
            // --- example: ReportError
            if (result instanceof ReadResult.Invalid invalid) {
                ReportError e = invalid.error();
                System.out.println(e);   // line 7, column 20, $.policies[0].summary: ... (RFC 8460 §4.4)
            }
            // ---
        });
        assertThat(error).startsWith("line 1, column ").contains("$.organization-name").endsWith(")\n");

        String thrown = printed(() -> readReportOrSayWhy(reader, "[".getBytes(StandardCharsets.UTF_8)));
        assertThat(thrown).startsWith("$: ");
        assertThat(printed(() -> readReportOrSayWhy(reader, bytes))).isEmpty();
    }

    private static void readReportOrSayWhy(TlsReportReader reader, byte[] bytes) {
        // --- example: ReportReadException
        try {
            TlsReport r = reader.read(bytes).orElseThrow();
        } catch (ReportReadException e) {
            System.err.println(e.error().path() + ": " + e.error().detail());
        }
        // ---
    }

    @Test
    void reportWarning() throws Exception {
        String json = TlsReportWriter.create().toJsonString(TlsReportWriterTest.sample())
                .replace("\"start-datetime\":\"2016-04-01T00:00:00Z\"", "\"start-datetime\":\"2016-04-01T00:00:00\"");
        ReadResult result = TlsReportReader.lenient().read(json.getBytes(StandardCharsets.UTF_8));
        String out = printed(() -> {
            // --- example: ReportWarning
            for (ReportWarning w : result.warnings()) {
                System.out.println(w);   // $.date-range.start-datetime: '2023-01-10T00:00:00' has no time zone; read as UTC (RFC 3339 §5.6)
            }
            // ---
        });
        assertThat(out).isEqualTo("$.date-range.start-datetime: '2016-04-01T00:00:00' has no time zone; "
                + "read as UTC (RFC 3339 §5.6)\n");
    }

    @Test
    void streaming() throws Exception {
        TlsReportReader reader = TlsReportReader.lenient();
        byte[] gzip = TlsReportWriter.create().toGzip(TlsReportWriterTest.sample());
        InputStream in = new ByteArrayInputStream(gzip);
        // --- example: ReportVisitor
        long[] failed = new long[1];
        StreamResult r = reader.stream(in, new ReportVisitor() {
            public void failureDetails(int policy, long index, FailureDetails d) {
                failed[0] += d.failedSessionCount();
            }
        });
        // ---
        assertThat(failed[0]).isEqualTo(103);
        assertThat(r.kind()).isEqualTo(StreamResult.Kind.COMPLETED);
        ReportVisitor visitor = new ReportVisitor() { };
        InputStream again = new ByteArrayInputStream(gzip);
        String out = printed(() -> streamResult(reader, again, visitor));
        assertThat(out).isEqualTo("5065427c-23d3-47ca-b6e0-946ea0e8c4be: 2 details\n");
    }

    private static void streamResult(TlsReportReader reader, InputStream in, ReportVisitor visitor) throws IOException {
        // --- example: StreamResult
        StreamResult r = reader.stream(in, visitor);
        if (r instanceof StreamResult.Completed done) {
            System.out.println(done.header().reportId() + ": " + done.failureDetailCount() + " details");
        }
        // ---
    }

    @Test
    void aggregator() throws Exception {
        Path counts = dir.resolve("tlsrpt-counts.json");
        // --- example: ReportAggregator
        ReportAggregator aggregator = ReportAggregator.builder()
                .organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
                .snapshotFile(Path.of("/var/lib/mta/tlsrpt-counts.json"))      // restored here
                .snapshotFile(counts)                                           // sandbox only
                .clock(Clock.fixed(Instant.parse("2024-02-25T12:00:00Z"), ZoneOffset.UTC))  // sandbox only
                .build();
        ReportAggregator.PolicyKey sts = aggregator.policy(PolicyDetails.sts(domain, policy.toText()));
        aggregator.success(sts);                                                // one session, TLS fine
        ReportAggregator.FailureKey expired = aggregator.failureKey(sts,
                FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).receivingMxHostname("mx1.example.com").build());
        aggregator.failure(expired);                                            // one failed session
        aggregator.saveSnapshot();                                              // every minute or so
        List<TlsReport> yesterday = aggregator.takeReports(LocalDate.now(ZoneOffset.UTC).minusDays(1));
        // ---
        assertThat(yesterday).isEmpty();
        ReportAggregator restarted = ReportAggregator.builder()
                .organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net").snapshotFile(counts).build();
        assertThat(restarted.snapshot()).isEqualTo(aggregator.snapshot());
        List<TlsReport> day = aggregator.takeReports(LocalDate.of(2024, 2, 25));
        assertThat(day).singleElement().satisfies(rep -> {
            assertThat(rep.totalSuccessfulSessionCount()).isEqualTo(1);
            assertThat(rep.totalFailureSessionCount()).isEqualTo(1);
        });

        // --- example: ReportAggregator.PolicyKey
        ReportAggregator.PolicyKey key = aggregator.policy(PolicyDetails.noPolicyFound(domain));
        aggregator.success(key);
        // ---
        ReportAggregator.PolicyKey policyKey = key;
        failureKey(aggregator, policyKey);
        assertThat(aggregator.reports(LocalDate.of(2024, 2, 25))).singleElement()
                .satisfies(rep -> assertThat(rep.totalFailureSessionCount()).isEqualTo(1));

        // --- example: ReportAggregator.Builder
        ReportAggregator a = ReportAggregator.builder().organizationName("Example Mail")
                .contactInfo("tlsrpt@mail.example.net").clock(Clock.systemUTC())
                .snapshotFile(Path.of("/var/lib/mta/tlsrpt-counts.json"))
                .snapshotFile(dir.resolve("other-counts.json"))                 // sandbox only
                .build();
        // ---
        assertThat(a.snapshot()).isEmpty();

        String out = printed(() -> {
            // --- example: ReportAggregator.ProblemListener
            ReportAggregator.ProblemListener log = (file, problem, cause) -> System.err.println(file + ": " + problem);
            // ---
            Files.writeString(dir.resolve("broken-counts.json"), "not a snapshot");
            ReportAggregator.builder().organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
                    .snapshotFile(dir.resolve("broken-counts.json")).problemListener(log).build();
        });
        assertThat(out).startsWith(dir.resolve("broken-counts.json") + ": ");
    }

    private static void failureKey(ReportAggregator aggregator, ReportAggregator.PolicyKey policyKey) {
        // --- example: ReportAggregator.FailureKey
        ReportAggregator.FailureKey key = aggregator.failureKey(policyKey,
                FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED).receivingMxHostname("mx.example.com").build());
        aggregator.failure(key);
        // ---
        assertThat(key.policy()).isSameAs(policyKey);
    }

    @Test
    void summariesAndReadiness() throws Exception {
        LocalDate yesterday = LocalDate.of(2024, 3, 1);
        List<TlsReport> reports = List.of(report(yesterday, "Sender One"), report(yesterday.minusDays(1), "Sender Two"));
        String out = printed(() -> {
            // --- example: ReportSummary
            ReportSummary summary = ReportSummary.of(reports);
            System.out.println(summary.total().successRate());                 // OptionalDouble[0.998]
            summary.byMxHost().forEach((mx, s) -> System.out.println(mx + " " + s.failedSessions()));
            String json = summary.toJson();
            // ---
            assertThat(json).startsWith("{");
        });
        assertThat(out).isEqualTo("OptionalDouble[0.975]\nmx1.example.com 6\n");

        // --- example: ReportSummary.Counts
        ReportSummary.Counts c = new ReportSummary.Counts(99, 1);
        c.successRate();   // OptionalDouble[0.99]
        // ---
        assertThat(c.successRate().getAsDouble()).isEqualTo(0.99);

        ReportSummary summary = ReportSummary.of(reports);
        // --- example: ReportSummary.MxHostStats
        ReportSummary.MxHostStats s = summary.byMxHost().get("mx1.example.com");
        s.byResultType().get("certificate-expired");
        // ---
        assertThat(s.byResultType().get("certificate-expired")).isEqualTo(6);

        readinessCriteria();
        readiness(summary, yesterday);
    }

    private static void readinessCriteria() {
        // --- example: ReadinessCriteria
        ReadinessCriteria c = ReadinessCriteria.of(DomainName.of("example.com"), LocalDate.of(2024, 3, 1), 14)
                .withMxHosts(List.of(DomainName.of("mx1.example.com"), DomainName.of("mx2.example.com")));
        // ---
        assertThat(c.mxHosts()).hasSize(2);
    }

    private static void readiness(ReportSummary summary, LocalDate yesterday) throws Exception {
        String out = printed(() -> {
            // --- example: Readiness
            Readiness r = summary.readiness(ReadinessCriteria.of(DomainName.of("example.com"), yesterday, 14));
            if (r.verdict() == Readiness.Verdict.READY) {
                // publish mode: enforce with a new policy id
            }
            r.reasons().forEach(System.out::println);
            // ---
            assertThat(r.verdict()).isNotEqualTo(Readiness.Verdict.READY);
            // --- example: Readiness.FailureEvidence
            r.failures().forEach(f -> System.out.println(f.day() + " " + f.organization() + " " + f.resultType()));
            // --- example: Readiness.MxEvidence
            Readiness.MxEvidence e = r.mxHosts().get("mx1.example.com");
            boolean covered = e.coveringPattern() != null;
            // ---
            assertThat(covered).isTrue();
        });
        assertThat(out).contains("2024-03-01 Sender One certificate-expired");
    }

    @Test
    void readme() throws Exception {
        TlsReport sample = report(LocalDate.of(2026, 1, 1), "Sender One");
        Path reportFile = Files.write(dir.resolve(ReportFilename.of(sample, ReportFormat.GZIP, "001").toString()),
                TlsReportWriter.create().toGzip(sample));
        FailureDetails expiredCertificate = FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED)
                .receivingMxHostname("mx1.example.com").build();
        LocalDate yesterday = LocalDate.of(2026, 1, 1);
        List<TlsReport> received = List.of(sample);
        String out = printed(() -> {
            // --- example: README TLS reports
            ReadResult read = TlsReportReader.lenient().read(reportFile);   // google.com!example.com!...!001.json.gz
            read.warnings().forEach(w -> System.out.println(w.path() + ": " + w.detail()));
            ReportAggregator aggregator = ReportAggregator.builder()
                    .organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
                    .snapshotFile(Path.of("/var/lib/mta/tlsrpt-counts.json"))                       // restored on start
                    .snapshotFile(dir.resolve("tlsrpt-counts.json"))                                  // sandbox only
                    .clock(Clock.fixed(Instant.parse("2026-01-01T12:00:00Z"), ZoneOffset.UTC))          // sandbox only
                    .build();
            ReportAggregator.PolicyKey key = aggregator.policy(PolicyDetails.sts(domain, policy.toText()));   // once per policy
            aggregator.success(key);                                                                 // per session
            aggregator.failure(aggregator.failureKey(key, expiredCertificate));                      // or failure(a, b)
            aggregator.saveSnapshot();                                                               // every minute or so
            byte[] gzip = TlsReportWriter.create().toGzip(aggregator.takeReports(yesterday).get(0));
            Readiness r = ReportSummary.of(received).readiness(ReadinessCriteria.of(domain, yesterday, 14));
            // ---
            assertThat(read.orElseThrow()).isEqualTo(sample);
            TlsReport sent = TlsReportReader.strict().read(gzip).orElseThrow();
            assertThat(sent.totalSuccessfulSessionCount()).isEqualTo(1);
            assertThat(sent.totalFailureSessionCount()).isEqualTo(1);
            assertThat(r.verdict()).isEqualTo(Readiness.Verdict.NOT_READY);   // failures on the last day
        });
        assertThat(out).isEqualTo("$.policies[0].failure-details[0].sending-mta-ip: sending-mta-ip is absent\n");
    }
}
