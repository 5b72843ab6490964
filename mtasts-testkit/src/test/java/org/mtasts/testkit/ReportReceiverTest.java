package org.mtasts.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The sandbox's HTTPS TLS-RPT receivers, seen by a JDK SSLSocket writing requests by hand. */
@MtaStsSandboxTest
class ReportReceiverTest {

    @SandboxConfiguration
    static MtaStsSandbox.Builder sandbox() {
        return MtaStsSandbox.builder().domain(DomainSpec.of("reports.test")
                .tlsRptRecord("v=TLSRPTv1; rua=https://tlsrpt.reports.test/v1")
                .reportReceiver("tlsrpt.reports.test")
                .reportReceiver(ReportReceiver.of("created.reports.test").withStatus(201))
                .reportReceiver(ReportReceiver.of("small.reports.test").withMaxBodyBytes(10))
                .reportReceiver(ReportReceiver.of("flaky.reports.test")));
    }

    private final MtaStsSandbox sandbox;

    ReportReceiverTest(MtaStsSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @AfterEach
    void noServerProblems() {
        assertThat(sandbox.problems()).isEmpty();
    }

    /** Sends one request over TLS with SNI and the HTTPS name check; returns the response head. */
    private String exchange(String host, byte[] request) throws IOException {
        InetSocketAddress a = sandbox.address(host);
        try (Socket raw = new Socket(a.getAddress(), a.getPort())) {
            raw.setSoTimeout(10_000);
            SSLSocket ssl = (SSLSocket) sandbox.clientSslContext().getSocketFactory().createSocket(raw, host, a.getPort(), true);
            SSLParameters p = ssl.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(host)));
            p.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(p);
            OutputStream out = ssl.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = ssl.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response); // the server closes after one response
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static byte[] post(String host, String path, String extraHeaders, byte[] body) {
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/tlsrpt+gzip\r\n"
                + extraHeaders + "Content-Length: " + body.length + "\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private ReceivedRequest last(String host) {
        List<ReceivedRequest> all = sandbox.receivedRequests(host);
        assertThat(all).isNotEmpty();
        return all.get(all.size() - 1);
    }

