package org.mtasts.postfix;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.SafeText;

/**
 * Where the policy server listens, or where a client connects, written as in Postfix's {@code
 * socketmap:} tables: {@code inet:host:port} (an IPv6 host in brackets, {@code inet:[::1]:8461})
 * or {@code unix:/path/to/socket}. A bare {@code host:port} means {@code inet:}.
 *
 * <pre>{@code
 * ListenAddress inet = ListenAddress.parse("inet:127.0.0.1:8461");
 * ListenAddress unix = ListenAddress.parse("unix:/run/mtasts-postfix/socketmap.sock");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param host the host name or address for {@code inet}, null for {@code unix}
 * @param port the TCP port for {@code inet} (0 picks a free one when listening), -1 for {@code unix}
 * @param path the socket file for {@code unix}, null for {@code inet}
 * @since 0.1
 */
public record ListenAddress(@Nullable String host, int port, @Nullable Path path) {

    /**
     * Validates the components: either a host and port, or a path.
     *
     * @param host the host
     * @param port the port
     * @param path the path
     */
    public ListenAddress {
        if ((host == null) == (path == null)) {
            throw new IllegalArgumentException("give either a host and port or a unix socket path");
        }
        if (host != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("port " + port + " is not in 0..65535");
        }
        if (host != null && host.isBlank()) {
            throw new IllegalArgumentException("empty host");
        }
        if (path != null) {
            port = -1;
        }
    }

    /**
     * Reads {@code inet:host:port}, {@code host:port} or {@code unix:path}.
     *
     * @param text the address
     * @return the address
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ListenAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.strip();
        if (t.startsWith("unix:")) {
            String p = t.substring(5);
            if (p.isEmpty()) {
                throw new IllegalArgumentException("empty unix socket path in " + SafeText.quote(text));
            }
            return new ListenAddress(null, -1, Path.of(p));
        }
        if (t.startsWith("inet:")) {
            t = t.substring(5);
        }
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("expected inet:host:port or unix:/path, got " + SafeText.quote(text));
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("an IPv6 address goes in brackets, inet:[::1]:8461, got "
                    + SafeText.quote(text));
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in " + SafeText.quote(text), e);
        }
        return new ListenAddress(host, port, null);
    }

    /**
     * Returns whether this is a unix domain socket.
     *
     * @return true for {@code unix:}
     */
    public boolean isUnix() {
        return path != null;
    }

    /**
     * Returns the socket address to bind or connect to.
     *
     * @return an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}
     */
    public SocketAddress socketAddress() {
        return path != null ? UnixDomainSocketAddress.of(path) : new InetSocketAddress(Objects.requireNonNull(host), port);
    }

    /** The protocol family of the socket. */
    StandardProtocolFamily family() {
        return path != null ? StandardProtocolFamily.UNIX
                : socketAddress() instanceof InetSocketAddress i && i.getAddress() instanceof java.net.Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    @Override
    public String toString() {
        if (path != null) {
            return "unix:" + path;
        }
        String h = Objects.requireNonNull(host);
        return "inet:" + (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
    }
}
