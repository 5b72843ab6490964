package org.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.PolicyMode;
import org.mtasts.http.publish.PolicyId;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import tools.jackson.databind.JsonNode;

/**
 * {@code mtasts publish} against the sandbox, whose DNS server answers queries but takes no
 * update: the checks, {@code --dry-run}, the JSON document and the usage errors. Publishing runs
 * against Knot in mtasts-it ({@code PublishRealnetIT}, {@code RolloutRealnetIT}).
 */
class PublishCommandTest {
    static final String POLICY = "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 86400\n";
    static MtaStsSandbox sandbox;

    @TempDir
    static Path dir;
    static Path policy;
    static Path key;
    static Path ca;

    @BeforeAll
    static void start() throws IOException {
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("example.com").stsRecord("v=STSv1; id=20260101").policy(POLICY).mx(10, "mx1.example.com"))
                .start();
        policy = Files.writeString(dir.resolve("mta-sts.txt"), POLICY);
        key = Files.writeString(dir.resolve("update.key"), "key \"update\" { algorithm hmac-sha256; secret \"c2VjcmV0c2VjcmV0c2VjcmV0\"; };\n");
        ca = Files.writeString(dir.resolve("ca.pem"), sandbox.caPem());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static String dnsServer() {
        return "127.0.0.1:" + sandbox.dnsAddress().getPort();
    }

    static List<String> sandboxOptions() {
        return List.of("--dns", dnsServer(), "--trust", ca.toString(),
                "--connect", "mta-sts.example.com=127.0.0.1:" + sandbox.address("mta-sts.example.com").getPort());
    }

    static Cli publish(String... args) {
        List<String> all = new ArrayList<>(List.of("publish"));
        all.addAll(List.of(args));
        all.addAll(sandboxOptions());
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    void dryRunRunsEveryCheckAndPrintsTheUpdate() {
        Cli cli = publish("example.com", "--policy", policy.toString(), "--server", dnsServer(), "--dry-run");
        assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
        String id = PolicyId.of(PolicyMode.TESTING, POLICY.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(cli.out()).contains("ok   lint").contains("ok   fetch").contains("ok   read")
                .contains("dry run: would publish _mta-sts.example.com TXT \"v=STSv1; id=" + id + "\"")
                .contains("PREREQUISITES:").contains("\"v=STSv1; id=20260101\"");
    }

    @Test
    void jsonDocument() {
        Cli cli = publish("example.com", "--policy", policy.toString(), "--server", dnsServer(), "--dry-run", "--json");
        assertThat(cli.exitCode()).isZero();
        JsonNode doc = cli.json();
        assertThat(Contract.keys(doc)).containsExactly("domain", "result", "id", "record", "previous", "tlsrpt", "reason",
                "message", "differences", "forced", "readiness", "update", "steps");
        assertThat(doc.get("result").asString()).isEqualTo("dry-run");
        assertThat(doc.get("id").asString()).startsWith("t").hasSize(32);
        assertThat(doc.get("steps").get(0).get("step").asString()).isEqualTo("lint");
        assertThat(doc.get("steps").get(0).get("ok").asBoolean()).isTrue();
    }

    @Test
    void aPolicyTheHostDoesNotServeIsRefusedWithTheLinesThatDiffer() throws IOException {
        Path other = Files.writeString(dir.resolve("other.txt"), POLICY.replace("86400", "604800"));
        Cli cli = publish("example.com", "--policy", other.toString(), "--server", dnsServer(), "--dry-run", "--json");
        assertThat(cli.exitCode()).isEqualTo(MtastsCli.FINDINGS);
        JsonNode doc = cli.json();
        assertThat(doc.get("result").asString()).isEqualTo("refused");
        assertThat(doc.get("reason").asString()).isEqualTo("policy-differs");
        assertThat(doc.get("differences").get(0).asString()).isEqualTo("line 4: file 'max_age: 604800', served 'max_age: 86400'");
    }

    @Test
    void theUpdateToAServerThatTakesNoneIsRefused() {
        Cli cli = publish("example.com", "--policy", policy.toString(), "--server", dnsServer(), "--tsig", key.toString());
        assertThat(cli.exitCode()).as(cli.out()).isEqualTo(MtastsCli.FINDINGS);
        assertThat(cli.out()).contains("FAIL update").contains("NOTIMP");
    }

    @Test
    void usageErrors() throws IOException {
        Cli noKey = publish("example.com", "--policy", policy.toString(), "--server", dnsServer());
        assertThat(noKey.exitCode()).isEqualTo(MtastsCli.USAGE);
        assertThat(noKey.err()).contains("--tsig KEYFILE is required");

        Path bad = Files.writeString(dir.resolve("bad.key"), "key \"update\" {\n algorithm hmac-md5;\n secret \"c2VjcmV0\";\n};\n");
        Cli badKey = publish("example.com", "--policy", policy.toString(), "--server", dnsServer(), "--tsig", bad.toString());
        assertThat(badKey.exitCode()).isEqualTo(MtastsCli.USAGE);
        assertThat(badKey.err()).contains(bad + ": line 2: algorithm 'hmac-md5' is not accepted: use hmac-sha256 (RFC 8945 §6)");

        Cli missing = publish("example.com", "--policy", policy.toString(), "--server", dnsServer(), "--tsig", "/nonexistent.key");
        assertThat(missing.exitCode()).isEqualTo(MtastsCli.USAGE);
        assertThat(missing.err()).contains("--tsig: no such file: /nonexistent.key");

        Cli mode = publish("example.com", "--policy", policy.toString(), "--server", dnsServer(), "--dry-run", "--mode", "none");
        assertThat(mode.exitCode()).isEqualTo(MtastsCli.USAGE);
        assertThat(mode.err()).contains("--mode none, but " + policy + " says mode: testing");

        Cli noServer = Cli.run("publish", "example.com", "--policy", policy.toString());
        assertThat(noServer.exitCode()).isEqualTo(MtastsCli.USAGE);
        assertThat(noServer.err()).contains("--server");
    }

    @Test
    void enforceWithATestingPolicyIsRefused() {
        Cli cli = publish("example.com", "--policy", policy.toString(), "--server", dnsServer(), "--dry-run", "--mode", "enforce");
        assertThat(cli.exitCode()).isEqualTo(MtastsCli.USAGE);
        assertThat(cli.err()).contains("--mode enforce, but");
    }
}
