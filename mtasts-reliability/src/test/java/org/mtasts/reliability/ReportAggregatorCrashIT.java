package org.mtasts.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyDetails;
import org.mtasts.tlsrpt.PolicyResult;
import org.mtasts.tlsrpt.ReportAggregator;
import org.mtasts.tlsrpt.TlsReport;

/**
 * Crash safety of {@link ReportAggregator} snapshots, in the style of {@link FilePolicyStoreCrashIT}:
 * a child JVM restores the snapshot, then one thread counts sessions without pause while the main
 * thread saves snapshot after snapshot. The child writes to a side file, flushed, the number of
 * sessions each completed save holds at least ({@code saved N}) and, before each batch it counts,
 * the number it will have counted after it ({@code upto N}); it acknowledges each save on its
 * standard output. The test kills it with SIGKILL ({@link Process#destroyForcibly()}) after a random
 * number of acknowledgements, so that the kill lands anywhere, often in a save, then builds an
 * aggregator on the file. {@code mtasts.aggregator.crash.runs} times (default {@value #DEFAULT_RUNS}:
 * measured side by side, 60 runs took 48 s and the 60 runs of {@code FilePolicyStoreCrashIT} 53 s
 * on a loaded 2-core machine; 50 keeps this run under a minute under heavier load), on one file, each child going on from the counts the previous one left: the snapshot must restore
 * without a problem reported (never corrupt: a kill within a write leaves the previous snapshot,
 * thanks to the atomic rename), hold at least the sessions of the last acknowledged save and at
 * most the sessions counted, keep every failure total within its details (RFC 8460 §4), and no
 * temporary file may remain.
 */
class ReportAggregatorCrashIT {
    static final int DEFAULT_RUNS = 50;
    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static final LocalDate DAY = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
    /** Sessions counted between two {@code upto} lines. */
    static final int BATCH = 20_000;
    /** Policies counted under, so that a snapshot holds a few reports. */
    static final int DOMAINS = 4;

