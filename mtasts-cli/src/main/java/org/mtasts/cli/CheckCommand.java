package org.mtasts.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.StsPolicy;
import org.mtasts.dns.DnsjavaResolver;
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

    @Option(names = "--dns", paramLabel = "HOST:PORT", description = "Ask this DNS server instead of the system's.")
    String dns;

    @Option(names = "--trust", paramLabel = "PEM", description = "Trust these CA certificates instead of the JDK's.")
    Path trust;

    @Option(names = "--connect", paramLabel = "NAME[:PORT]=HOST:PORT",
            description = "Connect to HOST:PORT for NAME (on PORT: 443, 80 or 25; without it, every port). Repeatable.")
    List<String> connect = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Per network step (default 10).")
    int timeout = 10;

    @Option(names = "--state", paramLabel = "DIR", description = "Remember the policy here, to notice a change without a new id.")
    Path state;

    @Option(names = "--ehlo", paramLabel = "NAME", description = "The name to give in EHLO (default: localhost).")
    String ehlo = "localhost";

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DomainName name = DomainName.parse(domain).toOptional()
                .orElseThrow(() -> new MtastsCli.UsageException("'" + TlsProbe.printable(domain) + "' is not a valid domain name"));
        if (timeout < 1) {
            throw new MtastsCli.UsageException("--timeout must be at least 1 second");
        }
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null && !output.json;
        DomainCheck.Settings settings = new DomainCheck.Settings(resolver(dns, Duration.ofSeconds(timeout)),
                Trust.load(trust), parseConnect(connect), Duration.ofSeconds(timeout), Clock.systemUTC(), state, ehlo,
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

    static DnsjavaResolver resolver(@Nullable String server, Duration timeout) {
        // A diagnostic sees every answer fresh: no TTL cache.
        DnsjavaResolver.Builder b = DnsjavaResolver.builder().timeout(timeout).deadline(timeout.multipliedBy(3))
                .cacheOthers(false);
        if (server != null) {
            b.server(hostPort(server, "--dns"));
        }
        return b.build();
    }

    static Map<String, InetSocketAddress> parseConnect(List<String> values) {
        Map<String, InetSocketAddress> map = new LinkedHashMap<>();
        for (String value : values) {
            int eq = value.indexOf('=');
            if (eq <= 0) {
                throw new MtastsCli.UsageException("--connect " + value + ": expected NAME[:PORT]=HOST:PORT");
            }
            String key = value.substring(0, eq).toLowerCase(java.util.Locale.ROOT);
            String name = key.contains(":") ? key.substring(0, key.indexOf(':')) : key;
            if (!DomainName.isValid(name)) {
                throw new MtastsCli.UsageException("--connect " + value + ": '" + name + "' is not a host name");
            }
            map.put(key, hostPort(value.substring(eq + 1), "--connect"));
        }
        return map;
    }

    static InetSocketAddress hostPort(String text, String option) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new MtastsCli.UsageException(option + " " + text + ": expected HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new MtastsCli.UsageException(option + " " + text + ": the port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new MtastsCli.UsageException(option + " " + text + ": the port is outside 1..65535");
        }
        return new InetSocketAddress(host, port);
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
