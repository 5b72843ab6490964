package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SafeText: nothing from the network reaches a message or a log line raw. */
class SafeTextTest {

    @Test
    @DisplayName("Line breaks, escapes and non-ASCII are written as \\uXXXX; a backslash is kept")
    void escapesControlAndNonAscii() {
        assertThat(SafeText.escape("evil\r\nFAKE LOG LINE")).isEqualTo("evil\\u000d\\u000aFAKE LOG LINE");
        assertThat(SafeText.escape("\u001b[31mred")).isEqualTo("\\u001b[31mred");
        assertThat(SafeText.escape("bücher")).isEqualTo("b\\u00fccher");
        assertThat(SafeText.escape("a\\u000d")).isEqualTo("a\\u000d");
        assertThat(SafeText.escape(null)).isEqualTo("null");
    }

    @Test
    @DisplayName("Long text is cut and marked")
    void cutsLongText() {
        assertThat(SafeText.escape("x".repeat(500))).hasSize(SafeText.DEFAULT_MAX_LENGTH + 3).endsWith("...");
        assertThat(SafeText.escape("abcdef", 3)).isEqualTo("abc...");
        assertThatThrownBy(() -> SafeText.escape("a", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("quote: the same escaping in single quotes, with a quote inside escaped too")
    void quotesWithTheSameRule() {
        assertThat(SafeText.quote("it's\r\n")).isEqualTo("'it\\u0027s\\u000d\\u000a'");
        assertThat(SafeText.quote("a\\b")).isEqualTo("'a\\b'");
        assertThat(SafeText.quote("abcdef", 3)).isEqualTo("'abc...'");
        assertThat(SafeText.quote(null)).isEqualTo("null");
        assertThatThrownBy(() -> SafeText.quote("a", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 500)
    @Label("A quoted text is printable ASCII with exactly two quotes, and reads as the escaped text")
    void anyQuotedTextIsSafe(@ForAll String text) {
        String quoted = SafeText.quote(text, Integer.MAX_VALUE);
        assertThat(quoted).matches("'[\\x20-\\x26\\x28-\\x7E]*'");
        assertThat(quoted.substring(1, quoted.length() - 1))
                .isEqualTo(SafeText.escape(text, Integer.MAX_VALUE).replace("'", "\\u0027"));
    }

    @Property(tries = 500)
    @Label("Any text escapes to printable ASCII only, within the bound")
    void anyTextIsSafe(@ForAll String text) {
        String safe = SafeText.escape(text);
        assertThat(safe).matches("[\\x20-\\x7E]*");
        assertThat(safe.length()).isLessThanOrEqualTo(SafeText.DEFAULT_MAX_LENGTH + 6 + 3);
        assertThat(SafeText.escape(safe, Integer.MAX_VALUE)).as("idempotent").isEqualTo(safe);
    }
}
