package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the shared corpus (policies of other implementations' tests, policies published in the wild,
 * TXT records) through our parsers and compares with the verdict of each source.
 *
 * <p>Files whose licence allows it are copied under {@code src/test/resources/corpus} (see its
 * PROVENANCE.md); the rest is read from {@code ${mtasts.shared.dir}/corpus}. Items a source labels
 * "disputed" or "lenient" are reported, not asserted. Where this library deliberately disagrees with a
 * source, {@link #DELIBERATE} says so with the reason, and our verdict is asserted instead.
 */
class CorpusTest {

    private static final List<String> POLICY_DIRS = List.of("valid", "invalid", "disputed", "unlabelled");

    /** What we expect for one item: valid with these warnings, or invalid with this error. */
    record Expected(boolean valid, String code, int line, int column, List<String> warnings, String reason) {
        static Expected valid(String reason, String... warnings) {
            return new Expected(true, "", 0, 0, List.of(warnings), reason);
        }

        static Expected invalid(String code, int line, int column, String reason) {
            return new Expected(false, code, line, column, List.of(), reason);
        }

        void check(ParseResult<?> result) {
            assertThat(result.isValid()).as("valid: %s", result).isEqualTo(valid);
            if (valid) {
                assertThat(((ParseResult.Valid<?>) result).warnings()).extracting(ParseWarning::code)
                        .containsExactlyElementsOf(warnings);
            } else {
                SyntaxError e = result.syntaxError().orElseThrow();
                assertThat(List.of(e.code(), e.line(), e.column())).as("%s", e).containsExactly(code, line, column);
            }
        }
    }

    /**
     * Deliberate deviations from a source's verdict, decided by the issue or by the RFC text. Keys are
     * {@code policies/DIR/FILE} or {@code records/KIND/RECORD}.
     */
    static final Map<String, Expected> DELIBERATE = Map.of(
            "policies/invalid/checkdmarc__max-age-99999999.txt", Expected.valid(
                    "erratum 7282 (issue decision): max_age above 31557600 is clamped to 31557600, with a warning",
                    ParseWarning.MAX_AGE_CLAMPED),
            "policies/invalid/mailpiece__max-age-31557601.txt", Expected.valid(
                    "erratum 7282 (issue decision): max_age above 31557600 is clamped to 31557600, with a warning",
                    ParseWarning.MAX_AGE_CLAMPED),
            "policies/invalid/snawoot__bad-policy6.loc.txt", Expected.valid(
                    "erratum 7282 (issue decision): max_age above 31557600 is clamped to 31557600, with a warning",
                    ParseWarning.MAX_AGE_CLAMPED),
            "policies/invalid/checkdmarc__duplicate-mode.txt", Expected.valid(
                    "RFC 8461 §3.2 (issue decision): the first of a repeated non-mx field counts (mode enforce), "
                            + "with a warning", ParseWarning.DUPLICATE_FIELD),
            "policies/invalid/snawoot__chunked-overlength.loc.txt", Expected.invalid("policy-missing-colon", 5, 131137,
                    "the 64 KiB cap belongs to the HTTP fetch (RFC 8461 §3.3); as a body, line 5 is 131 KB of 'a' "
                            + "without ':'"),
            "records/sts/v=STSv1; id=foo; id=bar", Expected.valid(
                    "RFC 8461 §3.1: the ABNF allows a field to repeat (1*(sts-field-delim sts-field)); as for "
                            + "policies (§3.2) the first id counts, with a warning", ParseWarning.DUPLICATE_FIELD),
            "records/sts/v=STSv1; id=20260101; id=20260202", Expected.valid(
                    "RFC 8461 §3.1: the ABNF allows a field to repeat (1*(sts-field-delim sts-field)); as for "
                            + "policies (§3.2) the first id counts, with a warning", ParseWarning.DUPLICATE_FIELD),
            "records/tlsrpt/v=TLSRPTv1; rua= mailto:tlsrpt@example.com", Expected.invalid("tlsrpt-record-invalid-uri",
                    1, 17, "RFC 8460 §3: tlsrpt-rua = %s\"rua=\" tlsrpt-uri, no WSP between '=' and the URI"));

    /** Our verdict for each published policy that no source labels, with the reason. */
    static final Map<String, Expected> UNLABELLED = Map.ofEntries(
            Map.entry("VitalyMCT__crlf-no-final-eol.txt",
                    Expected.valid("RFC 8461 §3.2: CRLF lines and no final terminator are allowed")),
            Map.entry("ajax910__mx-with-priority-text.txt", Expected.invalid("policy-mx", 4, 13,
                    "RFC 8461 §3.2: 'Priority 5: ALT1.ASPMX.L.GOOGLE.COM' is not a Domain")),
            Map.entry("ajax910__uppercase-mx-max-age-ceiling.txt",
                    Expected.valid("RFC 8461 §3.2, §4.1: upper-case mx names are fine; max_age 31557600 is the limit")),
            Map.entry("alertasti__empty-newline-only.txt",
                    Expected.invalid("policy-blank-line", 1, 1, "RFC 8461 §3.2: a lone line feed is a blank line")),
            Map.entry("alertasti__indented-lines.txt", Expected.invalid("policy-leading-whitespace", 2, 1,
                    "RFC 8461 §3.2: a field starts its line (the lenient parser skips the indentation)")),
            Map.entry("alertasti__indented-no-space-after-colon.txt", Expected.invalid("policy-leading-whitespace", 2, 1,
                    "RFC 8461 §3.2: a field starts its line (the lenient parser skips the indentation)")),
            Map.entry("alertasti__max-age-30.txt", Expected.valid("RFC 8461 §3.2: 30 seconds is grammatical")),
            Map.entry("alertasti__max-age-60480.txt", Expected.valid("RFC 8461 §3.2: 60480 seconds is grammatical")),
            Map.entry("argia__mode-in-brackets.txt", Expected.invalid("policy-mode", 2, 7,
                    "RFC 8461 §3.2: '[testing]' is not one of the three modes")),
            Map.entry("argia__template-with-comments.txt", Expected.invalid("policy-mode", 2, 7,
                    "RFC 8461 §3.2: an unedited template; the policy format has no comments")),
            Map.entry("azbilling__template-trailing-dots.txt", Expected.invalid("policy-mode", 2, 7,
                    "RFC 8461 §3.2: an unedited template (the mx lines have '_' and trailing dots too)")),
            Map.entry("azbilling__trailing-space-after-version.txt",
                    Expected.valid("RFC 8461 §3.2: trailing WSP after a value is allowed")),
            Map.entry("filosottile__fastmail-86401.txt", Expected.valid("RFC 8461 §3.2: a plain testing policy")),
            Map.entry("mudge__google-7-mx.txt", Expected.valid("RFC 8461 §3.2: seven mx lines, testing")));

    /** One line of the summary printed at the end. */
    record Row(String item, String source, String ours, String reason) {}

    private static final List<Row> SUMMARY = Collections.synchronizedList(new ArrayList<>());

    /** One corpus policy file. */
    record PolicyFile(String dir, String name, byte[] bytes, boolean copied) {
        String id() {
            return "policies/" + dir + "/" + name;
        }
    }

    private static Path resourceDir(String name) {
        try {
            return Path.of(Objects.requireNonNull(CorpusTest.class.getResource("/corpus/" + name), name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every policy file: the copies in our resources, then the shared ones we may not copy. */
    static List<PolicyFile> policyFiles() {
        List<PolicyFile> files = new ArrayList<>();
        Optional<Path> shared = TestSupport.sharedDir().map(d -> d.resolve("corpus/policies"));
        for (String dir : POLICY_DIRS) {
            Set<String> copied = new TreeSet<>(list(resourceDir("policies/" + dir)));
            for (String name : copied) {
                files.add(new PolicyFile(dir, name, read(resourceDir("policies/" + dir).resolve(name)), true));
            }
            if (shared.isPresent()) {
                for (String name : list(shared.get().resolve(dir))) {
                    if (!copied.contains(name)) {
                        files.add(new PolicyFile(dir, name, read(shared.get().resolve(dir).resolve(name)), false));
                    }
                }
            }
        }
        return files;
    }

    @TestFactory
    @DisplayName("RFC 8461 §3.2: every corpus policy against its source's verdict")
    Stream<DynamicTest> policies() {
        return policyFiles().stream().map(file -> dynamicTest("RFC 8461 §3.2: " + file.id(), () -> checkPolicy(file)));
    }

    private static void checkPolicy(PolicyFile file) {
        ParseResult<StsPolicy> result = StsPolicy.parse(file.bytes());
        assertTotal(result, file.bytes().length);
        String ours = verdict(result);
        Expected deliberate = DELIBERATE.get(file.id());
        switch (file.dir()) {
            case "valid", "invalid" -> {
                String source = file.dir();
                if (deliberate != null) {
                    deliberate.check(result);
                    SUMMARY.add(new Row(file.id(), source, ours, "DELIBERATE: " + deliberate.reason()));
                } else {
                    assertThat(result.isValid()).as("%s: %s", file.id(), ours).isEqualTo(source.equals("valid"));
                    SUMMARY.add(new Row(file.id(), source, ours, detail(result)));
                }
                if (file.id().equals("policies/invalid/checkdmarc__duplicate-mode.txt")) {
                    assertThat(result.orElseThrow().mode()).isEqualTo(PolicyMode.ENFORCE);
                }
            }
            case "disputed" -> SUMMARY.add(new Row(file.id(), "disputed", ours, "REPORTED: " + detail(result)
                    + lenientNote(file.bytes(), result)));
            default -> {
                Expected expected = UNLABELLED.get(file.name());
                assertThat(expected).as("UNLABELLED has a verdict for %s", file.name()).isNotNull();
                expected.check(result);
                SUMMARY.add(new Row(file.id(), "unlabelled", ours, expected.reason() + lenientNote(file.bytes(), result)));
            }
        }
    }

    private static String lenientNote(byte[] body, ParseResult<StsPolicy> strict) {
        ParseResult<StsPolicy> lenient = PolicyParser.lenient().parse(body);
        return strict.isValid() || !lenient.isValid() ? "" : "; lenient parser: valid" + warningCodes(lenient);
    }

    /** One row of records.tsv. */
    record RecordRow(String kind, String expectation, String text, String source, boolean copied) {
        String id() {
            return "records/" + kind + "/" + text;
        }

        boolean disputed() {
            return source.contains("[disputed:") || source.contains("[lenient:");
        }
    }

    /**
     * Decodes the record column: {@code \\ \t \n \r \xHH} escapes; other characters are UTF-8. The result
     * maps each byte to one char, as a {@link TxtResolver} gives a TXT record.
     */
    static String decodeRecord(String field) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 1 < field.length()) {
                char n = field.charAt(++i);
                switch (n) {
                    case '\\' -> bytes.write('\\');
                    case 't' -> bytes.write('\t');
                    case 'n' -> bytes.write('\n');
                    case 'r' -> bytes.write('\r');
                    case 'x' -> {
                        bytes.write(Integer.parseInt(field.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                    default -> throw new IllegalArgumentException("unknown escape \\" + n + " in " + field);
                }
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private static List<RecordRow> readRecords(Path tsv, boolean copied) {
        List<String> lines;
        try {
            lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(lines.get(0)).isEqualTo("kind\texpectation\trecord\tsource");
        List<RecordRow> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            assertThat(f).as(line).hasSize(4);
            rows.add(new RecordRow(f[0], f[1], decodeRecord(f[2]), f[3], copied));
        }
        return rows;
    }

    /** The repositories whose rows are copied into our resources (MIT or Apache-2.0). */
    private static final Set<String> PERMISSIVE_RECORD_SOURCES = Set.of("Snawoot/postfix-mta-sts-resolver",
            "albertito/chasquid", "domainaware/checkdmarc", "foxcpp/go-mtasts", "mailpiece/mta_sts", "mjl-/mox",
            "stalwartlabs/mail-auth");

    private static boolean permissive(RecordRow row) {
        return PERMISSIVE_RECORD_SOURCES.contains(row.source().split("@", 2)[0]);
    }

    static List<RecordRow> recordRows() {
        List<RecordRow> rows = new ArrayList<>(readRecords(resourceDir("records").resolve("records.tsv"), true));
        TestSupport.sharedDir().ifPresent(shared -> readRecords(shared.resolve("corpus/records/records.tsv"), false)
                .stream().filter(row -> !permissive(row)).forEach(rows::add));
        return rows;
    }

    @TestFactory
    @DisplayName("RFC 8461 §3.1, RFC 8460 §3: every corpus TXT record against its source's verdict")
    Stream<DynamicTest> records() {
        return recordRows().stream().map(row -> dynamicTest(
                (row.kind().equals("sts") ? "RFC 8461 §3.1: " : "RFC 8460 §3: ") + Texts.printable(row.text()),
                () -> checkRecord(row)));
    }

    private static void checkRecord(RecordRow row) {
        ParseResult<?> result = row.kind().equals("sts") ? StsRecord.parse(row.text()) : TlsRptRecord.parse(row.text());
        assertTotal(result, row.text().length());
        String ours = verdict(result);
        Expected deliberate = DELIBERATE.get(row.id());
        String item = row.kind() + " '" + Texts.printable(row.text()) + "'";
        if (deliberate != null) {
            deliberate.check(result);
            SUMMARY.add(new Row(item, row.expectation(), ours, "DELIBERATE: " + deliberate.reason()));
        } else if (row.disputed()) {
            SUMMARY.add(new Row(item, row.expectation() + " (" + (row.source().contains("[lenient:") ? "lenient"
                    : "disputed") + ")", ours, "REPORTED: " + detail(result)));
        } else {
            assertThat(result.isValid()).as("%s from %s: %s", item, row.source(), ours)
                    .isEqualTo(row.expectation().equals("valid"));
            SUMMARY.add(new Row(item, row.expectation(), ours, detail(result)));
        }
    }

    @Test
    @DisplayName("the copies in src/test/resources equal the shared corpus, and nothing is left out")
    void copiesMatchTheSharedCorpus() {
        Optional<Path> shared = TestSupport.sharedDir();
        Assumptions.assumeTrue(shared.isPresent(), "mtasts.shared.dir is not set");
        Path policies = shared.get().resolve("corpus/policies");
        for (String dir : POLICY_DIRS) {
            for (String name : list(resourceDir("policies/" + dir))) {
                assertThat(read(resourceDir("policies/" + dir).resolve(name))).as("%s/%s", dir, name)
                        .isEqualTo(read(policies.resolve(dir).resolve(name)));
            }
        }
        Set<String> all = new TreeSet<>();
        for (String dir : POLICY_DIRS) {
            list(policies.resolve(dir)).forEach(name -> all.add(dir + "/" + name));
        }
        Set<String> read = new TreeSet<>();
        policyFiles().forEach(f -> read.add(f.dir() + "/" + f.name()));
        assertThat(read).isEqualTo(all);
        List<RecordRow> sharedRows = readRecords(shared.get().resolve("corpus/records/records.tsv"), false);
        List<RecordRow> copiedRows = readRecords(resourceDir("records").resolve("records.tsv"), true);
        assertThat(copiedRows.stream().map(RecordRow::id).toList())
                .isEqualTo(sharedRows.stream().filter(CorpusTest::permissive).map(RecordRow::id).toList());
        assertThat(recordRows()).hasSize(sharedRows.size());
        assertThat(UNLABELLED.keySet()).isEqualTo(new TreeSet<>(list(policies.resolve("unlabelled"))));
    }

    /** Parsing never throws (checked by reaching here) and an error lies inside the input. */
    private static void assertTotal(ParseResult<?> result, int length) {
        assertThat(result).isNotNull();
        result.syntaxError().ifPresent(e -> {
            assertThat(e.offset()).isBetween(0, length);
            TestSupport.assertSafeMessage(e);
        });
    }

    private static String verdict(ParseResult<?> result) {
        return switch (result.kind()) {
            case VALID -> "valid" + warningCodes(result);
            case INVALID -> "invalid (" + result.syntaxError().orElseThrow().code() + ")";
            case NOT_APPLICABLE -> "not a record of the kind";
        };
    }

    private static String warningCodes(ParseResult<?> result) {
        List<ParseWarning> warnings = ((ParseResult.Valid<?>) result).warnings();
        return warnings.isEmpty() ? "" : warnings.stream().map(ParseWarning::code).distinct()
                .collect(Collectors.joining(", ", " [", "]"));
    }

    private static String detail(ParseResult<?> result) {
        if (result instanceof ParseResult.Valid<?> valid) {
            return valid.warnings().isEmpty() ? "valid, no warnings" : valid.warnings().toString();
        }
        return result.syntaxError().orElseThrow().toString();
    }

    @AfterAll
    static void printSummary() {
        List<Row> rows = new ArrayList<>(SUMMARY);
        if (rows.isEmpty()) {
            return;
        }
        StringBuilder out = new StringBuilder("\nCorpus summary (").append(rows.size()).append(" items)\n");
        out.append("| item | source verdict | our verdict | reason |\n|---|---|---|---|\n");
        for (Row row : rows) {
            out.append("| ").append(row.item().replace("|", "\\|")).append(" | ").append(row.source()).append(" | ")
                    .append(row.ours()).append(" | ").append(row.reason().replace("|", "\\|")).append(" |\n");
        }
        System.out.println(out);
    }
}
