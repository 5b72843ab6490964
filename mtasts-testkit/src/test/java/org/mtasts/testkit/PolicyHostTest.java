package org.mtasts.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sandbox policy hosts seen by JDK clients: HttpsURLConnection and java.net.http.HttpClient. */
class PolicyHostTest {

    static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmax_age: 86400\r\n";

    private static MtaStsSandbox sandbox;
    private static SSLContext trusting;

    private static DomainSpec withPolicy(String domain, PolicyResponse response) {
        return DomainSpec.of(domain).stsRecord("v=STSv1; id=1").policyResponse(response);
    }

    private static DomainSpec withHost(String domain, PolicyHost host) {
        return withPolicy(domain, PolicyResponse.ok(POLICY)).policyHost(host);
    }

    @BeforeAll
    static void start() {
        PolicyResponse ok = PolicyResponse.ok(POLICY);
        sandbox = MtaStsSandbox.builder()
                .domain(withPolicy("good.test", ok))
                .domain(withPolicy("html.test", ok.withContentType("text/html; charset=utf-8")))
                .domain(withPolicy("no-type.test", ok.withoutContentType()))
                .domain(withPolicy("status404.test", PolicyResponse.status(404)))
                .domain(withPolicy("status500.test", PolicyResponse.status(500)))
                .domain(withPolicy("redirect.test",
                        PolicyResponse.redirect(301, "https://mta-sts.good.test/.well-known/mta-sts.txt")))
                .domain(withPolicy("big-length.test", PolicyResponse.oversized(POLICY, 70_000)))
                .domain(withPolicy("big-chunked.test", PolicyResponse.oversized(POLICY, 70_000)
                        .withFraming(PolicyResponse.Framing.CHUNKED)))
                .domain(withPolicy("big-close.test", PolicyResponse.oversized(POLICY, 70_000)
                        .withFraming(PolicyResponse.Framing.CLOSE_DELIMITED)))
                .domain(withPolicy("drip.test", ok.withDrip(8, Duration.ofMillis(5))))
                .domain(withPolicy("drip-chunked.test", ok.withDrip(8, Duration.ofMillis(5))
                        .withFraming(PolicyResponse.Framing.CHUNKED)))
                .domain(withPolicy("very-slow.test", ok.withDrip(1, Duration.ofSeconds(30))))
                .domain(withPolicy("stall.test", ok.withFault(HttpFault.STALL_AFTER_HEADERS)))
                .domain(withPolicy("reset.test", PolicyResponse.oversized(POLICY, 200_000)
                        .withFault(HttpFault.RESET_MID_BODY)))
                .domain(withPolicy("endless.test", ok.withFault(HttpFault.ENDLESS_BODY)))
                .domain(withPolicy("no-response.test", ok.withFault(HttpFault.CLOSE_WITHOUT_RESPONSE)))
                .domain(withPolicy("cached.test", ok.withHeader("Cache-Control", "max-age=60")))
                .domain(withHost("http-only.test", PolicyHost.DEFAULT.withoutHttps()))
                .domain(withHost("expired.test", PolicyHost.DEFAULT.withCertificate(CertificateVariant.EXPIRED)))
                .domain(withHost("not-yet.test", PolicyHost.DEFAULT.withCertificate(CertificateVariant.NOT_YET_VALID)))
                .domain(withHost("wrong-host.test", PolicyHost.DEFAULT.withCertificate(CertificateVariant.WRONG_HOST)))
                .domain(withHost("self-signed.test", PolicyHost.DEFAULT.withCertificate(CertificateVariant.SELF_SIGNED)))
                .domain(withHost("cn-only.test", PolicyHost.DEFAULT.withCertificate(CertificateVariant.CN_ONLY)))
                .domain(withHost("wildcard.test", PolicyHost.DEFAULT.withCertificate(CertificateVariant.WILDCARD)))
                .domain(withHost("chain10.test", PolicyHost.DEFAULT.withChainLength(10)))
                .domain(withHost("chain50.test", PolicyHost.DEFAULT.withChainLength(50)))
                .domain(DomainSpec.of("no-policy.test").stsRecord("v=STSv1; id=1"))
                .start();
        trusting = sandbox.clientSslContext();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @AfterEach
    void noServerProblems() {
        assertThat(sandbox.problems()).isEmpty();
    }

    private static HttpsURLConnection open(String domain) throws IOException {
        return JdkClients.https(sandbox, "mta-sts." + domain, trusting);
    }

    private static byte[] body(HttpURLConnection c) throws IOException {
        try (InputStream in = c.getInputStream()) {
            return in.readAllBytes();
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3, §7.1: the policy is fetched over HTTPS with SNI and the sandbox trust")
    void servesThePolicyOverHttpsWithSni() throws Exception {
        HttpsURLConnection c = open("good.test");
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(c.getContentType()).isEqualTo("text/plain");
        assertThat(c.getContentLengthLong()).isEqualTo(POLICY.length());
        X509Certificate leaf = (X509Certificate) c.getServerCertificates()[0];
        assertThat(leaf.getSubjectAlternativeNames()).singleElement()
                .satisfies(san -> assertThat(san.get(1)).isEqualTo("mta-sts.good.test"));
        assertThat(new String(body(c), StandardCharsets.UTF_8)).isEqualTo(POLICY);

        HttpExchange e = sandbox.httpExchanges().stream().filter(x -> x.host().equals("mta-sts.good.test"))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(e.tls()).isTrue();
        assertThat(e.sni()).isEqualTo("mta-sts.good.test");
        assertThat(e.method()).isEqualTo("GET");
        assertThat(e.target()).isEqualTo("/.well-known/mta-sts.txt");
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.header("host")).hasValueSatisfying(host -> assertThat(host).startsWith("127.0.0.1:"));
        assertThat(e.header("X-Not-Sent")).isEmpty();
    }

    @Test
    void jdkHttpClientFetchesTheSamePolicy() throws Exception {
        HttpResponse<byte[]> r = JdkClients.get(sandbox, "mta-sts.good.test", trusting);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(POLICY);
        assertThatThrownBy(() -> JdkClients.get(sandbox, "mta-sts.expired.test", trusting))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void addressMapListsEveryPolicyHost() {
        assertThat(sandbox.addresses()).containsKeys("mta-sts.good.test", "mta-sts.chain50.test")
                .doesNotContainKey("mta-sts.no-policy.test");
        assertThat(sandbox.addresses().values()).allSatisfy(a -> {
            assertThat(a.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(a.getPort()).isPositive();
        });
        assertThat(sandbox.httpAddresses()).containsKey("mta-sts.http-only.test");
        assertThat(sandbox.address("MTA-STS.good.test.")).isEqualTo(sandbox.addresses().get("mta-sts.good.test"));
        assertThatThrownBy(() -> sandbox.address("mta-sts.no-policy.test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the sandbox has no host mta-sts.no-policy.test; its hosts are [");
    }

    @Test
    @DisplayName("RFC 8461 §3.2: content types are served as configured, or not at all")
    void contentTypes() throws Exception {
        assertThat(open("html.test").getContentType()).isEqualTo("text/html; charset=utf-8");
        HttpsURLConnection none = open("no-type.test");
        assertThat(none.getResponseCode()).isEqualTo(200);
        assertThat(none.getContentType()).isNull();
        assertThat(open("cached.test").getHeaderField("Cache-Control")).isEqualTo("max-age=60");
    }

    @ParameterizedTest(name = "RFC 8461 §3.3: status {0} is served as is")
    @ValueSource(ints = {404, 500})
    void statuses(int status) throws Exception {
        HttpsURLConnection c = open("status" + status + ".test");
        assertThat(c.getResponseCode()).isEqualTo(status);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a redirect carries its Location, and nothing follows it by itself")
    void redirects() throws Exception {
        int before = countFor("mta-sts.good.test");
        HttpsURLConnection c = open("redirect.test");
        assertThat(c.getResponseCode()).isEqualTo(301);
        assertThat(c.getHeaderField("Location")).isEqualTo("https://mta-sts.good.test/.well-known/mta-sts.txt");
        assertThat(countFor("mta-sts.good.test")).isEqualTo(before);
    }

    private static int countFor(String host) {
        return (int) sandbox.httpExchanges().stream().filter(e -> e.host().equals(host)).count();
    }

    @Test
    @DisplayName("RFC 8461 §3.3: oversized bodies with Content-Length, chunked, and close-delimited")
    void oversizedBodies() throws Exception {
        HttpsURLConnection length = open("big-length.test");
        assertThat(length.getContentLengthLong()).isEqualTo(70_000);
        byte[] body = body(length);
        assertThat(body).hasSize(70_000);
        assertThat(new String(body, 0, POLICY.length(), StandardCharsets.UTF_8)).isEqualTo(POLICY);

        HttpsURLConnection chunked = open("big-chunked.test");
        assertThat(chunked.getHeaderField("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(chunked.getContentLengthLong()).isEqualTo(-1);
        assertThat(body(chunked)).isEqualTo(body);

        HttpsURLConnection close = open("big-close.test");
        assertThat(close.getHeaderField("Transfer-Encoding")).isNull();
        assertThat(close.getContentLengthLong()).isEqualTo(-1);
        assertThat(body(close)).isEqualTo(body);
    }

    @Test
    void oversizedBodiesAreValidPoliciesPaddedWithExtensions() {
        byte[] body = PolicyResponse.oversized(POLICY, 65_537).body();
        assertThat(body).hasSize(65_537);
        String text = new String(body, StandardCharsets.US_ASCII);
        assertThat(text).startsWith(POLICY + "pad000000: xx");
        assertThat(text.lines().skip(4).limit(600)).allMatch(l -> l.matches("pad\\d{6}: x*"));
    }

    @Test
    void slowDripDeliversTheWholeBodyBitByBit() throws Exception {
        assertThat(new String(body(open("drip.test")), StandardCharsets.UTF_8)).isEqualTo(POLICY);
        assertThat(new String(body(open("drip-chunked.test")), StandardCharsets.UTF_8)).isEqualTo(POLICY);
    }

    @Test
    void slowDripTripsAReadTimeout() throws Exception {
        HttpsURLConnection c = open("very-slow.test");
        c.setReadTimeout(200);
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThatThrownBy(() -> body(c)).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void stallAfterHeaders() throws Exception {
        HttpsURLConnection c = open("stall.test");
        c.setReadTimeout(200);
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(c.getContentLengthLong()).isEqualTo(POLICY.length());
        assertThatThrownBy(() -> body(c)).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void resetMidBody() throws Exception {
        HttpsURLConnection c = open("reset.test");
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThatThrownBy(() -> body(c)).isInstanceOf(IOException.class);
    }

    @Test
    void endlessBodyGoesOnPastAnyLimit() throws Exception {
        HttpsURLConnection c = open("endless.test");
        assertThat(c.getHeaderField("Transfer-Encoding")).isEqualTo("chunked");
        try (InputStream in = c.getInputStream()) {
            assertThat(in.readNBytes(64 * 1024 + 1)).hasSize(64 * 1024 + 1);
        }
    }

    @Test
    void closeWithoutResponse() throws Exception {
        assertThatThrownBy(() -> open("no-response.test").getResponseCode()).isInstanceOf(IOException.class);
        assertThat(sandbox.httpExchanges()).anySatisfy(e -> {
            assertThat(e.host()).isEqualTo("mta-sts.no-response.test");
            assertThat(e.status()).isZero();
        });
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a policy served over HTTP only is reachable on the HTTP port, and HTTPS fails")
    void httpOnly() throws Exception {
        InetSocketAddress plain = sandbox.httpAddresses().get("mta-sts.http-only.test");
        HttpURLConnection c = (HttpURLConnection) new URL(
                "http://127.0.0.1:" + plain.getPort() + "/.well-known/mta-sts.txt").openConnection();
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(new String(body(c), StandardCharsets.UTF_8)).isEqualTo(POLICY);
        assertThat(sandbox.httpExchanges()).anySatisfy(e -> {
            assertThat(e.host()).isEqualTo("mta-sts.http-only.test");
            assertThat(e.tls()).isFalse();
            assertThat(e.sni()).isNull();
        });
        assertThatThrownBy(() -> open("http-only.test").getResponseCode()).isInstanceOf(IOException.class);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: an expired policy host certificate fails the handshake")
    void expiredCertificate() {
        assertThatThrownBy(() -> open("expired.test").getResponseCode())
                .isInstanceOf(SSLHandshakeException.class).hasRootCauseInstanceOf(CertificateExpiredException.class);
        assertThatThrownBy(() -> open("not-yet.test").getResponseCode())
                .isInstanceOf(SSLHandshakeException.class)
                .hasRootCauseInstanceOf(CertificateNotYetValidException.class);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: wrong-host and self-signed certificates fail; a wildcard passes")
    void certificateNames() throws Exception {
        assertThatThrownBy(() -> open("wrong-host.test").getResponseCode())
                .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("No subject alternative");
        assertThatThrownBy(() -> open("self-signed.test").getResponseCode())
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("unable to find valid certification path");
        assertThat(open("wildcard.test").getResponseCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a CN-only certificate passes the JDK's HTTPS check, which falls back to the CN")
    void cnOnlyCertificatePassesTheJdkCheck() throws Exception {
        // The JDK matches the subject CN when a certificate has no DNS SAN; RFC 8461 §3.3 (via RFC
        // 6125) wants the SAN, so a conforming fetcher needs its own check: this host lets it test one.
        HttpsURLConnection c = open("cn-only.test");
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(((X509Certificate) c.getServerCertificates()[0]).getSubjectAlternativeNames()).isNull();
    }

    @Test
    void longChainsAreSentWhole() throws Exception {
        AtomicReference<X509Certificate[]> seen = new AtomicReference<>();
        HttpsURLConnection c = JdkClients.https(sandbox, "mta-sts.chain10.test", JdkClients.recording(seen));
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(seen.get()).hasSize(10);
        assertThat(open("chain10.test").getResponseCode()).isEqualTo(200); // PKIX still builds the path
    }

    @Test
    void aFiftyCertificateChainOverflowsTheJdkHandshakeLimit() {
        // 50 certificates make a Certificate message over the JDK's default 32768-byte limit.
        assertThatThrownBy(() -> JdkClients.https(sandbox, "mta-sts.chain50.test",
                JdkClients.recording(new AtomicReference<>())).getResponseCode())
                .isInstanceOf(javax.net.ssl.SSLProtocolException.class)
                .hasMessageContaining("exceeds the maximum allowed size");
    }

    @Test
    void plainHttpServerAnswersHeadUnknownPathsMethodsAndGarbage() throws Exception {
        InetSocketAddress plain = sandbox.httpAddresses().get("mta-sts.good.test");
        assertThat(raw(plain, "HEAD /.well-known/mta-sts.txt HTTP/1.1\r\nHost: x\r\n\r\n"))
                .startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: " + POLICY.length()).endsWith("\r\n\r\n");
        assertThat(raw(plain, "GET /index.html HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 404 Not Found\r\n");
        assertThat(raw(plain, "POST /.well-known/mta-sts.txt HTTP/1.1\r\n\r\n"))
                .startsWith("HTTP/1.1 405 Method Not Allowed\r\n").contains("Allow: GET, HEAD");
        assertThat(raw(plain, "\u0001garbage\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request\r\n");
        assertThat(raw(plain, "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\n\r\n"))
                .startsWith("HTTP/1.1 400 Bad Request\r\n");
        assertThat(sandbox.httpExchanges()).anySatisfy(e -> assertThat(e.method()).isEqualTo("\\u0001garbage"));
    }

    private static String raw(InetSocketAddress a, String request) throws IOException {
        try (Socket s = new Socket(a.getAddress(), a.getPort())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void responsesChangeAtRunTime() throws Exception {
        try (MtaStsSandbox own = MtaStsSandbox.builder().domain(withPolicy("live.test", PolicyResponse.ok(POLICY)))
                .start()) {
            own.policyResponse("live.test", PolicyResponse.status(503));
            assertThat(JdkClients.https(own, "mta-sts.live.test", own.clientSslContext()).getResponseCode())
                    .isEqualTo(503);
            own.update(withPolicy("live.test", PolicyResponse.ok("v2")));
            assertThat(body(JdkClients.https(own, "mta-sts.live.test", own.clientSslContext()))).asString()
                    .isEqualTo("v2");
            assertThatThrownBy(() -> own.policyResponse("other.test", PolicyResponse.ok("x")))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> own.update(DomainSpec.of("live.test")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("hosts cannot be added or removed at run time: live.test has a policy host; give it a policy");
        }
    }
}
