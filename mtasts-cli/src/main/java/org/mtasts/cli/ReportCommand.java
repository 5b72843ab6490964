package org.mtasts.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.mtasts.core.DomainName;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyResult;
import org.mtasts.tlsrpt.ReadResult;
import org.mtasts.tlsrpt.Readiness;
import org.mtasts.tlsrpt.ReadinessCriteria;
import org.mtasts.tlsrpt.ReportError;
import org.mtasts.tlsrpt.ReportSummary;
import org.mtasts.tlsrpt.ReportWarning;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;
import org.mtasts.tlsrpt.TlsReportWriter;
import org.mtasts.tlsrpt.mail.MessageReadResult;
import org.mtasts.tlsrpt.mail.ReportMessageReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/**
 * {@code mtasts report show} and {@code mtasts report summary}: TLS-RPT reports for people and tools;
 * the intake commands are in {@link IntakeCommands}.
 */
@Command(name = "report", description = {"Read TLS-RPT reports (RFC 8460): JSON, gzip, zip or a report e-mail.",
        "Take them in for a domain owner: fetch (IMAP, Maildir, files) and receive (HTTPS) into a store, then "
                + "dashboard and metrics from it."},
        mixinStandardHelpOptions = true, subcommands = {ReportCommand.Show.class, ReportCommand.SummaryCmd.class,
                IntakeCommands.Fetch.class, IntakeCommands.Receive.class, IntakeCommands.DashboardCmd.class,
                IntakeCommands.Metrics.class})
