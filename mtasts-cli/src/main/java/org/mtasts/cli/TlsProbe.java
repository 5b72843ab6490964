package org.mtasts.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxCertificateCheck;
import org.mtasts.core.MxHandshake;
import org.mtasts.core.MxTrustManager;
import org.mtasts.core.SafeText;

/**
 * Connects to a TLS server the way a careful postmaster does with {@code openssl s_client}: plain
 * TLS (a policy host on 443) or SMTP STARTTLS (an MX on 25: greeting, EHLO, STARTTLS, handshake with
 * SNI, QUIT). It accepts any certificate during the handshake and records the chain (core's {@link
 * MxTrustManager} in mode {@link MxTrustManager.Mode#OPPORTUNISTIC}, then {@link MxHandshake#chain()}),
 * so that the caller can say exactly what is wrong with it ({@link MxCertificateCheck}) instead of a
 * bare handshake failure.
 *
 * <p>Bounded: every read waits at most the timeout, the whole probe at most twice the timeout (a
 * watchdog closes the socket then, so that a server dripping one byte per read timeout cannot
 * stretch it), a reply line is at most 4096 bytes and a reply at most 100 lines (the SMTP reader is
 * shared with {@code mtasts send}).
 *
 * <p>Public only as a door for the integration tests against real servers ({@code mtasts-it}): the
 * module exports no package, so this is not a library API.
 *
 * <pre>{@code
 * InetSocketAddress smtp = new InetSocketAddress(address, 25);          // an address of the MX host
 * TlsProbe.Result r = TlsProbe.smtp("mx1.example.com", smtp, Duration.ofSeconds(10), "checker.example.net");
 * if (r.outcome() == TlsProbe.Outcome.SECURED) {
 *     CertificateVerdict v = MxCertificateCheck.check(mx, r.chain(), trust, Clock.systemUTC());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class TlsProbe {

    private TlsProbe() {}

    /**
     * How far the probe got.
     *
     * <p>Immutable and thread-safe.
     */
    public enum Outcome {
        /** TCP connect failed (refused, unreachable). */
        CONNECT_FAILED,
        /** The server did not answer in time. */
        TIMEOUT,
        /** The server broke the SMTP protocol (bad greeting, rejected EHLO or STARTTLS). */
        PROTOCOL_ERROR,
        /** EHLO did not offer STARTTLS (RFC 3207). */
        NO_STARTTLS,
        /** The TLS handshake failed before a certificate could be read. */
        HANDSHAKE_FAILED,
        /** The handshake completed; the chain is recorded. */
        SECURED
    }

    /**
     * The result of a probe.
     *
     * <pre>{@code
     * X509Certificate leaf = result.chain().get(0);       // when result.outcome() is SECURED
     * }</pre>
     *
     * <p>Immutable and thread-safe.
     *
     * @param outcome how far it got
     * @param chain the certificates presented (leaf first), empty unless SECURED
     * @param protocol the TLS version negotiated, or empty
     * @param transcript what was said (C: client, S: server), for people
     * @param detail what went wrong, or empty
     */
    public record Result(Outcome outcome, List<X509Certificate> chain, String protocol, List<String> transcript, String detail) {
        /** Copies the lists. */
        public Result {
            chain = List.copyOf(chain);
            transcript = List.copyOf(transcript);
        }
    }

    /**
     * Probes an SMTP server with STARTTLS.
     *
     * @param host the MX host name (sent as SNI)
     * @param address where to connect
     * @param timeout per read and connect; the whole probe is bounded by twice this
     * @param ehloName the name given in EHLO
     * @return the result
     * @throws IllegalArgumentException if {@code host} is not a host name
     */
    public static Result smtp(String host, InetSocketAddress address, Duration timeout, String ehloName) {
        DomainName name = hostName(host);
        List<String> transcript = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos() * 2;
        Socket socket = new Socket();
        SmtpWire.Watchdog watchdog = new SmtpWire.Watchdog(socket, timeout.multipliedBy(2));
        try (socket; watchdog) {
            Result failed = connect(socket, address, timeout, transcript);
            if (failed != null) {
                return failed;
            }
            InputStream in = socket.getInputStream();
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            List<String> greeting = SmtpWire.readReply(in, transcript::add, deadline);
            if (!greeting.get(0).startsWith("220")) {
                return new Result(Outcome.PROTOCOL_ERROR, List.of(), "", transcript,
                        "unexpected greeting: " + printable(greeting.get(0)));
            }
            SmtpWire.send(out, "EHLO " + ehloName, transcript::add);
            List<String> ehlo = SmtpWire.readReply(in, transcript::add, deadline);
            if (!ehlo.get(0).startsWith("250")) {
                return new Result(Outcome.PROTOCOL_ERROR, List.of(), "", transcript,
                        "EHLO rejected: " + printable(ehlo.get(0)));
            }
            if (!SmtpWire.offers(ehlo, "STARTTLS")) {
                quietQuit(out, in, transcript, deadline);
                return new Result(Outcome.NO_STARTTLS, List.of(), "", transcript, "EHLO does not offer STARTTLS");
            }
            SmtpWire.send(out, "STARTTLS", transcript::add);
            List<String> ready = SmtpWire.readReply(in, transcript::add, deadline);
            if (!ready.get(0).startsWith("220")) {
                return new Result(Outcome.PROTOCOL_ERROR, List.of(), "", transcript,
                        "STARTTLS rejected: " + printable(ready.get(0)));
            }
            return handshake(socket, name, address, timeout, transcript, true, watchdog);
        } catch (SocketTimeoutException e) {
            return new Result(Outcome.TIMEOUT, List.of(), "", transcript, "no answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            if (watchdog.fired()) {
                return new Result(Outcome.TIMEOUT, List.of(), "", transcript, "the server is too slow: no complete "
                        + "exchange within " + timeout.multipliedBy(2).toMillis() + " ms");
            }
            return new Result(Outcome.PROTOCOL_ERROR, List.of(), "", transcript, printable(e.getMessage()));
        }
    }

    /**
     * Probes a TLS server directly (an HTTPS policy host).
     *
     * @param host the host name (sent as SNI)
     * @param address where to connect
     * @param timeout per read and connect
     * @return the result
     * @throws IllegalArgumentException if {@code host} is not a host name
     */
    public static Result tls(String host, InetSocketAddress address, Duration timeout) {
        DomainName name = hostName(host);
        List<String> transcript = new ArrayList<>();
        Socket socket = new Socket();
        SmtpWire.Watchdog watchdog = new SmtpWire.Watchdog(socket, timeout.multipliedBy(2));
        try (socket; watchdog) {
            Result failed = connect(socket, address, timeout, transcript);
            if (failed != null) {
                return failed;
            }
            return handshake(socket, name, address, timeout, transcript, false, watchdog);
        } catch (IOException e) {
            if (watchdog.fired()) {
                return new Result(Outcome.TIMEOUT, List.of(), "", transcript, "TLS handshake timed out");
            }
            return new Result(Outcome.HANDSHAKE_FAILED, List.of(), "", transcript, printable(e.getMessage()));
        }
    }

    /** Connects with the timeout and sets it for reads; null when connected, else the failure. */
    private static @Nullable Result connect(Socket socket, InetSocketAddress address, Duration timeout,
            List<String> transcript) throws IOException {
        try {
            socket.connect(address, millis(timeout));
        } catch (SocketTimeoutException e) {
            return new Result(Outcome.TIMEOUT, List.of(), "", transcript, "connect to " + address + " timed out");
        } catch (IOException e) {
            return new Result(Outcome.CONNECT_FAILED, List.of(), "", transcript,
                    "cannot connect to " + address + ": " + printable(e.getMessage()));
        }
        socket.setSoTimeout(millis(timeout));
        return null;
    }

    private static Result handshake(Socket plain, DomainName host, InetSocketAddress address, Duration timeout,
            List<String> transcript, boolean smtp, SmtpWire.Watchdog watchdog) throws IOException {
        // A trust manager of its own per probe: a fresh TLS context, so no session is resumed from
        // an earlier probe and every probe sees the certificate the server presents now.
        MxTrustManager trust = MxTrustManager.create(Opportunistic.CHECK);
        SSLSocket tls = (SSLSocket) trust.sslContext().getSocketFactory()
                .createSocket(plain, host.ascii(), address.getPort(), true);
        // RFC 8461 §7.1 and RFC 6066: the host name as SNI; TLS 1.2 or later (RFC 8461 §7.2). In
        // mode OPPORTUNISTIC any certificate is accepted and recorded: the verdict comes
        // afterwards, from the caller, with the real trust anchors.
        try (MxHandshake handshake = trust.bind(tls, host, MxTrustManager.Mode.OPPORTUNISTIC)) {
            tls.setSoTimeout(millis(timeout));
            watchdog.watch(tls);
            try {
                tls.startHandshake();
            } catch (SocketTimeoutException e) {
                return new Result(Outcome.TIMEOUT, handshake.chain(), "", transcript, "TLS handshake timed out");
            } catch (IOException e) { // SSLException, EOFException, or a reset (SocketException)
                if (watchdog.fired()) {
                    return new Result(Outcome.TIMEOUT, handshake.chain(), "", transcript, "TLS handshake timed out");
                }
                return new Result(Outcome.HANDSHAKE_FAILED, handshake.chain(), "", transcript,
                        "TLS handshake failed: " + printable(e.getMessage()));
            }
            handshake.completed(tls.getSession()); // reads the session's chain if it was not shown to the trust manager
            List<X509Certificate> chain = handshake.chain();
            String protocol = tls.getSession().getProtocol();
            transcript.add("-- TLS " + protocol + " " + tls.getSession().getCipherSuite());
            if (smtp) {
                try {
                    OutputStream out = tls.getOutputStream();
                    SmtpWire.send(out, "QUIT", transcript::add);
                    SmtpWire.readReply(tls.getInputStream(), transcript::add, System.nanoTime() + timeout.toNanos());
                } catch (IOException e) {
                    transcript.add("-- " + printable(e.getMessage()));
                }
            }
            tls.close();
            return new Result(Outcome.SECURED, chain, protocol, transcript, "");
        }
    }

    private static void quietQuit(OutputStream out, InputStream in, List<String> transcript, long deadline) {
        try {
            SmtpWire.send(out, "QUIT", transcript::add);
            SmtpWire.readReply(in, transcript::add, deadline);
        } catch (IOException e) {
            transcript.add("-- " + printable(e.getMessage()));
        }
    }

    /** Parses the host name the probe sends as SNI. */
    private static DomainName hostName(String host) {
        return DomainName.parse(host).toOptional().orElseThrow(
                () -> new IllegalArgumentException("not a host name: '" + printable(host) + "'"));
    }

    /** Escapes what came from the network: nothing reaches the terminal raw ({@link SafeText}). */
    static String printable(@Nullable String text) {
        return text == null ? "" : SafeText.escape(text, 300);
    }

    /**
     * The certificate check an opportunistic trust manager holds but never runs (RFC 8461 §5: any
     * certificate is accepted); made once, on first use.
     */
    private static final class Opportunistic {
        static final MxCertificateCheck CHECK = MxCertificateCheck.builder().trustManager(Trust.load(null)).build();
    }

    /** A socket timeout in milliseconds: a --timeout beyond int milliseconds (24 days) waits that long, never overflows. */
    static int millis(java.time.Duration timeout) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    }
}
