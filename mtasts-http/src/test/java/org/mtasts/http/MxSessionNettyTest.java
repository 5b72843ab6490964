package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtasts.core.DeliveryDecision;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxCertificateCheck;
import org.mtasts.core.ResultType;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.testkit.CertificateVariant;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.SmtpHost;

/**
 * The handshake-time MX check (issue 13, point 7) in a Netty client: an {@code SslHandler} on the
 * JDK engine and on OpenSSL (BoringSSL), whose {@code SSLSession.getPeerCertificates()} is a plain
 * {@code Certificate[]}, against the sandbox's MX hosts: SMTP in a line-based pipeline, STARTTLS,
 * then the handler, bound to the {@link MxSession} before its handshake starts.
 */
class MxSessionNettyTest {

    static MtaStsSandbox sandbox;
    static MtaSts sts;
    static EventLoopGroup group;

    @BeforeAll
    static void start() {
        String enforce = "version: STSv1\nmode: enforce\nmx: mx1.good.test\nmx: mx1.expired.test\nmax_age: 86400\n";
        String testing = "version: STSv1\nmode: testing\nmx: mx1.testing.test\nmax_age: 86400\n";
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("good.test").stsRecord("v=STSv1; id=1").policy(enforce)
                        .mx(10, SmtpHost.of("mx1.good.test")))
                .domain(DomainSpec.of("expired.test").stsRecord("v=STSv1; id=1").policy(enforce)
                        .mx(10, SmtpHost.of("mx1.expired.test").withCertificate(CertificateVariant.EXPIRED)))
                .domain(DomainSpec.of("testing.test").stsRecord("v=STSv1; id=1").policy(testing)
                        .mx(10, SmtpHost.of("mx1.testing.test").withCertificate(CertificateVariant.WRONG_HOST)))
                .start();
        DnsjavaResolver dns = DnsjavaResolver.builder().server(sandbox.dnsAddress()).timeout(Duration.ofMillis(500))
                .retries(0).build();
        sts = MtaSts.builder().txtResolver(dns).clock(sandbox.clock()).trustManager(sandbox.trustManager())
                .addressOverrides(sandbox.addresses()).mxTrustManager(sandbox.trustManager())
                .proactiveRefresh(false).build();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
        sts.close();
        sandbox.close();
    }

    static Stream<Arguments> providers() {
        return Stream.of(Arguments.of(SslProvider.JDK), Arguments.of(SslProvider.OPENSSL));
    }

    @Test
    @DisplayName("the OpenSSL engine is there (BoringSSL natives for linux-x86_64 on the test class path)")
    void openSslIsAvailable() {
        assertThat(OpenSsl.isAvailable()).as(String.valueOf(OpenSsl.unavailabilityCause())).isTrue();
    }

    /** What one Netty STARTTLS session ended with. */
    record Outcome(DeliveryDecision decision, Certificate[] peerCertificates) {}

    /** Greeting, EHLO, STARTTLS, then the SslHandler bound to the session; QUIT after the handshake. */
    private static Outcome session(SslProvider provider, String domain) throws Exception {
        DomainName mx = DomainName.of("mx1." + domain);
        PolicyResolution policy = sts.resolve(DomainName.of(domain));
        SslContext tls = SslContextBuilder.forClient().sslProvider(provider).trustManager(sts.mxTrustManager())
                .build();
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        MxSession session = sts.session(policy, mx);
        InetSocketAddress address = sandbox.address(mx.ascii());
        Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(1000),
                                new StringDecoder(StandardCharsets.US_ASCII), new StringEncoder(StandardCharsets.US_ASCII),
                                new SimpleChannelInboundHandler<String>() {
                                    private boolean starttlsSent;

                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, String line) {
                                        if (line.length() > 3 && line.charAt(3) == '-') {
                                            return; // a continuation line
                                        }
                                        if (line.startsWith("220") && !starttlsSent) {
                                            ctx.writeAndFlush("EHLO sender.test\r\n");
                                        } else if (line.startsWith("250") && !starttlsSent) {
                                            starttlsSent = true;
                                            ctx.writeAndFlush("STARTTLS\r\n");
                                        } else if (line.startsWith("220") && starttlsSent) {
                                            SslHandler handler = tls.newHandler(ctx.alloc(), mx.ascii(), address.getPort());
                                            session.bind(handler.engine());       // before the handshake starts
                                            handler.handshakeFuture().addListener(f -> {
                                                if (f.isSuccess()) {
                                                    DeliveryDecision d = session.handshakeCompleted(handler.engine().getSession());
                                                    outcome.complete(new Outcome(d, handler.engine().getSession()
                                                            .getPeerCertificates()));
                                                    ctx.writeAndFlush("QUIT\r\n");
                                                } else {
                                                    outcome.complete(new Outcome(session.handshakeFailed(f.cause()),
                                                            new Certificate[0]));
                                                    ctx.close();
                                                }
                                            });
                                            ctx.pipeline().addFirst(handler);
                                        } else if (line.startsWith("221")) {
                                            ctx.close();
                                        }
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        outcome.completeExceptionally(cause);
                                        ctx.close();
                                    }
                                });
                    }
                }).connect(address).sync().channel();
        try {
            return outcome.get(20, TimeUnit.SECONDS);
        } finally {
            channel.close().sync();
            session.close();
        }
    }

    @ParameterizedTest(name = "RFC 8461 §4.2, §7.1: {0}: a valid certificate passes the handshake-time check")
    @MethodSource("providers")
    void aValidCertificatePasses(SslProvider provider) throws Exception {
        Outcome o = session(provider, "good.test");
        assertThat(o.decision().verdict()).isEqualTo(DeliveryDecision.Verdict.DELIVER);
        assertThat(o.peerCertificates()).isNotEmpty();
        assertThat(sandbox.smtpSessions("mx1.good.test")).anySatisfy(s -> assertThat(s.sni()).isEqualTo("mx1.good.test"));
    }

    @ParameterizedTest(name = "RFC 8461 §5: {0}: enforce fails the handshake of an expired certificate, with its reason")
    @MethodSource("providers")
    void enforceFailsTheHandshake(SslProvider provider) throws Exception {
        Outcome o = session(provider, "expired.test");
        assertThat(o.decision().refuses()).isTrue();
        assertThat(o.decision().resultType()).isEqualTo(ResultType.CERTIFICATE_EXPIRED);
        assertThat(o.decision().failureReasonCode()).isEqualTo(MxCertificateCheck.REASON_EXPIRED);
    }

    @ParameterizedTest(name = "RFC 8461 §5: {0}: testing records the host mismatch and lets the handshake go on")
    @MethodSource("providers")
    void testingRecordsAndGoesOn(SslProvider provider) throws Exception {
        Outcome o = session(provider, "testing.test");
        assertThat(o.decision().verdict()).isEqualTo(DeliveryDecision.Verdict.DELIVER_AND_REPORT);
        assertThat(o.decision().resultType()).isEqualTo(ResultType.CERTIFICATE_HOST_MISMATCH);
        // The session's chain is a Certificate[] (on OpenSSL not an X509Certificate[]): checked without a cast.
        assertThat(sts.mxTrustManager().check().check(DomainName.of("mx1.testing.test"), o.peerCertificates())
                .isValid()).isFalse();
    }
}
