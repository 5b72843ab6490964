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
        "::ffff:10.0.0.1,false", "::ffff:8.8.8.8,true", "::10.0.0.1,false", "::8.8.8.8,true"})
    void publicOnlyRejectsNonRoutableAddresses(String address, boolean expected) throws UnknownHostException {
        InetAddress a = InetAddress.getByName(address);
        assertThat(AddressFilter.PUBLIC_ONLY.permits(a)).isEqualTo(expected);
        assertThat(AddressFilter.isPublic(a)).isEqualTo(expected);
        assertThat(AddressFilter.ANY.permits(a)).isTrue();
    }

    /** The reference: the documented CIDR list, checked by prefix arithmetic. */
    private static final List<String> V4_BLOCKED = List.of("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
            "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4");

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
}
