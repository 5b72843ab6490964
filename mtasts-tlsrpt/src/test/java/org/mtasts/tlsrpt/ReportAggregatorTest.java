package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;

class ReportAggregatorTest {

    private static final LocalDate DAY = LocalDate.of(2024, 2, 25);
    private final MutableClock clock = new MutableClock(Instant.parse("2024-02-25T12:00:00Z"));
    private final ReportAggregator aggregator = ReportAggregator.builder().organizationName("Example Mail")
            .contactInfo("tlsrpt@mail.example.net").clock(clock).build();

    private static final PolicyDetails STS = PolicyDetails.sts(DomainName.of("example.com"),
            StsPolicy.builder().mode(PolicyMode.TESTING).mx("mx1.example.com").mx("mx2.example.com").build().toText());
    private static final PolicyDetails NONE = PolicyDetails.noPolicyFound(DomainName.of("example.org"));

    private static FailureDetails expired(String ip) {
        return FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).sendingMtaIp(ip)
                .receivingMxHostname("mx1.example.com").build();
    }

    @Test
    @DisplayName("RFC 8460 §4.1: one report per UTC day and policy domain, 00:00:00Z to 23:59:59Z")
    void dailyReportsPerPolicyDomain() {
        ReportAggregator.PolicyKey sts = aggregator.policy(STS);
        aggregator.success(sts, false);
        aggregator.success(sts, false);
        aggregator.failure(aggregator.failure(sts, expired("192.0.2.1")), false);
        aggregator.record(NONE, null, false);

        List<TlsReport> reports = aggregator.reports(DAY);
        assertThat(reports).hasSize(2);
        TlsReport com = reports.get(0);
        assertThat(com.organizationName()).isEqualTo("Example Mail");
        assertThat(com.contactInfo()).isEqualTo("tlsrpt@mail.example.net");
        assertThat(com.dateRange()).isEqualTo(new DateRange(Instant.parse("2024-02-25T00:00:00Z"),
                Instant.parse("2024-02-25T23:59:59Z")));
        assertThat(com.reportId()).isEqualTo("20240225.example.com@mail.example.net");
        assertThat(com.policies()).hasSize(1);
        PolicyResult p = com.policies().get(0);
        assertThat(p.policy()).isEqualTo(STS);
        assertThat(p.summary()).isEqualTo(new Summary(2, 1));
        assertThat(p.failureDetails()).containsExactly(expired("192.0.2.1").withFailedSessionCount(1));
        assertThat(reports.get(1).reportId()).isEqualTo("20240225.example.org@mail.example.net");
        assertThat(reports.get(1).policies().get(0).summary()).isEqualTo(new Summary(1, 0));
        assertThat(aggregator.days()).containsExactly(DAY);
        // Written and read strictly: the aggregator's reports are RFC 8460 reports.
        for (TlsReport r : reports) {
            ReadResult read = TlsReportReader.strict().read(TlsReportWriter.create().toGzip(r));
            assertThat(read.orElseThrow()).isEqualTo(r);
            assertThat(read.warnings()).isEmpty();
        }
    }

    @Test
    @DisplayName("RFC 8460 §4: identical failure details are merged with their counts summed")
    void identicalFailuresAreMerged() {
        aggregator.record(STS, expired("192.0.2.1"), false);
        aggregator.record(STS, expired("192.0.2.1").withFailedSessionCount(7), false);
        aggregator.record(STS, expired("192.0.2.1"), false);
        aggregator.record(STS, expired("192.0.2.2"), false);
        PolicyResult p = aggregator.reports(DAY).get(0).policies().get(0);
        assertThat(p.failureDetails()).containsExactly(expired("192.0.2.1").withFailedSessionCount(3),
                expired("192.0.2.2").withFailedSessionCount(1));
        assertThat(p.summary()).isEqualTo(new Summary(0, 4));
    }

    @Test
    @DisplayName("RFC 8460 §3: sessions that delivered reports are not counted")
    void reportDeliveriesAreNotCounted() {
        ReportAggregator.PolicyKey sts = aggregator.policy(STS);
        aggregator.success(sts, true);
        aggregator.failure(aggregator.failure(sts, expired("192.0.2.1")), true);
        aggregator.record(NONE, null, true);
        assertThat(aggregator.reports(DAY)).isEmpty();
        aggregator.success(sts, false);
        assertThat(aggregator.reports(DAY).get(0).policies().get(0).summary()).isEqualTo(new Summary(1, 0));
    }

    @Test
    @DisplayName("RFC 8460 §4.1: the UTC day of the injected clock decides where a session counts")
    void sessionsCountOnTheirUtcDay() {
        ReportAggregator.PolicyKey sts = aggregator.policy(STS);
        clock.set(Instant.parse("2024-02-25T23:59:59.999Z"));
        aggregator.success(sts, false);
        clock.advanceMillis(1);
        aggregator.success(sts, false);
        aggregator.success(sts, false);
        assertThat(aggregator.days()).containsExactly(DAY, DAY.plusDays(1));
        assertThat(aggregator.reports(DAY).get(0).totalSuccessfulSessionCount()).isEqualTo(1);
        TlsReport next = aggregator.reports(DAY.plusDays(1)).get(0);
        assertThat(next.totalSuccessfulSessionCount()).isEqualTo(2);
        assertThat(next.dateRange()).isEqualTo(DateRange.utcDay(DAY.plusDays(1)));
    }

    @Test
    @DisplayName("RFC 8460 §4.1: a taken day is forgotten; a late session makes a partial report that merges")
    void takingADayForgetsIt() {
        ReportAggregator.PolicyKey sts = aggregator.policy(STS);
        aggregator.success(sts, false);
        List<TlsReport> first = aggregator.takeReports(DAY);
        assertThat(first).hasSize(1);
        assertThat(aggregator.days()).isEmpty();
        assertThat(aggregator.reports(DAY)).isEmpty();
        assertThat(aggregator.takeReports(DAY)).isEmpty();
        aggregator.success(sts, false); // late: the key is still usable after it was forgotten
        List<TlsReport> late = aggregator.takeReports(DAY);
        assertThat(late).hasSize(1);
        assertThat(first.get(0).merge(late.get(0)).totalSuccessfulSessionCount()).isEqualTo(2);
        assertThat(aggregator.policy(STS)).isNotNull();
    }

    @Test
    @DisplayName("RFC 8460 §4.1: the *At methods count on the day of the given time, not the clock's")
    void explicitTimes() {
        ReportAggregator.PolicyKey sts = aggregator.policy(STS);
        long yesterday = Instant.parse("2024-02-24T23:00:00Z").toEpochMilli();
        aggregator.successAt(sts, yesterday, false);
        aggregator.failureAt(aggregator.failure(sts, expired("192.0.2.1")), yesterday, false);
        aggregator.recordAt(NONE, null, yesterday, false);
        aggregator.successAt(sts, yesterday, true);
        aggregator.recordAt(NONE, null, yesterday, true);
        assertThat(aggregator.days()).containsExactly(DAY.minusDays(1));
        List<TlsReport> reports = aggregator.reports(DAY.minusDays(1));
        assertThat(reports.get(0).policies().get(0).summary()).isEqualTo(new Summary(1, 1));
        assertThat(reports.get(1).policies().get(0).summary()).isEqualTo(new Summary(1, 0));
    }

    @Test
    @DisplayName("Keys are interned: equal details give the same key")
    void keysAreInterned() {
        ReportAggregator.PolicyKey a = aggregator.policy(STS);
        ReportAggregator.PolicyKey b = aggregator.policy(PolicyDetails.sts(DomainName.of("example.com"),
                StsPolicy.builder().mode(PolicyMode.TESTING).mx("mx1.example.com").mx("mx2.example.com").build().toText()));
        assertThat(b).isSameAs(a);
        assertThat(aggregator.failure(a, expired("192.0.2.1"))).isSameAs(aggregator.failure(a, expired("192.0.2.1")));
        assertThat(aggregator.failure(a, expired("192.0.2.1")).policy()).isSameAs(a);
        assertThat(aggregator.failure(a, expired("192.0.2.1")).details().failedSessionCount()).isZero();
        assertThat(a.details()).isEqualTo(STS);
    }

    @Test
    @DisplayName("RFC 8460 §7: beyond maxFailureKeys, new failures are counted by result type only")
    void failureKeysAreBounded() {
        ReportAggregator small = ReportAggregator.builder().organizationName("x").contactInfo("a@b.example")
                .clock(clock).maxFailureKeys(2).build();
        small.record(STS, expired("192.0.2.1"), false);
        small.record(STS, expired("192.0.2.2"), false);
        small.record(STS, expired("192.0.2.3"), false);
        small.record(STS, expired("192.0.2.4"), false);
        List<FailureDetails> details = small.reports(DAY).get(0).policies().get(0).failureDetails();
        assertThat(details).hasSize(3);
        assertThat(details.get(0)).isEqualTo(new FailureDetails(ResultType.CERTIFICATE_EXPIRED, null, null, null,
                null, 2, null, null));
        assertThat(small.takeReports(DAY)).hasSize(1);
        small.record(STS, expired("192.0.2.5"), false); // forgotten keys free their places
        assertThat(small.reports(DAY).get(0).policies().get(0).failureDetails()).containsExactly(
                expired("192.0.2.5").withFailedSessionCount(1));
    }

    @Test
    @DisplayName("RFC 8460 §7: keys forgotten with a taken day are not served again from the identity caches")
    void forgottenKeysLeaveTheIdentityCaches() {
        ReportAggregator small = ReportAggregator.builder().organizationName("x").contactInfo("a@b.example")
                .clock(clock).maxFailureKeys(1).build();
        FailureDetails first = expired("192.0.2.1");
        small.record(STS, first, false);
        ReportAggregator.PolicyKey before = small.policy(STS);
        assertThat(small.takeReports(DAY)).hasSize(1);
        small.record(STS, first, false); // the very same objects: looked up again, counted under the limit
        small.record(STS, expired("192.0.2.2"), false); // over the limit: by result type only
        assertThat(small.policy(STS)).isNotSameAs(before);
        assertThat(small.reports(DAY).get(0).policies().get(0).failureDetails()).containsExactlyInAnyOrder(
                first.withFailedSessionCount(1),
                new FailureDetails(ResultType.CERTIFICATE_EXPIRED, null, null, null, null, 1, null, null));
    }

    @Test
    @DisplayName("Misuse is an exception naming the problem")
    void misuse() {
        assertThatThrownBy(() -> aggregator.policy(new PolicyDetails(PolicyType.STS, "sts", List.of(), null,
                List.of()))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("policy-domain");
        assertThatThrownBy(() -> aggregator.policy(new PolicyDetails(PolicyType.STS, "sts", List.of(),
                "Example.COM", List.of()))).hasMessageContaining("A-labels");
        assertThatThrownBy(() -> aggregator.policy(new PolicyDetails(PolicyType.UNKNOWN, "x", List.of(),
                "example.com", List.of()))).hasMessageContaining("no-policy-found");
        ReportAggregator other = ReportAggregator.builder().organizationName("x").contactInfo("a@b.example").build();
        ReportAggregator.PolicyKey foreign = other.policy(STS);
        assertThatThrownBy(() -> aggregator.success(foreign, false)).hasMessageContaining("another aggregator");
        assertThatThrownBy(() -> ReportAggregator.builder().build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ReportAggregator.builder().contactInfo("nobody")).hasMessageContaining("RFC 8460 §4.4");
        assertThatThrownBy(() -> ReportAggregator.builder().maxFailureKeys(0)).hasMessageContaining("maxFailureKeys");
    }

    @Test
    @DisplayName("Thread-safe: concurrent sessions on shared keys are all counted")
    void concurrentSessionsAreAllCounted() throws Exception {
        ReportAggregator.PolicyKey sts = aggregator.policy(STS);
        ReportAggregator.FailureKey fail = aggregator.failure(sts, expired("192.0.2.1"));
        int threads = 4;
        int perThread = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        if (i % 4 == 0) {
                            aggregator.failure(fail, false);
                        } else if (i % 4 == 1) {
                            aggregator.record(STS, expired("192.0.2." + (id + 10)), false);
                        } else {
                            aggregator.success(sts, false);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        PolicyResult p = aggregator.reports(DAY).get(0).policies().get(0);
        assertThat(p.summary()).isEqualTo(new Summary(threads * perThread / 2, threads * perThread / 2));
        assertThat(p.failureDetails()).hasSize(1 + threads);
        assertThat(p.failedSessionCountSum()).isEqualTo(threads * perThread / 2);
    }

    @Test
    @DisplayName("The hot path allocates nothing for a key counted before on the same day")
    void hotPathAllocatesNothing() throws ReflectiveOperationException {
        // Reflection: the test is compiled inside the module, which does not read java.management.
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        Class<?> hotspot = Class.forName("com.sun.management.ThreadMXBean");
        Assumptions.assumeTrue(hotspot.isInstance(threads));
        Assumptions.assumeTrue((Boolean) hotspot.getMethod("isThreadAllocatedMemorySupported").invoke(threads)
                && (Boolean) hotspot.getMethod("isThreadAllocatedMemoryEnabled").invoke(threads));
        Method allocatedBytes = hotspot.getMethod("getThreadAllocatedBytes", long.class);
        ReportAggregator.PolicyKey sts = aggregator.policy(STS);
        ReportAggregator.FailureKey fail = aggregator.failure(sts, expired("192.0.2.1"));
        FailureDetails detail = expired("192.0.2.1");
        FailureDetails equalDetail = expired("192.0.2.1"); // equal, not the same object: hashed each time
        long now = clock.millis();
        for (int i = 0; i < 20_000; i++) { // warm up: cells exist, code is compiled
            aggregator.success(sts, false);
            aggregator.failure(fail, false);
            aggregator.record(STS, detail, false);
            aggregator.record(STS, equalDetail, false);
            aggregator.successAt(sts, now, false);
        }
        long id = Thread.currentThread().getId();
        int calls = 100_000;
        long before = (Long) allocatedBytes.invoke(threads, id);
        for (int i = 0; i < calls; i++) {
            aggregator.success(sts, false);
            aggregator.failure(fail, false);
            aggregator.record(STS, detail, false);
            aggregator.record(STS, equalDetail, false);
            aggregator.successAt(sts, now, false);
        }
        long allocated = (Long) allocatedBytes.invoke(threads, id) - before;
        // Less than one byte per call: the measurement itself may allocate a little.
        assertThat(allocated).isLessThan(calls);
    }
}
