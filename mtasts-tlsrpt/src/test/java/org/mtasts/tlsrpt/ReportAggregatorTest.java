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

    static final LocalDate DAY = LocalDate.of(2024, 2, 25);
    private final MutableClock clock = new MutableClock(Instant.parse("2024-02-25T12:00:00Z"));
    private final ReportAggregator aggregator = ReportAggregator.builder().organizationName("Example Mail")
            .contactInfo("tlsrpt@mail.example.net").clock(clock).build();

    static final PolicyDetails STS = PolicyDetails.sts(DomainName.of("example.com"),
            StsPolicy.builder().mode(PolicyMode.TESTING).mx("mx1.example.com").mx("mx2.example.com").build().toText());
    static final PolicyDetails NONE = PolicyDetails.noPolicyFound(DomainName.of("example.org"));

    static FailureDetails expired(String ip) {
        return FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).sendingMtaIp(ip)
                .receivingMxHostname("mx1.example.com").build();
    }

    static FailureDetails fetchFailed() {
        return FailureDetails.builder(ResultType.STS_POLICY_FETCH_ERROR).failureReasonCode("http-status-503").build();
    }

    private PolicyResult onlyPolicy(LocalDate day) {
        List<TlsReport> reports = aggregator.reports(day);
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).policies()).hasSize(1);
        return reports.get(0).policies().get(0);
    }

    @Test
    @DisplayName("RFC 8460 §4.1: one report per UTC day and policy domain, 00:00:00Z to 23:59:59Z")
    void dailyReportsPerPolicyDomain() {
        ReportAggregator.PolicyKey sts = aggregator.policy(STS);
        aggregator.success(sts);
        aggregator.success(sts);
        aggregator.failure(aggregator.failureKey(sts, expired("192.0.2.1")));
        aggregator.record(NONE, List.of());

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
        aggregator.record(STS, List.of(expired("192.0.2.1")));
        aggregator.record(STS, List.of(expired("192.0.2.1").withFailedSessionCount(7)));
        aggregator.record(STS, List.of(expired("192.0.2.1")));
        aggregator.record(STS, List.of(expired("192.0.2.2")));
        PolicyResult p = onlyPolicy(DAY);
        assertThat(p.failureDetails()).containsExactly(expired("192.0.2.1").withFailedSessionCount(3),
                expired("192.0.2.2").withFailedSessionCount(1));
        assertThat(p.summary()).isEqualTo(new Summary(0, 4));
    }

    @Test
    @DisplayName("RFC 8460 §4: failure types are not exclusive: a session with two details is one failed session")
    void twoDetailSessionCountsOnceInTheTotal() {
        ReportAggregator.PolicyKey sts = aggregator.policy(STS);
        ReportAggregator.FailureKey fetch = aggregator.failureKey(sts, fetchFailed());
        ReportAggregator.FailureKey cert = aggregator.failureKey(sts, expired("192.0.2.1"));
        aggregator.failure(fetch, cert);          // cached policy applied after a failed fetch, bad certificate
        aggregator.failure(cert);                 // a certificate failure alone
        aggregator.record(STS, List.of(fetchFailed(), expired("192.0.2.2")));
        aggregator.success(sts);

        PolicyResult p = onlyPolicy(DAY);
        assertThat(p.summary()).isEqualTo(new Summary(1, 3));
        assertThat(p.failureDetails()).containsExactly(
                expired("192.0.2.1").withFailedSessionCount(2),
                expired("192.0.2.2").withFailedSessionCount(1),
                fetchFailed().withFailedSessionCount(2));
        // The total counts sessions; the details add up to more (5), as RFC 8460 §4 allows.
        assertThat(p.failedSessionCountSum()).isEqualTo(5);
        ReadResult read = TlsReportReader.strict().read(TlsReportWriter.create().toJson(aggregator.reports(DAY).get(0)));
        assertThat(read.orElseThrow()).isEqualTo(aggregator.reports(DAY).get(0));
        assertThat(read.warnings()).extracting(ReportWarning::kind).contains(ReportWarning.Kind.COUNTS_DISAGREE);
    }

    @Test
    @DisplayName("RFC 8460 §4.4: with one detail per failed session, the total equals the sum of the details")
    void oneDetailSessionsAddUp() {
        ReportAggregator.PolicyKey sts = aggregator.policy(STS);
        for (int i = 0; i < 5; i++) {
            aggregator.failure(aggregator.failureKey(sts, expired("192.0.2." + (i % 2))));
        }
        PolicyResult p = onlyPolicy(DAY);
        assertThat(p.summary().totalFailureSessionCount()).isEqualTo(5).isEqualTo(p.failedSessionCountSum());
    }

    @Test
    @DisplayName("RFC 8460 §4.1: the UTC day of the injected clock decides where a session counts")
    void sessionsCountOnTheirUtcDay() {
        ReportAggregator.PolicyKey sts = aggregator.policy(STS);
        ReportAggregator.FailureKey a = aggregator.failureKey(sts, fetchFailed());
        ReportAggregator.FailureKey b = aggregator.failureKey(sts, expired("192.0.2.1"));
        clock.set(Instant.parse("2024-02-25T23:59:59.999Z"));
        aggregator.success(sts);
        aggregator.failure(a, b);
        clock.advanceMillis(1);
        aggregator.success(sts);
        aggregator.success(sts);
        aggregator.failure(a, b);
        aggregator.failure(b);
        assertThat(aggregator.days()).containsExactly(DAY, DAY.plusDays(1));
        assertThat(onlyPolicy(DAY).summary()).isEqualTo(new Summary(1, 1));
        TlsReport next = aggregator.reports(DAY.plusDays(1)).get(0);
        assertThat(next.policies().get(0).summary()).isEqualTo(new Summary(2, 2));
        assertThat(next.policies().get(0).failedSessionCountSum()).isEqualTo(3);
        assertThat(next.dateRange()).isEqualTo(DateRange.utcDay(DAY.plusDays(1)));
    }

    @Test
    @DisplayName("RFC 8460 §4.1: a taken day is forgotten; a late session makes a partial report that merges")
    void takingADayForgetsIt() {
        ReportAggregator.PolicyKey sts = aggregator.policy(STS);
        aggregator.success(sts);
        List<TlsReport> first = aggregator.takeReports(DAY);
        assertThat(first).hasSize(1);
        assertThat(aggregator.days()).isEmpty();
        assertThat(aggregator.reports(DAY)).isEmpty();
        assertThat(aggregator.snapshot()).isEmpty();
        assertThat(aggregator.takeReports(DAY)).isEmpty();
        aggregator.success(sts); // late: the key is still usable after it was forgotten
        List<TlsReport> late = aggregator.takeReports(DAY);
        assertThat(late).hasSize(1);
        assertThat(first.get(0).merge(late.get(0)).totalSuccessfulSessionCount()).isEqualTo(2);
        assertThat(aggregator.policy(STS)).isNotNull();
    }

    @Test
    @DisplayName("RFC 8460 §4.1: the *At methods count on the day of the given time, not the clock's")
    void explicitTimes() {
        ReportAggregator.PolicyKey sts = aggregator.policy(STS);
        ReportAggregator.FailureKey cert = aggregator.failureKey(sts, expired("192.0.2.1"));
        ReportAggregator.FailureKey fetch = aggregator.failureKey(sts, fetchFailed());
        long yesterday = Instant.parse("2024-02-24T23:00:00Z").toEpochMilli();
        aggregator.successAt(sts, yesterday);
        aggregator.failureAt(cert, yesterday);
        aggregator.failureAt(cert, fetch, yesterday);
        aggregator.recordAt(NONE, List.of(), yesterday);
        aggregator.recordAt(STS, List.of(fetchFailed()), yesterday);
        assertThat(aggregator.days()).containsExactly(DAY.minusDays(1));
        List<TlsReport> reports = aggregator.reports(DAY.minusDays(1));
        assertThat(reports.get(0).policies().get(0).summary()).isEqualTo(new Summary(1, 3));
        assertThat(reports.get(0).policies().get(0).failedSessionCountSum()).isEqualTo(4);
        assertThat(reports.get(1).policies().get(0).summary()).isEqualTo(new Summary(1, 0));
    }

    @Test
    @DisplayName("Keys are interned: equal details give the same key, whatever their count")
    void keysAreInterned() {
        ReportAggregator.PolicyKey a = aggregator.policy(STS);
        ReportAggregator.PolicyKey b = aggregator.policy(PolicyDetails.sts(DomainName.of("example.com"),
                StsPolicy.builder().mode(PolicyMode.TESTING).mx("mx1.example.com").mx("mx2.example.com").build().toText()));
        assertThat(b).isSameAs(a);
        ReportAggregator.FailureKey f = aggregator.failureKey(a, expired("192.0.2.1"));
        assertThat(aggregator.failureKey(a, expired("192.0.2.1"))).isSameAs(f);
        assertThat(aggregator.failureKey(a, expired("192.0.2.1").withFailedSessionCount(9))).isSameAs(f);
        assertThat(f.policy()).isSameAs(a);
        assertThat(f.details()).isEqualTo(expired("192.0.2.1").withFailedSessionCount(0));
        assertThat(f.details().failedSessionCount()).isZero();
        assertThat(a.details()).isEqualTo(STS);
        assertThat(a).hasToString("PolicyKey[sts example.com]");
        assertThat(f).hasToString("FailureKey[certificate-expired under PolicyKey[sts example.com]]");
    }

    @Test
    @DisplayName("RFC 8460 §7: beyond maxFailureKeys, new failures are counted by result type only")
    void failureKeysAreBounded() {
        ReportAggregator small = ReportAggregator.builder().organizationName("x").contactInfo("a@b.example")
                .clock(clock).maxFailureKeys(2).build();
        small.record(STS, List.of(expired("192.0.2.1")));
        small.record(STS, List.of(expired("192.0.2.2")));
        small.record(STS, List.of(expired("192.0.2.3")));
        small.record(STS, List.of(expired("192.0.2.4")));
        PolicyResult p = small.reports(DAY).get(0).policies().get(0);
        assertThat(p.failureDetails()).hasSize(3);
        assertThat(p.failureDetails().get(0)).isEqualTo(new FailureDetails(ResultType.CERTIFICATE_EXPIRED, null, null,
                null, null, 2, null, null));
        assertThat(p.summary()).isEqualTo(new Summary(0, 4));
        assertThat(small.takeReports(DAY)).hasSize(1);
        small.record(STS, List.of(expired("192.0.2.5"))); // forgotten keys free their places
        assertThat(small.reports(DAY).get(0).policies().get(0).failureDetails()).containsExactly(
                expired("192.0.2.5").withFailedSessionCount(1));
    }

    @Test
    @DisplayName("RFC 8460 §7: two details made one by maxFailureKeys count once, not as a misuse")
    void twoDetailsCoarsenedIntoOneKeyCountOnce() {
        ReportAggregator small = ReportAggregator.builder().organizationName("x").contactInfo("a@b.example")
                .clock(clock).maxFailureKeys(1).build();
        small.record(STS, List.of(fetchFailed()));  // the one detailed key
        small.record(STS, List.of(expired("192.0.2.1"), expired("192.0.2.2"))); // both: certificate-expired only
        ReportAggregator.PolicyKey sts = small.policy(STS);
        ReportAggregator.FailureKey coarse = small.failureKey(sts, expired("192.0.2.3"));
        assertThat(small.failureKey(sts, expired("192.0.2.4"))).isSameAs(coarse);
        small.failure(coarse, coarse);
        PolicyResult p = small.reports(DAY).get(0).policies().get(0);
        assertThat(p.summary()).isEqualTo(new Summary(0, 3));
        assertThat(p.failureDetails()).containsExactly(
                new FailureDetails(ResultType.CERTIFICATE_EXPIRED, null, null, null, null, 2, null, null),
                fetchFailed().withFailedSessionCount(1));
    }

    @Test
    @DisplayName("RFC 8460 §7: keys forgotten with a taken day are not served again from the identity caches")
    void forgottenKeysLeaveTheIdentityCaches() {
        ReportAggregator small = ReportAggregator.builder().organizationName("x").contactInfo("a@b.example")
                .clock(clock).maxFailureKeys(1).build();
        FailureDetails first = expired("192.0.2.1");
        List<FailureDetails> firstOnly = List.of(first);
        small.record(STS, firstOnly);
        ReportAggregator.PolicyKey before = small.policy(STS);
        assertThat(small.takeReports(DAY)).hasSize(1);
        small.record(STS, firstOnly); // the very same objects: looked up again, counted under the limit
        small.record(STS, List.of(expired("192.0.2.2"))); // over the limit: by result type only
        assertThat(small.policy(STS)).isNotSameAs(before);
        assertThat(small.reports(DAY).get(0).policies().get(0).failureDetails()).containsExactlyInAnyOrder(
                first.withFailedSessionCount(1),
                new FailureDetails(ResultType.CERTIFICATE_EXPIRED, null, null, null, null, 1, null, null));
    }

    @Test
    @DisplayName("RFC 8460 §7: failure keys made under a kept, forgotten policy key still free their places")
    void failureKeysUnderAKeptPolicyKeyAreFreed() {
        ReportAggregator small = ReportAggregator.builder().organizationName("x").contactInfo("a@b.example")
                .clock(clock).maxFailureKeys(1).build();
        ReportAggregator.PolicyKey kept = small.policy(STS); // as an MTA keeps it next to its cached policy
        small.success(kept);
        small.takeReports(DAY); // the key is forgotten by the aggregator, not by the MTA
        clock.advanceMillis(86_400_000L);
        small.failure(small.failureKey(kept, expired("192.0.2.1")));
        small.takeReports(DAY.plusDays(1));
        clock.advanceMillis(86_400_000L);
        small.failure(small.failureKey(kept, expired("192.0.2.2"))); // the place was freed: full details
        assertThat(small.reports(DAY.plusDays(2)).get(0).policies().get(0).failureDetails())
                .containsExactly(expired("192.0.2.2").withFailedSessionCount(1));
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
        assertThatThrownBy(() -> aggregator.policy(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("details");
        assertThatThrownBy(() -> ReportAggregator.builder().build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ReportAggregator.builder().contactInfo("nobody")).hasMessageContaining("RFC 8460 §4.4");
        assertThatThrownBy(() -> ReportAggregator.builder().maxFailureKeys(0)).hasMessageContaining("maxFailureKeys");
    }

    @Test
    @DisplayName("Keys of another aggregator are refused by every counting call")
    void keysOfAnotherAggregatorAreRefused() {
        ReportAggregator other = ReportAggregator.builder().organizationName("x").contactInfo("a@b.example").build();
        ReportAggregator.PolicyKey foreign = other.policy(STS);
        ReportAggregator.FailureKey foreignFailure = other.failureKey(foreign, expired("192.0.2.1"));
        ReportAggregator.FailureKey foreignFailure2 = other.failureKey(foreign, fetchFailed());
        assertThatThrownBy(() -> aggregator.success(foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another aggregator");
        assertThatThrownBy(() -> aggregator.successAt(foreign, 0)).hasMessageContaining("another aggregator");
        assertThatThrownBy(() -> aggregator.failureKey(foreign, expired("192.0.2.1")))
                .hasMessageContaining("another aggregator");
        assertThatThrownBy(() -> aggregator.failure(foreignFailure)).hasMessageContaining("another aggregator");
        assertThatThrownBy(() -> aggregator.failureAt(foreignFailure, 0)).hasMessageContaining("another aggregator");
        assertThatThrownBy(() -> aggregator.failure(foreignFailure, foreignFailure2))
                .hasMessageContaining("another aggregator");
        ReportAggregator.FailureKey mine = aggregator.failureKey(aggregator.policy(STS), fetchFailed());
        assertThatThrownBy(() -> aggregator.failure(mine, foreignFailure)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one policy");
        assertThat(aggregator.days()).isEmpty();
    }

    @Test
    @DisplayName("RFC 8460 §4: the two failures of one session belong to one policy and differ")
    void twoFailuresOfOneSessionAreChecked() {
        ReportAggregator.PolicyKey sts = aggregator.policy(STS);
        ReportAggregator.PolicyKey none = aggregator.policy(NONE);
        ReportAggregator.FailureKey a = aggregator.failureKey(sts, expired("192.0.2.1"));
        ReportAggregator.FailureKey b = aggregator.failureKey(none, fetchFailed());
        assertThatThrownBy(() -> aggregator.failure(a, b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("both failures of one session belong to one policy, not to PolicyKey[sts example.com] "
                        + "and PolicyKey[no-policy-found example.org]");
        assertThatThrownBy(() -> aggregator.failureAt(a, a, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must differ");
        assertThatThrownBy(() -> aggregator.failure(a, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("second");
        assertThatThrownBy(() -> aggregator.record(STS, List.of(expired("192.0.2.1"), expired("192.0.2.1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must differ");
        assertThatThrownBy(() -> aggregator.record(STS, List.of(expired("192.0.2.1"), fetchFailed(),
                expired("192.0.2.2")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("one session counts in at most 2 failure details, not 3");
        assertThatThrownBy(() -> aggregator.record(STS, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("failures");
        assertThat(aggregator.days()).as("nothing counted by a refused call").isEmpty();
    }

    @Test
    @DisplayName("Thread-safe: concurrent sessions on shared keys are all counted")
    void concurrentSessionsAreAllCounted() throws Exception {
        ReportAggregator.PolicyKey sts = aggregator.policy(STS);
        ReportAggregator.FailureKey fail = aggregator.failureKey(sts, expired("192.0.2.1"));
        ReportAggregator.FailureKey fetch = aggregator.failureKey(sts, fetchFailed());
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
                    List<FailureDetails> own = List.of(expired("192.0.2." + (id + 10)));
                    for (int i = 0; i < perThread; i++) {
                        switch (i % 4) {
                            case 0 -> aggregator.failure(fail);
                            case 1 -> aggregator.record(STS, own);
                            case 2 -> aggregator.failure(fail, fetch);
                            default -> aggregator.success(sts);
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
        int quarter = threads * perThread / 4;
        PolicyResult p = onlyPolicy(DAY);
        assertThat(p.summary()).isEqualTo(new Summary(quarter, 3L * quarter));
        assertThat(p.failureDetails()).hasSize(2 + threads);
        assertThat(p.failedSessionCountSum()).isEqualTo(4L * quarter);
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
        ReportAggregator.FailureKey fail = aggregator.failureKey(sts, expired("192.0.2.1"));
        ReportAggregator.FailureKey fetch = aggregator.failureKey(sts, fetchFailed());
        List<FailureDetails> detail = List.of(expired("192.0.2.1"));
        List<FailureDetails> equalDetail = List.of(expired("192.0.2.1")); // equal, not the same: hashed each time
        List<FailureDetails> twoDetails = List.of(fetchFailed(), expired("192.0.2.1"));
        List<FailureDetails> none = List.of();
        long now = clock.millis();
        for (int i = 0; i < 20_000; i++) { // warm up: cells exist, code is compiled
            count(sts, fail, fetch, detail, equalDetail, twoDetails, none, now);
        }
        long id = Thread.currentThread().getId();
        int calls = 100_000;
        long before = (Long) allocatedBytes.invoke(threads, id);
        for (int i = 0; i < calls; i++) {
            count(sts, fail, fetch, detail, equalDetail, twoDetails, none, now);
        }
        long allocated = (Long) allocatedBytes.invoke(threads, id) - before;
        // Less than one byte per call: the measurement itself may allocate a little.
        assertThat(allocated).isLessThan(calls);
    }

    private void count(ReportAggregator.PolicyKey sts, ReportAggregator.FailureKey fail,
            ReportAggregator.FailureKey fetch, List<FailureDetails> detail, List<FailureDetails> equalDetail,
            List<FailureDetails> twoDetails, List<FailureDetails> none, long now) {
        aggregator.success(sts);
        aggregator.failure(fail);
        aggregator.failure(fail, fetch);
        aggregator.record(STS, detail);
        aggregator.record(STS, equalDetail);
        aggregator.record(STS, twoDetails);
        aggregator.record(STS, none);
        aggregator.successAt(sts, now);
        aggregator.failureAt(fail, fetch, now);
    }
}
