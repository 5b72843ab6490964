package org.mtasts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.Discovery;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.RecordSelection;
import org.mtasts.core.ReportUri;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.TlsRptRecord;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.dns.MxAnswer;
import org.mtasts.http.AddressFilter;
import org.mtasts.http.ReportUploader;
import org.mtasts.http.UploadResult;
import org.mtasts.tlsrpt.DateRange;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyDetails;
import org.mtasts.tlsrpt.PolicyResult;
import org.mtasts.tlsrpt.ReadResult;
import org.mtasts.tlsrpt.ReportFormat;
import org.mtasts.tlsrpt.Summary;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;
import org.mtasts.tlsrpt.TlsReportWriter;
import org.mtasts.tlsrpt.mail.MessageReadResult;
import org.mtasts.tlsrpt.mail.ReportMessage;
import org.mtasts.tlsrpt.mail.ReportMessageReader;

/**
 * Report delivery to real receivers (RFC 8460 §5.3, §5.4), each destination discovered in DNS the
 * way a sender finds it: a gzip report POSTed with {@code ReportUploader} to nginx's HTTPS receiver
 * (the {@code rua=https:} of testing.test), found byte for byte on disk; and the report e-mail
 * built by {@code ReportMessage} (the {@code rua=mailto:} of example.test), handed to Postfix, the
 * MX of example.test, over SMTP with STARTTLS, found in the Maildir and read back by our reader.
 */
class ReportDeliveryRealnetIT {

    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    private static Realnet realnet;
    private static DnsjavaResolver dns;

    /** Per test, so that a missing realnet shows as skipped tests with the reason (not as zero tests). */
    @BeforeEach
    void locate() {
        realnet = Realnet.get();
        dns = realnet.resolver(realnet.authoritativeDns());
    }

