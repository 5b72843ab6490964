package org.mtasts.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.http.ReportUploader;
import org.mtasts.http.UploadResult;
import org.mtasts.testkit.CertificateVariant;
import org.mtasts.testkit.IssuedCertificate;
import org.mtasts.testkit.SandboxPki;
import org.mtasts.tlsrpt.ReportFormat;
import org.mtasts.tlsrpt.TlsReportReader;

class ReportReceiverServerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);
    private static final String HOST = "tlsrpt.example.test";

    @TempDir
    Path tmp;

    ReportIntake intake;
    ReportReceiverServer server;

    @BeforeEach
    void open() throws IOException {
        intake = ReportIntake.builder()
                .store(FileReportStore.open(tmp.resolve("reports")))
                .quarantine(Quarantine.open(tmp.resolve("quarantine"), CLOCK))
                .reportReader(TlsReportReader.builder().maxJsonBytes(1_000_000).build())
                .build();
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    private ReportReceiverServer start(ReportReceiverServer.Builder b) throws IOException {
        server = b.build();
        server.start();
        return server;
    }

    static SSLContext serverContext(IssuedCertificate cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", cert.privateKey(), new char[0], cert.chain().toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    @Test
    @DisplayName("RFC 8460 §5.4: takes gzip and JSON POSTs from our ReportUploader, 201 then 200 for a duplicate")
    void takesPostsFromReportUploader() throws Exception {
        SandboxPki pki = SandboxPki.create(CLOCK.withZone(ZoneOffset.UTC));
        start(ReportReceiverServer.builder().intake(intake).path("/report")
                .sslContext(serverContext(pki.issue(HOST, CertificateVariant.VALID))));
        URI endpoint = URI.create("https://" + HOST + "/report");
        byte[] gzip = IntakeCorpus.bytes(IntakeCorpus.report("mox__google.com!test.xmox.nl!1663200000!1663286399!001.json.gz"));
        byte[] json = IntakeCorpus.bytes(IntakeCorpus.report("cry-inc__microsoft.json"));
        try (ReportUploader uploader = ReportUploader.builder().trustManager(pki.trustManager())
                .addressOverride(HOST, server.address()).addressFilter(address -> true).build()) {
            assertThat(uploader.upload(endpoint, gzip, ReportFormat.GZIP)).isEqualTo(new UploadResult.Delivered(201));
            assertThat(uploader.upload(endpoint, json, ReportFormat.JSON)).isEqualTo(new UploadResult.Delivered(201));
            assertThat(uploader.upload(endpoint, gzip, ReportFormat.GZIP)).isEqualTo(new UploadResult.Delivered(200));
        }
        assertThat(intake.store().size()).isEqualTo(2);
    }

    @Test
    @DisplayName("RFC 8460 §5.4: takes a POST from curl")
    void takesPostsFromCurl() throws Exception {
        SandboxPki pki = SandboxPki.create(CLOCK.withZone(ZoneOffset.UTC));
        start(ReportReceiverServer.builder().intake(intake)
                .sslContext(serverContext(pki.issue(HOST, CertificateVariant.VALID))));
        Path ca = Files.writeString(tmp.resolve("ca.pem"), pki.caPem());
        Path report = IntakeCorpus.report("parsedmarc__google.com!cardinalhealth.ca!1725321600!1725407999!001.json.gz");
        int port = server.address().getPort();
        List<String> command = List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", ca.toString(),
                "--resolve", HOST + ":" + port + ":127.0.0.1", "-H", "Content-Type: application/tlsrpt+gzip",
                "--data-binary", "@" + report, "https://" + HOST + ":" + port + "/");
        assertThat(run(command)).isEqualTo("201");
        assertThat(run(command)).isEqualTo("200");
        assertThat(intake.store().size()).isEqualTo(1);
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out.trim();
    }

    /** A response: status, body, Allow header. */
    record Response(int statusCode, String body, String allow) {}

    private Response post(String path, String contentType, byte[] body) throws Exception {
        return request("POST", path, contentType, body, false);
    }

    private Response request(String method, String path, String contentType, byte[] body, boolean chunked)
            throws Exception {
        HttpURLConnection c = (HttpURLConnection) server.uri().resolve(path).toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout((int) Duration.ofSeconds(20).toMillis());
        c.setReadTimeout((int) Duration.ofSeconds(20).toMillis());
        if (contentType != null) {
            c.setRequestProperty("Content-Type", contentType);
        }
        if (body != null) {
            c.setDoOutput(true);
            if (chunked) {
                c.setChunkedStreamingMode(4096);
            } else {
                c.setFixedLengthStreamingMode(body.length);
            }
            try (var out = c.getOutputStream()) {
                out.write(body);
            } catch (IOException e) {
                // the server may answer 413 and close before the whole body is sent
            }
        }
        int status = c.getResponseCode();
        var in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Response(status, text, c.getHeaderField("Allow"));
    }

    @Test
    void refusesOtherMethodsPathsAndMediaTypes() throws Exception {
        start(ReportReceiverServer.builder().intake(intake).path("/tlsrpt"));
        byte[] json = IntakeCorpus.bytes(IntakeCorpus.report("stalwart__rpt02.json"));
        Response get = request("GET", "/tlsrpt", null, null, false);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.allow()).isEqualTo("POST");
        assertThat(post("/other", "application/tlsrpt+json", json).statusCode()).isEqualTo(404);
        assertThat(post("/tlsrpt/../etc/passwd", "application/tlsrpt+json", json).statusCode()).isEqualTo(404);
        assertThat(post("/tlsrpt", "application/json", json).statusCode()).isEqualTo(415);
        assertThat(post("/tlsrpt", null, json).statusCode()).isEqualTo(415);
        assertThat(post("/tlsrpt", "application/tlsrpt+json; charset=utf-8", json).statusCode()).isEqualTo(201);
        assertThat(intake.store().size()).isEqualTo(1);
        assertThat(intake.quarantine().entries()).isEmpty();
    }

    @Test
    void badReportsGet400AndAreQuarantined() throws Exception {
        start(ReportReceiverServer.builder().intake(intake));
        Response broken = post("/", "application/tlsrpt+json", "{\"organization-name\":".getBytes(StandardCharsets.UTF_8));
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.body()).startsWith("not a usable report: ");
        byte[] json = IntakeCorpus.bytes(IntakeCorpus.report("stalwart__rpt02.json"));
        Response mislabelled = post("/", "application/tlsrpt+gzip", json);
        assertThat(mislabelled.statusCode()).isEqualTo(400);
        assertThat(mislabelled.body()).contains("but the body is not gzip");
        assertThat(intake.quarantine().entries()).hasSize(2);
        assertThat(post("/", "application/tlsrpt+json", json).statusCode()).as("the next report goes on").isEqualTo(201);
    }

    @Test
    void bodiesOverTheLimitGet413() throws Exception {
        start(ReportReceiverServer.builder().intake(intake).maxBodyBytes(10_000));
        assertThat(post("/", "application/tlsrpt+json", new byte[10_001]).statusCode()).isEqualTo(413);
        // Without Content-Length (chunked): cut at the limit all the same.
        assertThat(request("POST", "/", "application/tlsrpt+json", new byte[50_000], true).statusCode()).isEqualTo(413);
        assertThat(intake.store().size()).isZero();
    }

    @Test
    @DisplayName("RFC 8460 §7: a gzip bomb gets 413 once its decompressed size passes the reader's limit")
    void aGzipBombGets413() throws Exception {
        start(ReportReceiverServer.builder().intake(intake).maxBodyBytes(100_000));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write("{\"organization-name\":\"".getBytes(StandardCharsets.US_ASCII));
            byte[] spaces = new byte[1 << 20];
            java.util.Arrays.fill(spaces, (byte) 'a');
            for (int i = 0; i < 30; i++) {
                gz.write(spaces);
            }
        }
        assertThat(bytes.size()).isLessThan(100_000);
        Response r = post("/", "application/tlsrpt+gzip", bytes.toByteArray());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(intake.store().size()).isZero();
    }

    @Test
    void theUriNamesTheListeningAddress() throws Exception {
        start(ReportReceiverServer.builder().intake(intake).address(new InetSocketAddress("127.0.0.1", 0)).path("/r"));
        assertThat(server.uri().toString()).matches("http://127\\.0\\.0\\.1:[0-9]+/r");
    }
}
