package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;

/** The Javadoc examples of the public types, compiled and run (near verbatim). */
class ExamplesTest {

    private final StsPolicy policy = StsPolicy.builder().mode(PolicyMode.TESTING).mx("mx1.example.com").build();
    private final DomainName domain = DomainName.of("example.com");

    private TlsReport someReport() {
        return TlsReportWriterTest.sample();
    }

    @Test
    @DisplayName("Examples: model types")
    void modelExamples() {
        // PolicyType
        PolicyType t = PolicyType.fromToken("no-policy-found");
        PolicyType u = PolicyType.fromToken("invalid-policy-type");
        String token = PolicyType.STS.token();
        assertThat(t).isEqualTo(PolicyType.NO_POLICY_FOUND);
        assertThat(u).isEqualTo(PolicyType.UNKNOWN);
        assertThat(token).isEqualTo("sts");

        // DateRange
        DateRange day = DateRange.utcDay(LocalDate.of(2024, 2, 25));
        assertThat(day.start()).hasToString("2024-02-25T00:00:00Z");
        assertThat(day.end()).hasToString("2024-02-25T23:59:59Z");

        // Summary
        Summary s = new Summary(5326, 303);
        long all = s.totalSessionCount();
        assertThat(all).isEqualTo(5629);

        // PolicyDetails
        PolicyDetails sts = PolicyDetails.sts(DomainName.of("example.com"), policy.toText());
        PolicyDetails none = PolicyDetails.noPolicyFound(DomainName.of("example.org"));
        PolicyDetails received = new PolicyDetails(PolicyType.UNKNOWN, "x-new", List.of(), null, List.of());
        StringBuilder out = new StringBuilder();
        if (received.policyType() == PolicyType.UNKNOWN) {
            out.append("unknown policy type " + received.policyTypeToken());
        }
        assertThat(out).hasToString("unknown policy type x-new");
        assertThat(sts.mxHosts()).containsExactly("mx1.example.com");
        assertThat(none.policyStrings()).isEmpty();

        // PolicyResult
        PolicyResult r = new PolicyResult(PolicyDetails.sts(domain, policy.toText()), new Summary(10, 1),
                List.of(FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).failedSessionCount(1).build()));
        assertThat(r.failedSessionCountSum()).isEqualTo(1);

