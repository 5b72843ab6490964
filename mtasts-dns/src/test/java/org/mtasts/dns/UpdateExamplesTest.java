package org.mtasts.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Javadoc examples of the dynamic-update types of mtasts-dns, run against {@link
 * FakeUpdateServer} (CONTRIBUTING.md, "Examples"); a line ending in {@code // sandbox only} points
 * the example's updater at that server.
 */
class UpdateExamplesTest {
    static final TsigKey KEY = TsigKey.of("update", "hmac-sha256", TsigKeyTest.SECRET);

    FakeUpdateServer fake;
    DnsUpdater updater;
    final List<TxtRrset> used = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        fake = new FakeUpdateServer("example.com", KEY);
        updater = DnsUpdater.builder().server(fake.address()).key(KEY).build();
    }

    @AfterEach
    void stop() throws IOException {
        fake.close();
    }

    void use(TxtRrset rrset) {
        used.add(rrset);
    }

    @Test
    void tsigKey() {
        // --- example: TsigKey
        TsigKey key = TsigKey.fromKeyFile("key \"update\" { algorithm hmac-sha256; secret \"c2VjcmV0c2VjcmV0c2VjcmV0\"; };");
        String name = key.name();                          // "update"
        String algorithm = key.algorithm();                // "hmac-sha256"
        // ---
        assertThat(name).isEqualTo("update");
        assertThat(algorithm).isEqualTo("hmac-sha256");
    }

    @Test
    void txtRrset() {
        fake.addTxt("_mta-sts.example.com", "v=STSv1; id=1;");
        List<String> seen = new ArrayList<>();
        // --- example: TxtRrset
        TxtRrsetAnswer answer = updater.readTxt("_mta-sts.example.com");
        if (answer instanceof TxtRrsetAnswer.Found found) {
            TxtRrset current = found.rrset();
            List<String> texts = current.texts();       // empty when there is no TXT record
            String zone = current.zone();               // "example.com"
            seen.addAll(texts);                         // sandbox only
            seen.add(zone);                             // sandbox only
        }
        // ---
        assertThat(seen).containsExactly("v=STSv1; id=1;", "example.com");
    }

    @Test
    void txtRrsetAnswer() {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            for (String name : List.of("_mta-sts.example.com", "_mta-sts.example.org")) {
                // --- example: TxtRrsetAnswer
                TxtRrsetAnswer answer = updater.readTxt(name);          // such as "_mta-sts.example.com"
                switch (answer.kind()) {
                    case FOUND -> use(((TxtRrsetAnswer.Found) answer).rrset());
                    default -> System.err.println(answer.detail());
                }
                // ---
            }
        } finally {
            System.setErr(original);
        }
        assertThat(used).singleElement().satisfies(r -> assertThat(r.isEmpty()).isTrue());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("answered REFUSED for _mta-sts.example.org");
    }

    @Test
    void txtChangeAndUpdateResult() {
        fake.addTxt("_mta-sts.example.com", "v=STSv1; id=old;");
        fake.addTxt("_mta-sts.example.com", "another record");
        TxtRrset current = ((TxtRrsetAnswer.Found) updater.readTxt("_mta-sts.example.com")).rrset();
        // --- example: TxtChange
        TxtChange change = TxtChange.replacing(current, "v=STSv1", "v=STSv1; id=e3kq0b7vnf1;", Duration.ofHours(1));
        List<String> removed = change.remove();        // the old v=STSv1 record(s), other TXT records stay
        // ---
        assertThat(removed).containsExactly("v=STSv1; id=old;");

        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 2; i++) {
                // --- example: UpdateResult
                UpdateResult result = updater.update(List.of(change));
                switch (result.kind()) {
                    case UPDATED -> System.out.println("published");
                    case PREREQUISITE_FAILED -> System.out.println("changed meanwhile, read again: " + result.detail());
                    default -> System.out.println("not published: " + result.detail());
                }
                // ---
            }
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("published\nchanged meanwhile, read again: ");
        assertThat(fake.txt("_mta-sts.example.com")).containsExactly("another record", "v=STSv1; id=e3kq0b7vnf1;");
    }

    @Test
    void dnsUpdater(@TempDir Path dir) throws IOException {
        Path keyFile = dir.resolve("update.key");
        Files.writeString(keyFile, "hmac-sha256:update:" + TsigKeyTest.SECRET);
        // --- example: DnsUpdater
        DnsUpdater updater = DnsUpdater.builder()
                .server(new InetSocketAddress("127.0.0.1", 53))     // the primary server of the zone
                .server(fake.address())                             // sandbox only
                .key(TsigKey.load(keyFile))                         // e.g. /etc/mtasts/update.key
                .build();
        TxtRrset current = ((TxtRrsetAnswer.Found) updater.readTxt("_mta-sts.example.com")).rrset();
        TxtChange change = TxtChange.replacing(current, "v=STSv1", "v=STSv1; id=e3kq0b7vnf1;", Duration.ofHours(1));
        UpdateResult result = updater.update(List.of(change));
        // ---
        assertThat(result).isEqualTo(new UpdateResult.Updated());
        assertThat(fake.txt("_mta-sts.example.com")).containsExactly("v=STSv1; id=e3kq0b7vnf1;");
    }

    @Test
    void dnsUpdaterBuilder() {
        // --- example: DnsUpdater.Builder
        DnsUpdater updater = DnsUpdater.builder()
                .server(new InetSocketAddress("127.0.0.1", 5400))
                .key(TsigKey.of("update", "hmac-sha256", "c2VjcmV0c2VjcmV0c2VjcmV0"))
                .timeout(Duration.ofSeconds(5))
                .build();
        // ---
        assertThat(updater.server().getPort()).isEqualTo(5400);
    }
}
