package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mtasts.http.ScriptedFetcher.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.StsPolicy;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MutableClock;

class FilePolicyStoreTest {
    static final Instant T0 = Instant.parse("2026-11-28T00:00:00Z");

    @TempDir
    Path dir;

    record Problem(Path file, String problem) {}

    final List<Problem> problems = new CopyOnWriteArrayList<>();
    final MutableClock clock = MutableClock.of(T0);

    FilePolicyStore open() throws IOException {
        return FilePolicyStore.builder(dir).clock(clock)
                .problemListener((file, problem, cause) -> problems.add(new Problem(file, problem))).open();
    }

    static CachedPolicy cached(String domain, String id, long maxAge, Instant at) {
        String text = policy("enforce", maxAge, "mx1." + domain, "*.mx." + domain);
        return CachedPolicy.of(DomainName.of(domain), id, StsPolicy.parse(text).orElseThrow(), text, at);
    }

    @Test
    @DisplayName("policies survive a restart: a new store on the directory reads them back")
    void policiesSurviveARestart() throws IOException {
        CachedPolicy a = cached("a.example", "1", 86_400, T0);
        CachedPolicy b = cached("b.example", "20261128T000000Z", 3_600, T0.plusSeconds(5)).renewedAt(T0.plusSeconds(60));
        try (Stream<Path> none = Files.list(dir)) {
            assertThat(none).isEmpty();
        }
        FilePolicyStore first = open();
        first.put(a);
        first.put(b);

        FilePolicyStore second = open();

        assertThat(second.get(a.domain())).contains(a);
        assertThat(second.get(b.domain())).contains(b);
        assertThat(second.size()).isEqualTo(2);
        assertThat(problems).isEmpty();
    }

    @Test
    @DisplayName("each domain is one readable text file ending in a checksum")
    void oneReadableFilePerDomain() throws IOException {
        open().put(cached("a.example", "1", 86_400, T0));
        String content = Files.readString(dir.resolve("a.example.policy"));
        assertThat(content).startsWith("mtasts-policy-store 1\ndomain a.example\nrecord-id 1\n"
                + "fetched-at 2026-11-28T00:00:00Z\nexpires-at 2026-11-29T00:00:00Z\ntext-bytes ");
        assertThat(content).containsPattern("\ncrc32c [0-9a-f]{8}\n$");
    }

    @Test
    @DisplayName("a corrupt file is reported and ignored; the others load")
    void aCorruptFileIsReportedAndIgnored() throws IOException {
        FilePolicyStore store = open();
        store.put(cached("a.example", "1", 86_400, T0));
        store.put(cached("b.example", "1", 86_400, T0));
        Path file = dir.resolve("a.example.policy");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);

        FilePolicyStore reopened = open();

