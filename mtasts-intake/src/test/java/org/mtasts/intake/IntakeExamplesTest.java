package org.mtasts.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.DomainName;
import org.mtasts.intake.imap.ImapSource;
import org.mtasts.testkit.CertificateVariant;
import org.mtasts.testkit.SandboxPki;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;

/**
 * The Javadoc examples of mtasts-intake, compiled and run: each {@code // --- example:} region is
 * the example as written (CONTRIBUTING.md, "Examples"); the set-up before it gives its variables,
 * the assertions after it check what it did.
 */
class IntakeExamplesTest {

    @TempDir
    Path tmp;

    private final TlsReport report = DashboardTest.day(LocalDate.of(2026, 12, 3), "Google Inc.", 10, 1, "mx1.example.com");

    private ReportIntake intake() throws IOException {
        return ReportIntake.builder().store(FileReportStore.open(tmp.resolve("store")))
                .quarantine(Quarantine.open(tmp.resolve("quarantine"), Clock.systemUTC())).build();
    }

    @Test
    void reportIdentity() {
        // --- example: ReportIdentity
        ReportIdentity id = ReportIdentity.of(report);
        String fileName = id.digest() + ".json";
        // ---
        assertThat(fileName).matches("[0-9a-f]{64}\\.json");
    }

    @Test
    void reportStore() throws IOException {
        Path directory = tmp.resolve("reports");
        // --- example: ReportStore
        ReportStore store = FileReportStore.open(directory);
        boolean isNew = store.add(report);
        List<TlsReport> all = store.reports();
        // ---
        assertThat(isNew).isTrue();
        assertThat(all).containsExactly(report);
    }

    @Test
    void fileReportStore() throws IOException {
        Path directory = tmp.resolve("reports");
        // --- example: FileReportStore
        FileReportStore store = FileReportStore.open(directory);   // e.g. /var/lib/mtasts/reports
        boolean isNew = store.add(report);
        // ---
        assertThat(isNew).isTrue();
        assertThat(store.add(report)).isFalse();
    }

    @Test
    void quarantine() throws IOException {
        Path directory = tmp.resolve("quarantine");
        byte[] bytes = "not a report".getBytes(StandardCharsets.US_ASCII);
        // --- example: Quarantine
        Quarantine quarantine = Quarantine.open(directory, Clock.systemUTC());
        Path entry = quarantine.put(bytes, "imap uid 42", "not a report: no tlsrpt part");
        // ---
        assertThat(Files.readString(entry.resolve(Quarantine.REASON))).contains("origin: imap uid 42");
    }

    @Test
    void intakeResult() throws Exception {
        ReportIntake intake = intake();
        byte[] body = "{}".getBytes(StandardCharsets.US_ASCII);
        String printed = printed(() -> {
            // --- example: IntakeResult
            IntakeResult r = intake.acceptReport(body, "upload.json");
            if (r instanceof IntakeResult.Quarantined q) {
                System.err.println(q.reason() + " (kept in " + q.entry() + ")");
            }
            // ---
        });
        assertThat(printed).startsWith("not a usable report: ");
    }

    @Test
    void reportIntake() throws Exception {
        Path storeDir = tmp.resolve("store");
        Path quarantineDir = tmp.resolve("quarantine");
        Path maildir = ReportIntakeTest.maildir(tmp.resolve("Maildir"));
        Files.copy(IntakeCorpus.messages().get(0), maildir.resolve("new/1"));
        // --- example: ReportIntake
        ReportIntake intake = ReportIntake.builder()
                .store(FileReportStore.open(storeDir))
                .quarantine(Quarantine.open(quarantineDir, Clock.systemUTC()))
                .build();
        IntakeCounts counts = intake.acceptMaildir(maildir);
        // ---
        assertThat(counts).isEqualTo(new IntakeCounts(1, 0, 0));
    }

    @Test
    void intakeCounts() throws Exception {
        ReportIntake intake = intake();
        Path maildir = ReportIntakeTest.maildir(tmp.resolve("Maildir"));
        Files.copy(IntakeCorpus.messages().get(0), maildir.resolve("new/1"));
        intake.acceptMaildir(maildir);
        String printed = printed(() -> {
            // --- example: IntakeCounts
            IntakeCounts counts = intake.acceptMaildir(maildir);
            System.out.println(counts.stored() + " new, " + counts.duplicates() + " seen before, "
                    + counts.quarantined() + " quarantined");
            // ---
        });
        assertThat(printed).isEqualToIgnoringNewLines("0 new, 1 seen before, 0 quarantined");
    }

    @Test
    void reportIntakeBuilder() throws IOException {
        ReportStore store = FileReportStore.open(tmp.resolve("store"));
        Quarantine quarantine = Quarantine.open(tmp.resolve("quarantine"), Clock.systemUTC());
        // --- example: ReportIntake.Builder
        ReportIntake.Builder b = ReportIntake.builder().store(store).quarantine(quarantine)
                .reportReader(TlsReportReader.builder().maxJsonBytes(5_000_000).build());
        // ---
        assertThat(b.build().store()).isSameAs(store);
    }

