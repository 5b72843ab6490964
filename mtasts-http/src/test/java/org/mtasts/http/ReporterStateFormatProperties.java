package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.mtasts.core.DomainName;
import org.mtasts.core.ReportUri;
import org.mtasts.core.ResultType;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyResult;
import org.mtasts.tlsrpt.ReportFormat;
import org.mtasts.tlsrpt.Summary;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportWriter;

/** Properties of the reporter's state files: round trip, never a crash, every corruption detected. */
class ReporterStateFormatProperties {

    static final ReportUri[] URIS = {ReportUri.of("https://reports.example.com/v1?x=1"),
        ReportUri.of("mailto:tlsrpt@example.com"), ReportUri.of("mailto:tls%2Creports@example.com"),
        ReportUri.of("https://r.example/a%20b;c")};

    @Provide
    Arbitrary<ReporterStateFormat.StoredPending> pendings() {
        Arbitrary<String> label = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789")
                .ofMinLength(1).ofMaxLength(20);
        Arbitrary<DomainName> domain = label.map(l -> DomainName.of(l + ".example"));
        Arbitrary<Instant> at = Arbitraries.longs().between(1_600_000_000L, 2_000_000_000L).map(Instant::ofEpochSecond);
        Arbitrary<Instant> maybe = at.injectNull(0.3);
        Arbitrary<ReporterStateFormat.StoredTarget> target = Combinators.combine(Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 20), maybe, maybe, Arbitraries.of(URIS))
                .as(ReporterStateFormat.StoredTarget::new);
        Arbitrary<List<ReporterStateFormat.StoredTarget>> targets = target.list().ofMaxSize(4).injectNull(0.3);
        Arbitrary<LocalDate> day = Arbitraries.integers().between(18_000, 25_000).map(LocalDate::ofEpochDay);
        Arbitrary<Long> counts = Arbitraries.longs().between(0, 1_000_000);
        return Combinators.combine(Arbitraries.longs().between(1, 1_000_000_000L), day, domain, Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 20), maybe, maybe, targets)
                .flatAs((id, d, dom, delivered, lookups, first, next, t) -> Combinators.combine(counts, counts)
                        .as((ok, failed) -> new ReporterStateFormat.StoredPending(id, d, dom, delivered, lookups, first,
                                next, t, report(d, dom, ok, failed))));
    }

    static TlsReport report(LocalDate day, DomainName domain, long ok, long failed) {
        List<FailureDetails> details = new ArrayList<>();
        if (failed > 0) {
            details.add(FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).receivingMxHostname("mx1." + domain.ascii())
                    .failedSessionCount(failed).build());
        }
        return TlsReport.builder().organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
                .reportId(day + "." + domain.ascii() + "@mail.example.net").day(day)
                .policy(new PolicyResult(ReporterFixture.sts(domain.ascii()), new Summary(ok, failed), details))
                .build();
    }

    static byte[] encode(ReporterStateFormat.StoredPending p) {
        return ReporterStateFormat.encodePending(p, TlsReportWriter.create().write(p.report(), ReportFormat.JSON));
    }

    @Property(tries = 200)
    @Label("decodePending(encodePending(p)) == p")
    void pendingRoundTrip(@ForAll("pendings") ReporterStateFormat.StoredPending p) {
        ReporterStateFormat.Decoded<ReporterStateFormat.StoredPending> decoded = ReporterStateFormat.decodePending(encode(p));
        assertThat(decoded.problem()).isNull();
        assertThat(decoded.value()).isEqualTo(p);
    }

    @Property(tries = 200)
    @Label("decodeSuppressed(encodeSuppressed(list)) == list")
    void suppressedRoundTrip(@ForAll("pendings") ReporterStateFormat.StoredPending any,
            @ForAll @IntRange(min = 0, max = 4) int size) {
        Map<String, Instant> list = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            list.put(URIS[i % URIS.length].uri(), Instant.ofEpochSecond(1_700_000_000L + i * 3600L));
        }
        ReporterStateFormat.Decoded<Map<String, Instant>> decoded =
                ReporterStateFormat.decodeSuppressed(ReporterStateFormat.encodeSuppressed(list));
        assertThat(decoded.problem()).isNull();
        assertThat(decoded.value()).isEqualTo(list);
    }

    @Property
    @Label("the decoders never throw on arbitrary bytes")
    void neverCrashes(@ForAll byte[] bytes) {
        ReporterStateFormat.Decoded<ReporterStateFormat.StoredPending> p = ReporterStateFormat.decodePending(bytes);
        assertThat(p.value() == null).isEqualTo(p.problem() != null);
        ReporterStateFormat.Decoded<Map<String, Instant>> s = ReporterStateFormat.decodeSuppressed(bytes);
        assertThat(s.value() == null).isEqualTo(s.problem() != null);
    }

    @Property(tries = 300)
    @Label("any single changed byte or any truncation is detected")
    void everyCorruptionIsDetected(@ForAll("pendings") ReporterStateFormat.StoredPending p,
            @ForAll @IntRange(min = 0, max = 100_000) int where, @ForAll @IntRange(min = 1, max = 255) int flip,
            @ForAll boolean truncate) {
        byte[] bytes = encode(p);
        int at = where % bytes.length;
        byte[] damaged;
        if (truncate) {
            damaged = java.util.Arrays.copyOf(bytes, at);
        } else {
            damaged = bytes.clone();
            damaged[at] ^= (byte) flip;
        }
        ReporterStateFormat.Decoded<ReporterStateFormat.StoredPending> decoded = ReporterStateFormat.decodePending(damaged);
        assertThat(decoded.value()).isNull();
        assertThat(decoded.problem()).isNotBlank();
    }
}
