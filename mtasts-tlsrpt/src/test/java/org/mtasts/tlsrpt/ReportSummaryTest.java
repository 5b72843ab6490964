package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;

class ReportSummaryTest {

    private static final DomainName DOMAIN = DomainName.of("example.com");
    private static final PolicyDetails TESTING = PolicyDetails.sts(DOMAIN, StsPolicy.builder()
            .mode(PolicyMode.TESTING).mx("mx1.example.com").mx("*.backup.example.com").build().toText());

    private static TlsReport report(String org, LocalDate day, long ok, List<FailureDetails> failures) {
        long failed = failures.stream().mapToLong(FailureDetails::failedSessionCount).sum();
        return new TlsReport(org, DateRange.utcDay(day), "tlsrpt@" + org.toLowerCase() + ".example", day + "." + org,
                List.of(new PolicyResult(TESTING, new Summary(ok, failed), failures)));
    }

    private static FailureDetails failure(String mx, long count) {
        return FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).receivingMxHostname(mx)
                .failedSessionCount(count).build();
    }

    @Test
    @DisplayName("RFC 8460 §4.4: sessions per day, organization, policy domain, MX host and result type")
    void summarizesReports() {
        LocalDate d1 = LocalDate.of(2024, 3, 1);
        List<TlsReport> reports = List.of(
                report("Google", d1, 90, List.of(failure("mx1.example.com", 10))),
                report("Microsoft", d1, 50, List.of()),
                report("Google", d1.plusDays(1), 100, List.of(failure("MX1.example.com", 5),
                        FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED).failedSessionCount(1).build())));
        ReportSummary s = ReportSummary.of(reports);
        assertThat(s.reportCount()).isEqualTo(3);
        assertThat(s.total()).isEqualTo(new ReportSummary.Counts(240, 16));
        assertThat(s.total().successRate().getAsDouble()).isCloseTo(240.0 / 256, within(1e-12));
        assertThat(s.byDay()).containsExactly(Map.entry(d1, new ReportSummary.Counts(140, 10)),
                Map.entry(d1.plusDays(1), new ReportSummary.Counts(100, 6)));
        assertThat(s.byOrganization()).containsOnlyKeys("Google", "Microsoft");
        assertThat(s.byOrganization().get("Google")).isEqualTo(new ReportSummary.Counts(190, 16));
        assertThat(s.byPolicyDomain()).containsOnlyKeys("example.com");
        assertThat(s.byMxHost()).containsOnlyKeys("mx1.example.com", ReportSummary.NONE);
        assertThat(s.byMxHost().get("mx1.example.com").failedSessions()).isEqualTo(15);
        assertThat(s.byMxHost().get("mx1.example.com").byResultType()).containsExactly(
                Map.entry("certificate-expired", 15L));
        assertThat(s.byResultType()).containsExactly(Map.entry("certificate-expired", 15L),
                Map.entry("starttls-not-supported", 1L));
        assertThat(new ReportSummary.Counts(0, 0).successRate()).isEmpty();
    }

    @Test
    @DisplayName("The summary serializes to JSON with kebab-case keys")
    void summaryAsJson() {
        ReportSummary s = ReportSummary.of(List.of(report("Google", LocalDate.of(2024, 3, 1), 3,
                List.of(failure("mx1.example.com", 1)))));
        Map<String, Object> json = TestJson.object(s.toJson());
        assertThat(json).containsKeys("report-count", "total", "by-day", "by-organization", "by-policy-domain",
                "by-mx-host", "by-result-type");
        assertThat(json.get("total").toString()).isEqualTo("{successful-sessions=3, failed-sessions=1, "
                + "success-rate=0.75}");
        assertThat(json.get("by-day").toString()).contains("2024-03-01");
        Map<String, Object> empty = TestJson.object(ReportSummary.of(List.of()).toJson());
        assertThat(empty.get("total").toString()).contains("success-rate=null");
    }

    @Test
    @DisplayName("RFC 8460 §4.4: the whole corpus summarizes; sessions add up to the reports' totals")
    void summarizesTheCorpus() {
        List<TlsReport> reports = new ArrayList<>();
        long ok = 0;
        long failed = 0;
        for (Path file : Corpus.reports()) {
            TlsReport r = TlsReportReader.lenient().read(Corpus.bytes(file)).orElseThrow();
            reports.add(r);
            ok += r.totalSuccessfulSessionCount();
            failed += r.totalFailureSessionCount();
        }
        ReportSummary s = ReportSummary.of(reports);
        assertThat(s.total()).isEqualTo(new ReportSummary.Counts(ok, failed));
        assertThat(s.byOrganization()).containsKeys("Google Inc.", "Microsoft Corporation", "Mail.ru");
        assertThat(s.byPolicyDomain()).containsKey(ReportSummary.NONE); // rpt03, sys4: no policy-domain
        assertThat(s.byDay().values().stream().mapToLong(ReportSummary.Counts::successfulSessions).sum()).isEqualTo(ok);
        assertThat(TestJson.object(s.toJson())).containsKey("by-mx-host");
    }

    // ------------------------------------------------------------------ readiness

    private static List<TlsReport> cleanDays(LocalDate last, int days) {
        List<TlsReport> out = new ArrayList<>();
        for (int i = 0; i < days; i++) {
            out.add(report("Google", last.minusDays(i), 20, List.of()));
            out.add(report("Microsoft", last.minusDays(i), 5, List.of()));
        }
        return out;
    }

    @Test
    @DisplayName("RFC 8461 §5: ready to enforce after N clean days, every MX covered, with the evidence")
    void readyAfterCleanDays() {
        LocalDate last = LocalDate.of(2024, 3, 14);
        Readiness r = ReportSummary.of(cleanDays(last, 14)).readiness(ReadinessCriteria.of(DOMAIN, last, 14)
                .withMxHosts(List.of(DomainName.of("mx1.example.com"), DomainName.of("a.backup.example.com"))));
        assertThat(r.verdict()).isEqualTo(Readiness.Verdict.READY);
        assertThat(r.daysWithoutReports()).isEmpty();
        assertThat(r.reporters()).containsExactly("Google", "Microsoft");
        assertThat(r.stsSuccessfulSessions()).isEqualTo(14 * 25);
        assertThat(r.failedSessions()).isZero();
        assertThat(r.mxHosts()).containsExactly(
                Map.entry("a.backup.example.com", new Readiness.MxEvidence("*.backup.example.com", 0)),
                Map.entry("mx1.example.com", new Readiness.MxEvidence("mx1.example.com", 0)));
        assertThat(r.reasons()).singleElement().asString().contains("no failures");
        Map<String, Object> json = TestJson.object(r.toJson());
        assertThat(json.get("verdict")).isEqualTo("ready");
        assertThat(json.get("first-day")).isEqualTo("2024-03-01");
    }

    @Test
    @DisplayName("RFC 8461 §5: a failure in the window means not ready, with the failure as evidence")
    void notReadyWithFailures() {
        LocalDate last = LocalDate.of(2024, 3, 14);
        List<TlsReport> reports = new ArrayList<>(cleanDays(last, 14));
        reports.add(report("Mail.ru", last.minusDays(3), 1, List.of(failure("mx1.example.com", 2))));
        reports.add(report("Mail.ru", last.minusDays(30), 1, List.of(failure("mx1.example.com", 9)))); // outside
        Readiness r = ReportSummary.of(reports).readiness(ReadinessCriteria.of(DOMAIN, last, 14));
        assertThat(r.verdict()).isEqualTo(Readiness.Verdict.NOT_READY);
        assertThat(r.failedSessions()).isEqualTo(2);
        assertThat(r.failures()).containsExactly(new Readiness.FailureEvidence(last.minusDays(3), "Mail.ru", "sts",
                "certificate-expired", "mx1.example.com", null, 2));
        assertThat(r.mxHosts().get("mx1.example.com").failedSessions()).isEqualTo(2);
        assertThat(r.reasons()).anyMatch(s -> s.contains("2 failed sessions"));
    }

    @Test
    @DisplayName("RFC 8461 §4.1: an MX host the reported policy does not cover means not ready")
    void notReadyWithAnUncoveredMx() {
        LocalDate last = LocalDate.of(2024, 3, 14);
        Readiness r = ReportSummary.of(cleanDays(last, 7)).readiness(ReadinessCriteria.of(DOMAIN, last, 7)
                .withMxHosts(Set.of(DomainName.of("mx3.example.com"))));
        assertThat(r.verdict()).isEqualTo(Readiness.Verdict.NOT_READY);
        assertThat(r.mxHosts().get("mx3.example.com").coveringPattern()).isNull();
    }

    @Test
    @DisplayName("RFC 8460 §4.1: a day without reports, or no sts sessions at all, is not enough data")
    void insufficientData() {
        LocalDate last = LocalDate.of(2024, 3, 14);
        List<TlsReport> gap = new ArrayList<>(cleanDays(last, 14));
        gap.removeIf(t -> t.dateRange().startDay().equals(last.minusDays(5)));
        Readiness r = ReportSummary.of(gap).readiness(ReadinessCriteria.of(DOMAIN, last, 14));
        assertThat(r.verdict()).isEqualTo(Readiness.Verdict.INSUFFICIENT_DATA);
        assertThat(r.daysWithoutReports()).containsExactly(last.minusDays(5));
        TlsReport noPolicy = new TlsReport("Google", DateRange.utcDay(last), "a@google.com", "x",
                List.of(new PolicyResult(PolicyDetails.noPolicyFound(DOMAIN), new Summary(10, 0), List.of())));
        Readiness none = ReportSummary.of(List.of(noPolicy)).readiness(ReadinessCriteria.of(DOMAIN, last, 1));
        assertThat(none.verdict()).isEqualTo(Readiness.Verdict.INSUFFICIENT_DATA);
        assertThat(none.reasons()).anyMatch(s -> s.contains("sts"));
    }

    @Test
    @DisplayName("RFC 8460 §4.4: mx patterns come from mx-host, else from the policy's mx lines (Microsoft)")
    void mxPatternsFromPolicyStrings() {
        LocalDate day = LocalDate.of(2023, 1, 10);
        TlsReport microsoft = TlsReportReader.lenient().read(Reports.resource(
                "microsoft.com!test.xmox.nl!1673308800!1673395199!133198585438131172.json.gz")).orElseThrow();
        Readiness r = ReportSummary.of(List.of(microsoft)).readiness(
                ReadinessCriteria.of(DomainName.of("test.xmox.nl"), day, 1));
        assertThat(r.verdict()).isEqualTo(Readiness.Verdict.READY);
        assertThat(r.mxHosts()).containsOnlyKeys("komijn.test.xmox.nl");
    }
}
