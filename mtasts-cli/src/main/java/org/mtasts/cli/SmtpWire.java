package org.mtasts.cli;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The SMTP client side that the STARTTLS prober ({@link TlsProbe}) and {@code mtasts send} share:
 * bounded reading of replies (RFC 5321 §4.2), writing of command lines, and the watchdog that
 * bounds a whole exchange. What the server said reaches the transcript escaped ({@link
 * TlsProbe#printable}).
 *
 * <p>Bounds: a reply line is at most {@link #MAX_LINE} bytes, a reply at most {@link
 * #MAX_REPLY_LINES} lines, and a reply must be complete before the caller's deadline; each read
 * waits at most the socket's read timeout.
 */
final class SmtpWire {

    /** The longest reply line read, in bytes (RFC 5321 §4.5.3.1.5 allows 512; servers exceed it). */
    static final int MAX_LINE = 4096;
    /** The most lines of one reply (an EHLO reply has one per extension). */
    static final int MAX_REPLY_LINES = 100;

    private SmtpWire() {}

    /** Writes one command line with CRLF and notes it in the transcript ({@code C: ...}). */
    static void send(OutputStream out, String command, Consumer<String> transcript) throws IOException {
        transcript.accept("C: " + command);
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /**
     * Reads one SMTP reply (RFC 5321 §4.2: "250-" continues, "250 " ends), bounded, noting each
     * line in the transcript ({@code S: ...}, escaped).
     *
     * @param in the server's stream
     * @param transcript receives the lines read
     * @param deadline a {@link System#nanoTime()} value after which no further line is read
     * @return the reply's lines, at least one, the last one the reply's end
     * @throws IOException if the server closed the connection, sent something that is not a reply,
     *     exceeded a bound, or (a {@link SocketTimeoutException}) was too slow
     */
    static List<String> readReply(InputStream in, Consumer<String> transcript, long deadline) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new SocketTimeoutException("the server is too slow");
            }
            String line = readLine(in);
            transcript.accept("S: " + TlsProbe.printable(line));
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                if (line.length() < 3 || !Character.isDigit(line.charAt(0))) {
                    throw new IOException("not an SMTP reply: " + TlsProbe.printable(line));
                }
                return lines;
            }
            if (lines.size() >= MAX_REPLY_LINES) {
                throw new IOException("reply longer than " + MAX_REPLY_LINES + " lines");
            }
        }
    }

    /**
     * Returns whether an EHLO reply offers an extension (RFC 5321 §4.1.1.1: a keyword per line,
     * with optional parameters), such as {@code STARTTLS} (RFC 3207 §4).
     */
    static boolean offers(List<String> ehloReply, String keyword) {
        for (String line : ehloReply) {
            String extension = line.length() > 4 ? line.substring(4).trim().toUpperCase(Locale.ROOT) : "";
            if (extension.equals(keyword) || extension.startsWith(keyword + " ")) {
                return true;
            }
        }
        return false;
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

    /**
     * Closes an exchange's sockets when its overall deadline passes, from the JDK's shared
     * scheduler of {@link CompletableFuture#delayedExecutor} (no thread of ours): a blocked read or
     * write then fails, and the caller reports a timeout ({@link #fired()}). A server that drips
     * one byte per read timeout, or never reads what it is sent, cannot stretch the exchange.
     */
    static final class Watchdog implements AutoCloseable {
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

        /** Whether the deadline passed and the sockets were closed. */
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
}
