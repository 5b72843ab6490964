package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.mtasts.core.TestSupport.assertError;
import static org.mtasts.core.TestSupport.invalid;
import static org.mtasts.core.TestSupport.valid;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TlsRptRecordTest {

    private static final String NAME32 = "a1234567890123456789012345678901";

    static Stream<Arguments> validRecords() {
        return Stream.of(
                arguments("v=TLSRPTv1; rua=mailto:tlsrpt@example.com", List.of("mailto:tlsrpt@example.com"),
                        List.of()),
                arguments("v=TLSRPTv1;rua=mailto:reports@example.com", List.of("mailto:reports@example.com"),
                        List.of()),
                arguments("v=TLSRPTv1; rua=mailto:tlsrpt@mox.example;", List.of("mailto:tlsrpt@mox.example"),
                        List.of()),
                arguments("v=TLSRPTv1; rua=mailto:tlsrpt@mox.example , \t\t https://mox.example/tlsrpt",
                        List.of("mailto:tlsrpt@mox.example", "https://mox.example/tlsrpt"), List.of()),
                arguments("v=TLSRPTv1 ; rua=mailto:x@x.example; rua=mailto:y@x.example",
                        List.of("mailto:x@x.example", "mailto:y@x.example"), List.of()),
                arguments("v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com,mailto:c@example.com",
                        List.of("mailto:a@example.com", "mailto:b@example.com", "mailto:c@example.com"), List.of()),
                arguments("v=TLSRPTv1; rua=mailto:tls%2Creports@x.example", List.of("mailto:tls,reports@x.example"),
                        List.of()),
                arguments("v=TLSRPTv1; rua=https://r.example/a%21b%3bc%2c", List.of("https://r.example/a!b;c,"),
                        List.of()),
                arguments("v=TLSRPTv1; rua=https://r.example/a%2Fb", List.of("https://r.example/a%2Fb"), List.of()),
                arguments("v=TLSRPTv1; rua=MAILTO:tlsrpt@example.com,HTTPS://example.com/tlsrpt",
                        List.of("MAILTO:tlsrpt@example.com", "HTTPS://example.com/tlsrpt"), List.of()),
                arguments("v=TLSRPTv1; rua=https://r.example/v1/tlsrpt; ext=extvalue",
                        List.of("https://r.example/v1/tlsrpt"), List.of(new Extension("ext", "extvalue"))),
                arguments("v=TLSRPTv1; rua=mailto:a@example.com; " + NAME32 + "=x", List.of("mailto:a@example.com"),
                        List.of(new Extension(NAME32, "x"))),
                arguments("v=TLSRPTv1; ext=1; rua=mailto:a@example.com", List.of("mailto:a@example.com"),
                        List.of(new Extension("ext", "1"))),
                arguments("v=TLSRPTv1;\t rua=mailto:a@example.com \t;\t rua=mailto:b@example.com \t; \t",
                        List.of("mailto:a@example.com", "mailto:b@example.com"), List.of()),
                arguments("v=TLSRPTv1; rua=https://example.com/tlsrpt!report",
                        List.of("https://example.com/tlsrpt!report"), List.of()));
    }

    @ParameterizedTest(name = "RFC 8460 §3: {0}")
    @MethodSource("validRecords")
    void parsesValidRecords(String text, List<String> uris, List<Extension> extensions) {
        ParseResult<TlsRptRecord> result = TlsRptRecord.parse(text);
        TlsRptRecord record = valid(result);
        assertThat(record.rua()).extracting(ReportUri::uri).isEqualTo(uris);
        assertThat(record.extensions()).isEqualTo(extensions);
        assertThat(((ParseResult.Valid<TlsRptRecord>) result).warnings()).isEmpty();
        assertThat(TlsRptRecord.parse(record.toText()).orElseThrow()).isEqualTo(record);
    }

    @Test
    @DisplayName("RFC 8460 §3: ',' '!' ';' are decoded from %2C %21 %3B and encoded again by toText()")
    void escapesAreDecodedAndReEncoded() {
        TlsRptRecord record = TlsRptRecord.parse(
                "v=TLSRPTv1; rua=mailto:tls%2creports@x.example,https://r.example/a%21b%3Bc").orElseThrow();
        assertThat(record.rua()).extracting(ReportUri::uri)
                .containsExactly("mailto:tls,reports@x.example", "https://r.example/a!b;c");
        assertThat(((ReportUri.Mailto) record.rua().get(0)).address()).isEqualTo("tls,reports@x.example");
        assertThat(record.toText())
                .isEqualTo("v=TLSRPTv1; rua=mailto:tls%2Creports@x.example,https://r.example/a%21b%3Bc");
        assertThat(TlsRptRecord.of("mailto:a,b@x.example", "https://r.example/x;y!z").toText())
                .isEqualTo("v=TLSRPTv1; rua=mailto:a%2Cb@x.example,https://r.example/x%3By%21z");
    }

    @Test
    @DisplayName("RFC 8460 §3: several rua fields are merged in published order; toText() writes one")
    void severalRuaFieldsAreMerged() {
        TlsRptRecord record = TlsRptRecord.parse(
                "v=TLSRPTv1; rua=mailto:a@example.com; x=1; rua=https://r.example/t,mailto:b@example.com")
                .orElseThrow();
        assertThat(record.rua()).extracting(ReportUri::uri)
                .containsExactly("mailto:a@example.com", "https://r.example/t", "mailto:b@example.com");
        assertThat(record.toText()).isEqualTo(
                "v=TLSRPTv1; rua=mailto:a@example.com,https://r.example/t,mailto:b@example.com; x=1");
    }

    @Test
    @DisplayName("RFC 8460 §3: an unsupported scheme is kept, and hasSupportedTarget() says whether any is usable")
    void unsupportedSchemesAreKept() {
        TlsRptRecord onlyUnsupported = TlsRptRecord.parse(
                "v=TLSRPTv1; rua=ftp://example.com/tlsrpt,http://example.com/tlsrpt").orElseThrow();
        assertThat(onlyUnsupported.rua()).allMatch(u -> u instanceof ReportUri.Unsupported);
        assertThat(onlyUnsupported.rua()).extracting(ReportUri::scheme).containsExactly("ftp", "http");
        assertThat(onlyUnsupported.hasSupportedTarget()).isFalse();
        ParseResult.Valid<TlsRptRecord> parsed = (ParseResult.Valid<TlsRptRecord>) TlsRptRecord.parse(
                "v=TLSRPTv1; rua=ftp://example.com/tlsrpt,http://example.com/tlsrpt");
        assertThat(parsed.warnings()).containsExactly(new ParseWarning(ParseWarning.NO_SUPPORTED_RUA, "RFC 8460 §3", 1,
                17, "no rua URI uses mailto: or https:, so no report can be delivered"));
        TlsRptRecord mixed = TlsRptRecord.parse(
                "v=TLSRPTv1; rua=ftp://example.com/tlsrpt,http://example.com/tlsrpt,mailto:tlsrpt@example.com")
                .orElseThrow();
        assertThat(mixed.hasSupportedTarget()).isTrue();
        assertThat(((ParseResult.Valid<TlsRptRecord>) TlsRptRecord.parse(mixed.toText())).warnings()).isEmpty();
        assertThat(TlsRptRecord.of("https://r.example/").hasSupportedTarget()).isTrue();
    }

    @Test
    @DisplayName("RFC 8460 §3: extensions are kept; a repeated one is reported and the first counts")
    void extensions() {
        String text = "v=TLSRPTv1; rua=mailto:a@example.com; x.y-z_1=!:,; x.y-z_1=2";
        ParseResult.Valid<TlsRptRecord> result = (ParseResult.Valid<TlsRptRecord>) TlsRptRecord.parse(text);
        assertThat(result.value().extensions()).containsExactly(new Extension("x.y-z_1", "!:,"));
        assertThat(result.warnings()).containsExactly(new ParseWarning(ParseWarning.DUPLICATE_FIELD, "RFC 8460 §3", 1,
                text.lastIndexOf("x.y-z_1") + 1, "repeated 'x.y-z_1' ignored: the first one counts"));
    }

    @Test
    @DisplayName("RFC 8460 §3: trailing WSP without ';' is outside the ABNF: accepted with a warning")
    void trailingWhitespaceIsAcceptedWithAWarning() {
        ParseResult.Valid<TlsRptRecord> r = (ParseResult.Valid<TlsRptRecord>) TlsRptRecord.parse(
                "v=TLSRPTv1; rua=mailto:a@example.com  ");
        assertThat(r.value()).isEqualTo(TlsRptRecord.of("mailto:a@example.com"));
        assertThat(r.warnings()).extracting(ParseWarning::code, ParseWarning::column)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ParseWarning.TRAILING_WHITESPACE, 37));
    }

    static Stream<Arguments> notTlsRptRecords() {
        return Stream.of(
                arguments("v=TLSRPTv1", 10),
                arguments("v=TLSRPTv1 ", 11),
                arguments("v=TLSRPTv1 rua=mailto:a@example.com", 11),
                arguments("v=TLSRPTv10", 10),
                arguments("v=TLSRPTv10; rua=mailto:tlsrpt@example.com", 10),
                arguments("v=TLSRPTv0", 9),
                arguments("v=TLSRPTv2", 9),
                arguments("V=TLSRPTv1; rua=mailto:tlsrpt@example.com", 0),
                arguments("v=tlsrptv1; rua=mailto:tlsrpt@example.com", 2),
                arguments(" v=TLSRPTv1; rua=mailto:tlsrpt@example.com", 0),
                arguments("rua=mailto:tlsrpt@example.com", 0),
                arguments("v= TLSRPTv1; rua=mailto:tlsrpt@example.com", 2),
                arguments("v =TLSRPTv1; rua=mailto:tlsrpt@example.com", 1),
                arguments("v=STSv1; id=1", 2),
                arguments("v=spf1 -all", 2),
                arguments("", 0));
    }

    @ParameterizedTest(name = "RFC 8460 §3: not a TLSRPT record: {0}")
    @MethodSource("notTlsRptRecords")
    void otherRecordsAreNotApplicable(String text, int offset) {
        ParseResult<TlsRptRecord> result = TlsRptRecord.parse(text);
        assertThat(result.kind()).isEqualTo(ParseResult.Kind.NOT_APPLICABLE);
        SyntaxError reason = result.syntaxError().orElseThrow();
        assertError(reason, SyntaxError.Kind.TLSRPT_RECORD_NOT_TLSRPT, offset, 1, offset + 1);
        assertThat(reason.detail()).isEqualTo(text.startsWith("v=TLSRPTv1") && (text.length() == 10 || text.charAt(10) == ' ')
                ? "not a TLSRPT record: 'v=TLSRPTv1' is not followed by ';', and records that do not begin with "
                        + "'v=TLSRPTv1;' are discarded"
                : "not a TLSRPT record: it must start with 'v=TLSRPTv1;'");
    }

    static Stream<Arguments> invalidRecords() {
        return Stream.of(
                arguments("v=TLSRPTv1;", SyntaxError.Kind.TLSRPT_RECORD_MISSING_RUA, 11,
                        "the record has no 'rua' field"),
                arguments("v=TLSRPTv1; ext=1", SyntaxError.Kind.TLSRPT_RECORD_MISSING_RUA, 17,
                        "the record has no 'rua' field"),
                arguments("v=TLSRPTv1; RUA=mailto:tlsrpt@example.com", SyntaxError.Kind.TLSRPT_RECORD_MISSING_RUA,
                        41, "the record has no 'rua' field"),
                arguments("v=TLSRPTv1; rua=", SyntaxError.Kind.TLSRPT_RECORD_INVALID_URI, 16, "empty URI in rua"),
                arguments("v=TLSRPTv1; rua=;", SyntaxError.Kind.TLSRPT_RECORD_INVALID_URI, 16, "empty URI in rua"),
                arguments("v=TLSRPTv1; rua=,, ,", SyntaxError.Kind.TLSRPT_RECORD_INVALID_URI, 16, "empty URI in rua"),
                arguments("v=TLSRPTv1; rua=mailto:a@example.com,", SyntaxError.Kind.TLSRPT_RECORD_INVALID_URI, 37,
                        "empty URI in rua"),
                arguments("v=TLSRPTv1; rua=mailto:a@example.com, ,mailto:b@example.com",
                        SyntaxError.Kind.TLSRPT_RECORD_INVALID_URI, 38, "empty URI in rua"),
                arguments("v=TLSRPTv1; rua= mailto:tlsrpt@example.com", SyntaxError.Kind.TLSRPT_RECORD_INVALID_URI,
                        16, "empty URI in rua"),
                arguments("v=TLSRPTv1; rua=noscheme", SyntaxError.Kind.TLSRPT_RECORD_INVALID_URI, 16,
                        "invalid URI in rua: the URI has no scheme"),
                arguments("v=TLSRPTv1; rua=tlsrpt@example.com,mailto:tlsrpt@example.com",
                        SyntaxError.Kind.TLSRPT_RECORD_INVALID_URI, 16, "invalid URI in rua: the URI has no scheme"),
                arguments("v=TLSRPTv1; rua=mailto:a@example.com,!!", SyntaxError.Kind.TLSRPT_RECORD_INVALID_URI, 37,
                        "invalid URI in rua: the URI has no scheme"),
                arguments("v=TLSRPTv1; rua=http://bad/%", SyntaxError.Kind.TLSRPT_RECORD_INVALID_URI, 16,
                        "invalid URI in rua: Malformed escape pair at index 11"),
                arguments("v=TLSRPTv1; rua=https://", SyntaxError.Kind.TLSRPT_RECORD_INVALID_URI, 16,
                        "invalid URI in rua: Expected authority at index 8"),
                arguments("v=TLSRPTv1; rua=mailto:", SyntaxError.Kind.TLSRPT_RECORD_INVALID_URI, 16,
                        "invalid URI in rua: Expected scheme-specific part at index 7"),
                arguments("v=TLSRPTv1; rua=mailto;mtasts@psu.ac.th", SyntaxError.Kind.TLSRPT_RECORD_INVALID_URI, 16,
                        "invalid URI in rua: the URI has no scheme"),
                arguments("v=TLSRPTv1; rua=ruf=mailto:a@example.com", SyntaxError.Kind.TLSRPT_RECORD_INVALID_URI, 16,
                        "invalid URI in rua: Illegal character in scheme name at index 3"),
                arguments("v=TLSRPTv1; rua=mailto:tlsrpt@ex\u00FFample.com", SyntaxError.Kind.TLSRPT_RECORD_NON_ASCII,
                        32, "character U+00FF is not printable US-ASCII"),
                arguments("v=TLSRPTv1; rua=mailto:a@example.com; x=\u0007", SyntaxError.Kind.TLSRPT_RECORD_NON_ASCII,
                        40, "character U+0007 is not printable US-ASCII"),
                arguments("v=TLSRPTv1; rua=mailto:x@x.example other", SyntaxError.Kind.TLSRPT_RECORD_FIELD_SYNTAX, 35,
                        "expected ';' between fields"),
                arguments("v=TLSRPTv1; rua =mailto:a@example.com", SyntaxError.Kind.TLSRPT_RECORD_FIELD_SYNTAX, 15,
                        "expected '=' after the field name"),
                arguments("v=TLSRPTv1; bad", SyntaxError.Kind.TLSRPT_RECORD_FIELD_SYNTAX, 15,
                        "expected '=' after the field name"),
                arguments("v=TLSRPTv1; rua=mailto:x@x.example;;", SyntaxError.Kind.TLSRPT_RECORD_EMPTY_FIELD, 35,
                        "empty field between ';' and ';'"),
                arguments("v=TLSRPTv1;;rua=mailto:tlsrpt@example.com;;", SyntaxError.Kind.TLSRPT_RECORD_EMPTY_FIELD, 11,
                        "empty field between ';' and ';'"),
                arguments("v=TLSRPTv1; rua=mailto:x@x.example; more=", SyntaxError.Kind.TLSRPT_RECORD_EXTENSION_VALUE,
                        41, "extension value is empty"),
                arguments("v=TLSRPTv1; rua=mailto:x@x.example; test==", SyntaxError.Kind.TLSRPT_RECORD_EXTENSION_VALUE,
                        41, "character '=' is not allowed in an extension value"),
                arguments("v=TLSRPTv1; rua=mailto:x@x.example; " + NAME32 + "2=1",
                        SyntaxError.Kind.TLSRPT_RECORD_EXTENSION_NAME, 68, "field name longer than 32 characters"),
                arguments("v=TLSRPTv1; rua=mailto:x@x.example; 1%=a", SyntaxError.Kind.TLSRPT_RECORD_EXTENSION_NAME, 37,
                        "character '%' is not allowed in a field name"),
                arguments("v=TLSRPTv1; rua=mailto:x@x.example; .x=a", SyntaxError.Kind.TLSRPT_RECORD_EXTENSION_NAME, 36,
                        "a field name starts with a letter or digit"));
    }

    @ParameterizedTest(name = "RFC 8460 §3: {0}")
    @MethodSource("invalidRecords")
    void rejectsInvalidRecordsWithPosition(String text, SyntaxError.Kind kind, int offset, String detail) {
        SyntaxError e = invalid(TlsRptRecord.parse(text));
        assertError(e, kind, offset, 1, offset + 1);
        assertThat(e.detail()).isEqualTo(detail);
        assertThat(e.rule()).isEqualTo("RFC 8460 §3");
    }

    @Test
    @DisplayName("RFC 8460 §3: representative error messages")
    void errorMessages() {
        assertThat(invalid(TlsRptRecord.parse("v=TLSRPTv1; rua=,, ,")).toString())
                .isEqualTo("line 1, column 17: empty URI in rua (RFC 8460 §3)");
        assertThat(invalid(TlsRptRecord.parse("v=TLSRPTv1; rua=http://bad/%")).toString()).isEqualTo(
                "line 1, column 17: invalid URI in rua: Malformed escape pair at index 11 (RFC 8460 §3)");
        assertThat(invalid(TlsRptRecord.parse("v=TLSRPTv1; rua=noscheme")).code()).isEqualTo("tlsrpt-record-invalid-uri");
    }

    @Test
    @DisplayName("RFC 8460 §3: the record validates its components")
    void constructorValidates() {
        assertThatThrownBy(() -> TlsRptRecord.of(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a TLSRPT record needs at least one rua URI (RFC 8460 §3)");
        assertThatThrownBy(() -> TlsRptRecord.of("noscheme")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid report URI 'noscheme': the URI has no scheme");
        List<ReportUri> rua = List.of(ReportUri.of("mailto:a@example.com"));
        assertThatThrownBy(() -> new TlsRptRecord(rua, List.of(new Extension("rua", "x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("'rua' is a defined field, not an extension");
        assertThatThrownBy(() -> new TlsRptRecord(rua, List.of(new Extension("x", "a;b"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extension value 'a;b' breaks the ext-value grammar (RFC 8460 §3)");
        assertThatThrownBy(() -> TlsRptRecord.parse(null)).isInstanceOf(NullPointerException.class);
        TlsRptRecord record = TlsRptRecord.of("mailto:a@example.com", "https://r.example/");
        assertThat(record.toString()).isEqualTo(record.toText())
                .isEqualTo("v=TLSRPTv1; rua=mailto:a@example.com,https://r.example/");
    }

    @Property(tries = 300)
    @Label("RFC 8460 §3: parse(r.toText()) equals r, also with rua split into fields and WSP around ','")
    void roundTrip(@ForAll("records") TlsRptRecord record, @ForAll("separators") List<String> separators) {
        assertThat(TlsRptRecord.parse(record.toText()).orElseThrow()).isEqualTo(record);
        // The same record written differently: each URI after the first is joined to the previous one
        // by a ',' (with WSP) or starts a new rua field.
        StringBuilder text = new StringBuilder("v=TLSRPTv1").append(separators.get(0)).append("rua=");
        for (int i = 0; i < record.rua().size(); i++) {
            String sep = separators.get((i + 1) % separators.size());
            if (i > 0) {
                text.append(sep.contains(";") ? sep + "rua=" : sep);
            }
            text.append(record.rua().get(i).uri().replace(",", "%2C").replace("!", "%21").replace(";", "%3b"));
        }
        for (Extension e : record.extensions()) {
            text.append(" ; ").append(e);
        }
        assertThat(TlsRptRecord.parse(text).orElseThrow()).isEqualTo(record);
    }

    @Provide
    Arbitrary<TlsRptRecord> records() {
        return CoreArbitraries.tlsRptRecord();
    }

    @Provide
    Arbitrary<List<String>> separators() {
        return Arbitraries.of(";", "; ", " ; ", ",", " , ", "\t,", ";\t").list().ofMinSize(1).ofMaxSize(4)
                .map(l -> {
                    List<String> out = new ArrayList<>(l);
                    if (!out.get(0).contains(";")) {
                        out.set(0, "; ");
                    }
                    return out;
                });
    }

    @Property(tries = 300)
    @Label("RFC 8460 §3: TlsRptRecord.of(...) writes exactly what the parser accepts")
    void generatedRecordsParse(@ForAll("uris") List<ReportUri> uris) {
        TlsRptRecord record = TlsRptRecord.of(uris);
        assertThat(TlsRptRecord.parse(record.toText()).orElseThrow()).isEqualTo(record);
        String[] texts = uris.stream().map(ReportUri::uri).toArray(String[]::new);
        assertThat(TlsRptRecord.of(texts)).isEqualTo(record);
    }

    @Provide
    Arbitrary<List<ReportUri>> uris() {
        return CoreArbitraries.reportUri().list().ofMinSize(1).ofMaxSize(3);
    }

    @Property(tries = 500)
    @Label("RFC 8460 §3: parsing never throws, and errors point inside the input")
    void parseNeverThrows(@ForAll("anyText") String text) {
        ParseResult<TlsRptRecord> result = TlsRptRecord.parse(text);
        if (!result.isValid()) {
            SyntaxError e = result.syntaxError().orElseThrow();
            assertThat(e.kind().code()).startsWith("tlsrpt-record-");
            assertThat(e.offset()).isBetween(0, text.length());
            assertThat(e.line()).isEqualTo(1);
            assertThat(e.column()).isEqualTo(text.codePointCount(0, e.offset()) + 1);
            TestSupport.assertSafeMessage(e);
        }
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40), recordLike(),
                CoreArbitraries.tokenSoup("v=TLSRPTv1", "rua=", "mailto:", "https://", "%21", "%3B", "@"));
    }

    private static final List<String> GOOD_URIS = List.of("mailto:a@example.com", "https://r.example/t",
            "ftp://h.example/x", "urn:x:y", "mailto:a%2Cb@x.example", "HTTPS://R.example/%21");
    private static final List<String> BAD_URIS = List.of("noscheme", "mailto:", "https://", "http://bad/%", "", "a@b");

    /** Mostly well-formed records; URIs from two fixed lists, one valid and one not. */
    private static Arbitrary<String> recordLike() {
        Arbitrary<String> uri = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(GOOD_URIS)),
                Tuple.of(1, Arbitraries.of(BAD_URIS)));
        Arbitrary<String> comma = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(",", " , ", "\t,")),
                Tuple.of(1, Arbitraries.of(",,", " ", ";")));
        Arbitrary<String> rua = Combinators.combine(uri, Combinators.combine(comma, uri).as((c, u) -> c + u)
                        .list().ofMaxSize(2).map(l -> String.join("", l)))
                .as((first, rest) -> "rua=" + first + rest);
        Arbitrary<String> soup = Arbitraries.of("rua", "=", ";", " ", "a", "-", "_", "é", "\u0000", "!", ",")
                .list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("", l));
        Arbitrary<String> field = Arbitraries.frequencyOf(
                Tuple.of(5, rua),
                Tuple.of(3, Combinators.combine(CoreArbitraries.extensionName(), CoreArbitraries.recordExtensionValue())
                        .as((n, v) -> n + "=" + v)),
                Tuple.of(1, Arbitraries.of(NAME32 + "x=1", "x=", "rua ", "RUA=mailto:a@example.com")),
                Tuple.of(1, soup));
        Arbitrary<String> delimiter = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of(";", "; ", " ;", "\t;\t")),
                Tuple.of(1, Arbitraries.of(";;", " ")));
        Arbitrary<String> fields = Combinators.combine(delimiter, field).as((d, f) -> d + f)
                .list().ofMaxSize(3).map(l -> String.join("", l));
        Arbitrary<String> prefix = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("v=TLSRPTv1")),
                Tuple.of(1, Arbitraries.of("v=TLSRPTv10", "v=TLSRPT", "")));
        return Combinators.combine(prefix, fields, Arbitraries.of("", "", ";", " ", ";;"))
                .as((p, f, e) -> p + f + e);
    }

    /** RFC 8460 §3 as a regular expression, URIs being one of the known-good ones. */
    private static final Pattern TLSRPT_ABNF;
    private static final Pattern HAS_RUA = Pattern.compile(";[ \\t]*rua=");

    static {
        String delim = "[ \\t]*;[ \\t]*";
        String uri = GOOD_URIS.stream().map(Pattern::quote).collect(Collectors.joining("|", "(?:", ")"));
        String rua = "rua=" + uri + "(?:[ \\t]*,[ \\t]*" + uri + ")*";
        String extension = "(?!rua=)[A-Za-z0-9][A-Za-z0-9_.-]{0,31}=[\\x21-\\x3A\\x3C\\x3E-\\x7E]+";
        TLSRPT_ABNF = Pattern.compile("v=TLSRPTv1(?:" + delim + "(?:" + rua + "|" + extension + "))+(?:" + delim
                + ")?[ \\t]*");
    }

    @Property
    @Label("RFC 8460 §3: record parsing agrees with a regular expression for the ABNF")
    void agreesWithRegexReference(@ForAll("recordLikeText") String text) {
        boolean reference = TLSRPT_ABNF.matcher(text).matches() && HAS_RUA.matcher(text).find();
        assertThat(TlsRptRecord.parse(text).isValid()).as("valid(%s)", text).isEqualTo(reference);
        Statistics.collect(reference);
        Statistics.coverage(coverage -> {
            coverage.check(true).percentage(p -> p >= 3);
            coverage.check(false).percentage(p -> p >= 30);
        });
    }

    @Provide
    Arbitrary<String> recordLikeText() {
        return recordLike();
    }
}