    /** A report as a sender writes it after a day of sessions with {@code domain}. */
    private static TlsReport report(String domain, String reportId) {
        StsPolicy policy = StsPolicy.builder().mode(PolicyMode.TESTING).mx("mx1.example.test")
                .maxAge(86400).build();
        FailureDetails failure = FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED)
                .sendingMtaIp("192.0.2.25").receivingMxHostname("mx1.example.test").receivingIp("127.0.0.1")
                .failedSessionCount(3).failureReasonCode("certificate-expired").build();
        return TlsReport.builder()
                .organizationName("mtasts-java integration tests")
                .contactInfo("tlsrpt-noreply@sender.test")
                .reportId(reportId)
                .dateRange(DateRange.utcDay(LocalDate.now(ZoneOffset.UTC).minusDays(1)))
                .policy(new PolicyResult(PolicyDetails.sts(DomainName.of(domain), policy.toText()), new Summary(97, 3),
                        List.of(failure)))
                .build();
    }

    private static TlsRptRecord tlsRptRecord(String domain) {
        Discovery<TlsRptRecord> d = RecordSelection.tlsRpt(dns.resolveTxt(DomainName.of(domain).tlsRptRecordName()));
        if (d instanceof Discovery.Found<TlsRptRecord> found) {
            return found.record();
        }
        throw new AssertionError("no TLSRPT record for " + domain + ": " + d);
    }

    @Test
    @DisplayName("RFC 8460 §5.4: a gzip report POSTed to the https rua lands on the receiver's disk byte for byte")
    void uploadsOverHttps() throws IOException {
        ReportUri.Https rua = null;
        for (ReportUri uri : tlsRptRecord("testing.test").rua()) {
            if (uri instanceof ReportUri.Https https) {
                rua = https;
            }
        }
        assertThat(rua).as("the https rua of testing.test").isNotNull();
        TlsReport report = report("testing.test", "it-https-" + UUID.randomUUID());
        byte[] gzip = TlsReportWriter.create().toGzip(report);

        Path dir = realnet.tlsRptUploads();
        Set<Path> before = listing(dir);
        UploadResult result;
        OkHttpClient client = new OkHttpClient.Builder().dns(Realnet.okHttpDns(dns)).build();
        ReportUploader.Builder builder = ReportUploader.builder()
                .client(client)
                .trustManager(realnet.trustManager())
                .addressFilter(AddressFilter.ANY)              // realnet is all loopback
                .timeout(Duration.ofSeconds(20));
        realnet.httpsOverrides(dns, List.of(rua.toUri().getHost())).forEach(builder::addressOverride); // 443 not bound
        try (ReportUploader uploader = builder.build()) {
            result = uploader.upload(rua, gzip, ReportFormat.GZIP);
        } finally {
            client.dispatcher().executorService().shutdown();   // the uploader leaves a caller's client alone
            client.connectionPool().evictAll();
        }
        assertThat(result).as("upload to %s", rua).isEqualTo(new UploadResult.Delivered(200));

        // nginx wrote the request body to a file of its own (client_body_in_file_only) before it answered.
        List<Path> fresh = new ArrayList<>(listing(dir));
        fresh.removeAll(before);
        List<Path> ours = new ArrayList<>();
        for (Path p : fresh) {
            if (Arrays.equals(Files.readAllBytes(p), gzip)) {
                ours.add(p);
            }
        }
        assertThat(ours).as("new files in %s: %s", dir, fresh).hasSize(1);
        System.out.println("uploaded " + gzip.length + " bytes to " + rua + ", found as " + ours.get(0));
        ReadResult read = TlsReportReader.strict().read(Files.readAllBytes(ours.get(0)));
        assertThat(read.orElseThrow()).isEqualTo(report);
    }

    private static Set<Path> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return new HashSet<>(files.toList());
        }
    }

    @Test
    @DisplayName("RFC 8460 §5.3: the report e-mail handed to the rua's MX over SMTP arrives and reads back")
    void mailsTheReport() throws Exception {
        ReportUri.Mailto rua = null;
        for (ReportUri uri : tlsRptRecord("example.test").rua()) {
            if (uri instanceof ReportUri.Mailto mailto) {
                rua = mailto;
            }
        }
        assertThat(rua).as("the mailto rua of example.test").isNotNull();
        TlsReport report = report("example.test", "it-mail-" + UUID.randomUUID());
        String messageId = "<" + UUID.randomUUID() + "@sender.test>";
        ReportMessage message = ReportMessage.builder().report(report).from("tlsrpt-noreply@sender.test").to(rua)
                .uniqueId("001").messageId(messageId).date(Instant.now()).build();

        // The rua's domain, then its MX, as a mail server routes the message.
        MxAnswer mx = dns.resolveMx(DomainName.of(rua.domain()));
        assertThat(mx).isInstanceOf(MxAnswer.Hosts.class);
        DomainName mxHost = ((MxAnswer.Hosts) mx).hosts().get(0).host();
        assertThat(mxHost).isEqualTo(DomainName.of("mx1.example.test"));

        Path inbox = realnet.tlsRptMaildir().resolve("new");
        assertThat(inbox).as("the Maildir made by setup.sh").isDirectory();
        byte[] delivered;
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            inbox.register(watch, StandardWatchEventKinds.ENTRY_CREATE);   // before sending: no race
            String queued = Smtp.send(mxHost.ascii(), new InetSocketAddress("127.0.0.1", realnet.smtp().getPort()),
                    realnet.trustManager(), "tlsrpt-noreply@sender.test", rua.address(), message.toBytes());
            System.out.println("Postfix took the report e-mail: " + queued);
            delivered = awaitMessage(watch, inbox, messageId);
        }
        assertThat(delivered).as("a message with Message-ID %s in %s", messageId, inbox).isNotNull();

        MessageReadResult read = ReportMessageReader.create().read(delivered);
        assertThat(read).as("%s", read).isInstanceOf(MessageReadResult.Received.class);
        MessageReadResult.Received received = (MessageReadResult.Received) read;
        assertThat(received.report()).isEqualTo(report);
        assertThat(received.warnings()).as("warnings").isEmpty();
        assertThat(received.mediaType()).isEqualTo("application/tlsrpt+gzip");
        assertThat(received.fileName()).isEqualTo(message.fileName().toString());
        assertThat(header(received, "TLS-Report-Domain")).isEqualTo("example.test");
        assertThat(header(received, "TLS-Report-Submitter")).isEqualTo("sender.test");
        assertThat(header(received, "Subject")).isEqualTo(message.subject());
        // Postfix added its trace headers: the message really went through it, over TLS.
        assertThat(header(received, "Delivered-To")).isEqualTo("tlsrpt@example.test");
        assertThat(new String(delivered, StandardCharsets.US_ASCII)).contains("by mx1.example.test (Postfix)")
                .containsPattern("using TLSv1\\.[23]");
    }

    private static String header(MessageReadResult.Received received, String name) {
        return received.header(name).orElseThrow(() -> new AssertionError("no " + name + " header"));
    }

    /** Waits, without sleeping, for Postfix to move the message into new/; null after the timeout. */
    static byte[] awaitMessage(WatchService watch, Path inbox, String messageId) throws IOException,
            InterruptedException {
        byte[] found = find(inbox, messageId);   // it may have arrived before the first poll
        long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
        while (found == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            WatchKey key;
            try {
                key = watch.poll(left, TimeUnit.NANOSECONDS);
            } catch (ClosedWatchServiceException e) {
                return null;
            }
            if (key == null) {
                return null;
            }
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.context() instanceof Path name) {
                    byte[] bytes = Files.readAllBytes(inbox.resolve(name));
                    if (contains(bytes, messageId)) {
                        found = bytes;
                    }
                }
            }
            key.reset();
        }
        return found;
    }

    private static byte[] find(Path inbox, String messageId) throws IOException {
        try (Stream<Path> files = Files.list(inbox)) {
            for (Path p : files.toList()) {
                byte[] bytes = Files.readAllBytes(p);
                if (contains(bytes, messageId)) {
                    return bytes;
                }
            }
        }
        return null;
    }

    private static boolean contains(byte[] bytes, String text) {
        return new String(bytes, StandardCharsets.ISO_8859_1).contains(text);
    }

    /**
     * A tiny SMTP client (RFC 5321), with STARTTLS (RFC 3207) to the MX host's name, verified
     * against the realnet CA: EHLO, STARTTLS, EHLO, MAIL, RCPT, DATA with dot-stuffing, QUIT.
     */
    static final class Smtp {
        private Smtp() {}

        static String send(String mxHost, InetSocketAddress address, X509TrustManager trust, String from,
                String to, byte[] message) throws IOException, GeneralSecurityException {
            int timeout = 10_000;
            try (Socket plain = new Socket()) {
                plain.connect(address, timeout);
                plain.setSoTimeout(timeout);
                InputStream in = plain.getInputStream();
                OutputStream out = new BufferedOutputStream(plain.getOutputStream());
                expect(in, "220");
                command(out, in, "EHLO it.mtasts.test", "250");
                command(out, in, "STARTTLS", "220");
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {trust}, null);
                try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, mxHost,
                        address.getPort(), true)) {
                    SSLParameters params = tls.getSSLParameters();
                    params.setServerNames(List.of(new SNIHostName(mxHost)));
                    params.setEndpointIdentificationAlgorithm("HTTPS");   // the certificate must name the MX
                    params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                    tls.setSSLParameters(params);
                    tls.startHandshake();
                    InputStream tin = tls.getInputStream();
                    OutputStream tout = new BufferedOutputStream(tls.getOutputStream());
                    command(tout, tin, "EHLO it.mtasts.test", "250");
                    command(tout, tin, "MAIL FROM:<" + from + ">", "250");
                    command(tout, tin, "RCPT TO:<" + to + ">", "250");
                    command(tout, tin, "DATA", "354");
                    tout.write(dotStuff(message));
                    tout.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                    tout.flush();
                    String queued = expect(tin, "250");
                    command(tout, tin, "QUIT", "221");
                    return queued;
                }
            }
        }

        /** RFC 5321 §4.5.2: a line starting with "." gets another one; the message ends in CRLF. */
        static byte[] dotStuff(byte[] message) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 64);
            boolean lineStart = true;
            for (byte b : message) {
                if (lineStart && b == '.') {
                    out.write('.');
                }
                out.write(b);
                lineStart = b == '\n';
            }
            if (!lineStart) {
                out.write('\r');
                out.write('\n');
            }
            return out.toByteArray();
        }

        private static void command(OutputStream out, InputStream in, String line, String code) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(in, code);
        }

        /** Reads one reply (all its lines) and checks its code; returns the last line. */
        private static String expect(InputStream in, String code) throws IOException {
            String line;
            do {
                line = readLine(in);
            } while (line.length() >= 4 && line.charAt(3) == '-');
            if (!line.startsWith(code)) {
                throw new IOException("expected " + code + ", got: " + line);
            }
            return line;
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the server closed the connection");
                }
                if (b != '\r' && line.length() < 1000) {
                    line.append((char) b);
                }
            }
            return line.toString();
        }
    }
}
