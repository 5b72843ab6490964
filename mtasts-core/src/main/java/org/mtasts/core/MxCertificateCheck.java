package org.mtasts.core;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * Checks the certificate chain an MX host presented during STARTTLS, as RFC 8461 §4.2 requires: a
 * PKIX path to a trusted root, every certificate valid at the clock's instant, and a
 * subject-alternative-name {@code dNSName} that matches the MX host by the rules of RFC 6125 (a
 * wildcard only as the whole leftmost label; the subject CN is never used).
 *
 * <p>The MX host is the name from the MX record (RFC 8461 §4.1), not its address or a CNAME
 * target. The result names the TLS-RPT result type to report (RFC 8460 §4.3.1): {@code
 * certificate-expired} (also for not yet valid), {@code certificate-not-trusted}, {@code
 * certificate-host-mismatch}, or {@code validation-failure} with a reason code. Revocation is not
 * checked (RFC 8461 §4.2 leaves it optional). The trust anchors are read from the trust manager
 * once, when the check is built.
 *
 * <pre>{@code
 * MxCertificateCheck check = MxCertificateCheck.builder()
 *         .trustManager(systemTrustManager).clock(Clock.systemUTC()).build();
 * SSLSession session = sslSocket.getSession();
 * CertificateVerdict verdict = check.check(DomainName.of("mx1.example.com"), session.getPeerCertificates());
 * }</pre>
 *
 * <p>To check during the handshake instead of after it (and fail it in mode enforce), give the
 * check to an {@link MxTrustManager}.
 *
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-4.2">RFC 8461 §4.2</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6125#section-6.4">RFC 6125 §6.4</a>
 * @since 0.1
 */
public final class MxCertificateCheck {

    /** Reason code: no certificate was presented. */
    public static final String REASON_NO_CERTIFICATE = "no-certificate";
    /** Reason code: a certificate's validity starts after the clock's instant. */
    public static final String REASON_NOT_YET_VALID = "certificate-not-yet-valid";
    /** Reason code: a certificate's validity ended before the clock's instant. */
    public static final String REASON_EXPIRED = "certificate-expired";
    /** Reason code: no path to a trusted root. */
    public static final String REASON_NOT_TRUSTED = "certificate-not-trusted";
    /** Reason code: no dNSName matches the MX host (a CN is never used). */
    public static final String REASON_HOST_MISMATCH = "certificate-host-mismatch";
    /** Reason code: the leaf has no subject alternative names at all. */
    public static final String REASON_NO_SAN = "certificate-no-dns-san";
    /** Reason code: a presented certificate is not an X.509 certificate. */
    public static final String REASON_NOT_X509 = "certificate-not-x509";
    /** Reason code: the leaf's extended key usage excludes TLS server authentication. */
    public static final String REASON_KEY_USAGE = "certificate-key-usage";

    private static final String EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String EKU_ANY = "2.5.29.37.0";

    private final Set<TrustAnchor> anchors;
    private final Clock clock;

    private MxCertificateCheck(X509TrustManager trustManager, Clock clock) {
        Set<TrustAnchor> set = new HashSet<>();
        for (X509Certificate issuer : trustManager.getAcceptedIssuers()) {
            set.add(new TrustAnchor(issuer, null));
        }
        this.anchors = Set.copyOf(set);
        this.clock = clock;
    }

    /** {@return a builder; a trust manager is required} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks a chain with the given trust and clock (a one-off convenience).
     *
     * @param mxHost the MX host name from DNS
     * @param chain the certificates presented, leaf first
     * @param trust the trust anchors
     * @param clock the time source
     * @return the verdict
     */
    public static CertificateVerdict check(DomainName mxHost, List<X509Certificate> chain,
            X509TrustManager trust, Clock clock) {
        return builder().trustManager(trust).clock(clock).build().check(mxHost, chain);
    }

