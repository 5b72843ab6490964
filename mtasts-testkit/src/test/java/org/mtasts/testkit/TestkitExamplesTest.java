package org.mtasts.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxCertificateCheck;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.TxtAnswer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The Javadoc examples of mtasts-testkit, compiled and run: each {@code // --- example:} region is
 * the example as written (CONTRIBUTING.md, "Examples"), the set-up before it gives its variables,
 * the assertions after it check what it did. The examples that are whole test classes are in
 * {@code org.mtasts.testkit.examples}, where Surefire runs them as they are.
 */
class TestkitExamplesTest {
    static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx1.shop.example\nmax_age: 86400\n";
    static MtaStsSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("shop.example").stsRecord("v=STSv1; id=1").policy(POLICY)
                        .mx(10, "mx1.shop.example")
                        .tlsRptRecord("v=TLSRPTv1; rua=https://tlsrpt.shop.example/v1")
                        .reportReceiver("tlsrpt.shop.example"))
                .domain(DomainSpec.of("example.test").stsRecord("v=STSv1; id=1"))
                .start();
    }

    @AfterAll
    static void stop() {
        assertThat(sandbox.problems()).isEmpty();
        sandbox.close();
    }

    /** Runs the code and returns what it printed on System.out. */
    private static String printed(Runnable code) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            code.run();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int post(MtaStsSandbox sandbox, String host, byte[] gzip) throws Exception {
        HttpRequest post = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + sandbox.address(host).getPort() + "/v1"))
                .header("Content-Type", "application/tlsrpt+gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip)).build();
        return JdkClients.httpClient(host, sandbox.clientSslContext())
                .send(post, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void mtaStsSandbox() {
        // --- example: MtaStsSandbox
        try (MtaStsSandbox sandbox = MtaStsSandbox.builder()
                .scenario(Scenario.GOOD)
                .domain(DomainSpec.of("shop.example")
                        .stsRecord("v=STSv1; id=20260101")
                        .policy("version: STSv1\nmode: enforce\nmx: mx.shop.example\nmax_age: 86400\n")
                        .mx(10, SmtpHost.of("mx.shop.example").withCertificate(CertificateVariant.EXPIRED)))
                .start()) {
            InetSocketAddress dns = sandbox.dnsAddress();                       // UDP and TCP
            InetSocketAddress https = sandbox.address("mta-sts.shop.example");  // instead of :443
            InetSocketAddress smtp = sandbox.address("mx.shop.example");        // instead of :25
            X509TrustManager trust = sandbox.trustManager();
            // ... run the code under test, then look at what it did:
            List<SmtpSession> sessions = sandbox.smtpSessions("mx.shop.example");
            assertThat(List.of(dns, https, smtp)).doesNotHaveDuplicates();                             // sandbox only
            assertThat(trust.getAcceptedIssuers()).containsExactly(sandbox.pki().rootCertificate());  // sandbox only
            assertThat(sessions).isEmpty();                                                         // sandbox only
            assertThat(sandbox.domains()).contains(DomainName.of("good.example"), DomainName.of("shop.example")); // sandbox only
        }
        // ---
    }

    @Test
    void mtaStsSandboxBuilder() {
        // --- example: MtaStsSandbox.Builder
        MtaStsSandbox sandbox = MtaStsSandbox.builder()
                .clock(MutableClock.of(Instant.parse("2026-01-01T00:00:00Z")))
                .domain(DomainSpec.of("shop.example").nullMx())
                .start();
        // ---
        try (sandbox) {
            assertThat(sandbox.clock().instant()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
            assertThat(sandbox.domains()).containsExactly(DomainName.of("shop.example"));
        }
    }

    @Test
    void domainSpec() {
        // --- example: DomainSpec
        DomainSpec shop = DomainSpec.of("shop.example")
                .stsRecord("v=STSv1; ", "id=20260101;")          // one TXT record, two strings
                .tlsRptRecord("v=TLSRPTv1; rua=mailto:tlsrpt@shop.example")
                .policy("version: STSv1\nmode: enforce\nmx: mx1.shop.example\nmax_age: 86400\n")
                .mx(10, SmtpHost.of("mx1.shop.example"))
                .mx(20, SmtpHost.of("mx2.shop.example").withCertificate(CertificateVariant.EXPIRED))
                .reportReceiver("tlsrpt.shop.example")                  // POST https://tlsrpt.shop.example/...
                .dnsFault("_smtp._tls.shop.example", DnsFault.SERVFAIL);
        // ---
        try (MtaStsSandbox sandbox = MtaStsSandbox.builder().domain(shop).start()) {
            assertThat(sandbox.addresses()).containsOnlyKeys("mta-sts.shop.example", "mx1.shop.example",
                    "mx2.shop.example", "tlsrpt.shop.example");
        }
        // --- example: DomainSpec.reportReceiver
        DomainSpec reports = DomainSpec.of("reports.example")
                .reportReceiver(ReportReceiver.of("tlsrpt.reports.example").withStatus(201));
        // ---
        assertThat(reports.reportReceivers()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(201));
    }

    @Test
    void certificateVariant() {
        // --- example: CertificateVariant
        DomainSpec shop = DomainSpec.of("shop.example")
                .mx(10, SmtpHost.of("mx.shop.example").withCertificate(CertificateVariant.EXPIRED));
        // ---
        assertThat(shop.mxHosts()).singleElement().satisfies(h -> assertThat(h.certificate())
                .isEqualTo(CertificateVariant.EXPIRED));
    }

    @Test
    void smtpFault() {
        // --- example: SmtpFault
        DomainSpec shop = DomainSpec.of("shop.example")
                .mx(10, SmtpHost.of("mx.shop.example").withFault(SmtpFault.STALL_AFTER_EHLO));
        // ---
        assertThat(shop.mxHosts()).singleElement().satisfies(h -> assertThat(h.fault())
                .isEqualTo(SmtpFault.STALL_AFTER_EHLO));
    }

    @Test
    void smtpHost() {
        // --- example: SmtpHost
        DomainSpec shop = DomainSpec.of("shop.example")
                .mx(10, SmtpHost.of("mx1.shop.example"))
                .mx(20, SmtpHost.of("mx2.shop.example").withCertificate(CertificateVariant.EXPIRED))
                .mx(30, SmtpHost.of("mx3.shop.example").withoutStarttls());
        // ---
        assertThat(shop.mxHosts()).extracting(SmtpHost::starttls).containsExactly(true, true, false);
    }

    @Test
    void httpFault() {
        String policyText = POLICY;
        // --- example: HttpFault
        DomainSpec shop = DomainSpec.of("shop.example").policyResponse(
                PolicyResponse.ok(policyText).withFault(HttpFault.STALL_AFTER_HEADERS));
        // ---
        assertThat(shop.policyResponse().fault()).contains(HttpFault.STALL_AFTER_HEADERS);
    }

    @Test
    void policyHost() {
        String policyText = POLICY;
        // --- example: PolicyHost
        DomainSpec shop = DomainSpec.of("shop.example")
                .policy(policyText)
                .policyHost(PolicyHost.DEFAULT.withCertificate(CertificateVariant.EXPIRED));
        // ---
        try (MtaStsSandbox s = MtaStsSandbox.builder().domain(shop).start()) {
            assertThatThrownBy(() -> JdkClients.get(s, "mta-sts.shop.example", s.clientSslContext()))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void dnsFault() throws Exception {
        // --- example: DnsFault
        DomainSpec spec = DomainSpec.of("example.test")
                .dnsFault("_mta-sts.example.test", DnsFault.SERVFAIL)
                .dnsFault("_smtp._tls.example.test", DnsFault.delay(Duration.ofMillis(300)));
        // ---
        try (MtaStsSandbox s = MtaStsSandbox.builder().domain(spec).start()) {
            SimpleResolver resolver = new SimpleResolver(s.dnsAddress());
            Message m = resolver.send(Message.newQuery(Record.newRecord(Name.fromString("_mta-sts.example.test."),
                    Type.TXT, DClass.IN)));
            assertThat(m.getRcode()).isEqualTo(Rcode.SERVFAIL);
        }
    }

    @Test
    void reportReceiver() throws Exception {
        // --- example: ReportReceiver
        DomainSpec shop = DomainSpec.of("shop.example")
                .tlsRptRecord("v=TLSRPTv1; rua=https://tlsrpt.shop.example/v1")
                .reportReceiver(ReportReceiver.of("tlsrpt.shop.example"));            // answers 200
        MtaStsSandbox sandbox = MtaStsSandbox.builder().domain(shop).start();
        sandbox.reportReceiverStatus("tlsrpt.shop.example", 503);                   // later: now it fails
        // ---
        try (sandbox) {
            assertThat(post(sandbox, "tlsrpt.shop.example", new byte[] {0x1f, (byte) 0x8b})).isEqualTo(503);
        }
    }

    @Test
    void receivedRequests() throws Exception {
        byte[] gzip = {0x1f, (byte) 0x8b, 8, 0};
        assertThat(post(sandbox, "tlsrpt.shop.example", gzip)).isEqualTo(200);
        // --- example: MtaStsSandbox.receivedRequests
        List<ReceivedRequest> posts = sandbox.receivedRequests("tlsrpt.shop.example");
        byte[] gzippedReport = posts.get(0).body();
        // ---
        assertThat(gzippedReport).isEqualTo(gzip);
        receivedRequest(gzip);
    }

    private static void receivedRequest(byte[] sent) {
        // --- example: ReceivedRequest
        ReceivedRequest r = sandbox.receivedRequests("tlsrpt.shop.example").get(0);
        assertThat(r.header("Content-Type")).isEqualTo("application/tlsrpt+gzip");
        byte[] gzippedReport = r.body();                  // read it with mtasts-tlsrpt's TlsReportReader
        // ---
        assertThat(gzippedReport).isEqualTo(sent);
    }

    @Test
    void httpExchange() throws Exception {
        assertThat(JdkClients.get(sandbox, "mta-sts.shop.example", sandbox.clientSslContext()).statusCode())
                .isEqualTo(200);
        // --- example: HttpExchange
        HttpExchange e = sandbox.httpExchanges().get(0);
        assertThat(e.sni()).isEqualTo("mta-sts.shop.example");          // RFC 8461 §7.1: SNI sent
        assertThat(e.target()).isEqualTo("/.well-known/mta-sts.txt");
        // ---
    }

    @Test
    void smtpSession() throws Exception {
        try (SmtpClient c = SmtpClient.connect(sandbox.address("mx1.shop.example"))) {
            c.reply();
            c.command("EHLO client.test");
            c.command("STARTTLS");
            c.startTls(sandbox.clientSslContext(), "mx1.shop.example", true);
            c.command("EHLO client.test");
            c.command("QUIT");
        }
        sandbox.awaitSmtpSessions("mx1.shop.example", 1, Duration.ofSeconds(10));
        // --- example: SmtpSession
        SmtpSession s = sandbox.smtpSessions("mx1.shop.example").get(0);
        assertThat(s.sni()).isEqualTo("mx1.shop.example");          // RFC 8461 §7.1
        assertThat(s.commands()).containsExactly("EHLO client.test", "STARTTLS", "EHLO client.test", "QUIT");
        // ---
    }

    @Test
    void dnsQuery() throws Exception {
        SimpleResolver tcp = new SimpleResolver(sandbox.dnsAddress());
        tcp.setTCP(true);
        tcp.send(Message.newQuery(Record.newRecord(Name.fromString("_mta-sts.example.test."), Type.TXT, DClass.IN)));
        // --- example: DnsQuery
        assertThat(sandbox.dnsQueries())
                .contains(new DnsQuery("_mta-sts.example.test", "TXT", DnsQuery.Transport.TCP));
        // ---
    }

    @Test
    void policyResponse() {
        String policyText = "version: STSv1\r\nmode: enforce\r\nmx: mx.shop.example\r\nmax_age: 86400\r\n";
        // --- example: PolicyResponse
        PolicyResponse good = PolicyResponse.ok("version: STSv1\r\nmode: enforce\r\nmx: mx.shop.example\r\nmax_age: 86400\r\n");
        PolicyResponse html = good.withContentType("text/html");
        PolicyResponse big = PolicyResponse.oversized(policyText, 70_000).withFraming(PolicyResponse.Framing.CHUNKED);
        PolicyResponse slow = good.withDrip(4, Duration.ofMillis(50));
        // ---
        assertThat(html.contentType()).contains("text/html");
        assertThat(big.body()).hasSize(70_000);
        assertThat(big.framing()).isEqualTo(PolicyResponse.Framing.CHUNKED);
        assertThat(slow.dripBytes()).isEqualTo(4);
        assertThat(slow.dripInterval()).contains(Duration.ofMillis(50));
        assertThat(good).isEqualTo(PolicyResponse.ok(policyText)).hasSameHashCodeAs(PolicyResponse.ok(policyText));
        assertThat(good.toString()).isEqualTo("PolicyResponse[200, text/plain, " + policyText.length()
                + " bytes, CONTENT_LENGTH]");
    }

    @Test
    void fakeTxtResolver() throws Exception {
        // --- example: FakeTxtResolver
        FakeTxtResolver dns = FakeTxtResolver.create()
                .records("_mta-sts.example.com", "v=STSv1; id=20260101")
                .temporaryFailure("_mta-sts.broken.example", "SERVFAIL");
        FakeTxtResolver.Hold hold = dns.hold("_mta-sts.example.com");
        // ... start the code under test (it resolves _mta-sts.example.com), then:
        CompletableFuture<TxtAnswer> underTest = dns.resolveTxtAsync("_mta-sts.example.com");   // sandbox only
        hold.awaitWaiting(1, Duration.ofSeconds(5));                 // it waits for the answer
        hold.release();
        assertThat(dns.lookups("_mta-sts.example.com")).isEqualTo(1);
        // ---
        assertThat(underTest.join().kind()).isEqualTo(TxtAnswer.Kind.RECORDS);
        assertThat(dns.resolveTxtAsync("_mta-sts.broken.example").join().kind())
                .isEqualTo(TxtAnswer.Kind.TEMPORARY_FAILURE);
        FakeTxtResolver other = FakeTxtResolver.create().records("_mta-sts.example.com", "v=STSv1; id=1");
        holdExample(other);
    }

    private static void holdExample(FakeTxtResolver dns) {
        // --- example: FakeTxtResolver.Hold
        FakeTxtResolver.Hold hold = dns.hold("_mta-sts.example.com");
        CompletableFuture<TxtAnswer> f = dns.resolveTxtAsync("_mta-sts.example.com");   // pending
        hold.release();                                                         // f completes
        // ---
        assertThat(f.join().kind()).isEqualTo(TxtAnswer.Kind.RECORDS);
    }

    @Test
    void mutableClock() {
        String policyText = "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n";
        StsPolicy policy = StsPolicy.parse(policyText).orElseThrow();
        // --- example: MutableClock
        MutableClock clock = MutableClock.of(Instant.parse("2026-01-01T00:00:00Z"));
        CachedPolicy cached = CachedPolicy.of(DomainName.of("example.com"), "1", policy, policyText,
                clock.instant());                 // fetched now; the policy's max_age is 86400
        clock.advance(Duration.ofDays(1));
        assertThat(cached.isExpired(clock.instant())).isTrue();
        // ---
    }

    @Test
    void pki() throws Exception {
        // --- example: SandboxPki
        SandboxPki pki = SandboxPki.create(Clock.systemUTC());
        IssuedCertificate cert = pki.issue("mta-sts.example.test", CertificateVariant.VALID);
        SSLContext client = pki.clientSslContext();   // trusts the root
        // ---
        assertThat(cert.leaf().getIssuerX500Principal()).isEqualTo(pki.issuingCertificate().getSubjectX500Principal());
        assertThat(client.getProtocol()).isEqualTo("TLS");
    }

    @Test
    void issuedCertificate() throws Exception {
        // --- example: IssuedCertificate
        IssuedCertificate cert = sandbox.pki().issue("mx1.example.test", CertificateVariant.WILDCARD);
        X509Certificate leaf = cert.leaf();            // SAN *.example.test
        String pem = cert.chainPem();                  // leaf first, then the intermediates
        // ---
        assertThat(MxCertificateCheck.dnsNames(leaf)).containsExactly("*.example.test");
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void scenario() {
        String out = printed(() -> {
            // --- example: Scenario
            try (MtaStsSandbox sandbox = MtaStsSandbox.builder().allScenarios().start()) {
                for (Scenario s : Scenario.values()) {
                    System.out.println(s.domain() + ": " + s.mistake());
                }
            }
            // ---
        });
        assertThat(out.lines()).hasSize(Scenario.values().length).contains("good.example: "
                + Scenario.GOOD.mistake());
    }
}
