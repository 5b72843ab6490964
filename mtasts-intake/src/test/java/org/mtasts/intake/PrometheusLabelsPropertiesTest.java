package org.mtasts.intake;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The label values of {@link PrometheusMetrics}: every string survives the format's escaping. */
class PrometheusLabelsPropertiesTest {

    @Property
    void everyLabelValueReadsBackAsWritten(@ForAll String value) {
        String labels = PrometheusMetrics.labels("organization", value);
        assertThat(labels).startsWith("{organization=\"").endsWith("\"}").doesNotContain("\n");
        assertThat(unescape(labels.substring("{organization=\"".length(), labels.length() - 2))).isEqualTo(value);
    }

    /** The reading side of the text format: backslash escapes for backslash, quote and newline. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                throw new AssertionError("an unescaped quote at " + i + " in " + s);
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char next = s.charAt(++i);
            b.append(next == 'n' ? '\n' : next);
        }
        return b.toString();
    }
}
