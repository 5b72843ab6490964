package org.mtasts.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * The sandbox's MX hosts: enough ESMTP (RFC 5321) to greet, answer EHLO with or without STARTTLS
 * (RFC 3207), run the TLS handshake, take mail and QUIT, recording each session.
 */
final class SmtpServer {

    /** The longest line read (RFC 5321 §4.5.3.1.6: text lines are at most 1000 octets). */
    static final int MAX_LINE = 1000;

    /** The largest message kept; larger ones are refused after DATA with 552. */
    static final int MAX_MESSAGE = 1024 * 1024;

    /** How long a client may stay silent. */
    static final int IDLE_TIMEOUT_MILLIS = 30_000;

    /** A session being recorded. */
    static final class Recorder {
        private final String host;
        private final List<String> commands = new ArrayList<>();
        private final List<String> messages = new ArrayList<>();
        private @Nullable String sni;
        private boolean tls;
        private @Nullable String tlsProtocol;
        private @Nullable String tlsFailure;
        private boolean closed;
        private final Runnable onClose;

        Recorder(String host, Runnable onClose) {
            this.host = host;
            this.onClose = onClose;
        }

        synchronized SmtpSession snapshot() {
            return new SmtpSession(host, commands, sni, tls, tlsProtocol, tlsFailure, messages, closed);
        }

        synchronized void command(String line) {
            if (commands.size() < MtaStsSandbox.LOG_LIMIT) {
                commands.add(DomainSpec.printable(line));
            }
        }

        synchronized void message(String text) {
            if (messages.size() < 100) {
                messages.add(text);
            }
        }

        synchronized void tls(@Nullable String sni, String protocol) {
            this.sni = sni;
            this.tls = true;
            this.tlsProtocol = protocol;
        }

        synchronized void tlsFailure(@Nullable String sni, String failure) {
            this.sni = sni;
            this.tlsFailure = DomainSpec.printable(failure);
        }

        void closed() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            onClose.run();
        }

