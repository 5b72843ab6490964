package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

class ReportParserTest {

    private static final JsonFactory JACKSON = JsonFactory.builder().build();

    static Stream<Arguments> arrays() {
        return Stream.of(
                arguments("[\"3 1 1 AB\",\"3 1 1 CD\"]", 2),
                arguments(" [ \"a\" , \"b\" ,\"c\"]\n", 3),
                arguments("[]", 0),
                arguments("[\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9\"]", 1),
                arguments("[\"a\",]", -1),
                arguments("[\"a\" \"b\"]", -1),
                arguments("[\"a\"]x", -1),
                arguments("[1]", -1),
                arguments("[\"bad \\x escape\"]", -1),
                arguments("[\"short \\u12\"]", -1),
                arguments("[\"tab\tinside\"]", -1),
                arguments("[\"unterminated]", -1),
                arguments("{\"a\":1}", -1),
                arguments("", -1));
    }

    @ParameterizedTest(name = "RFC 8460 §4.4: JSON array in a policy-string {0} -> {1}")
    @MethodSource("arrays")
    void countsTheStringsOfAJsonArray(String text, int count) {
        assertThat(ReportParser.jsonArrayLength(text)).isEqualTo(count).isEqualTo(jackson(text));
    }

    @Property
    @Label("RFC 8460 §4.4: the JSON-array check of policy-strings agrees with Jackson")
    void jsonArrayLengthAgreesWithJackson(@ForAll("jsonSoup") String text) {
        assertThat(ReportParser.jsonArrayLength(text)).isEqualTo(jackson(text));
    }

    @Provide
    Arbitrary<String> jsonSoup() {
        Arbitrary<String> pieces = Arbitraries.of("[", "]", "\"", "\"a\"", "\"3 1 1 AB\"", ",", " ", "\t", "\n", "\r",
                "\\", "\\\"", "\\u", "\\u00e9", "\\uD83D", "0", "x", "/", "\\/", "\\n", "{", "}", ":", "null",
                "\u0001", "\u00e9", "\u2003");
        return Arbitraries.oneOf(pieces.list().ofMaxSize(12).map(l -> String.join("", l)),
                pieces.list().ofMaxSize(8).map(l -> "[\"" + String.join("", l) + "\"]"),
                Arbitraries.strings().ofMaxLength(20));
    }

    /** The reference: what the reader did before, with a Jackson parser per string. */
    private static int jackson(String text) {
        try (JsonParser inner = JACKSON.createParser(ObjectReadContext.empty(), text)) {
            if (inner.nextToken() != JsonToken.START_ARRAY) {
                return -1;
            }
            int count = 0;
            JsonToken t;
            while ((t = inner.nextToken()) == JsonToken.VALUE_STRING) {
                count++;
            }
            return t == JsonToken.END_ARRAY && inner.nextToken() == null ? count : -1;
        } catch (JacksonException e) {
            return -1;
        }
    }
}
