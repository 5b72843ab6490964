package org.mtasts.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.core.ResultType;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyDetails;
import org.mtasts.tlsrpt.PolicyResult;
import org.mtasts.tlsrpt.ReadResult;
import org.mtasts.tlsrpt.Summary;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;

class DashboardTest {

    static List<TlsReport> corpusReports() throws IOException {
        List<TlsReport> reports = new ArrayList<>();
        for (Path file : IntakeCorpus.reports()) {
            ReadResult r = TlsReportReader.lenient().read(file);
            if (r instanceof ReadResult.Read read) {
                reports.add(read.report());
            }
        }
        return reports;
    }

    static TlsReport day(LocalDate day, String org, long ok, long failed, String mx) {
        DomainName domain = DomainName.of("example.com");
        List<FailureDetails> details = failed == 0 ? List.of()
                : List.of(FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).receivingMxHostname(mx)
                        .failedSessionCount(failed).build());
        return TlsReport.builder().organizationName(org).contactInfo("tlsrpt@reporter.example")
                .reportId(org + "-" + day).day(day)
                .policy(new PolicyResult(PolicyDetails.sts(domain, "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 86400\n"),
                        new Summary(ok, failed), details))
                .build();
    }

    @Test
    void drawsOneBarGroupPerDayOfTheWindowWithDaysWithoutReports() {
        List<TlsReport> reports = List.of(
                day(LocalDate.of(2026, 12, 1), "Google Inc.", 100, 0, "mx1.example.com"),
                day(LocalDate.of(2026, 12, 3), "Google Inc.", 90, 3, "mx1.example.com"),
                day(LocalDate.of(2026, 12, 3), "Microsoft Corporation", 50, 0, "mx1.example.com"));
        Dashboard dashboard = Dashboard.builder().build();
        String html = dashboard.render(reports);
        assertThat(dashboard.chartDays(reports)).containsExactly(LocalDate.of(2026, 12, 1), LocalDate.of(2026, 12, 2),
                LocalDate.of(2026, 12, 3));
        List<String> days = groups(html);
        assertThat(days).containsExactly(
                "2026-12-01\" data-successful=\"100\" data-failed=\"0",
                "2026-12-02\" data-successful=\"0\" data-failed=\"0",
                "2026-12-03\" data-successful=\"140\" data-failed=\"3");
        assertThat(html).contains("<h3>example.com <span class=\"badge\">NOT READY</span></h3>")
                .contains("<td>certificate-expired</td><td class=\"n\">3</td>")
                .contains("<td>mx1.example.com</td><td class=\"n\">3</td>")
                .contains("<td>Microsoft Corporation</td><td class=\"n\">0</td><td class=\"n\">50</td>");
    }

    @Test
    void hasNoExternalResourcesAndNoScript() throws IOException {
        String html = Dashboard.builder().build().render(corpusReports());
        assertThat(html).doesNotContain("<script").doesNotContain(" src=").doesNotContain(" href=")
                .doesNotContain("url(").contains("Content-Security-Policy\" content=\"default-src 'none'");
        assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http://").doesNotContain("https://");
        assertThat(groups(html)).hasSize(Dashboard.DEFAULT_CHART_DAYS);
    }

    @Test
    void escapesWhatSendersWrite() {
        String html = Dashboard.builder().build().render(List.of(
                day(LocalDate.of(2026, 12, 3), "<script>alert(1)</script>", 1, 1, "mx1.example.com")));
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void saysSoWhenTheStoreIsEmpty() {
        assertThat(Dashboard.builder().build().render(List.of())).contains("No reports in the store yet.");
    }

    @Test
    void theWindowEndsOnTheGivenDay() {
        List<TlsReport> reports = List.of(day(LocalDate.of(2026, 11, 1), "Google Inc.", 5, 0, "mx1.example.com"));
        Dashboard d = Dashboard.builder().until(LocalDate.of(2026, 11, 10)).chartDays(5).build();
        assertThat(d.chartDays(reports)).hasSize(5).startsWith(LocalDate.of(2026, 11, 6)).endsWith(LocalDate.of(2026, 11, 10));
        assertThat(groups(d.render(reports))).hasSize(5);
    }

    @Test
    void aLastDayBeforeEveryReportDrawsNoBars() {
        List<TlsReport> reports = List.of(day(LocalDate.of(2026, 11, 1), "Google Inc.", 5, 0, "mx1.example.com"));
        Dashboard d = Dashboard.builder().until(LocalDate.of(2026, 10, 1)).build();
        assertThat(d.chartDays(reports)).isEmpty();
        assertThat(d.render(reports)).contains("No reports up to the last day chosen.");
    }

    static List<String> groups(String html) {
        Matcher m = Pattern.compile("<g class=\"day\" data-day=\"([^>]*)\">").matcher(html);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
