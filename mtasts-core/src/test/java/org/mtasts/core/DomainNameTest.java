package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.mtasts.core.TestSupport.assertError;
import static org.mtasts.core.TestSupport.invalid;
import static org.mtasts.core.TestSupport.valid;

import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Label;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DomainNameTest {

    private static final String L63 = "a".repeat(63);

    static Stream<Arguments> validNames() {
        return Stream.of(
                arguments("example.com", "example.com"),
                arguments("MX1.Example.COM.", "mx1.example.com"),
                arguments("a", "a"),
                arguments("localhost.", "localhost"),
                arguments("123.example", "123.example"),
                arguments("a-b.example", "a-b.example"),
                arguments("ab--cd.example", "ab--cd.example"),
                arguments("xn--bcher-kva.example", "xn--bcher-kva.example"),
                arguments("XN--BCHER-KVA.Example", "xn--bcher-kva.example"),
                arguments("Bücher.example", "xn--bcher-kva.example"),
                arguments("MX1.Bücher.example.", "mx1.xn--bcher-kva.example"),
                arguments("例え.テスト", "xn--r8jz45g.xn--zckzah"),
                arguments("例え.テスト\u3002", "xn--r8jz45g.xn--zckzah"),
                arguments("bücher\uFF0Eexample", "xn--bcher-kva.example"),
                arguments("ＭＸ.bücher.example", "mx.xn--bcher-kva.example"),
                arguments(L63 + ".example", L63 + ".example"),
                arguments(name253(), name253()),
                arguments(name253() + ".", name253()));
    }

    /** 4 labels of 63 characters minus one character: exactly 253 characters. */
    private static String name253() {
        return String.join(".", L63, L63, L63, "a".repeat(61));
    }

    @ParameterizedTest(name = "RFC 8461 §4.1: {0} -> {1}")
    @MethodSource("validNames")
    void normalizesValidNames(String input, String expected) {
        DomainName name = valid(DomainName.parse(input));
        assertThat(name.ascii()).isEqualTo(expected);
        assertThat(name.toString()).isEqualTo(expected);
        assertThat(DomainName.of(input)).isEqualTo(name);
        assertThat(DomainName.isValid(input)).isTrue();
    }

    static Stream<Arguments> invalidNames() {
        return Stream.of(
                arguments("", 0, 1, "empty domain name"),
                arguments(".", 0, 1, "empty label"),
                arguments(".example.com", 0, 1, "empty label"),
                arguments("a..b", 2, 3, "empty label"),
                arguments("example.com..", 12, 13, "empty label"),
                arguments("-a.example", 0, 1, "label starts or ends with a hyphen"),
                arguments("a-.example", 1, 2, "label starts or ends with a hyphen"),
                arguments("a_b.example", 1, 2, "character '_' is not a letter, digit, hyphen or dot"),
                arguments("a b", 1, 2, "character space is not a letter, digit, hyphen or dot"),
                arguments("a.b\u0000", 3, 4, "character U+0000 is not a letter, digit, hyphen or dot"),
                arguments("mail*.example", 4, 5, "character '*' is not a letter, digit, hyphen or dot"),
                arguments(L63 + "a.example", 63, 64, "label longer than 63 characters"),
                arguments(name253() + "a", 253, 254, "name longer than 253 characters"),
                arguments("xn--.example", 3, 4, "label starts or ends with a hyphen"),
                arguments("mx.XN--ZZZ-.example", 10, 11, "label starts or ends with a hyphen"),
                arguments("a.xn--a.example", 2, 3, "'xn--a' is not a valid A-label"),
                arguments("bü_cher.example", 2, 3, "character '_' is not a letter, digit, hyphen or dot"),
                arguments("ok.-bü.example", 3, 4, "label starts or ends with a hyphen"),
                arguments("ok.bü-.example", 5, 6, "label starts or ends with a hyphen"),
                arguments("ok..bü", 3, 4, "empty label"),
                arguments("ok.xn--bü.example", 3, 4,
                        "label cannot be converted to an A-label: The input starts with the ACE Prefix"),
                arguments("\u2028ü.example", 0, 1, "label cannot be converted to an A-label: "
                        + "A prohibited code point was found in the input\\u2028\\u00fc"),
                arguments("ok." + "ü".repeat(60) + ".example", 3, 4,
                        "label cannot be converted to an A-label: The label in the input is too long"),
                arguments(("ü" + "a".repeat(40) + ".").repeat(5) + "ü" + "a".repeat(40), 210, 211,
                        "name longer than 253 characters after conversion to A-labels"));
    }

    @ParameterizedTest(name = "RFC 5321 §4.1.2: {0}")
    @MethodSource("invalidNames")
    void rejectsInvalidNamesWithPosition(String input, int offset, int column, String detail) {
        SyntaxError e = invalid(DomainName.parse(input));
        assertError(e, SyntaxError.Kind.DOMAIN_SYNTAX, offset, 1, column);
        assertThat(e.detail()).isEqualTo(detail);
        assertThat(e.rule()).isEqualTo("RFC 5321 §4.1.2");
        assertThat(DomainName.isValid(input)).isFalse();
    }

    @Test
    @DisplayName("RFC 5321 §4.1.2: of() throws an IllegalArgumentException naming the input and the problem")
    void ofThrowsWithPrintableInput() {
        assertThatThrownBy(() -> DomainName.of("bad_host\n.example"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid domain name 'bad_host\\u000a.example': line 1, column 4: "
                        + "character '_' is not a letter, digit, hyphen or dot (RFC 5321 §4.1.2)");
        assertThatThrownBy(() -> DomainName.of(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> DomainName.parse(null)).isInstanceOf(NullPointerException.class).hasMessage("text");
    }

    @Test
    @DisplayName("RFC 8461 §3.1, §3.2, RFC 8460 §3: the names derived from a policy domain")
    void derivedNames() {
        DomainName d = DomainName.of("Example.COM.");
        assertThat(d.policyHost()).isEqualTo("mta-sts.example.com");
        assertThat(d.stsRecordName()).isEqualTo("_mta-sts.example.com");
        assertThat(d.tlsRptRecordName()).isEqualTo("_smtp._tls.example.com");
        DomainName idn = DomainName.of("bücher.example");
        assertThat(idn.policyHost()).isEqualTo("mta-sts.xn--bcher-kva.example");
        assertThat(idn.unicode()).isEqualTo("bücher.example");
    }

    @Test
    void labelsParentsAndSubdomains() {
        DomainName name = DomainName.of("a.b.example.com");
        assertThat(name.labelCount()).isEqualTo(4);
        assertThat(name.firstLabel()).isEqualTo("a");
        assertThat(name.parent()).isEqualTo(DomainName.of("b.example.com"));
        assertThat(DomainName.of("com").parent()).isNull();
        assertThat(DomainName.of("com").labelCount()).isEqualTo(1);
        assertThat(DomainName.of("com").firstLabel()).isEqualTo("com");
        assertThat(name.isSubdomainOf(DomainName.of("example.com"))).isTrue();
        assertThat(name.isSubdomainOf(DomainName.of("com"))).isTrue();
        assertThat(name.isSubdomainOf(name)).isFalse();
        assertThat(DomainName.of("mailexample.com").isSubdomainOf(DomainName.of("example.com"))).isFalse();
        assertThat(DomainName.of("example.com").isSubdomainOf(DomainName.of("a.example.com"))).isFalse();
        assertThat(name.hasParent(DomainName.of("b.example.com"))).isTrue();
        assertThat(name.hasParent(DomainName.of("example.com"))).isFalse();
        assertThat(DomainName.of("com").hasParent(DomainName.of("com"))).isFalse();
    }

    @Test
    void equalityHashAndOrder() {
        DomainName a = DomainName.of("A.example");
        DomainName b = DomainName.of("a.EXAMPLE.");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo("a.example").isNotEqualTo(null);
        assertThat(a.compareTo(b)).isZero();
        assertThat(List.of(DomainName.of("b.example"), DomainName.of("a.example")).stream().sorted())
                .containsExactly(DomainName.of("a.example"), DomainName.of("b.example"));
    }

    @Property
    @Label("RFC 8461 §4.1: parsing never throws, and errors point inside the input")
    void parseNeverThrows(@ForAll("anyText") String text) {
        ParseResult<DomainName> result = DomainName.parse(text);
        if (result instanceof ParseResult.Valid<DomainName> v) {
            String name = v.value().ascii();
            assertThat(name.length()).isBetween(1, DomainName.MAX_LENGTH);
            assertThat(name).matches("[a-z0-9.-]+");
            assertThat(DomainName.parse(name).orElseThrow()).isEqualTo(v.value());
        } else {
            SyntaxError e = invalid(result);
            assertThat(e.offset()).isLessThanOrEqualTo(text.length());
            assertThat(e.line()).isEqualTo(1);
            assertThat(e.column()).isLessThanOrEqualTo(text.codePointCount(0, text.length()) + 1);
            TestSupport.assertSafeMessage(e);
        }
    }

    @Property
    @Label("RFC 5321 §4.1.2: isValid, which allocates nothing for ASCII names, agrees with parse")
    void isValidAgreesWithParse(@ForAll("anyText") String text) {
        assertThat(DomainName.isValid(text)).isEqualTo(DomainName.parse(text).isValid());
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40),
                CoreArbitraries.tokenSoup("example", "com", "\u3002", "Bücher", "xn--bcher-kva", "aa--bb"),
                CoreArbitraries.domainName().map(d -> d.ascii().toUpperCase(java.util.Locale.ROOT) + "."));
    }

    @Property
    @Label("RFC 8461 §4.1: upper case and a trailing dot never change a name")
    void caseAndTrailingDotAreIgnored(@ForAll("names") DomainName name) {
        assertThat(DomainName.of(name.ascii().toUpperCase(java.util.Locale.ROOT) + ".")).isEqualTo(name);
        assertThat(DomainName.of(name.toString())).isEqualTo(name);
    }

    @Provide
    Arbitrary<DomainName> names() {
        return CoreArbitraries.domainName();
    }
}
