package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.core.ResultType;

/** Partial reports of several MTA nodes combine into one: commutative and associative. */
class TlsReportMergeTest {

    @Provide
    Arbitrary<List<TlsReport>> three() {
        return ReportArbitraries.mergeableReports(3);
    }

    @Property
    @Label("RFC 8460 §4: merging is commutative")
    void commutative(@ForAll("three") List<TlsReport> r) {
        assertThat(r.get(0).merge(r.get(1))).isEqualTo(r.get(1).merge(r.get(0)));
    }

    @Property
    @Label("RFC 8460 §4: merging is associative")
    void associative(@ForAll("three") List<TlsReport> r) {
        TlsReport left = r.get(0).merge(r.get(1)).merge(r.get(2));
        TlsReport right = r.get(0).merge(r.get(1).merge(r.get(2)));
        assertThat(left).isEqualTo(right);
        assertThat(TlsReport.mergeAll(r)).isEqualTo(left);
    }

    @Property
    @Label("RFC 8460 §4: merging keeps every session: totals add up")
    void mergingKeepsTotals(@ForAll("three") List<TlsReport> r) {
        TlsReport all = TlsReport.mergeAll(r);
        assertThat(all.canonical()).isEqualTo(all);
        if (!sumsAreSmall(r)) {
            return; // sums saturate at Long.MAX_VALUE; commutativity and associativity still hold
        }
        long ok = 0;
        long failed = 0;
        long details = 0;
        for (TlsReport x : r) {
            ok += x.totalSuccessfulSessionCount();
            failed += x.totalFailureSessionCount();
            for (PolicyResult p : x.policies()) {
                details += p.failedSessionCountSum();
            }
        }
        assertThat(all.totalSuccessfulSessionCount()).isEqualTo(ok);
        assertThat(all.totalFailureSessionCount()).isEqualTo(failed);
        assertThat(all.policies().stream().mapToLong(PolicyResult::failedSessionCountSum).sum()).isEqualTo(details);
    }

    private static boolean sumsAreSmall(List<TlsReport> r) {
        for (TlsReport x : r) {
            for (PolicyResult p : x.policies()) {
                if (p.summary().totalSuccessfulSessionCount() > 1L << 40 || p.summary().totalFailureSessionCount() > 1L << 40
                        || p.failureDetails().stream().anyMatch(d -> d.failedSessionCount() > 1L << 40)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    @DisplayName("RFC 8460 §4: identical failure details are folded with their counts summed")
    void identicalFailuresAreFolded() {
        PolicyDetails policy = PolicyDetails.noPolicyFound(DomainName.of("example.com"));
        FailureDetails d = FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED)
                .receivingMxHostname("mx.example.com").failedSessionCount(2).build();
        TlsReport a = new TlsReport("Org", DateRange.utcDay(LocalDate.of(2024, 1, 1)), "a@example.net", "x",
                List.of(new PolicyResult(policy, new Summary(5, 2), List.of(d))));
        TlsReport b = new TlsReport("Org", a.dateRange(), "a@example.net", "x",
                List.of(new PolicyResult(policy, new Summary(1, 3), List.of(d.withFailedSessionCount(3)))));
        TlsReport merged = a.merge(b);
        assertThat(merged.policies()).hasSize(1);
        assertThat(merged.policies().get(0).summary()).isEqualTo(new Summary(6, 5));
        assertThat(merged.policies().get(0).failureDetails()).containsExactly(d.withFailedSessionCount(5));
    }

    @Test
    @DisplayName("RFC 8460 §4: only reports of one organization, contact and range merge")
    void onlyMatchingReportsMerge() {
        TlsReport a = new TlsReport("Org", DateRange.utcDay(LocalDate.of(2024, 1, 1)), "a@example.net", "x", List.of());
        TlsReport b = new TlsReport("Org", DateRange.utcDay(LocalDate.of(2024, 1, 2)), "a@example.net", "x", List.of());
        assertThatThrownBy(() -> a.merge(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("date-range");
        assertThatThrownBy(() -> TlsReport.mergeAll(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
