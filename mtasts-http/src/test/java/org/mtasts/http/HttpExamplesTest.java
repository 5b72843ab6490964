package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyStore;
import org.mtasts.core.ReportUri;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.TxtResolver;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.tlsrpt.ReportFormat;

/** The Javadoc examples of the public types, compiled and run (against the sandbox where needed). */
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
                .start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static TxtResolver resolver() {
        return FakeTxtResolver.create().records("_mta-sts.example.com", "v=STSv1; id=1");
    }

    @Test
    @DisplayName("MtaSts, PolicyResolution: the sender's first lines")
    void mtaStsExample() {
        TxtResolver resolver = resolver();
        // MtaSts
        MtaSts sts = MtaSts.builder().txtResolver(resolver)
                .trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())   // sandbox only
                .proactiveRefresh(false).build();     // share one
        PolicyResolution r = sts.resolve(DomainName.of("example.com"));
        boolean allowed = false;
        if (r instanceof PolicyResolution.Active active) {
            allowed = active.policy().matches(DomainName.of("mx1.example.com"));
        }
        assertThat(allowed).isTrue();
        // --- example (PolicyResolution)
        if (r.policyUnknown()) {
            // DNS failed and nothing is cached: defer the message, or deliver without MTA-STS (your choice)
        }
        Optional<StsPolicy> policy = r.policyToApply();     // empty: deliver as without MTA-STS
        // ---
        assertThat(policy).isPresent();
        assertThat(r.reportedPolicy().policyStrings()).containsExactly("version: STSv1", "mode: enforce",
                "mx: mx1.example.com", "max_age: 86400");
        sts.close();
    }

    @Test
    @DisplayName("HttpsPolicyFetcher, PolicyFetcher, FetchResult, FetchFailure, AddressFilter, ContentTypeCheck")
    void fetcherExamples() throws Exception {
        AddressFilter alsoTenNet = address -> AddressFilter.PUBLIC_ONLY.permits(address)
                || (address instanceof Inet4Address && address.getAddress()[0] == 10);
        try (HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder()
                .trustManager(sandbox.trustManager())
                .addressOverrides(sandbox.addresses())
                .addressFilter(alsoTenNet)
                .contentTypeCheck(ContentTypeCheck.LENIENT)
                .build()) {
            PolicyFetcher asInterface = fetcher;
            FetchResult result = asInterface.fetch(DomainName.of("example.com"));     // blocking
            FetchResult async = asInterface.fetchAsync(DomainName.of("example.net")).get();
            StsPolicy policy = null;
            if (result instanceof FetchResult.Fetched fetched) {
                policy = fetched.policy();
            }
            assertThat(policy).isNotNull();
            assertThat(async.kind()).isEqualTo(FetchResult.Kind.FETCHED);
            FetchResult failed = new FetchResult.Failed(FetchFailure.CERTIFICATE_EXPIRED, "expired", null);
            if (failed instanceof FetchResult.Failed f && f.failure().isWebPki()) {
                assertThat(f.failure().resultType()).isEqualTo(ResultType.STS_WEBPKI_INVALID);
            }
        }
    }

    @Test
    @DisplayName("InMemoryPolicyStore, FilePolicyStore, RefreshListener, MtaSts.Builder")
    void storeExamples() throws IOException {
        Clock clock = Clock.systemUTC();
        PolicyStore memory = new InMemoryPolicyStore(10_000, clock);
        FilePolicyStore files = FilePolicyStore.builder(dir)
                .problemListener((file, problem, cause) -> System.err.println(file + ": " + problem))
                .maxEntries(50_000).clock(clock)
                .open();
        List<String> alerts = new ArrayList<>();
        try (MtaSts sts = MtaSts.builder()
                .txtResolver(resolver())
                .store(files)
                .trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())
                .refreshListener((cached, outcome) -> alerts.add("MTA-STS refresh of " + cached.domain() + " failed: " + outcome))
                .refreshInterval(Duration.ofHours(1))
                .build()) {
            assertThat(sts.resolve(DomainName.of("example.com")).kind()).isEqualTo(PolicyResolution.Kind.ACTIVE);
        }
        assertThat(files.get(DomainName.of("example.com"))).isPresent();
        assertThat(memory.get(DomainName.of("example.com"))).isEmpty();
        assertThat(alerts).isEmpty();
    }

    @Test
    @DisplayName("ReportUploader, UploadResult")
    void uploaderExample() {
        try (ReportUploader uploader = ReportUploader.builder().timeout(Duration.ofSeconds(5)).build()) {
            List<ReportUri> rua = List.of(ReportUri.of("mailto:tlsrpt@example.com"), ReportUri.of("https://127.0.0.1:9/report"));
            for (ReportUri uri : rua) {
                if (uri instanceof ReportUri.Https https) {
                    UploadResult r = uploader.upload(https, new byte[] {0x1f, (byte) 0x8b}, ReportFormat.GZIP);
                    // Loopback: rejected by the default address filter before any connection, not worth retrying.
                    assertThat(!r.isDelivered() && !r.retryable()).isTrue();
                }
            }
        }
        assertThat(URI.create("https://example.com").getScheme()).isEqualTo("https");
    }
}
