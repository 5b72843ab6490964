package org.mtasts.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.TxtAnswer;

/** The Javadoc examples of the public types, compiled and run. */
class TestkitExamplesTest {

    @Test
    void sandboxExample() {
        try (MtaStsSandbox sandbox = MtaStsSandbox.builder()
                .scenario(Scenario.GOOD)
                .domain(DomainSpec.of("shop.example")
                        .stsRecord("v=STSv1; id=20260101")
                        .policy("version: STSv1\nmode: enforce\nmx: mx.shop.example\nmax_age: 86400\n")
                        .mx(10, SmtpHost.of("mx.shop.example").withCertificate(CertificateVariant.EXPIRED)))
                .start()) {
            InetSocketAddress dns = sandbox.dnsAddress();
            InetSocketAddress https = sandbox.address("mta-sts.shop.example");
            InetSocketAddress smtp = sandbox.address("mx.shop.example");
            X509TrustManager trust = sandbox.trustManager();
            List<SmtpSession> sessions = sandbox.smtpSessions("mx.shop.example");
            assertThat(List.of(dns, https, smtp)).doesNotHaveDuplicates();
            assertThat(trust.getAcceptedIssuers()).containsExactly(sandbox.pki().rootCertificate());
            assertThat(sessions).isEmpty();
        }
    }

    @Test
    void domainSpecExample() {
        DomainSpec shop = DomainSpec.of("shop.example")
                .stsRecord("v=STSv1; ", "id=20260101;")
                .tlsRptRecord("v=TLSRPTv1; rua=mailto:tlsrpt@shop.example")
                .policy("version: STSv1\nmode: enforce\nmx: mx1.shop.example\nmax_age: 86400\n")
                .mx(10, SmtpHost.of("mx1.shop.example"))
                .mx(20, SmtpHost.of("mx2.shop.example").withCertificate(CertificateVariant.EXPIRED))
                .reportReceiver("tlsrpt.shop.example")                  // POST https://tlsrpt.shop.example/...
                .dnsFault("_smtp._tls.shop.example", DnsFault.SERVFAIL);
        try (MtaStsSandbox sandbox = MtaStsSandbox.builder().domain(shop).start()) {
            assertThat(sandbox.addresses()).containsOnlyKeys("mta-sts.shop.example", "mx1.shop.example",
                    "mx2.shop.example", "tlsrpt.shop.example");
        }
        DomainSpec reports = DomainSpec.of("reports.example")
                .reportReceiver(ReportReceiver.of("tlsrpt.reports.example").withStatus(201));
        assertThat(reports.reportReceivers()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(201));
    }

