package org.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code record parse}, {@code policy lint} and {@code generate}, end to end in-process. */
class RecordAndPolicyCommandsTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("RFC 8461 §3.1: record parse prints the valid record in the contract's shape")
    void parsesValidStsRecord() {
        Cli cli = Cli.run("record", "parse", "--json", "v=STSv1; id=20160831085700Z; ext=1");
        assertThat(cli.exitCode()).isZero();
        JsonNode doc = cli.json();
        assertThat(Contract.keys(doc)).containsExactly("valid", "kind", "record", "warnings");
        assertThat(doc.get("warnings")).isEmpty();
        assertThat(doc.get("valid").asBoolean()).isTrue();
        assertThat(doc.get("kind").asString()).isEqualTo("sts");
        assertThat(Contract.keys(doc.get("record"))).containsExactly("id", "extensions");
        assertThat(doc.get("record").get("id").asString()).isEqualTo("20160831085700Z");
        assertThat(doc.get("record").get("extensions").get("ext").asString()).isEqualTo("1");
    }

    @Test
    @DisplayName("RFC 8461 §3.1: an invalid record gives column, rule, code and message, exit 1")
    void reportsSyntaxErrorWithColumn() {
        Cli cli = Cli.run("record", "parse", "--json", "v=STSv1; id=a;;");
        assertThat(cli.exitCode()).isEqualTo(1);
        JsonNode doc = cli.json();
        assertThat(Contract.keys(doc)).containsExactly("valid", "kind", "error");
        JsonNode error = doc.get("error");
        assertThat(Contract.keys(error)).containsExactly("column", "rule", "code", "message");
        assertThat(error.get("column").asInt()).isEqualTo(15);
        assertThat(error.get("rule").asString()).isEqualTo("RFC 8461 §3.1");
        assertThat(error.get("code").asString()).isEqualTo("sts-record-empty-field");
    }

    @Test
    @DisplayName("RFC 8461 §3.1: the selection rule over a whole TXT answer")
    void appliesTheSelectionRule() {
        assertThat(Cli.run("record", "parse", "--json", "v=spf1 -all", "v=STSv1; id=1").json()
                .get("record").get("id").asString()).isEqualTo("1");
        JsonNode two = Cli.run("record", "parse", "--json", "v=STSv1; id=1", "v=STSv1; id=2").json();
        assertThat(two.get("error").get("code").asString()).isEqualTo("multiple-records");
        JsonNode none = Cli.run("record", "parse", "--json", "v=spf1 -all", "v=STSv10; id=1").json();
        assertThat(none.get("error").get("code").asString()).isEqualTo("no-record");
    }

    @Test
    @DisplayName("RFC 8460 §3: TLSRPT records, guessed from the prefix, with %2C decoded")
    void parsesTlsRptRecord() {
        Cli cli = Cli.run("record", "parse", "--json", "v=TLSRPTv1; rua=mailto:a@example.com,https://r.example/a%2Cb");
        assertThat(cli.exitCode()).isZero();
        JsonNode record = cli.json().get("record");
        assertThat(cli.json().get("kind").asString()).isEqualTo("tlsrpt");
        assertThat(Contract.keys(record)).containsExactly("rua", "extensions");
        assertThat(record.get("rua").get(1).asString()).isEqualTo("https://r.example/a,b");
        assertThat(Cli.run("record", "parse", "--kind", "tlsrpt", "--json", "v=TLSRPTv1; rua=noscheme").json()
                .get("error").get("code").asString()).isEqualTo("tlsrpt-record-invalid-uri");
    }

    @Test
    @DisplayName("RFC 8461 §3.1: trailing WSP without ';' is accepted, and record parse shows the parser's warning")
    void showsTheTrailingWhitespaceWarning() {
        Cli cli = Cli.run("record", "parse", "--json", "v=STSv1; id=abc ");
        assertThat(cli.exitCode()).isZero();
        JsonNode warning = cli.json().get("warnings").get(0);
        assertThat(Contract.keys(warning)).containsExactly("column", "rule", "code", "message");
        assertThat(warning.get("code").asString()).isEqualTo("trailing-whitespace");
        assertThat(warning.get("column").asInt()).isEqualTo(16);
        assertThat(warning.get("rule").asString()).isEqualTo("RFC 8461 §3.1");
        assertThat(Cli.run("record", "parse", "v=STSv1; id=abc ").out())
                .contains("  warning: whitespace after the last field without a ';' before it is outside the grammar; "
                        + "accepted [trailing-whitespace, column 16, RFC 8461 §3.1]");
    }

    @Test
    @DisplayName("RFC 8461 §3.1: a bare v=STSv1 beside a valid record is discarded and named; the valid one counts")
    void discardsTheBareVersion() {
        JsonNode doc = Cli.run("record", "parse", "--json", "v=STSv1", "v=STSv1; id=1").json();
        assertThat(doc.get("valid").asBoolean()).isTrue();
        assertThat(doc.get("record").get("id").asString()).isEqualTo("1");
        assertThat(doc.get("warnings").get(0).get("code").asString()).isEqualTo("discarded-record");
        JsonNode alone = Cli.run("record", "parse", "--json", "v=STSv1").json();
        assertThat(alone.get("error").get("code").asString()).isEqualTo("no-record");
        assertThat(alone.get("error").get("message").asString()).contains("discarded: 'v=STSv1'");
    }

    @Test
    @DisplayName("RFC 8460 §3: a TLSRPT record with only unusable rua schemes is valid, with a warning")
    void warnsAboutUnusableRua() {
        JsonNode doc = Cli.run("record", "parse", "--json", "v=TLSRPTv1; rua=ftp://r.example/t").json();
        assertThat(doc.get("valid").asBoolean()).isTrue();
        JsonNode warning = doc.get("warnings").get(0);
        assertThat(warning.get("code").asString()).isEqualTo("no-supported-rua");
        assertThat(warning.get("rule").asString()).isEqualTo("RFC 8460 §3");
        assertThat(warning.get("message").asString())
                .isEqualTo("no rua URI uses mailto: or https:, so no report can be delivered");
    }

    @Test
    @DisplayName("People see the error with a caret under the column")
    void humanOutputHasCaret() {
        Cli cli = Cli.run("record", "parse", "v=STSv1; id=ab-c");
        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.out()).contains("v=STSv1; id=ab-c\n").contains("\n                ^");
    }

    @Test
    @DisplayName("RFC 8461 §3.2: policy lint prints the policy, warnings and the mx check")
    void lintsValidPolicy() throws IOException {
        Path file = write("version: STSv1\r\nmode: enforce\r\nmx: *.mail.example.com\r\nmax_age: 99999999\r\n");
        Cli cli = Cli.run("policy", "lint", "--json", file.toString(), "--mx", "a.mail.example.com", "--mx", "mail.example.com");
        JsonNode doc = cli.json();
        assertThat(Contract.keys(doc)).containsExactly("valid", "policy", "warnings", "mx_check");
        Contract.policy(doc.get("policy"));
        assertThat(doc.get("policy").get("max_age").asLong()).isEqualTo(31_557_600L);
        assertThat(doc.get("warnings").get(0).get("code").asString()).isEqualTo("max-age-clamped");
        assertThat(doc.get("mx_check").get("a.mail.example.com").asBoolean()).isTrue();
        assertThat(doc.get("mx_check").get("mail.example.com").asBoolean()).isFalse();
        assertThat(cli.exitCode()).as("an MX the policy refuses is a finding").isEqualTo(1);
        assertThat(Cli.run("policy", "lint", "--json", file.toString()).exitCode()).isZero();
    }

    @Test
    @DisplayName("RFC 8461 §3.2: an invalid policy gives line and column")
    void lintsInvalidPolicy() throws IOException {
        Path file = write("version: STSv1\nmode: enforce\nmx: *.*.example.com\nmax_age: 1\n");
        Cli cli = Cli.run("policy", "lint", "--json", file.toString());
        assertThat(cli.exitCode()).isEqualTo(1);
        JsonNode error = cli.json().get("error");
        assertThat(Contract.keys(error)).containsExactly("line", "column", "rule", "code", "message");
        assertThat(error.get("line").asInt()).isEqualTo(3);
        assertThat(error.get("column").asInt()).isEqualTo(7);
        assertThat(error.get("code").asString()).isEqualTo("policy-mx");
        Cli human = Cli.run("policy", "lint", file.toString());
        assertThat(human.out()).contains("mx: *.*.example.com\n        ^");
    }

    @Test
    @DisplayName("generate writes records and a policy that parse back, testing first")
    void generatesWhatTheParsersAccept() throws IOException {
        Cli cli = Cli.run("generate", "--json", "example.com", "--mx", "mx1.example.com", "--mx", "*.mail.example.com",
                "--rua", "mailto:tlsrpt@example.com");
        assertThat(cli.exitCode()).isZero();
        JsonNode doc = cli.json();
        assertThat(doc.get("id").asString()).matches("[0-9]{8}T[0-9]{9}Z");
        assertThat(Cli.run("record", "parse", doc.get("records").get("sts").asString()).exitCode()).isZero();
        assertThat(Cli.run("record", "parse", doc.get("records").get("tlsrpt").asString()).exitCode()).isZero();
        Path policy = write(doc.get("policy").asString());
        JsonNode lint = Cli.run("policy", "lint", "--json", policy.toString()).json();
        assertThat(lint.get("policy").get("mode").asString()).isEqualTo("testing");
        assertThat(doc.get("zone").get(0).asString()).startsWith("_mta-sts.example.com. 3600 IN TXT \"v=STSv1; id=");
    }

    @Test
    @DisplayName("generate --from keeps an existing policy and gives it a new id")
    void generateFromExistingPolicy() throws IOException {
        Path policy = write("version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n");
        JsonNode doc = Cli.run("generate", "--json", "example.com", "--from", policy.toString(), "--id", "next1").json();
        assertThat(doc.get("id").asString()).isEqualTo("next1");
        assertThat(doc.get("policy").asString()).contains("mode: enforce\r\n").contains("mx: mx1.example.com\r\n");
    }

    @Test
    @DisplayName("Usage errors exit 64 without a stack trace")
    void usageErrors() {
        Cli bad = Cli.run("record", "parse", "--kind", "bogus", "x");
        assertThat(bad.exitCode()).isEqualTo(64);
        assertThat(bad.err()).contains("--kind").doesNotContain("at org.");
        assertThat(Cli.run("nosuchcommand").exitCode()).isEqualTo(64);
        assertThat(Cli.run("policy", "lint", dir.resolve("missing.txt").toString()).exitCode()).isEqualTo(64);
        assertThat(Cli.run("generate", "example.com", "--mode", "enforce").exitCode()).isEqualTo(64);
        assertThat(Cli.run("check", "not a domain").exitCode()).isEqualTo(64);
    }

    @Test
    @DisplayName("--help on every command and --version")
    void helpAndVersion() {
        for (String[] args : new String[][] {{"--help"}, {"check", "--help"}, {"demo", "--help"},
                {"record", "parse", "--help"}, {"policy", "lint", "--help"}, {"generate", "--help"}}) {
            Cli cli = Cli.run(args);
            assertThat(cli.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(cli.out()).contains("Usage: mtasts");
        }
        assertThat(Cli.run("--version").out()).startsWith("mtasts ");
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "policy", ".txt");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
