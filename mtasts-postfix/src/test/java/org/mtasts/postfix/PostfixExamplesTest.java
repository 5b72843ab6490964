package org.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.MtaSts;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;

/**
 * The Javadoc examples of mtasts-postfix, compiled and run against the test kit's sandbox: each
 * {@code // --- example:} region is the example as written (CONTRIBUTING.md, "Examples").
 */
class PostfixExamplesTest {
    static MtaStsSandbox sandbox;
    static MtaSts sts;

    @BeforeAll
    static void start() {
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("example.com").stsRecord("v=STSv1; id=20260101")
                        .policy("version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n")
                        .mx(10, "mx.example.com"))
                .start();
        sts = MtaSts.builder().txtResolver(DnsjavaResolver.builder().server(sandbox.dnsAddress()).build())
                .clock(sandbox.clock()).trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses())
                .build();
    }

    @AfterAll
    static void stop() {
        sts.close();
        sandbox.close();
    }

    @Test
    void netstring() {
        // --- example: Netstring
        byte[] wire = Netstring.encode("postfix example.com");      // "19:postfix example.com,"
        Netstring.Decoder decoder = new Netstring.Decoder(1000);
        decoder.feed(ByteBuffer.wrap(wire));
        Netstring.Frame frame = decoder.next();                     // Frame.Data, or Need, or Invalid
        // ---
        assertThat(new String(wire, StandardCharsets.US_ASCII)).isEqualTo("19:postfix example.com,");
        assertThat(((Netstring.Frame.Data) frame).text()).isEqualTo("postfix example.com");

        // --- example: Netstring.Decoder
        Netstring.Decoder d = new Netstring.Decoder(100);
        d.feed(ByteBuffer.wrap("5:he".getBytes(StandardCharsets.US_ASCII)));
        Netstring.Frame first = d.next();                           // Need: "he" of 5 bytes so far
        d.feed(ByteBuffer.wrap("llo,".getBytes(StandardCharsets.US_ASCII)));
        Netstring.Frame second = d.next();                          // Data "hello"
        // ---
        assertThat(first).isInstanceOf(Netstring.Frame.Need.class);
        assertThat(((Netstring.Frame.Data) second).text()).isEqualTo("hello");
    }

    @Test
    void socketmapReplyAndListenAddress() {
        // --- example: SocketmapReply
        SocketmapReply reply = SocketmapReply.ok("secure match=mx.example.com servername=hostname");
        String text = reply.toText();               // "OK secure match=mx.example.com servername=hostname"
        SocketmapReply parsed = SocketmapReply.parse(text);
        // ---
        assertThat(text).isEqualTo("OK secure match=mx.example.com servername=hostname");
        assertThat(parsed).isEqualTo(reply);

        // --- example: ListenAddress
        ListenAddress inet = ListenAddress.parse("inet:127.0.0.1:8461");
        ListenAddress unix = ListenAddress.parse("unix:/run/mtasts-postfix/socketmap.sock");
        // ---
        assertThat(inet.toString()).isEqualTo("inet:127.0.0.1:8461");
        assertThat(unix.isUnix()).isTrue();
    }

    @Test
    void postfixConfig() {
        // --- example: PostfixConfig
        PostfixConfig config = PostfixConfig.parse("""
                listen: inet:127.0.0.1:8461
                cache:
                  type: memory
                  size: 10000
                default_zone:
                  strict_testing: false
                zones:
                  strict:
                    strict_testing: true
                """);
        // ---
        assertThat(config.zone("strict").strictTesting()).isTrue();
        int seen = 0;
        // --- example: PostfixConfig.ConfigException
        try {
            PostfixConfig.parse("listen: inet:127.0.0.1:8461\nlisten_port: 8461\n");
        } catch (PostfixConfig.ConfigException e) {
            int line = e.line();                            // 2
            seen = line;                                    // sandbox only
        }
        // ---
        assertThat(seen).isEqualTo(2);
    }

    @Test
    void postfixPolicyServer() throws IOException {
        SocketmapReply seen = null;
        // --- example: PostfixPolicyServer
        PostfixConfig config = PostfixConfig.parse("listen: inet:127.0.0.1:0\n");
        try (PostfixPolicyServer server = PostfixPolicyServer.builder(sts).config(config).start()) {
            ListenAddress where = server.address();                  // the port that was picked
            SocketmapReply reply = server.answer("postfix", "example.com").join();
            seen = reply;                                            // sandbox only
            assertThat(where.port()).isPositive();                   // sandbox only
        }
        // ---
        assertThat(seen.toText()).isEqualTo("OK secure match=mx.example.com servername=hostname");

        // --- example: PostfixPolicyServer.Builder
        PostfixPolicyServer server = PostfixPolicyServer.builder(sts)
                .config(PostfixConfig.parse("listen: inet:127.0.0.1:0\n"))
                .start();
        // ---
        assertThat(server.isServing()).isTrue();
        server.close();
        assertThat(server.isServing()).isFalse();
    }

    @Test
    void socketmapClient() throws IOException {
        SocketmapReply seen = null;
        try (PostfixPolicyServer server = PostfixPolicyServer.builder(sts)
                .config(PostfixConfig.parse("listen: inet:127.0.0.1:0\n")).start()) {
            // --- example: SocketmapClient
            try (SocketmapClient client = SocketmapClient.connect(server.address(), Duration.ofSeconds(30))) {
                SocketmapReply reply = client.query("postfix", "example.com");
                seen = reply;                                        // sandbox only
            }
            // ---
        }
        assertThat(seen.toText()).isEqualTo("OK secure match=mx.example.com servername=hostname");
    }

    @Test
    void postfixPolicyService(@TempDir Path dir) throws IOException {
        Optional<InetSocketAddress> seen;
        // --- example: PostfixPolicyService
        PostfixConfig config = PostfixConfig.parse("listen: inet:127.0.0.1:0\nhttp: 127.0.0.1:0\n");
        try (PostfixPolicyService service = PostfixPolicyService.builder(config)
                .mtaSts(sts)
                .start()) {
            ListenAddress socketmap = service.server().address();
            Optional<InetSocketAddress> http = service.httpAddress();
            seen = http;                                             // sandbox only
            assertThat(socketmap.port()).isPositive();               // sandbox only
        }
        // ---
        assertThat(seen).isPresent();

        Path file = dir.resolve("mtasts-postfix.yml");
        Files.writeString(file, "listen: inet:127.0.0.1:0\nproactive_refresh:\n  enabled: false\n"
                + "dns:\n  servers: [" + sandbox.dnsAddress().getAddress().getHostAddress() + ":"
                + sandbox.dnsAddress().getPort() + "]\n");
        // --- example: PostfixPolicyService.Builder
        PostfixPolicyService service = PostfixPolicyService.builder(PostfixConfig.load(file)).start();
        // ---
        try (service) {
            assertThat(service.server().isServing()).isTrue();
            assertThat(service.httpAddress()).isEmpty();
        }
    }
}
