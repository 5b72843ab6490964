package org.mtasts.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.StsPolicy;
import org.mtasts.http.FilePolicyStore;

/**
 * Crash safety of {@link FilePolicyStore}: a child JVM writes policies in a loop and acknowledges
 * each {@code put} on its standard output; the test kills it with SIGKILL ({@link
 * Process#destroyForcibly()}) after a random number of acknowledgements, so that the kill lands
 * while a write is under way, then reopens the store. {@code mtasts.crash.runs} times (default
 * {@value #DEFAULT_RUNS}), on one directory: every entry must be the policy of the last
 * acknowledged generation or of the one being written (old or new, never torn, never older), the
 * store must open without reporting a problem, and no temporary file may remain.
 */
class FilePolicyStoreCrashIT {
    static final int DEFAULT_RUNS = 60;
    static final int DOMAINS = 8;
    /** Each policy has this many mx lines: about 14 KB per file, so a write takes a while. */
    static final int MX_LINES = 500;
    static final Instant FETCHED = Instant.parse("2026-11-28T00:00:00Z");

    /** How many distinct policy texts a domain cycles through (made before the child says ready). */
    static final int VARIANTS = 16;

    /**
     * The policy text of a domain at a generation: self-describing (domain and variant in every mx
     * line), so a mix of two is visible. Generation g uses variant g mod {@value #VARIANTS}.
     */
    static String text(int domain, long generation) {
        long variant = generation % VARIANTS;
        StringBuilder b = new StringBuilder("version: STSv1\nmode: enforce\n");
        for (int i = 0; i < MX_LINES; i++) {
            b.append("mx: mx").append(i).append(".v").append(variant).append(".d").append(domain).append(".example\n");
        }
        return b.append("max_age: 86400\n").toString();
    }

    static DomainName domain(int d) {
        return DomainName.of("d" + d + ".crash.test");
    }

    /**
     * The child: opens the store given as the first argument and writes generation after
     * generation of every domain, printing {@code ack <domain> <generation>} after each put returns.
     */
    public static void main(String[] args) throws IOException {
        FilePolicyStore store = FilePolicyStore.open(Path.of(args[0]));
        long start = Long.parseLong(args[1]);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        // Everything but the write is done beforehand, so that a kill most often lands in a put.
        String[][] texts = new String[DOMAINS][VARIANTS];
        StsPolicy[][] policies = new StsPolicy[DOMAINS][VARIANTS];
        for (int d = 0; d < DOMAINS; d++) {
            for (int v = 0; v < VARIANTS; v++) {
                texts[d][v] = text(d, v);
                policies[d][v] = StsPolicy.parse(texts[d][v]).orElseThrow();
            }
        }
        out.println("ready");
        out.flush();
        for (long g = start; ; g++) {
            int v = (int) (g % VARIANTS);
            for (int d = 0; d < DOMAINS; d++) {
                store.put(CachedPolicy.of(domain(d), "g" + g, policies[d][v], texts[d][v], FETCHED));
                out.println("ack " + d + " " + g);
                out.flush();
            }
        }
    }

    @Test
    @DisplayName("RFC 8461 §5.1: a store killed with SIGKILL mid-write holds the old or the new policy, never a torn one")
    void killedMidWrite(@TempDir Path dir) throws Exception {
        int runs = Integer.getInteger("mtasts.crash.runs", DEFAULT_RUNS);
        Random random = new Random(8461);
        long[] acked = new long[DOMAINS];
        Arrays.fill(acked, -1);
        long nextGeneration = 0;
        long totalAcks = 0;
        List<String> problems = new ArrayList<>();
        int midWrite = 0;
        for (int run = 0; run < runs; run++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    FilePolicyStoreCrashIT.class.getName(), dir.toString(), Long.toString(nextGeneration))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            int killAfter = 1 + random.nextInt(3 * DOMAINS);
            int seen = 0;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                assertThat(lines.readLine()).as("the child starts").isEqualTo("ready");
                String line = null;
                while (seen < killAfter && (line = lines.readLine()) != null) {
                    String[] f = line.split(" ");
                    int d = Integer.parseInt(f[1]);
                    long g = Long.parseLong(f[2]);
                    acked[d] = g;
                    nextGeneration = Math.max(nextGeneration, g + 1);
                    seen++;
                }
                // SIGKILL: no shutdown hook, no finally block runs. Through the handle, which (unlike
                // Process.destroyForcibly) leaves the pipe open for the reads below.
                child.toHandle().destroyForcibly();
                // The pipe may still hold acks the child wrote before the kill (it runs ahead of this
                // reader under load): read them all, so that the bookkeeping knows every completed put
                // and the one that may have been in progress is the next after the last ack.
                while ((line = lines.readLine()) != null) {
                    String[] f = line.split(" ");
                    int d = Integer.parseInt(f[1]);
                    long g = Long.parseLong(f[2]);
                    acked[d] = g;
                    nextGeneration = Math.max(nextGeneration, g + 1);
                    seen++;
                }
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child is gone").isTrue();
            totalAcks += seen;
            // The child that was killed may have been writing nextGeneration (or the one after, for
            // the domains it had not reached yet): the next child starts above both.
            long inProgress = nextGeneration;
            nextGeneration += 1;

            try (Stream<Path> files = Files.list(dir)) {
                if (files.anyMatch(f -> f.getFileName().toString().startsWith(".tmp-"))) {
                    midWrite++; // killed between creating the temporary file and renaming it
                }
            }
            FilePolicyStore store = FilePolicyStore.builder(dir)
                    .problemListener((file, problem, cause) -> problems.add(file.getFileName() + ": " + problem))
                    .open();
            assertThat(problems).as("problems reported when reopening").isEmpty();
            for (int d = 0; d < DOMAINS; d++) {
                CachedPolicy p = store.get(domain(d)).orElse(null);
                if (acked[d] < 0) {
                    // Never acknowledged: absent, or the first write if it completed unacknowledged.
                    if (p != null) {
                        checkWhole(d, p, 0, inProgress);
                    }
                    continue;
                }
                assertThat(p).as("d%d, acknowledged at generation %d", d, acked[d]).isNotNull();
                checkWhole(d, p, acked[d], inProgress);
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString())).as("files after reopening")
                        .allMatch(name -> name.endsWith(".policy") && !name.startsWith(".tmp-"));
            }
        }
        String figure = String.format("crash safety: %d SIGKILLs of a writing JVM (%d left a temporary file: killed "
                + "mid-write), %d acknowledged puts, every entry old or new on reopening", runs, midWrite, totalAcks);
        System.out.println(figure);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "crash-figures.txt"), figure + "\n");
    }

    /** The entry is generation {@code min} or later (up to the one being written), and whole. */
    private static void checkWhole(int d, CachedPolicy p, long min, long max) {
        assertThat(p.recordId()).startsWith("g");
        long g = Long.parseLong(p.recordId().substring(1));
        assertThat(g).as("d%d generation", d).isBetween(min, max);
        assertThat(p.text()).as("d%d text of generation %d", d, g).isEqualTo(text(d, g));
        assertThat(p.policy()).isEqualTo(StsPolicy.parse(text(d, g)).orElseThrow());
    }
}
