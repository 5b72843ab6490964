package org.mtasts.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.Dns;

/**
 * The {@link Dns} of the fetcher and the uploader: explicit overrides first (the caller's own
 * choice, not filtered), else the client's resolver, whose answers pass through the {@link
 * AddressFilter}. OkHttp connects only to the addresses returned here, so a name cannot resolve to
 * a harmless address for the check and a private one for the connection.
 */
final class GuardedDns implements Dns {
    private final Dns delegate;
    private final Map<String, InetSocketAddress> overrides;
    private final AddressFilter filter;

    GuardedDns(Dns delegate, Map<String, InetSocketAddress> overrides, AddressFilter filter) {
        this.delegate = delegate;
        this.overrides = overrides;
        this.filter = filter;
    }

    @Override
    public List<InetAddress> lookup(String hostname) throws UnknownHostException {
        InetSocketAddress override = overrides.get(hostname.toLowerCase(Locale.ROOT));
        if (override != null) {
            if (override.isUnresolved()) {
                throw new UnknownHostException("override for " + hostname + " is unresolved: " + override);
            }
            return List.of(override.getAddress());
        }
        List<InetAddress> all = delegate.lookup(hostname);
        if (all.isEmpty()) {
            throw new UnknownHostException(Printable.of(hostname) + " has no address");
        }
        List<InetAddress> permitted = new ArrayList<>(all.size());
        for (InetAddress address : all) {
            if (filter.permits(address)) {
                permitted.add(address);
            }
        }
        if (permitted.isEmpty()) {
            throw new AddressRejectedException(Printable.of(hostname)
                    + " resolves only to addresses the address filter rejects: " + describe(all));
        }
        return permitted;
    }

    private static String describe(List<InetAddress> addresses) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < addresses.size() && i < 5; i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(addresses.get(i).getHostAddress());
        }
        if (addresses.size() > 5) {
            out.append(", ...");
        }
        return out.toString();
    }
}
