package org.mtasts.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.RedirectLoopException;

/** The sandbox DNS server seen by a real client: dnsjava's SimpleResolver over UDP and TCP. */
class DnsServerTest {

    private static MtaStsSandbox sandbox;

    @BeforeAll
    static void start() {
        DomainSpec example = DomainSpec.of("example.test")
                .stsRecord("v=STSv1; ", "id=20260101T000000;")
                .tlsRptRecord("v=TLSRPTv1; rua=mailto:tlsrpt@example.test")
                .mxRecord(20, "mx2.example.test")
                .mxRecord(10, "mx1.example.test")
                .a("mx1.example.test", "127.0.0.1")
                .aaaa("mx1.example.test", "::1")
                .aaaa("mapped.example.test", "::ffff:192.0.2.1")
                .cname("_mta-sts.alias.example.test", "_mta-sts.hop.example.test")
                .cname("_mta-sts.hop.example.test", "_mta-sts.example.test")
                .cname("loop1.example.test", "loop2.example.test")
                .cname("loop2.example.test", "loop1.example.test")
                .cname("out.example.test", "somewhere.invalid")
                .cname("dangling.example.test", "missing.example.test")
                .txt("servfail.example.test", "x")
                .dnsFault("servfail.example.test", DnsFault.SERVFAIL)
                .dnsFault("refused.example.test", DnsFault.REFUSED)
                .dnsFault("silent.example.test", DnsFault.NO_ANSWER)
                .txt("trunc.example.test", "v=STSv1; id=truncated")
                .dnsFault("trunc.example.test", DnsFault.TRUNCATE)
                .txt("wrongid.example.test", "x")
                .dnsFault("wrongid.example.test", DnsFault.WRONG_ID)
                .dnsFault("garbage.example.test", DnsFault.GARBAGE)
                .txt("slow.example.test", "slow")
                .dnsFault("slow.example.test", DnsFault.delay(Duration.ofMillis(400)));
        for (int i = 0; i < 40; i++) {
            example.txt("big.example.test", String.format("record %02d %s", i, "x".repeat(50)));
        }
        sandbox = MtaStsSandbox.builder()
                .domain(example)
                .domain(DomainSpec.of("nullmx.test").nullMx())
                .start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @AfterEach
    void noServerProblems() {
        assertThat(sandbox.problems()).isEmpty();
    }

    private static SimpleResolver resolver(boolean tcp, Duration timeout) {
        SimpleResolver r = new SimpleResolver(sandbox.dnsAddress());
        r.setTCP(tcp);
        r.setTimeout(timeout);
        return r;
    }

    private static Message query(String name, int type, boolean tcp) throws IOException {
        return resolver(tcp, Duration.ofSeconds(5)).send(
                Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN)));
    }

    private static List<String> strings(Record r) {
        return ((TXTRecord) r).getStringsAsByteArrays().stream()
                .map(b -> new String(b, StandardCharsets.ISO_8859_1)).collect(Collectors.toList());
    }

    @Test
    @DisplayName("RFC 8461 §3.1: a TXT record of several character-strings arrives as sent, over UDP and TCP")
    void txtWithSeveralStrings() throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Message m = query("_mta-sts.example.test", Type.TXT, tcp);
            assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
            List<Record> answer = m.getSection(Section.ANSWER);
            assertThat(answer).hasSize(1);
            assertThat(strings(answer.get(0))).containsExactly("v=STSv1; ", "id=20260101T000000;");
        }
        assertThat(sandbox.dnsQueries()).contains(
                new DnsQuery("_mta-sts.example.test", "TXT", DnsQuery.Transport.UDP),
                new DnsQuery("_mta-sts.example.test", "TXT", DnsQuery.Transport.TCP));
    }

    @Test
    void mxRecordsInclusiveNullMx() throws Exception {
        List<Record> mx = query("example.test", Type.MX, false).getSection(Section.ANSWER);
        assertThat(mx).extracting(r -> ((MXRecord) r).getPriority() + " " + ((MXRecord) r).getTarget())
                .containsExactly("20 mx2.example.test.", "10 mx1.example.test.");
        List<Record> nullMx = query("nullmx.test", Type.MX, false).getSection(Section.ANSWER);
        assertThat(nullMx).hasSize(1);
        assertThat(((MXRecord) nullMx.get(0)).getPriority()).isZero();
        assertThat(((MXRecord) nullMx.get(0)).getTarget()).isEqualTo(Name.root);
    }

    @Test
    void addressRecords() throws Exception {
        Record a = query("mx1.example.test", Type.A, false).getSection(Section.ANSWER).get(0);
        assertThat(((ARecord) a).getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        Record aaaa = query("mx1.example.test", Type.AAAA, true).getSection(Section.ANSWER).get(0);
        assertThat(((AAAARecord) aaaa).getAddress()).isEqualTo(InetAddress.getByName("::1"));
        // An IPv4-mapped literal stays a 16-byte AAAA record (the JDK would parse it as IPv4).
        Record mapped = query("mapped.example.test", Type.AAAA, false).getSection(Section.ANSWER).get(0);
        assertThat(mapped.rdataToString()).isEqualTo("::ffff:192.0.2.1");
    }

    @Test
    @DisplayName("RFC 8461 §3.1: a CNAME chain at _mta-sts is answered whole and followed by LookupSession")
    void cnameChain() throws Exception {
        Message m = query("_mta-sts.alias.example.test", Type.TXT, false);
        assertThat(m.getSection(Section.ANSWER)).extracting(Record::getType)
                .containsExactly(Type.CNAME, Type.CNAME, Type.TXT);
        LookupResult result = LookupSession.builder().resolver(resolver(false, Duration.ofSeconds(5))).build()
                .lookupAsync(Name.fromString("_mta-sts.alias.example.test."), Type.TXT)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(result.getRecords()).hasSize(1);
        assertThat(strings(result.getRecords().get(0))).containsExactly("v=STSv1; ", "id=20260101T000000;");
        assertThat(result.getAliases()).hasSize(2);
    }

    @Test
    void cnameLoopsAndDanglingTargetsReachTheClient() throws Exception {
        Message loop = query("loop1.example.test", Type.TXT, false);
        assertThat(loop.getSection(Section.ANSWER)).extracting(Record::getType).containsOnly(Type.CNAME);
        assertThatThrownBy(() -> LookupSession.builder().resolver(resolver(false, Duration.ofSeconds(5))).build()
                .lookupAsync(Name.fromString("loop1.example.test."), Type.TXT).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(RedirectLoopException.class);

        Message dangling = query("dangling.example.test", Type.TXT, false);
        assertThat(dangling.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(dangling.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.CNAME);
        assertThatThrownBy(() -> LookupSession.builder().resolver(resolver(false, Duration.ofSeconds(5))).build()
                .lookupAsync(Name.fromString("dangling.example.test."), Type.TXT).toCompletableFuture().join())
                .hasCauseInstanceOf(NoSuchDomainException.class);

        Message out = query("out.example.test", Type.A, false);
        assertThat(out.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(((CNAMERecord) out.getSection(Section.ANSWER).get(0)).getTarget())
                .isEqualTo(Name.fromString("somewhere.invalid."));
    }

    @Test
    @DisplayName("RFC 2308: NXDOMAIN and NODATA are told apart, both with the zone's SOA")
    void nxdomainVersusNodata() throws Exception {
        Message nx = query("nothing.example.test", Type.TXT, false);
        assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(nx.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);

        Message nodata = query("mx1.example.test", Type.TXT, false);
        assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
        assertThat(nodata.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);

        Message emptyNonTerminal = query("_tls.example.test", Type.TXT, false);
        assertThat(emptyNonTerminal.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(emptyNonTerminal.getSection(Section.ANSWER)).isEmpty();

        Message apexSoa = query("example.test", Type.SOA, true);
        assertThat(apexSoa.getSection(Section.ANSWER)).singleElement().isInstanceOf(SOARecord.class);
    }

    @Test
    void namesOutsideTheSandboxAreRefused() throws Exception {
        Message m = query("example.com", Type.TXT, false);
        assertThat(m.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(m.getHeader().getFlag(Flags.AA)).isFalse();
    }

    @Test
    void servfailAndRefusedFaults() throws Exception {
        assertThat(query("servfail.example.test", Type.TXT, false).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(query("servfail.example.test", Type.MX, true).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(query("refused.example.test", Type.TXT, false).getRcode()).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void noAnswerTimesTheClientOut() {
        Message q = Message.newQuery(Record.newRecord(name("silent.example.test."), Type.TXT, DClass.IN));
        assertThatThrownBy(() -> resolver(false, Duration.ofMillis(200)).send(q))
                .isInstanceOf(IOException.class).hasMessageContaining("Timed out");
        assertThatThrownBy(() -> resolver(true, Duration.ofMillis(200)).send(q))
                .isInstanceOf(IOException.class).hasMessageContaining("Timed out");
    }

    @Test
    @DisplayName("RFC 7766 §5: a truncated UDP answer makes the client retry over TCP")
    void truncationForcesTcp() throws Exception {
        Message m = query("trunc.example.test", Type.TXT, false);
        assertThat(m.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(strings(m.getSection(Section.ANSWER).get(0))).containsExactly("v=STSv1; id=truncated");
        assertThat(sandbox.dnsQueries()).contains(
                new DnsQuery("trunc.example.test", "TXT", DnsQuery.Transport.UDP),
                new DnsQuery("trunc.example.test", "TXT", DnsQuery.Transport.TCP));
    }

    @Test
    @DisplayName("RFC 1035 §4.2.1: an answer too big for UDP is truncated, and comes whole over TCP")
    void bigAnswersTruncateOnTheirOwn() throws Exception {
        Message m = query("big.example.test", Type.TXT, false);
        assertThat(m.getSection(Section.ANSWER)).hasSize(40);
        assertThat(sandbox.dnsQueries()).contains(new DnsQuery("big.example.test", "TXT", DnsQuery.Transport.TCP));
    }

    @Test
    void wrongIdAndGarbageAreRejectedByTheClient() {
        assertThatThrownBy(() -> query("wrongid.example.test", Type.TXT, false)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> query("garbage.example.test", Type.TXT, false)).isInstanceOf(IOException.class);
    }

    @Test
    void delayedAnswersArriveLate() throws Exception {
        Message q = Message.newQuery(Record.newRecord(name("slow.example.test."), Type.TXT, DClass.IN));
        assertThatThrownBy(() -> resolver(false, Duration.ofMillis(100)).send(q))
                .isInstanceOf(IOException.class).hasMessageContaining("Timed out");
        Message late = resolver(true, Duration.ofSeconds(10)).send(q);
        assertThat(strings(late.getSection(Section.ANSWER).get(0))).containsExactly("slow");
    }

    @Test
    void faultsAndRecordsChangeAtRunTime() throws Exception {
        try (MtaStsSandbox own = MtaStsSandbox.builder()
                .domain(DomainSpec.of("live.test").stsRecord("v=STSv1; id=1")).start()) {
            SimpleResolver r = new SimpleResolver(own.dnsAddress());
            Message q = Message.newQuery(Record.newRecord(name("_mta-sts.live.test."), Type.TXT, DClass.IN));
            assertThat(strings(r.send(q).getSection(Section.ANSWER).get(0))).containsExactly("v=STSv1; id=1");

            own.dnsFault("_mta-sts.live.test", DnsFault.SERVFAIL);
            assertThat(r.send(q).getRcode()).isEqualTo(Rcode.SERVFAIL);
            own.dnsFault("_mta-sts.live.test", null);

            own.update(DomainSpec.of("live.test").stsRecord("v=STSv1; id=2"));
            assertThat(strings(r.send(q).getSection(Section.ANSWER).get(0))).containsExactly("v=STSv1; id=2");
            assertThatThrownBy(() -> own.update(DomainSpec.of("other.test")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other.test");
        }
    }

    @Test
    void malformedQueriesGetFormerrOrNothing() throws Exception {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(5_000);
            // A header (id 0x1234, one question) followed by a truncated question.
            byte[] bad = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 3, 'a', 'b'};
            socket.send(new DatagramPacket(bad, bad.length, sandbox.dnsAddress()));
            DatagramPacket reply = new DatagramPacket(new byte[512], 512);
            socket.receive(reply);
            Message m = new Message(java.util.Arrays.copyOf(reply.getData(), reply.getLength()));
            assertThat(m.getHeader().getID()).isEqualTo(0x1234);
            assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
        }
        // Over TCP, a short message closes nothing: the next query on the connection is answered.
        try (Socket socket = new Socket(sandbox.dnsAddress().getAddress(), sandbox.dnsAddress().getPort())) {
            socket.setSoTimeout(5_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(3);
            out.write(new byte[] {1, 2, 3});
            byte[] good = Message.newQuery(Record.newRecord(name("example.test."), Type.MX, DClass.IN)).toWire();
            out.writeShort(good.length);
            out.write(good);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] reply = new byte[in.readUnsignedShort()];
            in.readFully(reply);
            assertThat(new Message(reply).getSection(Section.ANSWER)).hasSize(2);
        }
    }

    private static Name name(String s) {
        try {
            return Name.fromString(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