        String host() {
            return host;
        }
    }

    private final SSLSocketFactory tls;
    private final SniKeyManager keys;
    private final Consumer<Recorder> sessions;
    private final Runnable onClose;
    private final Map<String, SmtpHost> hosts = new ConcurrentHashMap<>();

    SmtpServer(SSLSocketFactory tls, SniKeyManager keys, Consumer<Recorder> sessions, Runnable onClose) {
        this.onClose = onClose;
        this.tls = tls;
        this.keys = keys;
        this.sessions = sessions;
    }

    void host(SmtpHost host) {
        hosts.put(host.name(), host);
    }

    NetLoop.ConnectionHandler handler(String host) {
        return raw -> {
            Recorder recorder = new Recorder(host, onClose);
            sessions.accept(recorder);
            try {
                serve(raw, recorder);
            } finally {
                recorder.closed();
            }
        };
    }

    private void serve(Socket raw, Recorder recorder) throws IOException {
        String name = recorder.host();
        raw.setSoTimeout(IDLE_TIMEOUT_MILLIS);
        Socket socket = raw;
        InputStream in = new BufferedInputStream(raw.getInputStream());
        OutputStream out = raw.getOutputStream();
        reply(out, "220 " + name + " ESMTP mtasts-sandbox");
        boolean secure = false;
        boolean greeted = false;
        boolean mail = false;
        boolean rcpt = false;
        while (true) {
            String line = readLine(in);
            if (line == null) {
                return;
            }
            if (line.length() > MAX_LINE) {
                recorder.command(line.substring(0, 64) + "...");
                reply(out, "500 5.5.6 Line too long");
                continue;
            }
            recorder.command(line);
            SmtpHost settings = hosts.get(name);
            boolean offerTls = settings != null && settings.starttls() && !secure;
            SmtpFault fault = settings == null ? null : settings.fault();
            String verb = (line.indexOf(' ') < 0 ? line : line.substring(0, line.indexOf(' '))).toUpperCase(Locale.ROOT);
            String arg = line.indexOf(' ') < 0 ? "" : line.substring(line.indexOf(' ') + 1).trim();
            switch (verb) {
                case "EHLO":
                case "HELO":
                    if (arg.isEmpty()) {
                        reply(out, "501 5.5.4 " + verb + " needs a domain");
                        break;
                    }
                    greeted = true;
                    mail = false;
                    rcpt = false;
                    if (verb.equals("HELO")) {
                        reply(out, "250 " + name);
                    } else {
                        StringBuilder r = new StringBuilder();
                        r.append("250-").append(name).append(" greets ").append(DomainSpec.printable(arg)).append("\r\n");
                        r.append("250-SIZE ").append(MAX_MESSAGE).append("\r\n");
                        r.append("250-8BITMIME\r\n");
                        if (offerTls) {
                            r.append("250-STARTTLS\r\n"); // RFC 3207 §4: the extension keyword
                        }
                        r.append("250 ENHANCEDSTATUSCODES");
                        reply(out, r.toString());
                    }
                    if (fault == SmtpFault.STALL_AFTER_EHLO) {
                        socket.setSoTimeout(0); // no idle limit: silent until the client or the sandbox closes
                        while (in.read() >= 0) {
                            // say nothing more; wait until the client or the sandbox closes
                        }
                        return;
                    }
                    break;
                case "STARTTLS":
                    if (!arg.isEmpty()) {
                        reply(out, "501 5.5.4 STARTTLS takes no parameter"); // RFC 3207 §4
                    } else if (secure) {
                        reply(out, "503 5.5.1 TLS already active");
                    } else if (!offerTls) {
                        reply(out, "502 5.5.1 STARTTLS not offered");
                    } else if (fault == SmtpFault.STARTTLS_REFUSED) {
                        reply(out, "454 4.7.0 TLS not available due to temporary reason"); // RFC 3207 §4
                    } else {
                        reply(out, "220 2.0.0 Ready to start TLS");
                        if (fault == SmtpFault.CLOSE_AFTER_STARTTLS) {
                            return;
                        }
                        // RFC 3207 §4.2: plaintext the client sent after STARTTLS is discarded.
                        SSLSocket ssl = (SSLSocket) tls.createSocket(raw, raw.getInetAddress().getHostAddress(),
                                raw.getPort(), true);
                        ssl.setUseClientMode(false);
                        try {
                            ssl.startHandshake();
                        } catch (IOException e) {
                            recorder.tlsFailure(keys.takeSni(ssl), String.valueOf(e.getMessage()));
                            NetLoop.closeQuietly(ssl);
                            return;
                        }
                        recorder.tls(keys.takeSni(ssl), ssl.getSession().getProtocol());
                        socket = ssl;
                        in = new BufferedInputStream(ssl.getInputStream());
                        out = ssl.getOutputStream();
                        secure = true;
                        greeted = false; // RFC 3207 §4.2: the client must send EHLO again
                        mail = false;
                        rcpt = false;
                    }
                    break;
                case "MAIL":
                    if (!greeted) {
                        reply(out, "503 5.5.1 EHLO first");
                    } else if (!line.toUpperCase(Locale.ROOT).startsWith("MAIL FROM:")) {
                        reply(out, "501 5.5.4 Syntax: MAIL FROM:<address>");
                    } else {
                        mail = true;
                        rcpt = false;
                        reply(out, "250 2.1.0 OK");
                    }
                    break;
                case "RCPT":
                    if (!mail) {
                        reply(out, "503 5.5.1 MAIL first");
                    } else if (!line.toUpperCase(Locale.ROOT).startsWith("RCPT TO:")) {
                        reply(out, "501 5.5.4 Syntax: RCPT TO:<address>");
                    } else {
                        rcpt = true;
                        reply(out, "250 2.1.5 OK");
                    }
                    break;
                case "DATA":
                    if (!rcpt) {
                        reply(out, "503 5.5.1 RCPT first");
                        break;
                    }
                    reply(out, "354 End data with <CR><LF>.<CR><LF>");
                    Data message = readData(in);
                    if (message == null) {
                        return;
                    }
                    mail = false;
                    rcpt = false;
                    if (message.tooBig()) {
                        reply(out, "552 5.3.4 Message too big");
                    } else {
                        recorder.message(message.text());
                        reply(out, "250 2.0.0 OK queued");
                    }
                    break;
                case "RSET":
                    mail = false;
                    rcpt = false;
                    reply(out, "250 2.0.0 OK");
                    break;
                case "NOOP":
                    reply(out, "250 2.0.0 OK");
                    break;
                case "VRFY":
                    reply(out, "252 2.5.0 Cannot verify");
                    break;
                case "QUIT":
                    recorder.closed();
                    reply(out, "221 2.0.0 Bye");
                    NetLoop.closeQuietly(socket);
                    return;
                default:
                    reply(out, "500 5.5.2 Command unrecognized");
                    break;
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Reads a line ending in LF (a CR before it is dropped); returns null at end of stream. A line
     * longer than {@link #MAX_LINE} is read to its end but returned cut to {@code MAX_LINE + 1}.
     */
    private static @Nullable String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int count = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            if (++count <= MAX_LINE + 1) {
                line.write(b);
            }
        }
    }

    /** A message read with DATA: its text (chars are bytes), or too big to keep. */
    record Data(String text, boolean tooBig) {}

    /**
     * Reads DATA up to the lone dot (RFC 5321 §4.1.1.4), dot-unstuffed (§4.5.2), byte for byte:
     * every line is kept whole (even one longer than the §4.5.3.1.6 limit, which a test may want
     * to see) and ends in CRLF as it does on the wire (a bare LF becomes CRLF). At most {@link
     * #MAX_MESSAGE} bytes are kept; a longer message is read to its end and reported too big.
     * Returns null at end of stream.
     */
    private static @Nullable Data readData(InputStream in) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean tooBig = false;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (b != '\n') {
                if (line.size() <= MAX_MESSAGE) {
                    line.write(b); // bounded: a longer line makes the message too big anyway
                } else {
                    tooBig = true;
                }
                continue;
            }
            byte[] bytes = line.toByteArray();
            line.reset();
            int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            if (length == 1 && bytes[0] == '.') {
                return new Data(tooBig ? "" : message.toString(StandardCharsets.ISO_8859_1), tooBig);
            }
            int from = length > 0 && bytes[0] == '.' ? 1 : 0; // RFC 5321 §4.5.2: remove the stuffed dot
            if (!tooBig && message.size() + (length - from) + 2 <= MAX_MESSAGE) {
                message.write(bytes, from, length - from);
                message.write('\r');
                message.write('\n');
            } else {
                tooBig = true;
                message.reset();
            }
        }
    }
}
