package org.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.AlgorithmConstraints;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The prober on core's MxTrustManager in mode OPPORTUNISTIC: it accepts and records any chain. */
class TlsProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    @DisplayName("RFC 8461 §4.2, §7.1: a chain the JDK would refuse (an MD5 signature) is recorded for the check, SNI sent")
    void recordsAChainTheJdkWouldRefuse() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair caKeys = rsa.generateKeyPair();
        KeyPair leafKeys = rsa.generateKeyPair();
        long now = System.currentTimeMillis();
        Date from = new Date(now - 86_400_000L);
        Date to = new Date(now + 86_400_000L);
        X509Certificate ca = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                new X500Name("CN=probe test CA"), BigInteger.ONE, from, to, new X500Name("CN=probe test CA"), caKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
        X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                new X500Name("CN=probe test CA"), BigInteger.TWO, from, to, new X500Name("CN=mx.weak.test"), leafKeys.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, "mx.weak.test")))
                .build(new JcaContentSignerBuilder("MD5withRSA").build(caKeys.getPrivate())));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("mx", leafKeys.getPrivate(), new char[0], new X509Certificate[] {leaf, ca});
        // SunX509, not PKIX: the PKIX key manager itself would refuse to serve an MD5-signed chain.
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);

        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SSLParameters parameters = server.getSSLParameters();
            parameters.setAlgorithmConstraints(new PermitAll());
            server.setSSLParameters(parameters);
            CompletableFuture<List<SNIServerName>> sni = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.setSoTimeout((int) TIMEOUT.toMillis());
                    s.startHandshake();
                    List<SNIServerName> names = new ArrayList<>(((ExtendedSSLSession) s.getSession()).getRequestedServerNames());
                    try {
                        s.getInputStream().read(); // until the probe closes
                    } catch (java.io.IOException closed) {
                        // the probe closed without close_notify: the handshake is what counts
                    }
                    return names;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            TlsProbe.Result result = TlsProbe.tls("mx.weak.test",
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), TIMEOUT);

            // A JDK trust manager that is not an X509ExtendedTrustManager fails this handshake on the
            // JDK's algorithm constraints; the opportunistic MxTrustManager records it, so that the
            // caller's MxCertificateCheck names the problem.
            assertThat(result.outcome()).as(result.toString()).isEqualTo(TlsProbe.Outcome.SECURED);
            assertThat(result.chain()).containsExactly(leaf, ca);
            assertThat(result.transcript()).anyMatch(line -> line.startsWith("-- TLS TLSv1."));
            assertThat(sni.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .extracting(n -> new String(n.getEncoded(), java.nio.charset.StandardCharsets.US_ASCII))
                    .containsExactly("mx.weak.test");
        }
    }

    /** The test server serves the MD5-signed chain whatever the JDK's defaults say. */
    private static final class PermitAll implements AlgorithmConstraints {
        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, AlgorithmParameters parameters) {
            return true;
        }

        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, Key key) {
            return true;
        }

        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, Key key, AlgorithmParameters parameters) {
            return true;
        }
    }

    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.DisplayName("a --timeout beyond int milliseconds is clamped, never overflows into a negative socket timeout")
    void socketTimeoutNeverOverflows() {
        assertThat(TlsProbe.millis(Duration.ofSeconds(10))).isEqualTo(10_000);
        assertThat(TlsProbe.millis(Duration.ofSeconds(Integer.MAX_VALUE))).isEqualTo(Integer.MAX_VALUE);
        assertThat(TlsProbe.millis(Duration.ZERO)).isEqualTo(1);
    }
}