    static ReportAggregator.Builder builder(Path file) {
        return ReportAggregator.builder().organizationName("Crash Test").contactInfo("tlsrpt@crash.test")
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).snapshotFile(file);
    }

    static PolicyDetails policy(int d) {
        return PolicyDetails.sts(DomainName.of("d" + d + ".crash.test"), StsPolicy.builder().mode(PolicyMode.ENFORCE)
                .mx("mx1.d" + d + ".crash.test").mx("*.mx.d" + d + ".crash.test").build().toText());
    }

    static FailureDetails failure(ResultType type, int d) {
        return FailureDetails.builder(type).receivingMxHostname("mx1.d" + d + ".crash.test").build();
    }

    /** Every session of the day in the snapshot: successful and failed, over all reports. */
    static long sessions(List<TlsReport> reports) {
        long n = 0;
        for (TlsReport r : reports) {
            n += r.totalSuccessfulSessionCount() + r.totalFailureSessionCount();
        }
        return n;
    }

    /**
     * The child: restores the snapshot file given as the first argument, writes {@code restored N}
     * to the side file (second argument), says {@code ready}, then counts and saves until killed.
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        PrintStream side = new PrintStream(new FileOutputStream(args[1], true), false, StandardCharsets.US_ASCII);
        ReportAggregator aggregator = builder(file)
                .problemListener((f, problem, cause) -> {
                    side.println("problem " + problem);
                    side.flush();
                }).build();
        long restored = sessions(aggregator.snapshot());
        side.println("restored " + restored);
        side.flush();
        ReportAggregator.PolicyKey[] keys = new ReportAggregator.PolicyKey[DOMAINS];
        ReportAggregator.FailureKey[][] failures = new ReportAggregator.FailureKey[DOMAINS][3];
        for (int d = 0; d < DOMAINS; d++) {
            keys[d] = aggregator.policy(policy(d));
            failures[d][0] = aggregator.failureKey(keys[d], failure(ResultType.CERTIFICATE_EXPIRED, d));
            failures[d][1] = aggregator.failureKey(keys[d], failure(ResultType.STS_POLICY_FETCH_ERROR, d));
            failures[d][2] = aggregator.failureKey(keys[d], failure(ResultType.STARTTLS_NOT_SUPPORTED, d));
        }
        AtomicLong done = new AtomicLong(); // sessions whose counting call has returned
        Thread counter = new Thread(() -> {
            for (long i = 0; ; i++) {
                if (i % BATCH == 0) {
                    side.println("upto " + (restored + i + BATCH));
                    side.flush();
                }
                int d = (int) (i % DOMAINS);
                switch ((int) (i / DOMAINS % 4)) {
                    case 0 -> aggregator.success(keys[d]);
                    case 1 -> aggregator.failure(failures[d][0]);
                    case 2 -> aggregator.failure(failures[d][1], failures[d][0]); // fetch failed, then the cert
                    default -> aggregator.failure(failures[d][2]);
                }
                done.lazySet(i + 1); // one writer: the count of finished calls
            }
        }, "counter");
        counter.setDaemon(true);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        out.println("ready");
        out.flush();
        counter.start();
        while (true) {
            long before = done.get();
            aggregator.saveSnapshot();
            side.println("saved " + (restored + before));
            side.flush();
            out.println("ack");
            out.flush();
        }
    }

    @Test
    @DisplayName("RFC 8460 §4.1: an aggregator killed with SIGKILL while saving restores every session of its last save")
    void killedWhileCountingAndSaving(@TempDir Path dir) throws Exception {
        int runs = Integer.getInteger("mtasts.aggregator.crash.runs", DEFAULT_RUNS);
        Path file = dir.resolve("counts.json");
        Random random = new Random(8460);
        List<String> problems = new ArrayList<>();
        long restoredBefore = 0;
        long totalSaves = 0;
        int midWrite = 0;
        int savedButNotAcknowledged = 0;
        for (int run = 0; run < runs; run++) {
            Path sideFile = dir.resolve("side-" + run + ".log");
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    ReportAggregatorCrashIT.class.getName(), file.toString(), sideFile.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            int killAfter = 1 + random.nextInt(6);
            int seen = 0;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                assertThat(lines.readLine()).as("the child starts").isEqualTo("ready");
                while (seen < killAfter && lines.readLine() != null) {
                    seen++;
                }
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child is gone").isTrue();
            totalSaves += seen;

            // What the child wrote before it died.
            long restoredByChild = -1;
            long lastSaved = -1;
            long upTo = -1;
            for (String line : Files.readAllLines(sideFile, StandardCharsets.US_ASCII)) {
                String[] f = line.split(" ", 2);
                switch (f[0]) {
                    case "restored" -> restoredByChild = Long.parseLong(f[1]);
                    case "saved" -> lastSaved = Long.parseLong(f[1]);
                    case "upto" -> upTo = Math.max(upTo, Long.parseLong(f[1]));
                    case "problem" -> problems.add("run " + run + ", child: " + f[1]);
                    default -> throw new AssertionError("run " + run + ": unexpected line " + line);
                }
            }
            assertThat(restoredByChild).as("run %d: the child restored the previous run's snapshot", run)
                    .isEqualTo(restoredBefore);
            assertThat(lastSaved).as("run %d: the child acknowledged a save", run).isGreaterThanOrEqualTo(0);
            try (Stream<Path> files = Files.list(dir)) {
                if (files.anyMatch(f -> f.getFileName().toString().startsWith(".counts.json.tmp-"))) {
                    midWrite++; // killed between creating the temporary file and renaming it
                }
            }

            int thisRun = run;
            ReportAggregator restored = builder(file)
                    .problemListener((f, problem, cause) -> problems.add("run " + thisRun + ", " + f.getFileName()
                            + ": " + problem))
                    .build();
            assertThat(problems).as("problems reported when restoring").isEmpty();
            List<TlsReport> reports = restored.snapshot();
            long sessions = sessions(reports);
            assertThat(sessions).as("run %d: sessions restored, against the last acknowledged save", run)
                    .isGreaterThanOrEqualTo(lastSaved);
            assertThat(sessions).as("run %d: sessions restored, against the sessions counted", run)
                    .isLessThanOrEqualTo(Math.max(upTo, restoredByChild));
            if (sessions > lastSaved) {
                savedButNotAcknowledged++; // the kill came after a rename, before the acknowledgement
            }
            for (TlsReport r : reports) {
                assertThat(r.dateRange().startDay()).isEqualTo(DAY);
                for (PolicyResult p : r.policies()) {
                    // RFC 8460 §4: a failed session in the total has its details in the same snapshot.
                    assertThat(p.summary().totalFailureSessionCount()).as("run %d: %s", run, p)
                            .isLessThanOrEqualTo(p.failedSessionCountSum());
                }
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString())).as("files after restoring")
                        .noneMatch(name -> name.startsWith(".counts.json.tmp-") || name.contains(".corrupt-"));
            }
            restoredBefore = sessions;
        }
        String figure = String.format("aggregator crash safety: %d SIGKILLs of a counting, saving JVM (%d left a "
                + "temporary file: killed mid-write; %d after a save's rename and before its acknowledgement), %d "
                + "acknowledged saves, %d sessions restored at the end, none lost before the last save",
                runs, midWrite, savedButNotAcknowledged, totalSaves, restoredBefore);
        System.out.println(figure);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "aggregator-crash-figures.txt"), figure + "\n");
    }
}
