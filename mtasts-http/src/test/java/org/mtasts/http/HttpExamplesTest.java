package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyStore;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.TxtResolver;
import org.mtasts.dns.AddressAnswer;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.MutableClock;
import org.mtasts.testkit.PolicyResponse;
import org.mtasts.tlsrpt.ReportAggregator;

/**
 * The Javadoc examples of mtasts-http's policy side (and core's {@code PolicyStore}) and the README's
 * "Sending mail with MTA-STS" and "Real servers" examples, compiled and run against the sandbox:
 * each {@code // --- example:} region is the example as written (CONTRIBUTING.md, "Examples"); the
 * set-up before it gives its variables, the assertions after it check what it did, and a line
 * ending in {@code // sandbox only} points the example's clients at the sandbox. The reporter's
 * examples are in {@code ReporterExamplesTest}, the MX connection's in {@code MxExamplesTest}.
 */
class HttpExamplesTest {
    static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n";
    static MtaStsSandbox sandbox;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("example.com").stsRecord("v=STSv1; id=1").policy(POLICY))
                .domain(DomainSpec.of("example.net").stsRecord("v=STSv1; id=1").policy(POLICY))
                .domain(DomainSpec.of("example.org").stsRecord("v=STSv1; id=1")
                        .policyResponse(PolicyResponse.status(404)))
                .domain(DomainSpec.of("cname-sts.test").cname("_mta-sts.cname-sts.test", "sts.records.test")
                        .policy(POLICY.replace("mx1.example.com", "mx.cname-sts.test")))
                .domain(DomainSpec.of("records.test").txt("sts.records.test", "v=STSv1; id=20260101"))
                .start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /** The sandbox's DNS server, as a resolver. */
    private static DnsjavaResolver sandboxDns() {
        return DnsjavaResolver.builder().server(sandbox.dnsAddress()).build();
    }

    // ---------------------------------------------------------------- MtaSts and its parts

    @Test
    void mtaSts() {
        TxtResolver resolver = sandboxDns();
        // --- example: MtaSts
        MtaSts sts = MtaSts.builder()                        // thread-safe; share one
                .txtResolver(resolver)
                .trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())   // sandbox only
                .build();
        PolicyResolution r = sts.resolve(DomainName.of("example.com"));
        if (r instanceof PolicyResolution.Active active) {
            boolean allowed = active.policy().matches(DomainName.of("mx1.example.com"));
            assertThat(allowed).isTrue();                    // sandbox only
        }
        // ---
        try (sts) {
            assertThat(r.kind()).isEqualTo(PolicyResolution.Kind.ACTIVE);
            policyResolution(sts);
        }
    }

    private static void policyResolution(MtaSts sts) {
        // --- example: PolicyResolution
        PolicyResolution r = sts.resolve(DomainName.of("example.com"));
        if (r.policyUnknown()) {
            // DNS failed and nothing is cached: defer the message, or deliver without MTA-STS (your choice)
        }
        Optional<StsPolicy> policy = r.policyToApply();     // empty: deliver as without MTA-STS
        // ---
        assertThat(policy).isPresent();
        assertThat(r.reportedPolicy().policyStrings()).containsExactly("version: STSv1", "mode: enforce",
                "mx: mx1.example.com", "max_age: 86400");
    }

    @Test
    void mtaStsBuilder() throws IOException {
        TxtResolver resolver = sandboxDns();
        ReportAggregator aggregator = ReportAggregator.builder().organizationName("Example Mail")
                .contactInfo("tlsrpt@mail.example.net").build();
        // --- example: MtaSts.Builder
        MtaSts sts = MtaSts.builder()
                .txtResolver(resolver)
                .store(FilePolicyStore.open(dir.resolve("policies")))
                .reportAggregator(aggregator)
                .refreshListener((cached, outcome) -> System.err.println("refresh failed: " + outcome))
                .trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())   // sandbox only
                .build();
        // ---
        try (sts) {
            assertThat(sts.resolve(DomainName.of("example.com")).kind()).isEqualTo(PolicyResolution.Kind.ACTIVE);
            assertThat(sts.reportAggregator()).contains(aggregator);
            assertThat(sts.store().get(DomainName.of("example.com"))).isPresent();
        }
    }

    /** Stands in for the MTA's alerting. */
    static final class Alerts {
        final List<String> warnings = new ArrayList<>();

        void warn(String message) {
            warnings.add(message);
        }
    }

    @Test
    void refreshListener() {
        Alerts alerts = new Alerts();
        FakeTxtResolver dns = FakeTxtResolver.create().records("_mta-sts.example.com", "v=STSv1; id=1");
        MutableClock clock = MutableClock.of(Instant.parse("2026-01-01T00:00:00Z"));
        // --- example: RefreshListener
        MtaSts sts = MtaSts.builder()
                .refreshListener((cached, outcome) -> alerts.warn("MTA-STS refresh of " + cached.domain()
                        + " failed: " + outcome))
                .txtResolver(dns).clock(clock).proactiveRefresh(false)                           // sandbox only
                .trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())      // sandbox only
                .build();
        // ---
        try (sts) {
            assertThat(sts.resolve(DomainName.of("example.com")).kind()).isEqualTo(PolicyResolution.Kind.ACTIVE);
            dns.temporaryFailure("_mta-sts.example.com", "SERVFAIL");
            clock.advance(Duration.ofHours(13));                       // past the refresh age: due
            assertThat(sts.refreshNow().failed()).isEqualTo(1);
        }
        assertThat(alerts.warnings).singleElement().satisfies(w -> assertThat(w)
                .startsWith("MTA-STS refresh of example.com failed: "));
    }

    /** Stands in for the MTA's logger. */
    static final class Log {
        final List<String> lines = new ArrayList<>();

        void warn(String line) {
            lines.add(line);
        }
    }

    @Test
    void stores() throws IOException {
        Path stateDirectory = dir;
        Log log = new Log();
        // --- example: FilePolicyStore
        FilePolicyStore store = FilePolicyStore.builder(stateDirectory.resolve("mtasts"))   // /var/lib/mta/mtasts
                .problemListener((file, problem, cause) -> log.warn(file + ": " + problem))
                .open();
        MtaSts sts = MtaSts.builder().store(store).build();
        // ---
        sts.close();
        assertThat(store.get(DomainName.of("example.com"))).isEmpty();
        assertThat(log.lines).isEmpty();

        Clock clock = Clock.systemUTC();
        bounded(dir, clock);
        inMemory(clock);
    }

    private static void bounded(Path dir, Clock clock) throws IOException {
        // --- example: FilePolicyStore.Builder
        FilePolicyStore store = FilePolicyStore.builder(dir).maxEntries(50_000).clock(clock).open();
        // ---
        assertThat(store.get(DomainName.of("example.com"))).isEmpty();
    }

    private static void inMemory(Clock clock) {
        // --- example: InMemoryPolicyStore
        PolicyStore store = new InMemoryPolicyStore(10_000, clock);
        MtaSts sts = MtaSts.builder().store(store).clock(clock).build();
        // ---
        sts.close();
        assertThat(store.get(DomainName.of("example.com"))).isEmpty();
    }

    @Test
    void policyStore() {
        Clock clock = Clock.systemUTC();
        StsPolicy fetched = StsPolicy.parse(POLICY).orElseThrow();
        List<Boolean> usables = new ArrayList<>();
        // --- example: PolicyStore
        PolicyStore store = new InMemoryPolicyStore(10_000, clock);   // in mtasts-http
        store.put(CachedPolicy.of(DomainName.of("example.com"), "1", fetched, POLICY, clock.instant()));   // sandbox only
        Optional<CachedPolicy> cached = store.get(DomainName.of("example.com"));
        boolean usable = cached.filter(c -> !c.isExpired(clock.instant())).isPresent();
        // ---
        assertThat(usable).isTrue();
    }

    // ---------------------------------------------------------------- fetching

    @Test
    void fetchers() throws Exception {
        OkHttpClient appClient = new OkHttpClient();
        // --- example: HttpsPolicyFetcher
        HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder()
                .client(appClient)                   // your OkHttpClient: its pools, proxy, listeners
                .trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())   // sandbox only
                .build();
        FetchResult result = fetcher.fetch(DomainName.of("example.com"));
        if (result instanceof FetchResult.Fetched fetched) {
            StsPolicy policy = fetched.policy();
            assertThat(policy.matches(DomainName.of("mx1.example.com"))).isTrue();   // sandbox only
        }
        // ---
        fetcher.close();
        assertThat(result.kind()).isEqualTo(FetchResult.Kind.FETCHED);

        forTests();
        policyFetcher();
    }

    private static void forTests() {
        // --- example: HttpsPolicyFetcher.Builder
        HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder()
                .trustManager(sandbox.trustManager())
                .addressOverrides(sandbox.addresses())
                .addressFilter(AddressFilter.ANY)
                .build();
        // ---
        try (fetcher) {
            assertThat(fetcher.fetch(DomainName.of("example.net")).kind()).isEqualTo(FetchResult.Kind.FETCHED);
        }
    }

    private static void policyFetcher() throws Exception {
        // --- example: PolicyFetcher
        PolicyFetcher fetcher = HttpsPolicyFetcher.builder()
                .trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())   // sandbox only
                .build();
        FetchResult result = fetcher.fetch(DomainName.of("example.com"));                         // blocking
        CompletableFuture<FetchResult> later = fetcher.fetchAsync(DomainName.of("example.net"));  // never blocks
        // ---
        assertThat(result.kind()).isEqualTo(FetchResult.Kind.FETCHED);
        assertThat(later.get().kind()).isEqualTo(FetchResult.Kind.FETCHED);
        ((HttpsPolicyFetcher) fetcher).close();
    }

    @Test
    void fetcherSettings() {
        // --- example: AddressFilter
        AddressFilter alsoTenNet = address -> AddressFilter.PUBLIC_ONLY.permits(address)
                || (address instanceof Inet4Address && address.getAddress()[0] == 10);   // also 10/8
        HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().addressFilter(alsoTenNet).build();
        // ---
        fetcher.close();
        assertThat(alsoTenNet.permits(new InetSocketAddress("10.1.2.3", 443).getAddress())).isTrue();
        assertThat(alsoTenNet.permits(new InetSocketAddress("192.168.1.1", 443).getAddress())).isFalse();
        assertThat(alsoTenNet.permits(new InetSocketAddress("127.0.0.1", 443).getAddress())).isFalse();

        // --- example: ContentTypeCheck
        HttpsPolicyFetcher checker = HttpsPolicyFetcher.builder()
                .contentTypeCheck(ContentTypeCheck.LENIENT)     // say it, but still use the policy
                .trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())   // sandbox only
                .build();
        // ---
        try (checker) {
            sandbox.policyResponse("example.net", PolicyResponse.ok(POLICY).withContentType("text/html"));
            try {
                assertThat(checker.fetch(DomainName.of("example.net")).kind()).isEqualTo(FetchResult.Kind.FETCHED);
            } finally {
                sandbox.policyResponse("example.net", PolicyResponse.ok(POLICY));
            }
        }
    }

    private final List<String> reported = new ArrayList<>();
    private final List<StsPolicy> used = new ArrayList<>();

    private void use(StsPolicy policy) {
        used.add(policy);
    }

    private void report(ResultType resultType, String code) {
        reported.add(resultType + " " + code);
    }

    private void report(ResultType resultType, String failureReasonCode, String detail) {
        reported.add(resultType + " " + failureReasonCode);
    }

    @Test
    void fetchResults() {
        try (HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder()
                .trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses()).build()) {
            fetchResult(fetcher);
            // The example fetches example.com; this domain answers 404.
            FetchResult notServed = fetcher.fetch(DomainName.of("example.org"));
            report(notServed.resultType(), notServed.failureReasonCode(), notServed.detail());
        }
        FetchResult result = new FetchResult.Failed(FetchFailure.CERTIFICATE_EXPIRED, "expired", null);
        // --- example: FetchFailure
        if (result instanceof FetchResult.Failed failed && failed.failure().isWebPki()) {
            report(failed.failure().resultType(), failed.failure().code());   // sts-webpki-invalid
        }
        // ---
        assertThat(used).hasSize(1);
        assertThat(reported).hasSize(2);
        assertThat(reported.get(0)).startsWith("sts-policy-fetch-error ");
        assertThat(reported.get(1)).isEqualTo("sts-webpki-invalid " + FetchFailure.CERTIFICATE_EXPIRED.code());
    }

    private void fetchResult(HttpsPolicyFetcher fetcher) {
        // --- example: FetchResult
        FetchResult result = fetcher.fetch(DomainName.of("example.com"));
        switch (result.kind()) {
            case FETCHED -> use(((FetchResult.Fetched) result).policy());
            default -> report(result.resultType(), result.failureReasonCode(), result.detail());
        }
        // ---
    }

    // ---------------------------------------------------------------- the README

    @Test
    void readmeRealServers() {
        javax.net.ssl.X509TrustManager realnetCa = sandbox.trustManager();
        // --- example: README Real servers and the peer
        InetSocketAddress knot = new InetSocketAddress("127.0.0.53", 53);
        knot = sandbox.dnsAddress();                                                              // sandbox only
        DnsjavaResolver dns = DnsjavaResolver.builder().server(knot).build();
        MtaSts sts = MtaSts.builder()
                .txtResolver(dns)                                                   // Knot: we chase the CNAMEs
                .client(new OkHttpClient.Builder().dns(host ->                      // names through the same resolver
                        ((AddressAnswer.Addresses) dns.resolveAddresses(DomainName.of(host))).addresses()).build())
                .trustManager(realnetCa)                                            // the test CA only
                .addressFilter(AddressFilter.ANY)                                   // everything is on loopback
                .addressOverrides(sandbox.addresses())                                                // sandbox only
                .build();
        PolicyResolution r = sts.resolve(DomainName.of("cname-sts.test"));         // Active, mode enforce
        // ---
        sts.close();
        assertThat(r.kind()).isEqualTo(PolicyResolution.Kind.ACTIVE);
        assertThat(r.policyToApply()).hasValueSatisfying(p -> assertThat(p.mode().token()).isEqualTo("enforce"));
    }
}
