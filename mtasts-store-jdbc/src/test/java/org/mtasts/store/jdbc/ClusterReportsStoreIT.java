package org.mtasts.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;
import org.mtasts.http.ReportResult;
import org.mtasts.testkit.MutableClock;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyDetails;
import org.mtasts.tlsrpt.ReportAggregator;
import org.mtasts.tlsrpt.TlsReport;

/** Cluster TLS-RPT counts against a real PostgreSQL 15 (integration/stores/start.sh). */
class ClusterReportsStoreIT {

    static final LocalDate DAY = LocalDate.of(2026, 12, 3);
    static final Instant NOON = DAY.atTime(12, 0).toInstant(ZoneOffset.UTC);

    static final List<PolicyDetails> POLICIES = List.of(
            PolicyDetails.sts(DomainName.of("example.com"),
                    StsPolicy.builder().mode(PolicyMode.ENFORCE).mx("*.mail.example.com").build().toText()),
            PolicyDetails.sts(DomainName.of("example.org"),
                    StsPolicy.builder().mode(PolicyMode.TESTING).mx("mx1.example.org").build().toText()),
            PolicyDetails.noPolicyFound(DomainName.of("example.net")));

    static final List<FailureDetails> DETAILS = List.of(
            FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).receivingMxHostname("mx1.example.com")
                    .receivingIp("192.0.2.1").build(),
            FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED).receivingMxHostname("mx2.example.com").build(),
            FailureDetails.builder(ResultType.CERTIFICATE_HOST_MISMATCH).receivingIp("198.51.100.7")
                    .failureReasonCode("san-mismatch").build());

    static HikariDataSource ds;
    static Properties props;

    static ReportAggregator aggregator(MutableClock clock) {
        return ReportAggregator.builder().organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
                .clock(clock).build();
    }

    static void open() {
        if (ds == null) {
            props = Stores.properties();
            ds = Stores.postgres(4);
        }
    }

    @AfterContainer
    static void after() {
        if (ds != null) {
            ds.close();
            ds = null;
        }
    }

    /** One session: which node counts it, its policy, when (two days from DAY), and its failure details. */
    record Session(boolean onA, int policy, long atMillis, List<Integer> failures) {
        void countIn(ReportAggregator a) {
            a.recordAt(POLICIES.get(policy), failures.stream().map(DETAILS::get).toList(), atMillis);
        }
    }

    @Provide
    Arbitrary<List<Session>> sessions() {
        Arbitrary<List<Integer>> failures = Arbitraries.oneOf(
                Arbitraries.just(List.of()),
                Arbitraries.integers().between(0, DETAILS.size() - 1).map(List::of),
                Arbitraries.integers().between(0, DETAILS.size() - 1).list().ofSize(2).uniqueElements());
        long start = DAY.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, POLICIES.size() - 1),
                Arbitraries.longs().between(start, start + 2 * 86_400_000L - 1), failures)
                .as(Session::new).list().ofMaxSize(80);
    }

    @Property(tries = 40)
    @AddLifecycleHook(StoresAvailable.class)
    @Label("RFC 8460 §4.1: two nodes' partial days, flushed at random moments and merged, equal one node's report")
    void twoNodesPartialDaysMergeIntoOneNodesReport(@ForAll("sessions") List<Session> sessions,
            @ForAll("flushPoints") Set<Integer> flushPoints) {
        open();
        Stores.truncate(ds);
        MutableClock clock = MutableClock.of(NOON);
        ReportAggregator one = aggregator(clock);
        ReportAggregator a = aggregator(clock);
        ReportAggregator b = aggregator(clock);
        ClusterReports nodeA = ClusterReports.builder(ds, a).nodeId("a").clock(clock).schedule(false).build();
        ClusterReports nodeB = ClusterReports.builder(ds, b).nodeId("b").clock(clock).schedule(false).build();
        for (int i = 0; i < sessions.size(); i++) {
            Session s = sessions.get(i);
            s.countIn(one);
            s.countIn(s.onA() ? a : b);
            if (flushPoints.contains(i)) {
                (s.onA() ? nodeA : nodeB).flushNow(); // a flush interval ends on one node mid-stream
            }
        }
        nodeA.flushNow();
        nodeB.flushNow();
        for (LocalDate day = DAY; day.isBefore(DAY.plusDays(2)); day = day.plusDays(1)) {
            ReportAggregator merged = aggregator(clock);
            merged.restore(nodeA.partials(day));
            List<TlsReport> expected = one.reports(day);
            assertThat(merged.reports(day)).as(day.toString()).isEqualTo(expected);
        }
    }

    @Provide
    Arbitrary<Set<Integer>> flushPoints() {
        return Arbitraries.integers().between(0, 79).set().ofMaxSize(10);
    }

    @Test
    @DisplayName("RFC 8460 §4.1: a node killed with kill -9 mid-day loses at most its unflushed interval")
    void nodeKilledMidDayLosesAtMostItsUnflushedInterval() throws Exception {
        open();
        Stores.truncate(ds);
        int every = 25;
        long lastFlushed = 0;
        try (Jvm node = Jvm.start(CountingNodeMain.class, props.getProperty("jdbc.url"),
                props.getProperty("jdbc.user"), props.getProperty("jdbc.password", ""), Integer.toString(every))) {
            assertThat(node.readLine()).isEqualTo("ready");
            while (lastFlushed < 40L * every) {
                lastFlushed = Long.parseLong(node.readLine().substring("flushed ".length()));
            }
            node.kill9();
            for (String line : node.rest()) {
                lastFlushed = Long.parseLong(line.substring("flushed ".length()));
            }
        }
        MutableClock clock = MutableClock.of(NOON);
        ReportAggregator merged = aggregator(clock);
        ClusterReports reader = ClusterReports.builder(ds, aggregator(clock)).nodeId("reader").clock(clock)
                .schedule(false).build();
        merged.restore(reader.partials(DAY));
        long stored = merged.reports(DAY).get(0).policies().get(0).summary().totalSuccessfulSessionCount();
        // Every acknowledged flush is in; a flush in flight at the kill is in whole or not at all;
        // what was counted after the last flush (fewer than one interval of sessions) is lost.
        assertThat(stored).isIn(lastFlushed, lastFlushed + every);
    }

    @Test
    @DisplayName("RFC 8460 §4.1: one of two reporting nodes takes the day's lease, merges both and reports once")
    void oneNodeReportsTheMergedDay() {
        open();
        Stores.truncate(ds);
        MutableClock clock = MutableClock.of(NOON);
        ReportAggregator a = aggregator(clock);
        ReportAggregator b = aggregator(clock);
        a.recordAt(POLICIES.get(0), List.of(), NOON.toEpochMilli());
        b.recordAt(POLICIES.get(0), List.of(DETAILS.get(0)), NOON.toEpochMilli());
        ReportAggregator mergedA = aggregator(clock);
        ReportAggregator mergedB = aggregator(clock);
        try (Reporting ra = new Reporting(mergedA, clock); Reporting rb = new Reporting(mergedB, clock)) {
            ClusterReports nodeA = ClusterReports.builder(ds, a).nodeId("a").clock(clock).schedule(false)
                    .reporter(mergedA, ra.reporter).build();
            ClusterReports nodeB = ClusterReports.builder(ds, b).nodeId("b").clock(clock).schedule(false)
                    .reporter(mergedB, rb.reporter).build();
            nodeA.flushNow();
            nodeB.flushNow();
            ReportAggregator expected = aggregator(clock);
            expected.restore(nodeB.partials(DAY));
            TlsReport both = expected.reports(DAY).get(0);
            assertThat(both.policies().get(0).summary().totalSuccessfulSessionCount()).isEqualTo(1);
            assertThat(both.policies().get(0).summary().totalFailureSessionCount()).isEqualTo(1);
            assertThat(nodeA.reportDueNow()).isEmpty(); // the day is not over
            clock.advance(Duration.ofHours(12).plus(ClusterReports.DEFAULT_REPORT_DELAY));
            var byA = nodeA.reportDueNow();
            var byB = nodeB.reportDueNow();
            assertThat(byA.keySet()).containsExactly(DAY);
            assertThat(byB).isEmpty();
            assertThat(byA.get(DAY)).extracting(r -> r.policyDomain().ascii()).containsOnly("example.com");
            assertThat(byA.get(DAY)).extracting(ReportResult::kind).contains(ReportResult.Kind.DELIVERED);
            assertThat(ra.sentReports()).containsExactly("example.com " + both.reportId());
            assertThat(rb.sentReports()).isEmpty();
            assertThat(nodeA.partials(DAY)).isEmpty();
            clock.advance(ClusterReports.DEFAULT_LEASE_DURATION);
            assertThat(nodeB.reportDueNow()).isEmpty(); // reported: never again
        }
    }
}
