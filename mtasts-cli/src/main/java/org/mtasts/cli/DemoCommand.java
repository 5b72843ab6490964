package org.mtasts.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.mtasts.core.DomainName;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mtasts demo}: starts the test kit's sandbox on loopback with a correct domain and one domain
 * per classic mistake, and runs {@code check} on each. Needs no network.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start a fake internet on loopback (DNS, HTTPS policy hosts, SMTP with STARTTLS, a CA) with a "
                + "correct domain and one domain per classic MTA-STS mistake, and check each. Needs no network.",
                "Exit code: 0 when every domain shows the finding it was built for, 1 otherwise."})
final class DemoCommand implements Callable<Integer> {

    /** The finding each scenario must produce: the demo checks itself. */
    static final Map<Scenario, String> EXPECTED = expected();

    private static Map<Scenario, String> expected() {
        Map<Scenario, String> m = new EnumMap<>(Scenario.class);
        m.put(Scenario.GOOD, "ok");
        m.put(Scenario.APEX_LISTED, "policy-lists-apex");
        m.put(Scenario.ID_NOT_CHANGED, "policy-changed-id-unchanged");
        m.put(Scenario.HTTP_ONLY, "policy-http-only");
        m.put(Scenario.MX_CERT_WEB_ONLY, "mx-cert-web-only");
        m.put(Scenario.NO_TLSRPT, "enforce-without-tlsrpt");
        m.put(Scenario.TWO_RECORDS, "sts-record-multiple");
        m.put(Scenario.EXPIRED_POLICY_CERT, "policy-cert-expired");
        m.put(Scenario.MX_NOT_IN_POLICY, "mx-not-in-policy");
        m.put(Scenario.TESTING_MODE, "mode-testing");
        m.put(Scenario.UNTRUSTED_MX_CERT, "mx-cert-untrusted");
        m.put(Scenario.EXPIRED_MX_CERT, "mx-cert-expired");
        m.put(Scenario.SHORT_MAX_AGE, "max-age-short");
        m.put(Scenario.NO_STARTTLS, "mx-starttls-missing");
        m.put(Scenario.NO_POLICY_HOST, "policy-host-not-found");
        return m;
    }

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Map<String, Object>> results = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Path state;
        try {
            state = Files.createTempDirectory("mtasts-demo-state");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory: " + e.getMessage(), e);
        }
        try (MtaStsSandbox sandbox = MtaStsSandbox.builder().allScenarios().start()) {
            if (!output.json) {
                out.println("Sandbox on 127.0.0.1: DNS " + sandbox.dnsAddress().getPort() + ", " + sandbox.domains().size()
                        + " domains; each is checked as `mtasts check` would check a real one.");
                out.println();
            }
            Map<String, InetSocketAddress> connect = new LinkedHashMap<>(sandbox.addresses());
            sandbox.httpAddresses().forEach((host, address) -> connect.put(host + ":80", address));
            DomainCheck.Settings settings = new DomainCheck.Settings(
                    DnsjavaResolver.builder().server(sandbox.dnsAddress()).timeout(Duration.ofSeconds(2))
                            .deadline(Duration.ofSeconds(5)).retries(0).cacheOthers(false).build(),
                    sandbox.trustManager(), connect, Duration.ofSeconds(5), sandbox.clock(), state, "demo.localhost",
                    DomainCheck.Progress.NONE);
            try (DomainCheck check = new DomainCheck(settings)) {
                for (Scenario scenario : Scenario.values()) {
                    DomainName domain = DomainName.of(scenario.domain());
                    DomainCheck.Report report = check.run(domain);
                    if (scenario.editedSpec().isPresent()) {
                        // The owner edits the policy but keeps the id; the next check (with --state) notices.
                        sandbox.update(scenario.editedSpec().orElseThrow());
                        report = check.run(domain);
                    }
                    results.add(report.toJson());
                    String expected = EXPECTED.get(scenario);
                    boolean shown = report.findings().stream().anyMatch(f -> f.code().equals(expected));
                    if (!shown) {
                        missing.add(scenario.domain() + " (expected " + expected + ")");
                    }
                    if (!output.json) {
                        out.println("== " + scenario.domain() + " — mistake: " + scenario.mistake());
                        CheckCommand.printHuman(out, report);
                        out.println();
                    }
                }
            }
        } finally {
            deleteQuietly(state);
        }
        if (output.json) {
            Map<String, Object> doc = Json.object();
            doc.put("results", results);
            Output.print(out, doc);
        } else {
            out.println(missing.isEmpty()
                    ? "Every domain showed the mistake it was built with (" + results.size() + " domains)."
                    : "MISSING findings: " + String.join("; ", missing));
        }
        if (!missing.isEmpty()) {
            err.println("mtasts demo: expected findings missing: " + String.join("; ", missing));
            return MtastsCli.FINDINGS;
        }
        return MtastsCli.OK;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("mtasts demo: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
