package org.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code report fetch}, {@code dashboard} and {@code metrics}, end to end in-process. */
class IntakeCommandsTest {

    @TempDir
    Path dir;

    private static Path corpus(String relative) {
        String shared = System.getProperty("mtasts.shared.dir");
        if (shared == null || !Files.isDirectory(Path.of(shared, "corpus"))) {
            throw new IllegalStateException("the shared corpus is not beside the checkout");
        }
        return Path.of(shared, "corpus", relative);
    }

    private static long count(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void fetchTakesFilesAndMaildirsOnceAndASecondRunStoresNothingNew() throws IOException {
        Path store = dir.resolve("store");
        Path maildir = dir.resolve("Maildir");
        for (String sub : new String[] {"new", "cur", "tmp"}) {
            Files.createDirectories(maildir.resolve(sub));
        }
        Files.copy(corpus("messages/mox__example.eml"), maildir.resolve("new/1.eml"));
        Files.writeString(maildir.resolve("new/2.eml"), "Subject: not a report\r\n\r\nhello\r\n");

        Cli first = Cli.run("report", "fetch", "--store", store.toString(), "--maildir", maildir.toString(),
                corpus("reports/stalwart__rpt02.json").toString(), "--json");
        assertThat(first.exitCode()).as(first.err()).isEqualTo(MtastsCli.FINDINGS);
        JsonNode total = first.json().get("total");
        assertThat(total.get("stored").asLong()).isEqualTo(2);
        assertThat(total.get("quarantined").asLong()).isEqualTo(1);
        assertThat(count(store.resolve("reports"))).isEqualTo(2);
        Path entry;
        try (Stream<Path> s = Files.list(store.resolve("quarantine"))) {
            entry = s.findFirst().orElseThrow();
        }
        assertThat(Files.readString(entry.resolve("reason.txt"))).startsWith("reason: not a usable report e-mail");

        Cli second = Cli.run("report", "fetch", "--store", store.toString(), "--maildir", maildir.toString(),
                corpus("reports/stalwart__rpt02.json").toString());
        assertThat(second.out()).contains("total: 0 new, 2 seen before, 1 quarantined");
        assertThat(count(store.resolve("reports"))).isEqualTo(2);
        assertThat(count(store.resolve("quarantine"))).isEqualTo(1);
    }

    @Test
    void dashboardAndMetricsReadTheStore() throws IOException {
        Path store = dir.resolve("store");
        Cli fetch = Cli.run("report", "fetch", "--store", store.toString(), corpus("reports").toString());
        assertThat(fetch.out()).contains("total: ");
        Cli dashboard = Cli.run("report", "dashboard", "--store", store.toString(), "--out", dir.resolve("site").toString(),
                "--chart-days", "30");
        assertThat(dashboard.exitCode()).as(dashboard.err()).isZero();
        String html = Files.readString(dir.resolve("site/index.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg id=\"sessions-per-day\"");
        assertThat(html.split("<g class=\"day\"", -1)).hasSize(31);

        Cli metrics = Cli.run("report", "metrics", "--store", store.toString());
        assertThat(metrics.exitCode()).isZero();
        assertThat(metrics.out()).contains("# TYPE mtasts_tlsrpt_reports gauge")
                .contains("mtasts_tlsrpt_reports{organization=\"Google Inc.\"}");
        Cli toFile = Cli.run("report", "metrics", "--store", store.toString(), "--out", dir.resolve("tlsrpt.prom").toString());
        assertThat(toFile.exitCode()).isZero();
        assertThat(dir.resolve("tlsrpt.prom")).hasContent(metrics.out().stripTrailing());
    }

    @Test
    void fetchWithoutASourceOrPasswordIsAUsageError() {
        assertThat(Cli.run("report", "fetch", "--store", dir.toString()).exitCode()).isEqualTo(MtastsCli.USAGE);
        Cli noPassword = Cli.run("report", "fetch", "--store", dir.toString(), "--imap", "imaps://u@127.0.0.1:1/INBOX",
                "--password-env", "MTASTS_TEST_SURELY_UNSET_VARIABLE");
        assertThat(noPassword.exitCode()).isEqualTo(MtastsCli.USAGE);
        assertThat(noPassword.err()).contains("no IMAP password");
        Cli inUri = Cli.run("report", "fetch", "--store", dir.toString(), "--imap", "imaps://u:secret@127.0.0.1/INBOX");
        assertThat(inUri.exitCode()).isEqualTo(MtastsCli.USAGE);
        assertThat(inUri.err()).contains("must not hold a password");
    }

    @Test
    void receiveNeedsACertificateOrPlainHttp() {
        Cli r = Cli.run("report", "receive", "--store", dir.toString(), "--listen", "127.0.0.1:0");
        assertThat(r.exitCode()).isEqualTo(MtastsCli.USAGE);
        assertThat(r.err()).contains("give --cert and --key");
    }
}
