package org.mtasts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.cli.MtastsCli;
import org.mtasts.core.DomainName;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.PolicyResponse;

/**
 * The README's roll-out ("Rolling out: testing, reports, enforce"), command for command, through
 * the CLI's {@code main} in-process against the publish add-on's Knot (127.0.0.1:5400), with the
 * policy host on the test kit's HTTPS sandbox. The commands are read from README.md, so that the
 * README cannot drift from what runs; only the names are replaced: {@code example.com} by a fresh
 * domain under {@code publish.test}, {@code ns1.example.com} by Knot's address, the files by
 * temporary ones, and each {@code publish} gets the sandbox's {@code --dns}, {@code --trust} and
 * {@code --connect}. Between the commands the test does what the README's comments ask a person to
 * do: serve the policy, collect reports, switch the file to enforce.
 */
class RolloutRealnetIT {
    static final String HEADING = "### Rolling out: testing, reports, enforce";

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run mtasts(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = MtastsCli.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    /** The {@code mtasts} lines of the README's roll-out block. */
    static List<String> readmeCommands() throws IOException {
        Path root = Path.of(System.getProperty("mtasts.root.dir", "..")).toAbsolutePath().normalize();
        List<String> lines = Files.readAllLines(root.resolve("README.md"));
        int at = lines.indexOf(HEADING);
        assertThat(at).as("README.md has the section " + HEADING).isNotNegative();
        while (!lines.get(at).equals("```sh")) {
            at++;
        }
        List<String> commands = new ArrayList<>();
        for (at++; !lines.get(at).equals("```"); at++) {
            if (lines.get(at).startsWith("mtasts ")) {
                commands.add(lines.get(at));
            }
        }
        return commands;
    }

    @Test
    void theReadmeRolloutRunsAsWritten() throws IOException {
        PublishNet net = PublishNet.get();
        DomainName domain = net.freshDomain("roll");
        net.addMx(domain, "mx1.publish.test");
        Path policy = dir.resolve("mta-sts.txt");
        Path reports = Files.createDirectories(dir.resolve("reports"));
        List<String> commands = readmeCommands();
        assertThat(commands).hasSize(4);
        assertThat(commands.get(0)).startsWith("mtasts generate ");
        assertThat(commands.get(1)).startsWith("mtasts publish ");
        assertThat(commands.get(2)).startsWith("mtasts report summary ");
        assertThat(commands.get(3)).startsWith("mtasts publish ").contains("--mode enforce");

        try (MtaStsSandbox sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of(domain.ascii()).policyResponse(PolicyResponse.status(404))).start()) {
            Path ca = Files.writeString(dir.resolve("ca.pem"), sandbox.caPem());
            List<String> sandboxOptions = List.of("--dns", net.server.getHostString() + ":" + net.server.getPort(),
                    "--trust", ca.toString(),
                    "--connect", domain.policyHost() + "=127.0.0.1:" + sandbox.address(domain.policyHost()).getPort());

            // 1. generate; the person saves the policy it prints and serves it
            Run generate = mtasts(args(commands.get(0), domain, net, policy, reports, List.of()));
            assertThat(generate.code()).as(generate.err()).isZero();
            String text = policyFrom(generate.out());
            assertThat(text).contains("mode: testing").contains("mx: mx1.publish.test");
            Files.writeString(policy, text);
            sandbox.policyResponse(domain.ascii(), PolicyResponse.ok(text));

            // 2. publish in testing, with the TLS-RPT record
            Run testing = mtasts(args(commands.get(1), domain, net, policy, reports, sandboxOptions));
            assertThat(testing.code()).as(testing.out() + testing.err()).isZero();
            assertThat(testing.out()).contains("published " + domain.stsRecordName() + " TXT \"v=STSv1; id=t")
                    .contains("published " + domain.tlsRptRecordName() + " TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@" + domain.ascii());
            assertThat(net.txt(domain.tlsRptRecordName())).containsExactly("v=TLSRPTv1; rua=mailto:tlsrpt@" + domain.ascii());

            // 3. the reports that arrived (two weeks of clean days), summarized: ready
            LocalDate last = LocalDate.of(2026, 11, 30);
            for (int i = 0; i < 14; i++) {
                LocalDate day = last.minusDays(i);
                Files.writeString(reports.resolve("report-" + day + ".json"), report(domain, day, text));
            }
            Run summary = mtasts(args(commands.get(2), domain, net, policy, reports, List.of()));
            assertThat(summary.code()).as(summary.out() + summary.err()).isZero();
            assertThat(summary.out()).contains("Ready to enforce " + domain.ascii() + "? READY");

            // 4. the file switched to enforce and served, then published through the gate
            String enforce = text.replace("mode: testing", "mode: enforce");
            Files.writeString(policy, enforce);
            sandbox.policyResponse(domain.ascii(), PolicyResponse.ok(enforce));
            Run enforced = mtasts(args(commands.get(3), domain, net, policy, reports, sandboxOptions));
            assertThat(enforced.code()).as(enforced.out() + enforced.err()).isZero();
            assertThat(enforced.out()).contains("ok   gate     enforce was requested; the reports say READY")
                    .contains("published " + domain.stsRecordName() + " TXT \"v=STSv1; id=e");
            assertThat(net.txt(domain.stsRecordName())).singleElement().asString().startsWith("v=STSv1; id=e");

            // Without the reports the same command is refused, and nothing changes.
            List<String> withoutReports = new ArrayList<>(args(commands.get(3), domain, net, policy, reports, sandboxOptions));
            int r = withoutReports.indexOf("--reports");
            withoutReports.remove(r + 1);
            withoutReports.remove(r);
            Files.writeString(policy, enforce.replace("max_age: 604800", "max_age: 1209600"));
            sandbox.policyResponse(domain.ascii(), PolicyResponse.ok(Files.readString(policy)));
            List<String> before = net.txt(domain.stsRecordName());
            Run refused = mtasts(withoutReports);
            assertThat(refused.code()).as(refused.out()).isEqualTo(MtastsCli.FINDINGS);
            assertThat(refused.out()).contains("FAIL gate").contains("no TLS reports were given");
            assertThat(net.txt(domain.stsRecordName())).isEqualTo(before);

            // ... and passes with --force, which prints the reason.
            withoutReports.addAll(List.of("--force", "reviewed the reports by hand"));
            Run forced = mtasts(withoutReports);
            assertThat(forced.code()).as(forced.out()).isZero();
            assertThat(forced.out()).contains("forced past the readiness gate: reviewed the reports by hand");
        }
    }

