package org.mtasts.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Properties of the sandbox DNS server: TXT bytes survive the wire, and no input breaks it. */
class DnsWirePropertiesTest {

    private static MtaStsSandbox sandbox;

    @BeforeContainer
    static void start() {
        sandbox = MtaStsSandbox.builder().domain(DomainSpec.of("prop.test").txt("ok.prop.test", "ok")).start();
    }

    @AfterContainer
    static void stop() {
        sandbox.close();
    }

    @Provide
    Arbitrary<List<String>> txtStrings() {
        Arbitrary<String> one = Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMinLength(0).ofMaxLength(255);
        return one.list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 60)
    void txtCharacterStringsRoundTripByteForByte(@ForAll("txtStrings") List<String> strings) throws IOException {
        sandbox.update(DomainSpec.of("prop.test").txt("ok.prop.test", "ok")
                .txt("t.prop.test", strings.toArray(new String[0])));
        SimpleResolver r = new SimpleResolver(sandbox.dnsAddress());
        r.setTimeout(Duration.ofSeconds(5));
        Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString("t.prop.test."), Type.TXT, DClass.IN)));
        List<Record> answer = m.getSection(Section.ANSWER);
        assertThat(answer).hasSize(1);
        List<String> got = ((TXTRecord) answer.get(0)).getStringsAsByteArrays().stream()
                .map(b -> new String(b, StandardCharsets.ISO_8859_1)).collect(Collectors.toList());
        assertThat(got).isEqualTo(strings);
    }

    @Property(tries = 60)
    void splitsLongRecordsIntoStringsThatJoinBack(@ForAll @Size(max = 1200) List<@net.jqwik.api.constraints.CharRange(from = ' ', to = '~') Character> chars)
            throws IOException {
        String text = chars.stream().map(String::valueOf).collect(Collectors.joining());
        sandbox.update(DomainSpec.of("prop.test").txt("ok.prop.test", "ok").stsRecord(text));
        SimpleResolver r = new SimpleResolver(sandbox.dnsAddress());
        Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString("_mta-sts.prop.test."), Type.TXT, DClass.IN)));
        List<byte[]> parts = ((TXTRecord) m.getSection(Section.ANSWER).get(0)).getStringsAsByteArrays();
        assertThat(parts).allSatisfy(p -> assertThat(p.length).isLessThanOrEqualTo(255));
        StringBuilder joined = new StringBuilder();
        parts.forEach(p -> joined.append(new String(p, StandardCharsets.ISO_8859_1)));
        assertThat(joined.toString()).isEqualTo(text);
    }

    @Property(tries = 100)
    void arbitraryDatagramsAndStreamsNeverBreakTheServer(@ForAll @Size(max = 600) byte[] junk) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(junk, junk.length, sandbox.dnsAddress()));
        }
        try (Socket socket = new Socket(sandbox.dnsAddress().getAddress(), sandbox.dnsAddress().getPort())) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(junk.length);
            out.write(junk);
            out.flush();
        }
        SimpleResolver r = new SimpleResolver(sandbox.dnsAddress());
        r.setTimeout(Duration.ofSeconds(5));
        Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString("ok.prop.test."), Type.TXT, DClass.IN)));
        assertThat(m.getSection(Section.ANSWER)).hasSize(1);
        assertThat(sandbox.problems()).isEmpty();
    }
}
