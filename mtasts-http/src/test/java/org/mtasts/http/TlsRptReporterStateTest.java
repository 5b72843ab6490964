package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mtasts.http.ReporterFixture.AFTER_MIDNIGHT;
import static org.mtasts.http.ReporterFixture.DAY;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;

/** The state directory of {@link TlsRptReporter}: what survives a restart, and what a corrupt file does. */
class TlsRptReporterStateTest {
    static final String A = TlsRptReporterTest.A;
    static final UploadResult UNAVAILABLE = TlsRptReporterTest.UNAVAILABLE;

    @TempDir
    Path dir;

    final ReporterFixture f = new ReporterFixture();
    final List<String> problems = new ArrayList<>();

    TlsRptReporter.Builder builder() {
        return f.builder().stateDirectory(dir)
                .problemListener((file, problem, cause) -> problems.add(file.getFileName() + ": " + problem));
    }

    List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @DisplayName("A pending delivery survives a restart and is retried when due, with the same report")
    void pendingDeliverySurvivesARestart() throws IOException {
        f.count(DAY, "example.com", 7, 2);
        f.tlsRpt("example.com", A);
        f.uploads.then(A, UNAVAILABLE);
        try (TlsRptReporter first = builder().build()) {
            first.runNow(DAY);
            assertThat(first.pendingReports()).isOne();
        }
        assertThat(files()).containsExactly("1.pending", "suppressed.list");

        try (TlsRptReporter second = builder().build()) {
            assertThat(second.pendingReports()).isOne();
            assertThat(second.nextRetry()).contains(AFTER_MIDNIGHT.plus(Duration.ofMinutes(5)));
            f.clock.advance(Duration.ofMinutes(5));
            List<ReportResult> retried = second.retryDueNow();
            assertThat(TlsRptReporterTest.kinds(retried)).containsExactly(ReportResult.Kind.DELIVERED,
                    ReportResult.Kind.REPORT_DELIVERED);
            assertThat(retried.get(0).attempt()).isEqualTo(2);
            assertThat(second.pendingReports()).isZero();
        }
        List<ReporterFixture.ScriptedUploads.Upload> uploads = f.uploads.to(A);
        assertThat(uploads).hasSize(2);
        TlsReport before = TlsReportReader.strict().read(uploads.get(0).body()).orElseThrow();
        TlsReport after = TlsReportReader.strict().read(uploads.get(1).body()).orElseThrow();
        assertThat(after).isEqualTo(before);
        assertThat(after.totalSuccessfulSessionCount()).isEqualTo(7);
        assertThat(after.totalFailureSessionCount()).isEqualTo(2);
        assertThat(files()).containsExactly("suppressed.list"); // the finished report's file is gone
        assertThat(problems).isEmpty();
    }

    @Test
    @DisplayName("A report whose delivery was cut by a crash is delivered again after the restart (at least once)")
    void deliveryCutByACrashIsMadeAgain() throws IOException {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", A);
        CompletableFuture<UploadResult> never = new CompletableFuture<>();
        TlsRptReporter crashed = f.builder().stateDirectory(dir).uploads((uri, body, format) -> never)
                .closeTimeout(Duration.ZERO).build();
        crashed.runNowAsync(DAY);
        assertThat(files()).containsExactly("1.pending"); // written before the attempt
        // The process dies here: the upload never answers. A new reporter on the same directory:
        try (TlsRptReporter restarted = builder().build()) {
            assertThat(restarted.pendingReports()).isOne();
            assertThat(TlsRptReporterTest.kinds(restarted.retryDueNow())).containsExactly(ReportResult.Kind.DELIVERED,
                    ReportResult.Kind.REPORT_DELIVERED);
        }
        // The crashed reporter is never closed: closing would write its stale state over the directory.
        assertThat(f.uploads.to(A)).hasSize(1);
    }

    @Test
    @DisplayName("close() waits for a delivery in flight, then saves: the delivered report leaves no file")
    void closeWaitsForDeliveriesInFlight() throws Exception {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", A);
        CompletableFuture<UploadResult> answer = new CompletableFuture<>();
        TlsRptReporter reporter = builder().uploads((uri, body, format) -> answer).build();
        CompletableFuture<List<ReportResult>> run = reporter.runNowAsync(DAY);
        assertThat(files()).containsExactly("1.pending");
        Thread closing = new Thread(reporter::close, "closing");
        closing.start();
        answer.complete(new UploadResult.Delivered(200)); // the endpoint answers while (or before) close waits
        closing.join(30_000);
        assertThat(closing.isAlive()).isFalse();
        assertThat(TlsRptReporterTest.kinds(run.get(30, java.util.concurrent.TimeUnit.SECONDS)))
                .containsExactly(ReportResult.Kind.DELIVERED, ReportResult.Kind.REPORT_DELIVERED);
        assertThat(files()).containsExactly("suppressed.list");
    }

    @Test
    @DisplayName("close() waits at most its timeout; the delivery still in flight stays pending on disk")
    void closeWaitsBoundedly() throws Exception {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", A);
        TlsRptReporter reporter = builder().uploads((uri, body, format) -> new CompletableFuture<>())
                .closeTimeout(Duration.ofMillis(50)).build();
        reporter.runNowAsync(DAY);
        reporter.close();
        assertThat(files()).containsExactly("1.pending", "suppressed.list");
        try (TlsRptReporter restarted = builder().build()) {
            assertThat(restarted.pendingReports()).isOne();
            assertThat(restarted.nextRetry()).contains(AFTER_MIDNIGHT); // due at once: made again
        }
    }

