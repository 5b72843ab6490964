package org.mtasts.http;

import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A small PKI for fetch tests, made with okhttp-tls: one root CA and leaf certificates on demand.
 * Stands in until the testkit's sandbox PKI is on this branch.
 */
final class TestPki {
    final HeldCertificate root = new HeldCertificate.Builder()
            .commonName("mtasts test root")
            .certificateAuthority(0)
            .ecdsa256()
            .build();

    /** A trust manager that trusts only this root. */
    X509TrustManager trustManager() {
        return new HandshakeCertificates.Builder().addTrustedCertificate(root.certificate()).build().trustManager();
    }

    /** A leaf for the given SANs, valid now, signed by the root. */
    HeldCertificate leaf(String... sans) {
        HeldCertificate.Builder b = new HeldCertificate.Builder().signedBy(root).ecdsa256();
        for (String san : sans) {
            b.addSubjectAlternativeName(san);
        }
        return b.build();
    }

    /** A leaf with only a subject CN and no SAN. */
    HeldCertificate cnOnly(String cn) {
        return new HeldCertificate.Builder().signedBy(root).commonName(cn).ecdsa256().build();
    }

    /** A leaf valid in [from, to). */
    HeldCertificate leafValid(Instant from, Instant to, String san) {
        return new HeldCertificate.Builder().signedBy(root).ecdsa256().addSubjectAlternativeName(san)
                .validityInterval(from.toEpochMilli(), to.toEpochMilli()).build();
    }

    /** A self-signed leaf that no trust manager here trusts. */
    static HeldCertificate selfSigned(String san) {
        return new HeldCertificate.Builder().addSubjectAlternativeName(san).ecdsa256().build();
    }

    /** The server side of a handshake presenting {@code leaf} and the root as its chain. */
    SSLSocketFactory serverSocketFactory(HeldCertificate leaf) {
        return new HandshakeCertificates.Builder().heldCertificate(leaf, root.certificate()).build().sslSocketFactory();
    }

    static Instant daysAgo(int days) {
        return Instant.now().minus(Duration.ofDays(days));
    }

    static Instant daysAhead(int days) {
        return Instant.now().plus(Duration.ofDays(days));
    }
}
