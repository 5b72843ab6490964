package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mtasts.http.ScriptedFetcher.fetched;
import static org.mtasts.http.ScriptedFetcher.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.PolicyStore;
import org.mtasts.core.ResultType;
import org.mtasts.core.TxtAnswer;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MutableClock;
import org.mtasts.tlsrpt.PolicyDetails;
import org.mtasts.tlsrpt.PolicyType;

class MtaStsTest {
    static final String D = "example.com";
    static final DomainName DOMAIN = DomainName.of(D);
    static final String RECORD = "_mta-sts.example.com";
    static final String ENFORCE = policy("enforce", 86_400, "mx1.example.com", "*.mx.example.com");
    static final String TESTING = policy("testing", 3_600, "mx2.example.com");

    final MutableClock clock = MutableClock.of(Instant.parse("2026-11-28T00:00:00Z"));
    final FakeTxtResolver dns = FakeTxtResolver.create();
    final ScriptedFetcher fetcher = new ScriptedFetcher();
    final InMemoryPolicyStore store = new InMemoryPolicyStore(1000, clock);
    final MtaSts sts = MtaSts.builder().txtResolver(dns).fetcher(fetcher).store(store).clock(clock)
            .executor(Runnable::run).proactiveRefresh(false).build();

    @AfterEach
    void close() {
        sts.close();
    }

    /**
     * What a check of the record decides now: the path of a cold resolution and of the background
     * recheck (the rules of RFC 8461 §3, §5.1); {@code MtaStsMemoryTest} tests when it runs.
     */
    private PolicyResolution check() {
        return sts.resolver().resolve(DOMAIN, false).join();
    }

