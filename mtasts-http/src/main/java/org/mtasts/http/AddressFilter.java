package org.mtasts.http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Decides which IP addresses the policy fetcher and the report uploader may connect to. A sender
 * fetches {@code https://mta-sts.<domain>/} for any recipient domain, so without a filter a domain
 * owner could point {@code mta-sts.<domain>} at {@code 127.0.0.1}, {@code 10.0.0.5} or the cloud
 * metadata service and make every mail server probe its own network.
 *
 * <p>{@link #PUBLIC_ONLY}, the default, rejects every address that the IANA special-purpose
 * registries (RFC 6890) do not mark globally reachable, and every address that embeds such an
 * IPv4 address:
 * <ul>
 *   <li>IPv4: {@code 0.0.0.0/8} (this network, including the any-local address), {@code 10.0.0.0/8},
 *       {@code 100.64.0.0/10} (carrier-grade NAT, including Alibaba Cloud's metadata service
 *       {@code 100.100.100.200}), {@code 127.0.0.0/8} (loopback), {@code 169.254.0.0/16}
 *       (link-local, including the metadata service {@code 169.254.169.254}), {@code
 *       172.16.0.0/12}, {@code 192.0.0.0/24} (IETF protocol assignments, including Oracle Cloud's
 *       {@code 192.0.0.192}), {@code 192.0.2.0/24}, {@code 198.51.100.0/24} and {@code
 *       203.0.113.0/24} (documentation), {@code 192.168.0.0/16}, {@code 198.18.0.0/15}
 *       (benchmarking, often used inside networks), {@code 224.0.0.0/4} (multicast) and {@code
 *       240.0.0.0/4} (reserved, including broadcast);</li>
 *   <li>IPv6: {@code ::} and {@code ::1}, {@code 100::/64} (discard), {@code 2001:db8::/32}
 *       (documentation), {@code 64:ff9b:1::/48} (local-use NAT64), {@code fc00::/7} (unique local,
 *       including AWS's metadata service {@code fd00:ec2::254}), {@code fe80::/10} (link-local),
 *       {@code fec0::/10} (old site-local), {@code ff00::/8} (multicast);</li>
 *   <li>IPv4 addresses embedded in IPv6, judged as IPv4: IPv4-mapped {@code ::ffff:0:0/96},
 *       IPv4-compatible {@code ::/96}, NAT64 {@code 64:ff9b::/96} (RFC 6052: a translator would
 *       connect to the embedded address) and 6to4 {@code 2002::/16} (RFC 3056).</li>
 * </ul>
 * A host name with several addresses is connected to only through those the filter permits (the
 * others are dropped before OkHttp sees the list), so a name that resolves to a public and a
 * private address, as in DNS rebinding, reaches the public one only; when none is permitted the
 * fetch fails with {@link FetchFailure#ADDRESS_REJECTED} before any connection is made. The
 * addresses are the ones OkHttp then connects to, so a second lookup cannot swap them.
 * {@link #ANY} accepts everything: for tests and for a sandbox on loopback. Addresses given as an
 * explicit override ({@link HttpsPolicyFetcher.Builder#addressOverrides}) are the caller's own
 * choice and are not filtered. A proxy configured on the OkHttp client resolves names itself, so
 * the filter cannot see its addresses.
 *
 * <pre>{@code
 * AddressFilter alsoTenNet = address -> AddressFilter.PUBLIC_ONLY.permits(address)
 *         || (address instanceof Inet4Address && address.getAddress()[0] == 10);   // also 10/8
 * HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().addressFilter(alsoTenNet).build();
 * }</pre>
 *
 * <p>Implementations must be safe for concurrent use by many threads, and must not block.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface AddressFilter {

    /** Accepts only globally routable unicast addresses (the default; see the type's Javadoc). */
    AddressFilter PUBLIC_ONLY = AddressFilter::isPublic;

    /** Accepts every address: for tests and sandboxes on loopback. */
    AddressFilter ANY = address -> true;

    /**
     * Returns whether a connection to this address is allowed.
     *
     * @param address a resolved address of the host
     * @return true to allow it
     */
    boolean permits(InetAddress address);

    /**
     * Returns whether the address is a globally routable unicast address, by the list in this
     * type's Javadoc.
     *
     * @param address the address
     * @return false for loopback, private, link-local, CGNAT, multicast, any-local, reserved,
     *     documentation and benchmarking addresses, and IPv6 addresses embedding one of them
     */
    static boolean isPublic(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return isPublicV4(b, 0);
        }
        if (address instanceof Inet6Address && b.length == 16) {
            boolean zeroPrefix = true;
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) {
                    zeroPrefix = false;
                    break;
                }
            }
            if (zeroPrefix && ((b[10] == (byte) 0xFF && b[11] == (byte) 0xFF) || (b[10] == 0 && b[11] == 0))) {
                // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, also :: and ::1): judge the IPv4 part.
                if (b[10] == 0 && b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1)) {
                    return false; // :: (any-local) and ::1 (loopback)
                }
                return isPublicV4(b, 12);
            }
            int first = b[0] & 0xFF;
            int second = b[1] & 0xFF;
            if (first == 0 && second == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B) {
                if (isZero(b, 4, 12)) {
                    return isPublicV4(b, 12); // 64:ff9b::/96, RFC 6052 NAT64: judge the embedded IPv4
                }
                if (b[4] == 0 && b[5] == 1) {
                    return false; // 64:ff9b:1::/48, RFC 8215 local-use NAT64: any IPv4, private ones too
                }
            }
            if (first == 0x20 && second == 0x02) {
                return isPublicV4(b, 2); // 2002::/16, RFC 3056 6to4: judge the embedded IPv4
            }
            if (first == 0x01 && second == 0 && isZero(b, 2, 8)) {
                return false; // 100::/64 discard-only (RFC 6666)
            }
            if (first == 0x20 && second == 0x01 && (b[2] & 0xFF) == 0x0D && (b[3] & 0xFF) == 0xB8) {
                return false; // 2001:db8::/32 documentation (RFC 3849)
            }
            if ((first & 0xFE) == 0xFC) {
                return false; // fc00::/7 unique local
            }
            if (first == 0xFE && (second & 0xC0) == 0x80) {
                return false; // fe80::/10 link-local
            }
            if (first == 0xFE && (second & 0xC0) == 0xC0) {
                return false; // fec0::/10 site-local (deprecated)
            }
            return first != 0xFF; // ff00::/8 multicast
        }
        return false;
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPublicV4(byte[] b, int at) {
        int a = b[at] & 0xFF;
        int s = b[at + 1] & 0xFF;
        int t = b[at + 2] & 0xFF;
        return !(a == 0                              // 0.0.0.0/8
                || a == 10                           // 10.0.0.0/8
                || (a == 100 && (s & 0xC0) == 64)    // 100.64.0.0/10
                || a == 127                          // 127.0.0.0/8
                || (a == 169 && s == 254)            // 169.254.0.0/16
                || (a == 172 && (s & 0xF0) == 16)    // 172.16.0.0/12
                || (a == 192 && s == 0 && t == 0)    // 192.0.0.0/24
                || (a == 192 && s == 0 && t == 2)    // 192.0.2.0/24
                || (a == 192 && s == 168)            // 192.168.0.0/16
                || (a == 198 && (s & 0xFE) == 18)    // 198.18.0.0/15
                || (a == 198 && s == 51 && t == 100) // 198.51.100.0/24
                || (a == 203 && s == 0 && t == 113)  // 203.0.113.0/24
                || a >= 224);                        // 224.0.0.0/4 and 240.0.0.0/4
    }
}
