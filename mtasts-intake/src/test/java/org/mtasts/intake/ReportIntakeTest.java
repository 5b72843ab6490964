package org.mtasts.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportWriter;

class ReportIntakeTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    FileReportStore store;
    Quarantine quarantine;
    ReportIntake intake;

    @BeforeEach
    void open() throws IOException {
        store = FileReportStore.open(tmp.resolve("reports"));
        quarantine = Quarantine.open(tmp.resolve("quarantine"), CLOCK);
        intake = ReportIntake.builder().store(store).quarantine(quarantine).build();
    }

    @Test
    void storesEveryCorpusReportOnceAndASecondRunStoresNothing() throws IOException {
        List<Path> files = IntakeCorpus.reports();
        IntakeCounts first = IntakeCounts.ZERO;
        Set<ReportIdentity> identities = new HashSet<>();
        for (Path file : files) {
            IntakeResult r = intake.acceptFile(file);
            first = first.plus(r);
            if (r instanceof IntakeResult.Stored s) {
                identities.add(s.identity());
            } else if (r instanceof IntakeResult.Duplicate d) {
                assertThat(identities).as("a duplicate of a report stored before in this run").contains(d.identity());
            }
        }
        assertThat(first.total()).isEqualTo(files.size());
        assertThat(first.stored()).isEqualTo(identities.size()).isEqualTo(store.size()).isGreaterThan(25);
        assertThat(store.reports()).hasSize((int) first.stored());

        IntakeCounts second = intake.acceptDirectory(IntakeCorpus.dir().resolve("reports"));
        assertThat(second.stored()).isZero();
        assertThat(second.duplicates()).isEqualTo(first.stored() + first.duplicates());
        assertThat(second.quarantined()).isEqualTo(first.quarantined());
        assertThat(quarantine.entries()).hasSize((int) first.quarantined());
        assertThat(store.size()).isEqualTo(first.stored());
    }

    @Test
    @DisplayName("Google and Microsoft reports are stored, Microsoft's date-times without zone read as UTC")
    void storesGoogleAndMicrosoftReports() throws IOException {
        IntakeResult google = intake.acceptFile(IntakeCorpus.report("mox__google.com!test.xmox.nl!1663200000!1663286399!001.json.gz"));
        IntakeResult microsoft = intake.acceptFile(IntakeCorpus.report(
                "mox__microsoft.com!test.xmox.nl!1673308800!1673395199!133198585438131172.json.gz"));
        IntakeResult microsoftToo = intake.acceptFile(IntakeCorpus.report("cry-inc__microsoft.json"));
        assertThat(List.of(google.kind(), microsoft.kind(), microsoftToo.kind())).containsOnly(IntakeResult.Kind.STORED);
        ReportIdentity id = ((IntakeResult.Stored) microsoft).identity();
        assertThat(id).isEqualTo(new ReportIdentity("Microsoft Corporation", "133198585438131172+test.xmox.nl"));
        TlsReport stored = store.reports().stream().filter(r -> ReportIdentity.of(r).equals(id)).findFirst().orElseThrow();
        assertThat(stored.dateRange().start()).isEqualTo(Instant.parse("2023-01-10T00:00:00Z"));
    }

    @Test
    void storesReportsWithNullOrMissingFields() throws IOException {
        // contact-info null; two policies without policy-domain and a summary without failures count.
        assertThat(intake.acceptFile(IntakeCorpus.report("cry-inc__no-contact.json")).kind()).isEqualTo(IntakeResult.Kind.STORED);
        assertThat(intake.acceptFile(IntakeCorpus.report("stalwart__rpt03.json")).kind()).isEqualTo(IntakeResult.Kind.STORED);
        assertThat(store.reports()).hasSize(2);
    }

    @Test
    void storesTheReportOfEveryCorpusMessage() throws IOException {
        for (Path message : IntakeCorpus.messages()) {
            assertThat(intake.acceptFile(message).kind()).as(message.getFileName().toString())
                    .isIn(IntakeResult.Kind.STORED, IntakeResult.Kind.DUPLICATE);
        }
        assertThat(store.size()).isPositive();
        assertThat(quarantine.entries()).isEmpty();
    }

    @Test
    void aBrokenMessageIsQuarantinedWithItsReasonAndTheRestGoesOn() throws IOException {
        Path maildir = maildir(tmp.resolve("Maildir"));
        List<Path> messages = IntakeCorpus.messages();
        Files.write(maildir.resolve("new/1.a"), IntakeCorpus.bytes(messages.get(0)));
        Files.write(maildir.resolve("new/2.broken"), brokenMessage());
        Files.write(maildir.resolve("cur/3.c:2,S"), IntakeCorpus.bytes(messages.get(1)));

        IntakeCounts counts = intake.acceptMaildir(maildir);

        assertThat(counts).isEqualTo(new IntakeCounts(2, 0, 1));
        assertThat(quarantine.entries()).hasSize(1);
        Path entry = quarantine.entries().get(0);
        assertThat(entry.resolve(Quarantine.CONTENT)).hasBinaryContent(brokenMessage());
        String reason = Files.readString(entry.resolve(Quarantine.REASON));
        assertThat(reason).startsWith("reason: not a usable report e-mail: ")
                .contains("origin: maildir " + maildir.resolve("new/2.broken"))
                .contains("at: 2026-12-04T10:00:00Z");

        // RFC 8460 §4.4 report-id: the second run finds nothing new and quarantines nothing twice.
        assertThat(intake.acceptMaildir(maildir)).isEqualTo(new IntakeCounts(0, 2, 1));
        assertThat(quarantine.entries()).hasSize(1);
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void aDirectoryWithGarbageBetweenReportsStoresTheReports() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        Files.write(dir.resolve("a.json"), IntakeCorpus.bytes(IntakeCorpus.report("stalwart__rpt01.json")));
        Files.write(dir.resolve("b.json"), "{\"organization-name\": ".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("c.json.gz"), new byte[] {0x1F, (byte) 0x8B, 8, 0, 0, 0});
        Files.write(dir.resolve("d.json"), IntakeCorpus.bytes(IntakeCorpus.report("stalwart__rpt02.json")));
        assertThat(intake.acceptDirectory(dir)).isEqualTo(new IntakeCounts(2, 0, 2));
        List<String> reasons = new ArrayList<>();
        for (Path e : quarantine.entries()) {
            reasons.add(Files.readString(e.resolve(Quarantine.REASON)));
        }
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("origin: file " + dir.resolve("b.json")))
                .anySatisfy(r -> assertThat(r).contains("origin: file " + dir.resolve("c.json.gz")));
    }

    @Test
    void aFileOverTheLimitIsQuarantinedWithItsHead() throws IOException {
        ReportIntake small = ReportIntake.builder().store(store).quarantine(quarantine).maxInputBytes(1024).build();
        Path big = Files.write(tmp.resolve("big.json"), new byte[5000]);
        IntakeResult r = small.acceptFile(big);
        assertThat(r).isInstanceOf(IntakeResult.Quarantined.class);
        assertThat(((IntakeResult.Quarantined) r).reason()).startsWith("larger than 1024 bytes");
        assertThat(((IntakeResult.Quarantined) r).entry().resolve(Quarantine.CONTENT)).hasSize(1025);
    }

    @Test
    void aReportIdNeverBecomesAPath() throws IOException {
        TlsReport report = TlsReport.builder().organizationName("../../evil").reportId("../../../etc/passwd").contactInfo("tlsrpt@evil.example")
                .day(java.time.LocalDate.of(2026, 12, 3)).build();
        assertThat(intake.acceptReport(TlsReportWriter.create().toJson(report), "test").kind())
                .isEqualTo(IntakeResult.Kind.STORED);
        try (var files = Files.list(store.directory())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .containsExactly(ReportIdentity.of(report).digest() + ".json");
        }
        assertThat(ReportIdentity.of(report).digest()).matches("[0-9a-f]{64}");
    }

    @Test
    void concurrentWritersOfTheSameReportStoreItOnce() throws Exception {
        TlsReport report = TlsReport.builder().organizationName("Example").reportId("r-1").contactInfo("tlsrpt@example.com")
                .day(java.time.LocalDate.of(2026, 12, 3)).build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                tasks.add(() -> store.add(report));
            }
            long stored = 0;
            for (Future<Boolean> f : pool.invokeAll(tasks)) {
                stored += f.get() ? 1 : 0;
            }
            assertThat(stored).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        try (var files = Files.list(store.directory())) {
            assertThat(files.toList()).hasSize(1);
        }
        assertThat(store.reports()).containsExactly(report);
    }

    @Test
    void identitiesDifferByOrganisationAndReportId() {
        assertThat(new ReportIdentity("a", "bc").digest()).isNotEqualTo(new ReportIdentity("ab", "c").digest());
        assertThat(new ReportIdentity("Google Inc.", "1").digest()).isNotEqualTo(new ReportIdentity("Microsoft", "1").digest());
    }

    @Test
    void aMaildirNeedsNewAndCur() {
        assertThatThrownBy(() -> intake.acceptMaildir(tmp)).isInstanceOf(IOException.class)
                .hasMessageContaining("is not a Maildir");
    }

    @Test
    void theBuilderNeedsAStoreAndAQuarantine() {
        assertThatThrownBy(() -> ReportIntake.builder().store(store).build())
                .isInstanceOf(IllegalStateException.class).hasMessage("quarantine is not set");
    }

    static Path maildir(Path dir) throws IOException {
        for (String sub : List.of("new", "cur", "tmp")) {
            Files.createDirectories(dir.resolve(sub));
        }
        return dir;
    }

    /** A report e-mail whose gzip attachment is cut short. */
    static byte[] brokenMessage() {
        return ("From: noreply-smtp-tls-reporting@google.com\r\nTo: tlsrpt@example.test\r\n"
                + "Subject: Report Domain: example.test Submitter: google.com Report-ID: <broken>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=tlsrpt; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nreport\r\n"
                + "--b\r\nContent-Type: application/tlsrpt+gzip\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"google.com!example.test!1!2!001.json.gz\"\r\n\r\n"
                + "H4sIAAAAAAAAA6tWKkktLlGyUlAqS8wpTVWqBQBHn8V9EAAAAA==garbage\r\n--b--\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
