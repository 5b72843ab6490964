package org.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The prober's overall bound (twice the timeout) against servers that drip: each byte arrives
 * within the per-read timeout, so only the watchdog ends the probe. Found by the reliability
 * suite's tarpit: before, a greeting dripped at one byte per 100 ms kept a probe for minutes.
 */
class TlsProbeDeadlineTest {
    static final Duration TIMEOUT = Duration.ofMillis(300);
    /** How long the test waits for the probe: the bound plus room for a loaded machine. */
    static final long WAIT_MILLIS = TIMEOUT.multipliedBy(2).toMillis() + 5_000;

    private final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService server = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() throws InterruptedException {
        drip.shutdownNow();
        server.shutdownNow();
        drip.awaitTermination(5, TimeUnit.SECONDS);
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Serves one connection: sends {@code first} at once, then {@code dripped} one byte per 50 ms. */
    private InetSocketAddress serve(ServerSocket listener, String first, byte[] dripped) {
        server.submit(() -> {
            Socket s = listener.accept();
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            out.write(first.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (first.contains("250-STARTTLS")) {
                // Answer EHLO (already sent above with the greeting), then STARTTLS, then drip.
                while (in.read() != '\n') {
                    // EHLO line
                }
                while (in.read() != '\n') {
                    // STARTTLS line
                }
                out.write("220 go ahead\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            int[] at = {0};
            drip.scheduleAtFixedRate(() -> {
                try {
                    if (at[0] < dripped.length) {
                        out.write(dripped[at[0]++]);
                        out.flush();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("the client left", e);
                }
            }, 50, 50, TimeUnit.MILLISECONDS);
            return null;
        });
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    @Test
    @DisplayName("RFC 5321 §4.2: a greeting dripped a byte at a time ends in TIMEOUT at twice the timeout")
    void aDrippedGreetingTimesOut() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = serve(listener, "", ("220 " + "x".repeat(2000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            TlsProbe.Result result = CompletableFuture.supplyAsync(() -> TlsProbe.smtp("mx.drip.test", address, TIMEOUT,
                    "probe.test")).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(result.outcome()).as(result.toString()).isEqualTo(TlsProbe.Outcome.TIMEOUT);
        }
    }

    @Test
    @DisplayName("RFC 3207: a TLS handshake dripped a byte at a time after STARTTLS ends in TIMEOUT")
    void aDrippedHandshakeTimesOut() throws Exception {
        // A TLS record header announcing a 16 KiB handshake record, then its bytes, slowly.
        byte[] record = new byte[5 + 16_000];
        record[0] = 0x16;
        record[1] = 0x03;
        record[2] = 0x03;
        record[3] = (byte) (16_000 >> 8);
        record[4] = (byte) (16_000 & 0xFF);
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = serve(listener, "220 mx ESMTP\r\n250-mx\r\n250-STARTTLS\r\n250 OK\r\n", record);
            TlsProbe.Result result = CompletableFuture.supplyAsync(() -> TlsProbe.smtp("mx.drip.test", address, TIMEOUT,
                    "probe.test")).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(result.outcome()).as(result.toString()).isEqualTo(TlsProbe.Outcome.TIMEOUT);
        }
    }

    @Test
    @DisplayName("RFC 3207: a server that resets the connection instead of the TLS handshake is HANDSHAKE_FAILED")
    void aResetInsteadOfTheHandshakeIsAHandshakeFailure() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            server.submit(() -> {
                Socket s = listener.accept();
                s.getOutputStream().write("220 mx ESMTP\r\n250-mx\r\n250-STARTTLS\r\n250 OK\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                while (in.read() != '\n') {
                    // EHLO line
                }
                while (in.read() != '\n') {
                    // STARTTLS line
                }
                s.getOutputStream().write("220 go ahead\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                in.read(); // the ClientHello has started to arrive
                s.setSoLinger(true, 0); // close with RST, not FIN
                s.close();
                return null;
            });
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            TlsProbe.Result result = CompletableFuture.supplyAsync(() -> TlsProbe.smtp("mx.reset.test", address, TIMEOUT,
                    "probe.test")).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(result.outcome()).as(result.toString()).isEqualTo(TlsProbe.Outcome.HANDSHAKE_FAILED);
        }
    }

    @Test
    @DisplayName("a policy host that drips its TLS handshake ends in TIMEOUT at twice the timeout")
    void aDrippedTlsHostTimesOut() throws Exception {
        byte[] record = new byte[5 + 16_000];
        record[0] = 0x16;
        record[1] = 0x03;
        record[2] = 0x03;
        record[3] = (byte) (16_000 >> 8);
        record[4] = (byte) (16_000 & 0xFF);
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = serve(listener, "", record);
            TlsProbe.Result result = CompletableFuture.supplyAsync(() -> TlsProbe.tls("mta-sts.drip.test", address, TIMEOUT))
                    .get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(result.outcome()).as(result.toString()).isEqualTo(TlsProbe.Outcome.TIMEOUT);
        }
    }
}
