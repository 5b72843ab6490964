package org.mtasts.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mtasts.core.Discovery;
import org.mtasts.core.ParseWarning;
import org.mtasts.core.RecordSelection;
import org.mtasts.core.ReportUri;
import org.mtasts.core.StsRecord;
import org.mtasts.core.TlsRptRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mtasts record parse}: the STS or TLSRPT record rule, on one TXT record or a whole answer. */
@Command(name = "record", description = "Work with MTA-STS and TLS-RPT TXT records.",
        mixinStandardHelpOptions = true, subcommands = RecordCommand.Parse.class)
final class RecordCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The kinds of record. */
    enum Kind {
        sts, tlsrpt
    }

    @Command(name = "parse", mixinStandardHelpOptions = true,
            description = {"Parse TXT records as a sender would.",
                    "Each TEXT is one TXT record with its strings already joined; several TEXTs are the whole "
                            + "TXT answer at one name, and the RFC's selection rule applies: records of other kinds "
                            + "are ignored, and exactly one must remain and be valid (RFC 8461 §3.1, RFC 8460 §3)."})
    static final class Parse implements Callable<Integer> {
        @Option(names = "--kind", description = "sts or tlsrpt (default: guessed from the v= prefix).")
        Kind kind;

        @Parameters(arity = "1..*", paramLabel = "TEXT", description = "TXT records (joined strings).")
        List<String> texts = new ArrayList<>();

        @Mixin
        Output output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Kind k = kind != null ? kind : guess(texts);
            PrintWriter out = spec.commandLine().getOut();
            Map<String, Object> doc = Json.object();
            boolean valid;
            if (k == Kind.sts) {
                Discovery<StsRecord> d = RecordSelection.sts(texts);
                valid = d instanceof Discovery.Found;
                doc.put("valid", valid);
                doc.put("kind", "sts");
                if (d instanceof Discovery.Found<StsRecord> found) {
                    Map<String, Object> record = Json.object();
                    record.put("id", found.record().id());
                    record.put("extensions", Json.extensions(found.record().extensions()));
                    doc.put("record", record);
                    doc.put("warnings", warnings(found.warnings()));
                } else {
                    doc.put("error", selectionError(d, "RFC 8461 §3.1", "STS"));
                }
            } else {
                Discovery<TlsRptRecord> d = RecordSelection.tlsRpt(texts);
                valid = d instanceof Discovery.Found;
                doc.put("valid", valid);
                doc.put("kind", "tlsrpt");
                if (d instanceof Discovery.Found<TlsRptRecord> found) {
                    Map<String, Object> record = Json.object();
                    List<String> rua = new ArrayList<>();
                    for (ReportUri uri : found.record().rua()) {
                        rua.add(uri.uri());
                    }
                    record.put("rua", rua);
                    record.put("extensions", Json.extensions(found.record().extensions()));
                    doc.put("record", record);
                    doc.put("warnings", warnings(found.warnings())); // with no-supported-rua for ftp: and such
                } else {
                    doc.put("error", selectionError(d, "RFC 8460 §3", "TLSRPT"));
                }
            }
            if (output.json) {
                Output.print(out, doc);
            } else {
                printHuman(out, k, doc, texts);
            }
            return valid ? MtastsCli.OK : MtastsCli.FINDINGS;
        }

        private static Kind guess(List<String> texts) {
            for (String t : texts) {
                if (t.startsWith("v=TLSRPTv1")) {
                    return Kind.tlsrpt;
                }
            }
            return Kind.sts;
        }

        /** The parser's warnings in the contract's shape: column, rule, code, message (records are one line). */
        private static List<Object> warnings(List<ParseWarning> warnings) {
            List<Object> out = new ArrayList<>();
            for (ParseWarning w : warnings) {
                Map<String, Object> json = Json.object();
                json.put("column", w.column());
                json.put("rule", w.rule());
                json.put("code", w.code());
                json.put("message", w.detail());
                out.add(json);
            }
            return out;
        }

        private static Map<String, Object> selectionError(Discovery<?> d, String rule, String what) {
            Map<String, Object> error = Json.object();
            if (d instanceof Discovery.Invalid<?> invalid) {
                return Json.error(invalid.error(), false);
            }
            error.put("column", 1);
            error.put("rule", rule);
            if (d instanceof Discovery.Multiple<?> multiple) {
                error.put("code", "multiple-records");
                error.put("message", multiple.texts().size() + " " + what
                        + " records at one name: there must be exactly one, so there is none");
            } else {
                error.put("code", "no-record");
                String detail = d instanceof Discovery.Absent<?> absent ? absent.detail() : "";
                error.put("message", "no " + what + " record: " + detail);
            }
            return error;
        }

        @SuppressWarnings("unchecked")
        private static void printHuman(PrintWriter out, Kind kind, Map<String, Object> doc, List<String> texts) {
            if (Boolean.TRUE.equals(doc.get("valid"))) {
                Map<String, Object> record = (Map<String, Object>) doc.get("record");
                out.println("valid " + (kind == Kind.sts ? "STS" : "TLSRPT") + " record");
                record.forEach((k, v) -> out.println("  " + k + ": " + v));
                for (Map<String, Object> w : (List<Map<String, Object>>) doc.get("warnings")) {
                    out.println("  warning: " + w.get("message") + " [" + w.get("code") + ", column " + w.get("column")
                            + ", " + w.get("rule") + "]");
                }
                return;
            }
            Map<String, Object> error = (Map<String, Object>) doc.get("error");
            out.println("invalid " + (kind == Kind.sts ? "STS" : "TLSRPT") + " record: " + error.get("message")
                    + " [" + error.get("code") + ", " + error.get("rule") + "]");
            String code = String.valueOf(error.get("code"));
            if (!code.equals("no-record") && !code.equals("multiple-records")) {
                String text = texts.stream().filter(t -> t.startsWith(kind == Kind.sts ? "v=STSv1" : "v=TLSRPTv1"))
                        .findFirst().orElse(texts.get(0));
                out.println(Caret.under(text, (Integer) error.get("column")));
            }
        }
    }
}
