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
 * <p>{@link #PUBLIC_ONLY}, the default, rejects every address that is not globally routable:
 * <ul>
 *   <li>IPv4: {@code 0.0.0.0/8} (this network, including the any-local address), {@code 10.0.0.0/8},
 *       {@code 100.64.0.0/10} (carrier-grade NAT), {@code 127.0.0.0/8} (loopback), {@code
 *       169.254.0.0/16} (link-local, including the metadata service {@code 169.254.169.254}),
 *       {@code 172.16.0.0/12}, {@code 192.168.0.0/16}, {@code 224.0.0.0/4} (multicast) and {@code
 *       240.0.0.0/4} (reserved, including broadcast);</li>
 *   <li>IPv6: {@code ::} and {@code ::1}, {@code fc00::/7} (unique local), {@code fe80::/10}
 *       (link-local), {@code fec0::/10} (old site-local), {@code ff00::/8} (multicast), and IPv4
 *       addresses embedded in {@code ::ffff:0:0/96} or {@code ::/96}, judged as IPv4.</li>
 * </ul>
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
     * @return false for loopback, private, link-local, CGNAT, multicast, any-local and reserved
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

    private static boolean isPublicV4(byte[] b, int at) {
        int a = b[at] & 0xFF;
        int s = b[at + 1] & 0xFF;
        return !(a == 0                              // 0.0.0.0/8
                || a == 10                           // 10.0.0.0/8
                || (a == 100 && (s & 0xC0) == 64)    // 100.64.0.0/10
                || a == 127                          // 127.0.0.0/8
                || (a == 169 && s == 254)            // 169.254.0.0/16
                || (a == 172 && (s & 0xF0) == 16)    // 172.16.0.0/12
                || (a == 192 && s == 168)            // 192.168.0.0/16
                || a >= 224);                        // 224.0.0.0/4 and 240.0.0.0/4
    }
}
