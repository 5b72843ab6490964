package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MediaTypesTest {

    @ParameterizedTest(name = "RFC 8461 §3.2: \"{0}\" is text/plain: {1}, charset {2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "text/plain|true|null",
        "TEXT/Plain|true|null",
        " text/plain |true|null",
        "text/plain; charset=utf-8|true|utf-8",
        "text/plain;charset=\"ISO-8859-1\"|true|ISO-8859-1",
        "text/plain; format=flowed; charset=us-ascii|true|us-ascii",
        "text/plain; charset=a; charset=b|true|a",
        "text/plain; x=\"a;b\"; charset=c|true|c",
        "text/plain; charset=\"q\\\"x\"|true|q\"x",
        "text/plain; =; ;;|true|null",
        "text/html|false|null",
        "text/plain-x|false|null",
        "text /plain|false|null",
        "text|false|null",
        "/plain|false|null",
        "text/|false|null",
        "|false|null"})
    void parsesTheMediaTypeAndCharset(String header, boolean textPlain, String charset) {
        MediaTypes.Parsed parsed = MediaTypes.parse(header == null ? "" : header);
        assertThat(parsed.isTextPlain()).isEqualTo(textPlain);
        assertThat(parsed.charset()).isEqualTo(charset);
    }

    @Property
    @Label("never throws on arbitrary header values")
    void neverThrows(@ForAll String header) {
        MediaTypes.parse(header);
    }

    private static final Pattern REFERENCE = Pattern.compile(
            "\\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)/([!#$%&'*+.^_`|~0-9A-Za-z-]+)\\s*(;.*)?", Pattern.DOTALL);

    @Property
    @Label("agrees with a regular-expression reference on type and subtype")
    void agreesWithAReference(@ForAll("headers") String header) {
        MediaTypes.Parsed parsed = MediaTypes.parse(header);
        Matcher m = REFERENCE.matcher(header);
        if (m.matches()) {
            assertThat(parsed.type()).isEqualTo(m.group(1).toLowerCase(Locale.ROOT));
            assertThat(parsed.subtype()).isEqualTo(m.group(2).toLowerCase(Locale.ROOT));
        } else {
            assertThat(parsed.type()).isNull();
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> headers() {
        return net.jqwik.api.Arbitraries.strings().withChars("textplainTEXT/ ;=\"charsetutf-8\t,").ofMaxLength(30);
    }
}
