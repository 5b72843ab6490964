package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

class StsPolicyTest {

    private static final StsPolicy ENFORCE = StsPolicy.builder().mode(PolicyMode.ENFORCE)
            .mx("mx1.example.com").mx("*.mail.example.com").maxAge(86_400).build();

    @Test
    @DisplayName("RFC 8461 §3.2: toText() writes the canonical CRLF form, toLines() the same lines")
    void canonicalText() {
        StsPolicy p = ENFORCE.newBuilder().extension("note", "see https://x.example/ Grüße").build();
        assertThat(p.toText()).isEqualTo("version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\n"
                + "mx: *.mail.example.com\r\nmax_age: 86400\r\nnote: see https://x.example/ Grüße\r\n");
        assertThat(p.toLines()).containsExactly("version: STSv1", "mode: enforce", "mx: mx1.example.com",
                "mx: *.mail.example.com", "max_age: 86400", "note: see https://x.example/ Grüße");
        assertThat(StsPolicy.parse(p.toText()).orElseThrow()).isEqualTo(p);
        assertThat(StsPolicy.parse(p.toText().getBytes(StandardCharsets.UTF_8)).orElseThrow()).isEqualTo(p);
        assertThat(StsPolicy.builder().mode(PolicyMode.NONE).maxAge(0).build().toText())
                .isEqualTo("version: STSv1\r\nmode: none\r\nmax_age: 0\r\n");
    }

    static Stream<Arguments> matching() {
        return Stream.of(
                arguments("mx1.example.com", true),
                arguments("MX1.EXAMPLE.COM.", true),
                arguments("a.mail.example.com", true),
                arguments("mail.example.com", false),
                arguments("a.b.mail.example.com", false),
                arguments("mx2.example.com", false),
                arguments("mx1.example.com.evil.org", false));
    }

    @ParameterizedTest(name = "RFC 8461 §4.1: {0} -> {1}")
    @MethodSource("matching")
    void matchesAnyPattern(String host, boolean expected) {
        assertThat(ENFORCE.matches(DomainName.of(host))).isEqualTo(expected);
    }

    @Test
    @DisplayName("RFC 8461 §3.2: the builder's defaults are mode testing and one week")
    void builderDefaults() {
        StsPolicy p = StsPolicy.builder().mx("mx.example.com").build();
        assertThat(p.mode()).isEqualTo(PolicyMode.TESTING);
        assertThat(p.maxAge()).isEqualTo(604_800L);
        assertThat(p.maxAgeDuration()).isEqualTo(Duration.ofDays(7));
        assertThat(p.extensions()).isEmpty();
    }

