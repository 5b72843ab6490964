package org.mtasts.testkit;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate chain and its private key, made by {@link SandboxPki#issue(String,
 * CertificateVariant)}.
 *
 * <pre>{@code
 * IssuedCertificate cert = sandbox.pki().issue("mx1.example.test", CertificateVariant.WILDCARD);
 * X509Certificate leaf = cert.leaf();            // SAN *.example.test
 * String pem = cert.chainPem();                  // leaf first, then the intermediates
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param host the host the certificate was made for (it may not name it: see {@link #variant()})
 * @param variant the kind of certificate
 * @param privateKey the leaf's private key
 * @param chain the chain a server sends: the leaf first, then the intermediates (never the root)
 * @since 0.1
 */
public record IssuedCertificate(String host, CertificateVariant variant, PrivateKey privateKey,
        List<X509Certificate> chain) {

    /**
     * Validates and copies the components.
     *
     * @param host the host the certificate was made for (it may not name it: see {@link #variant()})
     * @param variant the kind of certificate
     * @param privateKey the leaf's private key
     * @param chain the chain a server sends: the leaf first, then the intermediates (never the root)
     */
    public IssuedCertificate {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty chain");
        }
    }

    /** {@return the leaf certificate} */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** {@return the chain in PEM, leaf first} */
    public String chainPem() {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : chain) {
            out.append(SandboxPki.pem(c));
        }
        return out.toString();
    }
}
