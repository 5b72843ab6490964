package org.mtasts.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The sandbox MX hosts seen by a JDK SSLSocket doing STARTTLS. */
@MtaStsSandboxTest
class SmtpHostTest {

    @SandboxConfiguration
    static MtaStsSandbox.Builder sandbox() {
        return MtaStsSandbox.builder().domain(DomainSpec.of("mail.test")
                .mx(10, "mx1.mail.test")
                .mx(20, SmtpHost.of("mx2.mail.test").withCertificate(CertificateVariant.WILDCARD))
                .mx(30, SmtpHost.of("plain.mail.test").withoutStarttls())
                .mx(40, SmtpHost.of("refuses.mail.test").withFault(SmtpFault.STARTTLS_REFUSED))
                .mx(50, SmtpHost.of("drops.mail.test").withFault(SmtpFault.CLOSE_AFTER_STARTTLS))
                .mx(60, SmtpHost.of("stalls.mail.test").withFault(SmtpFault.STALL_AFTER_EHLO))
                .mx(70, SmtpHost.of("expired.mail.test").withCertificate(CertificateVariant.EXPIRED)));
    }

    private final MtaStsSandbox sandbox;

    SmtpHostTest(MtaStsSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @AfterEach
    void noServerProblems() {
        assertThat(sandbox.problems()).isEmpty();
    }

    private SmtpClient connect(String host) throws IOException {
        SmtpClient c = SmtpClient.connect(sandbox.address(host));
        assertThat(c.reply()).isEqualTo("220 " + host + " ESMTP mtasts-sandbox");
        return c;
    }

    @Test
    @DisplayName("RFC 8461 §4.2, §7.1: STARTTLS with SNI, the MX host's certificate, and the transcript")
    void starttlsWithSni() throws Exception {
        try (SmtpClient c = connect("mx1.mail.test")) {
            String ehlo = c.command("EHLO client.test");
            assertThat(ehlo.split("\n")).contains("250-STARTTLS").startsWith("250-mx1.mail.test greets client.test");
            assertThat(c.command("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS");
            SSLSocket tls = c.startTls(sandbox.clientSslContext(), "mx1.mail.test", true);
            X509Certificate leaf = (X509Certificate) tls.getSession().getPeerCertificates()[0];
            assertThat(leaf.getSubjectX500Principal().getName()).contains("CN=mx1.mail.test");
            assertThat(tls.getSession().getPeerCertificates()).hasSize(2);
            String again = c.command("EHLO client.test");
            assertThat(again).doesNotContain("STARTTLS");
            assertThat(c.command("STARTTLS")).startsWith("503 ");
            assertThat(c.command("QUIT")).isEqualTo("221 2.0.0 Bye");
        }
        SmtpSession s = last("mx1.mail.test");
        assertThat(s.sni()).isEqualTo("mx1.mail.test");
        assertThat(s.tls()).isTrue();
        assertThat(s.tlsProtocol()).isEqualTo("TLSv1.3");
        assertThat(s.tlsFailure()).isNull();
        assertThat(s.commands()).containsExactly("EHLO client.test", "STARTTLS", "EHLO client.test", "STARTTLS", "QUIT");
        assertThat(s.closed()).isTrue();
    }

    @Test
    @DisplayName("RFC 6066 §3: the SNI name is recorded for a resumed TLS session too")
    void sniOfAResumedSession() throws Exception {
        javax.net.ssl.SSLContext context = sandbox.clientSslContext();
        for (int i = 0; i < 2; i++) {
            try (SmtpClient c = connect("mx1.mail.test")) {
                c.command("EHLO client.test");
                c.command("STARTTLS");
                c.startTls(context, "mx1.mail.test", true);
                c.command("EHLO client.test");
                c.command("QUIT");
            }
            List<SmtpSession> sessions = sandbox.awaitSmtpSessions("mx1.mail.test",
                    sandbox.smtpSessions("mx1.mail.test").size(), java.time.Duration.ofSeconds(10));
            assertThat(sessions.get(sessions.size() - 1).sni()).as("connection %d", i + 1).isEqualTo("mx1.mail.test");
        }
    }

    private SmtpSession last(String host) {
        List<SmtpSession> sessions = sandbox.smtpSessions(host);
        assertThat(sessions).isNotEmpty();
        return sessions.get(sessions.size() - 1);
    }

    @Test
    void certificateIsChosenBySniAndElseByPort() throws Exception {
        try (SmtpClient c = connect("mx1.mail.test")) {
            c.command("EHLO client.test");
            c.command("STARTTLS");
            SSLSocket tls = c.startTls(sandbox.clientSslContext(), "mx2.mail.test", true);
            X509Certificate leaf = (X509Certificate) tls.getSession().getPeerCertificates()[0];
            assertThat(leaf.getSubjectAlternativeNames()).singleElement()
                    .satisfies(san -> assertThat(san.get(1)).isEqualTo("*.mail.test"));
            c.command("QUIT"); // the reply comes after the host recorded the handshake
        }
        assertThat(last("mx1.mail.test").sni()).isEqualTo("mx2.mail.test");

        AtomicReference<X509Certificate[]> seen = new AtomicReference<>();
        try (SmtpClient c = connect("mx1.mail.test")) {
            c.command("EHLO client.test");
            c.command("STARTTLS");
            // An IP address as host: the JDK sends no SNI, so the port's own certificate comes.
            c.startTls(JdkClients.recording(seen), "127.0.0.1", false);
            c.command("QUIT");
        }
        assertThat(seen.get()[0].getSubjectX500Principal().getName()).contains("CN=mx1.mail.test");
        assertThat(last("mx1.mail.test").sni()).isNull();
    }

    @Test
    @DisplayName("RFC 8461 §4.2: an expired MX certificate fails the client's handshake, and the host records it")
    void expiredCertificate() throws Exception {
        try (SmtpClient c = connect("expired.mail.test")) {
            c.command("EHLO client.test");
            c.command("STARTTLS");
            assertThatThrownBy(() -> c.startTls(sandbox.clientSslContext(), "expired.mail.test", true))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasRootCauseInstanceOf(CertificateExpiredException.class);
        }
        List<SmtpSession> sessions = sandbox.awaitSmtpSessions("expired.mail.test", 1, java.time.Duration.ofSeconds(10));
        SmtpSession s = sessions.get(sessions.size() - 1);
        assertThat(s.tls()).isFalse();
        assertThat(s.tlsFailure()).isNotNull();
        assertThat(s.sni()).isEqualTo("expired.mail.test");
    }

    @Test
    @DisplayName("RFC 3207: a host without STARTTLS neither advertises nor accepts it")
    void withoutStarttls() throws Exception {
        try (SmtpClient c = connect("plain.mail.test")) {
            assertThat(c.command("EHLO client.test")).doesNotContain("STARTTLS");
            assertThat(c.command("STARTTLS")).startsWith("502 ");
            assertThat(c.command("QUIT")).startsWith("221 ");
        }
    }

    @Test
    @DisplayName("RFC 3207 §4: STARTTLS answered 454, or the connection dropped after 220")
    void starttlsFaults() throws Exception {
        try (SmtpClient c = connect("refuses.mail.test")) {
            assertThat(c.command("EHLO client.test")).contains("250-STARTTLS");
            assertThat(c.command("STARTTLS")).isEqualTo("454 4.7.0 TLS not available due to temporary reason");
        }
        try (SmtpClient c = connect("drops.mail.test")) {
            c.command("EHLO client.test");
            assertThat(c.command("STARTTLS")).startsWith("220 ");
            assertThatThrownBy(() -> c.startTls(sandbox.clientSslContext(), "drops.mail.test", true))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void stallAfterEhlo() throws Exception {
        try (SmtpClient c = connect("stalls.mail.test")) {
            assertThat(c.command("EHLO client.test")).startsWith("250-");
            c.timeout(200);
            assertThatThrownBy(() -> c.command("STARTTLS")).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    @DisplayName("RFC 5321: mail is taken after TLS, dot-stuffing undone, sequence errors answered")
    void takesMail() throws Exception {
        try (SmtpClient c = connect("mx1.mail.test")) {
            assertThat(c.command("MAIL FROM:<a@client.test>")).startsWith("503 ");
            assertThat(c.command("EHLO")).startsWith("501 ");
            c.command("EHLO client.test");
            c.command("STARTTLS");
            c.startTls(sandbox.clientSslContext(), "mx1.mail.test", true);
            assertThat(c.command("MAIL FROM:<a@client.test>")).startsWith("503 "); // EHLO again first
            c.command("EHLO client.test");
            assertThat(c.command("RCPT TO:<b@mail.test>")).startsWith("503 ");
            assertThat(c.command("MAIL FROM:<a@client.test>")).isEqualTo("250 2.1.0 OK");
            assertThat(c.command("DATA")).startsWith("503 ");
            assertThat(c.command("RCPT TO:<b@mail.test>")).isEqualTo("250 2.1.5 OK");
            assertThat(c.command("DATA")).startsWith("354 ");
            c.send("Subject: hi");
            c.send("");
            c.send("..leading dot");
            assertThat(c.command(".")).isEqualTo("250 2.0.0 OK queued");
            assertThat(c.command("NOOP")).startsWith("250 ");
            assertThat(c.command("RSET")).startsWith("250 ");
            assertThat(c.command("VRFY b")).startsWith("252 ");
            assertThat(c.command("HELLO")).startsWith("500 ");
            assertThat(c.command("X".repeat(2000))).startsWith("500 5.5.6");
            c.command("QUIT");
        }
        SmtpSession s = last("mx1.mail.test");
        assertThat(s.messages()).containsExactly("Subject: hi\r\n\r\n.leading dot\r\n");
        assertThat(s.commands()).contains("X".repeat(64) + "...");
    }

    /** Sends raw bytes as DATA content (already dot-stuffed, ending in CRLF . CRLF) and returns the reply. */
    private static String data(SmtpClient c, byte[] wire) throws IOException {
        assertThat(c.command("MAIL FROM:<a@client.test> SIZE=" + wire.length)).startsWith("250 ");
        assertThat(c.command("RCPT TO:<b@mail.test>")).startsWith("250 ");
        assertThat(c.command("DATA")).startsWith("354 ");
        c.sendRaw(wire);
        return c.reply();
    }

    @Test
    @DisplayName("RFC 5321 §4.5.2: a message arrives byte for byte: dots unstuffed, long lines and 8-bit bytes kept")
    void messageArrivesIntact() throws Exception {
        StringBuilder sent = new StringBuilder();
        sent.append("From: a@client.test\r\nSubject: report\r\n\r\n");
        sent.append(".starts with a dot\r\n..two dots\r\n\r\n");
        sent.append("X".repeat(2000)).append("\r\n");                  // longer than RFC 5321 allows: still kept
        sent.append("caf\u00e9 8-bit \u00ff\r\n");
        for (int i = 0; i < 5000; i++) {
            sent.append("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n");
        }
        String message = sent.toString();
        // On the wire: every line starting with a dot gets one more (RFC 5321 §4.5.2), then CRLF.CRLF.
        String wire = message.replaceAll("(?m)^\\.", "..") + ".\r\n";
        try (SmtpClient c = connect("plain.mail.test")) {
            c.command("EHLO client.test");
            assertThat(data(c, wire.getBytes(StandardCharsets.ISO_8859_1))).isEqualTo("250 2.0.0 OK queued");
            c.command("QUIT");
        }
        String received = last("plain.mail.test").messages().get(0);
        assertThat(received.length()).isEqualTo(message.length()).isGreaterThan(390_000);
        assertThat(received.getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(message.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    @DisplayName("RFC 5321 §4.5.3.1.7: a message above SIZE is refused with 552, and the session goes on")
    void messageAboveTheLimitIsRefused() throws Exception {
        byte[] line = ("Y".repeat(998) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
        while (wire.size() <= SmtpServer.MAX_MESSAGE) {
            wire.write(line);
        }
        wire.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        try (SmtpClient c = connect("plain.mail.test")) {
            c.command("EHLO client.test");
            assertThat(data(c, wire.toByteArray())).startsWith("552 5.3.4");
            assertThat(data(c, "small\r\n.\r\n".getBytes(StandardCharsets.US_ASCII))).startsWith("250 ");
            c.command("QUIT");
        }
        assertThat(last("plain.mail.test").messages()).containsExactly("small\r\n");
    }

    @Test
    void commandsWithControlCharactersAreRecordedEscaped() throws Exception {
        try (SmtpClient c = connect("plain.mail.test")) {
            c.command("NOOP \u0007bell");
            c.command("QUIT");
        }
        assertThat(last("plain.mail.test").commands()).contains("NOOP \\u0007bell");
    }

    @Test
    void mxHostsAreInTheAddressMapAndInDns() throws Exception {
        assertThat(sandbox.addresses()).containsKeys("mx1.mail.test", "mx2.mail.test", "plain.mail.test");
        org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver(sandbox.dnsAddress());
        org.xbill.DNS.Message m = r.send(org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
                org.xbill.DNS.Name.fromString("mx1.mail.test."), org.xbill.DNS.Type.A, org.xbill.DNS.DClass.IN)));
        assertThat(m.getSection(org.xbill.DNS.Section.ANSWER)).singleElement()
                .satisfies(a -> assertThat(a.rdataToString()).isEqualTo("127.0.0.1"));
    }
}
