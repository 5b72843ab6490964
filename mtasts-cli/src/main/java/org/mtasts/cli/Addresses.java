package org.mtasts.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.ParseResult;
import org.mtasts.dns.AddressAnswer;
import org.mtasts.dns.DnsjavaResolver;

/**
 * Where {@code send} connects: the {@code --connect} overrides first ({@code name:port} before
 * {@code name}), else the addresses the configured DNS server gives ({@code --dns}), the same
 * rules as {@code check}'s.
 *
 * @param dns the resolver
 * @param connect {@code name} or {@code name:port} to the address to use
 */
record Addresses(DnsjavaResolver dns, Map<String, InetSocketAddress> connect) {

    Addresses {
        connect = Map.copyOf(connect);
    }

    /** The override for a host on a port ({@code name:port} first, then {@code name}), or null. */
    @Nullable InetSocketAddress override(String host, int port) {
        InetSocketAddress specific = connect.get(host + ":" + port);
        return specific != null ? specific : connect.get(host);
    }

    /** The overrides for HTTPS: those for every port and those for port 443, by host name. */
    Map<String, InetSocketAddress> httpsOverrides() {
        return NetworkOptions.httpsOverrides(connect);
    }

    /**
     * Resolves a host through the configured DNS server, for OkHttp (so that {@code --dns} covers
     * policy hosts too).
     *
     * @throws UnknownHostException if the name is invalid, has no address, or the lookup failed
     */
    List<InetAddress> lookup(String hostname) throws UnknownHostException {
        InetSocketAddress override = connect.get(hostname);
        if (override != null) {
            if (override.isUnresolved()) {
                throw new UnknownHostException("--connect " + hostname + ": " + override.getHostString() + " does not resolve");
            }
            return List.of(override.getAddress());
        }
        ParseResult<DomainName> name = DomainName.parse(hostname);
        if (!name.isValid()) {
            throw new UnknownHostException(TlsProbe.printable(hostname));
        }
        AddressAnswer answer = dns.resolveAddresses(name.orElseThrow());
        if (answer instanceof AddressAnswer.Addresses found) {
            return List.copyOf(new LinkedHashSet<>(found.addresses()));
        }
        throw new UnknownHostException(hostname + ": " + (answer instanceof AddressAnswer.TemporaryFailure f
                ? f.detail() : "no A or AAAA records"));
    }

    /**
     * Where to connect to a host on a port: the override, or the host's addresses from DNS (each
     * on {@code port}, duplicates removed, in the server's order).
     */
    Resolved resolve(DomainName host, int port) {
        InetSocketAddress override = override(host.ascii(), port);
        if (override != null) {
            return new Resolved(List.of(override), "", false);
        }
        AddressAnswer answer = dns.resolveAddresses(host);
        if (answer instanceof AddressAnswer.Addresses found) {
            LinkedHashSet<InetSocketAddress> unique = new LinkedHashSet<>();
            for (InetAddress a : found.addresses()) {
                unique.add(new InetSocketAddress(a, port));
            }
            return new Resolved(List.copyOf(unique), "", false);
        }
        if (answer instanceof AddressAnswer.TemporaryFailure f) {
            return new Resolved(List.of(), "the address lookup of " + host + " failed: " + TlsProbe.printable(f.detail()), true);
        }
        boolean nxdomain = answer instanceof AddressAnswer.NoAddresses none && none.nxdomain();
        return new Resolved(List.of(), host + (nxdomain ? " does not exist (NXDOMAIN)" : " has no A or AAAA records"), false);
    }

    /**
     * The addresses of a host, or why there are none.
     *
     * @param addresses where to connect, in order; empty when none was found
     * @param problem why there is none, or empty
     * @param temporary whether the lookup failed temporarily
     */
    record Resolved(List<InetSocketAddress> addresses, String problem, boolean temporary) {
        Resolved {
            addresses = List.copyOf(addresses);
        }
    }
}
