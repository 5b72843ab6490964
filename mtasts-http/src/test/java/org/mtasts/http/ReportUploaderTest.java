package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtasts.core.ReportUri;
import org.mtasts.tlsrpt.ReportFormat;

class ReportUploaderTest {
    static final String HOST = "reports.example.test";
    static final byte[] GZIP = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3};

    // One endpoint for the class: starting a TLS server per test costs about half a second.
    static final TestPki pki = new TestPki();
    static final MockWebServer server = new MockWebServer();
    static ReportUploader uploader;

    @BeforeAll
    static void start() throws IOException {
        server.useHttps(pki.serverSocketFactory(pki.leaf(HOST)));
        server.setProtocols(List.of(Protocol.HTTP_1_1));
        server.start(InetAddress.getLoopbackAddress(), 0);
        uploader = ReportUploader.builder().trustManager(pki.trustManager())
                .addressOverride(HOST, new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort()))
                .timeout(Duration.ofSeconds(10)).build();
    }

    @BeforeEach
    void reset() throws InterruptedException {
        server.setDispatcher(new QueueDispatcher());
        while (server.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
            // forget the requests of earlier tests
        }
        baseCount = server.getRequestCount();
    }

    @AfterAll
    static void stop() {
        uploader.close();
        server.close();
    }

    int baseCount;

    static URI endpoint() {
        return URI.create("https://" + HOST + "/tlsrpt/v1?x=1");
    }

    private RecordedRequest take() throws InterruptedException {
        RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
        assertThat(r).isNotNull();
        return r;
    }

    @Test
    @DisplayName("RFC 8460 §5.4: the gzip report is POSTed as application/tlsrpt+gzip")
    void postsGzipWithItsMediaType() throws InterruptedException {
        server.enqueue(new MockResponse.Builder().code(201).build());

        UploadResult result = uploader.upload(endpoint(), GZIP, ReportFormat.GZIP);

        assertThat(result).isEqualTo(new UploadResult.Delivered(201));
        assertThat(result.isDelivered()).isTrue();
        assertThat(result.retryable()).isFalse();
        RecordedRequest request = take();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getTarget()).isEqualTo("/tlsrpt/v1?x=1");
        assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/tlsrpt+gzip");
        assertThat(request.getBody().toByteArray()).isEqualTo(GZIP);
        assertThat(request.getHandshakeServerNames()).containsExactly(HOST);
    }

    @Test
    @DisplayName("RFC 8460 §5.4: a plain JSON report is POSTed as application/tlsrpt+json")
    void postsJsonWithItsMediaType() throws InterruptedException {
        server.enqueue(new MockResponse.Builder().code(200).build());
        byte[] json = "{\"report-id\":\"1\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(uploader.upload(new ReportUri.Https(endpoint().toString()), json, ReportFormat.JSON).isDelivered())
                .isTrue();
        RecordedRequest request = take();
        assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/tlsrpt+json");
        assertThat(request.getBody().utf8()).isEqualTo("{\"report-id\":\"1\"}");
    }

    @ParameterizedTest(name = "RFC 8460 §5.4: status {0} means delivered")
    @ValueSource(ints = {200, 201, 202, 204, 299})
    void any2xxIsDelivered(int status) {
        server.enqueue(new MockResponse.Builder().code(status).build());
        assertThat(uploader.upload(endpoint(), GZIP, ReportFormat.GZIP)).isEqualTo(new UploadResult.Delivered(status));
    }

    @ParameterizedTest(name = "RFC 8460 §5.4, §5.5: status {0} is rejected, retryable {1}")
    @CsvSource({"301,false", "302,false", "307,false", "308,false", "400,false", "403,false", "404,false", "413,false",
            "408,true", "425,true", "429,true", "500,true", "502,true", "503,true"})
    void otherStatusesAreRejected(int status, boolean retryable) {
        server.enqueue(new MockResponse.Builder().code(status).setHeader("Location", "https://elsewhere.test/")
                .body("go away\u0007\n").build());

        UploadResult result = uploader.upload(endpoint(), GZIP, ReportFormat.GZIP);

        assertThat(result).isInstanceOf(UploadResult.Rejected.class);
        assertThat(((UploadResult.Rejected) result).status()).isEqualTo(status);
        assertThat(result.retryable()).isEqualTo(retryable);
        assertThat(result.detail()).startsWith("HTTP status " + status).endsWith("go away\\u0007").doesNotContain("\u0007");
        if (status < 400) {
            assertThat(result.detail()).contains("redirects are not followed: https://elsewhere.test/");
        }
        assertThat(server.getRequestCount() - baseCount).isEqualTo(1);
    }

    @Test
    @DisplayName("RFC 8460 §5.4: a redirect is not followed even with a redirect-following client")
    void redirectsAreNotFollowed() throws IOException {
        server.enqueue(new MockResponse.Builder().code(307).setHeader("Location", "/other").build());
        server.enqueue(new MockResponse.Builder().code(200).build());
        try (ReportUploader following = ReportUploader.builder().client(new OkHttpClient.Builder().followRedirects(true).build())
                .trustManager(pki.trustManager())
                .addressOverride(HOST, new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort())).build()) {
            assertThat(following.upload(endpoint(), GZIP, ReportFormat.GZIP).kind()).isEqualTo(UploadResult.Kind.REJECTED);
        }
        assertThat(server.getRequestCount() - baseCount).isEqualTo(1);
    }

    @Test
    @DisplayName("an upload that hits its deadline fails, retryable")
    void aTimeoutIsRetryable() {
        server.enqueue(new MockResponse.Builder().code(200).headersDelay(5, TimeUnit.SECONDS).build());
        try (ReportUploader quick = ReportUploader.builder().trustManager(pki.trustManager()).timeout(Duration.ofMillis(300))
                .addressOverride(HOST, new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort())).build()) {
            UploadResult result = quick.upload(endpoint(), GZIP, ReportFormat.GZIP);
            assertThat(((UploadResult.Failed) result).reason()).isEqualTo(UploadResult.Reason.TIMEOUT);
            assertThat(result.retryable()).isTrue();
        }
    }

    @Test
    @DisplayName("a refused connection fails, retryable")
    void aRefusedConnectionIsRetryable() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (ReportUploader refused = ReportUploader.builder()
                .addressOverride(HOST, new InetSocketAddress(InetAddress.getLoopbackAddress(), closed)).build()) {
            UploadResult result = refused.upload(endpoint(), GZIP, ReportFormat.GZIP);
            assertThat(((UploadResult.Failed) result).reason()).isEqualTo(UploadResult.Reason.CONNECT);
            assertThat(result.retryable()).isTrue();
        }
    }

    @Test
    @DisplayName("an endpoint with an untrusted certificate fails (certificate errors are not ignored)")
    void anUntrustedCertificateFails() {
        try (ReportUploader strict = ReportUploader.builder().trustManager(new TestPki().trustManager())
                .addressOverride(HOST, new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort())).build()) {
            UploadResult result = strict.upload(endpoint(), GZIP, ReportFormat.GZIP);
            assertThat(((UploadResult.Failed) result).reason()).isEqualTo(UploadResult.Reason.CERTIFICATE);
        }
        HeldCertificate unused = pki.leaf("unused.test");
        assertThat(unused).isNotNull();
    }

    @Test
    @DisplayName("an endpoint resolving to a private address is rejected, not retryable")
    void aPrivateAddressIsRejected() {
        OkHttpClient client = new OkHttpClient.Builder().dns(host -> List.of(InetAddress.getLoopbackAddress())).build();
        try (ReportUploader guarded = ReportUploader.builder().client(client).build()) {
            UploadResult result = guarded.upload(endpoint(), GZIP, ReportFormat.GZIP);
            assertThat(((UploadResult.Failed) result).reason()).isEqualTo(UploadResult.Reason.ADDRESS_REJECTED);
            assertThat(result.retryable()).isFalse();
        }
    }

    @ParameterizedTest(name = "an IP-literal report URI {0} is checked against the address filter before connecting")
    @ValueSource(strings = {"https://127.0.0.1:9/r", "https://[::1]:9/r", "https://127.1.2.3/r"})
    void anIpLiteralIsFiltered(String uri) {
        UploadResult result = uploader.upload(URI.create(uri), GZIP, ReportFormat.GZIP);
        assertThat(((UploadResult.Failed) result).reason()).isEqualTo(UploadResult.Reason.ADDRESS_REJECTED);
        assertThat(result.detail()).endsWith("of the report URI is rejected by the address filter");
        assertThat(ReportUploader.ipLiteral("reports.example.test")).isNull();
    }

    @Test
    @DisplayName("with AddressFilter.ANY an IP-literal URI on loopback is connected to")
    void anyFilterConnectsToALiteral() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (ReportUploader any = ReportUploader.builder().addressFilter(AddressFilter.ANY).build()) {
            UploadResult result = any.upload(URI.create("https://127.0.0.1:" + closed + "/r"), GZIP, ReportFormat.GZIP);
            assertThat(((UploadResult.Failed) result).reason()).isEqualTo(UploadResult.Reason.CONNECT);
        }
    }

    @Test
    @DisplayName("RFC 8460 §3: only https: URIs are uploaded to")
    void onlyHttpsUris() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> uploader.upload(URI.create("http://reports.example.test/"), GZIP, ReportFormat.GZIP))
                .withMessage("report URI 'http://reports.example.test/' is not https:");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> uploader.upload(URI.create("mailto:a@example.test"), GZIP, ReportFormat.GZIP));
    }

    @Test
    @DisplayName("an https: URI OkHttp cannot request is a non-retryable failure")
    void anUnusableHttpsUriFails() {
        UploadResult result = uploader.upload(URI.create("https://example.test:99999/"), GZIP, ReportFormat.GZIP);
        assertThat(((UploadResult.Failed) result).reason()).isEqualTo(UploadResult.Reason.INVALID_URI);
        assertThat(result.retryable()).isFalse();
    }
}
