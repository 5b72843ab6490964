package org.mtasts.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Protocol;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;

/**
 * One HTTPS policy host on 127.0.0.1 (an ephemeral port) presenting a chosen certificate, with a
 * fetcher builder pointed at it through an address override. MockWebServer with okhttp-tls stands
 * in for the testkit sandbox until that is on this branch.
 */
final class PolicyServer implements AutoCloseable {
    static final DomainName DOMAIN = DomainName.of("example.test");
    static final String HOST = "mta-sts.example.test";
    static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmax_age: 86400\r\n";

    final TestPki pki;
    final MockWebServer server = new MockWebServer();

    private PolicyServer(TestPki pki, @Nullable SSLSocketFactory tls, boolean http2) {
        this.pki = pki;
        if (tls != null) {
            server.useHttps(tls);
        }
        // HTTP/1.1 unless asked: real policy hosts speak it, and chunked framing exists only there.
        server.setProtocols(http2 ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1) : List.of(Protocol.HTTP_1_1));
        try {
            server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A policy host with a valid certificate for {@link #HOST}. */
    static PolicyServer start() {
        TestPki pki = new TestPki();
        return new PolicyServer(pki, pki.serverSocketFactory(pki.leaf(HOST)), false);
    }

    /** A policy host with a valid certificate that also offers HTTP/2. */
    static PolicyServer startHttp2() {
        TestPki pki = new TestPki();
        return new PolicyServer(pki, pki.serverSocketFactory(pki.leaf(HOST)), true);
    }

    /** A policy host presenting {@code leaf} with the root as its chain. */
    static PolicyServer start(TestPki pki, HeldCertificate leaf) {
        return new PolicyServer(pki, pki.serverSocketFactory(leaf), false);
    }

    /** A policy host presenting the self-signed {@code leaf} alone. */
    static PolicyServer startSelfSigned(TestPki pki, HeldCertificate leaf) {
        return new PolicyServer(pki, new HandshakeCertificates.Builder().heldCertificate(leaf).build().sslSocketFactory(),
                false);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort());
    }

    /** A fetcher that trusts the test root and connects {@link #HOST} to this server. */
    HttpsPolicyFetcher.Builder fetcher() {
        return HttpsPolicyFetcher.builder().trustManager(pki.trustManager()).addressOverride(HOST, address());
    }

    void enqueue(MockResponse response) {
        server.enqueue(response);
    }

    /** Serves {@code body} with status 200 and {@code Content-Type: text/plain}. */
    void enqueuePolicy(String body) {
        enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/plain").body(body).build());
    }

    RecordedRequest takeRequest() {
        try {
            RecordedRequest request = server.takeRequest(10, TimeUnit.SECONDS);
            if (request == null) {
                throw new AssertionError("no request arrived within 10 s");
            }
            return request;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    int requestCount() {
        return server.getRequestCount();
    }

    @Override
    public void close() {
        server.close();
    }
}
