package org.mtasts.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.Discovery;
import org.mtasts.core.DomainName;
import org.mtasts.core.RecordSelection;
import org.mtasts.core.StsRecord;
import org.mtasts.core.TlsRptRecord;
import org.mtasts.core.TxtAnswer;
import org.mtasts.core.TxtResolver;
import org.mtasts.testkit.DnsFault;
import org.mtasts.testkit.DnsQuery;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;

/** DnsjavaResolver against the testkit's authoritative DNS server, over the real wire protocol. */
class DnsjavaResolverTest {

    private static MtaStsSandbox sandbox;
    private static DnsjavaResolver dns;

    @BeforeAll
    static void start() {
        DomainSpec example = DomainSpec.of("example.test")
                .stsRecord("v=STSv1; id=20260101T000000;")
                .tlsRptRecord("v=TLSRPTv1; rua=mailto:tlsrpt@example.test")
                .txt("_mta-sts.split.example.test", "v=STSv1; ", "id=20260101", "T000003;")
                .txt("_smtp._tls.split.example.test", "v=TLSRPTv1; ", "rua=mailto:tlsrpt@example.test")
                .txt("_mta-sts.mixed.example.test", "v=spf1 -all")
                .txt("_mta-sts.mixed.example.test", "v=STSv1; id=4")
                .txt("_mta-sts.two.example.test", "v=STSv1; id=5")
                .txt("_mta-sts.two.example.test", "v=STSv1; id=6")
                .txt("_mta-sts.bytes.example.test", "v=STSv1; id=\u00e9\u00ff")
                .a("nodata.example.test", "127.0.0.1")
                .cname("_mta-sts.alias.example.test", "_mta-sts.hop.example.test")
                .cname("_mta-sts.hop.example.test", "_mta-sts.example.test")
                .cname("_mta-sts.loop1.example.test", "_mta-sts.loop2.example.test")
                .cname("_mta-sts.loop2.example.test", "_mta-sts.loop1.example.test")
                .cname("_mta-sts.dangling.example.test", "_mta-sts.missing.example.test")
                .cname("_mta-sts.outside.example.test", "_mta-sts.nowhere.invalid")
                .txt("_mta-sts.servfail.example.test", "v=STSv1; id=1")
                .dnsFault("_mta-sts.servfail.example.test", DnsFault.SERVFAIL)
                .dnsFault("_mta-sts.refused.example.test", DnsFault.REFUSED)
                .dnsFault("_mta-sts.silent.example.test", DnsFault.NO_ANSWER)
                .dnsFault("_mta-sts.wrongid.example.test", DnsFault.WRONG_ID)
                .dnsFault("_mta-sts.garbage.example.test", DnsFault.GARBAGE)
                .txt("_mta-sts.trunc.example.test", "v=STSv1; id=truncated")
                .dnsFault("_mta-sts.trunc.example.test", DnsFault.TRUNCATE)
                .mxRecord(20, "mx2.example.test")
                .mxRecord(10, "mx1.example.test")
                .mxRecord(20, "mx3.example.test")
                .mxRecord(20, "mx0.example.test")
                .a("mx1.example.test", "127.0.0.1")
                .aaaa("mx1.example.test", "::1");
        for (int i = 0; i < 40; i++) {
            example.txt("_mta-sts.big.example.test", String.format("v=spf1 record %02d %s", i, "x".repeat(50)));
        }
        example.txt("_mta-sts.big.example.test", "v=STSv1; id=big");
        DomainSpec nullMx = DomainSpec.of("nullmx.test").nullMx();
        DomainSpec noMx = DomainSpec.of("nomx.test").a("nomx.test", "127.0.0.1");
        DomainSpec idn = DomainSpec.of("xn--bcher-kva.test").stsRecord("v=STSv1; id=idn1");
        sandbox = MtaStsSandbox.builder().domain(example).domain(nullMx).domain(noMx).domain(idn).start();
        dns = resolverFor(Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static DnsjavaResolver resolverFor(Duration timeout, Duration deadline) {
        return DnsjavaResolver.builder().server(sandbox.dnsAddress())
                .timeout(timeout).deadline(deadline).retries(0).build();
    }

    private static List<String> texts(TxtAnswer answer) {
        assertThat(answer).isInstanceOf(TxtAnswer.Records.class);
        return ((TxtAnswer.Records) answer).texts();
    }

    @Test
    @DisplayName("RFC 8461 §3.1: the STS TXT record is found at _mta-sts.<domain>")
    void findsTheStsRecord() {
        assertThat(texts(dns.resolveTxt("_mta-sts.example.test"))).containsExactly("v=STSv1; id=20260101T000000;");
        assertThat(texts(dns.resolveTxt("_smtp._tls.example.test."))).containsExactly("v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
    }

    @Test
    @DisplayName("RFC 8461 §3.1: the strings of one TXT record are joined with no separator")
    void joinsSplitStringsWithoutSeparator() {
        assertThat(texts(dns.resolveTxt("_mta-sts.split.example.test"))).containsExactly("v=STSv1; id=20260101T000003;");
        Discovery<StsRecord> sts = RecordSelection.sts(dns.resolveTxt("_mta-sts.split.example.test"));
        assertThat(sts.found()).map(StsRecord::id).contains("20260101T000003");
        Discovery<TlsRptRecord> rpt = RecordSelection.tlsRpt(dns.resolveTxt("_smtp._tls.split.example.test"));
        assertThat(rpt.kind()).isEqualTo(Discovery.Kind.FOUND);
    }

    @Test
    @DisplayName("RFC 8461 §3.1: TXT bytes are handed over raw, one char per byte, never escaped")
    void keepsRawBytes() {
        String text = texts(dns.resolveTxt("_mta-sts.bytes.example.test")).get(0);
        assertThat(text).isEqualTo("v=STSv1; id=\u00e9\u00ff").doesNotContain("\\");
        assertThat(RecordSelection.sts(List.of(text)).kind()).isEqualTo(Discovery.Kind.INVALID);
    }

    @Test
    @DisplayName("RFC 8461 §3.1: several TXT records of which one is STS")
    void returnsEveryTxtRecord() {
        assertThat(texts(dns.resolveTxt("_mta-sts.mixed.example.test")))
                .containsExactlyInAnyOrder("v=spf1 -all", "v=STSv1; id=4");
        assertThat(RecordSelection.sts(dns.resolveTxt("_mta-sts.mixed.example.test")).found())
                .map(StsRecord::id).contains("4");
        assertThat(RecordSelection.sts(dns.resolveTxt("_mta-sts.two.example.test")).kind())
                .isEqualTo(Discovery.Kind.MULTIPLE);
    }

    @Test
    @DisplayName("NXDOMAIN is a permanent 'no records'")
    void nxdomainIsNoRecords() {
        assertThat(dns.resolveTxt("_mta-sts.nothing.example.test")).isEqualTo(new TxtAnswer.NoRecords(true));
        // A name in no zone of this server: REFUSED, like Knot or Unbound answer it; temporary.
        assertThat(dns.resolveTxt("_mta-sts.other.test")).isInstanceOf(TxtAnswer.TemporaryFailure.class);
    }

    @Test
    @DisplayName("NODATA is a permanent 'no records', also when dnsjava's cache answers it")
    void nodataIsNoRecords() {
        assertThat(dns.resolveTxt("nodata.example.test")).isEqualTo(new TxtAnswer.NoRecords(false));
        DnsjavaResolver cached = DnsjavaResolver.builder().server(sandbox.dnsAddress())
                .timeout(Duration.ofSeconds(2)).retries(0).cacheTxt(true).build();
        // dnsjava with a cache: NODATA is an empty result the first time, then NoSuchRRSetException.
        assertThat(cached.resolveTxt("nodata.example.test")).isEqualTo(new TxtAnswer.NoRecords(false));
        assertThat(cached.resolveTxt("nodata.example.test")).isEqualTo(new TxtAnswer.NoRecords(false));
    }

    @Test
    @DisplayName("SERVFAIL is a temporary failure, not 'no records'")
    void servfailIsTemporary() {
        TxtAnswer answer = dns.resolveTxt("_mta-sts.servfail.example.test");
        assertThat(answer).isInstanceOf(TxtAnswer.TemporaryFailure.class);
        assertThat(((TxtAnswer.TemporaryFailure) answer).detail()).isEqualTo("SERVFAIL");
        assertThat(((TxtAnswer.TemporaryFailure) answer).cause()).isNotNull();
    }

    @Test
    @DisplayName("REFUSED is a temporary failure")
    void refusedIsTemporary() {
        TxtAnswer answer = dns.resolveTxt("_mta-sts.refused.example.test");
        assertThat(answer).isInstanceOf(TxtAnswer.TemporaryFailure.class);
        assertThat(((TxtAnswer.TemporaryFailure) answer).detail()).contains("REFUSED");
    }

    @Test
    @DisplayName("A silent server is a temporary failure within the configured timeout")
    void silentServerTimesOut() throws Exception {
        DnsjavaResolver quick = resolverFor(Duration.ofMillis(300), Duration.ofSeconds(10));
        TxtAnswer answer = quick.resolveTxtAsync("_mta-sts.silent.example.test").get(5, TimeUnit.SECONDS);
        assertThat(answer).isInstanceOf(TxtAnswer.TemporaryFailure.class);
        assertThat(((TxtAnswer.TemporaryFailure) answer).detail()).isEqualTo("timeout");
    }

    @Test
    @DisplayName("The overall deadline bounds a lookup even when the per-query timeout is long")
    void deadlineBoundsTheLookup() throws Exception {
        DnsjavaResolver bounded = resolverFor(Duration.ofSeconds(30), Duration.ofMillis(300));
        TxtAnswer answer = bounded.resolveTxtAsync("_mta-sts.silent.example.test").get(5, TimeUnit.SECONDS);
        assertThat(answer).isInstanceOf(TxtAnswer.TemporaryFailure.class);
        assertThat(((TxtAnswer.TemporaryFailure) answer).detail()).isEqualTo("timeout");
    }

    @Test
    @DisplayName("Answers with a wrong id or garbage are temporary failures")
    void wrongIdAndGarbageAreTemporary() throws Exception {
        DnsjavaResolver quick = resolverFor(Duration.ofMillis(300), Duration.ofSeconds(10));
        assertThat(quick.resolveTxtAsync("_mta-sts.wrongid.example.test").get(5, TimeUnit.SECONDS))
                .isInstanceOf(TxtAnswer.TemporaryFailure.class);
        assertThat(quick.resolveTxtAsync("_mta-sts.garbage.example.test").get(5, TimeUnit.SECONDS))
                .isInstanceOf(TxtAnswer.TemporaryFailure.class);
    }

    @Test
    @DisplayName("A truncated UDP answer is retried over TCP")
    void truncationFallsBackToTcp() {
        assertThat(texts(dns.resolveTxt("_mta-sts.trunc.example.test"))).containsExactly("v=STSv1; id=truncated");
        assertThat(sandbox.dnsQueries()).contains(
                new DnsQuery("_mta-sts.trunc.example.test", "TXT", DnsQuery.Transport.UDP),
                new DnsQuery("_mta-sts.trunc.example.test", "TXT", DnsQuery.Transport.TCP));
    }

    @Test
    @DisplayName("A large TXT set that exceeds the UDP payload is fetched whole over TCP")
    void largeAnswerOverTcp() {
        List<String> all = texts(dns.resolveTxt("_mta-sts.big.example.test"));
        assertThat(all).hasSize(41).contains("v=STSv1; id=big");
        assertThat(RecordSelection.sts(all).found()).map(StsRecord::id).contains("big");
    }

    @Test
    @DisplayName("TCP only, when configured")
    void tcpOnly() {
        DnsjavaResolver tcp = DnsjavaResolver.builder().server(sandbox.dnsAddress()).tcp(true).retries(0).build();
        assertThat(texts(tcp.resolveTxt("_mta-sts.mixed.example.test"))).hasSize(2);
        assertThat(sandbox.dnsQueries()).contains(
                new DnsQuery("_mta-sts.mixed.example.test", "TXT", DnsQuery.Transport.TCP));
    }

    @Test
    @DisplayName("RFC 8461 §3.1: a CNAME chain at _mta-sts is followed")
    void followsCnameChain() {
        assertThat(texts(dns.resolveTxt("_mta-sts.alias.example.test"))).containsExactly("v=STSv1; id=20260101T000000;");
    }

    @Test
    @DisplayName("RFC 8461 §3.1: a CNAME loop is a failure, not a hang")
    void cnameLoopIsTemporaryFailure() throws Exception {
        TxtAnswer answer = dns.resolveTxtAsync("_mta-sts.loop1.example.test").get(5, TimeUnit.SECONDS);
        assertThat(answer).isInstanceOf(TxtAnswer.TemporaryFailure.class);
        assertThat(((TxtAnswer.TemporaryFailure) answer).detail()).startsWith("CNAME");
    }

    @Test
    @DisplayName("RFC 8461 §3.1: a CNAME chain longer than the limit is a failure")
    void overlongChainIsTemporaryFailure() throws Exception {
        DnsjavaResolver shortChains = DnsjavaResolver.builder().server(sandbox.dnsAddress())
                .retries(0).maxCnameChain(1).build();
        TxtAnswer answer = shortChains.resolveTxtAsync("_mta-sts.alias.example.test").get(5, TimeUnit.SECONDS);
        assertThat(answer).isInstanceOf(TxtAnswer.TemporaryFailure.class);
        assertThat(((TxtAnswer.TemporaryFailure) answer).detail()).startsWith("CNAME");
    }

    @Test
    @DisplayName("RFC 8461 §3.1: a CNAME to a missing name is 'no records'; out of the zones (REFUSED), temporary")
    void cnameTargetsDecide() {
        assertThat(dns.resolveTxt("_mta-sts.dangling.example.test")).isEqualTo(new TxtAnswer.NoRecords(true));
        // Followed by the client out of the sandbox's zones, where the server REFUSES: temporary.
        assertThat(dns.resolveTxt("_mta-sts.outside.example.test")).isInstanceOf(TxtAnswer.TemporaryFailure.class);
    }

    @Test
    @DisplayName("Names are absolute: no search list, no trailing-dot confusion")
    void namesAreAbsolute() {
        dns.resolveTxt("_mta-sts.example.test");
        dns.resolveTxt("_mta-sts.example.test.");
        assertThat(sandbox.dnsQueries()).extracting(DnsQuery::name)
                .filteredOn(n -> n.startsWith("_mta-sts.example.test"))
                .allMatch(n -> n.equals("_mta-sts.example.test"));
    }

    @Test
    @DisplayName("IDN domains are looked up by their A-labels")
    void idnDomainsUseALabels() {
        assertThat(texts(dns.resolveTxt("_mta-sts.bücher.test"))).containsExactly("v=STSv1; id=idn1");
        DomainName domain = DomainName.of("Bücher.test");
        assertThat(RecordSelection.discoverSts(dns, domain).join().found()).map(StsRecord::id).contains("idn1");
    }

    @Test
    @DisplayName("An invalid name is a caller error, reported as IllegalArgumentException")
    void invalidNameIsRejected() {
        assertThatThrownBy(() -> dns.resolveTxtAsync("a..b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty label");
        assertThatThrownBy(() -> dns.resolveTxtAsync("a b.test")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dns.resolveTxtAsync("x\n.test")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("\n");
    }

    @Test
    @DisplayName("RFC 5321 §5.1: MX hosts ordered by preference, ties in server order")
    void mxOrderedByPreference() {
        MxAnswer answer = dns.resolveMx(DomainName.of("example.test"));
        assertThat(answer).isInstanceOf(MxAnswer.Hosts.class);
        List<MxHost> hosts = ((MxAnswer.Hosts) answer).hosts();
        assertThat(hosts.get(0)).isEqualTo(new MxHost(DomainName.of("mx1.example.test"), 10));
        assertThat(hosts).extracting(MxHost::preference).containsExactly(10, 20, 20, 20);
        // Ties keep the order the server sent them (the sandbox sends zone order).
        assertThat(hosts.subList(1, 4)).extracting(h -> h.host().ascii())
                .containsExactly("mx2.example.test", "mx3.example.test", "mx0.example.test");
    }

    @Test
    @DisplayName("RFC 7505: a null MX means the domain accepts no mail")
    void nullMx() {
        assertThat(dns.resolveMx(DomainName.of("nullmx.test"))).isEqualTo(new MxAnswer.NullMx());
    }

    @Test
    @DisplayName("RFC 5321 §5.1: no MX records means the domain itself is the implicit MX")
    void implicitMx() {
        assertThat(dns.resolveMx(DomainName.of("nomx.test"))).isEqualTo(new MxAnswer.Implicit(DomainName.of("nomx.test")));
    }

    @Test
    @DisplayName("MX of a domain that does not exist, and a temporary failure")
    void mxPermanentAndTemporary() {
        assertThat(dns.resolveMx(DomainName.of("absent.example.test"))).isInstanceOf(MxAnswer.NoDomain.class);
        sandbox.dnsFault("failing.example.test", DnsFault.SERVFAIL);
        assertThat(dns.resolveMx(DomainName.of("failing.example.test"))).isInstanceOf(MxAnswer.TemporaryFailure.class);
    }

    @Test
    @DisplayName("A and AAAA addresses of a host")
    void addresses() throws Exception {
        AddressAnswer answer = dns.resolveAddresses(DomainName.of("mx1.example.test"));
        assertThat(answer).isInstanceOf(AddressAnswer.Addresses.class);
        assertThat(((AddressAnswer.Addresses) answer).addresses())
                .containsExactly(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"));
        assertThat(dns.resolveAddresses(DomainName.of("nothere.example.test"))).isEqualTo(new AddressAnswer.NoAddresses(true));
        assertThat(dns.resolveAddresses(DomainName.of("mx2.example.test"))).isInstanceOf(AddressAnswer.NoAddresses.class);
    }

    @Test
    @DisplayName("One instance serves many threads at once")
    void concurrentLookups() {
        List<CompletableFuture<TxtAnswer>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            futures.add(dns.resolveTxtAsync(i % 2 == 0 ? "_mta-sts.example.test" : "_mta-sts.split.example.test"));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(texts(futures.get(i).join())).hasSize(1);
        }
    }

    @Test
    @DisplayName("ServiceLoader finds the resolver, as MtaSts does when none is configured")
    void serviceLoaderFindsIt() {
        assertThat(ServiceLoader.load(TxtResolver.class).findFirst()).get().isInstanceOf(DnsjavaResolver.class);
    }
}
