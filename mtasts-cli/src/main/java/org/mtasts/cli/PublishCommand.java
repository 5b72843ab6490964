package org.mtasts.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ReportUri;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.TlsRptRecord;
import org.mtasts.dns.AddressAnswer;
import org.mtasts.dns.DnsUpdater;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.dns.TsigKey;
import org.mtasts.http.AddressFilter;
import org.mtasts.http.HttpsPolicyFetcher;
import org.mtasts.http.publish.PolicyPublisher;
import org.mtasts.http.publish.PublishRequest;
import org.mtasts.http.publish.PublishResult;
import org.mtasts.tlsrpt.Readiness;
import org.mtasts.tlsrpt.ReadinessCriteria;
import org.mtasts.tlsrpt.ReportSummary;
import org.mtasts.tlsrpt.TlsReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mtasts publish DOMAIN}: publish a policy's record by RFC 2136 dynamic update, in the safe
 * order (lint, MX check, the policy live over HTTPS, id from the bytes, update with the old record
 * as prerequisite, confirm), on {@link PolicyPublisher}.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish an MTA-STS policy: lint it against the domain's live MX hosts, check that "
                + "https://mta-sts.DOMAIN/.well-known/mta-sts.txt serves exactly this file, derive the id from its bytes, "
                + "then replace the _mta-sts TXT record by an RFC 2136 update signed with TSIG, with the old record as the "
                + "update's prerequisite, and confirm with the server.",
                "A switch to enforce needs TLS reports that say READY (as mtasts report summary judges them), or --force.",
                "Exit code: 0 published (or unchanged, or a dry run), 1 refused, 2 temporary failure, 64 usage error."})
