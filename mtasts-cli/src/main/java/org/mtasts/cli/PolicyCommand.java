package org.mtasts.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mtasts.core.DomainName;
import org.mtasts.core.ParseResult;
import org.mtasts.core.ParseWarning;
import org.mtasts.core.PolicyParser;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.SyntaxError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mtasts policy lint}: the exact bytes of a policy body against RFC 8461 §3.2. */
@Command(name = "policy", description = "Work with MTA-STS policy files.", mixinStandardHelpOptions = true,
        subcommands = PolicyCommand.Lint.class)
final class PolicyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The largest policy file read (a sender caps the body at 64 KiB; this is a generous guard). */
    static final int MAX_FILE = 16 * 1024 * 1024;

    /** Reads a file or standard input ({@code -}) as bytes. */
    static byte[] readInput(String file) {
        try {
            if (file.equals("-")) {
                return System.in.readNBytes(MAX_FILE);
            }
            Path path = Path.of(file);
            if (Files.size(path) > MAX_FILE) {
                throw new MtastsCli.UsageException(file + " is larger than " + MAX_FILE + " bytes");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new MtastsCli.UsageException("no such file: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Command(name = "lint", mixinStandardHelpOptions = true,
            description = {"Check a policy body exactly as served (RFC 8461 §3.2).",
                    "With --mx, also say whether an enforcing sender would accept each MX host (RFC 8461 §4.1): "
                            + "the question to ask before publishing."})
    static final class Lint implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The policy file, or - for standard input.")
        String file;

        @Option(names = "--mx", paramLabel = "HOST", description = "An MX host name to check against the policy (repeatable).")
        List<String> mx = new ArrayList<>();

        @Option(names = "--lenient", description = "Accept a BOM, leading whitespace and blank lines as warnings.")
        boolean lenient;

        @Mixin
        Output output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            byte[] body = readInput(file);
            PrintWriter out = spec.commandLine().getOut();
            ParseResult<StsPolicy> result = (lenient ? PolicyParser.lenient() : PolicyParser.strict()).parse(body);
            Map<String, Object> doc = Json.object();
            int code;
            if (result instanceof ParseResult.Valid<StsPolicy> valid) {
                StsPolicy policy = valid.value();
                doc.put("valid", true);
                doc.put("policy", Json.policy(policy));
                List<Object> warnings = new ArrayList<>();
                for (ParseWarning w : valid.warnings()) {
                    warnings.add(Json.warning(w));
                }
                doc.put("warnings", warnings);
                code = MtastsCli.OK;
                if (!mx.isEmpty()) {
                    Map<String, Object> checks = new LinkedHashMap<>();
                    for (String host : mx) {
                        // RFC 8461 §4.1: what an enforcing sender decides for this MX host.
                        boolean allowed = DomainName.parse(host).toOptional().map(policy::matches).orElse(false);
                        checks.put(host, allowed);
                        if (!allowed) {
                            code = MtastsCli.FINDINGS;
                        }
                    }
                    doc.put("mx_check", checks);
                }
                if (!output.json) {
                    printValid(out, policy, valid.warnings(), body, doc);
                }
            } else {
                SyntaxError error = result.syntaxError().orElseThrow();
                doc.put("valid", false);
                doc.put("error", Json.error(error, true));
                code = MtastsCli.FINDINGS;
                if (!output.json) {
                    out.println("invalid policy: " + error);
                    out.println(Caret.under(Caret.line(new String(body, StandardCharsets.UTF_8), error.line()),
                            error.column()));
                }
            }
            if (output.json) {
                Output.print(out, doc);
            }
            return code;
        }

        @SuppressWarnings("unchecked")
        private static void printValid(PrintWriter out, StsPolicy policy, List<ParseWarning> warnings, byte[] body,
                Map<String, Object> doc) {
            out.println("valid policy");
            out.println("  mode:    " + policy.mode().token());
            policy.mx().forEach(p -> out.println("  mx:      " + p.toText()));
            out.println("  max_age: " + policy.maxAge() + " s (" + Durations.human(policy.maxAge()) + ")");
            policy.extensions().forEach(e -> out.println("  " + e.name() + ": " + e.value() + "   (extension)"));
            String text = new String(body, StandardCharsets.UTF_8);
            for (ParseWarning w : warnings) {
                out.println("warning: " + w);
                out.println(Caret.under(Caret.line(text, w.line()), w.column()));
            }
            Object checks = doc.get("mx_check");
            if (checks instanceof Map<?, ?> map) {
                ((Map<String, Boolean>) map).forEach((host, ok) -> out.println("mx " + host + ": "
                        + (ok ? "allowed" : "NOT allowed: an enforcing sender would refuse to deliver to it")));
            }
        }
    }
}
