package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.mtasts.core.TestSupport.assertError;
import static org.mtasts.core.TestSupport.invalid;
import static org.mtasts.core.TestSupport.valid;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MxPatternTest {

    static Stream<Arguments> validPatterns() {
        return Stream.of(
                arguments("mx.example.com", false, "mx.example.com"),
                arguments("MX.Example.COM", false, "mx.example.com"),
                arguments("*.example.com", true, "example.com"),
                arguments("*.EXAMPLE.com", true, "example.com"),
                arguments("*.com", true, "com"),
                arguments("localhost", false, "localhost"),
                arguments("xn--mnchen-3ya.example", false, "xn--mnchen-3ya.example"),
                arguments("*.xn--mnchen-3ya.example", true, "xn--mnchen-3ya.example"),
                arguments("0.example", false, "0.example"));
    }

    @ParameterizedTest(name = "RFC 8461 §3.2: mx: {0}")
    @MethodSource("validPatterns")
    void parsesValidPatterns(String text, boolean wildcard, String domain) {
        MxPattern p = valid(MxPattern.parse(text));
        assertThat(p.wildcard()).isEqualTo(wildcard);
        assertThat(p.domain()).isEqualTo(DomainName.of(domain));
        assertThat(p.toText()).isEqualTo((wildcard ? "*." : "") + domain).isEqualTo(p.toString());
        assertThat(MxPattern.of(text)).isEqualTo(p);
    }

    static final String WILDCARD = "a wildcard must be the whole leftmost label, followed by '.'";

    static Stream<Arguments> invalidPatterns() {
        return Stream.of(
                arguments("", 0, "empty mx value"),
                arguments("*", 1, WILDCARD),
                arguments("*.", 2, "a wildcard must be followed by a domain"),
                arguments("*.*.example", 2, WILDCARD),
                arguments("**.example", 1, WILDCARD),
                arguments("**.example-", 1, WILDCARD),
                arguments("mail*.example", 4, WILDCARD),
                arguments("*example.com", 1, WILDCARD),
                arguments(".example.com", 0, "empty label"),
                arguments("*.a..b", 4, "empty label"),
                arguments("mx.example.com.", 14, "a trailing dot is not allowed in an mx pattern"),
                arguments("*.example.com.", 13, "a trailing dot is not allowed in an mx pattern"),
                arguments("møx.example", 1, "non-ASCII character U+00F8 (use A-labels)"),
                arguments("münchen.example", 1, "non-ASCII character U+00FC (use A-labels)"),
                arguments("mx1.example.com, mx2.example.com", 15,
                        "character ',' is not a letter, digit, hyphen or dot"),
                arguments("test.example-", 12, "label starts or ends with a hyphen"),
                arguments("a b", 1, "character space is not a letter, digit, hyphen or dot"),
                arguments("mx.example.com\u0000", 14, "character U+0000 is not a letter, digit, hyphen or dot"),
                arguments("xn--a.example", 0, "'xn--a' is not a valid A-label"),
                arguments("mx_1.example", 2, "character '_' is not a letter, digit, hyphen or dot"),
                arguments("a".repeat(64) + ".example", 63, "label longer than 63 characters"));
    }

    @ParameterizedTest(name = "RFC 8461 §3.2: mx: {0}")
    @MethodSource("invalidPatterns")
    void rejectsInvalidPatternsWithPosition(String text, int offset, String detail) {
        SyntaxError e = invalid(MxPattern.parse(text));
        assertError(e, SyntaxError.Kind.POLICY_MX, offset, 1, offset + 1);
        assertThat(e.detail()).isEqualTo(detail);
        assertThat(e.code()).isEqualTo("policy-mx");
        assertThatThrownBy(() -> MxPattern.of(text)).isInstanceOf(SyntaxErrorException.class)
                .hasMessage(e.toString());
    }

    @Test
    @DisplayName("RFC 8461 §3.2: a representative error message")
    void errorMessage() {
        assertThat(invalid(MxPattern.parse("*.*.example")).toString()).isEqualTo(
                "line 1, column 3: a wildcard must be the whole leftmost label, followed by '.' (RFC 8461 §3.2)");
    }

    static Stream<Arguments> matching() {
        return Stream.of(
                arguments("mx1.example.com", "mx1.example.com", true),
                arguments("mx1.example.com", "MX1.Example.COM.", true),
                arguments("mx1.example.com", "mx2.example.com", false),
                arguments("*.example.com", "mail.example.com", true),
                arguments("*.example.com", "MAIL.EXAMPLE.COM.", true),
                arguments("*.example.com", "example.com", false),
                arguments("*.example.com", "a.b.example.com", false),
                arguments("*.example.com", "mailexample.com", false),
                arguments("*.example.com", "mail.example.com.evil.org", false),
                arguments("*.com", "foo.com", true),
                arguments("*.com", "foo.bar.com", false),
                arguments("*.b.example", "sub.sub.b.example", false),
                arguments("mail.example.com", "mail.example.com.evil.org", false),
                arguments("mail.example.com", "mailXexampleYcom", false),
                arguments("mail.example.com", "evil-mail.example.com", false),
                arguments("mail.example.com", "example.com", false),
                arguments("xn--mnchen-3ya.example", "münchen.example", true),
                arguments("xn--mnchen-3ya.example", "MÜNCHEN.example.", true),
                arguments("*.xn--mnchen-3ya.example", "mx.münchen.example", true),
                arguments("mx.example.com", "bad_host.example.com", false),
                arguments("*.example.com", "*.example.com", false),
                arguments("*.example.com", "", false));
    }

    @ParameterizedTest(name = "RFC 8461 §4.1: {0} vs {1} -> {2}")
    @MethodSource("matching")
    void matchesLikeRfc8461(String pattern, String host, boolean expected) {
        MxPattern p = MxPattern.of(pattern);
        assertThat(p.matches(host)).isEqualTo(expected);
        ParseResult<DomainName> parsed = DomainName.parse(host);
        if (parsed.isValid()) {
            assertThat(p.matches(parsed.orElseThrow())).isEqualTo(expected);
        }
    }

    @Test
    void recordValidatesAndNullsAreNamed() {
        assertThatThrownBy(() -> new MxPattern(true, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("domain");
        assertThatThrownBy(() -> MxPattern.parse(null)).isInstanceOf(NullPointerException.class);
        assertThat(new MxPattern(true, DomainName.of("example.com"))).isEqualTo(MxPattern.of("*.example.com"));
    }

    @Property
    @Label("RFC 8461 §3.2: parse(p.toText()) equals p")
    void roundTrip(@ForAll("patterns") MxPattern p) {
        assertThat(MxPattern.parse(p.toText()).orElseThrow()).isEqualTo(p);
        assertThat(MxPattern.parse(p.toText().toUpperCase(Locale.ROOT)).orElseThrow()).isEqualTo(p);
    }

    @Provide
    Arbitrary<MxPattern> patterns() {
        return CoreArbitraries.mxPattern();
    }

    @Property
    @Label("RFC 8461 §3.2: parsing never throws, and errors point inside the input")
    void parseNeverThrows(@ForAll("anyText") String text) {
        ParseResult<MxPattern> result = MxPattern.parse(text);
        if (!result.isValid()) {
            SyntaxError e = invalid(result);
            assertThat(e.kind()).isEqualTo(SyntaxError.Kind.POLICY_MX);
            assertThat(e.offset()).isBetween(0, text.length());
            assertThat(e.column()).isLessThanOrEqualTo(text.codePointCount(0, text.length()) + 1);
            TestSupport.assertSafeMessage(e);
        }
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(30),
                CoreArbitraries.tokenSoup("*.", "example", "com", "mx1"));
    }

    /** RFC 8461 §3.2 {@code ["*."] Domain} with RFC 5321 labels, as a regular expression. */
    private static final Pattern MX_ABNF = Pattern.compile(
            "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    @Property(tries = 500)
    @Label("RFC 8461 §3.2: mx parsing agrees with a regular expression for the ABNF")
    void agreesWithRegexReference(@ForAll("mxLike") String text) {
        boolean reference = MX_ABNF.matcher(text).matches()
                && text.length() - (text.startsWith("*.") ? 2 : 0) <= DomainName.MAX_LENGTH;
        assertThat(MxPattern.parse(text).isValid()).as("valid(%s)", text).isEqualTo(reference);
    }

    @Provide
    Arbitrary<String> mxLike() {
        // No 'x' or 'n': no ACE labels, which need a Punycode decoder rather than a regex.
        Arbitrary<String> soup = Arbitraries.of("a", "b", "Z", "0", "9", "-", ".", "*", "*.", "é", "_", " ", "ab", "a.b")
                .list().ofMaxSize(12).map(l -> String.join("", l));
        Arbitrary<String> longLabels = Combinators.combine(
                        Arbitraries.strings().withChars("ab").ofMinLength(60).ofMaxLength(66),
                        Arbitraries.integers().between(1, 5))
                .as((label, count) -> String.join(".", java.util.Collections.nCopies(count, label)));
        return Arbitraries.oneOf(soup, longLabels);
    }

    @Property(tries = 500)
    @Label("RFC 8461 §4.1: matching agrees with a label-by-label reference")
    void matchingAgreesWithReference(@ForAll("patternAndHost") String[] patternAndHost) {
        MxPattern pattern = MxPattern.of(patternAndHost[0]);
        String host = patternAndHost[1];
        assertThat(pattern.matches(DomainName.of(host))).as("%s matches %s", pattern, host)
                .isEqualTo(referenceMatches(pattern.toText(), host));
    }

    /** Split on '.', compare label by label, ignoring ASCII case and a trailing dot; '*' is one label. */
    static boolean referenceMatches(String pattern, String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String[] p = pattern.toLowerCase(Locale.ROOT).split("\\.", -1);
        String[] hl = h.toLowerCase(Locale.ROOT).split("\\.", -1);
        if (p.length != hl.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (!(i == 0 && p[0].equals("*")) && !p[i].equals(hl[i])) {
                return false;
            }
        }
        return true;
    }

    @Provide
    Arbitrary<String[]> patternAndHost() {
        return Combinators.combine(CoreArbitraries.mxPattern(), CoreArbitraries.label(), CoreArbitraries.label(),
                        CoreArbitraries.domainName(), Arbitraries.integers().between(0, 5), Arbitraries.of(true, false))
                .as((p, l1, l2, other, shape, upper) -> {
                    String d = p.domain().ascii();
                    String host = switch (shape) {
                        case 0 -> d;
                        case 1 -> l1 + "." + d;
                        case 2 -> l1 + "." + l2 + "." + d;
                        case 3 -> other.ascii();
                        case 4 -> (l1 + p.domain().firstLabel()).length() <= DomainName.MAX_LABEL_LENGTH ? l1 + d : d;
                        default -> d + "." + l1;
                    };
                    if (host.length() > DomainName.MAX_LENGTH) {
                        host = d;
                    }
                    if (upper) {
                        host = host.toUpperCase(Locale.ROOT) + ".";
                    }
                    return new String[] {p.toText(), host};
                });
    }

    @Test
    @DisplayName("RFC 8461 §4.1: the reference itself splits labels, not substrings")
    void referenceSanity() {
        assertThat(referenceMatches("*.example.com", "a.example.com")).isTrue();
        assertThat(referenceMatches("*.example.com", "a.b.example.com")).isFalse();
        assertThat(referenceMatches("mail.example.com", "MAIL.example.com.")).isTrue();
        assertThat(Arrays.asList(".a".split("\\.", -1))).containsExactly("", "a");
    }
}