    @Test
    void reportReceiverExample() throws Exception {
        DomainSpec spec = DomainSpec.of("shop.example")
                .tlsRptRecord("v=TLSRPTv1; rua=https://tlsrpt.shop.example/v1")
                .reportReceiver(ReportReceiver.of("tlsrpt.shop.example"));            // answers 200
        try (MtaStsSandbox sandbox = MtaStsSandbox.builder().domain(spec).start()) {
            sandbox.reportReceiverStatus("tlsrpt.shop.example", 503);                   // later: now it fails
            // A sender POSTs a report (here by hand, over the sandbox CA):
            byte[] gzip = {0x1f, (byte) 0x8b, 8, 0};
            java.net.http.HttpRequest post = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "https://127.0.0.1:" + sandbox.address("tlsrpt.shop.example").getPort() + "/v1"))
                    .header("Content-Type", "application/tlsrpt+gzip")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(gzip)).build();
            int status = JdkClients.httpClient("tlsrpt.shop.example", sandbox.clientSslContext())
                    .send(post, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
            assertThat(status).isEqualTo(503);
            // MtaStsSandbox.receivedRequests
            List<ReceivedRequest> posts = sandbox.receivedRequests("tlsrpt.shop.example");
            byte[] gzippedReport = posts.get(0).body();
            // ReceivedRequest
            ReceivedRequest r = sandbox.receivedRequests("tlsrpt.shop.example").get(0);
            assertThat(r.header("Content-Type")).isEqualTo("application/tlsrpt+gzip");
            assertThat(gzippedReport).isEqualTo(gzip).isEqualTo(r.body());
        }
    }

    @Test
    void policyResponseExample() {
        String policyText = "version: STSv1\r\nmode: enforce\r\nmx: mx.shop.example\r\nmax_age: 86400\r\n";
        PolicyResponse good = PolicyResponse.ok(policyText);
        PolicyResponse html = good.withContentType("text/html");
        PolicyResponse big = PolicyResponse.oversized(policyText, 70_000).withFraming(PolicyResponse.Framing.CHUNKED);
        PolicyResponse slow = good.withDrip(4, Duration.ofMillis(50));
        assertThat(html.contentType()).contains("text/html");
        assertThat(good.withoutContentType().contentType()).isEmpty();
        assertThat(good.location()).isEmpty();
        assertThat(PolicyResponse.redirect(301, "https://elsewhere.example/").location())
                .contains("https://elsewhere.example/");
        assertThat(good.dripInterval()).isEmpty();
        assertThat(slow.dripInterval()).contains(Duration.ofMillis(50));
        assertThat(good.fault()).isEmpty();
        assertThat(good.withFault(HttpFault.ENDLESS_BODY).fault()).contains(HttpFault.ENDLESS_BODY);
        assertThat(big.body()).hasSize(70_000);
        assertThat(slow.dripBytes()).isEqualTo(4);
        assertThat(good).isEqualTo(PolicyResponse.ok(policyText)).hasSameHashCodeAs(PolicyResponse.ok(policyText));
        assertThat(good.toString()).isEqualTo("PolicyResponse[200, text/plain, " + policyText.length()
                + " bytes, CONTENT_LENGTH]");
    }

    @Test
    void fakeTxtResolverExample() throws Exception {
        FakeTxtResolver dns = FakeTxtResolver.create()
                .records("_mta-sts.example.com", "v=STSv1; id=20260101")
                .temporaryFailure("_mta-sts.broken.example", "SERVFAIL");
        FakeTxtResolver.Hold hold = dns.hold("_mta-sts.example.com");
        CompletableFuture<TxtAnswer> f = dns.resolveTxtAsync("_mta-sts.example.com");
        hold.awaitWaiting(1, Duration.ofSeconds(5));
        hold.release();
        assertThat(f.join().kind()).isEqualTo(TxtAnswer.Kind.RECORDS);
        assertThat(dns.lookups("_mta-sts.example.com")).isEqualTo(1);
    }

    @Test
    void mutableClockExample() {
        MutableClock clock = MutableClock.of(Instant.parse("2026-01-01T00:00:00Z"));
        StsPolicy policy = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n")
                .orElseThrow();
        CachedPolicy cached = CachedPolicy.of(DomainName.of("example.com"), "1", policy, policy.toText(),
                clock.instant());
        clock.advance(Duration.ofDays(1));
        assertThat(cached.isExpired(clock.instant())).isTrue();
    }

    @Test
    void pkiExample() {
        SandboxPki pki = SandboxPki.create(Clock.systemUTC());
        IssuedCertificate cert = pki.issue("mx1.example.test", CertificateVariant.WILDCARD);
        X509Certificate leaf = cert.leaf();
        String pem = cert.chainPem();
        SSLContext client = pki.clientSslContext();
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(pki.issuingCertificate().getSubjectX500Principal());
        assertThat(pem).contains("BEGIN CERTIFICATE");
        assertThat(client.getProtocol()).isEqualTo("TLS");
    }

    @Test
    void scenarioExample() {
        try (MtaStsSandbox sandbox = MtaStsSandbox.builder().allScenarios().start()) {
            for (Scenario s : Scenario.values()) {
                assertThat(sandbox.domains()).contains(DomainName.of(s.domain()));
            }
        }
    }
}
