package org.mtasts.postfix;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Asks a socketmap server as Postfix does, one request at a time on one connection: what {@code
 * mtasts postfix query} and postfix-mta-sts-resolver's {@code mta-sts-query} do.
 *
 * <pre>{@code
 * try (SocketmapClient client = SocketmapClient.connect(server.address(), Duration.ofSeconds(30))) {
 *     SocketmapReply reply = client.query("postfix", "example.com");
 * }
 * }</pre>
 *
 * <p>Not thread-safe; confine to one thread.
 *
 * @since 0.1
 */
public final class SocketmapClient implements AutoCloseable {

    private final SocketChannel ch;
    private final Duration timeout;
    private final Netstring.Decoder decoder = new Netstring.Decoder(PostfixConfig.DEFAULT_MAX_REPLY_SIZE);
    private final ByteBuffer buf = ByteBuffer.allocate(8192);

    private final Selector selector;
    private final SelectionKey key;

    private SocketmapClient(SocketChannel ch, Duration timeout) throws IOException {
        this.ch = ch;
        this.timeout = timeout;
        ch.configureBlocking(false);
        this.selector = Selector.open();
        this.key = ch.register(selector, SelectionKey.OP_READ);
    }

    /**
     * Connects to a server.
     *
     * @param address the server's address
     * @param timeout the longest wait for each reply
     * @return the client
     * @throws IOException if the connection fails
     */
    public static SocketmapClient connect(ListenAddress address, Duration timeout) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(timeout, "timeout");
        SocketChannel ch = address.isUnix() ? SocketChannel.open(address.family()) : SocketChannel.open();
        try {
            ch.connect(address.socketAddress());
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot connect to " + address + ": " + e.getMessage(), e);
        }
        try {
            return new SocketmapClient(ch, timeout);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Sends {@code <mapName> <key>} and reads the reply.
     *
     * @param mapName the socketmap name, e.g. {@code postfix}
     * @param key the lookup key, e.g. a domain
     * @return the reply
     * @throws IOException if the connection fails, the server closes it, the reply is not a
     *     netstring or a socketmap reply, or no reply comes within the timeout
     */
    public SocketmapReply query(String mapName, String key) throws IOException {
        Objects.requireNonNull(mapName, "mapName");
        Objects.requireNonNull(key, "key");
        return SocketmapReply.parse(exchange(Netstring.encode(mapName + " " + key)));
    }

    /**
     * Sends raw bytes and reads one reply frame's text: for tests of malformed requests.
     *
     * @param raw the bytes to send, framing included
     * @return the reply's text
     * @throws IOException as {@link #query}
     */
    public String exchange(byte[] raw) throws IOException {
        Objects.requireNonNull(raw, "raw");
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer out = ByteBuffer.wrap(raw);
        while (out.hasRemaining()) {
            ch.write(out);
            if (out.hasRemaining()) {
                await(SelectionKey.OP_WRITE, deadline);
            }
        }
        while (true) {
            Netstring.Frame f = decoder.next();
            if (f instanceof Netstring.Frame.Data d) {
                return new String(d.bytes(), StandardCharsets.UTF_8);
            }
            if (f instanceof Netstring.Frame.Invalid inv) {
                throw new IOException("the server's reply is not a netstring: " + inv.reason());
            }
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) {
                throw new IOException("the server closed the connection");
            }
            if (n == 0) {
                await(SelectionKey.OP_READ, deadline);
                continue;
            }
            buf.flip();
            decoder.feed(buf);
        }
    }

    private void await(int op, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("no reply within " + timeout.toMillis() + " ms");
        }
        key.interestOps(op);
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        selector.selectedKeys().clear();
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            ch.close();
        }
    }
}
