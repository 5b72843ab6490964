package org.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.MtaSts;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.PolicyResponse;

/**
 * The server over real sockets on loopback, with policies served by the test kit's sandbox: every
 * answer, the protocol limits, slow and many clients, a slow domain, shutdown, and the HTTP
 * endpoint. No sleeps and no wall-clock assertions: waits end on events (latches, futures, EOF),
 * each with a generous upper bound so that a bug fails instead of hanging.
 */
class PostfixPolicyServerTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static MtaStsSandbox sandbox;

    FakeTxtResolver dns;
    MtaSts sts;
    PostfixPolicyServer server;

    @BeforeAll
    static void startSandbox() {
        sandbox = MtaStsSandbox.builder()
                .domain(policyDomain("enforce.example", "enforce"))
                .domain(policyDomain("testing.example", "testing"))
                .domain(policyDomain("none.example", "none"))
                .domain(policyDomain("slow.example", "enforce"))
                .domain(policyDomain("http404.example", "enforce").policyResponse(PolicyResponse.status(404)))
                .start();
    }

    static DomainSpec policyDomain(String domain, String mode) {
        return DomainSpec.of(domain).stsRecord("v=STSv1; id=1")
                .policy("version: STSv1\nmode: " + mode + "\nmx: mx1." + domain + "\nmx: *.mx." + domain
                        + "\nmax_age: 86400\n")
                .mx(10, "mx1." + domain);
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @BeforeEach
    void start() throws IOException {
        dns = FakeTxtResolver.create();
        for (String d : List.of("enforce.example", "testing.example", "none.example", "slow.example",
                "http404.example")) {
            dns.records("_mta-sts." + d, "v=STSv1; id=1");
        }
        dns.temporaryFailure("_mta-sts.dnsfail.example", "SERVFAIL");
        dns.nxdomain("_mta-sts.plain.example");
        sts = MtaSts.builder().txtResolver(dns).clock(sandbox.clock()).trustManager(sandbox.trustManager())
                .addressOverrides(sandbox.addresses()).proactiveRefresh(false).build();
        server = start("zones:\n  strict:\n    strict_testing: true\n");
    }

    PostfixPolicyServer start(String yaml) throws IOException {
        PostfixConfig config = PostfixConfig.parse("listen: inet:127.0.0.1:0\n" + yaml);
        return PostfixPolicyServer.builder(sts).config(config).mxResolver(mxDns()).start();
    }

    /** The sandbox's DNS server for the MX lookups (RFC 8461 §4.1; MxNotInPolicyTest has the cases). */
    static DnsjavaResolver mxDns() {
        return DnsjavaResolver.builder().server(sandbox.dnsAddress()).build();
    }

    @AfterEach
    void stop() {
        server.shutdown(Duration.ofSeconds(5));
        sts.close();
    }

    SocketmapClient client(PostfixPolicyServer s) throws IOException {
        return SocketmapClient.connect(s.address(), WAIT);
    }

    Socket raw(PostfixPolicyServer s) throws IOException {
        Socket socket = new Socket(s.address().host(), s.address().port());
        socket.setSoTimeout((int) WAIT.toMillis()); // an upper bound only: every wait ends on an event
        return socket;
    }

    static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void everyAnswerShapeOverOneConnection() throws IOException {
        try (SocketmapClient c = client(server)) {
            assertThat(c.query("postfix", "enforce.example").toText())
                    .isEqualTo("OK secure match=mx1.enforce.example:.mx.enforce.example servername=hostname");
            assertThat(c.query("postfix", "testing.example").toText()).isEqualTo("NOTFOUND ");
            assertThat(c.query("strict", "testing.example").toText())
                    .isEqualTo("OK secure match=mx1.testing.example:.mx.testing.example servername=hostname");
            assertThat(c.query("postfix", "none.example").toText()).isEqualTo("NOTFOUND ");
            assertThat(c.query("postfix", "plain.example").toText()).isEqualTo("NOTFOUND ");
            assertThat(c.query("postfix", "dnsfail.example").toText())
                    .isEqualTo("TEMP MTA-STS policy of dnsfail.example unknown: dns-temporary-failure: SERVFAIL");
            assertThat(c.query("postfix", "[192.0.2.1]").toText()).isEqualTo("NOTFOUND ");
            assertThat(c.query("postfix", "[mx1.enforce.example]").toText()).isEqualTo("NOTFOUND ");
            assertThat(c.query("postfix", ".enforce.example").toText()).isEqualTo("NOTFOUND ");
            assertThat(c.query("other", "enforce.example").toText())
                    .isEqualTo("PERM unknown map name 'other' (configured: postfix and the zones)");
            assertThat(c.exchange(Netstring.encode("nospace")))
                    .isEqualTo("PERM expected '<name> <key>', got 'nospace'");
            // The connection is still usable after a PERM for a bad request.
            assertThat(c.query("postfix", "ENFORCE.example").status()).isEqualTo(SocketmapReply.Status.OK);
        }
        assertThat(server.meterRegistry().get("mtasts_postfix_answers").tag("kind", "ok_secure").counter().count())
                .isEqualTo(3);
        assertThat(server.meterRegistry().get("mtasts_postfix_answers").tag("kind", "perm").counter().count())
                .isEqualTo(2);
    }

    @Test
    void aPolicyThatCannotBeFetchedIsNotFoundAndCountedByResultType_rfc8461Section3_3() throws IOException {
        try (SocketmapClient c = client(server)) {
            assertThat(c.query("postfix", "http404.example").toText()).isEqualTo("NOTFOUND ");
        }
        assertThat(server.meterRegistry().get("mtasts_postfix_policy_failures")
                .tag("result_type", "sts-policy-fetch-error").counter().count()).isEqualTo(1);
        assertThat(server.meterRegistry().get("mtasts_postfix_cache").tag("result", "miss").counter().count())
                .isEqualTo(1);
    }

    @Test
    void aRequestArrivingOneByteAtATimeIsAnswered() throws IOException {
        try (Socket s = raw(server)) {
            OutputStream out = s.getOutputStream();
            for (byte b : Netstring.encode("postfix none.example")) {
                out.write(b);
                out.flush();
            }
            byte[] expected = SocketmapReply.notFound().toWire();
            assertThat(s.getInputStream().readNBytes(expected.length)).isEqualTo(expected);
        }
    }

    @Test
    void twoRequestsInOneWriteAreAnsweredInOrder() throws IOException {
        try (Socket s = raw(server)) {
            java.io.ByteArrayOutputStream both = new java.io.ByteArrayOutputStream();
            both.writeBytes(Netstring.encode("postfix none.example"));
            both.writeBytes(Netstring.encode("postfix [192.0.2.1]"));
            s.getOutputStream().write(both.toByteArray());
            byte[] one = SocketmapReply.notFound().toWire();
            assertThat(s.getInputStream().readNBytes(2 * one.length)).isEqualTo(both(one, one));
        }
    }

    static byte[] both(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void aClientThatDoesNotReadItsAnswersIsNotReadFrom() throws Exception {
        byte[] request = Netstring.encode("postfix [192.0.2.1]");
        ByteBuffer burst = ByteBuffer.allocate(request.length * 4096);
        while (burst.remaining() >= request.length) {
            burst.put(request);
        }
        long written = 0;
        long limit = 64L << 20;
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                (InetSocketAddress) server.address().socketAddress());
                java.nio.channels.Selector sel = java.nio.channels.Selector.open()) {
            ch.configureBlocking(false);
            ch.register(sel, java.nio.channels.SelectionKey.OP_WRITE);
            // Pipeline requests and never read: once the socket buffers are full the server must
            // stop reading (its unread answers would otherwise pile up), so writing stalls.
            burst.flip(); // whole requests only: rewinding restarts at a frame boundary
            while (written < limit) {
                if (!burst.hasRemaining()) {
                    burst.rewind();
                }
                int n = ch.write(burst);
                written += n;
                if (n == 0) {
                    if (sel.select(2000) == 0) {
                        break; // no room for two seconds: the server is not reading
                    }
                    sel.selectedKeys().clear();
                }
            }
        }
        assertThat(written).isLessThan(limit);
    }

    @Test
    void anOversizedLengthPrefixIsPermAndClosedAtOnce() throws IOException {
        try (Socket s = raw(server)) {
            s.getOutputStream().write("1001:".getBytes(StandardCharsets.US_ASCII));
            // Not one data byte was sent: the answer comes on the prefix alone, then EOF.
            assertThat(readAll(s.getInputStream())).isEqualTo(new String(
                    SocketmapReply.perm("invalid netstring: length 1001 exceeds the limit of 1000 bytes").toWire(),
                    StandardCharsets.UTF_8));
        }
    }

    @Test
    void garbageIsPermAndClosed() throws IOException {
        try (Socket s = raw(server)) {
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(s.getInputStream())).isEqualTo(new String(
                    SocketmapReply.perm("invalid netstring: expected a length digit, got 'G'").toWire(),
                    StandardCharsets.UTF_8));
        }
    }

    @Test
    void aClientThatStopsMidRequestIsClosedAfterTheRequestTimeout() throws IOException {
        try (PostfixPolicyServer quick = start("request_timeout: 200ms\n"); Socket s = raw(quick)) {
            s.getOutputStream().write("20:postfix".getBytes(StandardCharsets.US_ASCII));
            assertThat(s.getInputStream().read()).isEqualTo(-1); // closed by the server, no reply
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        try (PostfixPolicyServer quick = start("idle_timeout: 200ms\n"); Socket s = raw(quick)) {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void connectionsOverTheLimitAreClosed() throws IOException {
        try (PostfixPolicyServer small = start("max_connections: 2\n");
                SocketmapClient a = client(small); SocketmapClient b = client(small)) {
            assertThat(a.query("postfix", "none.example").status()).isEqualTo(SocketmapReply.Status.NOTFOUND);
            assertThat(b.query("postfix", "none.example").status()).isEqualTo(SocketmapReply.Status.NOTFOUND);
            try (Socket third = raw(small)) {
                assertThat(third.getInputStream().read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void twoHundredConcurrentConnectionsAreAllAnswered() throws Exception {
        try (SocketmapClient warm = client(server)) {
            assertThat(warm.query("postfix", "enforce.example").status()).isEqualTo(SocketmapReply.Status.OK);
        }
        List<SocketmapClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int i = 0; i < 200; i++) {
                clients.add(client(server)); // all 200 open at once, as 200 smtp processes
            }
            List<Future<SocketmapReply>> replies = new ArrayList<>();
            for (SocketmapClient c : clients) {
                replies.add(pool.submit(() -> {
                    SocketmapReply last = null;
                    for (int i = 0; i < 5; i++) {
                        last = c.query("postfix", "enforce.example");
                    }
                    return last;
                }));
            }
            for (Future<SocketmapReply> f : replies) {
                assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(SocketmapReply.Status.OK);
            }
        } finally {
            pool.shutdownNow();
            for (SocketmapClient c : clients) {
                c.close();
            }
        }
        assertThat(server.meterRegistry().get("mtasts_postfix_answers").tag("kind", "ok_secure").counter().count())
                .isEqualTo(1001);
    }

    @Test
    void aSlowDomainDoesNotDelayOtherConnections() throws Exception {
        FakeTxtResolver.Hold hold = dns.hold("_mta-sts.slow.example");
        try (Socket slow = raw(server); SocketmapClient fast = client(server)) {
            slow.getOutputStream().write(Netstring.encode("postfix slow.example"));
            assertThat(hold.awaitWaiting(1, WAIT)).isTrue(); // the slow lookup is in flight
            // Meanwhile another connection is answered, cold (a fetch) and warm.
            assertThat(fast.query("postfix", "enforce.example").status()).isEqualTo(SocketmapReply.Status.OK);
            assertThat(fast.query("postfix", "testing.example").status()).isEqualTo(SocketmapReply.Status.NOTFOUND);
            assertThat(slow.getInputStream().available()).isZero(); // still waiting for its answer
            hold.release();
            byte[] expected = SocketmapReply.ok("secure match=mx1.slow.example:.mx.slow.example servername=hostname")
                    .toWire();
            assertThat(slow.getInputStream().readNBytes(expected.length)).isEqualTo(expected);
        }
    }

    @Test
    void aZoneTimeoutAnswersTempWhileTheLookupGoesOn() throws Exception {
        try (PostfixPolicyServer quick = start("default_zone:\n  timeout: 100ms\n")) {
            FakeTxtResolver.Hold hold = dns.hold("_mta-sts.slow.example");
            try (SocketmapClient c = client(quick)) {
                assertThat(c.query("postfix", "slow.example").toText())
                        .startsWith("TEMP MTA-STS policy of slow.example unknown: resolution-timeout");
            } finally {
                hold.release();
            }
        }
    }

    @Test
    void shutdownStopsAcceptingAndFinishesAnswersInFlight() throws Exception {
        FakeTxtResolver.Hold hold = dns.hold("_mta-sts.slow.example");
        try (Socket slow = raw(server)) {
            slow.getOutputStream().write(Netstring.encode("postfix slow.example"));
            assertThat(hold.awaitWaiting(1, WAIT)).isTrue();
            CompletableFuture<Boolean> drained = server.shutdownAsync(WAIT);
            assertThat(server.isServing()).isFalse();
            assertThat(drained).isNotDone();
            hold.release();
            byte[] expected = SocketmapReply.ok("secure match=mx1.slow.example:.mx.slow.example servername=hostname")
                    .toWire();
            assertThat(slow.getInputStream().readNBytes(expected.length)).isEqualTo(expected);
            assertThat(drained.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(slow.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void listensOnAUnixSocket(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("socketmap.sock");
        try (PostfixPolicyServer unix = PostfixPolicyServer.builder(sts)
                .config(PostfixConfig.parse("listen: unix:" + socket + "\n")).start();
                SocketmapClient c = SocketmapClient.connect(ListenAddress.parse("unix:" + socket), WAIT)) {
            assertThat(unix.address().isUnix()).isTrue();
            assertThat(c.query("postfix", "enforce.example").status()).isEqualTo(SocketmapReply.Status.OK);
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void theHttpEndpointServesHealthMetricsAndPurge() throws Exception {
        PostfixConfig config = PostfixConfig.parse("listen: inet:127.0.0.1:0\nhttp: 127.0.0.1:0\n");
        try (PostfixPolicyService service = PostfixPolicyService.builder(config).mtaSts(sts).mxResolver(mxDns()).start();
                SocketmapClient c = SocketmapClient.connect(service.server().address(), WAIT)) {
            InetSocketAddress http = service.httpAddress().orElseThrow();
            String base = "http://127.0.0.1:" + http.getPort();
            HttpClient web = HttpClient.newHttpClient();
            assertThat(c.query("postfix", "enforce.example").status()).isEqualTo(SocketmapReply.Status.OK);
            assertThat(c.query("postfix", "enforce.example").status()).isEqualTo(SocketmapReply.Status.OK);
            int lookups = dns.lookups("_mta-sts.enforce.example");

            HttpResponse<String> health = web.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("serving\n");

            String metrics = web.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("mtasts_postfix_answers_total{kind=\"ok_secure\"} 2.0",
                    "mtasts_postfix_cache_total{result=\"hit\"} 1.0", "mtasts_postfix_cache_total{result=\"miss\"} 1.0",
                    "mtasts_postfix_answer_seconds_bucket");

            HttpResponse<String> get = web.send(HttpRequest.newBuilder(URI.create(base + "/purge?domain=enforce.example"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(405);
            HttpResponse<String> bad = web.send(HttpRequest.newBuilder(URI.create(base + "/purge?domain=no%20domain"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            HttpResponse<String> purge = web.send(HttpRequest.newBuilder(URI.create(base + "/purge?domain=enforce.example"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(purge.statusCode()).isEqualTo(200);
            assertThat(purge.body()).isEqualTo("purged enforce.example\n");

            // Purged: the next request looks the record up and fetches again.
            assertThat(c.query("postfix", "enforce.example").status()).isEqualTo(SocketmapReply.Status.OK);
            assertThat(dns.lookups("_mta-sts.enforce.example")).isEqualTo(lookups + 1);
        }
    }
}
