package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressFilterTest {

    @ParameterizedTest(name = "{0} is public: {1}")
    @CsvSource({
        "8.8.8.8,true", "1.1.1.1,true", "93.184.216.34,true", "100.63.255.255,true", "100.128.0.0,true",
        "172.15.255.255,true", "172.32.0.0,true", "169.253.0.1,true", "223.255.255.255,true", "11.0.0.1,true",
        "0.0.0.0,false", "0.1.2.3,false", "10.0.0.1,false", "10.255.255.255,false", "100.64.0.0,false",
        "100.127.255.255,false", "127.0.0.1,false", "127.255.0.1,false", "169.254.169.254,false",
        "172.16.0.1,false", "172.31.255.255,false", "192.168.0.1,false", "224.0.0.1,false", "239.1.1.1,false",
        "240.0.0.1,false", "255.255.255.255,false",
        "2001:4860:4860::8888,true", "2606:4700::1111,true", "::,false", "::1,false", "fc00::1,false",
        "fdff::1,false", "fe80::1,false", "febf::1,false", "fec0::1,false", "ff02::1,false",
        "::ffff:10.0.0.1,false", "::ffff:8.8.8.8,true", "::10.0.0.1,false", "::8.8.8.8,true",
        // IANA special-purpose blocks that are not globally reachable (RFC 6890), cloud metadata services.
        "192.0.0.192,false", "192.0.0.1,false", "192.0.1.1,true", "192.0.2.1,false", "192.0.3.1,true",
        "198.17.255.255,true", "198.18.0.1,false", "198.19.255.255,false", "198.20.0.0,true", "198.51.100.7,false",
        "203.0.113.9,false", "203.0.114.1,true", "100.100.100.200,false", "fd00:ec2::254,false",
        // IPv4 embedded in NAT64 (RFC 6052) and 6to4 (RFC 3056) addresses is judged as IPv4.
        "64:ff9b::a9fe:a9fe,false", "64:ff9b::a00:5,false", "64:ff9b::7f00:1,false", "64:ff9b::808:808,true",
        "64:ff9b:1::a00:5,false", "64:ff9b:1::808:808,false", "2002:c0a8:101::1,false", "2002:7f00:1::1,false",
        "2002:808:808::1,true", "100::1,false", "100:0:0:1::1,true", "2001:db8::1,false", "2001:db9::1,true"})
    void publicOnlyRejectsNonRoutableAddresses(String address, boolean expected) throws UnknownHostException {
        InetAddress a = InetAddress.getByName(address);
        assertThat(AddressFilter.PUBLIC_ONLY.permits(a)).isEqualTo(expected);
        assertThat(AddressFilter.isPublic(a)).isEqualTo(expected);
        assertThat(AddressFilter.ANY.permits(a)).isTrue();
    }

    /** The reference: the documented CIDR list, checked by prefix arithmetic. */
    private static final List<String> V4_BLOCKED = List.of("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
            "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
            "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4");

    private static boolean inBlock(byte[] address, String cidr) throws UnknownHostException {
        String[] parts = cidr.split("/");
        byte[] base = InetAddress.getByName(parts[0]).getAddress();
        int bits = Integer.parseInt(parts[1]);
        BigInteger mask = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE).shiftRight(bits).not();
        return new BigInteger(1, address).and(mask).equals(new BigInteger(1, base).and(mask));
    }

    @Property
    @Label("IPv4: agrees with the documented CIDR list")
    void agreesWithTheCidrList(@ForAll @Size(4) byte[] bytes) throws UnknownHostException {
        boolean blocked = false;
        for (String cidr : V4_BLOCKED) {
            blocked |= inBlock(bytes, cidr);
        }
        assertThat(AddressFilter.isPublic(InetAddress.getByAddress(bytes))).isEqualTo(!blocked);
    }

    @Property
    @Label("IPv6: never throws, and mapped IPv4 addresses are judged as IPv4")
    void mappedAddressesAreJudgedAsIpv4(@ForAll @Size(4) byte[] v4) throws UnknownHostException {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(v4, 0, mapped, 12, 4);
        // Java turns ::ffff:a.b.c.d into an Inet4Address; build the Inet6Address explicitly.
        InetAddress six = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(AddressFilter.isPublic(six)).isEqualTo(AddressFilter.isPublic(InetAddress.getByAddress(v4)));
    }

    @Property
    @Label("IPv6: NAT64 (64:ff9b::/96, RFC 6052) and 6to4 (2002::/16, RFC 3056) addresses are judged by their IPv4")
    void nat64And6to4AreJudgedAsIpv4(@ForAll @Size(4) byte[] v4, @ForAll @Size(10) byte[] rest) throws UnknownHostException {
        boolean expected = AddressFilter.isPublic(InetAddress.getByAddress(v4));
        byte[] nat64 = new byte[16];
        nat64[1] = 0x64;
        nat64[2] = (byte) 0xFF;
        nat64[3] = (byte) 0x9B;
        System.arraycopy(v4, 0, nat64, 12, 4);
        assertThat(AddressFilter.isPublic(InetAddress.getByAddress(nat64))).isEqualTo(expected);
        byte[] sixToFour = new byte[16];
        sixToFour[0] = 0x20;
        sixToFour[1] = 0x02;
        System.arraycopy(v4, 0, sixToFour, 2, 4);
        System.arraycopy(rest, 0, sixToFour, 6, 10); // the site's subnet and host: not relevant
        assertThat(AddressFilter.isPublic(InetAddress.getByAddress(sixToFour))).isEqualTo(expected);
    }
}