    /** The README line as arguments, with the names replaced (see the class description). */
    private static List<String> args(String line, DomainName domain, PublishNet net, Path policy, Path reports,
            List<String> extra) {
        String replaced = line.substring("mtasts ".length())
                .replace("ns1.example.com", net.server.getHostString() + ":" + net.server.getPort())
                .replace("mx1.example.com", "mx1.publish.test")
                .replace("example.com", domain.ascii())
                .replace("update.key", net.keyFile("key.bind").toString())
                .replace("mta-sts.txt", policy.toString())
                .replace("reports/", reports + "/");
        List<String> args = new ArrayList<>(List.of(replaced.split(" +")));
        args.addAll(extra);
        return args;
    }

    /** The policy in {@code mtasts generate}'s output: the lines after the two comment lines. */
    private static String policyFrom(String out) {
        StringBuilder policy = new StringBuilder();
        boolean in = false;
        for (String line : out.split("\n", -1)) {
            if (line.startsWith("#    (HTTPS")) {
                in = true;
            } else if (in && line.isEmpty()) {
                break;
            } else if (in) {
                policy.append(line).append('\n');
            }
        }
        return policy.toString();
    }

    /** One day's clean report from one sender (RFC 8460 §4.4). */
    private static String report(DomainName domain, LocalDate day, String policy) {
        StringBuilder strings = new StringBuilder();
        for (String line : policy.strip().split("\n")) {
            strings.append(strings.length() == 0 ? "" : ", ").append('"').append(line).append('"');
        }
        return "{\"organization-name\": \"Sender Inc\","
                + " \"date-range\": {\"start-datetime\": \"" + day + "T00:00:00Z\", \"end-datetime\": \"" + day + "T23:59:59Z\"},"
                + " \"contact-info\": \"tlsrpt@sender.example\", \"report-id\": \"" + day + "-sender\","
                + " \"policies\": [{\"policy\": {\"policy-type\": \"sts\", \"policy-string\": [" + strings + "],"
                + " \"policy-domain\": \"" + domain.ascii() + "\", \"mx-host\": [\"mx1.publish.test\"]},"
                + " \"summary\": {\"total-successful-session-count\": 120, \"total-failure-session-count\": 0}}]}";
    }
}
