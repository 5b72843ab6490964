package org.mtasts.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;

/**
 * A small certificate authority made at run time with Bouncy Castle: a root CA, an issuing
 * intermediate CA under it, and leaf certificates for any host on demand, in every {@link
 * CertificateVariant}. Keys are EC P-256; certificates are signed with SHA256withECDSA. All
 * leaves share one key pair, made with the CA (a test kit needs distinct certificates, not
 * distinct keys, and signing is then the only cost of a leaf).
 *
 * <p>Clients trust the root only ({@link #trustManager()}, {@link #clientSslContext()}, {@link
 * #caPem()}); servers send the leaf and the intermediates. Validity periods are relative to the
 * clock given at creation, read when each certificate is issued. Issued certificates are kept, so
 * asking twice for the same host and variant gives the same chain and key.
 *
 * <pre>{@code
 * SandboxPki pki = SandboxPki.create(Clock.systemUTC());
 * IssuedCertificate cert = pki.issue("mta-sts.example.test", CertificateVariant.VALID);
 * SSLContext client = pki.clientSslContext();   // trusts the root
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @since 0.1
 */
public final class SandboxPki {

    /** How long a {@link CertificateVariant#VALID} leaf lasts. */
    static final Duration LEAF_LIFETIME = Duration.ofDays(800);

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Duration DAY = Duration.ofDays(1);

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final KeyPairGenerator keys;
    private final KeyPair rootKey;
    private final X509Certificate root;
    private final KeyPair issuingKey;
    private final X509Certificate issuing;
    private final KeyPair leafKey;
    private final X509TrustManager trustManager;
    private final Map<String, IssuedCertificate> issued = new ConcurrentHashMap<>();

    private SandboxPki(Clock clock) throws GeneralSecurityException {
        this.clock = clock;
        this.keys = KeyPairGenerator.getInstance("EC");
        keys.initialize(new ECGenParameterSpec("secp256r1"), random);
        Instant now = clock.instant();
        String tag = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
        this.rootKey = newKey();
        X500Name rootName = name("mtasts-java sandbox root CA " + tag);
        this.root = sign(rootName, rootKey.getPrivate(), null, rootName, rootKey.getPublic(),
                now.minus(DAY.multipliedBy(2)), now.plus(Duration.ofDays(3650)), Role.CA, List.of());
        this.issuingKey = newKey();
        this.issuing = sign(rootName, rootKey.getPrivate(), root, name("mtasts-java sandbox issuing CA " + tag),
                issuingKey.getPublic(), now.minus(DAY.multipliedBy(2)), now.plus(Duration.ofDays(3650)),
                Role.CA, List.of());
        this.leafKey = newKey();
        this.trustManager = trustManagerFor(root);
    }

    /**
     * Makes a new root and issuing CA.
     *
     * @param clock the clock that validity periods are relative to
     * @return the PKI
     */
    public static SandboxPki create(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        try {
            return new SandboxPki(clock);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the sandbox CA: " + e, e);
        }
    }

    /** {@return the root CA certificate: the only trust anchor clients need} */
    public X509Certificate rootCertificate() {
        return root;
    }

    /** {@return the issuing (intermediate) CA certificate} */
    public X509Certificate issuingCertificate() {
        return issuing;
    }

    /** {@return the root CA certificate in PEM} */
    public String caPem() {
        return pem(root);
    }

    /** {@return a trust manager that trusts the root CA only (PKIX, no revocation checks)} */
    public X509TrustManager trustManager() {
        return trustManager;
    }