final class ReportCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** One file read: the report and its warnings, or the error. */
    record Loaded(String file, TlsReport report, List<ReportWarning> warnings, ReportError error) {
        boolean ok() {
            return report != null;
        }
    }

    /** Reads a report file, or a report e-mail when the bytes are neither JSON, gzip nor zip. */
    static Loaded load(Path file, boolean strict) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new MtastsCli.UsageException("no such file: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String name = file.toString();
        if (looksLikeReport(bytes)) {
            TlsReportReader reader = strict ? TlsReportReader.strict() : TlsReportReader.lenient();
            ReadResult result = reader.read(bytes, file.getFileName().toString());
            if (result instanceof ReadResult.Read read) {
                return new Loaded(name, read.report(), read.warnings(), null);
            }
            ReadResult.Invalid invalid = (ReadResult.Invalid) result;
            return new Loaded(name, null, invalid.warnings(), invalid.error());
        }
        MessageReadResult result = ReportMessageReader.create().read(bytes);
        if (result instanceof MessageReadResult.Received received) {
            return new Loaded(name, received.report(), received.warnings(), null);
        }
        MessageReadResult.Invalid invalid = (MessageReadResult.Invalid) result;
        return new Loaded(name, null, invalid.warnings(), invalid.error());
    }

    /** JSON (after optional whitespace or a BOM), gzip or zip; anything else is taken for an e-mail. */
    private static boolean looksLikeReport(byte[] b) {
        if (b.length >= 2 && (b[0] & 0xFF) == 0x1F && (b[1] & 0xFF) == 0x8B) {
            return true;
        }
        if (b.length >= 2 && b[0] == 'P' && b[1] == 'K') {
            return true;
        }
        int i = 0;
        if (b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
            i = 3;
        }
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i < b.length && (b[i] == '{' || b[i] == '[');
    }

    static List<Path> expand(List<String> arguments) {
        List<Path> files = new ArrayList<>();
        for (String argument : arguments) {
            Path path = Path.of(argument);
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(Files::isRegularFile).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + path + ": " + e.getMessage(), e);
                }
            } else {
                files.add(path);
            }
        }
        return files;
    }

    static Map<String, Object> errorJson(ReportError e) {
        Map<String, Object> out = Json.object();
        out.put("path", e.path());
        out.put("line", e.line());
        out.put("column", e.column());
        out.put("rule", e.rule());
        out.put("code", e.code());
        out.put("message", e.detail());
        return out;
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Show reports: JSON, gzip, zip or a report e-mail (told apart by their bytes).",
                    "Every deviation of the sender from RFC 8460 is shown as a warning with its JSON path."})
    static final class Show implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Report files or e-mails.")
        List<String> files = new ArrayList<>();

        @Option(names = "--strict", description = "Reject reports that deviate from RFC 8460.")
        boolean strict;

        @Mixin
        Output output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<Object> documents = new ArrayList<>();
            boolean allOk = true;
            for (Path file : expand(files)) {
                Loaded loaded = load(file, strict);
                allOk &= loaded.ok();
                Map<String, Object> doc = Json.object();
                doc.put("file", loaded.file());
                if (loaded.ok()) {
                    JsonNode report = Json.MAPPER.readTree(TlsReportWriter.create().toJsonString(loaded.report()));
                    doc.put("report", report);
                } else {
                    doc.put("error", errorJson(loaded.error()));
                }
                List<Object> warnings = new ArrayList<>();
                for (ReportWarning w : loaded.warnings()) {
                    Map<String, Object> warning = Json.object();
                    warning.put("path", w.path());
                    warning.put("message", w.detail());
                    warnings.add(warning);
                }
                doc.put("warnings", warnings);
                documents.add(doc);
                if (!output.json) {
                    printHuman(out, loaded);
                }
            }
            if (output.json) {
                Output.print(out, documents.size() == 1 ? documents.get(0) : documents);
            }
            return allOk ? MtastsCli.OK : MtastsCli.FINDINGS;
        }

        private static void printHuman(PrintWriter out, Loaded loaded) {
            out.println("== " + loaded.file());
            if (!loaded.ok()) {
                out.println("  invalid: " + loaded.error());
            } else {
                TlsReport r = loaded.report();
                out.println("  from:    " + TlsProbe.printable(r.organizationName())
                        + (r.contactInfo() == null ? "" : " <" + TlsProbe.printable(r.contactInfo()) + ">"));
                out.println("  id:      " + TlsProbe.printable(r.reportId()));
                out.println("  period:  " + r.dateRange().start() + " .. " + r.dateRange().end());
                for (PolicyResult p : r.policies()) {
                    out.println("  policy " + p.policy().policyTypeToken() + " "
                            + (p.policy().policyDomain() == null ? "(no domain)" : TlsProbe.printable(p.policy().policyDomain()))
                            + ": " + p.summary().totalSuccessfulSessionCount() + " successful, "
                            + p.summary().totalFailureSessionCount() + " failed sessions");
                    for (FailureDetails d : p.failureDetails()) {
                        out.println("    " + d.failedSessionCount() + " x " + d.resultType().token()
                                + (d.receivingMxHostname() == null ? "" : " at " + TlsProbe.printable(d.receivingMxHostname()))
                                + (d.failureReasonCode() == null ? "" : " (" + TlsProbe.printable(d.failureReasonCode()) + ")"));
                    }
                }
            }
            for (ReportWarning w : loaded.warnings()) {
                out.println("  warning " + w.code() + " at " + w.path() + ": " + w.detail());
            }
        }
    }

    @Command(name = "summary", mixinStandardHelpOptions = true,
            description = {"Summarize many reports: per day, reporter, policy domain, MX host and result type, with the "
                    + "success rate, and say whether the domain is ready to switch from testing to enforce."})
    static final class SummaryCmd implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "DIR|FILE", description = "Report files, e-mails, or directories of them.")
        List<String> files = new ArrayList<>();

        @Option(names = "--domain", paramLabel = "DOMAIN", description = "The policy domain to judge (default: the only one in the reports).")
        String domain;

        @Option(names = "--days", paramLabel = "N", description = "Days without failures needed for enforce (default 14).")
        int days = 14;

        @Option(names = "--until", paramLabel = "YYYY-MM-DD", description = "The last day to consider (default: the latest report's).")
        LocalDate until;

        @Option(names = "--mx", paramLabel = "HOST", description = "An MX host that must be seen with TLS (repeatable).")
        List<String> mx = new ArrayList<>();

        @Mixin
        Output output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<TlsReport> reports = new ArrayList<>();
            List<Object> errors = new ArrayList<>();
            for (Path file : expand(files)) {
                Loaded loaded = load(file, false);
                if (loaded.ok()) {
                    reports.add(loaded.report());
                } else {
                    Map<String, Object> e = errorJson(loaded.error());
                    e.put("file", loaded.file());
                    errors.add(e);
                    err.println("mtasts: skipped " + loaded.file() + ": " + loaded.error());
                }
            }
            if (reports.isEmpty()) {
                throw new MtastsCli.UsageException("no readable report among the files given");
            }
            ReportSummary summary = ReportSummary.of(reports);
            DomainName policyDomain = policyDomain(summary);
            LocalDate last = until != null ? until : lastDay(reports);
            if (days < 1 || days > 366) {
                throw new MtastsCli.UsageException("--days must be 1 to 366");
            }
            List<DomainName> hosts = new ArrayList<>();
            for (String host : mx) {
                hosts.add(DomainName.parse(host).toOptional()
                        .orElseThrow(() -> new MtastsCli.UsageException("--mx " + host + " is not a host name")));
            }
            Readiness readiness = summary.readiness(ReadinessCriteria.of(policyDomain, last, days).withMxHosts(hosts));
            if (output.json) {
                Map<String, Object> doc = Json.object();
                doc.put("reports", reports.size());
                doc.put("summary", Json.MAPPER.readTree(summary.toJson()));
                doc.put("readiness", Json.MAPPER.readTree(readiness.toJson()));
                doc.put("errors", errors);
                Output.print(out, doc);
            } else {
                printSummary(out, summary);
                out.println("Ready to enforce " + policyDomain + "? " + readiness.verdict());
                readiness.reasons().forEach(reason -> out.println("  - " + reason));
            }
            return readiness.verdict() == Readiness.Verdict.READY ? MtastsCli.OK : MtastsCli.FINDINGS;
        }

        private static void printSummary(PrintWriter out, ReportSummary summary) {
            out.println(summary.reportCount() + " reports: " + counts(summary.total()));
            out.println("by day:");
            summary.byDay().forEach((day, c) -> out.println("  " + day + "  " + counts(c)));
            out.println("by reporter:");
            summary.byOrganization().forEach((org, c) -> out.println("  " + TlsProbe.printable(org) + "  " + counts(c)));
            out.println("by policy domain:");
            summary.byPolicyDomain().forEach((d, c) -> out.println("  " + TlsProbe.printable(d) + "  " + counts(c)));
            if (!summary.byMxHost().isEmpty()) {
                out.println("failures by MX host:");
                summary.byMxHost().forEach((host, stats) -> out.println("  " + TlsProbe.printable(host) + "  "
                        + stats.failedSessions() + " failed " + stats.byResultType()));
            }
            if (!summary.byResultType().isEmpty()) {
                out.println("failures by result type:");
                summary.byResultType().forEach((type, n) -> out.println("  " + TlsProbe.printable(type) + "  " + n));
            }
            out.println();
        }

        private static String counts(ReportSummary.Counts c) {
            String rate = c.successRate().isPresent()
                    ? String.format(" (%.2f%% successful)", c.successRate().getAsDouble() * 100) : "";
            return c.successfulSessions() + " successful, " + c.failedSessions() + " failed" + rate;
        }

        private DomainName policyDomain(ReportSummary summary) {
            if (domain != null) {
                return DomainName.parse(domain).toOptional()
                        .orElseThrow(() -> new MtastsCli.UsageException("--domain " + domain + " is not a domain name"));
            }
            TreeSet<String> domains = new TreeSet<>(summary.byPolicyDomain().keySet());
            domains.remove(ReportSummary.NONE);
            if (domains.size() != 1) {
                throw new MtastsCli.UsageException("the reports cover " + domains.size() + " policy domains "
                        + domains + "; choose one with --domain");
            }
            return DomainName.parse(domains.first()).toOptional()
                    .orElseThrow(() -> new MtastsCli.UsageException("the reports' policy domain is not a valid name; use --domain"));
        }

        private static LocalDate lastDay(List<TlsReport> reports) {
            LocalDate last = LocalDate.MIN;
            for (TlsReport r : reports) {
                LocalDate day = r.dateRange().startDay();
                if (day.isAfter(last)) {
                    last = day;
                }
            }
            return last;
        }
    }
}
