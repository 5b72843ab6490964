package org.mtasts.tlsrpt;

import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.mtasts.core.ResultType;

/** jqwik generators for reports: any value the model holds, including the odd ones real senders send. */
final class ReportArbitraries {
    private ReportArbitraries() {}

    /** Any string: ASCII mostly, some control characters, some non-ASCII. */
    static Arbitrary<String> text() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMaxLength(16),
                Arbitraries.strings().all().ofMaxLength(8),
                Arbitraries.of("", "mx.example.com", "*.example.com", "mx: mx.example.com", "[\"3 1 1 AA\"]",
                        "2001:db8::1", "192.0.2.1", "x.x.x.x", "version: STSv1"));
    }

    static Arbitrary<String> nullableText() {
        return text().injectNull(0.3);
    }

    static Arbitrary<Instant> instants() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(DateTimes.MIN.getEpochSecond(), DateTimes.MAX.getEpochSecond())
                        .flatMap(s -> Arbitraries.integers().between(0, 999_999_999)
                                .map(n -> Instant.ofEpochSecond(s, n))),
                Arbitraries.longs().between(0, 4_102_444_800L).map(s -> Instant.ofEpochSecond(s - s % 86_400)));
    }

    static Arbitrary<DateRange> dateRanges() {
        return Combinators.combine(instants(), instants()).as(DateRange::new);
    }

    static Arbitrary<Long> counts() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, 1000), Arbitraries.longs().greaterOrEqual(0));
    }

    static Arbitrary<ResultType> resultTypes() {
        return Arbitraries.oneOf(Arbitraries.of(ResultType.registered()), text().map(ResultType::of));
    }

    static Arbitrary<PolicyDetails> policies() {
        Arbitrary<String> token = Arbitraries.oneOf(Arbitraries.of("sts", "tlsa", "no-policy-found"), text());
        return Combinators.combine(token, text().list().ofMaxSize(5), nullableText(), text().list().ofMaxSize(3))
                .as((t, strings, domain, mx) -> new PolicyDetails(PolicyType.fromToken(t), t, strings, domain, mx));
    }

    static Arbitrary<FailureDetails> failureDetails() {
        return Combinators.combine(resultTypes(), nullableText(), nullableText(), nullableText(), nullableText(),
                counts(), nullableText(), nullableText()).as(FailureDetails::new);
    }

    static Arbitrary<PolicyResult> policyResults() {
        return Combinators.combine(policies(), counts(), counts(), failureDetails().list().ofMaxSize(4))
                .as((p, ok, failed, details) -> new PolicyResult(p, new Summary(ok, failed), details));
    }

    static Arbitrary<TlsReport> reports() {
        return Combinators.combine(text(), dateRanges(), nullableText(), text(), policyResults().list().ofMaxSize(4))
                .as(TlsReport::new);
    }

    /** Reports of one header, to merge: few distinct policies and details, so that folding happens. */
    static Arbitrary<List<TlsReport>> mergeableReports(int n) {
        Arbitrary<PolicyDetails> policy = Arbitraries.of(
                PolicyDetails.noPolicyFound(org.mtasts.core.DomainName.of("a.example")),
                PolicyDetails.tlsa(org.mtasts.core.DomainName.of("mx.a.example"), List.of("3 1 1 aa")),
                new PolicyDetails(PolicyType.STS, "sts", List.of("version: STSv1"), "b.example", List.of("mx.b.example")),
                new PolicyDetails(PolicyType.UNKNOWN, "other", List.of(), null, List.of()));
        Arbitrary<FailureDetails> detail = Combinators.combine(
                Arbitraries.of(ResultType.CERTIFICATE_EXPIRED, ResultType.STARTTLS_NOT_SUPPORTED, ResultType.of("x")),
                Arbitraries.of("192.0.2.1", "192.0.2.2").injectNull(0.3), counts())
                .as((t, ip, c) -> new FailureDetails(t, ip, "mx.a.example", null, null, c, null, null));
        Arbitrary<PolicyResult> result = Combinators.combine(policy, counts(), counts(), detail.list().ofMaxSize(3))
                .as((p, ok, failed, d) -> new PolicyResult(p, new Summary(ok, failed), d));
        Arbitrary<TlsReport> report = Combinators.combine(Arbitraries.of("id-1", "id-2", "id-3"),
                result.list().ofMaxSize(4)).as((id, policies) -> new TlsReport("Example", DateRange.utcDay(
                        java.time.LocalDate.of(2024, 2, 25)), "tlsrpt@example.net", id, policies));
        return report.list().ofSize(n);
    }
}
