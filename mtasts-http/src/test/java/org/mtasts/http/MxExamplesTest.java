package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtasts.core.CertificateVerdict;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxCertificateCheck;
import org.mtasts.core.MxHandshake;
import org.mtasts.core.MxTrustManager;
import org.mtasts.core.ResultType;
import org.mtasts.core.TlsOutcome;
import org.mtasts.testkit.CertificateVariant;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.IssuedCertificate;
import org.mtasts.testkit.MtaStsSandbox;

/**
 * The Javadoc examples of a connection to an MX host, compiled and run against the sandbox's SMTP
 * hosts: core's {@code MxCertificateCheck}, {@code MxTrustManager} and {@code MxHandshake}, and
 * {@code MxSession}. Each {@code // --- example:} region is the example as written
 * (CONTRIBUTING.md, "Examples"); the set-up before it does the SMTP dialog up to STARTTLS, and
 * lines ending in {@code // sandbox only} run what the example leaves to the MTA or keep its result
 * for the assertions.
 */
class MxExamplesTest {
    static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n";
    static MtaStsSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("example.com").stsRecord("v=STSv1; id=1").policy(POLICY)
                        .mx(10, "mx1.example.com"))
                .start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /** The MTA's SMTP code: greeting, EHLO, STARTTLS and its 220; returns the plain socket. */
    private static Socket openSmtp(DomainName mx) throws IOException {
        SmtpDialog smtp = SmtpDialog.connect(sandbox.address(mx.ascii()));
        assertThat(smtp.ehloOffersStarttls("sender.example.net")).isTrue();
        smtp.starttls();
        return smtp.socket();
    }

    @Test
    void mxCertificateCheck() throws Exception {
        X509TrustManager systemTrustManager = sandbox.trustManager();          // the sandbox's CA stands in
        Socket plain = openSmtp(DomainName.of("mx1.example.com"));
        SSLSocket sslSocket = (SSLSocket) sandbox.clientSslContext().getSocketFactory()
                .createSocket(plain, "mx1.example.com", plain.getPort(), true);
        sslSocket.startHandshake();
        // --- example: MxCertificateCheck
        MxCertificateCheck check = MxCertificateCheck.builder()
                .trustManager(systemTrustManager).clock(Clock.systemUTC()).build();
        SSLSession session = sslSocket.getSession();
        CertificateVerdict verdict = check.check(DomainName.of("mx1.example.com"), session.getPeerCertificates());
        // ---
        sslSocket.close();
        assertThat(verdict).isEqualTo(new CertificateVerdict.Valid("mx1.example.com"));
    }

    @Test
    void mxTrustManager() throws Exception {
        X509TrustManager roots = sandbox.trustManager();
        Socket plain = openSmtp(DomainName.of("mx1.example.com"));
        List<TlsOutcome> outcomes = new ArrayList<>();
        // --- example: MxTrustManager
        MxTrustManager trust = MxTrustManager.create(MxCertificateCheck.builder().trustManager(roots).build());
        DomainName mx = DomainName.of("mx1.example.com");
        SSLSocket socket = (SSLSocket) trust.sslContext().getSocketFactory()
                .createSocket(plain, mx.ascii(), plain.getPort(), true);      // after "220 Ready to start TLS"
        try (MxHandshake handshake = trust.bind(socket, mx, MxTrustManager.Mode.ENFORCE)) {
            TlsOutcome outcome;
            try {
                socket.startHandshake();
                outcome = handshake.completed(socket.getSession());
            } catch (IOException e) {
                outcome = handshake.failed(e);                   // e.g. certificate-expired, with its reason
            }
            outcomes.add(outcome);                                                 // sandbox only
        }
        // ---
        socket.close();
        assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.isSecured()).isTrue());
    }

    @Test
    void mxHandshake() throws Exception {
        MxTrustManager trust = MxTrustManager.create(MxCertificateCheck.builder()
                .trustManager(sandbox.trustManager()).build());
        SSLEngine engine = trust.sslContext().createSSLEngine("mx1.example.com", 25);
        engine.setUseClientMode(true);
        SSLEngine server = serverEngine(sandbox.pki().issue("mx1.example.com", CertificateVariant.EXPIRED));
        List<TlsOutcome> outcomes = new ArrayList<>();
        // --- example: MxHandshake
        try (MxHandshake handshake = trust.bind(engine, DomainName.of("mx1.example.com"), MxTrustManager.Mode.REPORT)) {
            // ... run the handshake, then:
            Throwable cause = handshake(engine, server);                           // sandbox only
            boolean handshakeSucceeded = cause == null;                            // sandbox only
            TlsOutcome outcome = handshakeSucceeded ? handshake.completed(engine.getSession()) : handshake.failed(cause);
            outcomes.add(outcome);                                                 // sandbox only
        }
        // ---
        // Mode REPORT: the expired certificate is recorded and the handshake goes on (RFC 8461 §5).
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.resultType()).isEqualTo(ResultType.CERTIFICATE_EXPIRED);
            assertThat(o.failureReasonCode()).isEqualTo(MxCertificateCheck.REASON_EXPIRED);
        });
    }

    /** A server engine presenting the certificate. */
    private static SSLEngine serverEngine(IssuedCertificate cert) throws Exception {
        char[] password = "sandbox".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("mx", cert.privateKey(), password, cert.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }

    /** Runs a handshake between two engines in memory; returns the client's failure, or null. */
    private static Throwable handshake(SSLEngine client, SSLEngine server) {
        int size = 4 * Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(size);
        ByteBuffer toClient = ByteBuffer.allocate(size);
        ByteBuffer app = ByteBuffer.allocate(size);
        ByteBuffer empty = ByteBuffer.allocate(0);
        try {
            client.beginHandshake();
            server.beginHandshake();
            for (int i = 0; i < 100 && !(done(client) && done(server)); i++) {
                wrap(client, empty, toServer);
                wrap(server, empty, toClient);
                toServer.flip();
                toClient.flip();
                unwrap(server, toServer, app);
                unwrap(client, toClient, app);
                toServer.compact();
                toClient.compact();
            }
            return done(client) && done(server) ? null : new SSLException("the handshake did not finish");
        } catch (SSLException e) {
            return e;
        }
    }

    private static void wrap(SSLEngine engine, ByteBuffer empty, ByteBuffer out) throws SSLException {
        while (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            SSLEngineResult r = engine.wrap(empty, out);
            tasks(engine);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                return;
            }
        }
    }

    private static void unwrap(SSLEngine engine, ByteBuffer in, ByteBuffer app) throws SSLException {
        while (in.hasRemaining() && engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            SSLEngineResult r = engine.unwrap(in, app);
            tasks(engine);
            app.clear();
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
                return;
            }
        }
    }

    private static void tasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private static boolean done(SSLEngine engine) {
        SSLEngineResult.HandshakeStatus s = engine.getHandshakeStatus();
        return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    @Test
    void mxSession() throws Exception {
        try (MtaSts sts = MtaSts.builder()
                .txtResolver(FakeTxtResolver.create().records("_mta-sts.example.com", "v=STSv1; id=1"))
                .trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())
                .mxTrustManager(sandbox.trustManager())
                .build()) {
            PolicyResolution resolution = sts.resolve(DomainName.of("example.com"));
            List<String> secured = new ArrayList<>();
            deliver(sts, resolution, DomainName.of("mx2.example.com"), secured);    // not in the policy
            deliver(sts, resolution, DomainName.of("mx1.example.com"), secured);
            assertThat(secured).containsExactly("mx1.example.com");
        }
    }

    private static void deliver(MtaSts sts, PolicyResolution resolution, DomainName mx, List<String> secured)
            throws IOException {
        // --- example: MxSession
        try (MxSession session = sts.session(resolution, mx)) {
            if (session.refused()) {
                return;                                               // enforce: not listed; try the next MX host
            }
            Socket socket = openSmtp(mx);                             // your SMTP code: greeting, EHLO, STARTTLS, "220"
            MxSession.StartTls tls = session.startTls(socket);        // SNI, TLS 1.2+, RFC 8461 §4.2 in the handshake
            if (tls.decision().refuses()) {
                return;                                               // enforce: say why with tls.decision().explanation()
            }
            SSLSocket secure = tls.socket().orElseThrow();            // EHLO again, then send the message
            secured.add(secure.getSession().getPeerHost());                                        // sandbox only
            secure.close();                                                                        // sandbox only
        }
        // ---
    }
}
