package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 8461 §4.2 against certificates made in the test with Bouncy Castle: a root, intermediates and
 * leaves, each check asserting the exact result type and reason code. Time comes from fixed clocks.
 */
class MxCertificateCheckTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final DomainName MX1 = DomainName.of("mx1.example.com");
    private static final AtomicLong SERIAL = new AtomicLong(1000);

    static Ca root;
    static Ca intermediate;
    static Ca otherRoot;
    static X509TrustManager trust;

    /** A certificate authority: its certificate and key. */
    record Ca(X509Certificate cert, KeyPair keys) {}

    @BeforeAll
    static synchronized void makePki() throws Exception {
        if (root != null) {
            return; // made once per JVM, also for MxTrustManagerTest
        }
        root = ca("Test Root", null, NOW.minus(Duration.ofDays(365)), NOW.plus(Duration.ofDays(3650)));
        intermediate = ca("Test Intermediate", root, NOW.minus(Duration.ofDays(100)), NOW.plus(Duration.ofDays(1000)));
        otherRoot = ca("Untrusted Root", null, NOW.minus(Duration.ofDays(365)), NOW.plus(Duration.ofDays(3650)));
        trust = trustManager(root.cert());
    }

    private static KeyPair keys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static Ca ca(String cn, Ca issuer, Instant notBefore, Instant notAfter) throws Exception {
        KeyPair keys = keys();
        X500Name subject = new X500Name("CN=" + cn);
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                issuer == null ? subject : X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded()),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
                keys.getPublic());
        b.addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(org.bouncycastle.asn1.x509.Extension.keyUsage, true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(org.bouncycastle.asn1.x509.Extension.subjectKeyIdentifier, false,
                utils.createSubjectKeyIdentifier(keys.getPublic()));
        if (issuer != null) {
            b.addExtension(org.bouncycastle.asn1.x509.Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(issuer.cert()));
        }
        return new Ca(sign(b, issuer == null ? keys : issuer.keys()), keys);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    /** A leaf for a server, configured fluently. */
    static final class Leaf {
        private String cn = "mx1.example.com";
        private final List<GeneralName> sans = new ArrayList<>();
        private Instant notBefore = NOW.minus(Duration.ofDays(30));
        private Instant notAfter = NOW.plus(Duration.ofDays(60));
        private KeyPurposeId[] eku;
        private Ca issuer = intermediate;

        Leaf cn(String value) {
            cn = value;
            return this;
        }

        Leaf dns(String... names) {
            for (String name : names) {
                sans.add(new GeneralName(GeneralName.dNSName, name));
            }
            return this;
        }

        Leaf ip(String address) {
            sans.add(new GeneralName(GeneralName.iPAddress, address));
            return this;
        }

        Leaf validity(Instant from, Instant to) {
            notBefore = from;
            notAfter = to;
            return this;
        }

        Leaf eku(KeyPurposeId... purposes) {
            eku = purposes;
            return this;
        }

        Leaf issuer(Ca ca) {
            issuer = ca;
            return this;
        }

        X509Certificate build() throws Exception {
            KeyPair keys = keys();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded()),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    new X500Name("CN=" + cn), keys.getPublic());
            b.addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(org.bouncycastle.asn1.x509.Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.cert()));
            if (!sans.isEmpty()) {
                b.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            if (eku != null) {
                b.addExtension(org.bouncycastle.asn1.x509.Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
            }
            return sign(b, issuer.keys());
        }
    }

    static Leaf leaf() {
        return new Leaf();
    }

    static X509TrustManager trustManager(X509Certificate... anchors) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < anchors.length; i++) {
            store.setCertificateEntry("anchor" + i, anchors[i]);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("no X509TrustManager");
    }

    private static CertificateVerdict check(DomainName host, X509Certificate... chain) {
        return MxCertificateCheck.builder().trustManager(trust).clock(CLOCK).build().check(host, List.of(chain));
    }

    private static void assertInvalid(CertificateVerdict verdict, ResultType type, String reason) {
        assertThat(verdict).isInstanceOf(CertificateVerdict.Invalid.class);
        CertificateVerdict.Invalid invalid = (CertificateVerdict.Invalid) verdict;
        assertThat(invalid.resultType()).as("result type (%s)", invalid.detail()).isEqualTo(type);
        assertThat(invalid.failureReasonCode()).as("reason (%s)", invalid.detail()).isEqualTo(reason);
        assertThat(verdict.isValid()).isFalse();
        assertThat(invalid.detail().chars().noneMatch(c -> c < 0x20)).isTrue();
    }

    private static void assertValid(CertificateVerdict verdict, String matchedName) {
        assertThat(verdict).isEqualTo(new CertificateVerdict.Valid(matchedName));
        assertThat(verdict.isValid()).isTrue();
    }

    /** Makes the chain a server presents, leaf first; called after the PKI exists. */
    @FunctionalInterface
    interface Chain {
        List<X509Certificate> make() throws Exception;
    }

    private static Arguments row(String name, String host, Chain chain, ResultType type, String reasonOrMatch) {
        return Arguments.of(name, host, chain, type, reasonOrMatch);
    }

    private static final ResultType VALID = null;

    static Stream<Arguments> scenarios() {
        String mx1 = "mx1.example.com";
        return Stream.of(
                row("RFC 8461 §4.2: trusted, current, naming the MX host", mx1,
                        () -> List.of(leaf().dns(mx1).build(), intermediate.cert()), VALID, mx1),
                row("RFC 8461 §4.2: the matching name among several, any case", mx1,
                        () -> List.of(leaf().dns("other.example", "MX1.Example.COM").build(), intermediate.cert()),
                        VALID, "MX1.Example.COM"),
                row("RFC 8461 §4.2: issued by the root itself", mx1,
                        () -> List.of(leaf().issuer(root).dns(mx1).build()), VALID, mx1),
                row("RFC 8461 §4.2: expired", mx1, () -> List.of(leaf().dns(mx1)
                                .validity(NOW.minus(Duration.ofDays(90)), NOW.minus(Duration.ofSeconds(1))).build(),
                        intermediate.cert()), ResultType.CERTIFICATE_EXPIRED, MxCertificateCheck.REASON_EXPIRED),
                row("RFC 8461 §4.2: not yet valid", mx1, () -> List.of(leaf().dns(mx1)
                                .validity(NOW.plus(Duration.ofSeconds(1)), NOW.plus(Duration.ofDays(90))).build(),
                        intermediate.cert()), ResultType.CERTIFICATE_EXPIRED, MxCertificateCheck.REASON_NOT_YET_VALID),
                row("RFC 8461 §4.2: expired intermediate", mx1, () -> {
                    Ca old = ca("Old Intermediate", root, NOW.minus(Duration.ofDays(100)), NOW.minus(Duration.ofDays(1)));
                    return List.of(leaf().issuer(old).dns(mx1)
                            .validity(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(10))).build(), old.cert());
                }, ResultType.CERTIFICATE_EXPIRED, MxCertificateCheck.REASON_EXPIRED),
                row("RFC 8461 §4.2: expired before its re-issued intermediate's validity began", mx1, () -> {
                    // No instant makes this path valid (as with the realnet recipe's expired certificate).
                    Ca reissued = ca("Reissued Intermediate", root, NOW.minus(Duration.ofDays(1)),
                            NOW.plus(Duration.ofDays(1000)));
                    return List.of(leaf().issuer(reissued).dns(mx1)
                            .validity(NOW.minus(Duration.ofDays(91)), NOW.minus(Duration.ofDays(2))).build(),
                            reissued.cert());
                }, ResultType.CERTIFICATE_EXPIRED, MxCertificateCheck.REASON_EXPIRED),
                row("RFC 8461 §4.2: not yet valid, and its intermediate already expired", mx1, () -> {
                    Ca old = ca("Old Intermediate", root, NOW.minus(Duration.ofDays(100)), NOW.minus(Duration.ofDays(1)));
                    return List.of(leaf().issuer(old).dns(mx1)
                            .validity(NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90))).build(), old.cert());
                }, ResultType.CERTIFICATE_EXPIRED, MxCertificateCheck.REASON_NOT_YET_VALID),
                row("RFC 8461 §4.2: expired before its intermediate began, under an untrusted root: untrusted wins",
                        mx1, () -> {
                    Ca other = ca("Other Intermediate", otherRoot, NOW.minus(Duration.ofDays(1)),
                            NOW.plus(Duration.ofDays(100)));
                    return List.of(leaf().issuer(other).dns(mx1)
                            .validity(NOW.minus(Duration.ofDays(91)), NOW.minus(Duration.ofDays(2))).build(),
                            other.cert(), otherRoot.cert());
                }, ResultType.CERTIFICATE_NOT_TRUSTED, MxCertificateCheck.REASON_NOT_TRUSTED),
                row("RFC 8461 §4.2: untrusted root", mx1, () -> {
                    Ca other = ca("Other Intermediate", otherRoot, NOW.minus(Duration.ofDays(10)),
                            NOW.plus(Duration.ofDays(100)));
                    return List.of(leaf().issuer(other).dns(mx1).build(), other.cert(), otherRoot.cert());
                }, ResultType.CERTIFICATE_NOT_TRUSTED, MxCertificateCheck.REASON_NOT_TRUSTED),
                row("RFC 8461 §4.2: expired and untrusted: untrusted wins", mx1, () -> List.of(leaf().issuer(otherRoot)
                                .dns(mx1).validity(NOW.minus(Duration.ofDays(9)), NOW.minus(Duration.ofDays(1))).build()),
                        ResultType.CERTIFICATE_NOT_TRUSTED, MxCertificateCheck.REASON_NOT_TRUSTED),
                row("RFC 8461 §4.2: self-signed", mx1,
                        () -> List.of(ca(mx1, null, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1))).cert()),
                        ResultType.CERTIFICATE_NOT_TRUSTED, MxCertificateCheck.REASON_NOT_TRUSTED),
                row("RFC 8461 §4.2: intermediate missing", mx1, () -> List.of(leaf().dns(mx1).build()),
                        ResultType.CERTIFICATE_NOT_TRUSTED, MxCertificateCheck.REASON_NOT_TRUSTED),
                row("RFC 8461 §4.2: intermediates out of order", mx1, () -> {
                    Ca second = ca("Second Intermediate", intermediate, NOW.minus(Duration.ofDays(10)),
                            NOW.plus(Duration.ofDays(100)));
                    return List.of(leaf().issuer(second).dns(mx1).build(), intermediate.cert(), second.cert());
                }, VALID, mx1),
                row("RFC 8461 §4.2: root, then intermediates out of order", mx1, () -> {
                    Ca second = ca("Second Intermediate", intermediate, NOW.minus(Duration.ofDays(10)),
                            NOW.plus(Duration.ofDays(100)));
                    return List.of(leaf().issuer(second).dns(mx1).build(), root.cert(), intermediate.cert(),
                            second.cert());
                }, VALID, mx1),
                row("RFC 8461 §4.2: a second intermediate missing", mx1, () -> {
                    Ca second = ca("Second Intermediate", intermediate, NOW.minus(Duration.ofDays(10)),
                            NOW.plus(Duration.ofDays(100)));
                    return List.of(leaf().issuer(second).dns(mx1).build(), second.cert());
                }, ResultType.CERTIFICATE_NOT_TRUSTED, MxCertificateCheck.REASON_NOT_TRUSTED),
                row("RFC 8461 §4.2: wrong host", mx1,
                        () -> List.of(leaf().dns("mx2.example.com", "example.com").build(), intermediate.cert()),
                        ResultType.CERTIFICATE_HOST_MISMATCH, MxCertificateCheck.REASON_HOST_MISMATCH),
                row("RFC 8461 §4.2: the host as a prefix of a longer name", "mx1.example.com.evil.org",
                        () -> List.of(leaf().dns(mx1).build(), intermediate.cert()),
                        ResultType.CERTIFICATE_HOST_MISMATCH, MxCertificateCheck.REASON_HOST_MISMATCH),
                row("RFC 6125 §6.4.3: wildcard, right depth", mx1,
                        () -> List.of(leaf().cn("*.example.com").dns("*.example.com").build(), intermediate.cert()),
                        VALID, "*.example.com"),
                row("RFC 6125 §6.4.3: wildcard, one label too deep", "a.b.example.com",
                        () -> List.of(leaf().dns("*.example.com").build(), intermediate.cert()),
                        ResultType.CERTIFICATE_HOST_MISMATCH, MxCertificateCheck.REASON_HOST_MISMATCH),
                row("RFC 6125 §6.4.3: wildcard does not match its parent", "example.com",
                        () -> List.of(leaf().dns("*.example.com").build(), intermediate.cert()),
                        ResultType.CERTIFICATE_HOST_MISMATCH, MxCertificateCheck.REASON_HOST_MISMATCH),
                row("RFC 6125 §6.4.3: partial-label wildcard", mx1,
                        () -> List.of(leaf().dns("mx*.example.com").build(), intermediate.cert()),
                        ResultType.CERTIFICATE_HOST_MISMATCH, MxCertificateCheck.REASON_HOST_MISMATCH),
                row("RFC 6125 §6.4.3: nested wildcards", mx1,
                        () -> List.of(leaf().dns("*.*.com").build(), intermediate.cert()),
                        ResultType.CERTIFICATE_HOST_MISMATCH, MxCertificateCheck.REASON_HOST_MISMATCH),
                row("RFC 6125 §7.2: a wildcard right under a top-level domain", "example.com",
                        () -> List.of(leaf().dns("*.com").build(), intermediate.cert()),
                        ResultType.CERTIFICATE_HOST_MISMATCH, MxCertificateCheck.REASON_HOST_MISMATCH),
                row("RFC 6125 §6.4.4: CN only, no subjectAltName", mx1,
                        () -> List.of(leaf().cn(mx1).build(), intermediate.cert()),
                        ResultType.CERTIFICATE_HOST_MISMATCH, MxCertificateCheck.REASON_NO_SAN),
                row("RFC 6125 §6.4.4: CN and an IP address SAN only", mx1,
                        () -> List.of(leaf().cn(mx1).ip("192.0.2.1").build(), intermediate.cert()),
                        ResultType.CERTIFICATE_HOST_MISMATCH, MxCertificateCheck.REASON_NO_SAN),
                row("RFC 8461 §4.2: EKU without serverAuth", mx1, () -> List.of(leaf().dns(mx1)
                                .eku(KeyPurposeId.id_kp_clientAuth).build(), intermediate.cert()),
                        ResultType.VALIDATION_FAILURE, MxCertificateCheck.REASON_KEY_USAGE),
                row("RFC 8461 §4.2: EKU with serverAuth", mx1, () -> List.of(leaf().dns(mx1)
                        .eku(KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth).build(),
                        intermediate.cert()), VALID, mx1),
                row("RFC 8461 §4.2: EKU anyExtendedKeyUsage", mx1, () -> List.of(leaf().dns(mx1)
                        .eku(KeyPurposeId.anyExtendedKeyUsage).build(), intermediate.cert()), VALID, mx1),
                row("RFC 8461 §4.2: no certificate at all", mx1, List::of, ResultType.VALIDATION_FAILURE,
                        MxCertificateCheck.REASON_NO_CERTIFICATE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void checksTheChain(String name, String host, Chain chain, ResultType type, String reasonOrMatch) throws Exception {
        CertificateVerdict verdict = check(DomainName.of(host), chain.make().toArray(X509Certificate[]::new));
        if (type == VALID) {
            assertValid(verdict, reasonOrMatch);
        } else {
            assertInvalid(verdict, type, reasonOrMatch);
        }
    }

    @Test
    @DisplayName("RFC 8461 §4.2: the details name the certificate at fault")
    void details() throws Exception {
        X509Certificate expired = leaf().dns("mx1.example.com")
                .validity(NOW.minus(Duration.ofDays(90)), NOW.minus(Duration.ofSeconds(1))).build();
        assertThat(((CertificateVerdict.Invalid) check(MX1, expired, intermediate.cert())).detail())
                .isEqualTo("certificate 'CN=mx1.example.com' expired at 2026-06-01T11:59:59Z");
        Ca old = ca("Old Intermediate", root, NOW.minus(Duration.ofDays(100)), NOW.minus(Duration.ofDays(1)));
        X509Certificate underOld = leaf().issuer(old).dns("mx1.example.com")
                .validity(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(10))).build();
        assertThat(((CertificateVerdict.Invalid) check(MX1, underOld, old.cert())).detail())
                .startsWith("certificate 'CN=Old Intermediate' expired at");
        Ca reissued = ca("Reissued Intermediate", root, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1000)));
        X509Certificate beforeIssuer = leaf().issuer(reissued).dns("mx1.example.com")
                .validity(NOW.minus(Duration.ofDays(91)), NOW.minus(Duration.ofDays(2))).build();
        assertThat(((CertificateVerdict.Invalid) check(MX1, beforeIssuer, reissued.cert())).detail())
                .isEqualTo("certificate 'CN=mx1.example.com' expired at 2026-05-30T12:00:00Z");
        assertThat(((CertificateVerdict.Invalid) check(MX1, leaf().dns("mx1.example.com").build())).detail())
                .isEqualTo("no path from certificate 'CN=mx1.example.com' to a trusted root");
        assertThat(((CertificateVerdict.Invalid) check(MX1, leaf().dns("mx2.example.com", "example.com").build(),
                intermediate.cert())).detail())
                .isEqualTo("the certificate names mx2.example.com, example.com, not mx1.example.com");
        assertThat(((CertificateVerdict.Invalid) check(MX1, leaf().build(), intermediate.cert())).detail())
                .isEqualTo("the certificate has no DNS names in subjectAltName (the subject CN is not used)");
    }

    @Test
    @DisplayName("RFC 8461 §4.2: the clock decides validity")
    void clockDecides() throws Exception {
        X509Certificate cert = leaf().dns("mx1.example.com")
                .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1))).build();
        List<X509Certificate> chain = List.of(cert, intermediate.cert());
        MxCertificateCheck before = MxCertificateCheck.builder().trustManager(trust)
                .clock(Clock.offset(CLOCK, Duration.ofDays(-2))).build();
        MxCertificateCheck during = MxCertificateCheck.builder().trustManager(trust).clock(CLOCK).build();
        MxCertificateCheck after = MxCertificateCheck.builder().trustManager(trust)
                .clock(Clock.offset(CLOCK, Duration.ofDays(2))).build();
        assertInvalid(before.check(MX1, chain), ResultType.CERTIFICATE_EXPIRED, MxCertificateCheck.REASON_NOT_YET_VALID);
        assertValid(during.check(MX1, chain), "mx1.example.com");
        assertInvalid(after.check(MX1, chain), ResultType.CERTIFICATE_EXPIRED, MxCertificateCheck.REASON_EXPIRED);
        // The same check, one instance, asked again: the answer does not change (no hidden state).
        assertValid(during.check(MX1, chain), "mx1.example.com");
        assertThat(MxCertificateCheck.check(MX1, chain, trust, Clock.offset(CLOCK, Duration.ofDays(2))))
                .isEqualTo(after.check(MX1, chain));
    }

    @Test
    @DisplayName("RFC 8461 §4.2: a trust source without anchors never passes")
    void degenerateInputs() throws Exception {
        X509TrustManager empty = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException();
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        assertInvalid(MxCertificateCheck.check(MX1, List.of(leaf().dns("mx1.example.com").build()), empty, CLOCK),
                ResultType.CERTIFICATE_NOT_TRUSTED, MxCertificateCheck.REASON_NOT_TRUSTED);
    }

    @Test
    void builderAndArguments() {
        assertThatThrownBy(() -> MxCertificateCheck.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("trustManager was not set");
        assertThatThrownBy(() -> MxCertificateCheck.builder().trustManager(null))
                .isInstanceOf(NullPointerException.class).hasMessage("trustManager");
        assertThatThrownBy(() -> MxCertificateCheck.builder().clock(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("clock");
        MxCertificateCheck check = MxCertificateCheck.builder().trustManager(trust).build();
        assertThatThrownBy(() -> check.check(null, List.of())).isInstanceOf(NullPointerException.class)
                .hasMessage("mxHost");
        assertThatThrownBy(() -> check.check(MX1, (List<X509Certificate>) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("chain");
        assertThatThrownBy(() -> check.check(MX1, (Certificate[]) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("chain");
        assertThatThrownBy(() -> new CertificateVerdict.Valid(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CertificateVerdict.Invalid(ResultType.CERTIFICATE_EXPIRED, null, "d"))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("RFC 8461 §4.2: the chain as SSLSession.getPeerCertificates() gives it, with no cast")
    void checksTheChainAsTheSessionGivesIt() throws Exception {
        MxCertificateCheck check = MxCertificateCheck.builder().trustManager(trust).clock(CLOCK).build();
        X509Certificate good = leaf().dns("mx1.example.com").build();
        Certificate[] chain = {good, intermediate.cert()};
        assertThat(check.check(MX1, chain)).isEqualTo(check.check(MX1, List.of(good, intermediate.cert())));
        assertThat(check.check(MX1, chain).isValid()).isTrue();
    }

    @Test
    @DisplayName("RFC 8461 §4.2, RFC 8460 §4.3.3: a non-X.509 or missing certificate is a validation-failure")
    void refusesNonX509AndMissingCertificates() throws Exception {
        MxCertificateCheck check = MxCertificateCheck.builder().trustManager(trust).clock(CLOCK).build();
        Certificate other = new Certificate("PGP") {
            @Override
            public byte[] getEncoded() {
                return new byte[0];
            }

            @Override
            public void verify(java.security.PublicKey key) {}

            @Override
            public void verify(java.security.PublicKey key, String sigProvider) {}

            @Override
            public String toString() {
                return "PGP";
            }

            @Override
            public java.security.PublicKey getPublicKey() {
                return null;
            }
        };
        CertificateVerdict.Invalid notX509 = (CertificateVerdict.Invalid) check.check(MX1, new Certificate[] {other});
        assertThat(notX509.resultType()).isEqualTo(ResultType.VALIDATION_FAILURE);
        assertThat(notX509.failureReasonCode()).isEqualTo(MxCertificateCheck.REASON_NOT_X509);
        assertThat(notX509.detail()).isEqualTo("certificate 0 of the presented chain is PGP, not X.509");
        CertificateVerdict.Invalid missing = (CertificateVerdict.Invalid) check.check(MX1,
                new Certificate[] {leaf().dns("mx1.example.com").build(), null});
        assertThat(missing.failureReasonCode()).isEqualTo(MxCertificateCheck.REASON_NO_CERTIFICATE);
        assertThat(missing.detail()).isEqualTo("certificate 1 of the presented chain is missing");
        CertificateVerdict.Invalid none = (CertificateVerdict.Invalid) check.check(MX1, new Certificate[0]);
        assertThat(none.failureReasonCode()).isEqualTo(MxCertificateCheck.REASON_NO_CERTIFICATE);
    }

    @Test
    @DisplayName("RFC 6125 §6.4: dnsNames gives the dNSName entries as written, in order, and never the CN")
    void dnsNamesAreTheSubjectAltNameDnsEntries() throws Exception {
        X509Certificate cert = leaf().cn("cn.example.com").dns("MX1.Example.com", "*.example.net").ip("192.0.2.1")
                .dns("mx\u0007.example.org").build();
        assertThat(MxCertificateCheck.dnsNames(cert))
                .containsExactly("MX1.Example.com", "*.example.net", "mx\u0007.example.org");
        assertThat(MxCertificateCheck.dnsNames(leaf().cn("mx1.example.com").build())).isEmpty();
        assertThat(MxCertificateCheck.dnsNames(leaf().ip("192.0.2.1").build())).isEmpty();
        assertThatThrownBy(() -> MxCertificateCheck.dnsNames(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("certificate");
    }
}