    /**
     * Checks the chain presented by an MX host, as {@link javax.net.ssl.SSLSession#getPeerCertificates()}
     * gives it (on every TLS engine, the JDK's and Netty's OpenSSL one alike; no cast needed).
     *
     * @param mxHost the MX host name from DNS
     * @param chain the certificates presented, leaf first (intermediates in any order)
     * @return the verdict, never an exception for a bad chain: a non-X.509 or missing certificate is
     *     a {@code validation-failure}
     */
    public CertificateVerdict check(DomainName mxHost, Certificate[] chain) {
        Objects.requireNonNull(mxHost, "mxHost");
        Objects.requireNonNull(chain, "chain");
        List<X509Certificate> x509 = new ArrayList<>(chain.length);
        for (int i = 0; i < chain.length; i++) {
            Certificate c = chain[i];
            if (c == null) {
                return new CertificateVerdict.Invalid(ResultType.VALIDATION_FAILURE, REASON_NO_CERTIFICATE,
                        "certificate " + i + " of the presented chain is missing");
            }
            if (!(c instanceof X509Certificate cert)) {
                // RFC 8461 §4.2 requires a PKIX (X.509) certificate; RFC 8460 §4.3.3: validation-failure.
                return new CertificateVerdict.Invalid(ResultType.VALIDATION_FAILURE, REASON_NOT_X509,
                        "certificate " + i + " of the presented chain is " + Texts.printable(c.getType())
                                + ", not X.509");
            }
            x509.add(cert);
        }
        return check(mxHost, x509);
    }

