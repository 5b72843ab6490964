package org.mtasts.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/** Trust anchors: the JDK's, or the CA certificates of a PEM file ({@code --trust}). */
final class Trust {
    private Trust() {}

    static X509TrustManager load(@Nullable Path pem) {
        try {
            KeyStore store = null;
            if (pem != null) {
                Collection<? extends Certificate> certs;
                try (InputStream in = Files.newInputStream(pem)) {
                    certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
                } catch (NoSuchFileException e) {
                    throw new MtastsCli.UsageException("--trust: no such file: " + pem);
                }
                if (certs.isEmpty()) {
                    throw new MtastsCli.UsageException("--trust: no certificate in " + pem);
                }
                store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                int i = 0;
                for (Certificate c : certs) {
                    store.setCertificateEntry("ca" + i++, c);
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X509TrustManager in this JVM");
        } catch (GeneralSecurityException e) {
            throw new MtastsCli.UsageException("--trust: cannot read certificates from " + pem + ": " + e.getMessage());
        } catch (IOException e) {
            throw new MtastsCli.UsageException("--trust: cannot read " + pem + ": " + e.getMessage());
        }
    }
}
