package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mtasts.tlsrpt.ReportAggregatorTest.DAY;
import static org.mtasts.tlsrpt.ReportAggregatorTest.NONE;
import static org.mtasts.tlsrpt.ReportAggregatorTest.STS;
import static org.mtasts.tlsrpt.ReportAggregatorTest.expired;
import static org.mtasts.tlsrpt.ReportAggregatorTest.fetchFailed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots: the file round trip, merging, quarantine of bad files, saves beside counting. */
class ReportAggregatorSnapshotTest {

    @TempDir
    Path dir;

    record Problem(Path file, String problem) {}

    final List<Problem> problems = new CopyOnWriteArrayList<>();
    final MutableClock clock = new MutableClock(Instant.parse("2024-02-25T12:00:00Z"));

    Path file() {
        return dir.resolve("tlsrpt-counts.json");
    }

    ReportAggregator.Builder builder() {
        return ReportAggregator.builder().organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
                .clock(clock).problemListener((file, problem, cause) -> problems.add(new Problem(file, problem)));
    }

    ReportAggregator open() {
        return builder().snapshotFile(file()).build();
    }

    /** Sessions on two days and two policies, with one- and two-detail failures. */
    void countSome(ReportAggregator a) {
        ReportAggregator.PolicyKey sts = a.policy(STS);
        ReportAggregator.FailureKey cert = a.failureKey(sts, expired("192.0.2.1"));
        ReportAggregator.FailureKey fetch = a.failureKey(sts, fetchFailed());
        long yesterday = Instant.parse("2024-02-24T08:00:00Z").toEpochMilli();
        a.successAt(sts, yesterday);
        a.failureAt(cert, fetch, yesterday);
        for (int i = 0; i < 3; i++) {
            a.success(sts);
        }
        a.failure(cert);
        a.failure(fetch, cert);
        a.record(STS, List.of(expired("192.0.2.9")));
        a.record(NONE, List.of());
    }

