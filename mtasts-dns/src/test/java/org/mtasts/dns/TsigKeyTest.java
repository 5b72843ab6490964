package org.mtasts.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TsigKeyTest {
    static final String SECRET = "pgX87Fpg3EAR/SGFIrCJhyFxkjJTt/bVxc8G+hLbbbI=";
    static final TsigKey EXPECTED = TsigKey.of("publish-update", "hmac-sha256", SECRET);

    static Stream<Arguments> validFiles() {
        return Stream.of(
                Arguments.of("BIND tsig-keygen", "key \"publish-update\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + SECRET + "\";\n};\n"),
                Arguments.of("BIND on one line, unquoted name, comments",
                        "# made by hand\nkey publish-update { secret \"" + SECRET + "\"; /* note */ algorithm HMAC-SHA256; }; // end\n"),
                Arguments.of("Knot keymgr -t", "# hmac-sha256:publish-update:" + SECRET + "\nkey:\n  - id: publish-update\n"
                        + "    algorithm: hmac-sha256\n    secret: " + SECRET + "\n"),
                Arguments.of("knsupdate -y with algorithm", "hmac-sha256:publish-update:" + SECRET + "\n"),
                Arguments.of("knsupdate -y without algorithm", "publish-update:" + SECRET),
                Arguments.of("trailing dot in the name", "hmac-sha256:publish-update.:" + SECRET),
                Arguments.of("CRLF line ends", "key \"publish-update\" {\r\n algorithm hmac-sha256;\r\n secret \"" + SECRET + "\";\r\n};\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validFiles")
    void readsEveryKeyFileForm(String form, String text) {
        TsigKey key = TsigKey.fromKeyFile(text);
        assertThat(key).isEqualTo(EXPECTED);
        assertThat(key.name()).isEqualTo("publish-update");
        assertThat(key.algorithm()).isEqualTo("hmac-sha256");
    }

    static Stream<Arguments> invalidFiles() {
        return Stream.of(
                Arguments.of("", "no key in the file"),
                Arguments.of("# only a comment\n", "no key in the file"),
                Arguments.of("key \"k\" {\n algorithm hmac-sha256;\n secrt \"" + SECRET + "\";\n};",
                        "line 3, column 2: expected \"algorithm\", \"secret\" or \"}\", found 'secrt'"),
                Arguments.of("key \"k\" {\n algorithm hmac-sha256\n secret \"" + SECRET + "\";\n};",
                        "line 3, column 2: expected ';', found 'secret'"),
                Arguments.of("key \"k\" {\n algorithm hmac-sha256;\n};", "line 3, column 1: the key 'k' has no secret"),
                Arguments.of("key \"k\" {\n secret \"" + SECRET + "\";\n};", "line 3, column 1: the key 'k' has no algorithm"),
                Arguments.of("key \"k\" {\n algorithm hmac-md5;\n secret \"" + SECRET + "\";\n};",
                        "line 2: algorithm 'hmac-md5' is not accepted: use hmac-sha256 (RFC 8945 §6)"),
                Arguments.of("key \"k\" {\n algorithm hmac-sha1;\n secret \"" + SECRET + "\";\n};",
                        "line 2: algorithm 'hmac-sha1' is not accepted: use hmac-sha256 (RFC 8945 §6)"),
                Arguments.of("key \"k\" {\n algorithm hmac-sha256;\n secret \"not*base64\";\n};",
                        "line 3: the secret is not base64: character '*' at position 4"),
                Arguments.of("key \"k\" {\n algorithm hmac-sha256;\n secret \"a===\";\n};",
                        "line 3: the secret is not base64: its length or padding is wrong (4 characters)"),
                Arguments.of("key \"k\" {\n algorithm hmac-sha256;\n secret \"abc", "line 3, column 9: unterminated quoted string"),
                Arguments.of("key \"k\" {\n algorithm hmac-sha256;\n secret \"" + SECRET + "\";\n};\nkey \"l\" { };",
                        "line 5, column 1: a second key; the file must hold exactly one"),
                Arguments.of("key \"k\" {\n algorithm hmac-sha256;\n secret \"" + SECRET + "\";\n}",
                        "expected ';', found the end of the file"),
                Arguments.of("key:\n  - id: k\n    algorithm: hmac-sha256\n", "line 2: the key 'k' has no \"secret:\""),
                Arguments.of("key:\n  - id: k\n    secret: " + SECRET + "\n", "line 2: the key 'k' has no \"algorithm:\""),
                Arguments.of("key:\n  - id: k\n    algorithm: hmac-sha256\n    secret: " + SECRET + "\n  - id: l\n",
                        "line 5, column 3: a second key; the file must hold exactly one"),
                Arguments.of("key:\n  - id: k\n    algo: hmac-sha256\n", "line 3, column 5: unknown key setting 'algo'"),
                Arguments.of("key:\n  - id: k\n    algorithm hmac-sha256\n", "line 3, column 5: expected \"id: NAME\""),
                Arguments.of("hmac-sha256:k:" + SECRET + "\nsecond line\n", "line 2, column 1: more than one line"),
                Arguments.of("just-a-name\n", "line 1, column 1: expected [ALGORITHM:]NAME:SECRET"),
                Arguments.of("hmac-sha256::" + SECRET, "line 1: the key name is empty"),
                Arguments.of("hmac-sha999:k:" + SECRET, "line 1: unknown algorithm 'hmac-sha999': expected hmac-sha256, hmac-sha384 or hmac-sha512"),
                Arguments.of("hmac-sha256:k:", "line 1: the secret is empty"),
                Arguments.of("hmac-sha256:a b:" + SECRET, "line 1: the key name 'a b' has a character that is not allowed at position 2"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidFiles")
    void rejectsABadKeyFileNamingLineAndProblem(String text, String message) {
        assertThatThrownBy(() -> TsigKey.fromKeyFile(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void loadNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("update.key");
        Files.writeString(file, "key \"k\" {\n algorithm hmac-sha256;\n};");
        assertThatThrownBy(() -> TsigKey.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ": line 3, column 1: the key 'k' has no secret");
        Files.writeString(file, "hmac-sha256:publish-update:" + SECRET);
        assertThat(TsigKey.load(file)).isEqualTo(EXPECTED);
    }

    @net.jqwik.api.Property
    @net.jqwik.api.Label("any key file text gives a key or an IllegalArgumentException naming a line, never another exception")
    void anyTextGivesAKeyOrAPreciseError(@net.jqwik.api.ForAll String text) {
        try {
            TsigKey.fromKeyFile(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).matches("(?s)(line \\d+(, column \\d+)?: |no key in the file).*");
        }
    }

    @net.jqwik.api.Property
    @net.jqwik.api.Label("text shaped like a key file gives a key or a precise error")
    void keyShapedTextGivesAKeyOrAPreciseError(
            @net.jqwik.api.ForAll("keyShaped") String text) {
        anyTextGivesAKeyOrAPreciseError(text);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> keyShaped() {
        net.jqwik.api.Arbitrary<String> token = net.jqwik.api.Arbitraries.of("key", "\"k\"", "{", "}", ";", "algorithm",
                "hmac-sha256", "secret", "\"" + SECRET + "\"", "\n", " ", "#", "/*", "*/", "\"", "key:", "- id: k",
                "algorithm: hmac-sha256", "secret: " + SECRET, ":");
        return token.list().ofMaxSize(20).map(parts -> String.join(" ", parts));
    }

    @Test
    void neverShowsTheSecret() {
        assertThat(EXPECTED.toString()).isEqualTo("TsigKey[publish-update, hmac-sha256]").doesNotContain(SECRET);
    }

    @Test
    void ofRejectsEachBadPart() {
        assertThatThrownBy(() -> TsigKey.of("", "hmac-sha256", SECRET)).hasMessage("the key name is empty");
        assertThatThrownBy(() -> TsigKey.of("k", "hmac-md5", SECRET)).hasMessageContaining("is not accepted");
        assertThatThrownBy(() -> TsigKey.of("k", "hmac-sha256", "%%")).hasMessageContaining("not base64");
        assertThat(TsigKey.of("K.Example.", "HMAC-SHA512", SECRET).name()).isEqualTo("k.example");
    }
}
