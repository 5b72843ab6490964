package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PrintableTest {

    @Test
    @DisplayName("control characters and non-ASCII are escaped, text is cut to 200 characters")
    void escapesAndCuts() {
        assertThat(Printable.of("a\r\nb\u001b[1m\u00e9\\")).isEqualTo("a\\u000d\\u000ab\\u001b[1m\\u00e9\\");
        assertThat(Printable.of(null)).isEqualTo("null");
        assertThat(Printable.of("x".repeat(500))).hasSize(203).endsWith("...");
    }

    @Test
    @DisplayName("an exception is described with its root cause, escaped")
    void describesExceptions() {
        Exception e = new IOException("outer\n", new IllegalStateException("inner\u0000"));
        assertThat(Printable.describe(e)).isEqualTo("IOException: outer\\u000a (caused by IllegalStateException: inner\\u0000)");
        assertThat(Printable.describe(new RuntimeException())).isEqualTo("RuntimeException");
    }

    @Property
    @Label("the result is printable ASCII, and escaping twice changes nothing")
    void printableAndIdempotent(@ForAll String text) {
        String once = Printable.of(text);
        assertThat(once.chars()).allMatch(c -> c >= 0x20 && c < 0x7F);
        if (once.length() < Printable.MAX_LENGTH) {
            assertThat(Printable.of(once)).isEqualTo(once);
        }
    }
}