    @Test
    @DisplayName("RFC 8460 §4.1: counts survive a restart: a new aggregator on the file makes the same reports")
    void countsSurviveARestart() throws IOException {
        ReportAggregator first = open();
        countSome(first);
        first.saveSnapshot();

        ReportAggregator second = open();

        assertThat(second.days()).containsExactly(DAY.minusDays(1), DAY);
        assertThat(second.reports(DAY)).isEqualTo(first.reports(DAY));
        assertThat(second.reports(DAY.minusDays(1))).isEqualTo(first.reports(DAY.minusDays(1)));
        assertThat(second.snapshot()).isEqualTo(first.snapshot()).hasSize(3);
        assertThat(second.reports(DAY).get(0).policies().get(0).summary()).isEqualTo(new Summary(3, 3));
        assertThat(problems).isEmpty();
        // Counting goes on from the restored counts, on the same cells.
        second.success(second.policy(STS));
        assertThat(second.reports(DAY).get(0).policies().get(0).summary()).isEqualTo(new Summary(4, 3));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("tlsrpt-counts.json");
        }
    }

    @Test
    @DisplayName("RFC 8460 §4.4: the snapshot is versioned JSON holding reports with the RFC's keys")
    void theFileIsVersionedJsonWithRfcKeys() throws IOException {
        ReportAggregator a = open();
        countSome(a);
        a.saveSnapshot();
        String json = Files.readString(file());
        assertThat(json).startsWith("{\"format\":\"mtasts-aggregator-snapshot/1\",\"saved-at\":\"2024-02-25T12:00:00Z\","
                + "\"reports\":[{\"organization-name\":\"Example Mail\"");
        assertThat(json).contains("\"total-failure-session-count\":3", "\"failed-session-count\":",
                "\"report-id\":\"20240225.example.com@mail.example.net\"");
        assertThat(json).containsPattern(",\"crc32c\":\"[0-9a-f]{8}\"}\n$");
        // Each embedded report is exactly what TlsReportWriter writes for it.
        for (TlsReport r : a.snapshot()) {
            assertThat(json).contains(TlsReportWriter.create().toJsonString(r));
        }
    }

    @Test
    @DisplayName("without a snapshot file, saveSnapshot does nothing")
    void noFileNoSave() throws IOException {
        ReportAggregator a = builder().build();
        countSome(a);
        a.saveSnapshot();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
        assertThat(a.snapshot()).hasSize(3);
    }

    @Test
    @DisplayName("RFC 8460 §4.1: a taken day is in no later snapshot")
    void aTakenDayIsNotSaved() throws IOException {
        ReportAggregator a = open();
        countSome(a);
        a.saveSnapshot();
        assertThat(a.takeReports(DAY.minusDays(1))).hasSize(1);
        assertThat(a.snapshot()).allSatisfy(r -> assertThat(r.dateRange()).isEqualTo(DateRange.utcDay(DAY)));
        a.saveSnapshot();

        ReportAggregator restarted = open();
        assertThat(restarted.days()).containsExactly(DAY);
        assertThat(restarted.snapshot()).isEqualTo(a.snapshot());
        a.takeReports(DAY);
        a.saveSnapshot();
        assertThat(open().days()).isEmpty();
        assertThat(Files.readString(file())).contains("\"reports\":[]");
    }

    @Test
    @DisplayName("RFC 8460 §4: snapshots merge: two nodes restored into one make the reports of one node")
    void snapshotsOfTwoNodesMerge() {
        ReportAggregator one = builder().build();
        ReportAggregator nodeA = builder().build();
        ReportAggregator nodeB = builder().build();
        countSome(one);
        countSome(one);
        countSome(nodeA);
        countSome(nodeB);
        one.record(NONE, List.of(fetchFailed(), expired("192.0.2.3")));
        nodeB.record(NONE, List.of(fetchFailed(), expired("192.0.2.3")));

        ReportAggregator merged = builder().build();
        merged.restore(nodeA.snapshot());
        merged.restore(nodeB.snapshot());

        assertThat(merged.snapshot()).isEqualTo(one.snapshot());
        // The same through the reports: partial reports of one day merge (TlsReport.mergeAll).
        List<TlsReport> today = new ArrayList<>(nodeA.reports(DAY));
        today.addAll(nodeB.reports(DAY));
        assertThat(TlsReport.mergeAll(today.subList(0, 1)).merge(today.get(2))).isEqualTo(one.reports(DAY).get(0));
        assertThat(TlsReport.mergeAll(List.of(today.get(1), today.get(3)))).isEqualTo(one.reports(DAY).get(1));
    }

    @Test
    @DisplayName("restore adds counts; restoring twice counts twice; headers are the aggregator's own")
    void restoreAdds() {
        ReportAggregator a = builder().build();
        countSome(a);
        List<TlsReport> snapshot = a.snapshot();
        ReportAggregator other = ReportAggregator.builder().organizationName("Other").contactInfo("r@other.example")
                .clock(clock).build();
        other.restore(snapshot);
        other.restore(snapshot);
        TlsReport report = other.reports(DAY).get(0);
        assertThat(report.organizationName()).isEqualTo("Other");
        assertThat(report.reportId()).isEqualTo("20240225.example.com@other.example");
        assertThat(report.policies().get(0).summary()).isEqualTo(new Summary(6, 6));
        assertThat(report.policies().get(0).failedSessionCountSum()).isEqualTo(
                2 * snapshot.get(1).policies().get(0).failedSessionCountSum());
    }

    @Test
    @DisplayName("RFC 8460 §4.1: restore refuses reports that are not one UTC day, and then adds nothing")
    void restoreChecksEverythingFirst() {
        ReportAggregator a = builder().build();
        countSome(a);
        List<TlsReport> good = a.snapshot();
        TlsReport twoDays = new TlsReport("x", new DateRange(Instant.parse("2024-02-24T00:00:00Z"),
                Instant.parse("2024-02-25T23:59:59Z")), "a@b.example", "id", good.get(0).policies());
        List<TlsReport> bad = new ArrayList<>(good);
        bad.add(twoDays);
        ReportAggregator target = builder().build();
        assertThatThrownBy(() -> target.restore(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("only reports of one whole UTC day can be restored, not 2024-02-24T00:00:00Z/"
                        + "2024-02-25T23:59:59Z ('id', RFC 8460 §4.1)");
        PolicyResult unknown = new PolicyResult(new PolicyDetails(PolicyType.UNKNOWN, "x-new", List.of(), "example.com",
                List.of()), new Summary(1, 0), List.of());
        TlsReport unreportable = new TlsReport("x", DateRange.utcDay(DAY), "a@b.example", "id", List.of(unknown));
        assertThatThrownBy(() -> target.restore(List.of(good.get(0), unreportable)))
                .hasMessageContaining("RFC 8460 §4.4");
        assertThat(target.days()).isEmpty();
    }

    // ---------------------------------------------------------------- bad files

    private List<String> filesInDir() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private void assertQuarantined(String problemStart) throws IOException {
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(file());
            assertThat(p.problem()).startsWith(problemStart)
                    .endsWith("; moved aside as tlsrpt-counts.json.corrupt-20240225T120000Z, the aggregator starts empty")
                    .doesNotContain("\u0000", "\u001b");
        });
        assertThat(filesInDir()).containsExactly("tlsrpt-counts.json.corrupt-20240225T120000Z");
    }

    private byte[] savedSnapshot() throws IOException {
        ReportAggregator a = open();
        countSome(a);
        a.saveSnapshot();
        return Files.readAllBytes(file());
    }

    @Test
    @DisplayName("a corrupt snapshot is quarantined and reported; the aggregator starts empty and saves again")
    void aCorruptSnapshotIsQuarantined() throws IOException {
        byte[] bytes = savedSnapshot();
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file(), bytes);

        ReportAggregator a = open();

        assertThat(a.days()).isEmpty();
        assertQuarantined("corrupt: checksum ");
        countSome(a);
        a.saveSnapshot();
        assertThat(open().snapshot()).isEqualTo(a.snapshot());
    }

    @Test
    @DisplayName("a truncated snapshot is quarantined and reported")
    void aTruncatedSnapshotIsQuarantined() throws IOException {
        byte[] bytes = savedSnapshot();
        Files.write(file(), Arrays.copyOf(bytes, bytes.length - 10));
        assertThat(open().days()).isEmpty();
        assertQuarantined("truncated: it does not end with the crc32c member");
    }

    @Test
    @DisplayName("a snapshot cut within its first bytes is quarantined as truncated")
    void aSnapshotCutInItsHeadIsQuarantined() throws IOException {
        byte[] bytes = savedSnapshot();
        Files.write(file(), Arrays.copyOf(bytes, 20));
        assertThat(open().days()).isEmpty();
        assertQuarantined("truncated: it ends within the format member");
    }

    @Test
    @DisplayName("foreign files (empty, junk, a TLS report, another version) are quarantined with the reason")
    void foreignFilesAreQuarantined() throws IOException {
        record Case(byte[] content, String problem) {}
        TlsReport report = TlsReportWriterTest.sample();
        List<Case> cases = List.of(
                new Case(new byte[0], "not an aggregator snapshot: the file is empty"),
                new Case("\u0000\u001b[2J junk\n".getBytes(StandardCharsets.ISO_8859_1),
                        "not an aggregator snapshot: it does not start with '{\"format\":\"mtasts-aggregator-snapshot/1\"'"),
                new Case(TlsReportWriter.create().toJson(report),
                        "not an aggregator snapshot: it does not start with"),
                new Case("{\"format\":\"mtasts-aggregator-snapshot/2\",\"reports\":[]}".getBytes(StandardCharsets.UTF_8),
                        "written in another version of the format (this version reads "
                                + "'mtasts-aggregator-snapshot/1')"));
        for (Case c : cases) {
            problems.clear();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.write(file(), c.content());
            assertThat(open().days()).isEmpty();
            assertQuarantined(c.problem());
        }
    }

    @Test
    @DisplayName("a well-formed snapshot whose counts cannot be restored is quarantined as unusable")
    void anUnusableSnapshotIsQuarantined() throws IOException {
        TlsReport twoDays = new TlsReport("x", new DateRange(Instant.parse("2024-02-24T00:00:00Z"),
                Instant.parse("2024-02-25T23:59:59Z")), "a@b.example", "id", List.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotFile.write(out, clock.instant(), List.of(twoDays));
        Files.write(file(), out.toByteArray());
        assertThat(open().days()).isEmpty();
        assertQuarantined("unusable: IllegalArgumentException: only reports of one whole UTC day");
    }

    @Test
    @DisplayName("a well-formed snapshot holding a report that breaks RFC 8460 §4.4 is quarantined as corrupt")
    void aSnapshotWithABadReportIsQuarantined() throws IOException {
        String body = "{\"format\":\"mtasts-aggregator-snapshot/1\",\"saved-at\":\"2024-02-25T12:00:00Z\","
                + "\"reports\":[{\"organization-name\":\"x\"}]";
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        Files.writeString(file(), body + String.format(",\"crc32c\":\"%08x\"}\n", crc.getValue()));
        assertThat(open().days()).isEmpty();
        assertQuarantined("corrupt: report 0: ");
        assertThat(problems.get(0).problem()).contains("date-range is missing");
    }

    @Test
    @DisplayName("quarantined copies never overwrite each other")
    void quarantinedCopiesAreKept() throws IOException {
        Files.writeString(file(), "junk 1");
        open();
        Files.writeString(file(), "junk 2");
        open();
        assertThat(filesInDir()).containsExactly("tlsrpt-counts.json.corrupt-20240225T120000Z",
                "tlsrpt-counts.json.corrupt-20240225T120000Z-2");
        assertThat(Files.readString(dir.resolve("tlsrpt-counts.json.corrupt-20240225T120000Z"))).isEqualTo("junk 1");
        assertThat(problems.get(1).problem()).contains("moved aside as tlsrpt-counts.json.corrupt-20240225T120000Z-2");
    }

    @Test
    @DisplayName("leftover temporary files of an interrupted save are deleted at start-up")
    void leftoverTemporaryFilesAreDeleted() throws IOException {
        savedSnapshot();
        Files.writeString(dir.resolve(".tlsrpt-counts.json.tmp-123.tmp"), "half a save");
        Files.writeString(dir.resolve("notes.txt"), "not ours");
        assertThat(open().days()).hasSize(2);
        assertThat(filesInDir()).containsExactly("notes.txt", "tlsrpt-counts.json");
        assertThat(problems).isEmpty();
    }

    @Test
    @DisplayName("a failed save throws, leaves no temporary file, and keeps the counts in memory")
    void aFailedSaveThrows() throws IOException {
        ReportAggregator a = open();
        countSome(a);
        // A non-empty directory where the file should go: the rename onto it fails.
        Files.createDirectories(file().resolve("blocker"));
        assertThatThrownBy(a::saveSnapshot).isInstanceOf(IOException.class);
        assertThat(filesInDir()).containsExactly("tlsrpt-counts.json");
        assertThat(a.snapshot()).hasSize(3);
        // And at start-up such a path is reported, not thrown.
        assertThat(open().days()).isEmpty();
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.problem()).startsWith("ignored: not a regular file"));
    }

    @Test
    @DisplayName("a snapshot file in a directory not made yet is created on the first save")
    void theDirectoryIsCreated() throws IOException {
        Path nested = dir.resolve("a/b/counts.json");
        ReportAggregator a = builder().snapshotFile(nested).build();
        countSome(a);
        a.saveSnapshot();
        assertThat(builder().snapshotFile(nested).build().snapshot()).isEqualTo(a.snapshot());
    }

    // ---------------------------------------------------------------- saves beside counting

    @Test
    @DisplayName("RFC 8460 §4: saves beside counting lose nothing and count nothing twice; a total never exceeds its details")
    void savesBesideCounting() throws Exception {
        ReportAggregator a = open();
        ReportAggregator.PolicyKey sts = a.policy(STS);
        ReportAggregator.FailureKey cert = a.failureKey(sts, expired("192.0.2.1"));
        ReportAggregator.FailureKey fetch = a.failureKey(sts, fetchFailed());
        int threads = 3;
        int firstChunk = 30_000; // per thread, counted before a save that runs alone
        int chunks = 10;
        int chunk = 3_000;      // per thread, counted while the saver saves once
        long sessions = (long) threads * (firstChunk + chunks * chunk);
        // Phases: counters count the first chunk | the saver saves alone | then, per chunk, counters
        // and the saver run together.
        Phaser phaser = new Phaser(threads + 1);
        List<String> violations = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    try {
                        countChunk(a, sts, cert, fetch, firstChunk);
                        phaser.arriveAndAwaitAdvance();
                        phaser.arriveAndAwaitAdvance(); // the save alone
                        for (int c = 0; c < chunks; c++) {
                            countChunk(a, sts, cert, fetch, chunk);
                            phaser.arriveAndAwaitAdvance();
                        }
                        return null;
                    } catch (RuntimeException | Error e) {
                        phaser.forceTermination();
                        throw e;
                    }
                }));
            }
            futures.add(pool.submit(() -> {
                try {
                    phaser.arriveAndAwaitAdvance();
                    a.saveSnapshot();
                    assertThat(restoredSummary()).as("the snapshot of the first chunks")
                            .isEqualTo(new Summary((long) threads * firstChunk / 3, 2L * threads * firstChunk / 3));
                    phaser.arriveAndAwaitAdvance();
                    for (int c = 0; c < chunks; c++) {
                        a.saveSnapshot(); // while the counters count
                        List<TlsReport> saved = SnapshotFile.read(file()).reports();
                        if (saved == null) {
                            violations.add("save " + c + " unreadable");
                        } else {
                            PolicyResult p = saved.get(0).policies().get(0);
                            // Every failed session in the total has its details in the snapshot.
                            if (p.summary().totalFailureSessionCount() > p.failedSessionCountSum()
                                    || p.summary().totalSessionCount() > sessions) {
                                violations.add("save " + c + ": " + p);
                            }
                        }
                        phaser.arriveAndAwaitAdvance();
                    }
                    return null;
                } catch (Exception | Error e) {
                    phaser.forceTermination();
                    throw e;
                }
            }));
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(violations).isEmpty();
        a.saveSnapshot();
        assertThat(restoredSummary()).isEqualTo(new Summary(sessions / 3, 2 * sessions / 3));
        assertThat(open().snapshot()).isEqualTo(a.snapshot());
        assertThat(a.reports(DAY).get(0).policies().get(0).failureDetails()).containsExactly(
                expired("192.0.2.1").withFailedSessionCount(2 * sessions / 3),
                fetchFailed().withFailedSessionCount(sessions / 3));
    }

    private static void countChunk(ReportAggregator a, ReportAggregator.PolicyKey sts, ReportAggregator.FailureKey cert,
            ReportAggregator.FailureKey fetch, int n) {
        for (int i = 0; i < n; i++) {
            switch (i % 3) {
                case 0 -> a.success(sts);
                case 1 -> a.failure(cert);
                default -> a.failure(fetch, cert);
            }
        }
    }

    private Summary restoredSummary() {
        List<TlsReport> reports = open().reports(DAY);
        assertThat(reports).hasSize(1);
        return reports.get(0).policies().get(0).summary();
    }

    @Test
    @DisplayName("concurrent saves run one after the other and the last one wins")
    void concurrentSavesAreSerialized() throws Exception {
        ReportAggregator a = open();
        countSome(a);
        int savers = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(savers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < savers; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 10; i++) {
                        a.saveSnapshot();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(filesInDir()).containsExactly("tlsrpt-counts.json");
        assertThat(open().snapshot()).isEqualTo(a.snapshot());
        assertThat(problems).isEmpty();
    }

    @Test
    @DisplayName("the snapshot file needs a name")
    void theSnapshotFileNeedsAName() {
        assertThatThrownBy(() -> builder().snapshotFile(Path.of("/"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a file name");
    }
}
