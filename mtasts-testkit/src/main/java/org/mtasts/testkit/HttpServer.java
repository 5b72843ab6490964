package org.mtasts.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * The sandbox's policy hosts: a small HTTP/1.1 server on plain sockets and on TLS sockets layered
 * over them, answering {@code /.well-known/mta-sts.txt} with each host's {@link PolicyResponse}.
 * One request per connection ({@code Connection: close}).
 */
final class HttpServer {

    /** The path of the policy (RFC 8461 §3.2). */
    static final String POLICY_PATH = "/.well-known/mta-sts.txt";

    /** The most bytes of request line and headers read. */
    static final int MAX_HEAD = 16 * 1024;

    /** How long a client may take to send its request. */
    static final int READ_TIMEOUT_MILLIS = 10_000;

    private static final byte[] ENDLESS_CHUNK = chunk(new byte[4096]);

    private final NetLoop net;
    private final SSLSocketFactory tls;
    private final SniKeyManager keys;
    private final Consumer<HttpExchange> log;
    private final Map<String, PolicyResponse> responses = new ConcurrentHashMap<>();
    private final Map<String, PolicyHost> settings = new ConcurrentHashMap<>();

    HttpServer(NetLoop net, SSLSocketFactory tls, SniKeyManager keys, Consumer<HttpExchange> log) {
        this.net = net;
        this.tls = tls;
        this.keys = keys;
        this.log = log;
    }

    void response(String host, PolicyResponse response) {
        responses.put(host, response);
    }

    void settings(String host, PolicyHost policyHost) {
        settings.put(host, policyHost);
    }