    /**
     * Checks the chain presented by an MX host.
     *
     * @param mxHost the MX host name from DNS
     * @param chain the certificates presented, leaf first (intermediates in any order)
     * @return the verdict, never an exception for a bad chain
     */
    public CertificateVerdict check(DomainName mxHost, List<X509Certificate> chain) {
        Objects.requireNonNull(mxHost, "mxHost");
        Objects.requireNonNull(chain, "chain");
        if (chain.isEmpty()) {
            return new CertificateVerdict.Invalid(ResultType.VALIDATION_FAILURE, REASON_NO_CERTIFICATE,
                    "the MX host presented no certificate");
        }
        X509Certificate leaf = Objects.requireNonNull(chain.get(0), "chain[0]");
        Instant now = clock.instant();

        // RFC 8461 §4.2: the certificate MUST chain to a trusted root (PKIX, RFC 5280) and MUST NOT
        // be expired (the lower-case "must not" of §4.2 is read as a MUST).
        CertificateVerdict trust = checkPath(leaf, chain, now);
        if (trust != null) {
            return trust;
        }
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains(EKU_SERVER_AUTH) && !eku.contains(EKU_ANY)) {
                return new CertificateVerdict.Invalid(ResultType.VALIDATION_FAILURE, REASON_KEY_USAGE,
                        "the certificate's extended key usage does not allow TLS server authentication");
            }
        } catch (CertificateParsingException e) {
            return new CertificateVerdict.Invalid(ResultType.VALIDATION_FAILURE, REASON_KEY_USAGE,
                    "the extended key usage cannot be parsed: " + e.getMessage());
        }
        return matchHost(mxHost, leaf);
    }

    /** Builds a PKIX path; null when trusted and valid now, else the verdict. */
    private @Nullable CertificateVerdict checkPath(X509Certificate leaf, List<X509Certificate> chain, Instant now) {
        if (anchors.isEmpty()) {
            return new CertificateVerdict.Invalid(ResultType.CERTIFICATE_NOT_TRUSTED, REASON_NOT_TRUSTED,
                    "the trust source accepts no issuers");
        }
        if (buildPath(leaf, chain, anchors, now) != null) {
            return null; // the builder checked every certificate of the path at this instant
        }
        // The path failed now. If it builds at an instant within the leaf's validity, the only
        // problem is time: report certificate-expired for the path certificate that is out of date.
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        Instant middle = notBefore.plusMillis(Duration.between(notBefore, notAfter).toMillis() / 2);
        for (Instant at : List.of(middle, notBefore, notAfter)) {
            List<? extends Certificate> path = buildPath(leaf, chain, anchors, at);
            if (path == null) {
                continue;
            }
            for (Certificate cert : path) {
                X509Certificate x509 = (X509Certificate) cert;
                if (now.isBefore(x509.getNotBefore().toInstant())) {
                    return new CertificateVerdict.Invalid(ResultType.CERTIFICATE_EXPIRED, REASON_NOT_YET_VALID,
                            describe(x509) + " is not valid before " + x509.getNotBefore().toInstant());
                }
                if (now.isAfter(x509.getNotAfter().toInstant())) {
                    return new CertificateVerdict.Invalid(ResultType.CERTIFICATE_EXPIRED, REASON_EXPIRED,
                            describe(x509) + " expired at " + x509.getNotAfter().toInstant());
                }
            }
            // The trust anchor itself is out of date.
            return new CertificateVerdict.Invalid(ResultType.CERTIFICATE_EXPIRED, REASON_EXPIRED,
                    "the trust anchor for " + describe(leaf) + " is not valid now");
        }
        // RFC 8461 §4.2: expired, or not trusted? No single instant makes the path valid: the
        // leaf's validity may lie wholly outside its issuer's (an expired leaf under a re-issued
        // intermediate, as in the realnet recipe, where OpenSSL and the JDK's own TLS validator
        // both say "expired"). If the chain links up to a trust anchor by name and signature, the
        // certificates are trusted and time is the fault.
        List<X509Certificate> linked = linkedPath(leaf, chain);
        if (linked != null) {
            for (X509Certificate x509 : linked) {
                if (now.isBefore(x509.getNotBefore().toInstant())) {
                    return new CertificateVerdict.Invalid(ResultType.CERTIFICATE_EXPIRED, REASON_NOT_YET_VALID,
                            describe(x509) + " is not valid before " + x509.getNotBefore().toInstant());
                }
                if (now.isAfter(x509.getNotAfter().toInstant())) {
                    return new CertificateVerdict.Invalid(ResultType.CERTIFICATE_EXPIRED, REASON_EXPIRED,
                            describe(x509) + " expired at " + x509.getNotAfter().toInstant());
                }
            }
        }
        return new CertificateVerdict.Invalid(ResultType.CERTIFICATE_NOT_TRUSTED, REASON_NOT_TRUSTED,
                "no path from " + describe(leaf) + " to a trusted root");
    }

    /**
     * Links the leaf to a trust anchor through the presented certificates by issuer name and
     * signature alone, with no regard to time; the anchor is the last element. Null when there is
     * no such path. Used only to tell "out of date" from "not trusted" after PKIX refused the chain,
     * never to accept one.
     */
    private @Nullable List<X509Certificate> linkedPath(X509Certificate leaf, List<X509Certificate> chain) {
        List<X509Certificate> path = new ArrayList<>();
        X509Certificate current = leaf;
        // Each step adds a distinct presented certificate, so the walk ends after chain.size() steps.
        for (int step = 0; step <= chain.size(); step++) {
            path.add(current);
            for (TrustAnchor anchor : anchors) {
                X509Certificate trusted = anchor.getTrustedCert();
                if (trusted != null && issued(trusted, current)) {
                    path.add(trusted);
                    return path;
                }
            }
            X509Certificate next = null;
            for (X509Certificate candidate : chain) {
                if (candidate != null && !path.contains(candidate) && issued(candidate, current)) {
                    next = candidate;
                    break;
                }
            }
            if (next == null) {
                return null;
            }
            current = next;
        }
        return null;
    }

    /** Whether {@code issuer} names and signed {@code cert}. */
    private static boolean issued(X509Certificate issuer, X509Certificate cert) {
        if (!issuer.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
            return false;
        }
        try {
            cert.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // another key of the same name, or an unsupported algorithm: not a link
        }
    }

    private static @Nullable List<? extends Certificate> buildPath(X509Certificate leaf, List<X509Certificate> chain,
            Set<TrustAnchor> anchors, Instant at) {
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(at));
            Collection<X509Certificate> certs = new ArrayList<>(chain);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(certs)));
            return CertPathBuilder.getInstance("PKIX").build(params).getCertPath().getCertificates();
        } catch (CertPathBuilderException | InvalidAlgorithmParameterException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PKIX is not available in this JVM", e);
        }
    }

    /** RFC 6125 §6.4: match the reference identifier (the MX host) against the dNSName SANs only. */
    private static CertificateVerdict matchHost(DomainName mxHost, X509Certificate leaf) {
        List<String> dnsNames;
        try {
            dnsNames = dnsNames(leaf);
        } catch (CertificateParsingException e) {
            return new CertificateVerdict.Invalid(ResultType.VALIDATION_FAILURE, REASON_NO_SAN,
                    "the subject alternative names cannot be parsed: " + e.getMessage());
        }
        if (dnsNames.isEmpty()) {
            // RFC 6125 §6.4.4: no CN fallback when the certificate should have DNS-IDs.
            return new CertificateVerdict.Invalid(ResultType.CERTIFICATE_HOST_MISMATCH, REASON_NO_SAN,
                    "the certificate has no DNS names in subjectAltName (the subject CN is not used)");
        }
        for (String name : dnsNames) {
            if (sanMatches(name, mxHost)) {
                return new CertificateVerdict.Valid(name);
            }
        }
        return new CertificateVerdict.Invalid(ResultType.CERTIFICATE_HOST_MISMATCH, REASON_HOST_MISMATCH,
                "the certificate names " + Texts.printable(String.join(", ", dnsNames)) + ", not " + mxHost);
    }

    /**
     * Whether one dNSName matches the host: exact, or {@code *.} plus a domain matching exactly one
     * leftmost label (RFC 6125 §6.4.3, restricted as RFC 8461 §4.1 does for patterns).
     */
    static boolean sanMatches(String san, DomainName host) {
        boolean wildcard = san.startsWith("*.");
        ParseResult<DomainName> parsed = DomainName.parse(wildcard ? san.substring(2) : san);
        if (!(parsed instanceof ParseResult.Valid<DomainName> valid)) {
            return false; // "mta*.example.com", "*.*.example.com" and such never match
        }
        if (wildcard && valid.value().labelCount() < 2) {
            return false; // RFC 6125 §7.2: no wildcard directly under a top-level domain
        }
        return new MxPattern(wildcard, valid.value()).matches(host);
    }

    private static String describe(X509Certificate cert) {
        return "certificate '" + Texts.printable(cert.getSubjectX500Principal().getName()) + "'";
    }

    /**
     * Configures a {@link MxCertificateCheck}.
     *
     * <pre>{@code
     * MxCertificateCheck check = MxCertificateCheck.builder().trustManager(tm).build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private @Nullable X509TrustManager trustManager;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /**
         * Sets the trust source; its {@code getAcceptedIssuers()} are the trust anchors.
         *
         * @param trustManager the trust manager
         * @return this builder
         */
        public Builder trustManager(X509TrustManager trustManager) {
            this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
            return this;
        }

        /**
         * Sets the clock for validity checks (default: system UTC).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the check.
         *
         * @return the check
         * @throws IllegalStateException if no trust manager was set
         */
        public MxCertificateCheck build() {
            if (trustManager == null) {
                throw new IllegalStateException("trustManager was not set");
            }
            return new MxCertificateCheck(trustManager, clock);
        }
    }

    /**
     * Returns the {@code dNSName} entries of a certificate's subject alternative names, in the
     * certificate's order and as written there (not checked, not lower-cased, not escaped): the
     * names that {@link #check} matches an MX host against (RFC 6125 §6.4; the subject CN is never
     * one of them). Escape them with {@link SafeText} before printing them.
     *
     * <pre>{@code
     * List<String> names = MxCertificateCheck.dnsNames(leaf);   // ["mx1.example.com", "*.example.net"]
     * }</pre>
     *
     * @param certificate the certificate, usually the leaf an MX host presented
     * @return the DNS names, empty when there are none
     * @throws CertificateParsingException if the subject alternative name extension cannot be parsed
     * @see <a href="https://www.rfc-editor.org/rfc/rfc6125#section-6.4">RFC 6125 §6.4</a>
     */
    public static List<String> dnsNames(X509Certificate certificate) throws CertificateParsingException {
        Objects.requireNonNull(certificate, "certificate");
        Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
        if (sans == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>(sans.size());
        for (List<?> san : sans) {
            // RFC 5280 §4.2.1.6: GeneralName choice 2 is dNSName (the JDK gives it as a String).
            if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String name) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }
}
