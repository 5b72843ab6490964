package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;

/** Properties of the aggregator over random sequences of sessions: counting rules and snapshots. */
class ReportAggregatorPropertiesTest {

    static final Instant START = Instant.parse("2024-02-25T00:00:00Z");

    static final List<PolicyDetails> POLICIES = List.of(
            ReportAggregatorTest.STS,
            PolicyDetails.sts(DomainName.of("example.com"),
                    StsPolicy.builder().mode(PolicyMode.ENFORCE).mx("*.mail.example.com").build().toText()),
            ReportAggregatorTest.NONE,
            PolicyDetails.noPolicyFound(DomainName.of("example.net")));

    static final List<FailureDetails> DETAILS = List.of(
            ReportAggregatorTest.expired("192.0.2.1"),
            ReportAggregatorTest.expired("192.0.2.2"),
            ReportAggregatorTest.fetchFailed(),
            FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED).receivingMxHostname("mx2.example.com").build(),
            FailureDetails.builder(ResultType.CERTIFICATE_HOST_MISMATCH).receivingIp("198.51.100.7")
                    .failureReasonCode("san-mismatch").build());

    /**
     * One session: a policy, when (up to three days from {@link #START}), the indexes of the failure
     * details it hit (none, one or two different ones) and whether it is counted with keys or with
     * {@code recordAt}.
     */
    record Session(int policy, long atMillis, List<Integer> failures, boolean withKeys) {
        void countIn(ReportAggregator a) {
            PolicyDetails p = POLICIES.get(policy);
            if (!withKeys) {
                a.recordAt(p, failures.stream().map(DETAILS::get).toList(), atMillis);
                return;
            }
            ReportAggregator.PolicyKey key = a.policy(p);
            switch (failures.size()) {
                case 0 -> a.successAt(key, atMillis);
                case 1 -> a.failureAt(a.failureKey(key, DETAILS.get(failures.get(0))), atMillis);
                default -> a.failureAt(a.failureKey(key, DETAILS.get(failures.get(0))),
                        a.failureKey(key, DETAILS.get(failures.get(1))), atMillis);
            }
        }

        LocalDate day() {
            return LocalDate.ofEpochDay(Math.floorDiv(atMillis, 86_400_000L));
        }
    }

    @Provide
    Arbitrary<List<Session>> sessions() {
        Arbitrary<List<Integer>> failures = Arbitraries.oneOf(
                Arbitraries.just(List.of()),
                Arbitraries.integers().between(0, DETAILS.size() - 1).map(List::of),
                Arbitraries.integers().between(0, DETAILS.size() - 1).list().ofSize(2).uniqueElements());
        Arbitrary<Session> session = Combinators.combine(
                Arbitraries.integers().between(0, POLICIES.size() - 1),
                Arbitraries.longs().between(0, 3 * 86_400_000L - 1).map(ms -> START.toEpochMilli() + ms),
                failures,
                Arbitraries.of(true, false)).as(Session::new);
        return session.list().ofMaxSize(60);
    }

    static ReportAggregator.Builder builder() {
        return ReportAggregator.builder().organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
                .clock(new MutableClock(START)).problemListener((file, problem, cause) -> {
                    throw new AssertionError(file + ": " + problem, cause);
                });
    }

    static ReportAggregator count(List<Session> sessions) {
        ReportAggregator a = builder().build();
        sessions.forEach(s -> s.countIn(a));
        return a;
    }

    @Property(tries = 300)
    @Label("RFC 8460 §4, §4.4: the reports hold, per day and policy, successes, failed sessions and detail hits")
    void reportsFollowTheCountingRules(@ForAll("sessions") List<Session> sessions) {
        ReportAggregator a = count(sessions);
        // The model: per day and policy, [successes, failed sessions], and per detail its hits.
        Map<LocalDate, Map<PolicyDetails, long[]>> totals = new HashMap<>();
        Map<LocalDate, Map<PolicyDetails, Map<FailureDetails, Long>>> hits = new HashMap<>();
        for (Session s : sessions) {
            PolicyDetails p = POLICIES.get(s.policy());
            long[] t = totals.computeIfAbsent(s.day(), d -> new HashMap<>()).computeIfAbsent(p, k -> new long[2]);
            t[s.failures().isEmpty() ? 0 : 1]++;
            for (int f : s.failures()) {
                hits.computeIfAbsent(s.day(), d -> new HashMap<>()).computeIfAbsent(p, k -> new HashMap<>())
                        .merge(DETAILS.get(f).withFailedSessionCount(0), 1L, Long::sum);
            }
        }
        assertThat(a.days()).containsExactlyInAnyOrderElementsOf(totals.keySet());
        for (LocalDate day : totals.keySet()) {
            List<TlsReport> reports = a.reports(day);
            int policies = 0;
            for (TlsReport r : reports) {
                assertThat(r.dateRange()).isEqualTo(DateRange.utcDay(day));
                for (PolicyResult p : r.policies()) {
                    policies++;
                    long[] t = totals.get(day).get(p.policy());
                    assertThat(p.summary()).isEqualTo(new Summary(t[0], t[1]));
                    Map<FailureDetails, Long> expected = hits.getOrDefault(day, Map.of()).getOrDefault(p.policy(),
                            Map.of());
                    assertThat(p.failureDetails()).hasSize(expected.size());
                    for (FailureDetails d : p.failureDetails()) {
                        assertThat(d.failedSessionCount()).isEqualTo(expected.get(d.withFailedSessionCount(0)));
                    }
                    // RFC 8460 §4: failure types are not exclusive, so the details add up to at least the total.
                    assertThat(p.failedSessionCountSum()).isBetween(t[1], 2 * t[1]);
                }
            }
            assertThat(policies).isEqualTo(totals.get(day).size());
        }
    }

    @Property(tries = 150)
    @Label("RFC 8460 §4.1: restoring a saved snapshot gives the same reports")
    void snapshotRoundTrip(@ForAll("sessions") List<Session> sessions) throws IOException {
        Path dir = Files.createTempDirectory("aggregator-snapshot");
        try {
            Path file = dir.resolve("counts.json");
            ReportAggregator a = builder().snapshotFile(file).build();
            sessions.forEach(s -> s.countIn(a));
            a.saveSnapshot();

            ReportAggregator restored = builder().snapshotFile(file).build();

            assertThat(restored.snapshot()).isEqualTo(a.snapshot());
            for (LocalDate day : a.days()) {
                assertThat(restored.reports(day)).isEqualTo(a.reports(day));
            }
            // And in memory, without the file.
            ReportAggregator inMemory = builder().build();
            inMemory.restore(a.snapshot());
            assertThat(inMemory.snapshot()).isEqualTo(a.snapshot());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Property(tries = 300)
    @Label("RFC 8460 §4: sessions split over two nodes merge into the reports of one node")
    void snapshotsMerge(@ForAll("sessions") List<Session> sessions, @ForAll("sessions") List<Session> more) {
        ReportAggregator one = count(sessions);
        more.forEach(s -> s.countIn(one));
        ReportAggregator merged = builder().build();
        merged.restore(count(sessions).snapshot());
        merged.restore(count(more).snapshot());
        assertThat(merged.snapshot()).isEqualTo(one.snapshot());
        // The reports of each node, merged per day and domain, are one node's too.
        List<TlsReport> parts = new ArrayList<>(count(sessions).snapshot());
        parts.addAll(count(more).snapshot());
        Map<String, List<TlsReport>> byId = new HashMap<>();
        parts.forEach(r -> byId.computeIfAbsent(r.reportId(), k -> new ArrayList<>()).add(r));
        List<TlsReport> mergedReports = new ArrayList<>();
        byId.values().forEach(list -> mergedReports.add(TlsReport.mergeAll(list)));
        assertThat(mergedReports).containsExactlyInAnyOrderElementsOf(one.snapshot());
    }
}
