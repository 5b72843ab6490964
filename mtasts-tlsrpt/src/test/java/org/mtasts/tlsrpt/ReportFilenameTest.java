package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
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
import org.junit.jupiter.params.provider.ValueSource;
import org.mtasts.core.DomainName;

class ReportFilenameTest {

    @Test
    @DisplayName("RFC 8460 §5.1: the example file name")
    void rfcExample() {
        ReportFilename name = new ReportFilename(DomainName.of("mail.sndr.example.com"), DomainName.of("example.net"),
                1470013207, 1470186007, "001", ReportFormat.GZIP);
        assertThat(name.toString()).isEqualTo("mail.sndr.example.com!example.net!1470013207!1470186007!001.json.gz");
        assertThat(ReportFilename.parse(name.toString())).contains(name);
    }

    @Test
    @DisplayName("RFC 8460 §5.1: a report's name: contact-info domain, policy domain in A-labels, Unix seconds")
    void fromAReport() {
        TlsReport report = TlsReportWriterTest.sample();
        assertThat(ReportFilename.of(report, ReportFormat.GZIP, null).toString())
                .isEqualTo("company-x.example!company-y.example!1459468800!1459555199.json.gz");
        assertThat(ReportFilename.of(report, ReportFormat.JSON, "A1").toString())
                .isEqualTo("company-x.example!company-y.example!1459468800!1459555199!A1.json");
        TlsReport idn = new TlsReport("o", report.dateRange(), "a@Bücher.example", "id",
                List.of(new PolicyResult(new PolicyDetails(PolicyType.STS, "sts", List.of(), "münchen.example",
                        List.of()), Summary.EMPTY, List.of())));
        assertThat(ReportFilename.of(idn, ReportFormat.GZIP, null).toString())
                .startsWith("xn--bcher-kva.example!xn--mnchen-3ya.example!");
    }

    @Test
    @DisplayName("RFC 8460 §5.1: a report with several policy domains or no contact-info has no file name")
    void reportsWithoutASingleDomain() {
        TlsReport noContact = new TlsReport("o", TlsReportWriterTest.sample().dateRange(), null, "id",
                TlsReportWriterTest.sample().policies());
        assertThatThrownBy(() -> ReportFilename.of(noContact, ReportFormat.GZIP, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contact-info");
        TlsReport none = new TlsReport("o", noContact.dateRange(), "a@b.example", "id", List.of());
        assertThatThrownBy(() -> ReportFilename.of(none, ReportFormat.GZIP, null))
                .hasMessageContaining("one policy domain");
        assertThatThrownBy(() -> new ReportFilename(DomainName.of("a.example"), DomainName.of("b.example"), 1, 2,
                "no-dash", ReportFormat.JSON)).hasMessageContaining("unique-id");
    }

    @ParameterizedTest(name = "RFC 8460 §5.1: real name {0}")
    @ValueSource(strings = {"google.com!test.xmox.nl!1663200000!1663286399!001.json.gz",
            "microsoft.com!test.xmox.nl!1673308800!1673395199!133198585438131172.json.gz",
            "mail.sender.example!example.com!1013662812!1013749130.json",
            "mx.egressif.io!redacted.example.com!1730332800!1730419200.json.gz"})
    @DisplayName("RFC 8460 §5.1: names real senders use parse")
    void realNamesParse(String name) {
        Optional<ReportFilename> parsed = ReportFilename.parse(name);
        assertThat(parsed).isPresent();
        assertThat(parsed.get().toString()).isEqualTo(name);
    }

    @ParameterizedTest(name = "RFC 8460 §5.1: not a report name: {0}")
    @ValueSource(strings = {"report.json", "a!b!1!2.txt", "a!b!x!2.json", "a!b!1!2!-1.json", "a!b!1.json",
            "a b!c!1!2.json", "a!b!1!2!3!4.json", "!b!1!2.json", "a!b!1!2!.json.gz"})
    @DisplayName("RFC 8460 §5.1: other names do not parse")
    void otherNamesDoNotParse(String name) {
        assertThat(ReportFilename.parse(name)).isEmpty();
    }

    @Provide
    Arbitrary<ReportFilename> names() {
        Arbitrary<DomainName> domains = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10)
                .list().ofMinSize(1).ofMaxSize(3).map(l -> DomainName.of(String.join(".", l)));
        return Combinators.combine(domains, domains, Arbitraries.longs().between(0, 999_999_999_999L),
                Arbitraries.longs().between(0, 999_999_999_999L),
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(20).injectNull(0.3),
                Arbitraries.of(ReportFormat.class)).as(ReportFilename::new);
    }

    @Property
    @Label("RFC 8460 §5.1: parse(toString(name)) equals name")
    void roundTrip(@ForAll("names") ReportFilename name) {
        assertThat(ReportFilename.parse(name.toString())).contains(name);
    }

    @Property
    @Label("RFC 8460 §5.1: the parser agrees with a regular expression for the ABNF")
    void agreesWithTheAbnf(@ForAll("candidates") String name) {
        boolean abnf = name.matches("[a-z0-9.-]+![a-z0-9.-]+![0-9]{1,18}![0-9]{1,18}(![A-Za-z0-9]+)?\\.json(\\.gz)?");
        Optional<ReportFilename> parsed = ReportFilename.parse(name);
        if (parsed.isPresent()) {
            assertThat(abnf).as(name).isTrue();
        } else if (abnf) {
            // The regular expression is looser on domains: only invalid domain names may differ.
            String[] parts = name.split("!");
            assertThat(DomainName.isValid(parts[0]) && DomainName.isValid(parts[1])).as(name).isFalse();
        }
    }

    @Provide
    Arbitrary<String> candidates() {
        return Arbitraries.oneOf(names().map(ReportFilename::toString),
                Arbitraries.strings().withChars("ab.-!09Z").ofMaxLength(30).map(s -> s + ".json"),
                names().map(n -> n.toString().replace("!", "!!")));
    }
}
