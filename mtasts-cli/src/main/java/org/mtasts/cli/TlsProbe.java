package org.mtasts.cli;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.SafeText;

/**
 * Connects to a TLS server the way a careful postmaster does with {@code openssl s_client}: plain
 * TLS (a policy host on 443) or SMTP STARTTLS (an MX on 25: greeting, EHLO, STARTTLS, handshake with
 * SNI, QUIT). It accepts any certificate during the handshake and records the chain, so that the
 * caller can say exactly what is wrong with it ({@link org.mtasts.core.MxCertificateCheck}) instead
 * of a bare handshake failure.
 *
 * <p>Bounded: every read waits at most the timeout, the whole probe at most twice the timeout (a
 * watchdog closes the socket then, so that a server dripping one byte per read timeout cannot
 * stretch it), a reply line is at most 4096 bytes and a reply at most 100 lines.
 *
 * <p>Public only as a door for the integration tests against real servers ({@code mtasts-it}): the
 * module exports no package, so this is not a library API.
 *
 * <pre>{@code
 * TlsProbe.Result r = TlsProbe.smtp("mx1.example.com", new InetSocketAddress(address, 25),
 *         Duration.ofSeconds(10), "checker.example.net");
 * if (r.outcome() == TlsProbe.Outcome.SECURED) {
 *     CertificateVerdict v = MxCertificateCheck.check(mx, r.chain(), trust, Clock.systemUTC());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class TlsProbe {

    static final int MAX_LINE = 4096;
    static final int MAX_REPLY_LINES = 100;

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
     */
    public static Result smtp(String host, InetSocketAddress address, Duration timeout, String ehloName) {
        List<String> transcript = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos() * 2;
        Socket socket = new Socket();
        Watchdog watchdog = new Watchdog(socket, timeout.multipliedBy(2));
        try (socket; watchdog) {
            Result failed = connect(socket, address, timeout, transcript);
            if (failed != null) {
                return failed;
            }
            InputStream in = socket.getInputStream();
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            List<String> greeting = readReply(in, transcript, deadline);
            if (!greeting.get(0).startsWith("220")) {
                return new Result(Outcome.PROTOCOL_ERROR, List.of(), "", transcript,
                        "unexpected greeting: " + printable(greeting.get(0)));
            }
            send(out, "EHLO " + ehloName, transcript);
            List<String> ehlo = readReply(in, transcript, deadline);
            if (!ehlo.get(0).startsWith("250")) {
                return new Result(Outcome.PROTOCOL_ERROR, List.of(), "", transcript,
                        "EHLO rejected: " + printable(ehlo.get(0)));
            }
            boolean starttls = false;
            for (String line : ehlo) {
                String keyword = line.length() > 4 ? line.substring(4).trim().toUpperCase(Locale.ROOT) : "";
                if (keyword.equals("STARTTLS") || keyword.startsWith("STARTTLS ")) {
                    starttls = true;
                }
            }
            if (!starttls) {
                quietQuit(out, in, transcript, deadline);
                return new Result(Outcome.NO_STARTTLS, List.of(), "", transcript, "EHLO does not offer STARTTLS");
            }
            send(out, "STARTTLS", transcript);
            List<String> ready = readReply(in, transcript, deadline);
            if (!ready.get(0).startsWith("220")) {
                return new Result(Outcome.PROTOCOL_ERROR, List.of(), "", transcript,
                        "STARTTLS rejected: " + printable(ready.get(0)));
            }
            return handshake(socket, host, address, timeout, transcript, true, watchdog);
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
     */
    public static Result tls(String host, InetSocketAddress address, Duration timeout) {
        List<String> transcript = new ArrayList<>();
        Socket socket = new Socket();
        Watchdog watchdog = new Watchdog(socket, timeout.multipliedBy(2));
        try (socket; watchdog) {
            Result failed = connect(socket, address, timeout, transcript);
            if (failed != null) {
                return failed;
            }
            return handshake(socket, host, address, timeout, transcript, false, watchdog);
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
            socket.connect(address, (int) timeout.toMillis());
        } catch (SocketTimeoutException e) {
            return new Result(Outcome.TIMEOUT, List.of(), "", transcript, "connect to " + address + " timed out");
        } catch (IOException e) {
            return new Result(Outcome.CONNECT_FAILED, List.of(), "", transcript,
                    "cannot connect to " + address + ": " + printable(e.getMessage()));
        }
        socket.setSoTimeout((int) timeout.toMillis());
        return null;
    }

    private static Result handshake(Socket plain, String host, InetSocketAddress address, Duration timeout,
            List<String> transcript, boolean smtp, Watchdog watchdog) throws IOException {
        Recorder recorder = new Recorder();
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {recorder}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM", e);
        }
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, address.getPort(), true);
        SSLParameters params = tls.getSSLParameters();
        // RFC 8461 §7.1 and RFC 6066: send the host name as SNI; TLS 1.2 or later (RFC 8461 §7.2).
        params.setServerNames(List.of(new SNIHostName(host)));
        params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        tls.setSSLParameters(params);
        tls.setSoTimeout((int) timeout.toMillis());
        watchdog.watch(tls);
        try {
            tls.startHandshake();
        } catch (SocketTimeoutException e) {
            return new Result(Outcome.TIMEOUT, recorder.chain, "", transcript, "TLS handshake timed out");
        } catch (IOException e) { // SSLException, EOFException, or a reset (SocketException)
            if (watchdog.fired()) {
                return new Result(Outcome.TIMEOUT, recorder.chain, "", transcript, "TLS handshake timed out");
            }
            return new Result(Outcome.HANDSHAKE_FAILED, recorder.chain, "", transcript,
                    "TLS handshake failed: " + printable(e.getMessage()));
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : tls.getSession().getPeerCertificates()) {
            if (c instanceof X509Certificate x509) {
                chain.add(x509);
            }
        }
        String protocol = tls.getSession().getProtocol();
        transcript.add("-- TLS " + protocol + " " + tls.getSession().getCipherSuite());
        if (smtp) {
            try {
                OutputStream out = tls.getOutputStream();
                send(out, "QUIT", transcript);
                readReply(tls.getInputStream(), transcript, System.nanoTime() + timeout.toNanos());
            } catch (IOException e) {
                transcript.add("-- " + printable(e.getMessage()));
            }
        }
        tls.close();
        return new Result(Outcome.SECURED, chain, protocol, transcript, "");
    }

    private static void quietQuit(OutputStream out, InputStream in, List<String> transcript, long deadline) {
        try {
            send(out, "QUIT", transcript);
            readReply(in, transcript, deadline);
        } catch (IOException e) {
            transcript.add("-- " + printable(e.getMessage()));
        }
    }

    private static void send(OutputStream out, String command, List<String> transcript) throws IOException {
        transcript.add("C: " + command);
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads one SMTP reply (RFC 5321 §4.2: "250-" continues, "250 " ends), bounded. */
    static List<String> readReply(InputStream in, List<String> transcript, long deadline) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new SocketTimeoutException("the server is too slow");
            }
            String line = readLine(in);
            transcript.add("S: " + printable(line));
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                if (line.length() < 3 || !Character.isDigit(line.charAt(0))) {
                    throw new IOException("not an SMTP reply: " + printable(line));
                }
                return lines;
            }
            if (lines.size() >= MAX_REPLY_LINES) {
                throw new IOException("reply longer than " + MAX_REPLY_LINES + " lines");
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(80);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (b == '\n') {
                int n = line.length();
                return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("reply line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
    }

    /** Escapes what came from the network: nothing reaches the terminal raw ({@link SafeText}). */
    static String printable(@Nullable String text) {
        return text == null ? "" : SafeText.escape(text, 300);
    }

    /**
     * Closes the probe's sockets when its overall deadline passes, from the JDK's shared scheduler
     * of {@link CompletableFuture#delayedExecutor} (no thread of ours): a blocked read then fails,
     * and the probe reports a timeout.
     */
    private static final class Watchdog implements AutoCloseable {
        private final List<Socket> watched = new CopyOnWriteArrayList<>();
        private final CompletableFuture<Void> task;
        private volatile boolean fired;

        Watchdog(Socket socket, Duration after) {
            watched.add(socket);
            this.task = CompletableFuture.runAsync(this::fire,
                    CompletableFuture.delayedExecutor(after.toNanos(), TimeUnit.NANOSECONDS, Runnable::run));
        }

        /** Also closes this socket (the TLS layer over the plain one) when the deadline passes. */
        void watch(Socket layered) {
            watched.add(layered);
            if (fired) {
                closeQuietly(layered);
            }
        }

        private void fire() {
            fired = true;
            for (Socket s : watched) {
                closeQuietly(s);
            }
        }

        boolean fired() {
            return fired;
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException e) {
                // closing to unblock a read: nothing else to do
            }
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }

    /** Accepts every chain and remembers it: the verdict comes afterwards, with the real trust. */
    private static final class Recorder implements X509TrustManager {
        List<X509Certificate> chain = List.of();

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType) {
            throw new UnsupportedOperationException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType) {
            chain = List.of(Objects.requireNonNull(certs, "certs"));
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
