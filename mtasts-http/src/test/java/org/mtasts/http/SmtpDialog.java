package org.mtasts.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SMTP client side a test sender needs (RFC 5321, RFC 3207): greeting, EHLO, STARTTLS, a
 * message, QUIT, over a plain socket that {@link MxSession#startTls} may swap for a TLS one. Not a
 * product: a test double of the MTA's own SMTP code, bounded by socket timeouts.
 */
final class SmtpDialog implements AutoCloseable {
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    private SmtpDialog(Socket socket) throws IOException {
        use(socket);
    }

    static SmtpDialog connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.connect(address, 5000);
        s.setSoTimeout(10_000);
        SmtpDialog d = new SmtpDialog(s);
        d.expect("220");
        return d;
    }

    private void use(Socket s) throws IOException {
        this.socket = s;
        this.in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        this.out = s.getOutputStream();
    }

    Socket socket() {
        return socket;
    }

    /** Continues the dialog over the TLS socket {@code startTls} made. */
    void upgrade(Socket tls) throws IOException {
        use(tls);
    }

    /** Sends EHLO and says whether the reply offers STARTTLS. */
    boolean ehloOffersStarttls(String name) throws IOException {
        List<String> reply = command("EHLO " + name, "250");
        for (String line : reply) {
            if (line.length() > 4 && line.substring(4).trim().toUpperCase(Locale.ROOT).equals("STARTTLS")) {
                return true;
            }
        }
        return false;
    }

    void starttls() throws IOException {
        command("STARTTLS", "220");
    }

    /** MAIL, RCPT, DATA with dot-stuffing; returns the final reply line. */
    String send(String from, String to, String message) throws IOException {
        command("MAIL FROM:<" + from + ">", "250");
        command("RCPT TO:<" + to + ">", "250");
        command("DATA", "354");
        StringBuilder data = new StringBuilder();
        for (String line : message.split("\r?\n", -1)) {
            data.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
        }
        data.append(".\r\n");
        out.write(data.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        List<String> reply = expect("250");
        return reply.get(reply.size() - 1);
    }

    void quit() throws IOException {
        command("QUIT", "221");
    }

    private List<String> command(String line, String code) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return expect(code);
    }

    private List<String> expect(String code) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed; read so far: " + lines);
            }
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(code)) {
            throw new IOException("expected " + code + ", got " + lines);
        }
        return lines;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
