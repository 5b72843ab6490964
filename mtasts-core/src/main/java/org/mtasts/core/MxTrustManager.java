package org.mtasts.core;

import java.lang.ref.WeakReference;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The trust manager of a sending MTA's STARTTLS connections to MX hosts: during the handshake it
 * checks the presented chain against the MX host the connection was bound to, by RFC 8461 §4.2
 * ({@link MxCertificateCheck}: PKIX path, validity, {@code dNSName} by RFC 6125, no CN), records
 * the verdict with its TLS-RPT result type, and, for a connection bound in {@link Mode#ENFORCE},
 * fails the handshake with the precise reason. In {@link Mode#REPORT} it records the verdict and
 * lets the handshake go on; in {@link Mode#OPPORTUNISTIC} it accepts any certificate, as a sender
 * without a policy does (RFC 8461 §5: mode none, or no policy).
 *
 * <p>One instance serves every connection: bind each {@link SSLSocket} or {@link SSLEngine} with
 * {@link #bind} before its handshake (which also sets SNI to the MX host and TLS 1.2 or later,
 * RFC 8461 §7.1, §7.2), then ask the returned {@link MxHandshake} for the outcome. It works with
 * the JDK's TLS ({@link #sslContext()}) and with any engine that calls an {@link
 * X509ExtendedTrustManager} with the engine, such as Netty's {@code SslHandler} on the JDK or on
 * OpenSSL ({@code SslContextBuilder.forClient().trustManager(mxTrustManager)}).
 *
 * <pre>{@code
 * MxTrustManager trust = MxTrustManager.create(MxCertificateCheck.builder().trustManager(roots).build());
 * DomainName mx = DomainName.of("mx1.example.com");
 * SSLSocket socket = (SSLSocket) trust.sslContext().getSocketFactory()
 *         .createSocket(plain, mx.ascii(), plain.getPort(), true);      // after "220 Ready to start TLS"
 * try (MxHandshake handshake = trust.bind(socket, mx, MxTrustManager.Mode.ENFORCE)) {
 *     TlsOutcome outcome;
 *     try {
 *         socket.startHandshake();
 *         outcome = handshake.completed(socket.getSession());
 *     } catch (IOException e) {
 *         outcome = handshake.failed(e);                   // e.g. certificate-expired, with its reason
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-4.2">RFC 8461 §4.2</a>
 * @since 0.1
 */
public final class MxTrustManager extends X509ExtendedTrustManager {

    /** The TLS versions offered to MX hosts, newest first (RFC 8461 §7.2 era: TLS 1.2 or later). */
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** What the trust manager does with a bound connection's certificate. */
    public enum Mode {
        /**
         * Check, record, and fail the handshake when the certificate is not valid for the MX host
         * (RFC 8461 §5: policy mode enforce).
         */
        ENFORCE,
        /** Check and record, but let the handshake go on (RFC 8461 §5: policy mode testing). */
        REPORT,
        /** Accept any certificate without checking it (no policy, or mode none: opportunistic TLS). */
        OPPORTUNISTIC
    }

    private final MxCertificateCheck check;
    /** Bound connections by identity (sockets and engines do not override equals); weak, so a lost handle leaks nothing. */
    private final Map<Object, MxHandshake> bound = Collections.synchronizedMap(new WeakHashMap<>());
    private volatile @Nullable SSLContext context;

    private MxTrustManager(MxCertificateCheck check) {
        this.check = check;
    }

    /**
     * Returns a trust manager that checks with the given certificate check.
     *
     * @param check the RFC 8461 §4.2 check (trust anchors and clock)
     * @return the trust manager
     */
    public static MxTrustManager create(MxCertificateCheck check) {
        return new MxTrustManager(Objects.requireNonNull(check, "check"));
    }

    /**
     * Returns the certificate check this trust manager applies.
     *
     * @return the check
     */
    public MxCertificateCheck check() {
        return check;
    }

    /**
     * Returns the TLS parameters of a connection to an MX host: SNI is the MX host name (RFC 8461
     * §7.1), TLS 1.3 and 1.2 only, and no endpoint identification by the TLS stack (this trust
     * manager matches the name by RFC 6125 itself; the JDK's HTTPS rule would fall back to the CN).
     *
     * @param mxHost the MX host name from DNS
     * @return new parameters; cipher suites are left as they are
     */
    public static SSLParameters sslParameters(DomainName mxHost) {
        Objects.requireNonNull(mxHost, "mxHost");
        SSLParameters p = new SSLParameters();
        p.setServerNames(List.of(new SNIHostName(mxHost.ascii())));
        p.setProtocols(PROTOCOLS.toArray(new String[0]));
        p.setEndpointIdentificationAlgorithm(null);
        return p;
    }

    /**
     * Returns a TLS context whose only trust manager is this one, for {@link SSLSocket}s (made once,
     * then shared).
     *
     * @return the context
     * @throws IllegalStateException if the JVM has no TLS implementation
     */
    public SSLContext sslContext() {
        SSLContext c = context;
        if (c == null) {
            synchronized (this) {
                c = context;
                if (c == null) {
                    try {
                        c = SSLContext.getInstance("TLS");
                        c.init(null, new TrustManager[] {this}, null);
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException("TLS is not available in this JVM", e);
                    }
                    context = c;
                }
            }
        }
        return c;
    }

    /**
     * Binds a socket to the MX host it connects to, before its handshake, and sets its {@link
     * #sslParameters} (SNI, TLS versions the socket supports among 1.3 and 1.2).
     *
     * @param socket a client-mode socket whose handshake has not started
     * @param mxHost the MX host name from DNS (RFC 8461 §4.1: not its address, not a CNAME target)
     * @param mode what to do with the certificate
     * @return the handle that receives the verdict; close it when the connection is done
     * @throws IllegalStateException if the socket is bound already
     */
    public MxHandshake bind(SSLSocket socket, DomainName mxHost, Mode mode) {
        Objects.requireNonNull(socket, "socket");
        socket.setSSLParameters(parameters(mxHost, socket.getSupportedProtocols()));
        return register(socket, mxHost, mode);
    }

    /**
     * Binds an engine to the MX host it connects to, before its handshake, and sets its {@link
     * #sslParameters} (SNI, TLS versions the engine supports among 1.3 and 1.2). For Netty, bind
     * {@code sslHandler.engine()} before the handler starts the handshake.
     *
     * @param engine a client-mode engine whose handshake has not started
     * @param mxHost the MX host name from DNS
     * @param mode what to do with the certificate
     * @return the handle that receives the verdict; close it when the connection is done
     * @throws IllegalStateException if the engine is bound already
     */
    public MxHandshake bind(SSLEngine engine, DomainName mxHost, Mode mode) {
        Objects.requireNonNull(engine, "engine");
        engine.setSSLParameters(parameters(mxHost, engine.getSupportedProtocols()));
        return register(engine, mxHost, mode);
    }

    private static SSLParameters parameters(DomainName mxHost, String[] supported) {
        SSLParameters p = sslParameters(mxHost);
        List<String> usable = new ArrayList<>(PROTOCOLS);
        usable.retainAll(Arrays.asList(supported));
        if (usable.isEmpty()) {
            throw new IllegalStateException("the TLS stack supports neither TLS 1.3 nor TLS 1.2 (supported: "
                    + Arrays.toString(supported) + ")");
        }
        p.setProtocols(usable.toArray(new String[0]));
        return p;
    }

    private MxHandshake register(Object connection, DomainName mxHost, Mode mode) {
        Objects.requireNonNull(mxHost, "mxHost");
        Objects.requireNonNull(mode, "mode");
        MxHandshake handshake = new MxHandshake(this, new WeakReference<>(connection), mxHost, mode);
        synchronized (bound) {
            if (bound.containsKey(connection)) {
                throw new IllegalStateException("this connection is bound already (to "
                        + bound.get(connection).mxHost() + ")");
            }
            bound.put(connection, handshake);
        }
        return handshake;
    }

    /** Forgets a binding (from {@link MxHandshake#close()}). */
    void unbind(Object connection, MxHandshake handshake) {
        synchronized (bound) {
            if (bound.get(connection) == handshake) {
                bound.remove(connection);
            }
        }
    }

    /** Returns how many connections are bound (for leak tests). */
    int boundCount() {
        return bound.size();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        judge(chain, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        judge(chain, engine);
    }

    /**
     * Always refuses: without the socket or engine there is no MX host to check against.
     *
     * @throws CertificateException always
     */
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("an MX trust manager needs the socket or engine of the connection "
                + "(bind it with MxTrustManager.bind before the handshake)");
    }

    /**
     * Always refuses: this trust manager checks servers only.
     *
     * @throws CertificateException always
     */
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    /**
     * Always refuses: this trust manager checks servers only.
     *
     * @throws CertificateException always
     */
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    /**
     * Always refuses: this trust manager checks servers only.
     *
     * @throws CertificateException always
     */
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("an MX trust manager checks servers, not clients");
    }

    /**
     * Returns no issuers: a client's trust manager names none to a server.
     *
     * @return an empty array
     */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    private void judge(X509Certificate @Nullable [] chain, @Nullable Object connection) throws CertificateException {
        MxHandshake handshake = connection == null ? null : bound.get(connection);
        if (handshake == null) {
            throw new CertificateException("this connection was not bound to an MX host "
                    + "(call MxTrustManager.bind before the handshake)");
        }
        if (handshake.mode() == Mode.OPPORTUNISTIC) {
            handshake.accepted(chain == null ? List.of() : Arrays.asList(chain));
            return; // RFC 8461 §5: without an applicable policy any certificate is accepted
        }
        List<X509Certificate> presented = chain == null || Arrays.asList(chain).contains(null) ? List.of()
                : Arrays.asList(chain);
        CertificateVerdict verdict = check.check(handshake.mxHost(), presented);
        handshake.checked(presented, verdict);
        if (verdict instanceof CertificateVerdict.Invalid invalid && handshake.mode() == Mode.ENFORCE) {
            // RFC 8461 §5: mode enforce, a certificate failing §4.2: the session must not carry the message.
            throw new MxCertificateException(invalid);
        }
    }

    /**
     * The exception with which an enforced handshake fails; the TLS stack wraps it in an {@code
     * SSLHandshakeException}. It carries the verdict.
     */
    static final class MxCertificateException extends CertificateException {
        private static final long serialVersionUID = 1L;
        private final transient CertificateVerdict.Invalid verdict;

        MxCertificateException(CertificateVerdict.Invalid verdict) {
            super(verdict.detail() + " (" + verdict.resultType() + ", " + verdict.failureReasonCode()
                    + "; RFC 8461 §4.2)");
            this.verdict = verdict;
        }

        CertificateVerdict.Invalid verdict() {
            return verdict;
        }
    }
}
