package org.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mtasts.testkit.DnsFault;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.Scenario;
import tools.jackson.databind.JsonNode;

/** {@code mtasts check} and {@code mtasts demo} against the test kit's sandbox, as a user runs them. */
class CheckAndDemoTest {

    private static MtaStsSandbox sandbox;
    private static Path ca;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        sandbox = MtaStsSandbox.builder().allScenarios().start();
        ca = dir.resolve("ca.pem");
        Files.writeString(ca, sandbox.caPem(), StandardCharsets.US_ASCII);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /** The options a user gives to point check at the sandbox: --dns, --trust, --connect. */
    static List<String> options() {
        List<String> args = new ArrayList<>(List.of("--dns", hostPort(sandbox.dnsAddress()), "--trust", ca.toString(),
                "--timeout", "5"));
        for (Map.Entry<String, InetSocketAddress> e : sandbox.addresses().entrySet()) {
            args.add("--connect");
            args.add(e.getKey() + "=" + hostPort(e.getValue()));
        }
        for (Map.Entry<String, InetSocketAddress> e : sandbox.httpAddresses().entrySet()) {
            args.add("--connect");
            args.add(e.getKey() + ":80=" + hostPort(e.getValue()));
        }
        return args;
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static Cli check(String domain, String... extra) {
        List<String> args = new ArrayList<>(List.of("check", domain, "--json"));
        args.addAll(options());
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "check names the classic mistake of {0}")
    @EnumSource(value = Scenario.class, names = "ID_NOT_CHANGED", mode = EnumSource.Mode.EXCLUDE)
    void namesEachClassicMistake(Scenario scenario) {
        Cli cli = check(scenario.domain());
        JsonNode doc = cli.json();
        Contract.checkDocument(doc);
        assertThat(doc.get("domain").asString()).isEqualTo(scenario.domain());
        assertThat(Contract.codes(doc)).as(cli.out()).contains(DemoCommand.EXPECTED.get(scenario));
        boolean errors = false;
        for (JsonNode f : doc.get("findings")) {
            errors |= f.get("severity").asString().equals("error");
        }
        assertThat(cli.exitCode()).isEqualTo(errors ? 1 : 0);
    }

    @Test
    @DisplayName("RFC 8461 §3.1: with --state, a policy changed under the same id is named")
    void stateNoticesPolicyChangeWithoutNewId() {
        String state = dir.resolve("state").toString();
        Scenario s = Scenario.ID_NOT_CHANGED;
        assertThat(Contract.codes(check(s.domain(), "--state", state).json())).doesNotContain("policy-changed-id-unchanged");
        sandbox.update(s.editedSpec().orElseThrow());
        Cli second = check(s.domain(), "--state", state);
        assertThat(Contract.codes(second.json())).contains("policy-changed-id-unchanged");
        assertThat(second.exitCode()).isEqualTo(1);
    }

    @Test
    @DisplayName("The good domain: the policy in the contract's shape and exit 0")
    void goodDomain() {
        Cli cli = check(Scenario.GOOD.domain());
        assertThat(cli.exitCode()).isZero();
        JsonNode doc = cli.json();
        assertThat(doc.get("policy").get("mode").asString()).isEqualTo("enforce");
        assertThat(doc.get("senders").get("apply").asString()).isEqualTo("enforce");
        assertThat(Contract.codes(doc)).containsExactly("ok");
    }

    @ParameterizedTest(name = "RFC 8461 §3.1, §3.3, §5: what senders apply at {0}")
    @EnumSource(value = Scenario.class, names = {"GOOD", "TESTING_MODE", "TWO_RECORDS", "EXPIRED_POLICY_CERT",
            "HTTP_ONLY", "MX_NOT_IN_POLICY"})
    void sendersVerdict(Scenario scenario) {
        JsonNode doc = check(scenario.domain()).json();
        String expected = switch (scenario) {
            case GOOD, MX_NOT_IN_POLICY -> "enforce";
            case TESTING_MODE -> "testing";
            default -> "none";
        };
        assertThat(doc.get("senders").get("apply").asString()).isEqualTo(expected);
        if (scenario == Scenario.TWO_RECORDS) {
            // The policy is still served and shown, but senders never get to it.
            assertThat(doc.get("policy").isNull()).isFalse();
            assertThat(doc.get("senders").get("because").asString())
                    .isEqualTo("there are 2 MTA-STS records at _mta-sts.two-records.example, so senders assume there is "
                            + "no policy (RFC 8461 §3.1)");
        }
        if (scenario == Scenario.EXPIRED_POLICY_CERT) {
            assertThat(doc.get("senders").get("because").asString()).contains("(policy-cert-expired)")
                    .contains("RFC 8461 §3.3");
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.1: the first line says what senders do, not what the policy file says")
    void humanFirstLineIsTheSendersVerdict() {
        List<String> args = new ArrayList<>(List.of("check", Scenario.TWO_RECORDS.domain()));
        args.addAll(options());
        List<String> lines = Cli.run(args.toArray(String[]::new)).out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("two-records.example  senders apply: none");
        assertThat(lines.get(1)).startsWith("  because there are 2 MTA-STS records at _mta-sts.two-records.example");
        assertThat(lines.get(2)).matches("  policy served: mode \\w+, max_age \\d+ \\(not applied by senders\\)");
    }

    @Test
    @DisplayName("A temporary DNS failure exits 2")
    void temporaryFailureExitsTwo() {
        sandbox.dnsFault("_mta-sts.testing-mode.example", DnsFault.SERVFAIL);
        try {
            Cli cli = check(Scenario.TESTING_MODE.domain());
            assertThat(Contract.codes(cli.json())).contains("sts-record-dns-error");
            assertThat(cli.exitCode()).isEqualTo(2);
        } finally {
            sandbox.dnsFault("_mta-sts.testing-mode.example", null);
        }
    }

    @Test
    @DisplayName("Human output: each finding with its code and fix")
    void humanOutput() {
        List<String> args = new ArrayList<>(List.of("check", Scenario.MX_NOT_IN_POLICY.domain()));
        args.addAll(options());
        Cli cli = Cli.run(args.toArray(String[]::new));
        assertThat(cli.out()).contains("ERROR mx-not-in-policy").contains("fix: Add mx: mx2.mx-not-in-policy.example");
    }

    @Test
    @DisplayName("demo: every scenario checked, the contract's document, exit 0")
    void demo() {
        Cli cli = Cli.run("demo", "--json");
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        JsonNode doc = cli.json();
        assertThat(Contract.keys(doc)).containsExactly("results");
        assertThat(doc.get("results")).hasSize(Scenario.values().length);
        int i = 0;
        for (Scenario s : Scenario.values()) {
            JsonNode result = doc.get("results").get(i++);
            Contract.checkDocument(result);
            assertThat(result.get("domain").asString()).isEqualTo(s.domain());
            assertThat(Contract.codes(result)).contains(DemoCommand.EXPECTED.get(s));
        }
    }

    @Test
    @DisplayName("demo for people names each mistake and ends with the self-check")
    void demoHuman() {
        Cli cli = Cli.run("demo");
        assertThat(cli.exitCode()).isZero();
        assertThat(cli.out()).contains("== good.example").contains("ERROR policy-http-only")
                .contains("Every domain showed the mistake it was built with");
    }
}