    /** Serves HTTPS for a host; for an HTTP-only host, closes each connection at once. */
    NetLoop.ConnectionHandler https(String host) {
        return raw -> {
            PolicyHost current = settings.get(host);
            if (current != null && !current.https()) {
                return; // HTTP only: the HTTPS port takes the connection and closes it
            }
            raw.setSoTimeout(READ_TIMEOUT_MILLIS);
            SSLSocket ssl = (SSLSocket) tls.createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(), true);
            ssl.setUseClientMode(false);
            String sni;
            try {
                ssl.startHandshake();
            } finally {
                sni = keys.takeSni(ssl);
            }
            try {
                serve(ssl, raw, host, sni);
            } finally {
                NetLoop.closeQuietly(ssl);
            }
        };
    }

    /** Serves plain HTTP for a host. */
    NetLoop.ConnectionHandler http(String host) {
        return raw -> {
            raw.setSoTimeout(READ_TIMEOUT_MILLIS);
            serve(raw, raw, host, null);
        };
    }

    private void serve(Socket socket, Socket raw, String host, @Nullable String sni) throws IOException {
        boolean secure = socket instanceof SSLSocket;
        InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        List<String> lines = readHead(in);
        if (lines == null) {
            return; // closed before a whole request
        }
        String[] requestLine = lines.isEmpty() ? new String[0] : lines.get(0).split(" ", -1);
        List<String> headers = lines.size() > 1 ? lines.subList(1, lines.size()) : List.of();
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            log.accept(new HttpExchange(host, secure, sni, requestLine.length > 0 ? requestLine[0] : "", "",
                    headers, 400));
            write(out, PolicyResponse.status(400), false);
            return;
        }
        String method = requestLine[0];
        String target = requestLine[1];
        PolicyResponse response;
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response = PolicyResponse.status(405).withHeader("Allow", "GET, HEAD");
        } else if (!target.equals(POLICY_PATH) && !target.startsWith(POLICY_PATH + "?")) {
            response = PolicyResponse.status(404);
        } else {
            response = responses.getOrDefault(host, PolicyResponse.status(404));
        }
        @Nullable HttpFault fault = response.fault().orElse(null);
        log.accept(new HttpExchange(host, secure, sni, method, target, headers,
                fault == HttpFault.CLOSE_WITHOUT_RESPONSE ? 0 : response.status()));
        if (fault == HttpFault.CLOSE_WITHOUT_RESPONSE) {
            return;
        }
        boolean head = method.equals("HEAD");
        writeHead(out, response, fault == HttpFault.ENDLESS_BODY);
        if (head) {
            out.flush();
            return;
        }
        if (fault == HttpFault.STALL_AFTER_HEADERS) {
            out.flush();
            // Wait, on this connection's own thread, until the client or the sandbox closes.
            socket.setSoTimeout(0);
            while (in.read() >= 0) {
                // discard
            }
            return;
        }
        if (fault == HttpFault.ENDLESS_BODY) {
            while (!net.isClosed()) {
                out.write(ENDLESS_CHUNK);
                out.flush();
            }
            return;
        }
        byte[] body = response.bodyUnsafe();
        if (fault == HttpFault.RESET_MID_BODY) {
            writeBody(out, response, body, 0, body.length / 2);
            out.flush();
            raw.setSoLinger(true, 0); // close with RST, not FIN
            raw.close();
            return;
        }
        @Nullable Duration interval = response.dripInterval().orElse(null);
        if (interval == null) {
            writeBody(out, response, body, 0, body.length);
        } else {
            for (int at = 0; at < body.length; at += response.dripBytes()) {
                out.flush();
                tick(interval);
                writeBody(out, response, body, at, Math.min(body.length, at + response.dripBytes()));
            }
        }
        if (response.framing() == PolicyResponse.Framing.CHUNKED) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    /** Waits for one drip tick, paced by the sandbox timer, on this connection's own thread. */
    private void tick(Duration interval) throws IOException {
        CompletableFuture<Void> tick = new CompletableFuture<>();
        try {
            net.timer().schedule(() -> tick.complete(null), interval.toNanos(), TimeUnit.NANOSECONDS);
            tick.get();
        } catch (RejectedExecutionException e) {
            throw new IOException("sandbox closed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException(e);
        }
    }

    private static void write(OutputStream out, PolicyResponse response, boolean endless) throws IOException {
        writeHead(out, response, endless);
        byte[] body = response.bodyUnsafe();
        writeBody(out, response, body, 0, body.length);
        if (response.framing() == PolicyResponse.Framing.CHUNKED) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    private static void writeHead(OutputStream out, PolicyResponse response, boolean endless) throws IOException {
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ").append(response.status()).append(' ')
                .append(PolicyResponse.reason(response.status())).append("\r\n");
        head.append("Server: mtasts-sandbox\r\n");
        response.contentType().ifPresent(type -> head.append("Content-Type: ").append(type).append("\r\n"));
        response.location().ifPresent(location -> head.append("Location: ").append(location).append("\r\n"));
        for (String h : response.headers()) {
            head.append(h).append("\r\n");
        }
        if (endless || response.framing() == PolicyResponse.Framing.CHUNKED) {
            head.append("Transfer-Encoding: chunked\r\n");
        } else if (response.framing() == PolicyResponse.Framing.CONTENT_LENGTH) {
            head.append("Content-Length: ").append(response.bodyLength()).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void writeBody(OutputStream out, PolicyResponse response, byte[] body, int from, int to)
            throws IOException {
        if (response.framing() != PolicyResponse.Framing.CHUNKED) {
            out.write(body, from, to - from);
            return;
        }
        for (int at = from; at < to; at += 8192) {
            int end = Math.min(to, at + 8192);
            byte[] part = new byte[end - at];
            System.arraycopy(body, at, part, 0, part.length);
            out.write(chunk(part));
        }
    }

    private static byte[] chunk(byte[] data) {
        byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[size.length + data.length + 2];
        System.arraycopy(size, 0, out, 0, size.length);
        System.arraycopy(data, 0, out, size.length, data.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    /**
     * Reads the request line and headers (up to the empty line), at most {@link #MAX_HEAD} bytes;
     * returns null if the client closed first. Control characters are escaped.
     */
    private static @Nullable List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int total = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (++total > MAX_HEAD) {
                return List.of(""); // too long: answered as a bad request
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                if (text.endsWith("\r")) {
                    text = text.substring(0, text.length() - 1);
                }
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(DomainSpec.printable(text));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
