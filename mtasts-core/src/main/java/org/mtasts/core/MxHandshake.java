package org.mtasts.core;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.ref.WeakReference;
import java.net.SocketTimeoutException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * One TLS handshake with an MX host, bound to an {@link MxTrustManager}: it receives the
 * certificate verdict during the handshake, and turns the end of the handshake into the {@link
 * TlsOutcome} that decides the delivery ({@link DeliveryDecision}) and the TLS-RPT result (RFC 8460
 * §4.3.1).
 *
 * <p>After a successful handshake call {@link #completed(SSLSession)}: when the TLS stack resumed
 * an earlier session it does not show the certificate to the trust manager again, so the session's
 * certificates are checked then (in mode enforce a failure there means: do not send). After a
 * failed handshake call {@link #failed(Throwable)}: it gives the verdict that made an enforced
 * handshake fail, or the TLS failure as {@code validation-failure} with a reason code.
 *
 * <pre>{@code
 * try (MxHandshake handshake = trust.bind(engine, DomainName.of("mx1.example.com"), MxTrustManager.Mode.REPORT)) {
 *     // ... run the handshake, then:
 *     TlsOutcome outcome = handshakeSucceeded ? handshake.completed(engine.getSession()) : handshake.failed(cause);
 * }
 * }</pre>
 *
 * <p>Thread-safe; the trust manager writes the verdict on the handshake's thread.
 *
 * @since 0.1
 */
public final class MxHandshake implements AutoCloseable {

    /** Reason code: the TLS handshake failed for a reason other than the certificate. */
    public static final String REASON_HANDSHAKE_FAILURE = "tls-handshake-failure";
    /** Reason code prefix: the MX host sent a TLS alert; the alert's name follows, in kebab case. */
    public static final String REASON_REMOTE_ALERT_PREFIX = "tls-remote-alert-";
    /** Reason code: the MX host did not complete the handshake in time. */
    public static final String REASON_HANDSHAKE_TIMEOUT = "tls-handshake-timeout";
    /** Reason code: the connection broke during the handshake. */
    public static final String REASON_HANDSHAKE_IO = "tls-handshake-io-error";

    private final MxTrustManager owner;
    private final WeakReference<Object> connection;
    private final DomainName mxHost;
    private final MxTrustManager.Mode mode;
    private volatile List<X509Certificate> chain = List.of();
    private volatile @Nullable CertificateVerdict verdict;
    private volatile boolean seen;

    MxHandshake(MxTrustManager owner, WeakReference<Object> connection, DomainName mxHost, MxTrustManager.Mode mode) {
        this.owner = owner;
        this.connection = connection;
        this.mxHost = mxHost;
        this.mode = mode;
    }

    /**
     * Returns the MX host the connection was bound to.
     *
     * @return the MX host name
     */
    public DomainName mxHost() {
        return mxHost;
    }

    /**
     * Returns what the trust manager does with this connection's certificate.
     *
     * @return the mode
     */
    public MxTrustManager.Mode mode() {
        return mode;
    }

    /**
     * Returns the verdict on the presented certificate, once the trust manager or {@link
     * #completed} checked it; empty before, and always in mode {@link
     * MxTrustManager.Mode#OPPORTUNISTIC}.
     *
     * @return the verdict
     */
    public Optional<CertificateVerdict> verdict() {
        return Optional.ofNullable(verdict);
    }

    /**
     * Returns the certificates the MX host presented, leaf first; empty until the handshake showed
     * them.
     *
     * @return the chain
     */
    public List<X509Certificate> chain() {
        return chain;
    }

    void checked(List<X509Certificate> presented, CertificateVerdict v) {
        this.chain = List.copyOf(presented);
        this.verdict = v;
        this.seen = true;
    }

    void accepted(List<X509Certificate> presented) {
        this.chain = presented.contains(null) ? List.of() : List.copyOf(presented);
        this.seen = true;
    }

    /**
     * Returns the outcome of a handshake that completed: secured, or (modes enforce and report) the
     * certificate's failure. If the TLS stack resumed a session without showing the certificate,
     * the session's certificates are checked now.
     *
     * @param session the session of the completed handshake
     * @return the outcome; in mode enforce a failure means the connection must not carry the message
     */
    public TlsOutcome completed(SSLSession session) {
        Objects.requireNonNull(session, "session");
        if (mode == MxTrustManager.Mode.OPPORTUNISTIC) {
            if (!seen) {
                accepted(x509(peerCertificates(session)));
            }
            return TlsOutcome.secured();
        }
        CertificateVerdict v = verdict;
        if (v == null) {
            // A resumed session: the trust manager was not asked this time (RFC 8461 §4.2 still applies).
            Certificate[] presented = peerCertificates(session);
            v = presented == null
                    ? new CertificateVerdict.Invalid(ResultType.VALIDATION_FAILURE, MxCertificateCheck.REASON_NO_CERTIFICATE,
                            "the MX host's session has no verified certificate")
                    : owner.check().check(mxHost, presented);
            checked(presented == null ? List.of() : x509(presented), v);
        }
        return TlsOutcome.of(v);
    }

    /**
     * Returns the outcome of a handshake that failed: the certificate's failure when the trust
     * manager refused it (mode enforce), else {@code validation-failure} with a reason code that
     * names the TLS failure (an alert from the MX host, a timeout, a broken connection).
     *
     * @param error what the handshake threw (the TLS stack's exception, or the I/O error)
     * @return the outcome, never secured
     */
    public TlsOutcome failed(Throwable error) {
        Objects.requireNonNull(error, "error");
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof MxTrustManager.MxCertificateException refused) {
                return TlsOutcome.of(refused.verdict());
            }
        }
        CertificateVerdict v = verdict;
        if (v instanceof CertificateVerdict.Invalid) {
            return TlsOutcome.of(v); // checked and failed, and then the handshake failed too
        }
        String message = SafeText.escape(String.valueOf(error.getMessage()));
        // RFC 8460 §4.3.3: a negotiation failure without its own result type is validation-failure
        // with a reason code.
        String reason;
        if (error instanceof SocketTimeoutException || error instanceof InterruptedIOException) {
            reason = REASON_HANDSHAKE_TIMEOUT;
        } else if (error instanceof SSLException) {
            reason = alertReason(error.getMessage());
        } else if (error instanceof IOException) {
            reason = REASON_HANDSHAKE_IO;
        } else {
            reason = REASON_HANDSHAKE_FAILURE;
        }
        return TlsOutcome.failed(ResultType.VALIDATION_FAILURE, reason,
                "the TLS handshake with " + mxHost + " failed: " + error.getClass().getSimpleName() + ": " + message);
    }

    /** "Received fatal alert: handshake_failure" (JDK) becomes tls-remote-alert-handshake-failure. */
    static String alertReason(@Nullable String message) {
        String marker = "Received fatal alert: ";
        int at = message == null ? -1 : message.indexOf(marker);
        if (at < 0) {
            return REASON_HANDSHAKE_FAILURE;
        }
        String name = message.substring(at + marker.length()).trim();
        StringBuilder kebab = new StringBuilder(REASON_REMOTE_ALERT_PREFIX);
        for (int i = 0; i < name.length() && kebab.length() < 64; i++) {
            char c = Character.toLowerCase(name.charAt(i));
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                kebab.append(c);
            } else if (c == '_' || c == '-' || c == ' ') {
                kebab.append('-');
            } else {
                break;
            }
        }
        return kebab.length() == REASON_REMOTE_ALERT_PREFIX.length() ? REASON_HANDSHAKE_FAILURE
                : kebab.toString().toLowerCase(Locale.ROOT);
    }

    private static Certificate @Nullable [] peerCertificates(SSLSession session) {
        try {
            return session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static List<X509Certificate> x509(Certificate @Nullable [] certs) {
        List<X509Certificate> out = new ArrayList<>();
        if (certs != null) {
            for (Certificate c : certs) {
                if (c instanceof X509Certificate x) {
                    out.add(x);
                }
            }
        }
        return out;
    }

    /** Unbinds the connection from the trust manager. Idempotent. */
    @Override
    public void close() {
        Object c = connection.get();
        if (c != null) {
            owner.unbind(c, this);
        }
    }

    @Override
    public String toString() {
        return "MxHandshake[" + mxHost + ", " + mode + (verdict == null ? "" : ", " + verdict) + "]";
    }
}