    @Test
    @DisplayName("RFC 8460 §5.4: a POST on any path is answered 200 and recorded with its headers and body bytes")
    void recordsAPost() throws IOException {
        byte[] body = {0x1f, (byte) 0x8b, 8, 0, 0, (byte) 0xff, '\r', '\n', 0};
        String response = exchange("tlsrpt.reports.test", post("tlsrpt.reports.test", "/v1/any?x=1", "", body));
        assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").contains("Connection: close");
        ReceivedRequest r = last("tlsrpt.reports.test");
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.target()).isEqualTo("/v1/any?x=1");
        assertThat(r.sni()).isEqualTo("tlsrpt.reports.test");
        assertThat(r.header("content-type")).isEqualTo("application/tlsrpt+gzip");
        assertThat(r.body()).isEqualTo(body);
        assertThat(r.truncated()).isFalse();
        assertThat(r.status()).isEqualTo(200);
        assertThat(sandbox.httpExchanges()).last().satisfies(e -> {
            assertThat(e.host()).isEqualTo("tlsrpt.reports.test");
            assertThat(e.status()).isEqualTo(200);
        });
    }

    @Test
    @DisplayName("RFC 9112 §7.1: a chunked body is put back together")
    void readsAChunkedBody() throws IOException {
        String request = "POST /v1 HTTP/1.1\r\nHost: tlsrpt.reports.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n";
        assertThat(exchange("tlsrpt.reports.test", request.getBytes(StandardCharsets.ISO_8859_1))).startsWith("HTTP/1.1 200 ");
        assertThat(new String(last("tlsrpt.reports.test").body(), StandardCharsets.ISO_8859_1)).isEqualTo("hello, world");
    }

    @Test
    @DisplayName("The status is configurable, and can change at run time")
    void configurableStatus() throws IOException {
        byte[] body = "{}".getBytes(StandardCharsets.US_ASCII);
        assertThat(exchange("created.reports.test", post("created.reports.test", "/", "", body)))
                .startsWith("HTTP/1.1 201 Created\r\n");
        sandbox.reportReceiverStatus("flaky.reports.test", 503);
        assertThat(exchange("flaky.reports.test", post("flaky.reports.test", "/", "", body)))
                .startsWith("HTTP/1.1 503 Service Unavailable\r\n");
        sandbox.reportReceiverStatus("flaky.reports.test", 200);
        assertThat(exchange("flaky.reports.test", post("flaky.reports.test", "/", "", body))).startsWith("HTTP/1.1 200 ");
        assertThat(sandbox.receivedRequests("flaky.reports.test")).extracting(ReceivedRequest::status)
                .containsExactly(503, 200);
        assertThatIllegalArgumentException().isThrownBy(() -> sandbox.reportReceiverStatus("mta-sts.reports.test", 200))
                .withMessageContaining("no report receiver");
        assertThatIllegalArgumentException().isThrownBy(() -> sandbox.reportReceiverStatus("flaky.reports.test", 600));
    }

    @Test
    @DisplayName("Bodies are bounded: a larger one is answered 413 and kept cut")
    void boundedBodies() throws IOException {
        byte[] body = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
        assertThat(exchange("small.reports.test", post("small.reports.test", "/", "", body)))
                .startsWith("HTTP/1.1 413 Content Too Large\r\n");
        ReceivedRequest r = last("small.reports.test");
        assertThat(r.truncated()).isTrue();
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("0123456789");
        assertThat(r.toString()).contains("10 bytes (cut)", "status 413");
    }

    @Test
    @DisplayName("Other methods are answered 405, a POST without a length 411")
    void otherRequests() throws IOException {
        assertThat(exchange("tlsrpt.reports.test", "GET /v1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                .startsWith("HTTP/1.1 405 ").contains("Allow: POST");
        assertThat(last("tlsrpt.reports.test").method()).isEqualTo("GET");
        assertThat(exchange("tlsrpt.reports.test", "POST /v1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                .startsWith("HTTP/1.1 411 ");
        assertThat(exchange("tlsrpt.reports.test", "POST /v1 HTTP/1.1\r\nContent-Length: five\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII))).startsWith("HTTP/1.1 400 ");
    }

    @Test
    @DisplayName("Receivers are in the address map and in DNS; their set cannot change at run time")
    void receiversAreHosts() throws Exception {
        assertThat(sandbox.addresses()).containsKeys("tlsrpt.reports.test", "created.reports.test");
        org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver(sandbox.dnsAddress());
        org.xbill.DNS.Message m = r.send(org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
                org.xbill.DNS.Name.fromString("tlsrpt.reports.test."), org.xbill.DNS.Type.A, org.xbill.DNS.DClass.IN)));
        assertThat(m.getSection(org.xbill.DNS.Section.ANSWER)).singleElement()
                .satisfies(a -> assertThat(a.rdataToString()).isEqualTo("127.0.0.1"));
        assertThatIllegalArgumentException().isThrownBy(() -> sandbox.update(DomainSpec.of("reports.test")
                .reportReceiver("tlsrpt.reports.test"))).withMessageContaining("report receivers");
    }

    @Test
    @DisplayName("ReportReceiver checks its settings")
    void receiverSettings() {
        assertThatIllegalArgumentException().isThrownBy(() -> ReportReceiver.of("x.test").withStatus(99));
        assertThatIllegalArgumentException().isThrownBy(() -> ReportReceiver.of("x.test").withMaxBodyBytes(-1));
        assertThatIllegalArgumentException().isThrownBy(() -> ReportReceiver.of("not a host"));
        assertThat(ReportReceiver.of("X.Test").name()).isEqualTo("x.test");
        assertThatIllegalArgumentException().isThrownBy(() -> DomainSpec.of("reports.test").reportReceiver("r.other.test"))
                .withMessageContaining("not in the domain");
    }
}