    @Test
    void reportReceiverServer() throws Exception {
        ReportIntake intake = intake();
        SandboxPki pki = SandboxPki.create(Clock.fixed(Instant.parse("2026-12-04T00:00:00Z"), ZoneOffset.UTC));
        SSLContext sslContext = ReportReceiverServerTest.serverContext(pki.issue("tlsrpt.example.test", CertificateVariant.VALID));
        // --- example: ReportReceiverServer
        ReportReceiverServer server = ReportReceiverServer.builder()
                .intake(intake)
                .address(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(sslContext)
                .build();
        server.start();
        int port = server.address().getPort();
        server.close();
        // ---
        assertThat(port).isPositive();
    }

    @Test
    void reportReceiverServerBuilder() throws Exception {
        ReportIntake intake = intake();
        // --- example: ReportReceiverServer.Builder
        ReportReceiverServer.Builder b = ReportReceiverServer.builder().intake(intake)
                .address(new InetSocketAddress(8443)).path("/tlsrpt").maxBodyBytes(1_000_000);
        // ---
        b.address(new InetSocketAddress("127.0.0.1", 0));
        try (ReportReceiverServer server = b.build()) {
            assertThat(server.uri().getPath()).isEqualTo("/tlsrpt");
        }
    }

    @Test
    void dashboardAndMetrics() throws IOException {
        ReportStore store = FileReportStore.open(tmp.resolve("store"));
        store.add(report);
        Quarantine quarantine = Quarantine.open(tmp.resolve("quarantine"), Clock.systemUTC());
        Path outDir = Files.createDirectories(tmp.resolve("site"));
        // --- example: Dashboard
        String html = Dashboard.builder().days(14).build().render(store.reports());
        Files.writeString(outDir.resolve("index.html"), html);
        // ---
        assertThat(outDir.resolve("index.html")).content().contains("<g class=\"day\" data-day=\"2026-12-03\"");
        // --- example: Dashboard.Builder
        Dashboard dashboard = Dashboard.builder().days(30).until(LocalDate.of(2026, 12, 3))
                .domain(DomainName.of("example.com")).build();
        // ---
        assertThat(dashboard.render(store.reports())).contains("<h3>example.com <span class=\"badge\">NOT READY</span>");
        // --- example: PrometheusMetrics
        String text = PrometheusMetrics.render(store.reports(), quarantine.entries().size());
        // ---
        assertThat(text).contains("mtasts_tlsrpt_quarantined 0\n");
    }

    @Test
    void imapSourceFailsWithTheServerNamedWhenItCannotConnect() throws Exception {
        ReportIntake intake = intake();
        char[] passwordChars = "secret".toCharArray();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        int port = closedPort;
        assertThatThrownBy(() -> {
            // --- example: ImapSource
            ImapSource source = ImapSource.builder()
                    .uri(URI.create("imaps://tlsrpt@imap.example.com/INBOX"))
                    .uri(URI.create("imaps://tlsrpt@127.0.0.1:" + port + "/INBOX")) // sandbox only
                    .timeout(Duration.ofSeconds(5)) // sandbox only
                    .password(passwordChars)
                    .build();
            IntakeCounts counts = source.fetch(intake);
            // ---
            assertThat(counts).isNull();
        }).isInstanceOf(IOException.class).hasMessageStartingWith("IMAP 127.0.0.1:" + port + "/INBOX: ");
        // --- example: ImapSource.Builder
        ImapSource.Builder b = ImapSource.builder().uri(URI.create("imap://tlsrpt@127.0.0.1:10143/INBOX"))
                .password(passwordChars).moveTo("Processed").timeout(Duration.ofSeconds(20));
        // ---
        assertThat(b.build().folder()).isEqualTo("INBOX");
        assertThatThrownBy(() -> ImapSource.builder().uri(URI.create("imaps://u:pw@host/INBOX")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not hold a password");
    }

    @Test
    void jdbcReportStoreNamesTheDatabaseWhenItCannotConnect() throws Exception {
        Path passwordFile = Files.writeString(tmp.resolve("password"), "secret\n");
        String url = "jdbc:mtasts-no-such-driver://127.0.0.1/tlsrpt";
        assertThatThrownBy(() -> {
            // --- example: JdbcReportStore
            Properties login = new Properties();
            login.setProperty("user", "tlsrpt");
            login.setProperty("password", Files.readString(passwordFile).strip());
            JdbcReportStore store = JdbcReportStore.open(url, login);   // jdbc:postgresql://127.0.0.1:5432/tlsrpt
            boolean isNew = store.add(report);
            // ---
            assertThat(isNew).isTrue();
        }).isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot create the table tlsrpt_reports (" + url + ", table tlsrpt_reports): ");
        assertThatThrownBy(() -> JdbcReportStore.open(url, new Properties(), "reports; DROP TABLE x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    interface Code {
        void run() throws Exception;
    }

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
}