    /** Caches ENFORCE under id 1 at the clock's current time. */
    private PolicyResolution.Active warm() {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.serve(D, ENFORCE);
        PolicyResolution r = sts.resolve(DOMAIN);
        assertThat(r).isInstanceOf(PolicyResolution.Active.class);
        return (PolicyResolution.Active) r;
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a cold domain is looked up, fetched and cached until fetch + max_age")
    void aColdDomainIsFetchedAndCached() {
        PolicyResolution.Active active = warm();

        assertThat(active.fresh()).isTrue();
        assertThat(active.policy().mode()).isEqualTo(PolicyMode.ENFORCE);
        assertThat(active.policyToApply()).contains(active.policy());
        assertThat(active.domain()).isEqualTo(DOMAIN);
        CachedPolicy cached = store.get(DOMAIN).orElseThrow();
        assertThat(cached).isEqualTo(active.cached());
        assertThat(cached.recordId()).isEqualTo("1");
        assertThat(cached.text()).isEqualTo(ENFORCE);
        assertThat(cached.fetchedAt()).isEqualTo(clock.instant());
        assertThat(cached.expiresAt()).isEqualTo(clock.instant().plusSeconds(86_400));
        assertThat(dns.lookups(RECORD)).isEqualTo(1);
        assertThat(fetcher.fetches(D)).isEqualTo(1);
        PolicyDetails reported = active.reportedPolicy();
        assertThat(reported.policyType()).isEqualTo(PolicyType.STS);
        assertThat(reported.policyDomain()).isEqualTo(D);
        assertThat(reported.policyStrings()).containsExactly("version: STSv1", "mode: enforce", "mx: mx1.example.com",
                "mx: *.mx.example.com", "max_age: 86400");
        assertThat(reported.mxHosts()).containsExactly("mx1.example.com", "*.mx.example.com");
        assertThat(active.policyFailure()).isEmpty();
    }

    @Test
    @DisplayName("RFC 8461 §3: the same record id and an unexpired cache mean no fetch")
    void sameIdAndUnexpiredCacheMeansNoFetch() {
        warm();
        clock.advance(Duration.ofHours(23));

        PolicyResolution second = check();
        PolicyResolution third = check();

        assertThat(second).isInstanceOf(PolicyResolution.Active.class);
        assertThat(((PolicyResolution.Active) second).fresh()).isFalse();
        assertThat(third).isSameAs(second); // the prebuilt result is reused
        assertThat(fetcher.fetches(D)).isEqualTo(1);
        assertThat(dns.lookups(RECORD)).isEqualTo(3); // the record is looked up on every check
    }

    @Test
    @DisplayName("RFC 8461 §3: the same id in a different record text (reordered TXT set) is still a cache hit")
    void sameIdInAnotherRecordSetIsACacheHit() {
        warm();
        dns.records(RECORD, "v=spf1 -all", "v=STSv1; id=1; ext=x");
        PolicyResolution r = check();
        assertThat(((PolicyResolution.Active) r).fresh()).isFalse();
        assertThat(fetcher.fetches(D)).isEqualTo(1);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a new record id means a fetch, and the new policy replaces the cached one")
    void newIdMeansFetch() {
        warm();
        dns.records(RECORD, "v=STSv1; id=2");
        fetcher.serve(D, TESTING);

        PolicyResolution r = check();

        assertThat(((PolicyResolution.Active) r).fresh()).isTrue();
        assertThat(((PolicyResolution.Active) r).policy().mode()).isEqualTo(PolicyMode.TESTING);
        assertThat(store.get(DOMAIN).orElseThrow().recordId()).isEqualTo("2");
        assertThat(fetcher.fetches(D)).isEqualTo(2);
    }

    @Test
    @DisplayName("RFC 8461 §8.1: a changed policy body under an unchanged id keeps the old policy")
    void changedBodyUnderUnchangedIdKeepsTheOldPolicy() {
        warm();
        fetcher.serve(D, TESTING); // the domain edited the policy but not the id
        clock.advance(Duration.ofHours(1));

        PolicyResolution r = check();

        assertThat(((PolicyResolution.Active) r).policy().mode()).isEqualTo(PolicyMode.ENFORCE);
        assertThat(fetcher.fetches(D)).isEqualTo(1);
    }

    @Test
    @DisplayName("RFC 8461 §3.2: a policy expires exactly at fetch time + max_age")
    void expiryIsExactlyAtFetchPlusMaxAge() {
        warm();
        clock.advance(Duration.ofSeconds(86_400).minusMillis(1));
        assertThat(((PolicyResolution.Active) check()).fresh()).isFalse();
        assertThat(fetcher.fetches(D)).isEqualTo(1);

        clock.advance(Duration.ofMillis(1));
        PolicyResolution atExpiry = check();

        assertThat(((PolicyResolution.Active) atExpiry).fresh()).isTrue();
        assertThat(fetcher.fetches(D)).isEqualTo(2);
        assertThat(store.get(DOMAIN).orElseThrow().fetchedAt()).isEqualTo(clock.instant());
    }

    @Test
    @DisplayName("RFC 8461 §3.2: max_age 0 is used for this delivery and never served from the cache")
    void maxAgeZeroIsUsedOnceAndNotCached() {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.serve(D, policy("enforce", 0, "mx1.example.com"));

        PolicyResolution first = check();
        PolicyResolution second = check();

        assertThat(((PolicyResolution.Active) first).fresh()).isTrue();
        assertThat(((PolicyResolution.Active) first).policy().maxAge()).isZero();
        assertThat(((PolicyResolution.Active) second).fresh()).isTrue();
        assertThat(fetcher.fetches(D)).isEqualTo(2);
        assertThat(store.get(DOMAIN)).isEmpty();
    }

    @Test
    @DisplayName("RFC 8461 §3.2: a max_age 0 policy under a new id replaces the cached policy")
    void maxAgeZeroReplacesTheCachedPolicy() {
        warm();
        dns.records(RECORD, "v=STSv1; id=2");
        fetcher.serve(D, policy("none", 0));

        PolicyResolution r = check();

        assertThat(r.policyToApply().orElseThrow().mode()).isEqualTo(PolicyMode.NONE);
        assertThat(store.get(DOMAIN)).isEmpty();
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a failed fetch falls back to the unexpired cached policy, reported with the fallback marker")
    void aFailedFetchFallsBackToTheCachedPolicy() {
        PolicyResolution.Active before = warm();
        dns.records(RECORD, "v=STSv1; id=2");
        fetcher.then(D, new FetchResult.NotServed(404, null));

        PolicyResolution r = check();

        assertThat(r).isInstanceOf(PolicyResolution.TemporaryFailure.class);
        PolicyResolution.TemporaryFailure failure = (PolicyResolution.TemporaryFailure) r;
        assertThat(failure.reason()).isEqualTo(PolicyResolution.Reason.FETCH_FAILED);
        assertThat(failure.fallback()).contains(before.cached());
        assertThat(failure.policyToApply()).contains(before.policy());
        assertThat(failure.detail()).contains("HTTP status 404", "applying the cached policy of record id 1");
        assertThat(failure.reportedPolicy()).isEqualTo(before.reportedPolicy());
        assertThat(resultType(failure)).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
        assertThat(reason(failure)).isEqualTo("http-status-404+fallback-to-cached-policy");
        assertThat(store.get(DOMAIN)).contains(before.cached());
    }

    @Test
    @DisplayName("RFC 8460 §4.3.2.2: a WebPKI failure with a cache is reported as sts-webpki-invalid with fallback")
    void aWebPkiFailureKeepsItsResultType() {
        warm();
        dns.records(RECORD, "v=STSv1; id=2");
        fetcher.then(D, new FetchResult.Failed(FetchFailure.CERTIFICATE_EXPIRED, "expired", null));

        PolicyResolution r = check();

        assertThat(resultType(r)).isEqualTo(ResultType.STS_WEBPKI_INVALID);
        assertThat(reason(r)).isEqualTo("certificate-expired+fallback-to-cached-policy");
    }

    @Test
    @DisplayName("RFC 8461 §3.2: an invalid new policy falls back to the cached one, reported as sts-policy-invalid")
    void anInvalidNewPolicyFallsBack() {
        warm();
        dns.records(RECORD, "v=STSv1; id=2");
        fetcher.then(D, ScriptedFetcher.invalid("version: STSv1\nmode: enforce\nmax_age: 1\n"));

        PolicyResolution r = check();

        assertThat(((PolicyResolution.TemporaryFailure) r).reason()).isEqualTo(PolicyResolution.Reason.POLICY_INVALID);
        assertThat(r.policyToApply().orElseThrow().mode()).isEqualTo(PolicyMode.ENFORCE);
        assertThat(resultType(r)).isEqualTo(ResultType.STS_POLICY_INVALID);
        assertThat(reason(r)).isEqualTo("policy-missing-mx+fallback-to-cached-policy");
    }

    @Test
    @DisplayName("RFC 8461 §5.1: a temporary DNS failure falls back to the unexpired cached policy")
    void aTemporaryDnsFailureFallsBackToTheCache() {
        PolicyResolution.Active before = warm();
        dns.temporaryFailure(RECORD, "SERVFAIL");

        PolicyResolution r = check();

        assertThat(((PolicyResolution.TemporaryFailure) r).reason()).isEqualTo(PolicyResolution.Reason.DNS_FAILURE);
        assertThat(((PolicyResolution.TemporaryFailure) r).fallback()).contains(before.cached());
        assertThat(resultType(r)).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
        assertThat(reason(r)).isEqualTo("dns-temporary-failure+fallback-to-cached-policy");
        assertThat(fetcher.fetches(D)).isEqualTo(1);
    }

    @Test
    @DisplayName("RFC 8461 §3.1, §5.1: a vanished record does not end an unexpired cached policy")
    void aVanishedRecordFallsBackToTheCache() {
        PolicyResolution.Active before = warm();
        dns.nxdomain(RECORD);

        PolicyResolution r = check();

        assertThat(((PolicyResolution.TemporaryFailure) r).reason()).isEqualTo(PolicyResolution.Reason.NO_RECORD);
        assertThat(r.policyToApply()).contains(before.policy());
        assertThat(reason(r)).isEqualTo("sts-record-absent+fallback-to-cached-policy");
        assertThat(store.get(DOMAIN)).contains(before.cached());
    }

    @Test
    @DisplayName("RFC 8461 §3.1, §5.1: multiple records do not end an unexpired cached policy")
    void multipleRecordsFallBackToTheCache() {
        warm();
        dns.records(RECORD, "v=STSv1; id=2", "v=STSv1; id=3");

        PolicyResolution r = check();

        assertThat(((PolicyResolution.TemporaryFailure) r).reason()).isEqualTo(PolicyResolution.Reason.MULTIPLE_RECORDS);
        assertThat(r.policyToApply().orElseThrow().mode()).isEqualTo(PolicyMode.ENFORCE);
        assertThat(reason(r)).isEqualTo("sts-record-multiple+fallback-to-cached-policy");
        assertThat(fetcher.fetches(D)).isEqualTo(1);
    }

    @Test
    @DisplayName("RFC 8461 §3.1, §5.1: an invalid record does not end an unexpired cached policy")
    void anInvalidRecordFallsBackToTheCache() {
        warm();
        dns.records(RECORD, "v=STSv1; id=not-valid!");

        PolicyResolution r = check();

        assertThat(((PolicyResolution.TemporaryFailure) r).reason()).isEqualTo(PolicyResolution.Reason.INVALID_RECORD);
        assertThat(r.policyToApply().orElseThrow().mode()).isEqualTo(PolicyMode.ENFORCE);
        assertThat(reason(r)).isEqualTo("sts-record-invalid-id+fallback-to-cached-policy");
        assertThat(((PolicyResolution.TemporaryFailure) r).detail()).contains("invalid STS record 'v=STSv1; id=not-valid!'");
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a failed fetch without a cache is no policy, reported as an sts failure")
    void aFailedFetchWithoutCacheIsNoPolicy() {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.then(D, new FetchResult.Failed(FetchFailure.TIMEOUT, "timeout", null));

        PolicyResolution r = check();

        assertThat(r).isInstanceOf(PolicyResolution.NoPolicy.class);
        assertThat(((PolicyResolution.NoPolicy) r).reason()).isEqualTo(PolicyResolution.Reason.FETCH_FAILED);
        assertThat(r.policyToApply()).isEmpty();
        assertThat(r.reportedPolicy()).isEqualTo(PolicyDetails.stsFailure(DOMAIN, null));
        assertThat(r.reportedPolicy().policyType()).isEqualTo(PolicyType.STS);
        assertThat(resultType(r)).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
        assertThat(reason(r)).isEqualTo("timeout");
    }

    @Test
    @DisplayName("RFC 8460 §4.5: an invalid policy without a cache is reported with the policy lines as served")
    void anInvalidPolicyWithoutCacheReportsTheServedLines() {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.then(D, ScriptedFetcher.invalid("version: STSv1\r\nmode: enforce\r\nmax_age: 1\r\n"));

        PolicyResolution r = check();

        assertThat(((PolicyResolution.NoPolicy) r).reason()).isEqualTo(PolicyResolution.Reason.POLICY_INVALID);
        assertThat(resultType(r)).isEqualTo(ResultType.STS_POLICY_INVALID);
        assertThat(r.reportedPolicy().policyStrings()).containsExactly("version: STSv1", "mode: enforce", "max_age: 1");
    }

    @Test
    @DisplayName("RFC 8461 §3.1, §5 (silent on it): a temporary DNS failure without a cache is a temporary failure without fallback")
    void aTemporaryDnsFailureWithoutCacheIsATemporaryFailure() {
        dns.temporaryFailure(RECORD, "SERVFAIL");

        PolicyResolution r = check();

        assertThat(r).isInstanceOf(PolicyResolution.TemporaryFailure.class);
        assertThat(((PolicyResolution.TemporaryFailure) r).fallback()).isEmpty();
        assertThat(((PolicyResolution.TemporaryFailure) r).reason()).isEqualTo(PolicyResolution.Reason.DNS_FAILURE);
        assertThat(r.policyToApply()).isEmpty();
        assertThat(r.reportedPolicy().policyType()).isEqualTo(PolicyType.NO_POLICY_FOUND);
        assertThat(fetcher.totalFetches()).isZero();
    }

    @Test
    @DisplayName("RFC 8461 §3.1: no STS record (NXDOMAIN, NODATA, other TXT only) is no policy, with nothing to report")
    void noRecordIsNoPolicy() {
        for (TxtAnswer answer : List.of(new TxtAnswer.NoRecords(true), new TxtAnswer.NoRecords(false),
                new TxtAnswer.Records(List.of("v=spf1 -all", "v=STSv10; id=1")))) {
            dns.answer(RECORD, answer);
            PolicyResolution r = check();
            assertThat(r).isInstanceOf(PolicyResolution.NoPolicy.class);
            assertThat(((PolicyResolution.NoPolicy) r).reason()).isEqualTo(PolicyResolution.Reason.NO_RECORD);
            assertThat(r.reportedPolicy()).isEqualTo(PolicyDetails.noPolicyFound(DOMAIN));
            assertThat(r.policyFailure()).isEmpty();
        }
        assertThat(fetcher.totalFetches()).isZero();
    }

    @Test
    @DisplayName("RFC 8461 §3.1: two STS records and no cache is no policy")
    void multipleRecordsWithoutCacheIsNoPolicy() {
        dns.records(RECORD, "v=STSv1; id=1", "v=STSv1; id=2");
        PolicyResolution r = check();
        assertThat(((PolicyResolution.NoPolicy) r).reason()).isEqualTo(PolicyResolution.Reason.MULTIPLE_RECORDS);
        assertThat(((PolicyResolution.NoPolicy) r).detail()).isEqualTo("2 STS records at _mta-sts.example.com (RFC 8461 §3.1)");
    }

    @Test
    @DisplayName("RFC 8461 §3.3: an expired cached policy is not a fallback, and is dropped when the fetch fails")
    void anExpiredCacheIsNotAFallback() {
        warm();
        clock.advance(Duration.ofDays(2));
        fetcher.then(D, new FetchResult.NotServed(500, null));

        PolicyResolution r = check();

        assertThat(r).isInstanceOf(PolicyResolution.NoPolicy.class);
        assertThat(store.get(DOMAIN)).isEmpty();
    }

    @Test
    @DisplayName("RFC 8461 §3.3: after a failed fetch the same domain and id are not fetched again for 5 minutes")
    void aFailedFetchIsNotRetriedForFiveMinutes() {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.then(D, new FetchResult.NotServed(503, null), fetched(ENFORCE));

        assertThat(check()).isInstanceOf(PolicyResolution.NoPolicy.class);
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        PolicyResolution during = check();
        assertThat(during).isInstanceOf(PolicyResolution.NoPolicy.class);
        assertThat(((PolicyResolution.NoPolicy) during).detail()).contains("HTTP status 503",
                "not fetched again before 2026-11-28T00:05:00Z");
        assertThat(reason(during)).isEqualTo("http-status-503");
        assertThat(fetcher.fetches(D)).isEqualTo(1);

        clock.advance(Duration.ofMillis(1));
        assertThat(check()).isInstanceOf(PolicyResolution.Active.class);
        assertThat(fetcher.fetches(D)).isEqualTo(2);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: the fetch back-off is per id: a new id is fetched at once")
    void aNewIdIsFetchedDuringTheBackOff() {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.then(D, new FetchResult.NotServed(503, null), fetched(ENFORCE));
        check();
        clock.advance(Duration.ofMinutes(1));
        dns.records(RECORD, "v=STSv1; id=2");

        assertThat(check()).isInstanceOf(PolicyResolution.Active.class);
        assertThat(fetcher.fetches(D)).isEqualTo(2);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: during the back-off an unexpired cached policy still applies")
    void theBackOffKeepsTheFallback() {
        warm();
        dns.records(RECORD, "v=STSv1; id=2");
        fetcher.then(D, new FetchResult.NotServed(503, null));
        check();
        clock.advance(Duration.ofMinutes(2));

        PolicyResolution r = check();

        assertThat(((PolicyResolution.TemporaryFailure) r).fallback()).isPresent();
        assertThat(fetcher.fetches(D)).isEqualTo(2);
    }

    @Test
    @DisplayName("the fetch back-off is a setting")
    void theBackOffIsASetting() {
        try (MtaSts noBackoff = MtaSts.builder().txtResolver(dns).fetcher(fetcher).clock(clock)
                .proactiveRefresh(false).fetchBackoff(Duration.ZERO).build()) {
            dns.records(RECORD, "v=STSv1; id=1");
            fetcher.then(D, new FetchResult.NotServed(503, null));
            noBackoff.resolver().resolve(DOMAIN, false).join();
            noBackoff.resolver().resolve(DOMAIN, false).join();
            assertThat(fetcher.fetches(D)).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("RFC 8461 §8.3: a cached mode-none policy whose record is gone is evicted")
    void aModeNonePolicyWhoseRecordIsGoneIsEvicted() {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.serve(D, policy("none", 86_400));
        PolicyResolution none = check();
        assertThat(none.reportedPolicy().policyType()).isEqualTo(PolicyType.NO_POLICY_FOUND);
        assertThat(store.get(DOMAIN)).isPresent();
        dns.nxdomain(RECORD);

        PolicyResolution r = check();

        assertThat(r).isInstanceOf(PolicyResolution.NoPolicy.class);
        assertThat(((PolicyResolution.NoPolicy) r).detail()).endsWith("the cached mode-none policy was removed");
        assertThat(r.policyFailure()).isEmpty();
        assertThat(store.get(DOMAIN)).isEmpty();
    }

    @Test
    @DisplayName("RFC 8461 §3.1: a record gone with an expired cached policy is no policy, and the entry is dropped")
    void aRecordGoneWithAnExpiredCacheIsNoPolicy() {
        warm();
        clock.advance(Duration.ofDays(1));
        dns.nxdomain(RECORD);
        assertThat(check()).isInstanceOf(PolicyResolution.NoPolicy.class);
        assertThat(store.get(DOMAIN)).isEmpty();
    }

    @Test
    @DisplayName("a policy cached by another instance (a shared or restored store) is used without a fetch")
    void aPolicyInTheStoreIsUsedWithoutAFetch() {
        CachedPolicy cached = CachedPolicy.of(DOMAIN, "1", org.mtasts.core.StsPolicy.parse(ENFORCE).orElseThrow(),
                ENFORCE, clock.instant().minusSeconds(60));
        store.put(cached);
        dns.records(RECORD, "v=STSv1; id=1");

        PolicyResolution r = check();

        assertThat(((PolicyResolution.Active) r).cached()).isSameAs(cached);
        assertThat(fetcher.totalFetches()).isZero();
    }

    @Test
    @DisplayName("resolveAsync gives the same answers as resolve")
    void resolveAsyncAgreesWithResolve() throws Exception {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.serve(D, ENFORCE);
        PolicyResolution first = sts.resolveAsync(DOMAIN).get(5, TimeUnit.SECONDS);
        PolicyResolution second = sts.resolveAsync(DOMAIN).get(5, TimeUnit.SECONDS);
        assertThat(((PolicyResolution.Active) first).fresh()).isTrue();
        assertThat(second).isSameAs(check());
        dns.temporaryFailure(RECORD, "SERVFAIL");
        clock.advance(MtaSts.DEFAULT_RECHECK_INTERVAL);
        assertThat(sts.resolveAsync(DOMAIN).get(5, TimeUnit.SECONDS).kind()).isEqualTo(PolicyResolution.Kind.TEMPORARY_FAILURE);
    }

    @Test
    @DisplayName("a resolver that throws or fails its future is a temporary DNS failure, not an exception")
    void aBrokenResolverIsContained() {
        try (MtaSts throwing = MtaSts.builder().txtResolver(name -> {
            throw new IllegalStateException("boom\r\ninjected");
        }).fetcher(fetcher).clock(clock).proactiveRefresh(false).build()) {
            PolicyResolution r = throwing.resolve(DOMAIN);
            assertThat(((PolicyResolution.TemporaryFailure) r).reason()).isEqualTo(PolicyResolution.Reason.DNS_FAILURE);
            assertThat(((PolicyResolution.TemporaryFailure) r).detail())
                    .isEqualTo("the TXT lookup failed: IllegalStateException: boom\\u000d\\u000ainjected");
        }
        try (MtaSts failing = MtaSts.builder().txtResolver(name -> CompletableFuture.failedFuture(new RuntimeException("x")))
                .fetcher(fetcher).clock(clock).proactiveRefresh(false).build()) {
            assertThat(failing.resolveAsync(DOMAIN).join().kind()).isEqualTo(PolicyResolution.Kind.TEMPORARY_FAILURE);
        }
    }

    @Test
    @DisplayName("a fetcher that throws is a fetch failure, not an exception")
    void aBrokenFetcherIsContained() {
        dns.records(RECORD, "v=STSv1; id=1");
        try (MtaSts broken = MtaSts.builder().txtResolver(dns).fetcher(domain -> {
            throw new IllegalStateException("fetcher bug");
        }).clock(clock).proactiveRefresh(false).build()) {
            PolicyResolution r = broken.resolve(DOMAIN);
            assertThat(((PolicyResolution.NoPolicy) r).reason()).isEqualTo(PolicyResolution.Reason.FETCH_FAILED);
            assertThat(reason(r)).isEqualTo("io-error");
        }
    }

    @Test
    @DisplayName("a store that throws is an internal error, not an exception")
    void aBrokenStoreIsContained() {
        PolicyStore broken = new PolicyStore() {
            @Override
            public java.util.Optional<CachedPolicy> get(DomainName domain) {
                throw new IllegalStateException("redis down");
            }

            @Override
            public void put(CachedPolicy policy) { }

            @Override
            public void remove(DomainName domain) { }

            @Override
            public void forEach(java.util.function.Consumer<? super CachedPolicy> action) { }
        };
        dns.records(RECORD, "v=STSv1; id=1");
        try (MtaSts sts2 = MtaSts.builder().txtResolver(dns).fetcher(fetcher).store(broken).clock(clock)
                .proactiveRefresh(false).build()) {
            PolicyResolution r = sts2.resolve(DOMAIN);
            assertThat(((PolicyResolution.TemporaryFailure) r).reason()).isEqualTo(PolicyResolution.Reason.INTERNAL_ERROR);
            assertThat(((PolicyResolution.TemporaryFailure) r).detail()).contains("redis down");
        }
    }

    @Test
    @DisplayName("an interrupted resolve returns a temporary failure and keeps the interrupt flag")
    void anInterruptedResolveKeepsTheFlag() {
        dns.records(RECORD, "v=STSv1; id=1");
        FakeTxtResolver.Hold hold = dns.hold(RECORD);
        Thread.currentThread().interrupt();
        try {
            PolicyResolution r = sts.resolve(DOMAIN);
            assertThat(((PolicyResolution.TemporaryFailure) r).reason()).isEqualTo(PolicyResolution.Reason.INTERRUPTED);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
            hold.release();
        }
    }

    @Test
    @DisplayName("without a resolver, build() loads one with ServiceLoader (mtasts-dns is on the test class path)")
    void buildLoadsAResolverWithServiceLoader() {
        try (MtaSts loaded = MtaSts.builder().fetcher(fetcher).proactiveRefresh(false).build()) {
            assertThat(loaded).isNotNull();
        }
    }

    @Test
    @DisplayName("without a resolver and without mtasts-dns, build() says what to add")
    void buildWithoutResolverNamesMtastsDns() {
        Thread thread = Thread.currentThread();
        ClassLoader saved = thread.getContextClassLoader();
        // A class loader that sees no META-INF/services of the test class path.
        thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            assertThatIllegalStateException().isThrownBy(() -> MtaSts.builder().fetcher(fetcher).build())
                    .withMessage("no TxtResolver: call txtResolver(...) or add mtasts-dns (org.mtasts:mtasts-dns) "
                            + "to the class or module path");
        } finally {
            thread.setContextClassLoader(saved);
        }
    }

    @Test
    @DisplayName("a fetcher excludes the default fetcher's settings")
    void aFetcherExcludesClientSettings() {
        assertThatIllegalStateException().isThrownBy(() -> MtaSts.builder().txtResolver(dns).fetcher(fetcher)
                        .client(new OkHttpClient()).build())
                .withMessageStartingWith("fetcher(...) was set");
    }

    @Test
    @DisplayName("the default fetcher is an HttpsPolicyFetcher built from the client settings, closed with the service")
    void theDefaultFetcherIsBuiltAndOwned() {
        try (MtaSts own = MtaSts.builder().txtResolver(dns).clock(clock).addressFilter(AddressFilter.ANY)
                .proactiveRefresh(false).build()) {
            assertThat(own.store()).isInstanceOf(InMemoryPolicyStore.class);
            assertThat(own.proactiveRefresh()).isFalse();
        }
    }

    @Test
    @DisplayName("builder durations are checked eagerly")
    void builderChecksDurations() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> MtaSts.builder().fetchBackoff(Duration.ofDays(2)))
                .withMessage("fetchBackoff PT48H is not in [PT0S, PT24H]");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> MtaSts.builder().refreshConcurrency(0))
                .withMessage("refreshConcurrency 0 is not in 1..1000");
    }

    @Test
    @DisplayName("RFC 8461 §6: a cached policy in mode none applied after a failure reports nothing (RFC 8461 §5)")
    void aModeNoneFallbackReportsNoFailure() {
        dns.records(RECORD, "v=STSv1; id=1");
        fetcher.serve(D, policy("none", 86_400));
        check();
        dns.temporaryFailure(RECORD, "SERVFAIL");

        PolicyResolution r = check();

        assertThat(((PolicyResolution.TemporaryFailure) r).fallback()).isPresent();
        assertThat(r.policyFailure()).isEmpty();
        assertThat(r.reportedPolicy()).isEqualTo(PolicyDetails.noPolicyFound(DOMAIN));
    }

    private static ResultType resultType(PolicyResolution r) {
        return r.policyFailure().orElseThrow().resultType();
    }

    private static String reason(PolicyResolution r) {
        return r.policyFailure().orElseThrow().failureReasonCode();
    }
}
