package org.mtasts.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DeliveryDecision;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxHandshake;
import org.mtasts.core.MxTrustManager;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.TlsOutcome;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyDetails;

/**
 * One SMTP session of a sending MTA with one MX host, under the {@link PolicyResolution} of the
 * recipient domain: it carries the session from the MX check (RFC 8461 §4.1) through STARTTLS and
 * the certificate check in the handshake (§4.2) to the delivery decision (§5) and the TLS-RPT count
 * (RFC 8460 §4). Made by {@link MtaSts#session} (counted) or {@link MtaSts#reportSession} (a TLS
 * report's own delivery: never refused, never counted, RFC 8460 §3).
 *
 * <p>Exactly one outcome ends a session, and records it: {@link #refused()} already at creation
 * (mode enforce and an MX host the policy does not list), {@link #starttlsMissing()}, or the end of
 * the handshake ({@link #startTls(Socket)} for JDK sockets; {@link #bind(SSLEngine)}, then {@link
 * #handshakeCompleted} or {@link #handshakeFailed} for an {@code SSLEngine}, such as Netty's). A
 * second outcome is a programming error ({@link IllegalStateException}). A session closed without
 * an outcome (the connection failed before EHLO) records nothing (RFC 8460 §4.3.4: transient
 * errors need not be reported).
 *
 * <p><b>Counting rules</b> (RFC 8460 §4.3, §4.4), as this class applies them:
 * <ul>
 *   <li>One session is one attempt to deliver to one MX host that reached a TLS outcome: refused by
 *       the policy before connecting, no STARTTLS, or a handshake that completed or failed.</li>
 *   <li>It counts as successful when nothing failed, and as failed otherwise; a failed session adds
 *       one to each failure detail it hit (RFC 8460 §4: failure types are not exclusive): the
 *       resolution's {@link PolicyResolution#policyFailure()} (a policy fetch failure counts once
 *       on every session made under it, also when a cached policy was applied with the {@code
 *       +fallback-to-cached-policy} marker) and the session's own failure (an MX host not in the
 *       policy, no STARTTLS, a handshake or certificate failure), with the MX host name and the
 *       addresses when known.</li>
 *   <li>It is counted under the resolution's {@link PolicyResolution#reportedPolicy()}: {@code
 *       sts} with the policy's lines as served, or {@code no-policy-found} (no policy, mode
 *       {@code none}, or a resolution the caller chose to deliver through without knowing it).</li>
 *   <li>Under no policy or mode {@code none} nothing is a failure (RFC 8461 §5): any certificate
 *       is accepted and a missing STARTTLS is plain delivery.</li>
 *   <li>Not counted: sessions that never reached a TLS outcome, report deliveries ({@link
 *       MtaSts#reportSession}, RFC 8460 §3), and messages deferred without a session.</li>
 * </ul>
 *
 * <pre>{@code
 * try (MxSession session = sts.session(resolution, mx)) {
 *     if (session.refused()) {
 *         return;                                               // enforce: not listed; try the next MX host
 *     }
 *     Socket socket = openSmtp(mx);                             // your SMTP code: greeting, EHLO, STARTTLS, "220"
 *     MxSession.StartTls tls = session.startTls(socket);        // SNI, TLS 1.2+, RFC 8461 §4.2 in the handshake
 *     if (tls.decision().refuses()) {
 *         return;                                               // enforce: say why with tls.decision().explanation()
 *     }
 *     SSLSocket secure = tls.socket().orElseThrow();            // EHLO again, then send the message
 * }
 * }</pre>
 *
 * <p>Thread-safe (an {@code SSLEngine}'s handshake may end on another thread than the one that
 * made the session); one session per connection.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5">RFC 8461 §5</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.3">RFC 8460 §4.3</a>
 * @since 0.1
 */
public final class MxSession implements AutoCloseable {

    private static final DeliveryDecision REPORT_DELIVERY = new DeliveryDecision(DeliveryDecision.Verdict.DELIVER,
            null, null, "a TLS report is delivered despite TLS failures and not counted (RFC 8460 §3)");

