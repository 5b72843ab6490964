package org.mtasts.testkit;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** A minimal SMTP client on JDK sockets, with STARTTLS on a JDK SSLSocket. */
final class SmtpClient implements Closeable {
    private final Socket plain;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpClient(Socket plain) throws IOException {
        this.plain = plain;
        this.socket = plain;
        this.in = plain.getInputStream();
        this.out = plain.getOutputStream();
    }

    static SmtpClient connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket(address.getAddress(), address.getPort());
        s.setSoTimeout(5_000);
        return new SmtpClient(s);
    }

    void timeout(int millis) throws IOException {
        plain.setSoTimeout(millis);
    }

    /** Reads one reply, all its lines joined by LF. */
    String reply() throws IOException {
        StringBuilder reply = new StringBuilder();
        while (true) {
            String line = line();
            reply.append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return reply.toString();
            }
            reply.append('\n');
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    String command(String line) throws IOException {
        send(line);
        return reply();
    }

    /** Layers TLS over the connection, sending SNI (and checking the name when asked). */
    SSLSocket startTls(SSLContext context, String host, boolean checkName) throws IOException {
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, host, plain.getPort(), true);
        SSLParameters p = ssl.getSSLParameters();
        boolean literal = host.chars().allMatch(c -> c == '.' || c == ':' || Character.digit(c, 16) >= 0);
        p.setServerNames(literal ? List.of() : List.of(new SNIHostName(host)));
        if (checkName) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        ssl.setSSLParameters(p);
        ssl.startHandshake();
        socket = ssl;
        in = ssl.getInputStream();
        out = ssl.getOutputStream();
        return ssl;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        plain.close();
    }
}
