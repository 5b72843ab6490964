package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mtasts.http.ScriptedFetcher.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.MutableClock;
import org.mtasts.testkit.PolicyResponse;

/**
 * Each mistake found in other MTA-STS implementations (named in each test, with their issue
 * numbers where there is one), as a test that we do not make it. Fetch mistakes run against the testkit sandbox; cache mistakes
 * against a scripted fetcher with a hand-moved clock.
 */
class AnchorMistakesTest {
    static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n";
    static MtaStsSandbox sandbox;
    static HttpsPolicyFetcher fetcher;

    @BeforeAll
    static void start() {
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("redirect.test").policyResponse(PolicyResponse.redirect(301,
                        "https://mta-sts.target.test/.well-known/mta-sts.txt")))
                .domain(DomainSpec.of("target.test").policy(POLICY))
                .domain(DomainSpec.of("http404.test").policyResponse(PolicyResponse.ok(POLICY).withStatus(404)))
                .domain(DomainSpec.of("static-overlength.test").policyResponse(PolicyResponse.oversized(POLICY, 65_537)))
                .domain(DomainSpec.of("chunked-overlength.test").policyResponse(PolicyResponse.oversized(POLICY, 70_000)
                        .withFraming(PolicyResponse.Framing.CHUNKED)))
                .domain(DomainSpec.of("html.test").policyResponse(PolicyResponse.ok(POLICY).withContentType("text/plain-not")))
                .start();
        fetcher = HttpsPolicyFetcher.builder().trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses()).build();
    }

    @AfterAll
    static void stop() {
        fetcher.close();
        sandbox.close();
    }

    private static FetchResult fetch(String domain) {
        return fetcher.fetch(DomainName.of(domain));
    }

    // ---- Fetch (RFC 8461 §3.3) ----

    @Test
    @DisplayName("checkdmarc follows redirects; RFC 8461 §3.3: a redirect is not followed")
    void redirectFollowed() {
        long before = sandbox.httpExchanges().stream().filter(e -> e.host().equals("mta-sts.target.test")).count();
        assertThat(fetch("redirect.test")).isInstanceOf(FetchResult.NotServed.class);
        assertThat(sandbox.httpExchanges().stream().filter(e -> e.host().equals("mta-sts.target.test")).count())
                .isEqualTo(before);
    }

    @Test
    @DisplayName("mail-auth: no status check, a 404 body is parsed; RFC 8461 §3.3: a 404 with a valid policy body is not a policy")
    void http404BodyParsed() {
        FetchResult result = fetch("http404.test");
        assertThat(result).isEqualTo(new FetchResult.NotServed(404, null));
        assertThat(result.resultType()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
    }

    @Test
    @DisplayName("go-mtasts: no body size limit; RFC 8461 §3.3: 64 KiB + 1 is not accepted")
    void sixtyFourKibPlusOneAccepted() {
        assertThat(((FetchResult.Failed) fetch("static-overlength.test")).failure()).isEqualTo(FetchFailure.TOO_LARGE);
    }

    @Test
    @DisplayName("Snawoot chunked-overlength; RFC 8461 §3.3: a chunked body over the limit is rejected while streaming")
    void chunkedOverflow() {
        FetchResult.Failed failed = (FetchResult.Failed) fetch("chunked-overlength.test");
        assertThat(failed.failure()).isEqualTo(FetchFailure.TOO_LARGE);
        assertThat(failed.detail()).isEqualTo("the body exceeds the limit of 65536 bytes (RFC 8461 §3.3)");
    }

    @Test
    @DisplayName("mimecast: Content-Type 'contains text/plain'; RFC 8461 §3.2: the media type is compared exactly")
    void contentTypeBySubstring() {
        assertThat(((FetchResult.Failed) fetch("html.test")).failure()).isEqualTo(FetchFailure.CONTENT_TYPE);
    }

    // ---- Cache (RFC 8461 §3, §5.1) ----

    final MutableClock clock = MutableClock.of(Instant.parse("2026-11-28T00:00:00Z"));
    final FakeTxtResolver dns = FakeTxtResolver.create();
    final ScriptedFetcher scripted = new ScriptedFetcher();
    static final DomainName D = DomainName.of("example.com");
    static final String RECORD = "_mta-sts.example.com";

    private MtaSts sts() {
        return MtaSts.builder().txtResolver(dns).fetcher(scripted).clock(clock).executor(Runnable::run)
                .proactiveRefresh(false).build();
    }

    @Test
    @DisplayName("mail-auth/Stalwart, mimecast; RFC 8461 §3.3: the cached policy is not dropped when the id changes and the fetch fails")
    void cachedPolicyDroppedWhenTheIdChangesAndTheFetchFails() {
        try (MtaSts sts = sts()) {
            dns.records(RECORD, "v=STSv1; id=1");
            scripted.serve("example.com", policy("enforce", 86_400, "mx.example.com"));
            sts.resolve(D);
            dns.records(RECORD, "v=STSv1; id=2");
            scripted.then("example.com", new FetchResult.Failed(FetchFailure.CONNECT, "refused", null));
            clock.advance(MtaSts.DEFAULT_RECHECK_INTERVAL);

            PolicyResolution r = sts.resolve(D);

            assertThat(r.policyToApply()).isPresent();
            assertThat(r.policyToApply().orElseThrow().mode()).isEqualTo(PolicyMode.ENFORCE);
            assertThat(r.policyFailure().orElseThrow().failureReasonCode()).endsWith("+" + MtaSts.FALLBACK_MARKER);
        }
    }

    @Test
    @DisplayName("mimecast, Snawoot#60: a temporary DNS failure is not treated as \"no policy\"")
    void temporaryDnsFailureTreatedAsNoPolicy() {
        try (MtaSts sts = sts()) {
            dns.temporaryFailure(RECORD, "SERVFAIL");
            PolicyResolution r = sts.resolve(D);
            assertThat(r).isInstanceOf(PolicyResolution.TemporaryFailure.class);
            assertThat(r.kind()).isNotEqualTo(PolicyResolution.Kind.NO_POLICY);
        }
    }

    @Test
    @DisplayName("mimecast raises max_age to a week, Stalwart replaces it with a day; RFC 8461 §3.2: max_age is neither extended nor replaced")
    void maxAgeExtendedOrReplaced() {
        try (MtaSts sts = sts()) {
            dns.records(RECORD, "v=STSv1; id=1");
            scripted.serve("example.com", policy("enforce", 600, "mx.example.com"));
            sts.resolve(D);
            clock.advance(Duration.ofSeconds(599));
            assertThat(((PolicyResolution.Active) sts.resolve(D)).fresh()).isFalse();
            clock.advance(Duration.ofSeconds(1));
            assertThat(((PolicyResolution.Active) sts.resolve(D)).fresh()).isTrue(); // expired at 600 s: fetched again
            assertThat(sts.store().get(D).orElseThrow().expiresAt()).isEqualTo(clock.instant().plusSeconds(600));
        }
    }

    @Test
    @DisplayName("Stalwart caches max_age 0 for a day; RFC 8461 §3.2: max_age 0 is not cached")
    void maxAgeZeroCachedForADay() {
        try (MtaSts sts = sts()) {
            dns.records(RECORD, "v=STSv1; id=1");
            scripted.serve("example.com", policy("enforce", 0, "mx.example.com"));
            sts.resolve(D);
            sts.resolve(D);
            assertThat(scripted.fetches("example.com")).isEqualTo(2);
            assertThat(sts.store().get(D)).isEmpty();
        }
    }

    @Test
    @DisplayName("mox has no max_age cap, Stalwart uses 86400 for max_age >= 31557600; RFC 8461 §3.2: a one-year max_age is honoured exactly")
    void aOneYearMaxAgeIsHonoured() {
        try (MtaSts sts = sts()) {
            dns.records(RECORD, "v=STSv1; id=1");
            scripted.serve("example.com", policy("enforce", 31_557_600, "mx.example.com"));
            sts.resolve(D);
            assertThat(sts.store().get(D).orElseThrow().expiresAt()).isEqualTo(clock.instant().plusSeconds(31_557_600));
        }
    }

    @Test
    @DisplayName("mimecast: mode none policies are invalid; RFC 8461 §5: a mode-none policy is a valid policy that enforces nothing")
    void modeNoneIsAValidPolicy() {
        try (MtaSts sts = sts()) {
            dns.records(RECORD, "v=STSv1; id=1");
            scripted.serve("example.com", policy("none", 86_400));
            PolicyResolution r = sts.resolve(D);
            assertThat(((PolicyResolution.Active) r).policy().mode()).isEqualTo(PolicyMode.NONE);
        }
    }

    @Test
    @DisplayName("Snawoot#113, RFC 8461 §8.1: a policy edited without a new id keeps the old policy (by design)")
    void anEditedPolicyWithTheSameIdIsNotRefetched() {
        try (MtaSts sts = sts()) {
            dns.records(RECORD, "v=STSv1; id=1");
            scripted.then("example.com", ScriptedFetcher.fetched(policy("enforce", 86_400, "old.example.com")),
                    ScriptedFetcher.fetched(policy("enforce", 86_400, "new.example.com")));
            sts.resolve(D);
            clock.advance(MtaSts.DEFAULT_RECHECK_INTERVAL);
            assertThat(sts.resolve(D).policyToApply().orElseThrow().mx().get(0).toText()).isEqualTo("old.example.com");
            assertThat(scripted.fetches("example.com")).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("Zuplu#139: a new id wins over the cached policy as soon as its policy is fetched")
    void aNewIdWins() {
        try (MtaSts sts = sts()) {
            dns.records(RECORD, "v=STSv1; id=1");
            scripted.serve("example.com", policy("enforce", 86_400, "old.example.com"));
            sts.resolve(D);
            dns.records(RECORD, "v=STSv1; id=2");
            scripted.serve("example.com", policy("enforce", 86_400, "new.example.com"));
            clock.advance(MtaSts.DEFAULT_RECHECK_INTERVAL);
            assertThat(sts.resolve(D).policyToApply().orElseThrow().mx().get(0).toText()).isEqualTo("new.example.com");
        }
    }

    @Test
    @DisplayName("refreshing every cached policy at once; RFC 8461 §3.3: refresh storms are spread and bounded")
    void refreshStorms() {
        ManualScheduler scheduler = new ManualScheduler();
        try (MtaSts sts = MtaSts.builder().txtResolver(dns).fetcher(scripted).clock(clock).executor(Runnable::run)
                .refreshScheduler(scheduler)
                .random(new Random(7)).refreshConcurrency(2).build()) {
            List<String> domains = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String d = "s" + i + ".example";
                domains.add(d);
                dns.records("_mta-sts." + d, "v=STSv1; id=1");
                scripted.serve(d, policy("enforce", 86_400, "mx." + d));
                sts.resolve(DomainName.of(d));
                dns.records("_mta-sts." + d, "v=STSv1; id=2");
            }
            clock.advance(Duration.ofHours(12));
            scheduler.runPeriodicOnce();
            assertThat(scheduler.pendingOneShots()).hasSize(20)
                    .extracting(t -> t.delayMillis).doesNotHaveDuplicates();
            scripted.hold();
            scheduler.runOneShots();
            assertThat(scripted.heldCount()).isEqualTo(2);
            while (scripted.releaseOne()) {
                assertThat(scripted.heldCount()).isLessThanOrEqualTo(2);
            }
            assertThat(scripted.maxInFlight()).isEqualTo(2);
            assertThat(domains).allSatisfy(d -> assertThat(sts.store().get(DomainName.of(d)).orElseThrow().recordId()).isEqualTo("2"));
        }
    }
}
