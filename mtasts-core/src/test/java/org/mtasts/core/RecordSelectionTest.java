package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.mtasts.core.TestSupport.assertError;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecordSelectionTest {

    private static final String SPF = "v=spf1 -all";

    static Stream<Arguments> stsSelections() {
        return Stream.of(
                arguments(List.of("v=STSv1; id=1"), Discovery.Kind.FOUND, "1"),
                arguments(List.of(SPF, "v=STSv1; id=1"), Discovery.Kind.FOUND, "1"),
                arguments(List.of("v=STSv1; id=1", SPF, "google-site-verification=abc"), Discovery.Kind.FOUND, "1"),
                arguments(List.of("v=STSv10; id=1", "v=STSv1; id=2"), Discovery.Kind.FOUND, "2"),
                arguments(List.of("v=STSv1 ;id=3", SPF), Discovery.Kind.FOUND, "3"),
                arguments(List.of("v=STSv1; id=20160831" + "085700Z"), Discovery.Kind.FOUND, "20160831085700Z"),
                arguments(List.of("v=STSv1; id=1", "v=STSv1; id=2"), Discovery.Kind.MULTIPLE, null),
                arguments(List.of("v=STSv1; id=1", "v=STSv1; id=1"), Discovery.Kind.MULTIPLE, null),
                arguments(List.of("v=STSv1; id=1", "v=STSv1; bogus"), Discovery.Kind.MULTIPLE, null),
                arguments(List.of("v=STSv1; bogus"), Discovery.Kind.INVALID, null),
                arguments(List.of(SPF, "v=STSv1; bogus"), Discovery.Kind.INVALID, null),
                arguments(List.of("v=STSv1;"), Discovery.Kind.INVALID, null),
                arguments(List.of("v=STSv1"), Discovery.Kind.ABSENT, null),
                arguments(List.of("v=STSv1", "v=STSv1; id=4"), Discovery.Kind.FOUND, "4"),
                arguments(List.of("v=STSv1; id=5", "v=STSv1 id=6"), Discovery.Kind.FOUND, "5"),
                arguments(List.of("v=STSv1 ", "v=STSv1;id=7 "), Discovery.Kind.FOUND, "7"),
                arguments(List.of(), Discovery.Kind.ABSENT, null),
                arguments(List.of(SPF), Discovery.Kind.ABSENT, null),
                arguments(List.of(SPF, "V=STSv1; id=decoy", "v=STSv10; id=1"), Discovery.Kind.ABSENT, null));
    }

    @ParameterizedTest(name = "RFC 8461 §3.1: {0} -> {1}")
    @MethodSource("stsSelections")
    void selectsTheOneStsRecord(List<String> texts, Discovery.Kind kind, String id) {
        Discovery<StsRecord> d = RecordSelection.sts(texts);
        assertThat(d.kind()).isEqualTo(kind);
        assertThat(d.found().map(StsRecord::id).orElse(null)).isEqualTo(id);
        assertThat(RecordSelection.sts(new TxtAnswer.Records(texts))).isEqualTo(d);
    }

    @Test
    @DisplayName("RFC 8461 §3.1: each outcome carries what a report or a checker needs")
    void outcomesCarryTheirTexts() {
        Discovery.Found<StsRecord> found =
                (Discovery.Found<StsRecord>) RecordSelection.sts(List.of(SPF, "v=STSv1; id=1;"));
        assertThat(found.text()).isEqualTo("v=STSv1; id=1;");
        assertThat(found.record()).isEqualTo(StsRecord.of("1"));
        assertThat(found.warnings()).isEmpty();
        assertThat(((Discovery.Found<StsRecord>) RecordSelection.sts(List.of("v=STSv1; id=1; id=2"))).warnings())
                .extracting(ParseWarning::code).containsExactly(ParseWarning.DUPLICATE_FIELD);

        Discovery.Multiple<StsRecord> multiple =
                (Discovery.Multiple<StsRecord>) RecordSelection.sts(List.of("v=STSv1; id=1", SPF, "v=STSv1; id=2"));
        assertThat(multiple.texts()).containsExactly("v=STSv1; id=1", "v=STSv1; id=2");
        assertThat(multiple.found()).isEmpty();

        Discovery.Invalid<StsRecord> invalid =
                (Discovery.Invalid<StsRecord>) RecordSelection.sts(List.of(SPF, "v=STSv1; bogus"));
        assertThat(invalid.text()).isEqualTo("v=STSv1; bogus");
        assertError(invalid.error(), SyntaxError.Kind.STS_RECORD_FIELD_SYNTAX, 14, 1, 15);

        Discovery.Absent<StsRecord> none = (Discovery.Absent<StsRecord>) RecordSelection.sts(List.of());
        assertThat(none.detail()).isEqualTo("no TXT records");
        assertThat(none.otherTexts()).isEmpty();
        Discovery.Absent<StsRecord> one = (Discovery.Absent<StsRecord>) RecordSelection.sts(List.of(SPF));
        assertThat(one.detail()).isEqualTo("no record of this kind among 1 TXT record");
        assertThat(one.otherTexts()).containsExactly(SPF);
        Discovery.Absent<StsRecord> two =
                (Discovery.Absent<StsRecord>) RecordSelection.sts(List.of(SPF, "v=TLSRPTv1; rua=mailto:a@x.example"));
        assertThat(two.detail()).isEqualTo("no record of this kind among 2 TXT records");
        assertThat(two.otherTexts()).containsExactly(SPF, "v=TLSRPTv1; rua=mailto:a@x.example");
    }

    @Test
    @DisplayName("RFC 8461 §3.1: a bare v=STSv1 beside a valid record is discarded; the valid one is used, with a warning")
    void discardedLookalikesAreNamed() {
        Discovery.Found<StsRecord> found =
                (Discovery.Found<StsRecord>) RecordSelection.sts(List.of("v=STSv1", SPF, "v=STSv1; id=1 "));
        assertThat(found.record()).isEqualTo(StsRecord.of("1"));
        assertThat(found.warnings()).extracting(ParseWarning::code, ParseWarning::column).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ParseWarning.TRAILING_WHITESPACE, 14),
                org.assertj.core.groups.Tuple.tuple(ParseWarning.DISCARDED_RECORD, 8));
        assertThat(found.warnings().get(1).detail()).isEqualTo("the TXT record 'v=STSv1' is discarded: it does not "
                + "begin with 'v=STSv1;', though a sender that counts it sees two records and applies no policy");
        assertThat(found.warnings().get(1).rule()).isEqualTo("RFC 8461 §3.1");
        Discovery.Absent<StsRecord> alone = (Discovery.Absent<StsRecord>) RecordSelection.sts(List.of("v=STSv1 id=1"));
        assertThat(alone.detail()).isEqualTo("no record of this kind among 1 TXT record; discarded: 'v=STSv1 id=1' "
                + "(records that do not begin with 'v=STSv1;' are not of the kind)");
        // Another version is no lookalike: nothing to say about it.
        assertThat(((Discovery.Found<StsRecord>) RecordSelection.sts(List.of("v=STSv10", "v=STSv1; id=2")))
                .warnings()).isEmpty();
    }

    @Test
    @DisplayName("RFC 8460 §3: the same rule for v=TLSRPTv1, and a record without a usable rua is found with a warning")
    void tlsRptLookalikesAndUnusableRua() {
        Discovery.Found<TlsRptRecord> found = (Discovery.Found<TlsRptRecord>) RecordSelection.tlsRpt(
                List.of("v=TLSRPTv1", "v=TLSRPTv1; rua=ftp://r.example/t"));
        assertThat(found.record().hasSupportedTarget()).isFalse();
        assertThat(found.warnings()).extracting(ParseWarning::code).containsExactly(ParseWarning.NO_SUPPORTED_RUA,
                ParseWarning.DISCARDED_RECORD);
        assertThat(found.warnings().get(0).rule()).isEqualTo("RFC 8460 §3");
    }

    static Stream<Arguments> tlsRptSelections() {
        String rua = "v=TLSRPTv1; rua=mailto:tlsrpt@example.com";
        return Stream.of(
                arguments(List.of(rua), Discovery.Kind.FOUND),
                arguments(List.of(SPF, rua), Discovery.Kind.FOUND),
                arguments(List.of("v=TLSRPTv10; rua=mailto:x@example.com", rua), Discovery.Kind.FOUND),
                arguments(List.of("v=TLSRPTv1", rua), Discovery.Kind.FOUND),
                arguments(List.of("v=TLSRPTv1 ;rua=mailto:x@example.com"), Discovery.Kind.FOUND),
                arguments(List.of("v=TLSRPTv1 rua=mailto:x@example.com"), Discovery.Kind.ABSENT),
                arguments(List.of("v=TLSRPTv1;"), Discovery.Kind.INVALID),
                arguments(List.of(rua, "v=TLSRPTv1; rua=https://r.example/"), Discovery.Kind.MULTIPLE),
                arguments(List.of("v=TLSRPTv1; bad"), Discovery.Kind.INVALID),
                arguments(List.of("v=STSv1; id=1"), Discovery.Kind.ABSENT),
                arguments(List.of(), Discovery.Kind.ABSENT));
    }

    @ParameterizedTest(name = "RFC 8460 §3: {0} -> {1}")
    @MethodSource("tlsRptSelections")
    void selectsTheOneTlsRptRecord(List<String> texts, Discovery.Kind kind) {
        assertThat(RecordSelection.tlsRpt(texts).kind()).isEqualTo(kind);
        assertThat(RecordSelection.tlsRpt(new TxtAnswer.Records(texts)).kind()).isEqualTo(kind);
    }

    @Test
    @DisplayName("RFC 8461 §3.1: NXDOMAIN and NODATA mean no record; a temporary failure stays apart")
    void dnsOutcomes() {
        Discovery<StsRecord> nx = RecordSelection.sts(new TxtAnswer.NoRecords(true));
        assertThat(nx).isEqualTo(new Discovery.Absent<StsRecord>("NXDOMAIN", List.of()));
        Discovery<TlsRptRecord> nodata = RecordSelection.tlsRpt(new TxtAnswer.NoRecords(false));
        assertThat(nodata).isEqualTo(new Discovery.Absent<TlsRptRecord>("NODATA", List.of()));
        IOException cause = new IOException("timeout");
        Discovery<StsRecord> temp = RecordSelection.sts(new TxtAnswer.TemporaryFailure("SERVFAIL", cause));
        assertThat(temp.kind()).isEqualTo(Discovery.Kind.TEMPORARY_FAILURE);
        assertThat(((Discovery.TemporaryFailure<StsRecord>) temp).detail()).isEqualTo("SERVFAIL");
        assertThat(((Discovery.TemporaryFailure<StsRecord>) temp).cause()).isSameAs(cause);
        assertThat(temp.found()).isEmpty();
        assertThat(RecordSelection.tlsRpt(new TxtAnswer.TemporaryFailure("refused", null)).kind())
                .isEqualTo(Discovery.Kind.TEMPORARY_FAILURE);
    }

    @Test
    @DisplayName("RFC 8461 §3.1, RFC 8460 §3: discovery asks the resolver for _mta-sts and _smtp._tls")
    void discoveryAsksTheRightNames() throws Exception {
        List<String> asked = Collections.synchronizedList(new ArrayList<>());
        TxtResolver resolver = name -> {
            asked.add(name);
            return CompletableFuture.completedFuture(switch (name) {
                case "_mta-sts.example.com" -> new TxtAnswer.Records(List.of(SPF, "v=STSv1; id=abc"));
                case "_smtp._tls.example.com" -> new TxtAnswer.Records(List.of("v=TLSRPTv1; rua=mailto:r@example.com"));
                default -> new TxtAnswer.NoRecords(true);
            });
        };
        DomainName domain = DomainName.of("Example.COM.");
        Discovery<StsRecord> sts = RecordSelection.discoverSts(resolver, domain).get(5, TimeUnit.SECONDS);
        Discovery<TlsRptRecord> rpt = RecordSelection.discoverTlsRpt(resolver, domain).get(5, TimeUnit.SECONDS);
        assertThat(sts.found()).contains(StsRecord.of("abc"));
        assertThat(rpt.found().orElseThrow().rua()).extracting(ReportUri::uri).containsExactly("mailto:r@example.com");
        assertThat(RecordSelection.discoverSts(resolver, DomainName.of("other.example")).get(5, TimeUnit.SECONDS))
                .isEqualTo(new Discovery.Absent<StsRecord>("NXDOMAIN", List.of()));
        assertThat(asked).containsExactly("_mta-sts.example.com", "_smtp._tls.example.com", "_mta-sts.other.example");
    }

    @Test
    void valuesValidateAndCopy() {
        List<String> texts = new ArrayList<>(List.of("a"));
        TxtAnswer.Records records = new TxtAnswer.Records(texts);
        texts.clear();
        assertThat(records.texts()).containsExactly("a");
        assertThat(records.kind()).isEqualTo(TxtAnswer.Kind.RECORDS);
        assertThat(new TxtAnswer.NoRecords(true).kind()).isEqualTo(TxtAnswer.Kind.NO_RECORDS);
        assertThat(new TxtAnswer.NoRecords(true)).hasToString("NXDOMAIN");
        assertThat(new TxtAnswer.NoRecords(false)).hasToString("NODATA");
        assertThat(new TxtAnswer.TemporaryFailure("x", null).kind()).isEqualTo(TxtAnswer.Kind.TEMPORARY_FAILURE);
        assertThatThrownBy(() -> new TxtAnswer.TemporaryFailure(null, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Discovery.Found<>(null, "t")).isInstanceOf(NullPointerException.class)
                .hasMessage("record");
        assertThatThrownBy(() -> new Discovery.Invalid<>(null, "t")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RecordSelection.sts((List<String>) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RecordSelection.sts((TxtAnswer) null)).isInstanceOf(NullPointerException.class);
        assertThat(new Discovery.Multiple<StsRecord>(List.of("a", "b")).kind()).isEqualTo(Discovery.Kind.MULTIPLE);
    }

    @Property(tries = 300)
    @Label("RFC 8461 §3.1: found exactly when one STS record remains and it is valid; other records never matter")
    void selectionFollowsTheRule(@ForAll("answers") List<String> texts) {
        Discovery<StsRecord> d = RecordSelection.sts(texts);
        List<ParseResult<StsRecord>> ofKind = texts.stream().map(StsRecord::parse)
                .filter(r -> r.kind() != ParseResult.Kind.NOT_APPLICABLE).toList();
        Discovery.Kind expected = ofKind.isEmpty() ? Discovery.Kind.ABSENT
                : ofKind.size() > 1 ? Discovery.Kind.MULTIPLE
                : ofKind.get(0).isValid() ? Discovery.Kind.FOUND : Discovery.Kind.INVALID;
        assertThat(d.kind()).isEqualTo(expected);
    }

    @Provide
    Arbitrary<List<String>> answers() {
        return Arbitraries.oneOf(CoreArbitraries.stsRecord().map(StsRecord::toText),
                        Arbitraries.of(SPF, "v=STSv1; bogus", "v=STSv10; id=1", "", "v=TLSRPTv1; rua=mailto:a@b.example",
                                "v=STSv1", "v=STSv1 id=1", "v=STSv1;"),
                        Arbitraries.strings().ofMaxLength(12))
                .list().ofMaxSize(4);
    }
}