        assertThat(reopened.get(DomainName.of("a.example"))).isEmpty();
        assertThat(reopened.get(DomainName.of("b.example"))).isPresent();
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(file);
            assertThat(p.problem()).startsWith("ignored: corrupt: checksum ");
        });
    }

    @Test
    @DisplayName("a truncated file is reported and ignored")
    void aTruncatedFileIsReportedAndIgnored() throws IOException {
        open().put(cached("a.example", "1", 86_400, T0));
        Path file = dir.resolve("a.example.policy");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));

        assertThat(open().size()).isZero();
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.problem()).startsWith("ignored: truncated"));
    }

    @Test
    @DisplayName("an empty file, junk and a file under another domain's name are reported and ignored")
    void foreignFilesAreReportedAndIgnored() throws IOException {
        open().put(cached("a.example", "1", 86_400, T0));
        Files.copy(dir.resolve("a.example.policy"), dir.resolve("b.example.policy"));
        Files.write(dir.resolve("c.example.policy"), new byte[0]);
        Files.write(dir.resolve("d.example.policy"), "\u0000\u001b[2J junk\n".getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(dir.resolve("notes.txt"), "not ours");

        FilePolicyStore store = open();

        assertThat(store.size()).isEqualTo(1);
        assertThat(problems).hasSize(3);
        assertThat(problems).anySatisfy(p -> assertThat(p.problem())
                .isEqualTo("ignored: it holds the policy of a.example, which belongs in a.example.policy"));
        assertThat(problems).allSatisfy(p -> assertThat(p.problem()).doesNotContain("\u001b", "\u0000"));
        assertThat(Files.exists(dir.resolve("notes.txt"))).isTrue();
    }

    @Test
    @DisplayName("replacing a policy leaves one file with the new content and no temporary file")
    void replacingIsAtomicAndLeavesNoTemporaryFile() throws IOException {
        FilePolicyStore store = open();
        store.put(cached("a.example", "1", 86_400, T0));
        CachedPolicy newer = cached("a.example", "2", 600, T0.plusSeconds(10));
        store.put(newer);

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a.example.policy");
        }
        assertThat(open().get(newer.domain())).contains(newer);
    }

    @Test
    @DisplayName("leftover temporary files of a crash are deleted when the store opens")
    void leftoverTemporaryFilesAreDeleted() throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(".tmp-123.policy.tmp"), "half a write");
        open();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
        assertThat(problems).isEmpty();
    }

    @Test
    @DisplayName("remove deletes the file")
    void removeDeletesTheFile() throws IOException {
        FilePolicyStore store = open();
        store.put(cached("a.example", "1", 86_400, T0));
        store.remove(DomainName.of("a.example"));
        assertThat(store.get(DomainName.of("a.example"))).isEmpty();
        assertThat(Files.exists(dir.resolve("a.example.policy"))).isFalse();
    }

    @Test
    @DisplayName("a failed write is reported, never fatal, and the policy is kept in memory")
    void aFailedWriteIsReported() throws IOException {
        FilePolicyStore store = open();
        // A non-empty directory where the file should go: the rename onto it fails.
        Files.createDirectories(dir.resolve("a.example.policy").resolve("blocker"));
        CachedPolicy p = cached("a.example", "1", 86_400, T0);

        store.put(p);

        assertThat(store.get(p.domain())).contains(p);
        assertThat(problems).singleElement()
                .satisfies(problem -> assertThat(problem.problem()).startsWith("cannot write it (the policy is kept in memory)"));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("a.example.policy");
        }
    }

    @Test
    @DisplayName("when full, expired entries are evicted first and their files deleted")
    void evictionPrefersExpiredEntriesAndDeletesTheirFiles() throws IOException {
        FilePolicyStore store = FilePolicyStore.builder(dir).clock(clock).maxEntries(2).open();
        store.put(cached("old.example", "1", 60, T0));
        store.put(cached("long.example", "1", 86_400, T0));
        clock.advance(Duration.ofMinutes(5));
        store.put(cached("new.example", "1", 600, clock.instant()));

        assertThat(store.get(DomainName.of("old.example"))).isEmpty();
        assertThat(store.get(DomainName.of("long.example"))).isPresent();
        assertThat(store.get(DomainName.of("new.example"))).isPresent();
        assertThat(Files.exists(dir.resolve("old.example.policy"))).isFalse();
        assertThat(Files.exists(dir.resolve("long.example.policy"))).isTrue();
    }

    @Test
    @DisplayName("a domain too long for a file name is stored under a hash of its name")
    void aLongDomainUsesAHashedFileName() throws IOException {
        String label = "a".repeat(63);
        String domain = label + "." + label + "." + label + "." + "b".repeat(53) + ".example"; // 253 characters
        String text = policy("enforce", 86_400, "mx.example.net");
        CachedPolicy p = CachedPolicy.of(DomainName.of(domain), "1", StsPolicy.parse(text).orElseThrow(), text, T0);
        open().put(p);

        assertThat(PolicyFileFormat.fileName(p.domain())).startsWith("h-").hasSize(2 + 64 + 7);
        assertThat(open().get(p.domain())).contains(p);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: MtaSts on a reopened file store applies the cached policy without fetching")
    void mtaStsUsesTheRestoredStore() throws IOException {
        FakeTxtResolver dns = FakeTxtResolver.create().records("_mta-sts.example.com", "v=STSv1; id=1");
        ScriptedFetcher fetcher = new ScriptedFetcher().serve("example.com", policy("enforce", 86_400, "mx.example.com"));
        DomainName domain = DomainName.of("example.com");
        try (MtaSts before = MtaSts.builder().txtResolver(dns).fetcher(fetcher).clock(clock).store(open())
                .proactiveRefresh(false).build()) {
            assertThat(((PolicyResolution.Active) before.resolve(domain)).fresh()).isTrue();
        }
        clock.advance(Duration.ofHours(1));
        try (MtaSts after = MtaSts.builder().txtResolver(dns).fetcher(fetcher).clock(clock).store(open())
                .proactiveRefresh(false).build()) {
            PolicyResolution r = after.resolve(domain);
            assertThat(((PolicyResolution.Active) r).fresh()).isFalse();
        }
        assertThat(fetcher.fetches("example.com")).isEqualTo(1);
    }
}