    @Test
    @DisplayName("RFC 8461 §3.2: the builder checks every value as the parser would, and misuse is an ISE")
    void builderValidates() {
        assertThatThrownBy(() -> StsPolicy.builder().mode(PolicyMode.ENFORCE).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a policy in mode enforce needs at least one mx: call mx(...) before build()");
        assertThatThrownBy(() -> StsPolicy.builder().mx("a.example").clearMx().build())
                .isInstanceOf(IllegalStateException.class);
        assertThat(StsPolicy.builder().mode(PolicyMode.NONE).build().mx()).isEmpty();
        assertThatThrownBy(() -> StsPolicy.builder().mx("*.*.example")).isInstanceOf(SyntaxErrorException.class)
                .hasMessage("line 1, column 3: a wildcard must be the whole leftmost label, followed by '.' "
                        + "(RFC 8461 §3.2)");
        assertThatThrownBy(() -> StsPolicy.builder().maxAge(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_age -1 is outside 0..31557600 (RFC 8461 §3.2)");
        assertThatThrownBy(() -> StsPolicy.builder().maxAge(StsPolicy.MAX_AGE_LIMIT + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(StsPolicy.builder().maxAge(Duration.ofSeconds(StsPolicy.MAX_AGE_LIMIT)).mx("a.example").build()
                .maxAge()).isEqualTo(StsPolicy.MAX_AGE_LIMIT);
        assertThatThrownBy(() -> StsPolicy.builder().maxAge((Duration) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("maxAge");
        assertThatThrownBy(() -> StsPolicy.builder().mode(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("mode");
        assertThatThrownBy(() -> StsPolicy.builder().mx((MxPattern) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> StsPolicy.builder().extension("mode", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extension mode=x: 'mode' is a defined field, not an extension (RFC 8461 §3.2)");
        assertThatThrownBy(() -> StsPolicy.builder().extension("_x", "1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extension _x=1: invalid field name (RFC 8461 §3.2)");
        assertThatThrownBy(() -> StsPolicy.builder().extension("x", " 1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extension x= 1: value holds space at index 0 (RFC 8461 §3.2)");
        assertThatThrownBy(() -> StsPolicy.builder().extension("x", "a\tb"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extension x=a\\u0009b: value holds tab at index 1 (RFC 8461 §3.2)");
        assertThatThrownBy(() -> StsPolicy.builder().extension("x", "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extension x=: empty value (RFC 8461 §3.2)");
        assertThatThrownBy(() -> StsPolicy.builder().extension("x", "1").extension("x", "2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("extension x was already added");
    }

    @Test
    @DisplayName("RFC 8461 §3.2: the record validates its components")
    void constructorValidates() {
        List<MxPattern> mx = List.of(MxPattern.of("a.example"));
        assertThatThrownBy(() -> new StsPolicy(PolicyMode.TESTING, List.of(), 1, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a policy in mode testing needs at least one mx (RFC 8461 §3.2)");
        assertThatThrownBy(() -> new StsPolicy(PolicyMode.TESTING, mx, StsPolicy.MAX_AGE_LIMIT + 1, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_age 31557601 is outside 0..31557600 (RFC 8461 §3.2)");
        assertThatThrownBy(() -> new StsPolicy(PolicyMode.TESTING, mx, 1,
                List.of(new Extension("x", "1"), new Extension("x", "2"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("duplicate extension x");
        assertThatThrownBy(() -> new StsPolicy(PolicyMode.TESTING, mx, 1, List.of(new Extension("max_age", "1"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StsPolicy(null, mx, 1, List.of())).isInstanceOf(NullPointerException.class)
                .hasMessage("mode");
        List<MxPattern> mutable = new ArrayList<>(mx);
        StsPolicy p = new StsPolicy(PolicyMode.TESTING, mutable, 1, List.of());
        mutable.clear();
        assertThat(p.mx()).hasSize(1);
    }

    @Test
    @DisplayName("RFC 8461 §3.2, §5: PolicyMode tokens are exact and case-sensitive")
    void modeTokens() {
        assertThat(PolicyMode.fromToken("enforce")).contains(PolicyMode.ENFORCE);
        assertThat(PolicyMode.fromToken("testing")).contains(PolicyMode.TESTING);
        assertThat(PolicyMode.fromToken("none")).contains(PolicyMode.NONE);
        assertThat(PolicyMode.fromToken("Enforce")).isEmpty();
        assertThat(PolicyMode.fromToken("enforce ")).isEmpty();
        assertThat(PolicyMode.ENFORCE.token()).isEqualTo("enforce").isEqualTo(PolicyMode.ENFORCE.toString());
    }

    @Property(tries = 300)
    @Label("RFC 8461 §3.2: parse(p.toText()) equals p, with LF, CRLF, mixed terminators and any WSP")
    void roundTrip(@ForAll("policies") StsPolicy policy, @ForAll long formattingSeed) {
        assertThat(StsPolicy.parse(policy.toText()).orElseThrow()).isEqualTo(policy);
        assertThat(StsPolicy.parse(policy.toText().getBytes(StandardCharsets.UTF_8)).orElseThrow()).isEqualTo(policy);
        String variant = reformat(policy.toLines(), new Random(formattingSeed));
        ParseResult<StsPolicy> parsed = StsPolicy.parse(variant);
        assertThat(parsed.orElseThrow()).as("%s", variant).isEqualTo(policy);
        assertThat(StsPolicy.parse(variant.getBytes(StandardCharsets.UTF_8)).orElseThrow()).isEqualTo(policy);
    }

    /** Writes the lines with random terminators, WSP after ':' and after the value, maybe no final terminator. */
    static String reformat(List<String> lines, Random random) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int colon = line.indexOf(':');
            out.append(line, 0, colon + 1);
            out.append(List.of("", " ", "\t", "  \t ").get(random.nextInt(4)));
            out.append(line, colon + 2, line.length());
            out.append(List.of("", "", " ", "\t ").get(random.nextInt(4)));
            boolean last = i == lines.size() - 1;
            if (!last || random.nextBoolean()) {
                out.append(random.nextBoolean() ? "\n" : "\r\n");
            }
        }
        return out.toString();
    }

    @Provide
    Arbitrary<StsPolicy> policies() {
        return CoreArbitraries.policy();
    }

    @Property(tries = 200)
    @Label("RFC 8461 §3.2: StsPolicy.builder() writes exactly what the parser accepts")
    void builderOutputParses(@ForAll("policies") StsPolicy policy) {
        StsPolicy.Builder builder = StsPolicy.builder().mode(policy.mode()).maxAge(policy.maxAge());
        policy.mx().forEach(p -> builder.mx(p.toText()));
        policy.extensions().forEach(e -> builder.extension(e.name(), e.value()));
        StsPolicy built = builder.build();
        assertThat(built).isEqualTo(policy).isEqualTo(policy.newBuilder().build());
        assertThat(StsPolicy.parse(built.toText()).orElseThrow()).isEqualTo(built);
    }

    @Property(tries = 300)
    @Label("RFC 8461 §3.2: the lenient parser accepts everything the strict one does, with the same value")
    void lenientAcceptsWhatStrictAccepts(@ForAll("policyLike") String body) {
        ParseResult<StsPolicy> strict = PolicyParser.strict().parse(body);
        if (strict.isValid()) {
            assertThat(PolicyParser.lenient().parse(body)).isEqualTo(strict);
        }
    }

    @Property(tries = 400)
    @Label("RFC 8461 §3.2: parsing text never throws, and errors point inside the input")
    void parseTextNeverThrows(@ForAll("policyLike") String body) {
        for (PolicyParser parser : List.of(PolicyParser.strict(), PolicyParser.lenient())) {
            ParseResult<StsPolicy> result = parser.parse(body);
            if (!result.isValid()) {
                SyntaxError e = result.syntaxError().orElseThrow();
                assertThat(e.kind().code()).startsWith("policy-");
                assertInside(e, body, e.offset());
            }
        }
    }

    @Property(tries = 400)
    @Label("RFC 8461 §3.2: parsing bytes never throws; offsets are byte offsets inside the input")
    void parseBytesNeverThrows(@ForAll("policyBytes") byte[] body) {
        for (PolicyParser parser : List.of(PolicyParser.strict(), PolicyParser.lenient())) {
            ParseResult<StsPolicy> result = parser.parse(body);
            if (!result.isValid()) {
                SyntaxError e = result.syntaxError().orElseThrow();
                assertThat(e.offset()).isBetween(0, body.length);
                if (e.kind() == SyntaxError.Kind.POLICY_ENCODING) {
                    // The offending byte is where the valid UTF-8 prefix ends.
                    assertThat(e.offset()).isLessThan(body.length);
                    assertThat(e.detail()).contains(String.format("byte 0x%02X at offset %d", body[e.offset()] & 0xFF,
                            e.offset()));
                } else {
                    if (e.offset() < body.length) {
                        // Any other offset is the first byte of a character, never a continuation byte.
                        assertThat(body[e.offset()] & 0xC0).as("byte at %s", e.offset()).isNotEqualTo(0x80);
                    }
                    String text = new String(body, StandardCharsets.UTF_8);
                    int chars = new String(body, 0, e.offset(), StandardCharsets.UTF_8).length();
                    assertInside(e, text, chars);
                }
                TestSupport.assertSafeMessage(e);
            }
        }
    }

    /** Line and column name a real place: at most one line past the last terminator, within the line. */
    private static void assertInside(SyntaxError e, String text, int charOffset) {
        assertThat(charOffset).isBetween(0, text.length());
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < charOffset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        assertThat(e.line()).as("line of %s", e).isEqualTo(line);
        assertThat(e.column()).as("column of %s", e).isEqualTo(text.codePointCount(lineStart, charOffset) + 1);
        TestSupport.assertSafeMessage(e);
    }

    @Provide
    Arbitrary<String> policyLike() {
        Arbitrary<String> mutated = Combinators.combine(CoreArbitraries.policy(), Arbitraries.longs(),
                        CoreArbitraries.tokenSoup("version", "mode", "mx", "max_age", "STSv1", "enforce", "none"))
                .as((p, seed, insert) -> mutate(reformat(p.toLines(), new Random(seed)), new Random(seed), insert));
        return Arbitraries.oneOf(mutated, Arbitraries.strings().ofMaxLength(60),
                CoreArbitraries.tokenSoup("version: STSv1\n", "mode: enforce\n", "mx: a.example\n", "max_age: 1\n",
                        "mode", "version", "max_age", "x: y", "\r\n", "\n\n"));
    }

    /** Replaces, deletes or inserts text at one random place. */
    private static String mutate(String text, Random random, String insert) {
        if (text.isEmpty()) {
            return insert;
        }
        int at = random.nextInt(text.length());
        return switch (random.nextInt(3)) {
            case 0 -> text.substring(0, at) + insert + text.substring(at);
            case 1 -> text.substring(0, at) + text.substring(Math.min(text.length(), at + 1 + random.nextInt(4)));
            default -> text.substring(0, at) + insert + text.substring(Math.min(text.length(), at + 1));
        };
    }

    @Provide
    Arbitrary<byte[]> policyBytes() {
        Arbitrary<byte[]> mutated = Combinators.combine(CoreArbitraries.policy(), Arbitraries.longs(),
                        Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(3))
                .as((p, seed, insert) -> {
                    byte[] body = reformat(p.toLines(), new Random(seed)).getBytes(StandardCharsets.UTF_8);
                    Random random = new Random(seed);
                    int at = random.nextInt(body.length + 1);
                    byte[] out = new byte[body.length + insert.length];
                    System.arraycopy(body, 0, out, 0, at);
                    System.arraycopy(insert, 0, out, at, insert.length);
                    System.arraycopy(body, at, out, at + insert.length, body.length - at);
                    return out;
                });
        return Arbitraries.oneOf(mutated, Arbitraries.bytes().array(byte[].class).ofMaxSize(60),
                policyLike().map(s -> s.getBytes(StandardCharsets.UTF_8)));
    }
}
