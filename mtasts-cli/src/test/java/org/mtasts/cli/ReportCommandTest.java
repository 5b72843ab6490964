package org.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.DomainName;
import org.mtasts.core.StsPolicy;
import org.mtasts.tlsrpt.DateRange;
import org.mtasts.tlsrpt.PolicyDetails;
import org.mtasts.tlsrpt.PolicyResult;
import org.mtasts.tlsrpt.Summary;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportWriter;
import tools.jackson.databind.JsonNode;

/** {@code report show} and {@code report summary}, end to end in-process. */
class ReportCommandTest {

    @TempDir
    Path dir;

    private static final StsPolicy POLICY = StsPolicy.builder().mode(org.mtasts.core.PolicyMode.TESTING)
            .mx("mx1.example.com").build();

    private Path writeReport(LocalDate day, long ok, String name, boolean gzip) throws IOException {
        TlsReport report = TlsReport.builder().organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
                .reportId(day + ".1@mail.example.net").dateRange(DateRange.utcDay(day))
                .policy(new PolicyResult(PolicyDetails.sts(DomainName.of("example.com"), POLICY.toText()), new Summary(ok, 0), List.of()))
                .build();
        Path file = dir.resolve(name);
        TlsReportWriter writer = TlsReportWriter.create();
        Files.write(file, gzip ? writer.toGzip(report) : writer.toJson(report));
        return file;
    }

    private static Path corpus(String relative) {
        String shared = System.getProperty("mtasts.shared.dir");
        assumeTrue(shared != null && Files.isDirectory(Path.of(shared, "corpus")), "the shared corpus is not beside the checkout");
        return Path.of(shared, "corpus", relative);
    }

    @Test
    @DisplayName("RFC 8460 §4.4: report show prints the report with its RFC keys and no warnings")
    void showsOneReport() throws IOException {
        Path file = writeReport(LocalDate.of(2026, 11, 1), 12, "r.json.gz", true);
        Cli cli = Cli.run("report", "show", "--json", file.toString());
        assertThat(cli.exitCode()).isZero();
        JsonNode doc = cli.json();
        assertThat(Contract.keys(doc)).containsExactly("file", "report", "warnings");
        assertThat(doc.get("report").get("organization-name").asString()).isEqualTo("Example Mail");
        assertThat(doc.get("report").get("policies").get(0).get("summary").get("total-successful-session-count").asLong())
                .isEqualTo(12);
        assertThat(doc.get("warnings")).isEmpty();
    }

    @Test
    @DisplayName("Several files give a list; a broken file is an error with its path, exit 1")
    void showsSeveralAndBrokenFiles() throws IOException {
        Path good = writeReport(LocalDate.of(2026, 11, 1), 1, "a.json", false);
        Path bad = dir.resolve("b.json");
        Files.writeString(bad, "{\"organization-name\": ");
        Cli cli = Cli.run("report", "show", "--json", good.toString(), bad.toString());
        assertThat(cli.exitCode()).isEqualTo(1);
        JsonNode docs = cli.json();
        assertThat(docs.isArray()).isTrue();
        assertThat(docs).hasSize(2);
        assertThat(Contract.keys(docs.get(1))).containsExactly("file", "error", "warnings");
        assertThat(docs.get(1).get("error").get("line").asInt()).isEqualTo(1);
    }

    @Test
    @DisplayName("A real Microsoft report: every deviation is a warning with its JSON path")
    void realMicrosoftReport() {
        Path file = corpus("reports/mox__microsoft.com!test.xmox.nl!1673308800!1673395199!133198585438131172.json.gz");
        JsonNode doc = Cli.run("report", "show", "--json", file.toString()).json();
        assertThat(doc.get("report").get("date-range").get("start-datetime").asString()).isEqualTo("2023-01-10T00:00:00Z");
        assertThat(doc.get("warnings")).anySatisfy(w -> {
            assertThat(Contract.keys(w)).containsExactly("path", "message");
            assertThat(w.get("path").asString()).isEqualTo("$.date-range.start-datetime");
        });
        assertThat(Cli.run("report", "show", "--strict", file.toString()).exitCode()).isEqualTo(1);
    }

    @Test
    @DisplayName("RFC 8460 §5.3: a report e-mail is read from its attachment")
    void reportEmail() {
        JsonNode doc = Cli.run("report", "show", "--json", corpus("messages/mox__example.eml").toString()).json();
        assertThat(doc.get("report").get("organization-name").asString()).isEqualTo("Google Inc.");
    }

    @Test
    @DisplayName("report summary: totals, and ready to enforce after 14 clean days")
    void summaryAndReadiness() throws IOException {
        for (int i = 0; i < 14; i++) {
            writeReport(LocalDate.of(2026, 11, 1).plusDays(i), 100 + i, "day" + i + ".json", i % 2 == 0);
        }
        Cli cli = Cli.run("report", "summary", "--json", dir.toString(), "--mx", "mx1.example.com");
        JsonNode doc = cli.json();
        assertThat(Contract.keys(doc)).containsExactly("reports", "summary", "readiness", "errors");
        assertThat(doc.get("reports").asInt()).isEqualTo(14);
        assertThat(doc.get("readiness").get("verdict").asString()).isEqualTo("ready");
        assertThat(cli.exitCode()).isZero();
        Cli human = Cli.run("report", "summary", dir.toString(), "--days", "30");
        assertThat(human.out()).contains("14 reports").contains("Ready to enforce example.com?");
        assertThat(human.exitCode()).as("30 days asked, 14 reported").isEqualTo(1);
    }

    @Test
    @DisplayName("report summary on the corpus: no file rejected")
    void summaryOnCorpus() {
        Cli cli = Cli.run("report", "summary", "--json", corpus("reports").toString(), "--domain", "example.com");
        JsonNode doc = cli.json();
        assertThat(doc.get("errors")).isEmpty();
        assertThat(doc.get("reports").asInt()).isGreaterThanOrEqualTo(30);
    }
}