    @Test
    @DisplayName("A report taken but not yet looked up survives a restart")
    void reportAwaitingItsLookupSurvivesARestart() {
        f.count(DAY, "example.com", 1, 0);
        f.dns.temporaryFailure("_smtp._tls.example.com", "SERVFAIL");
        try (TlsRptReporter first = builder().build()) {
            first.runNow(DAY);
        }
        f.tlsRpt("example.com", A);
        try (TlsRptReporter second = builder().build()) {
            f.clock.advance(Duration.ofMinutes(5));
            assertThat(TlsRptReporterTest.kinds(second.retryDueNow())).containsExactly(ReportResult.Kind.DELIVERED,
                    ReportResult.Kind.REPORT_DELIVERED);
        }
    }

    @Test
    @DisplayName("The suppression list survives a restart, with its expiry")
    void suppressionListSurvivesARestart() {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", A);
        f.uploads.then(A, TlsRptReporterTest.NOT_FOUND);
        try (TlsRptReporter first = builder().build()) {
            first.runNow(DAY);
        }
        try (TlsRptReporter second = builder().build()) {
            assertThat(second.suppressed()).containsExactlyEntriesOf(
                    java.util.Map.of(A, AFTER_MIDNIGHT.plus(TlsRptReporter.DEFAULT_SUPPRESSION)));
        }
        f.clock.advance(TlsRptReporter.DEFAULT_SUPPRESSION);
        try (TlsRptReporter third = builder().build()) {
            assertThat(third.suppressed()).isEmpty();
        }
    }

    @Test
    @DisplayName("RFC 8460 §5.5: retries older than 24 hours when the reporter starts give up at once")
    void pendingOlderThanADayGivesUpAtStart() throws IOException {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", A);
        f.uploads.then(A, UNAVAILABLE);
        try (TlsRptReporter first = builder().build()) {
            first.runNow(DAY);
        }
        f.clock.advance(Duration.ofHours(25));
        try (TlsRptReporter second = builder().build()) {
            assertThat(TlsRptReporterTest.kinds(second.results())).containsExactly(ReportResult.Kind.GAVE_UP,
                    ReportResult.Kind.REPORT_UNDELIVERED);
            assertThat(second.pendingReports()).isZero();
            assertThat(second.suppressed()).containsOnlyKeys(A);
        }
        assertThat(files()).containsExactly("suppressed.list");
        assertThat(f.uploads.to(A)).hasSize(1);
    }

    @Test
    @DisplayName("A corrupt file is moved aside and reported; start-up goes on")
    void corruptFilesAreQuarantined() throws IOException {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", A);
        f.uploads.then(A, UNAVAILABLE);
        try (TlsRptReporter first = builder().build()) {
            first.runNow(DAY);
        }
        // Flip one byte of the pending report, cut the suppression list, leave junk and a temporary file.
        Path pending = dir.resolve("1.pending");
        byte[] bytes = Files.readAllBytes(pending);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(pending, bytes);
        Path list = dir.resolve("suppressed.list");
        byte[] listBytes = Files.readAllBytes(list);
        Files.write(list, java.util.Arrays.copyOf(listBytes, listBytes.length - 3));
        Files.writeString(dir.resolve("7.pending"), "not a report", StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve(".tmp-123.tmp"), "half a write", StandardCharsets.US_ASCII);

        try (TlsRptReporter second = builder().build()) {
            assertThat(second.pendingReports()).isZero();
            assertThat(second.suppressed()).isEmpty();
            assertThat(second.nextRun()).isPresent();
        }
        assertThat(problems).hasSize(3);
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("1.pending: ignored: corrupt: checksum")
                .endsWith("moved aside to 1.pending.corrupt"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("suppressed.list: ignored: truncated"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("7.pending: ignored: truncated"));
        assertThat(files()).containsExactly("1.pending.corrupt", "7.pending.corrupt", "suppressed.list",
                "suppressed.list.corrupt");
    }

    @Test
    @DisplayName("A file of another report's name is quarantined, not read as the wrong report")
    void misnamedFileIsQuarantined() throws IOException {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", A);
        f.uploads.then(A, UNAVAILABLE);
        try (TlsRptReporter first = builder().build()) {
            first.runNow(DAY);
        }
        Files.move(dir.resolve("1.pending"), dir.resolve("2.pending"));
        try (TlsRptReporter second = builder().build()) {
            assertThat(second.pendingReports()).isZero();
        }
        assertThat(problems).singleElement().satisfies(p -> assertThat(p).contains("belongs in 1.pending"));
    }

    @Test
    @DisplayName("New reports after a restart get ids that do not overwrite restored ones")
    void idsContinueAfterRestore() throws IOException {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", A);
        f.uploads.always(A, UNAVAILABLE);
        try (TlsRptReporter first = builder().build()) {
            first.runNow(DAY);
        }
        f.count(DAY.plusDays(1), "example.com", 1, 0);
        f.clock.advance(Duration.ofDays(1).minusHours(1));
        try (TlsRptReporter second = builder().build()) {
            second.runNow(DAY.plusDays(1));
            assertThat(second.pendingReports()).isEqualTo(2);
        }
        assertThat(files()).containsExactly("1.pending", "2.pending", "suppressed.list");
    }
}