    /** {@return a new client {@link SSLContext} trusting the root CA only} */
    public SSLContext clientSslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create an SSLContext: " + e, e);
        }
    }

    /**
     * Issues (or returns the already issued) certificate for a host, with the usual chain of two:
     * the leaf and the issuing CA.
     *
     * @param host the host name
     * @param variant the kind of certificate
     * @return the chain and key
     * @throws IllegalArgumentException if the host is not a valid name, or has one label and the
     *     variant needs a parent domain ({@link CertificateVariant#WRONG_HOST}, {@link
     *     CertificateVariant#WILDCARD})
     */
    public IssuedCertificate issue(String host, CertificateVariant variant) {
        return issue(host, variant, 2);
    }

    /**
     * Issues (or returns the already issued) certificate for a host with a chain of the given
     * length: 1 is the leaf alone (signed by the root), 2 the leaf and the issuing CA, and more adds
     * intermediates made for this chain between the root and the leaf. A self-signed leaf always
     * has a chain of 1.
     *
     * @param host the host name
     * @param variant the kind of certificate
     * @param chainLength how many certificates a server sends, 1 to 100
     * @return the chain and key
     */
    public IssuedCertificate issue(String host, CertificateVariant variant, int chainLength) {
        Objects.requireNonNull(variant, "variant");
        String name = DomainName.of(host).ascii();
        if (chainLength < 1 || chainLength > 100) {
            throw new IllegalArgumentException("chain length " + chainLength + " is outside 1..100");
        }
        if ((variant == CertificateVariant.WRONG_HOST || variant == CertificateVariant.WILDCARD)
                && name.indexOf('.') < 0) {
            throw new IllegalArgumentException(variant + " needs a host with a parent domain, not '" + name + "'");
        }
        String key = name + "/" + variant + "/" + chainLength;
        return issued.computeIfAbsent(key, k -> {
            try {
                return make(name, variant, chainLength);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot issue a certificate for " + name + ": " + e, e);
            }
        });
    }

    private IssuedCertificate make(String host, CertificateVariant variant, int chainLength)
            throws GeneralSecurityException {
        Instant now = clock.instant();
        Instant notBefore = now.minus(DAY);
        Instant notAfter = now.plus(LEAF_LIFETIME);
        List<String> sans = List.of(host);
        String parent = host.substring(host.indexOf('.') + 1);
        switch (variant) {
            case EXPIRED:
                notBefore = now.minus(Duration.ofDays(91));
                notAfter = now.minus(DAY);
                break;
            case NOT_YET_VALID:
                notBefore = now.plus(DAY);
                notAfter = now.plus(Duration.ofDays(91));
                break;
            case WRONG_HOST:
                sans = List.of("www." + parent, parent);
                break;
            case WILDCARD:
                sans = List.of("*." + parent);
                break;
            case CN_ONLY:
                sans = List.of();
                break;
            default:
                break;
        }
        X500Name subject = name(sans.isEmpty() ? host : sans.get(0));
        if (variant == CertificateVariant.SELF_SIGNED) {
            X509Certificate self = sign(subject, leafKey.getPrivate(), null, subject, leafKey.getPublic(),
                    notBefore, notAfter, Role.LEAF, sans);
            return new IssuedCertificate(host, variant, leafKey.getPrivate(), List.of(self));
        }
        // The issuer chain above the leaf, from the leaf's issuer up to (not including) the root.
        List<X509Certificate> above = new ArrayList<>();
        PrivateKey signer;
        X509Certificate signerCert;
        if (chainLength == 1) {
            signer = rootKey.getPrivate();
            signerCert = root;
        } else if (chainLength == 2) {
            signer = issuingKey.getPrivate();
            signerCert = issuing;
            above.add(issuing);
        } else {
            signer = rootKey.getPrivate();
            signerCert = root;
            List<X509Certificate> downwards = new ArrayList<>();
            for (int i = 1; i < chainLength; i++) {
                KeyPair k = newKey();
                X509Certificate ca = sign(X500Name.getInstance(signerCert.getSubjectX500Principal().getEncoded()), signer,
                        signerCert, name("mtasts-java sandbox chain CA " + i + " for " + host), k.getPublic(),
                        now.minus(DAY.multipliedBy(2)), now.plus(Duration.ofDays(3650)), Role.CA, List.of());
                downwards.add(ca);
                signer = k.getPrivate();
                signerCert = ca;
            }
            for (int i = downwards.size() - 1; i >= 0; i--) {
                above.add(downwards.get(i));
            }
        }
        X509Certificate leaf = sign(X500Name.getInstance(signerCert.getSubjectX500Principal().getEncoded()), signer,
                signerCert, subject, leafKey.getPublic(), notBefore, notAfter, Role.LEAF, sans);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        chain.addAll(above);
        return new IssuedCertificate(host, variant, leafKey.getPrivate(), chain);
    }

    private enum Role { CA, LEAF }

    private X509Certificate sign(X500Name issuerName, PrivateKey issuerKey, @Nullable X509Certificate issuerCert,
            X500Name subject, PublicKey subjectKey, Instant notBefore, Instant notAfter, Role role,
            List<String> sans) throws GeneralSecurityException {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                    new BigInteger(63, random).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                    subject, subjectKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            if (issuerCert != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
            }
            if (role == Role.CA) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                if (!sans.isEmpty()) {
                    GeneralName[] names = new GeneralName[sans.size()];
                    for (int i = 0; i < names.length; i++) {
                        names[i] = new GeneralName(GeneralName.dNSName, sans.get(i));
                    }
                    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
                }
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKey)));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot sign a certificate for " + subject + ": " + e, e);
        }
    }

    private KeyPair newKey() {
        synchronized (keys) {
            return keys.generateKeyPair();
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "mtasts-java sandbox")
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    private static X509TrustManager trustManagerFor(X509Certificate root) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.setCertificateEntry("mtasts-sandbox-root", root);
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("PKIX gave no X509TrustManager");
    }

    /** Returns one certificate in PEM. */
    static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certificate: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "SandboxPki[" + root.getSubjectX500Principal().getName() + "]";
    }
}
