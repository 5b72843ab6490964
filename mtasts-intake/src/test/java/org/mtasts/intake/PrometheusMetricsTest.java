package org.mtasts.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {

    @Test
    void writesTheCountsInTheTextFormat() {
        String text = PrometheusMetrics.render(List.of(
                DashboardTest.day(LocalDate.of(2026, 12, 3), "Google Inc.", 90, 3, "mx1.example.com"),
                DashboardTest.day(LocalDate.of(2026, 12, 4), "Google Inc.", 10, 0, "mx1.example.com")), 2);
        assertThat(text).isEqualTo("""
                # HELP mtasts_tlsrpt_reports TLS-RPT reports in the store, by sending organisation.
                # TYPE mtasts_tlsrpt_reports gauge
                mtasts_tlsrpt_reports{organization="Google Inc."} 2
                # HELP mtasts_tlsrpt_sessions Sessions reported (RFC 8460 summary), by policy domain, policy type and result.
                # TYPE mtasts_tlsrpt_sessions gauge
                mtasts_tlsrpt_sessions{policy_domain="example.com",policy_type="sts",result="failed"} 3
                mtasts_tlsrpt_sessions{policy_domain="example.com",policy_type="sts",result="successful"} 100
                # HELP mtasts_tlsrpt_failed_sessions Failed sessions by result type and receiving MX host (RFC 8460 failure-details).
                # TYPE mtasts_tlsrpt_failed_sessions gauge
                mtasts_tlsrpt_failed_sessions{policy_domain="example.com",result_type="certificate-expired",receiving_mx_hostname="mx1.example.com"} 3
                # HELP mtasts_tlsrpt_quarantined Inputs in quarantine: messages or bodies without a usable report.
                # TYPE mtasts_tlsrpt_quarantined gauge
                mtasts_tlsrpt_quarantined 0
                """.replace("mtasts_tlsrpt_quarantined 0", "mtasts_tlsrpt_quarantined 2"));
    }

    @Test
    void escapesLabelValues() {
        assertThat(PrometheusMetrics.labels("organization", "a\"b\\c\nd")).isEqualTo("{organization=\"a\\\"b\\\\c\\nd\"}");
    }

    @Test
    void everySampleLineOfTheCorpusIsWellFormed() throws IOException {
        String text = PrometheusMetrics.render(DashboardTest.corpusReports(), 0);
        for (String line : text.split("\n")) {
            assertThat(line).matches("# (HELP|TYPE) .*|[a-z_]+(\\{([a-z_]+=\"([^\"\\\\]|\\\\.)*\",?)+\\})? [0-9]+");
        }
    }
}
