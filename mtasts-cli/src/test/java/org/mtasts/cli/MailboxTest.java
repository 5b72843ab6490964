package org.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The envelope addresses of {@code send}. */
class MailboxTest {

    static List<Arguments> valid() {
        return List.of(
                Arguments.of("someone@good.example", "someone@good.example"),
                Arguments.of("First.Last+tag@Good.Example.", "First.Last+tag@good.example"),
                Arguments.of("o'brien!#$%&*/=?^_`{|}~-@x.example", "o'brien!#$%&*/=?^_`{|}~-@x.example"),
                Arguments.of("x@bücher.example", "x@xn--bcher-kva.example"));
    }

    @ParameterizedTest(name = "RFC 5321 §4.1.2: {0}")
    @MethodSource("valid")
    @DisplayName("RFC 5321 §4.1.2: dot-atom local parts, domains in A-labels")
    void parses(String text, String canonical) {
        assertThat(Mailbox.parse(text, "--to")).hasToString(canonical);
    }

    static List<Arguments> invalid() {
        return List.of(
                Arguments.of("nobody", "expected local@domain"),
                Arguments.of("@good.example", "expected local@domain"),
                Arguments.of("someone@", "expected local@domain"),
                Arguments.of("a b@good.example", "may not contain ' '"),
                Arguments.of("\"quoted\"@good.example", "may not contain '\"' (quoted local parts and SMTPUTF8 are not supported)"),
                Arguments.of("jörg@good.example", "may not contain '\\u00f6'"),
                Arguments.of(".a@good.example", "a dot may not start or end the local part"),
                Arguments.of("a.@good.example", "a dot may not start or end the local part"),
                Arguments.of("a..b@good.example", "a dot may not start or end the local part or follow another"),
                Arguments.of("x".repeat(65) + "@good.example", "longer than 64 characters (RFC 5321 §4.5.3.1.1)"),
                Arguments.of("a<b>@good.example", "may not contain '<'"),
                Arguments.of("a@b@good.example", "may not contain '@'"),
                Arguments.of("a\r\nRCPT TO:<x@y.example>@good.example", "may not contain '\\u000d'"),
                Arguments.of("someone@bad_domain.example", "the domain is invalid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    @DisplayName("Invalid addresses are usage errors naming the option and the problem")
    void rejects(String text, String problem) {
        assertThatThrownBy(() -> Mailbox.parse(text, "--to"))
                .isInstanceOf(MtastsCli.UsageException.class)
                .hasMessageStartingWith("--to '")
                .hasMessageContaining(problem);
    }
}
