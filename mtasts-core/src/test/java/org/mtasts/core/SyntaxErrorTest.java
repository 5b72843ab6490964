package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SyntaxError, its Kind, ParseResult, ParseWarning and SyntaxErrorException. */
class SyntaxErrorTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(SyntaxError.Kind.class)
    @DisplayName("every kind has a stable kebab-case code and the section of its rule")
    void everyKindCitesItsRule(SyntaxError.Kind kind) {
        assertThat(kind.code()).matches("[a-z0-9]+(-[a-z0-9]+)*")
                .isEqualTo(kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        String expectedRule = kind.code().startsWith("sts-record-") ? "RFC 8461 §3.1"
                : kind.code().startsWith("tlsrpt-record-") ? "RFC 8460 §3"
                : kind.code().startsWith("policy-") ? "RFC 8461 §3.2"
                : "RFC 5321 §4.1.2";
        assertThat(kind.rule()).isEqualTo(expectedRule);
    }

    @Test
    void codesAreUnique() {
        List<String> codes = Arrays.stream(SyntaxError.Kind.values()).map(SyntaxError.Kind::code).toList();
        assertThat(codes).doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("RFC 8461 §3.2: an error reads 'line L, column C: detail (rule)'")
    void formatting() {
        SyntaxError e = new SyntaxError(SyntaxError.Kind.POLICY_MAX_AGE, 40, 3, 10, "max_age has no value");
        assertThat(e.code()).isEqualTo("policy-max-age");
        assertThat(e.rule()).isEqualTo("RFC 8461 §3.2");
        assertThat(e.message()).isEqualTo("max_age has no value (RFC 8461 §3.2)");
        assertThat(e).hasToString("line 3, column 10: max_age has no value (RFC 8461 §3.2)");
        SyntaxErrorException ex = new SyntaxErrorException(e);
        assertThat(ex).isInstanceOf(IllegalArgumentException.class).hasMessage(e.toString());
        assertThat(ex.error()).isSameAs(e);
    }

    @Test
    void positionsAreValidated() {
        assertThatThrownBy(() -> new SyntaxError(SyntaxError.Kind.POLICY_EMPTY, -1, 1, 1, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bad position: offset -1, line 1, column 1");
        assertThatThrownBy(() -> new SyntaxError(SyntaxError.Kind.POLICY_EMPTY, 0, 0, 1, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyntaxError(SyntaxError.Kind.POLICY_EMPTY, 0, 1, 0, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyntaxError(null, 0, 1, 1, "x")).isInstanceOf(NullPointerException.class)
                .hasMessage("kind");
        assertThatThrownBy(() -> new SyntaxError(SyntaxError.Kind.POLICY_EMPTY, 0, 1, 1, null))
                .isInstanceOf(NullPointerException.class).hasMessage("detail");
        assertThatThrownBy(() -> new SyntaxErrorException(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("columns of one-line texts count code points, offsets count chars")
    void columnsCountCodePoints() {
        String text = "a\uD83D\uDE00b";
        SyntaxError e = SyntaxError.atColumn(SyntaxError.Kind.STS_RECORD_NON_ASCII, text, 3, "x");
        assertThat(e.offset()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(3);
        assertThat(SyntaxError.columnOf(text, 4)).isEqualTo(4);
        assertThat(SyntaxError.columnOf("\uDE00\uDE00", 2)).isEqualTo(3);
        assertThat(SyntaxError.columnOf("ab", 5)).isEqualTo(3);
    }

    @Test
    @DisplayName("RFC 8461 §3.1: Valid, Invalid and NotApplicable behave as their kind says")
    void parseResults() {
        ParseWarning w = new ParseWarning(ParseWarning.DUPLICATE_FIELD, "RFC 8461 §3.1", 1, 5, "repeated");
        List<ParseWarning> warnings = new ArrayList<>(List.of(w));
        ParseResult.Valid<String> valid = new ParseResult.Valid<>("v", warnings);
        warnings.clear();
        assertThat(valid.warnings()).containsExactly(w);
        assertThat(valid.kind()).isEqualTo(ParseResult.Kind.VALID);
        assertThat(valid.isValid()).isTrue();
        assertThat(valid.toOptional()).contains("v");
        assertThat(valid.orElseThrow()).isEqualTo("v");
        assertThat(valid.syntaxError()).isEmpty();
        assertThat(new ParseResult.Valid<>("v").warnings()).isEmpty();
        assertThatThrownBy(() -> new ParseResult.Valid<>(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("value");

        SyntaxError e = new SyntaxError(SyntaxError.Kind.STS_RECORD_MISSING_ID, 7, 1, 8, "the record has no 'id' field");
        ParseResult<String> invalid = new ParseResult.Invalid<>(e);
        assertThat(invalid.kind()).isEqualTo(ParseResult.Kind.INVALID);
        assertThat(invalid.isValid()).isFalse();
        assertThat(invalid.toOptional()).isEmpty();
        assertThat(invalid.syntaxError()).contains(e);
        assertThatThrownBy(invalid::orElseThrow).isInstanceOf(SyntaxErrorException.class)
                .hasMessage("line 1, column 8: the record has no 'id' field (RFC 8461 §3.1)")
                .extracting(t -> ((SyntaxErrorException) t).error()).isEqualTo(e);

        SyntaxError reason = new SyntaxError(SyntaxError.Kind.STS_RECORD_NOT_STS, 0, 1, 1, "not an STS record");
        ParseResult<String> na = new ParseResult.NotApplicable<>(reason);
        assertThat(na.kind()).isEqualTo(ParseResult.Kind.NOT_APPLICABLE);
        assertThat(na.isValid()).isFalse();
        assertThat(na.toOptional()).isEmpty();
        assertThat(na.syntaxError()).contains(reason);
        assertThatThrownBy(na::orElseThrow).isInstanceOf(SyntaxErrorException.class);
        assertThatThrownBy(() -> new ParseResult.Invalid<>(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ParseResult.NotApplicable<>(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("RFC 8461 §3.2: a warning reads like an error and validates its position")
    void warnings() {
        ParseWarning w = new ParseWarning(ParseWarning.MAX_AGE_CLAMPED, "RFC 8461 §3.2", 4, 10, "clamped");
        assertThat(w.message()).isEqualTo("clamped (RFC 8461 §3.2)");
        assertThat(w).hasToString("line 4, column 10: clamped (RFC 8461 §3.2)");
        assertThatThrownBy(() -> new ParseWarning("x", "r", 0, 1, "d")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad position: line 0, column 1");
        assertThatThrownBy(() -> new ParseWarning(null, "r", 1, 1, "d")).isInstanceOf(NullPointerException.class);
        assertThat(List.of(ParseWarning.MAX_AGE_CLAMPED, ParseWarning.DUPLICATE_FIELD, ParseWarning.DUPLICATE_MX,
                ParseWarning.BOM_SKIPPED, ParseWarning.LEADING_WHITESPACE_SKIPPED, ParseWarning.BLANK_LINE_SKIPPED))
                .containsExactly("max-age-clamped", "duplicate-field", "duplicate-mx", "bom-skipped",
                        "leading-whitespace-skipped", "blank-line-skipped");
    }

    @Test
    void extensionsAreValues() {
        assertThat(new Extension("a", "b")).hasToString("a=b").isEqualTo(new Extension("a", "b"));
        assertThatThrownBy(() -> new Extension(null, "b")).isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> new Extension("a", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("value");
    }
}
