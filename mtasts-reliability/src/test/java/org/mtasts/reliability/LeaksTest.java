package org.mtasts.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The leak checker itself: it must see a socket and a thread left behind, and pass when none is. */
class LeaksTest {

    @Test
    @DisplayName("a socket left open is reported, with its protocol and addresses")
    void aSocketLeftOpenIsReported() throws Exception {
        Leaks.assertNoLeakSince(Leaks.take(), Duration.ofMillis(200)); // settle
        Leaks.Snapshot before = Leaks.take();
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> Leaks.assertNoLeakSince(before, Duration.ofMillis(200)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("sockets opened and never closed")
                    .hasMessageContaining("udp");
            assertThat(socket.isBound()).isTrue();
        }
        Leaks.assertNoLeakSince(before, Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("a thread still running is reported; once it ends, nothing is")
    void aThreadStillRunningIsReported() throws Exception {
        Leaks.Snapshot before = Leaks.take();
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "leaky-test-thread");
        t.start();
        assertThatThrownBy(() -> Leaks.assertNoLeakSince(before, Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("leaky-test-thread");
        release.countDown();
        Leaks.assertNoLeakSince(before, Duration.ofSeconds(5));
    }
}
