package org.mtasts.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.StsPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mtasts check DOMAIN}: the careful postmaster's checks, automated. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check a domain's MTA-STS and TLS-RPT set-up: the _mta-sts record, the policy fetch over HTTPS, "
                + "the policy, the MX hosts against it, STARTTLS and the certificate of each MX, the _smtp._tls record.",
                "Exit code: 0 no errors, 1 errors found, 2 a step failed temporarily (DNS, network), 64 usage error."})
final class CheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The policy domain (the part after @).")
    String domain;

    @Option(names = "--state", paramLabel = "DIR", description = "Remember the policy here, to notice a change without a new id.")
    Path state;

    @Option(names = "--ehlo", paramLabel = "NAME", description = "The name to give in EHLO (default: localhost).")
    String ehlo = "localhost";

    @Mixin
    NetworkOptions network;

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DomainName name = DomainName.parse(domain).toOptional()
                .orElseThrow(() -> new MtastsCli.UsageException("'" + TlsProbe.printable(domain) + "' is not a valid domain name"));
        Duration timeout = network.timeout();
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null && !output.json;
        DomainCheck.Settings settings = new DomainCheck.Settings(network.resolver(),
                network.trustManager(), network.connect(), timeout, Clock.systemUTC(), state, ehlo,
                terminal ? text -> err.println("  ... " + text) : DomainCheck.Progress.NONE);
        DomainCheck.Report report;
        try (DomainCheck check = new DomainCheck(settings)) {
            report = check.run(name);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            Output.print(out, report.toJson());
        } else {
            printHuman(out, report);
        }
        return report.exitCode();
    }

    /**
     * Prints the verdict first, what senders apply and why, then the policy as served (which
     * senders may ignore), then each finding.
     */
    static void printHuman(PrintWriter out, DomainCheck.Report report) {
        DomainCheck.Senders senders = report.senders();
        out.println(report.domain().ascii() + "  senders apply: " + senders.apply());
        out.println("  because " + senders.because());
        StsPolicy policy = report.policy();
        if (policy == null) {
            out.println("  policy served: none usable");
        } else {
            boolean applied = !senders.apply().equals("none") || policy.mode() == PolicyMode.NONE;
            out.println("  policy served: mode " + policy.mode().token() + ", max_age " + policy.maxAge()
                    + (applied ? "" : " (not applied by senders)"));
        }
        for (Finding f : report.findings()) {
            String tag = switch (f.severity()) {
                case error -> f.temporary() ? "TEMP " : "ERROR";
                case warning -> "WARN ";
                case info -> "INFO ";
            };
            out.println("  " + tag + " " + f.code());
            out.println("        " + f.message());
            if (!f.fix().isEmpty()) {
                out.println("        fix: " + f.fix());
            }
        }
        out.flush();
    }
}