    /**
     * The end of {@link #startTls(Socket)}.
     *
     * @param decision what to do with this MX host
     * @param tls what happened in the TLS session, whatever the policy makes of it: secured, or
     *     the result type and reason of the failure (also when no policy applies and the decision
     *     is to deliver regardless)
     * @param socket the TLS socket when the handshake completed (in mode enforce with a certificate
     *     that failed after a resumed handshake it is there, but {@code decision.refuses()}: send
     *     QUIT, not the message); empty when the handshake failed (the connection is closed)
     */
    public record StartTls(DeliveryDecision decision, TlsOutcome tls, Optional<SSLSocket> socket) {
        /**
         * Validates the components.
         *
         * @param decision what to do with this MX host
         * @param tls what happened in the TLS session
         * @param socket the TLS socket when the handshake completed; empty when it failed
         */
        public StartTls {
            Objects.requireNonNull(decision, "decision");
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(socket, "socket");
        }
    }

    /** Where a session's outcome goes: the aggregator, or nowhere (reports; no aggregator). */
    @FunctionalInterface
    interface Recorder {
        Recorder NONE = (policy, failures) -> { };

        void record(PolicyDetails policy, List<FailureDetails> failures);
    }

    private final PolicyResolution resolution;
    private final DomainName mx;
    private final MxTrustManager trust;
    private final Recorder recorder;
    private final boolean reportDelivery;
    private final @Nullable StsPolicy policy;
    private @Nullable DeliveryDecision decision;
    private final boolean refusedBeforeConnecting;
    private @Nullable MxHandshake handshake;
    private @Nullable TlsOutcome outcome;
    private @Nullable InetAddress sendingMtaIp;
    private @Nullable InetAddress receivingIp;

    MxSession(PolicyResolution resolution, DomainName mx, MxTrustManager trust, Recorder recorder,
            boolean reportDelivery) {
        this.resolution = Objects.requireNonNull(resolution, "resolution");
        this.mx = Objects.requireNonNull(mx, "mx");
        this.trust = trust;
        this.recorder = recorder;
        this.reportDelivery = reportDelivery;
        this.policy = resolution.policyToApply().orElse(null);
        this.refusedBeforeConnecting = !reportDelivery && !DeliveryDecision.mayConnect(policy, mx);
        if (refusedBeforeConnecting) {
            // RFC 8461 §4.1, §5: mode enforce and an MX host the policy does not list: refused
            // before connecting, and counted as a failed session (validation-failure, mx mismatch).
            finish(DeliveryDecision.decide(policy, mx, TlsOutcome.secured()));
        }
    }

    /**
     * Returns the MX host.
     *
     * @return the MX host name from DNS
     */
    public DomainName mx() {
        return mx;
    }

    /**
     * Returns the resolution the session is made under.
     *
     * @return the resolution
     */
    public PolicyResolution resolution() {
        return resolution;
    }

    /**
     * Returns whether this is a TLS report's own delivery (never refused, never counted).
     *
     * @return true for a session made by {@link MtaSts#reportSession}
     */
    public boolean isReportDelivery() {
        return reportDelivery;
    }

    /**
     * Returns whether the policy refuses this MX host before any connection (mode enforce, the MX
     * host matches no {@code mx} pattern, RFC 8461 §4.1): the session is over and counted; try the
     * next MX host.
     *
     * @return true if refused before connecting
     */
    public boolean refused() {
        return refusedBeforeConnecting;
    }

    /**
     * Returns whether the sender must require TLS with a valid certificate (mode enforce; RFC 8461
     * §5): without STARTTLS the message must not be sent to this MX host.
     *
     * @return true in mode enforce (never for a report delivery)
     */
    public boolean requiresTls() {
        return !reportDelivery && DeliveryDecision.requiresTls(policy);
    }

    /**
     * Returns the decision, once the session has an outcome.
     *
     * @return the decision, or empty while the session has none
     */
    public synchronized Optional<DeliveryDecision> decision() {
        return Optional.ofNullable(decision);
    }

