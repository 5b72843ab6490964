package org.mtasts.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

/**
 * {@link DaneLookup} against a stub resolver that sets or clears the AD bit: DANE applies only
 * with a validated MX RRset and validated TLSA records (RFC 7672 §2.2, RFC 8461 §2).
 */
class DaneLookupTest {
    StubDnsServer stub;
    DaneLookup dane;

    @BeforeEach
    void start() throws Exception {
        stub = new StubDnsServer();
        dane = DaneLookup.builder().server(stub.address()).timeout(Duration.ofSeconds(2)).retries(0).build();
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private static MXRecord mx(String domain, int pref, String host) {
        return new MXRecord(Name.fromConstantString(domain + "."), DClass.IN, 300, pref,
                Name.fromConstantString(host + "."));
    }

    private static TLSARecord tlsa(String host) {
        return new TLSARecord(Name.fromConstantString("_25._tcp." + host + "."), DClass.IN, 300, 3, 1, 1,
                new byte[32]);
    }

    private DaneAnswer lookup(String domain) {
        return dane.lookupAsync(DomainName.of(domain)).join();
    }

    @Test
    void validatedMxAndTlsaOnEveryHostIsUsableForAllHosts_rfc8461Section2() {
        stub.answer("example.com.", Type.MX, Rcode.NOERROR, true, mx("example.com", 10, "mx1.example.com"),
                        mx("example.com", 20, "mx2.example.com"))
                .answer("_25._tcp.mx1.example.com.", Type.TLSA, Rcode.NOERROR, true, tlsa("mx1.example.com"))
                .answer("_25._tcp.mx2.example.com.", Type.TLSA, Rcode.NOERROR, true, tlsa("mx2.example.com"));
        DaneAnswer answer = lookup("example.com");
        assertThat(answer).isInstanceOf(DaneAnswer.Usable.class);
        assertThat(((DaneAnswer.Usable) answer).allHosts()).isTrue();
        assertThat(((DaneAnswer.Usable) answer).mxHosts()).extracting(DomainName::toString)
                .containsExactly("mx1.example.com", "mx2.example.com");
    }

    @Test
    void tlsaOnSomeHostsIsUsableButNotForAllHosts() {
        stub.answer("example.com.", Type.MX, Rcode.NOERROR, true, mx("example.com", 10, "mx1.example.com"),
                        mx("example.com", 20, "mx2.example.com"))
                .answer("_25._tcp.mx1.example.com.", Type.TLSA, Rcode.NOERROR, true, tlsa("mx1.example.com"))
                .answer("_25._tcp.mx2.example.com.", Type.TLSA, Rcode.NOERROR, true);
        DaneAnswer answer = lookup("example.com");
        assertThat(answer).isInstanceOfSatisfying(DaneAnswer.Usable.class, u -> {
            assertThat(u.allHosts()).isFalse();
            assertThat(u.tlsaHosts()).extracting(DomainName::toString).containsExactly("mx1.example.com");
        });
    }

    @Test
    void mxWithoutAdBitIsNotUsable_rfc7672Section2_2() {
        stub.answer("example.com.", Type.MX, Rcode.NOERROR, false, mx("example.com", 10, "mx1.example.com"))
                .answer("_25._tcp.mx1.example.com.", Type.TLSA, Rcode.NOERROR, true, tlsa("mx1.example.com"));
        assertThat(lookup("example.com")).isInstanceOfSatisfying(DaneAnswer.NotUsable.class,
                n -> assertThat(n.reason()).contains("not DNSSEC-validated"));
    }

    @Test
    void tlsaWithoutAdBitIsNotUsable() {
        stub.answer("example.com.", Type.MX, Rcode.NOERROR, true, mx("example.com", 10, "mx1.example.com"))
                .answer("_25._tcp.mx1.example.com.", Type.TLSA, Rcode.NOERROR, false, tlsa("mx1.example.com"));
        assertThat(lookup("example.com")).isInstanceOfSatisfying(DaneAnswer.NotUsable.class,
                n -> assertThat(n.reason()).contains("no MX host"));
    }

    @Test
    void noMxRecordsMakesTheDomainItsOwnHost() {
        stub.answer("example.com.", Type.MX, Rcode.NOERROR, true)
                .answer("_25._tcp.example.com.", Type.TLSA, Rcode.NOERROR, true, tlsa("example.com"));
        assertThat(lookup("example.com")).isInstanceOfSatisfying(DaneAnswer.Usable.class,
                u -> assertThat(u.tlsaHosts()).extracting(DomainName::toString).containsExactly("example.com"));
    }

    @Test
    void nxdomainIsNotUsable() {
        assertThat(lookup("nowhere.example")).isInstanceOfSatisfying(DaneAnswer.NotUsable.class,
                n -> assertThat(n.reason()).contains("NXDOMAIN"));
    }

    @Test
    void servfailOnMxOrTlsaIsATemporaryFailure() {
        stub.answer("bogus.example.", Type.MX, Rcode.SERVFAIL, false);
        assertThat(lookup("bogus.example")).isInstanceOfSatisfying(DaneAnswer.TemporaryFailure.class,
                t -> assertThat(t.detail()).contains("SERVFAIL"));
        stub.answer("example.com.", Type.MX, Rcode.NOERROR, true, mx("example.com", 10, "mx1.example.com"))
                .answer("_25._tcp.mx1.example.com.", Type.TLSA, Rcode.SERVFAIL, false);
        assertThat(lookup("example.com")).isInstanceOf(DaneAnswer.TemporaryFailure.class);
    }

    @Test
    void examples() {
        InetSocketAddress unbound = stub.address();
        stub.answer("example.com.", Type.MX, Rcode.NOERROR, true, mx("example.com", 10, "mx1.example.com"))
                .answer("_25._tcp.mx1.example.com.", Type.TLSA, Rcode.NOERROR, true, tlsa("mx1.example.com"));
        // --- example: DaneLookup
        DaneLookup dane = DaneLookup.builder()
                .server(unbound)                       // a validating resolver on loopback
                .timeout(Duration.ofSeconds(5))
                .build();
        DaneAnswer answer = dane.lookupAsync(DomainName.of("example.com")).join();
        // ---
        assertThat(answer).isInstanceOf(DaneAnswer.Usable.class);
        boolean all = false;
        // --- example: DaneAnswer
        if (answer instanceof DaneAnswer.Usable usable && usable.allHosts()) {
            // every MX host has validated TLSA records: DANE applies to every delivery
            all = true;                                // sandbox only
        }
        // ---
        assertThat(all).isTrue();
    }

    @Test
    void builderExample() {
        InetSocketAddress unbound = stub.address();
        stub.answer("example.com.", Type.MX, Rcode.NOERROR, false, mx("example.com", 10, "mx1.example.com"));
        // --- example: DaneLookup.Builder
        DaneLookup dane = DaneLookup.builder().server(unbound).retries(0).build();
        // ---
        assertThat(dane.lookupAsync(DomainName.of("example.com")).join()).isInstanceOf(DaneAnswer.NotUsable.class);
    }
}
