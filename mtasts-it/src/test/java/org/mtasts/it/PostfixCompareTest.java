package org.mtasts.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The load client of postfix-compare.sh: its socketmap framing, its statistics, and a bounded run on loopback. */
class PostfixCompareTest {

    private static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    @DisplayName("a request is the netstring of \"postfix DOMAIN\", as Postfix's socketmap client sends it")
    void requestIsANetstring() {
        assertThat(new String(PostfixCompare.request("example.test"), StandardCharsets.US_ASCII))
                .isEqualTo("20:postfix example.test,");
    }

    @Test
    @DisplayName("replies are read frame by frame; a bad length, a short frame or a missing comma is an error")
    void readsReplies() throws IOException {
        InputStream in = bytes("9:NOTFOUND ,12:OK dane-only,");
        assertThat(PostfixCompare.reply(in)).isEqualTo("NOTFOUND ");
        assertThat(PostfixCompare.reply(in)).isEqualTo("OK dane-only");
        assertThatThrownBy(() -> PostfixCompare.reply(bytes("x:OK,"))).isInstanceOf(IOException.class)
                .hasMessageContaining("not a netstring length");
        assertThatThrownBy(() -> PostfixCompare.reply(bytes("5:OK,"))).isInstanceOf(EOFException.class)
                .hasMessageContaining("cut after 3 of 5");
        assertThatThrownBy(() -> PostfixCompare.reply(bytes("2:OK;"))).hasMessageContaining("not closed");
        assertThatThrownBy(() -> PostfixCompare.reply(bytes("1234567:"))).hasMessageContaining("not a netstring length");
        assertThatThrownBy(() -> PostfixCompare.reply(bytes(""))).hasMessageContaining("connection closed");
    }

    @Test
    @DisplayName("the load client reads replies from what has arrived: null until a frame is complete, then the frame")
    void readsRepliesFromPartialBuffers() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64);
        for (String part : List.of("1", "2:OK dane", "-on")) {
            buf.put(part.getBytes(StandardCharsets.US_ASCII));
            assertThat(PostfixCompare.reply(buf)).isNull();
        }
        buf.put("ly,9:NOTF".getBytes(StandardCharsets.US_ASCII));
        assertThat(PostfixCompare.reply(buf)).isEqualTo("OK dane-only");
        assertThat(buf.position()).isEqualTo(6); // "9:NOTF" stays for the next reply
        buf.put("OUND ,".getBytes(StandardCharsets.US_ASCII));
        assertThat(PostfixCompare.reply(buf)).isEqualTo("NOTFOUND ");
        assertThat(buf.position()).isZero();
        assertThatThrownBy(() -> PostfixCompare.reply(ByteBuffer.wrap("x:".getBytes(StandardCharsets.US_ASCII))
                .position(2))).hasMessageContaining("not a netstring length");
        assertThatThrownBy(() -> PostfixCompare.reply(ByteBuffer.wrap("2:OK;".getBytes(StandardCharsets.US_ASCII))
                .position(5))).hasMessageContaining("not closed");
    }

    @Test
    @DisplayName("the match list is sorted before answers are compared (the peer's order varies)")
    void normalizesTheMatchList() {
        assertThat(PostfixCompare.normalize("OK secure match=mx1.example.test:.mx.example.test servername=hostname"))
                .isEqualTo("OK secure match=.mx.example.test:mx1.example.test servername=hostname");
        assertThat(PostfixCompare.normalize("OK secure match=b:a")).isEqualTo("OK secure match=a:b");
        assertThat(PostfixCompare.normalize("NOTFOUND ")).isEqualTo("NOTFOUND");
    }

    @Test
    @DisplayName("percentiles are nearest-rank, exact below 64 ns and within 1/64 above it; the maximum is exact")
    void percentiles() {
        PostfixCompare.Latencies l = new PostfixCompare.Latencies();
        for (int i = 1; i <= 100; i++) {
            l.record(i);
        }
        assertThat(l.count()).isEqualTo(100);
        assertThat(l.percentile(0.50)).isEqualTo(50);
        assertThat(l.percentile(0.99)).isBetween(99L, 100L);
        assertThat(l.max()).isEqualTo(100);
        PostfixCompare.Latencies one = new PostfixCompare.Latencies();
        one.record(1_234_567);
        assertThat(one.percentile(0.99)).isEqualTo(1_234_567); // never above the maximum
        assertThat(new PostfixCompare.Latencies().percentile(0.5)).isZero();
        PostfixCompare.Latencies merged = new PostfixCompare.Latencies();
        merged.add(l);
        merged.add(one);
        assertThat(merged.count()).isEqualTo(101);
        assertThat(merged.max()).isEqualTo(1_234_567);
    }

    @Property(tries = 2000)
    @Label("every value lies in its bucket, whose upper edge is at most 1/64 above it")
    void bucketsBoundTheError(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 4) long v) {
        int i = PostfixCompare.Latencies.index(v);
        long upper = PostfixCompare.Latencies.upper(i);
        assertThat(upper).isGreaterThanOrEqualTo(v);
        assertThat((double) (upper - v)).isLessThanOrEqualTo(v / 64.0);
        if (i > 0) {
            assertThat(PostfixCompare.Latencies.upper(i - 1)).isLessThan(v);
        }
    }

    @Test
    @DisplayName("a load run stops at its count bound and counts every answer; non-OK answers are errors")
    void boundedLoadRun() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ExecutorService pool = Executors.newCachedThreadPool();
            try {
                pool.submit(() -> {
                    while (!server.isClosed()) {
                        Socket s = server.accept();
                        pool.submit(() -> answer(s));
                    }
                    return null;
                });
                InetSocketAddress address = new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
                PostfixCompare.Load ok = PostfixCompare.load(address, List.of("a.test", "b.test"), 3,
                        Duration.ofSeconds(60), 100, "stub");
                assertThat(ok.answers()).isEqualTo(300);
                assertThat(ok.errors()).isZero();
                assertThat(ok.p99()).isGreaterThanOrEqualTo(ok.p50()).isPositive();
                assertThat(ok.seconds()).isLessThan(60); // the count bound, not the 60 s, ended it
                PostfixCompare.Load notFound = PostfixCompare.load(address, List.of("none.test"), 2,
                        Duration.ofMillis(200), 100, "stub");
                assertThat(notFound.answers()).isZero();
                assertThat(notFound.errors()).isPositive();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** A stub socketmap server: OK for every domain except none.test. */
    private static Void answer(Socket s) throws IOException {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String request;
                try {
                    request = PostfixCompare.reply(in);   // the same framing both ways
                } catch (IOException closed) {
                    return null;
                }
                String reply = request.endsWith(" none.test") ? "NOTFOUND " : "OK secure match=mx.test";
                out.write((reply.length() + ":" + reply + ",").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }
    }
}