    /**
     * Returns what happened in the TLS session, once it ended: secured, or the failure with its
     * result type and reason, also where the policy (or its absence) lets the delivery go on and
     * the decision says nothing about TLS.
     *
     * @return the outcome, or empty before the session reached STARTTLS or the handshake's end
     */
    public synchronized Optional<TlsOutcome> tlsOutcome() {
        return Optional.ofNullable(outcome);
    }

    /**
     * Notes the addresses of the connection, for the failure details of the report ({@code
     * sending-mta-ip}, {@code receiving-ip}, RFC 8460 §4.4). {@link #startTls(Socket)} notes them
     * itself.
     *
     * @param local the sending MTA's address
     * @param remote the MX host's address
     * @return this session
     */
    public synchronized MxSession connected(InetAddress local, InetAddress remote) {
        this.sendingMtaIp = Objects.requireNonNull(local, "local");
        this.receivingIp = Objects.requireNonNull(remote, "remote");
        return this;
    }

    /**
     * Ends the session because EHLO did not offer STARTTLS (RFC 3207): mode enforce refuses the MX
     * host, mode testing delivers in the clear and reports {@code starttls-not-supported}, no
     * policy delivers (RFC 8461 §5).
     *
     * @return the decision, recorded
     * @throws IllegalStateException if the session already has an outcome
     */
    public synchronized DeliveryDecision starttlsMissing() {
        checkOpen();
        outcome = TlsOutcome.starttlsNotSupported();
        return finish(reportDelivery ? REPORT_DELIVERY : DeliveryDecision.decide(policy, mx, outcome));
    }

    /**
     * Runs the TLS handshake over a connection that just got {@code 220} to {@code STARTTLS}: a
     * layered {@link SSLSocket} with SNI set to the MX host, TLS 1.2 or later, and the certificate
     * checked during the handshake by RFC 8461 §4.2 (failing it in mode enforce), on the
     * connection's own read timeout. Never throws for a TLS or I/O failure: they are outcomes.
     *
     * @param plain the connected socket, after the server's {@code 220} to {@code STARTTLS}
     * @return the decision (recorded) and, if the handshake completed, the TLS socket
     * @throws IllegalStateException if the session already has an outcome
     */
    public StartTls startTls(Socket plain) {
        Objects.requireNonNull(plain, "plain");
        synchronized (this) {
            checkOpen();
            if (plain.getLocalAddress() != null && plain.getInetAddress() != null) {
                connected(plain.getLocalAddress(), plain.getInetAddress());
            }
        }
        SSLSocket ssl;
        try {
            ssl = (SSLSocket) trust.sslContext().getSocketFactory().createSocket(plain, mx.ascii(), plain.getPort(), true);
        } catch (IOException e) {
            synchronized (this) {
                // RFC 8460 §4.3.3: the connection broke before TLS could start.
                TlsOutcome broken = TlsOutcome.failed(ResultType.VALIDATION_FAILURE, MxHandshake.REASON_HANDSHAKE_IO,
                        "the TLS handshake with " + mx + " could not start: " + Printable.describe(e));
                return new StartTls(finish(reportDelivery ? REPORT_DELIVERY : DeliveryDecision.decide(policy, mx, broken)),
                        broken, Optional.empty());
            }
        }
        synchronized (this) {
            handshake = trust.bind(ssl, mx, mode());
        }
        try {
            ssl.startHandshake();
        } catch (IOException | RuntimeException e) {
            DeliveryDecision d = handshakeFailed(e);
            closeQuietly(ssl);
            return new StartTls(d, tlsOutcome().orElseThrow(), Optional.empty());
        }
        DeliveryDecision d = handshakeCompleted(ssl.getSession());
        return new StartTls(d, tlsOutcome().orElseThrow(), Optional.of(ssl));
    }

