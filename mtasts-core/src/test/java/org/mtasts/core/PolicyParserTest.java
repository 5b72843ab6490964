package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.mtasts.core.TestSupport.assertError;
import static org.mtasts.core.TestSupport.invalid;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyParserTest {

    static final String V = "version: STSv1\n";
    static final String ENFORCE = "mode: enforce\n";
    static final String MX = "mx: mail.example.com\n";
    static final String AGE = "max_age: 86400\n";
    static final String GOOD = V + ENFORCE + MX + AGE;

    private static StsPolicy policy(PolicyMode mode, long maxAge, List<String> mx, Extension... extensions) {
        return new StsPolicy(mode, mx.stream().map(MxPattern::of).toList(), maxAge, List.of(extensions));
    }

    static Stream<Arguments> validPolicies() {
        StsPolicy good = policy(PolicyMode.ENFORCE, 86400, List.of("mail.example.com"));
        return Stream.of(
                arguments("LF, final LF", GOOD, good),
                arguments("CRLF", GOOD.replace("\n", "\r\n"), good),
                arguments("CRLF and LF mixed", V.replace("\n", "\r\n") + ENFORCE + MX.replace("\n", "\r\n") + AGE, good),
                arguments("no final line terminator", GOOD.substring(0, GOOD.length() - 1), good),
                arguments("no final CRLF", GOOD.replace("\n", "\r\n").substring(0, GOOD.length() + 2), good),
                arguments("fields in any order", AGE + MX + ENFORCE + V, good),
                arguments("no WSP after ':'", "version:STSv1\nmode:enforce\nmx:mail.example.com\nmax_age:86400", good),
                arguments("a tab after ':'", "version:\tSTSv1\nmode:\t enforce\nmx: mail.example.com\nmax_age: 86400", good),
                arguments("trailing WSP after values", "version: STSv1 \nmode: enforce\t\nmx: mail.example.com  \n"
                        + "max_age: 86400 \t\n", good),
                arguments("mode none without mx", "version: STSv1\nmode: none\nmax_age: 0",
                        policy(PolicyMode.NONE, 0, List.of())),
                arguments("mode none with mx", "version: STSv1\nmode: none\nmx: a.example\nmax_age: 0",
                        policy(PolicyMode.NONE, 0, List.of("a.example"))),
                arguments("testing with three mx", "version: STSv1\nmode: testing\nmx: a.example\nmx: *.b.example\n"
                        + "mx: C.Example\nmax_age: 604800\n",
                        policy(PolicyMode.TESTING, 604800, List.of("a.example", "*.b.example", "c.example"))),
                arguments("max_age 31557600", V + ENFORCE + MX + "max_age: 31557600\n",
                        policy(PolicyMode.ENFORCE, 31557600, List.of("mail.example.com"))),
                arguments("max_age with 10 digits and leading zeros", V + ENFORCE + MX + "max_age: 0000000001\n",
                        policy(PolicyMode.ENFORCE, 1, List.of("mail.example.com"))),
                arguments("version:STSv1 ok", "version:STSv1\nmode:none\nmax_age:0",
                        policy(PolicyMode.NONE, 0, List.of())),
                arguments("extension value with ':'", GOOD + "note: see https://x.example/a",
                        policy(PolicyMode.ENFORCE, 86400, List.of("mail.example.com"),
                                new Extension("note", "see https://x.example/a"))),
                arguments("extension value in UTF-8", GOOD + "x: Grüße, 日本 \uD83D\uDE00\n",
                        policy(PolicyMode.ENFORCE, 86400, List.of("mail.example.com"),
                                new Extension("x", "Grüße, 日本 \uD83D\uDE00"))),
                arguments("extension with inner spaces and trailing WSP", GOOD + "more:ext e  ns ion \t",
                        policy(PolicyMode.ENFORCE, 86400, List.of("mail.example.com"),
                                new Extension("more", "ext e  ns ion"))),
                arguments("extension names at their limits", GOOD + "a1234567890123456789012345678901: 1\nx.y-z_1: 2\n"
                        + "Mode: Enforce\n",
                        policy(PolicyMode.ENFORCE, 86400, List.of("mail.example.com"),
                                new Extension("a1234567890123456789012345678901", "1"), new Extension("x.y-z_1", "2"),
                                new Extension("Mode", "Enforce"))),
                arguments("mx A-label", V + ENFORCE + "mx: xn--mnchen-3ya.example\n" + AGE,
                        policy(PolicyMode.ENFORCE, 86400, List.of("xn--mnchen-3ya.example"))));
    }

    @ParameterizedTest(name = "RFC 8461 §3.2: {0}")
    @MethodSource("validPolicies")
    void parsesValidPolicies(String name, String body, StsPolicy expected) {
        ParseResult<StsPolicy> result = PolicyParser.strict().parse(body);
        assertThat(result.kind()).as("%s", result).isEqualTo(ParseResult.Kind.VALID);
        assertThat(result.orElseThrow()).isEqualTo(expected);
        assertThat(((ParseResult.Valid<StsPolicy>) result).warnings()).isEmpty();
        assertThat(StsPolicy.parse(body.getBytes(StandardCharsets.UTF_8)).orElseThrow()).isEqualTo(expected);
        assertThat(PolicyParser.lenient().parse(body).orElseThrow()).isEqualTo(expected);
    }

    static Stream<Arguments> policiesWithWarnings() {
        return Stream.of(
                arguments("max_age above 31557600 (erratum 7282)", V + ENFORCE + MX + "max_age: 31557601\n",
                        31557600L, "enforce", List.of("mail.example.com"),
                        List.of(new ParseWarning(ParseWarning.MAX_AGE_CLAMPED, "RFC 8461 §3.2", 4, 10,
                                "max_age 31557601 is above 31557600 and was clamped to it (erratum 7282)"))),
                arguments("max_age 9999999999", V + ENFORCE + MX + "max_age:9999999999", 31557600L, "enforce",
                        List.of("mail.example.com"), List.of(new ParseWarning(ParseWarning.MAX_AGE_CLAMPED,
                                "RFC 8461 §3.2", 4, 9,
                                "max_age 9999999999 is above 31557600 and was clamped to it (erratum 7282)"))),
                arguments("mode twice: the first counts", V + ENFORCE + "mode: none\n" + MX + AGE, 86400L, "enforce",
                        List.of("mail.example.com"), List.of(new ParseWarning(ParseWarning.DUPLICATE_FIELD,
                                "RFC 8461 §3.2", 3, 7, "repeated 'mode' ignored: the first one counts"))),
                arguments("version twice, the second invalid", V + "version: STSv2\n" + ENFORCE + MX + AGE, 86400L,
                        "enforce", List.of("mail.example.com"), List.of(new ParseWarning(ParseWarning.DUPLICATE_FIELD,
                                "RFC 8461 §3.2", 2, 10, "repeated 'version' ignored: the first one counts"))),
                arguments("max_age twice", V + ENFORCE + MX + AGE + "max_age: x\n", 86400L, "enforce",
                        List.of("mail.example.com"), List.of(new ParseWarning(ParseWarning.DUPLICATE_FIELD,
                                "RFC 8461 §3.2", 5, 10, "repeated 'max_age' ignored: the first one counts"))),
                arguments("an extension twice", GOOD + "x: 1\nx: 2\n", 86400L, "enforce", List.of("mail.example.com"),
                        List.of(new ParseWarning(ParseWarning.DUPLICATE_FIELD, "RFC 8461 §3.2", 6, 1,
                                "repeated 'x' ignored: the first one counts"))),
                arguments("mx twice: every mx line counts", GOOD + "mx: MAIL.example.com\n", 86400L, "enforce",
                        List.of("mail.example.com", "mail.example.com"),
                        List.of(new ParseWarning(ParseWarning.DUPLICATE_MX, "RFC 8461 §3.2", 5, 5,
                                "mx mail.example.com is listed twice"))));
    }

    @ParameterizedTest(name = "RFC 8461 §3.2: {0}")
    @MethodSource("policiesWithWarnings")
    void acceptsWithWarnings(String name, String body, long maxAge, String mode, List<String> mx,
            List<ParseWarning> warnings) {
        ParseResult.Valid<StsPolicy> result = (ParseResult.Valid<StsPolicy>) PolicyParser.strict().parse(body);
        assertThat(result.value().maxAge()).isEqualTo(maxAge);
        assertThat(result.value().mode().token()).isEqualTo(mode);
        assertThat(result.value().mx()).extracting(MxPattern::toText).isEqualTo(mx);
        assertThat(result.warnings()).isEqualTo(warnings);
    }

    @Test
    @DisplayName("RFC 8461 §3.2: duplicate mx patterns are found in long lists too (past the linear scan)")
    void findsDuplicateMxInLongLists() {
        StringBuilder body = new StringBuilder(V + ENFORCE);
        for (int i = 0; i < 40; i++) {
            body.append("mx: mx").append(i).append(".example.com\n");
        }
        body.append("mx: MX3.example.com\n").append("mx: mx39.example.com\n").append("mx: mx40.example.com\n").append(AGE);
        ParseResult.Valid<StsPolicy> result = (ParseResult.Valid<StsPolicy>) PolicyParser.strict().parse(body);
        assertThat(result.value().mx()).hasSize(43);
        assertThat(result.warnings()).extracting(ParseWarning::code, ParseWarning::line, ParseWarning::detail)
                .containsExactly(tuple(ParseWarning.DUPLICATE_MX, 43, "mx mx3.example.com is listed twice"),
                        tuple(ParseWarning.DUPLICATE_MX, 44, "mx mx39.example.com is listed twice"));
    }

    static Stream<Arguments> invalidPolicies() {
        String mxLine = "mx: *.*.example\n";
        return Stream.of(
                arguments("empty", "", SyntaxError.Kind.POLICY_EMPTY, 0, 1, 1, "the policy is empty"),
                arguments("only a line feed", "\n", SyntaxError.Kind.POLICY_BLANK_LINE, 0, 1, 1, "blank line"),
                arguments("trailing blank line", GOOD + "\n", SyntaxError.Kind.POLICY_BLANK_LINE, 65, 5, 1,
                        "blank line"),
                arguments("trailing blank line, CRLF", GOOD.replace("\n", "\r\n") + "\r\n",
                        SyntaxError.Kind.POLICY_BLANK_LINE, 69, 5, 1, "blank line"),
                arguments("blank line inside", V + "\n" + ENFORCE, SyntaxError.Kind.POLICY_BLANK_LINE, 15, 2, 1,
                        "blank line"),
                arguments("byte order mark", "\uFEFF" + GOOD, SyntaxError.Kind.POLICY_BOM, 0, 1, 1,
                        "the policy starts with a byte order mark"),
                arguments("leading space", " " + GOOD, SyntaxError.Kind.POLICY_LEADING_WHITESPACE, 0, 1, 1,
                        "the line starts with whitespace"),
                arguments("leading tab on line 2", V + "\tmode: enforce\n", SyntaxError.Kind.POLICY_LEADING_WHITESPACE,
                        15, 2, 1, "the line starts with whitespace"),
                arguments("whitespace-only last line", GOOD + "  ", SyntaxError.Kind.POLICY_LEADING_WHITESPACE, 65, 5,
                        1, "the line starts with whitespace"),
                arguments("bare CR", "version: STSv1\rmode: enforce", SyntaxError.Kind.POLICY_BARE_CR, 14, 1, 15,
                        "a carriage return must be followed by a line feed"),
                arguments("bare CR at the end", GOOD + "\r", SyntaxError.Kind.POLICY_BARE_CR, 65, 5, 1,
                        "a carriage return must be followed by a line feed"),
                arguments("CR CR LF", "version: STSv1\r\r\n", SyntaxError.Kind.POLICY_BARE_CR, 14, 1, 15,
                        "a carriage return must be followed by a line feed"),
                arguments("WSP before ':'", V + "mode : enforce\n", SyntaxError.Kind.POLICY_KEY_SYNTAX, 19, 2, 5,
                        "whitespace before ':' is not allowed"),
                arguments("no ':'", V + "mode none", SyntaxError.Kind.POLICY_MISSING_COLON, 19, 2, 5,
                        "expected ':' after the field name"),
                arguments("a line that is not a field", V + "not_a_pair", SyntaxError.Kind.POLICY_MISSING_COLON, 25, 2,
                        11, "expected ':' after the field name"),
                arguments("JSON (draft format)", "{\n\t\"version\": \"STSv1\"\n}", SyntaxError.Kind.POLICY_MISSING_COLON,
                        1, 1, 2, "expected ':' after the field name"),
                arguments("empty key", V + ": 8600", SyntaxError.Kind.POLICY_KEY_SYNTAX, 15, 2, 1, "empty field name"),
                arguments("key starting with '_'", V + "_bad: x", SyntaxError.Kind.POLICY_KEY_SYNTAX, 15, 2, 1,
                        "a field name starts with a letter or digit"),
                arguments("key of 33 characters", V + "a12345678901234567890123456789012: 1",
                        SyntaxError.Kind.POLICY_KEY_SYNTAX, 47, 2, 33, "field name longer than 32 characters"),
                arguments("'%' in a key", V + "bad%key: x", SyntaxError.Kind.POLICY_KEY_SYNTAX, 18, 2, 4,
                        "character '%' is not allowed in a field name"),
                arguments("version STSv2", "version: STSv2\n", SyntaxError.Kind.POLICY_VERSION, 9, 1, 10,
                        "version must be exactly 'STSv1', found 'STSv2'"),
                arguments("version stsv1", "version: stsv1\n", SyntaxError.Kind.POLICY_VERSION, 9, 1, 10,
                        "version must be exactly 'STSv1', found 'stsv1'"),
                arguments("version STSv10", "version:STSv10", SyntaxError.Kind.POLICY_VERSION, 8, 1, 9,
                        "version must be exactly 'STSv1', found 'STSv10'"),
                arguments("version empty", "version:  ", SyntaxError.Kind.POLICY_VERSION, 10, 1, 11,
                        "version must be exactly 'STSv1', found ''"),
                arguments("mode Enforce", V + "mode: Enforce", SyntaxError.Kind.POLICY_MODE, 21, 2, 7,
                        "mode must be 'enforce', 'testing' or 'none', found 'Enforce'"),
                arguments("mode in brackets", V + "mode: [testing] ", SyntaxError.Kind.POLICY_MODE, 21, 2, 7,
                        "mode must be 'enforce', 'testing' or 'none', found '[testing]'"),
                arguments("max_age abc", V + "max_age: abc", SyntaxError.Kind.POLICY_MAX_AGE, 24, 2, 10,
                        "max_age must be 1 to 10 digits, found 'a'"),
                arguments("max_age -1", V + "max_age: -1", SyntaxError.Kind.POLICY_MAX_AGE, 24, 2, 10,
                        "max_age must be 1 to 10 digits, found '-'"),
                arguments("max_age +5", V + "max_age: +5", SyntaxError.Kind.POLICY_MAX_AGE, 24, 2, 10,
                        "max_age must be 1 to 10 digits, found '+'"),
                arguments("max_age 1e3", V + "max_age: 1e3", SyntaxError.Kind.POLICY_MAX_AGE, 25, 2, 11,
                        "max_age must be 1 to 10 digits, found 'e'"),
                arguments("max_age 86400.5", V + "max_age: 86400.5", SyntaxError.Kind.POLICY_MAX_AGE, 29, 2, 15,
                        "max_age must be 1 to 10 digits, found '.'"),
                arguments("max_age a week", V + "max_age: 1 week", SyntaxError.Kind.POLICY_MAX_AGE, 25, 2, 11,
                        "max_age must be 1 to 10 digits, found space"),
                arguments("max_age with 11 digits", V + "max_age:01234567890", SyntaxError.Kind.POLICY_MAX_AGE, 33, 2,
                        19, "max_age has more than 10 digits"),
                arguments("max_age empty", V + "max_age:", SyntaxError.Kind.POLICY_MAX_AGE, 23, 2, 9,
                        "max_age has no value"),
                arguments("mx *.*.example", V + mxLine, SyntaxError.Kind.POLICY_MX, 21, 2, 7,
                        "a wildcard must be the whole leftmost label, followed by '.'"),
                arguments("mx **.example", V + "mx: **.example", SyntaxError.Kind.POLICY_MX, 20, 2, 6,
                        "a wildcard must be the whole leftmost label, followed by '.'"),
                arguments("mx mail*.example", V + "mx: mail*.example", SyntaxError.Kind.POLICY_MX, 23, 2, 9,
                        "a wildcard must be the whole leftmost label, followed by '.'"),
                arguments("mx *example.com", V + "mx: *example.com", SyntaxError.Kind.POLICY_MX, 20, 2, 6,
                        "a wildcard must be the whole leftmost label, followed by '.'"),
                arguments("mx .example.com", V + "mx: .example.com", SyntaxError.Kind.POLICY_MX, 19, 2, 5,
                        "empty label"),
                arguments("mx with a trailing dot", V + "mx: mx.example.com.", SyntaxError.Kind.POLICY_MX, 33, 2, 19,
                        "a trailing dot is not allowed in an mx pattern"),
                arguments("mx U-label", V + "mx: møx.example", SyntaxError.Kind.POLICY_MX, 20, 2, 6,
                        "non-ASCII character U+00F8 (use A-labels)"),
                arguments("mx empty", V + "mx:", SyntaxError.Kind.POLICY_MX, 18, 2, 4, "empty mx value"),
                arguments("mx bare wildcard", V + "mx: *.", SyntaxError.Kind.POLICY_MX, 21, 2, 7,
                        "a wildcard must be followed by a domain"),
                arguments("two mx on one line", V + "mx: a.example, b.example", SyntaxError.Kind.POLICY_MX, 28, 2, 14,
                        "character ',' is not a letter, digit, hyphen or dot"),
                arguments("mx with priority text", V + "mx: Priority 5: ALT1.ASPMX.L.GOOGLE.COM",
                        SyntaxError.Kind.POLICY_MX, 27, 2, 13, "character space is not a letter, digit, hyphen or dot"),
                arguments("extension without value", V + "ext:", SyntaxError.Kind.POLICY_VALUE_SYNTAX, 19, 2, 5,
                        "extension 'ext' has no value"),
                arguments("TAB inside an extension value", V + "ext: a\tb", SyntaxError.Kind.POLICY_VALUE_SYNTAX, 21, 2,
                        7, "a tab inside a value is not allowed"),
                arguments("NUL in an extension value", V + "ext: a\u0000b", SyntaxError.Kind.POLICY_CONTROL_CHARACTER, 21,
                        2, 7, "control character U+0000 is not allowed"),
                arguments("NUL in the mode", V + "mode: en\u0000force", SyntaxError.Kind.POLICY_CONTROL_CHARACTER, 23, 2,
                        9, "control character U+0000 is not allowed"),
                arguments("NUL at a line start", V + "\u0000mode: enforce", SyntaxError.Kind.POLICY_CONTROL_CHARACTER, 15,
                        2, 1, "control character U+0000 is not allowed"),
                arguments("DEL after a value", V + "mode: enforce\u007F", SyntaxError.Kind.POLICY_CONTROL_CHARACTER, 28,
                        2, 14, "control character U+007F is not allowed"),
                arguments("escape sequence in a value", V + "x: \u001B[2J", SyntaxError.Kind.POLICY_CONTROL_CHARACTER, 18,
                        2, 4, "control character U+001B is not allowed"),
                arguments("columns count code points", V + "x: \uD83D\uDE00\tb", SyntaxError.Kind.POLICY_VALUE_SYNTAX, 20,
                        2, 5, "a tab inside a value is not allowed"),
                arguments("error on line 3 after CRLF", (V + ENFORCE).replace("\n", "\r\n") + mxLine,
                        SyntaxError.Kind.POLICY_MX, 37, 3, 7, "a wildcard must be the whole leftmost label, followed by '.'"),
                arguments("no version", ENFORCE + MX + AGE, SyntaxError.Kind.POLICY_MISSING_VERSION, 50, 4, 1,
                        "no 'version' field"),
                arguments("no version, no final LF", "mode:none\nmax_age:0", SyntaxError.Kind.POLICY_MISSING_VERSION, 19,
                        2, 10, "no 'version' field"),
                arguments("no mode", V + MX + AGE, SyntaxError.Kind.POLICY_MISSING_MODE, 51, 4, 1, "no 'mode' field"),
                arguments("no max_age", V + ENFORCE + MX, SyntaxError.Kind.POLICY_MISSING_MAX_AGE, 50, 4, 1,
                        "no 'max_age' field"),
                arguments("enforce without mx", V + ENFORCE + AGE, SyntaxError.Kind.POLICY_MISSING_MX, 44, 4, 1,
                        "no 'mx' field, and mode enforce needs at least one"),
                arguments("testing without mx", V + "mode: testing\n" + AGE, SyntaxError.Kind.POLICY_MISSING_MX, 44, 4, 1,
                        "no 'mx' field, and mode testing needs at least one"),
                arguments("a typo leaves enforce without mx", V + ENFORCE + "nmx: mail.example.com\n" + AGE,
                        SyntaxError.Kind.POLICY_MISSING_MX, 66, 5, 1, "no 'mx' field, and mode enforce needs at least one"));
    }

    @ParameterizedTest(name = "RFC 8461 §3.2: {0}")
    @MethodSource("invalidPolicies")
    void rejectsInvalidPoliciesWithPosition(String name, String body, SyntaxError.Kind kind, int offset, int line,
            int column, String detail) {
        SyntaxError e = invalid(PolicyParser.strict().parse(body));
        assertError(e, kind, offset, line, column);
        assertThat(e.detail()).isEqualTo(detail);
        assertThat(e.rule()).isEqualTo("RFC 8461 §3.2");
        // The same body as bytes: the same error (ASCII bodies have byte offsets equal to char offsets).
        if (body.chars().allMatch(c -> c < 0x80)) {
            assertThat(invalid(StsPolicy.parse(body.getBytes(StandardCharsets.US_ASCII)))).isEqualTo(e);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.2: representative error messages")
    void errorMessages() {
        assertThat(invalid(StsPolicy.parse(V + "mode : enforce\n")).toString())
                .isEqualTo("line 2, column 5: whitespace before ':' is not allowed (RFC 8461 §3.2)");
        assertThat(invalid(StsPolicy.parse(V + "mode: strict\n")).toString()).isEqualTo(
                "line 2, column 7: mode must be 'enforce', 'testing' or 'none', found 'strict' (RFC 8461 §3.2)");
        assertThat(invalid(StsPolicy.parse(V + "version: \u001B]0;x\u0007")).toString()).isEqualTo(
                "line 2, column 10: control character U+001B is not allowed (RFC 8461 §3.2)");
        assertThat(invalid(StsPolicy.parse("version: STSv1\nmode: en\u00A0force\n")).message()).isEqualTo(
                "mode must be 'enforce', 'testing' or 'none', found 'en\\u00a0force' (RFC 8461 §3.2)");
    }

    static Stream<Arguments> badBytes() {
        byte[] ff = (V + "mode: en\u00FFforce\n" + MX + AGE).getBytes(StandardCharsets.ISO_8859_1);
        byte[] trailing = (GOOD + "\u00FF").getBytes(StandardCharsets.ISO_8859_1);
        byte[] truncated = (V + "x: \u00C3").getBytes(StandardCharsets.ISO_8859_1);
        byte[] overlong = (V + "x: \u00C0\u00AF").getBytes(StandardCharsets.ISO_8859_1);
        byte[] surrogate = (V + "x: a\u00ED\u00A0\u0080").getBytes(StandardCharsets.ISO_8859_1);
        byte[] afterUtf8 = concat((V + "x: é\n").getBytes(StandardCharsets.UTF_8), new byte[] {'y', ':', ' ', (byte) 0xFF});
        return Stream.of(
                arguments("0xFF inside mode", ff, 23, 2, 9, 0xFF),
                arguments("0xFF after the last line", trailing, 65, 5, 1, 0xFF),
                arguments("truncated two-byte sequence", truncated, 18, 2, 4, 0xC3),
                arguments("overlong encoding", overlong, 18, 2, 4, 0xC0),
                arguments("encoded surrogate", surrogate, 19, 2, 5, 0xED),
                arguments("0xFF after a valid UTF-8 line", afterUtf8, 24, 3, 4, 0xFF));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @ParameterizedTest(name = "RFC 8461 §3.2: {0}")
    @MethodSource("badBytes")
    void rejectsBytesThatAreNotUtf8(String name, byte[] body, int offset, int line, int column, int badByte) {
        SyntaxError e = invalid(StsPolicy.parse(body));
        assertError(e, SyntaxError.Kind.POLICY_ENCODING, offset, line, column);
        assertThat(body[offset] & 0xFF).isEqualTo(badByte);
        assertThat(e.detail()).isEqualTo(String.format("byte 0x%02X at offset %d is not valid UTF-8", badByte, offset));
        assertThat(e.code()).isEqualTo("policy-encoding");
        assertThat(invalid(PolicyParser.lenient().parse(body))).isEqualTo(e);
    }

    @Test
    @DisplayName("RFC 8461 §3.2: a real U+FFFD is valid UTF-8, and error offsets after it still count bytes")
    void aReplacementCharacterInTheInputIsNotAnEncodingError() {
        String text = GOOD + "x: a\uFFFDb\n";
        ParseResult.Valid<StsPolicy> valid = (ParseResult.Valid<StsPolicy>) StsPolicy.parse(
                text.getBytes(StandardCharsets.UTF_8));
        assertThat(valid.value().extensions()).containsExactly(new Extension("x", "a\uFFFDb"));
        String bad = V + "x: \uFFFD\nmode: strict\n";
        SyntaxError fromBytes = invalid(StsPolicy.parse(bad.getBytes(StandardCharsets.UTF_8)));
        assertThat(fromBytes.offset()).isEqualTo(bad.indexOf("strict") + 2);
        SyntaxError fromText = invalid(StsPolicy.parse(bad));
        assertThat(fromBytes).isEqualTo(new SyntaxError(fromText.kind(), fromText.offset() + 2, fromText.line(),
                fromText.column(), fromText.detail()));
    }

    @Test
    @DisplayName("RFC 8461 §3.2: for byte input, offsets count bytes, lines and columns count characters")
    void byteOffsetsCountBytes() {
        String text = V + "x: é€\uD83D\uDE00\nmode: strict\n";
        SyntaxError fromText = invalid(StsPolicy.parse(text));
        SyntaxError fromBytes = invalid(StsPolicy.parse(text.getBytes(StandardCharsets.UTF_8)));
        assertThat(fromText.offset()).isEqualTo(text.indexOf("strict"));
        assertThat(fromBytes.offset()).isEqualTo(fromText.offset() + 1 + 2 + 2);
        assertThat(fromBytes.line()).isEqualTo(fromText.line()).isEqualTo(3);
        assertThat(fromBytes.column()).isEqualTo(fromText.column()).isEqualTo(7);
        assertThat(fromBytes.detail()).isEqualTo(fromText.detail());
        // A BOM is three bytes.
        byte[] bom = ("\uFEFF" + GOOD).getBytes(StandardCharsets.UTF_8);
        assertError(invalid(StsPolicy.parse(bom)), SyntaxError.Kind.POLICY_BOM, 0, 1, 1);
        SyntaxError afterBom = invalid(PolicyParser.lenient().parse(("\uFEFF" + V + "mode: x").getBytes(
                StandardCharsets.UTF_8)));
        assertError(afterBom, SyntaxError.Kind.POLICY_MODE, 3 + 15 + 6, 2, 7);
    }

    @Test
    @DisplayName("RFC 8461 §3.2: parse(bytes, offset, length) reads a slice; offsets are relative to it")
    void parsesASlice() {
        byte[] buffer = ("garbage" + GOOD + "garbage").getBytes(StandardCharsets.US_ASCII);
        assertThat(PolicyParser.strict().parse(buffer, 7, GOOD.length()).orElseThrow())
                .isEqualTo(StsPolicy.parse(GOOD).orElseThrow());
        byte[] bad = ("xx" + V + "mode: \u00FF").getBytes(StandardCharsets.ISO_8859_1);
        assertError(invalid(PolicyParser.strict().parse(bad, 2, bad.length - 2)), SyntaxError.Kind.POLICY_ENCODING, 21,
                2, 7);
        assertThatThrownBy(() -> PolicyParser.strict().parse(buffer, 5, buffer.length))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> PolicyParser.strict().parse((byte[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> PolicyParser.strict().parse((CharSequence) null))
                .isInstanceOf(NullPointerException.class);
    }

    static Stream<Arguments> lenientDeviations() {
        return Stream.of(
                arguments("byte order mark", "\uFEFF" + GOOD, List.of(w(ParseWarning.BOM_SKIPPED, 1, 1))),
                arguments("leading whitespace", " " + V + "\t" + ENFORCE + MX + AGE,
                        List.of(w(ParseWarning.LEADING_WHITESPACE_SKIPPED, 1, 1),
                                w(ParseWarning.LEADING_WHITESPACE_SKIPPED, 2, 1))),
                arguments("blank lines", "\n" + V + "\r\n" + ENFORCE + MX + AGE + "\n\n",
                        List.of(w(ParseWarning.BLANK_LINE_SKIPPED, 1, 1), w(ParseWarning.BLANK_LINE_SKIPPED, 3, 1),
                                w(ParseWarning.BLANK_LINE_SKIPPED, 7, 1), w(ParseWarning.BLANK_LINE_SKIPPED, 8, 1))),
                arguments("a line of spaces", V + ENFORCE + "   \n" + MX + AGE,
                        List.of(w(ParseWarning.LEADING_WHITESPACE_SKIPPED, 3, 1),
                                w(ParseWarning.BLANK_LINE_SKIPPED, 3, 4))),
                arguments("chasquid's indented policy", "\n  version: STSv1\n  mode: enforce\n"
                        + "  mx: mail.example.com\n  max_age: 86400\n",
                        List.of(w(ParseWarning.BLANK_LINE_SKIPPED, 1, 1),
                                w(ParseWarning.LEADING_WHITESPACE_SKIPPED, 2, 1),
                                w(ParseWarning.LEADING_WHITESPACE_SKIPPED, 3, 1),
                                w(ParseWarning.LEADING_WHITESPACE_SKIPPED, 4, 1),
                                w(ParseWarning.LEADING_WHITESPACE_SKIPPED, 5, 1))));
    }

    private static ParseWarning w(String code, int line, int column) {
        String detail = switch (code) {
            case ParseWarning.BOM_SKIPPED -> "byte order mark skipped";
            case ParseWarning.LEADING_WHITESPACE_SKIPPED -> "leading whitespace skipped";
            default -> "blank line skipped";
        };
        return new ParseWarning(code, "RFC 8461 §3.2", line, column, detail);
    }

    @ParameterizedTest(name = "RFC 8461 §3.2 (lenient): {0}")
    @MethodSource("lenientDeviations")
    void lenientParserAcceptsDeviationsWithWarnings(String name, String body, List<ParseWarning> warnings) {
        assertThat(PolicyParser.strict().parse(body).isValid()).isFalse();
        ParseResult.Valid<StsPolicy> result = (ParseResult.Valid<StsPolicy>) PolicyParser.lenient().parse(body);
        assertThat(result.value()).isEqualTo(StsPolicy.parse(GOOD).orElseThrow());
        assertThat(result.warnings()).isEqualTo(warnings);
    }

    @Test
    @DisplayName("RFC 8461 §3.2 (lenient): everything else stays an error")
    void lenientParserStillRejectsTheRest() {
        assertThat(PolicyParser.lenient().isLenient()).isTrue();
        assertThat(PolicyParser.strict().isLenient()).isFalse();
        assertError(invalid(PolicyParser.lenient().parse(V + "mode : enforce")), SyntaxError.Kind.POLICY_KEY_SYNTAX, 19,
                2, 5);
        assertError(invalid(PolicyParser.lenient().parse(V + "\rmode: enforce")), SyntaxError.Kind.POLICY_BARE_CR, 15,
                2, 1);
        assertError(invalid(PolicyParser.lenient().parse("  mode: Enforce")), SyntaxError.Kind.POLICY_MODE, 8, 1, 9);
        assertError(invalid(PolicyParser.lenient().parse("\n\n")), SyntaxError.Kind.POLICY_MISSING_VERSION, 2, 3, 1);
        assertError(invalid(PolicyParser.lenient().parse("")), SyntaxError.Kind.POLICY_EMPTY, 0, 1, 1);
    }
}
