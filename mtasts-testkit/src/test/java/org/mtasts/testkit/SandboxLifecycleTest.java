package org.mtasts.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Starting and closing: no thread or port outlives close(), and start-up is fast. */
class SandboxLifecycleTest {

    private static MtaStsSandbox.Builder fiveDomains() {
        return MtaStsSandbox.builder()
                .scenario(Scenario.GOOD, Scenario.HTTP_ONLY, Scenario.EXPIRED_MX_CERT, Scenario.TWO_RECORDS)
                .domain(DomainSpec.of("stuck.test")
                        .policyResponse(PolicyResponse.ok("x").withFault(HttpFault.STALL_AFTER_HEADERS))
                        .mx(10, SmtpHost.of("mx.stuck.test").withFault(SmtpFault.STALL_AFTER_EHLO)));
    }

    private static Set<String> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).collect(Collectors.toSet());
    }

    @Test
    void closeStopsEveryThreadAndFreesEveryPort() throws Exception {
        MtaStsSandbox sandbox = fiveDomains().start();
        String prefix = sandbox.threadPrefix();
        List<InetSocketAddress> tcp = new ArrayList<>(sandbox.addresses().values());
        tcp.addAll(sandbox.httpAddresses().values());
        tcp.add(sandbox.dnsAddress());
        assertThat(tcp).hasSize(6 + 5 + 5 + 1); // MX hosts, policy hosts over HTTPS and HTTP, DNS

        // Put every server to work, and leave two connections stuck in the middle.
        SimpleResolver udp = new SimpleResolver(sandbox.dnsAddress());
        SimpleResolver tcpResolver = new SimpleResolver(sandbox.dnsAddress());
        tcpResolver.setTCP(true);
        Message q = Message.newQuery(Record.newRecord(Name.fromString("_mta-sts.good.example."), Type.TXT, DClass.IN));
        assertThat(udp.send(q).getSection(org.xbill.DNS.Section.ANSWER)).hasSize(1);
        assertThat(tcpResolver.send(q).getSection(org.xbill.DNS.Section.ANSWER)).hasSize(1);
        HttpsURLConnection https = JdkClients.https(sandbox, "mta-sts.good.example", sandbox.clientSslContext());
        assertThat(https.getResponseCode()).isEqualTo(200);
        try (SmtpClient smtp = SmtpClient.connect(sandbox.address("mx1.good.example"))) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("STARTTLS");
            smtp.startTls(sandbox.clientSslContext(), "mx1.good.example", true);
            smtp.command("QUIT");
        }
        Socket stuckHttp = new Socket();
        stuckHttp.connect(sandbox.httpAddresses().get("mta-sts.stuck.test"));
        OutputStream out = stuckHttp.getOutputStream();
        out.write("GET /.well-known/mta-sts.txt HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = stuckHttp.getInputStream();
        assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
        SmtpClient stuckSmtp = SmtpClient.connect(sandbox.address("mx.stuck.test"));
        stuckSmtp.reply();
        stuckSmtp.command("EHLO client.test");
        assertThat(threads(prefix)).isNotEmpty();

        sandbox.close();

        assertThat(threads(prefix)).isEmpty();
        for (InetSocketAddress a : tcp) {
            assertThatThrownBy(() -> new Socket(a.getAddress(), a.getPort()).close())
                    .as("port %s", a).isInstanceOf(ConnectException.class);
        }
        try (DatagramSocket freed = new DatagramSocket(sandbox.dnsAddress())) {
            assertThat(freed.getLocalPort()).isEqualTo(sandbox.dnsAddress().getPort());
        }
        // The stuck connections were closed: the rest of the headers, then end of stream.
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).endsWith("Connection: close\r\n\r\n");
        assertThatThrownBy(stuckSmtp::reply).isInstanceOf(IOException.class);
        stuckSmtp.close();
        stuckHttp.close();
        assertThat(sandbox.problems()).isEmpty();

        sandbox.close(); // again: nothing happens
        assertThatThrownBy(() -> sandbox.update(Scenario.GOOD.spec()))
                .isInstanceOf(IllegalStateException.class).hasMessage("the sandbox is closed");
    }

    @Test
    void aFailedStartLeavesNothingBehind() {
        Set<String> before = threads("mtasts-sandbox-");
        assertThatThrownBy(() -> MtaStsSandbox.builder()
                .domain(DomainSpec.of("a.test").mx(10, "mx.b.a.test"))
                .domain(DomainSpec.of("b.a.test").mx(10, "mx.b.a.test"))
                .start())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("host mx.b.a.test is defined twice");
        assertThat(threads("mtasts-sandbox-")).isSubsetOf(before);
    }

    @Test
    void startsFiveDomainsQuickly() {
        // Measured and printed, never asserted: wall-clock limits make flaky tests.
        long[] millis = new long[5];
        for (int i = 0; i < millis.length; i++) {
            long t0 = System.nanoTime();
            try (MtaStsSandbox sandbox = fiveDomains().start()) {
                millis[i] = (System.nanoTime() - t0) / 1_000_000;
                assertThat(sandbox.domains()).hasSize(5);
            }
        }
        System.out.println("sandbox start with 5 domains, ms: " + Arrays.toString(millis));
    }

    @Test
    void timedWaitsGiveUpWithAClearMessage() throws Exception {
        try (MtaStsSandbox sandbox = MtaStsSandbox.builder().domain(DomainSpec.of("w.test").mx(10, "mx.w.test")).start()) {
            assertThatThrownBy(() -> sandbox.awaitSmtpSessions("mx.w.test", 1, Duration.ofMillis(1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("1 sessions with mx.w.test did not end within PT0.001S; sessions: []");
        }
    }
}