    /**
     * Binds an engine (for instance Netty's {@code sslHandler.engine()}) to this session before its
     * handshake: SNI is the MX host, TLS 1.2 or later, and the session's {@link MtaSts#mxTrustManager()}
     * checks the certificate during the handshake. The engine's context must use that trust
     * manager. When the handshake ends, call {@link #handshakeCompleted} or {@link
     * #handshakeFailed}.
     *
     * @param engine a client engine whose handshake has not started
     * @return the handshake handle (also closed by {@link #close()})
     * @throws IllegalStateException if the session already has an outcome or a bound connection
     */
    public synchronized MxHandshake bind(SSLEngine engine) {
        checkOpen();
        if (handshake != null) {
            throw new IllegalStateException("a connection is bound to this session already");
        }
        handshake = trust.bind(engine, mx, mode());
        return handshake;
    }

    /**
     * Ends the session after a completed handshake: secured, or (a certificate checked after a
     * resumed handshake, or mode testing) failed with the certificate's result type.
     *
     * @param session the TLS session
     * @return the decision, recorded
     * @throws IllegalStateException if no engine or socket was bound, or the session has an outcome
     */
    public synchronized DeliveryDecision handshakeCompleted(SSLSession session) {
        checkOpen();
        MxHandshake h = bound();
        outcome = h.completed(session);
        return finish(reportDelivery ? REPORT_DELIVERY : DeliveryDecision.decide(policy, mx, outcome));
    }

    /**
     * Ends the session after a failed handshake: the certificate's failure when the trust manager
     * refused it (mode enforce), else {@code validation-failure} with a reason code naming the TLS
     * failure.
     *
     * @param error what the handshake threw
     * @return the decision, recorded
     * @throws IllegalStateException if no engine or socket was bound, or the session has an outcome
     */
    public synchronized DeliveryDecision handshakeFailed(Throwable error) {
        checkOpen();
        MxHandshake h = bound();
        outcome = h.failed(error);
        if (reportDelivery) {
            return finish(REPORT_DELIVERY);
        }
        return finish(DeliveryDecision.decide(policy, mx, outcome));
    }

    /** Unbinds the connection; a session without an outcome records nothing. Idempotent. */
    @Override
    public synchronized void close() {
        if (handshake != null) {
            handshake.close();
        }
    }

    private MxTrustManager.Mode mode() {
        if (reportDelivery || policy == null || policy.mode() == PolicyMode.NONE) {
            return MxTrustManager.Mode.OPPORTUNISTIC; // RFC 8461 §5; RFC 8460 §3 for reports
        }
        return policy.mode() == PolicyMode.ENFORCE ? MxTrustManager.Mode.ENFORCE : MxTrustManager.Mode.REPORT;
    }

    private MxHandshake bound() {
        if (handshake == null) {
            throw new IllegalStateException("bind an engine (bind) or use startTls before ending the handshake");
        }
        return handshake;
    }

    private void checkOpen() {
        if (decision != null) {
            throw new IllegalStateException("the session with " + mx + " has an outcome already: " + decision.verdict());
        }
    }

    /** Records the outcome (RFC 8460 §4.3, the rules in the class comment) and keeps it. */
    private DeliveryDecision finish(DeliveryDecision d) {
        decision = d;
        if (reportDelivery) {
            return d; // RFC 8460 §3: a report's delivery SHOULD NOT count in the next report
        }
        List<FailureDetails> failures = new ArrayList<>(2);
        resolution.policyFailure().ifPresent(failures::add);
        if (d.resultType() != null) {
            FailureDetails.Builder b = FailureDetails.builder(d.resultType()).receivingMxHostname(mx);
            if (d.failureReasonCode() != null) {
                b.failureReasonCode(d.failureReasonCode());
            }
            if (sendingMtaIp != null && receivingIp != null) {
                b.sendingMtaIp(sendingMtaIp).receivingIp(receivingIp);
            }
            failures.add(b.build());
        }
        recorder.record(resolution.reportedPolicy(), failures);
        return d;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the handshake failed already; nothing more to say
        }
    }

    @Override
    public synchronized String toString() {
        return "MxSession[" + mx + ", " + resolution.kind() + (reportDelivery ? ", report" : "")
                + (decision == null ? "" : ", " + decision.verdict()) + "]";
    }
}
