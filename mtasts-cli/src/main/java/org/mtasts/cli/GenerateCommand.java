package org.mtasts.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxPattern;
import org.mtasts.core.ParseResult;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ReportUri;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.StsRecord;
import org.mtasts.core.TlsRptRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mtasts generate}: the two TXT records, the policy file and a fresh id. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Write an MTA-STS and TLS-RPT set-up for a domain: the _mta-sts and _smtp._tls TXT records "
                + "(zone-file lines), the policy file and a fresh id, in the safe roll-out order (testing first).",
                "With --from, take an existing policy and give it a new id (publish the new policy first, "
                        + "then the new id)."})
final class GenerateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The policy domain (the part after @).")
    String domain;

    @Option(names = "--mx", paramLabel = "PATTERN", description = "An mx pattern: mx1.example.com or *.example.com (repeatable).")
    List<String> mx = new ArrayList<>();

    @Option(names = "--mode", paramLabel = "MODE", description = "testing (default), enforce or none.")
    String mode;

    @Option(names = "--max-age", paramLabel = "SECONDS", description = "max_age in seconds (default 604800, one week).")
    Long maxAge;

    @Option(names = "--rua", paramLabel = "URI", description = "A TLS-RPT destination, mailto: or https: (repeatable).")
    List<String> rua = new ArrayList<>();

    @Option(names = "--from", paramLabel = "POLICY", description = "An existing policy file to start from.")
    String from;

    @Option(names = "--id", paramLabel = "ID", description = "Use this id instead of a fresh one (1-32 letters and digits).")
    String id;

    @Option(names = "--ttl", paramLabel = "SECONDS", description = "TTL of the zone-file lines (default 3600).")
    int ttl = 3600;

    @Mixin
    Output output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DomainName name = DomainName.parse(domain).toOptional()
                .orElseThrow(() -> new MtastsCli.UsageException("'" + domain + "' is not a valid domain name"));
        StsPolicy.Builder builder;
        if (from != null) {
            ParseResult<StsPolicy> existing = StsPolicy.parse(PolicyCommand.readInput(from));
            if (!existing.isValid()) {
                throw new MtastsCli.UsageException(from + " is not a valid policy: " + existing.syntaxError().orElseThrow());
            }
            builder = existing.orElseThrow().newBuilder();
        } else {
            builder = StsPolicy.builder();
        }
        try {
            if (mode != null) {
                builder.mode(PolicyMode.fromToken(mode).orElseThrow(() ->
                        new MtastsCli.UsageException("--mode must be testing, enforce or none")));
            }
            if (!mx.isEmpty()) {
                builder.clearMx();
                for (String pattern : mx) {
                    builder.mx(MxPattern.parse(pattern).toOptional().orElseThrow(() -> new MtastsCli.UsageException(
                            "--mx " + pattern + ": " + MxPattern.parse(pattern).syntaxError().orElseThrow().message())));
                }
            }
            if (maxAge != null) {
                builder.maxAge(maxAge);
            }
        } catch (IllegalArgumentException e) {
            throw new MtastsCli.UsageException(e.getMessage());
        }
        StsPolicy policy;
        try {
            policy = builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new MtastsCli.UsageException(e.getMessage() + "; give at least one --mx");
        }
        StsRecord record;
        try {
            record = id != null ? StsRecord.of(id) : StsRecord.generate(Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw new MtastsCli.UsageException("--id: " + e.getMessage());
        }
        TlsRptRecord tlsRpt = null;
        if (!rua.isEmpty()) {
            List<ReportUri> uris = new ArrayList<>();
            for (String uri : rua) {
                try {
                    uris.add(ReportUri.of(uri));
                } catch (IllegalArgumentException e) {
                    throw new MtastsCli.UsageException("--rua: " + e.getMessage());
                }
            }
            tlsRpt = TlsRptRecord.of(uris);
        }
        List<String> zone = new ArrayList<>();
        zone.add(zoneLine(name.stsRecordName(), record.toText()));
        if (tlsRpt != null) {
            zone.add(zoneLine(name.tlsRptRecordName(), tlsRpt.toText()));
        }
        String url = "https://" + name.policyHost() + "/.well-known/mta-sts.txt";
        List<String> steps = steps(name, policy, tlsRpt != null, url);

        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            Map<String, Object> doc = Json.object();
            doc.put("domain", name.ascii());
            doc.put("id", record.id());
            Map<String, Object> records = Json.object();
            records.put("sts", record.toText());
            records.put("tlsrpt", tlsRpt == null ? null : tlsRpt.toText());
            doc.put("records", records);
            doc.put("zone", zone);
            doc.put("policy_url", url);
            doc.put("policy", policy.toText());
            doc.put("steps", steps);
            Output.print(out, doc);
        } else {
            out.println("# 1. Serve this file at " + url);
            out.println("#    (HTTPS with a certificate valid for " + name.policyHost() + ", Content-Type: text/plain)");
            out.print(policy.toText().replace("\r\n", "\n"));
            out.println();
            out.println("# 2. Then publish these DNS records:");
            zone.forEach(out::println);
            out.println();
            out.println("# Roll-out:");
            for (int i = 0; i < steps.size(); i++) {
                out.println("#  " + (i + 1) + ". " + steps.get(i));
            }
        }
        return MtastsCli.OK;
    }

    private List<String> steps(DomainName name, StsPolicy policy, boolean hasTlsRpt, String url) {
        List<String> steps = new ArrayList<>();
        steps.add("Publish the policy at " + url + " before the TXT record (RFC 8461 §8.1).");
        steps.add("Publish " + name.stsRecordName() + " with the new id; every later policy change needs a new id.");
        if (!hasTlsRpt) {
            steps.add("Add a TLS-RPT record (--rua mailto:tlsrpt@" + name + ") so that senders report failures (RFC 8460).");
        } else {
            steps.add("Publish " + name.tlsRptRecordName() + " to receive daily TLS-RPT reports.");
        }
        if (policy.mode() == PolicyMode.TESTING) {
            steps.add("Stay in testing for at least a few weeks: read the TLS-RPT reports (mtasts report summary) "
                    + "until every MX shows only successes, then switch to enforce with a new id.");
        } else if (policy.mode() == PolicyMode.ENFORCE) {
            steps.add("Check with `mtasts check " + name + "` that every MX matches and presents a valid certificate.");
        } else {
            steps.add("Mode none withdraws the policy: keep it published until the old max_age has passed, "
                    + "then remove the records and the policy host (RFC 8461 §8.3).");
        }
        return steps;
    }

    /** A zone-file line; strings over 255 bytes are split into several character-strings. */
    private String zoneLine(String owner, String text) {
        StringBuilder strings = new StringBuilder();
        for (int at = 0; at < text.length(); at += 255) {
            if (at > 0) {
                strings.append(' ');
            }
            String part = text.substring(at, Math.min(text.length(), at + 255));
            strings.append('"').append(part.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return owner + ". " + ttl + " IN TXT " + strings;
    }
}