final class PublishCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The policy domain (the part after @).")
    String domain;

    @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The policy file, exactly as served.")
    String policy;

    @Option(names = "--server", required = true, paramLabel = "HOST[:PORT]",
            description = "The zone's primary DNS server, which takes the update (port 53 by default).")
    String server;

    @Option(names = "--tsig", paramLabel = "KEYFILE",
            description = "The TSIG key (HMAC-SHA256): BIND's key \"name\" { ... };, Knot's keymgr -t output, or NAME:SECRET.")
    Path tsig;

    @Option(names = "--dry-run", description = "Run every check and print the update, but send nothing.")
    boolean dryRun;

    @Option(names = "--tlsrpt", arity = "1..*", paramLabel = "RUA",
            description = "Also publish a TLS-RPT record with these destinations (mailto: or https:).")
    List<String> tlsrpt = new ArrayList<>();

    @Option(names = "--mode", paramLabel = "MODE",
            description = "The mode the policy must have; enforce also applies the readiness gate.")
    String mode;

    @Option(names = "--reports", arity = "1..*", paramLabel = "DIR|FILE",
            description = "TLS reports for the readiness gate (files, e-mails or directories, as mtasts report summary).")
    List<String> reports = new ArrayList<>();

    @Option(names = "--days", paramLabel = "N", description = "Days without failures the gate needs (default 14).")
    int days = 14;

    @Option(names = "--force", paramLabel = "REASON", description = "Pass the readiness gate without ready reports; the reason is printed.")
    String force;

    @Option(names = "--ttl", paramLabel = "SECONDS", description = "TTL of the records written (default: the old record's, or 3600).")
    Long ttl;

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
        Duration step = network.timeout();
        if (days < 1 || days > 366) {
            throw new MtastsCli.UsageException("--days must be 1 to 366");
        }
        if (tsig == null && !dryRun) {
            throw new MtastsCli.UsageException("--tsig KEYFILE is required (only --dry-run runs without a key)");
        }
        if (force != null && force.isBlank()) {
            throw new MtastsCli.UsageException("--force needs a reason");
        }
        byte[] body = PolicyCommand.readInput(policy);
        PublishRequest.Builder request = PublishRequest.builder(name, body).dryRun(dryRun);
        if (mode != null) {
            PolicyMode wanted = PolicyMode.fromToken(mode.toLowerCase(Locale.ROOT)).orElseThrow(() ->
                    new MtastsCli.UsageException("--mode must be testing, enforce or none"));
            request.enforce(wanted == PolicyMode.ENFORCE);
            PolicyMode actual = StsPolicy.parse(body).toOptional().map(StsPolicy::mode).orElse(null);
            if (actual != null && actual != wanted) {
                // The file is what is served: --mode states what the operator means to publish.
                throw new MtastsCli.UsageException("--mode " + wanted.token() + ", but " + policy + " says mode: " + actual.token());
            }
        }
        if (!tlsrpt.isEmpty()) {
            List<ReportUri> uris = new ArrayList<>();
            for (String uri : tlsrpt) {
                try {
                    uris.add(ReportUri.of(uri));
                } catch (IllegalArgumentException e) {
                    throw new MtastsCli.UsageException("--tlsrpt: " + e.getMessage());
                }
            }
            request.tlsRpt(TlsRptRecord.of(uris));
        }
        if (ttl != null) {
            try {
                request.ttl(Duration.ofSeconds(ttl));
            } catch (IllegalArgumentException e) {
                throw new MtastsCli.UsageException("--ttl: " + e.getMessage());
            }
        }
        if (force != null) {
            request.force(force);
        }
        Readiness readiness = readiness(name);
        if (readiness != null) {
            request.readiness(readiness);
        }

        DnsUpdater.Builder updater = DnsUpdater.builder().server(serverAddress(server)).timeout(step);
        if (tsig != null) {
            try {
                updater.key(TsigKey.load(tsig));
            } catch (NoSuchFileException e) {
                throw new MtastsCli.UsageException("--tsig: no such file: " + tsig);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + tsig + ": " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new MtastsCli.UsageException("--tsig " + e.getMessage());
            }
        }
        DnsjavaResolver resolver = network.resolver();
        OkHttpClient client = new OkHttpClient.Builder().dns(network.hasDns() ? okDns(resolver) : Dns.SYSTEM).build();
        HttpsPolicyFetcher.Builder fetcher = HttpsPolicyFetcher.builder()
                .client(client)
                .trustManager(network.trustManager())
                .timeout(step)
                // A domain owner may publish from inside a private network.
                .addressFilter(AddressFilter.ANY)
                // Only the policy host is connected to: the overrides for HTTPS.
                .addressOverrides(NetworkOptions.httpsOverrides(network.connect()));
        PublishResult result;
        try (HttpsPolicyFetcher f = fetcher.build()) {
            PolicyPublisher publisher = PolicyPublisher.builder().updater(updater.build()).fetcher(f).resolver(resolver).build();
            result = publisher.publish(request.build());
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            Output.print(out, json(name, result, readiness));
        } else {
            printHuman(out, name, result);
        }
        return switch (result.kind()) {
            case PUBLISHED, UNCHANGED, DRY_RUN -> MtastsCli.OK;
            case REFUSED -> MtastsCli.FINDINGS;
            case TEMPORARY_FAILURE -> MtastsCli.TEMPORARY;
        };
    }

    /** The reports' verdict, as {@code mtasts report summary --domain DOMAIN --days N} gives it. */
    private @Nullable Readiness readiness(DomainName name) {
        if (reports.isEmpty()) {
            return null;
        }
        List<TlsReport> read = new ArrayList<>();
        PrintWriter err = spec.commandLine().getErr();
        for (Path file : ReportCommand.expand(reports)) {
            ReportCommand.Loaded loaded = ReportCommand.load(file, false);
            if (loaded.ok()) {
                read.add(loaded.report());
            } else {
                err.println("mtasts: skipped " + loaded.file() + ": " + loaded.error());
            }
        }
        if (read.isEmpty()) {
            throw new MtastsCli.UsageException("--reports: no readable report among the files given");
        }
        LocalDate last = LocalDate.MIN;
        for (TlsReport r : read) {
            LocalDate day = r.dateRange().startDay();
            if (day.isAfter(last)) {
                last = day;
            }
        }
        return ReportSummary.of(read).readiness(ReadinessCriteria.of(name, last, days));
    }

    static InetSocketAddress serverAddress(String text) {
        String host = text;
        int port = 53;
        int colon = text.lastIndexOf(':');
        if (colon > 0 && text.indexOf(':') == colon) {
            host = text.substring(0, colon);
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new MtastsCli.UsageException("--server " + text + ": the port is not a number");
            }
        } else if (text.startsWith("[") && text.contains("]:")) {
            return NetworkOptions.hostPort(text, "--server");
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new MtastsCli.UsageException("--server " + text + ": expected HOST or HOST:PORT");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new MtastsCli.UsageException("--server " + text + ": cannot resolve " + host);
        }
        return address;
    }

    private static Dns okDns(DnsjavaResolver resolver) {
        return hostname -> {
            DomainName host = DomainName.parse(hostname).toOptional().orElseThrow(() -> new UnknownHostException(hostname));
            AddressAnswer answer = resolver.resolveAddresses(host);
            if (answer instanceof AddressAnswer.Addresses found) {
                return List.<InetAddress>copyOf(found.addresses());
            }
            throw new UnknownHostException(hostname + ": " + answer.kind());
        };
    }

    static Map<String, Object> json(DomainName name, PublishResult result, @Nullable Readiness readiness) {
        Map<String, Object> doc = Json.object();
        doc.put("domain", name.ascii());
        doc.put("result", result.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        String id = null;
        String record = null;
        List<String> previous = List.of();
        String tlsRpt = null;
        String forced = null;
        String update = null;
        String reason = null;
        List<String> differences = List.of();
        if (result instanceof PublishResult.Published p) {
            id = p.id();
            record = p.stsRecord();
            previous = p.previous();
            tlsRpt = p.tlsRptRecord().orElse(null);
            forced = p.forceReason().orElse(null);
            update = p.update();
        } else if (result instanceof PublishResult.Unchanged u) {
            id = u.id();
        } else if (result instanceof PublishResult.DryRun d) {
            id = d.id();
            record = d.stsRecord();
            update = d.update();
        } else if (result instanceof PublishResult.Refused r) {
            id = r.id().orElse(null);
            reason = r.reason().name().toLowerCase(Locale.ROOT).replace('_', '-');
            differences = r.differences();
        } else if (result instanceof PublishResult.TemporaryFailure t) {
            id = t.id().orElse(null);
        }
        doc.put("id", id);
        doc.put("record", record);
        doc.put("previous", previous);
        doc.put("tlsrpt", tlsRpt);
        doc.put("reason", reason);
        doc.put("message", result.detail());
        doc.put("differences", differences);
        doc.put("forced", forced);
        doc.put("readiness", readiness == null ? null : Json.MAPPER.readTree(readiness.toJson()));
        doc.put("update", update);
        List<Object> steps = new ArrayList<>();
        for (PublishResult.Step s : result.steps()) {
            Map<String, Object> step = Json.object();
            step.put("step", s.name());
            step.put("ok", s.ok());
            step.put("detail", s.detail());
            steps.add(step);
        }
        doc.put("steps", steps);
        return doc;
    }

    private static void printHuman(PrintWriter out, DomainName name, PublishResult result) {
        for (PublishResult.Step s : result.steps()) {
            out.printf("  %-4s %-8s %s%n", s.ok() ? "ok" : "FAIL", s.name(), s.detail());
        }
        if (result instanceof PublishResult.Refused r) {
            r.differences().forEach(d -> out.println("         " + d));
        }
        switch (result.kind()) {
            case PUBLISHED -> {
                PublishResult.Published p = (PublishResult.Published) result;
                p.forceReason().ifPresent(reason -> out.println("forced past the readiness gate: " + reason));
                out.println("published " + name.stsRecordName() + " TXT \"" + p.stsRecord() + "\"");
                p.tlsRptRecord().ifPresent(t -> out.println("published " + name.tlsRptRecordName() + " TXT \"" + t + "\""));
            }
            case UNCHANGED -> out.println("unchanged: " + name.stsRecordName() + " already has id "
                    + ((PublishResult.Unchanged) result).id() + "; nothing sent");
            case DRY_RUN -> {
                PublishResult.DryRun d = (PublishResult.DryRun) result;
                out.println("dry run: would publish " + name.stsRecordName() + " TXT \"" + d.stsRecord() + "\" with this update:");
                out.println(d.update());
            }
            case REFUSED -> out.println("refused: " + result.detail());
            case TEMPORARY_FAILURE -> out.println("temporary failure: " + result.detail());
        }
        out.flush();
    }
}