        // FailureDetails
        FailureDetails d = FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED)
                .sendingMtaIp("2001:db8:abcd:0013::1")
                .receivingMxHostname("mx2.mail.company-y.example")
                .receivingIp("203.0.113.56")
                .failedSessionCount(200)
                .build();
        FailureDetails more = d.withFailedSessionCount(201);
        assertThat(d.sendingMtaIp()).isEqualTo("2001:db8:abcd:13::1");
        assertThat(more.failedSessionCount()).isEqualTo(201);
        FailureDetails untrusted = FailureDetails.builder(ResultType.CERTIFICATE_NOT_TRUSTED)
                .receivingMxHostname("mx.example.com").failureReasonCode("unknown-ca").build();
        assertThat(untrusted.failureReasonCode()).isEqualTo("unknown-ca");

        // TlsReport
        TlsReport report = TlsReport.builder()
                .organizationName("Example Mail")
                .contactInfo("tlsrpt@mail.example.net")
                .reportId("20240225.example.com@mail.example.net")
                .dateRange(DateRange.utcDay(LocalDate.of(2024, 2, 25)))
                .policy(new PolicyResult(PolicyDetails.sts(DomainName.of("example.com"), policy.toText()),
                        new Summary(120, 0), List.of()))
                .build();
        TlsReport reportFromOtherNode = TlsReport.builder().organizationName("Example Mail")
                .contactInfo("tlsrpt@mail.example.net").reportId("20240225.example.com@mail.example.net")
                .day(LocalDate.of(2024, 2, 25))
                .policy(new PolicyResult(PolicyDetails.sts(domain, policy.toText()), new Summary(30, 0), List.of())).build();
        TlsReport all2 = report.merge(reportFromOtherNode);
        assertThat(all2.totalSuccessfulSessionCount()).isEqualTo(150);

        // ReportHeader
        ReportHeader h = report.header();
        assertThat(h.organizationName() + " " + h.dateRange() + " " + h.reportId())
                .startsWith("Example Mail 2024-02-25T00:00:00Z/");
    }

    @Test
    @DisplayName("Examples: reading, writing and file names")
    void readingAndWritingExamples(@TempDir Path dir) throws IOException {
        TlsReport report = someReport();
        // TlsReportWriter, ReportFormat, ReportFilename
        TlsReportWriter writer = TlsReportWriter.create();
        byte[] body = writer.write(report, ReportFormat.GZIP);
        String name = ReportFilename.of(report, ReportFormat.GZIP, "001").toString();
        Map<String, String> request = new HashMap<>();
        request.put("Content-Type", ReportFormat.GZIP.mediaType());
        assertThat(request).containsEntry("Content-Type", "application/tlsrpt+gzip");
        Optional<ReportFilename> parsed = ReportFilename.parse(name);
        assertThat(parsed).isPresent();

        // TlsReportReader
        Path file = dir.resolve(name);
        Files.write(file, body);
        TlsReportReader reader = TlsReportReader.lenient();
        ReadResult result = reader.read(file);
        TlsReport read = result.orElseThrow();
        result.warnings().forEach(w -> System.out.println(w.path() + ": " + w.detail()));
        assertThat(read).isEqualTo(report);
        TlsReportReader big = TlsReportReader.builder()
                .maxJsonBytes(1L << 30).maxFailureDetails(10_000_000).build();
        assertThat(big.read(body).orElseThrow()).isEqualTo(report);

        // ReadResult, ReportError, ReportWarning, ReportReadException
        ReadResult invalidResult = reader.read(new byte[] {'['});
        List<String> shown = new java.util.ArrayList<>();
        for (ReadResult res : List.of(result, invalidResult)) {
            switch (res.kind()) {
                case READ -> shown.add(((ReadResult.Read) res).report().reportId());
                case INVALID -> shown.add(((ReadResult.Invalid) res).error().toString());
            }
            if (res instanceof ReadResult.Invalid invalid) {
                ReportError e = invalid.error();
                assertThat(e.toString()).contains(e.path());
            }
            for (ReportWarning w : res.warnings()) {
                assertThat(w.toString()).startsWith("$");
            }
        }
        assertThat(shown).hasSize(2);
        try {
            reader.read(new byte[] {'['}).orElseThrow();
        } catch (ReportReadException e) {
            assertThat(e.error().path() + ": " + e.error().detail()).startsWith("$");
        }

        // ReportVisitor, StreamResult
        long[] failed = new long[1];
        StreamResult r = reader.stream(new ByteArrayInputStream(body), new ReportVisitor() {
            @Override
            public void failureDetails(int policy, long index, FailureDetails d) {
                failed[0] += d.failedSessionCount();
            }
        });
        if (r instanceof StreamResult.Completed done) {
            assertThat(done.header().reportId() + ": " + done.failureDetailCount() + " details")
                    .endsWith(": 2 details");
        }
        assertThat(failed[0]).isEqualTo(103);
    }

    @Test
    @DisplayName("Examples: the aggregator, summaries and readiness")
    void senderAndOwnerExamples(@TempDir Path dir) throws IOException {
        // ReportAggregator
        ReportAggregator aggregator = ReportAggregator.builder()
                .organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
                .snapshotFile(dir.resolve("tlsrpt-counts.json"))                     // restored here
                .build();
        ReportAggregator.PolicyKey sts = aggregator.policy(PolicyDetails.sts(domain, policy.toText()));
        aggregator.success(sts);                                                // one session, TLS fine
        ReportAggregator.FailureKey expired = aggregator.failureKey(sts,
                FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).receivingMxHostname("mx1.example.com").build());
        aggregator.failure(expired);                                            // one failed session
        aggregator.saveSnapshot();                                              // every minute or so
        List<TlsReport> yesterday = aggregator.takeReports(LocalDate.now(ZoneOffset.UTC).minusDays(1));
        assertThat(yesterday).isEmpty();
        assertThat(Files.exists(dir.resolve("tlsrpt-counts.json"))).isTrue();
        ReportAggregator restarted = ReportAggregator.builder()
                .organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
                .snapshotFile(dir.resolve("tlsrpt-counts.json")).build();
        assertThat(restarted.snapshot()).isEqualTo(aggregator.snapshot());
        List<TlsReport> today = aggregator.takeReports(LocalDate.now(Clock.systemUTC()));
        // Around midnight the two sessions may fall on different days; both are counted somewhere.
        long sessions = today.stream().mapToLong(t -> t.totalSuccessfulSessionCount() + t.totalFailureSessionCount())
                .sum();
        assertThat(sessions).isBetween(0L, 2L);

        // ReportAggregator.PolicyKey
        ReportAggregator.PolicyKey key = aggregator.policy(PolicyDetails.noPolicyFound(domain));
        aggregator.success(key);

        // ReportAggregator.FailureKey
        ReportAggregator.PolicyKey policyKey = key;
        ReportAggregator.FailureKey starttls = aggregator.failureKey(policyKey,
                FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED).receivingMxHostname("mx.example.com").build());
        aggregator.failure(starttls);

        // ReportAggregator.Builder
        ReportAggregator a = ReportAggregator.builder().organizationName("Example Mail")
                .contactInfo("tlsrpt@mail.example.net").clock(Clock.systemUTC())
                .snapshotFile(dir.resolve("other-counts.json")).build();
        assertThat(a.snapshot()).isEmpty();

        // ReportAggregator.ProblemListener
        ReportAggregator.ProblemListener log = (file, problem, cause) -> System.err.println(file + ": " + problem);
        ReportAggregator.builder().organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
                .snapshotFile(dir.resolve("tlsrpt-counts.json")).problemListener(log).build();

        ReportSummary summary = ReportSummary.of(List.of(someReport()));
        assertThat(summary.total().successRate()).isPresent();
        summary.byMxHost().forEach((mx, s) -> System.out.println(mx + " " + s.failedSessions()));
        String json = summary.toJson();
        assertThat(json).startsWith("{");
        ReportSummary.Counts c = new ReportSummary.Counts(99, 1);
        assertThat(c.successRate().getAsDouble()).isEqualTo(0.99);
        ReportSummary.MxHostStats st = summary.byMxHost().get("mx1.mail.company-y.example");
        assertThat(st.byResultType().get("certificate-expired")).isEqualTo(100);

        ReadinessCriteria criteria = ReadinessCriteria.of(DomainName.of("example.com"), LocalDate.of(2024, 3, 1), 14)
                .withMxHosts(List.of(DomainName.of("mx1.example.com"), DomainName.of("mx2.example.com")));
        Readiness r = summary.readiness(criteria);
        if (r.verdict() == Readiness.Verdict.READY) {
            throw new AssertionError("no reports for example.com: cannot be ready");
        }
        r.reasons().forEach(System.out::println);
        r.failures().forEach(f -> System.out.println(f.day() + " " + f.organization() + " " + f.resultType()));
        Readiness.MxEvidence e = r.mxHosts().get("mx1.example.com");
        boolean covered = e.coveringPattern() != null;
        assertThat(covered).isFalse();
    }
}
