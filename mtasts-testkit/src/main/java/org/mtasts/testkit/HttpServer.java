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
 * The sandbox's policy hosts and report receivers: a small HTTP/1.1 server on plain sockets and on
 * TLS sockets layered over them. Policy hosts answer {@code /.well-known/mta-sts.txt} with each
 * host's {@link PolicyResponse}; report receivers take {@code POST}s on any path and record them
 * ({@link ReportReceiver}). One request per connection ({@code Connection: close}).
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
    private final Consumer<ReceivedRequest> received;
    private final Map<String, ReportReceiver> receivers = new ConcurrentHashMap<>();
    private final Map<String, PolicyResponse> responses = new ConcurrentHashMap<>();
    private final Map<String, PolicyHost> settings = new ConcurrentHashMap<>();

    HttpServer(NetLoop net, SSLSocketFactory tls, SniKeyManager keys, Consumer<HttpExchange> log,
            Consumer<ReceivedRequest> received) {
        this.net = net;
        this.tls = tls;
        this.keys = keys;
        this.log = log;
        this.received = received;
    }

    void receiver(ReportReceiver receiver) {
        receivers.put(receiver.name(), receiver);
    }

    /** The receiver's settings, for {@link MtaStsSandbox#reportReceiverStatus}. */
    @Nullable ReportReceiver receiverSettings(String host) {
        return receivers.get(host);
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

    /** Serves a report receiver over HTTPS: records each request and answers its status. */
    NetLoop.ConnectionHandler receiver(String host) {
        return raw -> {
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
                receive(ssl, host, sni);
            } finally {
                NetLoop.closeQuietly(ssl);
            }
        };
    }

    /** A request body as read: the bytes kept, whether it was cut, or why it could not be read. */
    private record Body(byte[] bytes, boolean truncated, @Nullable String error) {}

    private void receive(SSLSocket socket, String host, @Nullable String sni) throws IOException {
        InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        List<String> lines = readHead(in);
        if (lines == null) {
            return; // closed before a whole request
        }
        ReportReceiver settings = receivers.get(host);
        int max = settings == null ? 0 : settings.maxBodyBytes();
        String[] requestLine = lines.isEmpty() ? new String[0] : lines.get(0).split(" ", -1);
        List<String> headers = lines.size() > 1 ? lines.subList(1, lines.size()) : List.of();
        String method = requestLine.length > 0 ? requestLine[0] : "";
        String target = requestLine.length > 1 ? requestLine[1] : "";
        Body body = new Body(new byte[0], false, null);
        int status;
        String extra = "";
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            status = 400;
        } else if (!method.equals("POST")) {
            status = 405;
            extra = "Allow: POST\r\n";
        } else {
            String encoding = header(headers, "Transfer-Encoding");
            String length = header(headers, "Content-Length");
            if (encoding != null && encoding.equalsIgnoreCase("chunked")) {
                body = readChunked(in, max);
            } else if (encoding == null && length != null) {
                body = readFixed(in, length, max);
            } else {
                body = new Body(new byte[0], false, encoding != null ? "unsupported Transfer-Encoding"
                        : "no Content-Length");
            }
            status = body.error() != null ? (encoding == null && length == null ? 411 : 400)
                    : body.truncated() ? 413
                    : settings == null ? 404 : settings.status();
        }
        received.accept(new ReceivedRequest(host, sni, method, target, headers, body.bytes(), body.truncated(), status));
        log.accept(new HttpExchange(host, true, sni, method, target, headers, status));
        String head = "HTTP/1.1 " + status + " " + PolicyResponse.reason(status) + "\r\n"
                + "Server: mtasts-sandbox\r\n" + extra + "Content-Length: 0\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static @Nullable String header(List<String> headers, String name) {
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon == name.length() && h.regionMatches(true, 0, name, 0, colon)) {
                return h.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /**
     * The most bytes of an oversized body read and thrown away before answering 413, so that the
     * client sees the answer rather than a connection reset.
     */
    static final long MAX_DISCARD = 32L * 1024 * 1024;

    /** Reads a Content-Length body, keeping at most {@code max} bytes and discarding the rest (bounded). */
    private static Body readFixed(InputStream in, String lengthText, int max) throws IOException {
        if (!lengthText.matches("[0-9]{1,18}")) {
            return new Body(new byte[0], false, "invalid Content-Length");
        }
        long length = Long.parseLong(lengthText);
        byte[] bytes = in.readNBytes((int) Math.min(length, max));
        if (bytes.length < Math.min(length, max)) {
            return new Body(bytes, false, "the body ended after " + bytes.length + " of " + length + " bytes");
        }
        if (length > max) {
            discard(in, Math.min(length - max, MAX_DISCARD));
            return new Body(bytes, true, null);
        }
        return new Body(bytes, false, null);
    }

    private static void discard(InputStream in, long count) throws IOException {
        byte[] buffer = new byte[8192];
        long left = count;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                return;
            }
            left -= n;
        }
    }

    /** Reads a chunked body (RFC 9112 §7.1), keeping at most {@code max} bytes and discarding the rest (bounded). */
    private static Body readChunked(InputStream in, int max) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        boolean truncated = false;
        long total = 0;
        while (true) {
            String sizeLine = readLine(in, 1024);
            if (sizeLine == null) {
                return new Body(kept.toByteArray(), truncated, "a chunk size line is missing or too long");
            }
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
            if (!hex.matches("[0-9A-Fa-f]{1,7}")) {
                return new Body(kept.toByteArray(), truncated, "invalid chunk size");
            }
            int size = Integer.parseInt(hex, 16);
            if (size == 0) {
                while (true) { // trailer section, up to the empty line
                    String trailer = readLine(in, MAX_HEAD);
                    if (trailer == null || trailer.isEmpty()) {
                        return new Body(kept.toByteArray(), truncated, trailer == null ? "the trailer is cut" : null);
                    }
                }
            }
            total += size;
            if (total > max + MAX_DISCARD) {
                return new Body(kept.toByteArray(), true, null); // answered 413 without reading the rest
            }
            int keep = (int) Math.min(size, max - kept.size());
            byte[] chunk = in.readNBytes(keep);
            kept.write(chunk);
            truncated |= keep < size;
            discard(in, size - keep);
            if (chunk.length < keep || !"".equals(readLine(in, 2))) {
                return new Body(kept.toByteArray(), truncated, "a chunk is cut");
            }
        }
    }

    /** Reads a line ending in CRLF or LF of at most {@code limit} bytes; null at the end or when longer. */
    private static @Nullable String readLine(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            if (line.size() > limit) {
                return null;
            }
            line.write(b);
        }
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
