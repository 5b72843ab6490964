package org.mtasts.testkit;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the server certificate by the SNI name the client sent (RFC 6066 §3), among every
 * sandbox host; without SNI, or for an unknown name, the certificate of the host that owns the
 * listening port. Aliases are host names.
 */
final class SniKeyManager extends X509ExtendedKeyManager {

    private final Map<String, IssuedCertificate> certificates = new ConcurrentHashMap<>();
    private final Map<Integer, String> hostByPort = new ConcurrentHashMap<>();
    private final Map<SSLSocket, String> sniBySocket = new ConcurrentHashMap<>();

    void add(String host, int port, IssuedCertificate certificate) {
        certificates.put(host, certificate);
        hostByPort.put(port, host);
    }

    /** Returns the SNI host name of a handshake or session, lower case, or null. */
    static @Nullable String requestedName(@Nullable SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            List<SNIServerName> names = extended.getRequestedServerNames();
            for (SNIServerName name : names) {
                if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                    return ((SNIHostName) name).getAsciiName().toLowerCase(Locale.ROOT);
                }
            }
        }
        return null;
    }

    @Override
    public @Nullable String chooseServerAlias(String keyType, Principal @Nullable [] issuers, @Nullable Socket socket) {
        if (!(socket instanceof SSLSocket ssl)) {
            return null;
        }
        String host = requestedName(ssl.getHandshakeSession());
        if (host != null) {
            sniBySocket.put(ssl, host);
        }
        if (host == null || !certificates.containsKey(host)) {
            host = hostByPort.get(ssl.getLocalPort());
        }
        IssuedCertificate certificate = host == null ? null : certificates.get(host);
        if (certificate == null || !certificate.privateKey().getAlgorithm().equals(keyType)) {
            return null;
        }
        return host;
    }

    /**
     * Returns (and forgets) the SNI name a socket's handshake asked for, also after a failed
     * handshake; call it once per server socket, in a finally block. A resumed TLS session chooses
     * no certificate, so its name is read from the session instead.
     */
    @Nullable String takeSni(SSLSocket socket) {
        String sni = sniBySocket.remove(socket);
        if (sni == null && !socket.isClosed()) {
            sni = requestedName(socket.getSession());
        }
        return sni;
    }

    @Override
    public @Nullable String chooseEngineServerAlias(String keyType, Principal @Nullable [] issuers,
            @Nullable SSLEngine engine) {
        return null; // the sandbox uses sockets only
    }

    @Override
    public X509Certificate @Nullable [] getCertificateChain(String alias) {
        IssuedCertificate certificate = certificates.get(alias);
        return certificate == null ? null : certificate.chain().toArray(new X509Certificate[0]);
    }

    @Override
    public @Nullable PrivateKey getPrivateKey(String alias) {
        IssuedCertificate certificate = certificates.get(alias);
        return certificate == null ? null : certificate.privateKey();
    }

    @Override
    public String @Nullable [] getServerAliases(String keyType, Principal @Nullable [] issuers) {
        return certificates.keySet().toArray(new String[0]);
    }

    @Override
    public String @Nullable [] getClientAliases(String keyType, Principal @Nullable [] issuers) {
        return null;
    }

    @Override
    public @Nullable String chooseClientAlias(String[] keyType, Principal @Nullable [] issuers, @Nullable Socket socket) {
        return null;
    }
}
