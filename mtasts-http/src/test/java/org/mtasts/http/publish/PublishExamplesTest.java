package org.mtasts.http.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.TlsRptRecord;
import org.mtasts.dns.DnsUpdater;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.dns.TsigKey;
import org.mtasts.http.AddressFilter;
import org.mtasts.http.HttpsPolicyFetcher;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.tlsrpt.Readiness;
import org.mtasts.tlsrpt.ReadinessCriteria;
import org.mtasts.tlsrpt.ReportSummary;

/**
 * The Javadoc examples of {@code org.mtasts.http.publish}, run against the sandbox (CONTRIBUTING.md,
 * "Examples"). The sandbox's DNS server answers queries but takes no RFC 2136 update (NOTIMP), so
 * here a publish runs every step up to the update, which the server refuses; the updates
 * themselves run against Knot in mtasts-it's {@code PublishRealnetIT}.
 */
class PublishExamplesTest {
    static final String POLICY = "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 86400\n";
    static final byte[] policyBytes = POLICY.getBytes(StandardCharsets.UTF_8);
    static MtaStsSandbox sandbox;
    static HttpsPolicyFetcher fetcher;
    static DnsjavaResolver dns;
    static DnsUpdater updater;

    @BeforeAll
    static void start() {
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("example.com").policy(POLICY).mx(10, "mx1.example.com"))
                .start();
        fetcher = HttpsPolicyFetcher.builder().trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())
                .addressFilter(AddressFilter.ANY).build();
        dns = DnsjavaResolver.builder().server(sandbox.dnsAddress()).build();
        updater = DnsUpdater.builder().server(sandbox.dnsAddress())
                .key(TsigKey.of("update", "hmac-sha256", "c2VjcmV0c2VjcmV0c2VjcmV0")).build();
    }

    @AfterAll
    static void stop() {
        fetcher.close();
        sandbox.close();
    }

    @Test
    void policyId() {
        // --- example: PolicyId
        String id = PolicyId.of(PolicyMode.TESTING, policyBytes);   // "t" and 31 base32 characters
        Optional<PolicyMode> published = PolicyId.mode(id);          // TESTING
        // ---
        assertThat(id).hasSize(32).startsWith("t").matches("[a-z2-7]{32}");
        assertThat(published).contains(PolicyMode.TESTING);
    }

    @Test
    void publishRequest() {
        Readiness readiness = ReportSummary.of(List.of())
                .readiness(ReadinessCriteria.of(DomainName.of("example.com"), LocalDate.of(2026, 12, 1), 14));
        // --- example: PublishRequest
        PublishRequest request = PublishRequest.builder(DomainName.of("example.com"), policyBytes)
                .tlsRpt(TlsRptRecord.of("mailto:tlsrpt@example.com"))
                .readiness(readiness)                 // from ReportSummary.readiness, for enforce
                .build();
        // ---
        assertThat(request.tlsRpt()).contains(TlsRptRecord.of("mailto:tlsrpt@example.com"));
        assertThat(request.readiness()).contains(readiness);
        assertThat(request.policy()).isEqualTo(policyBytes);

        // --- example: PublishRequest.Builder
        PublishRequest.Builder builder = PublishRequest.builder(DomainName.of("example.com"), policyBytes)
                .enforce(true)
                .force("reports reviewed by hand on 2026-12-01");
        // ---
        assertThat(builder.build().forceReason()).contains("reports reviewed by hand on 2026-12-01");
        assertThat(builder.build().isEnforce()).isTrue();
    }

    @Test
    void policyPublisherAndPublishResult() {
        // --- example: PolicyPublisher
        PolicyPublisher publisher = PolicyPublisher.builder()
                .updater(updater)                     // a DnsUpdater: the zone's primary and a TSIG key
                .fetcher(fetcher)                     // an HttpsPolicyFetcher
                .resolver(dns)                        // a DnsjavaResolver, for the live MX hosts
                .build();
        PublishResult result = publisher.publish(PublishRequest.builder(DomainName.of("example.com"), policyBytes).build());
        // ---
        assertThat(result.steps()).extracting(PublishResult.Step::name)
                .containsExactly("lint", "mx", "fetch", "id", "read", "update");
        assertThat(result.steps().subList(0, 5)).allSatisfy(step -> assertThat(step.ok()).isTrue());
        assertThat(((PublishResult.Refused) result).reason()).isEqualTo(PublishResult.Reason.DNS_REFUSED);
        assertThat(result.detail()).contains("NOTIMP");

        // --- example: PolicyPublisher.Builder
        PolicyPublisher.Builder builder = PolicyPublisher.builder()
                .updater(updater)
                .fetcher(fetcher);
        // ---
        assertThat(builder.build()).isNotNull();
    }

    @Test
    void publishResult() {
        PolicyPublisher publisher = PolicyPublisher.builder().updater(updater).fetcher(fetcher).resolver(dns).build();
        PublishRequest request = PublishRequest.builder(DomainName.of("example.com"), policyBytes).build();
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            // --- example: PublishResult
            PublishResult result = publisher.publish(request);
            switch (result.kind()) {
                case PUBLISHED -> System.out.println("new id " + ((PublishResult.Published) result).id());
                case REFUSED -> System.out.println("refused: " + result.detail());
                default -> System.out.println(result.detail());
            }
            // ---
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("refused: the server ");
    }

    @Test
    void readme(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path keyFile = java.nio.file.Files.writeString(dir.resolve("update.key"),
                "hmac-sha256:update:c2VjcmV0c2VjcmV0c2VjcmV0");
        // --- example: README Publishing a policy
        DnsUpdater updater = DnsUpdater.builder()
                .server(new InetSocketAddress("192.0.2.53", 53))        // the zone's primary server
                .server(sandbox.dnsAddress())                           // sandbox only
                .key(TsigKey.load(keyFile))                             // BIND, Knot or name:secret form
                .build();
        PolicyPublisher publisher = PolicyPublisher.builder()
                .updater(updater)
                .fetcher(HttpsPolicyFetcher.create())
                .fetcher(fetcher)                                       // sandbox only
                .resolver(dns)                                          // sandbox only
                .build();
        PublishResult result = publisher.publish(PublishRequest.builder(DomainName.of("example.com"), policyBytes)
                .tlsRpt(TlsRptRecord.of("mailto:tlsrpt@example.com"))
                .build());
        // ---
        assertThat(result.steps()).extracting(PublishResult.Step::name)
                .containsExactly("lint", "mx", "fetch", "id", "read", "update");
        assertThat(result.detail()).contains("NOTIMP");         // the sandbox takes no update; Knot does (mtasts-it)
    }
}
