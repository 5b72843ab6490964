package org.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtasts.reliability.Leaks;
import org.mtasts.reliability.Messages;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.SmtpFault;
import org.mtasts.testkit.SmtpHost;

/**
 * Fault injection on the STARTTLS prober of {@code mtasts check} (package-private, hence this
 * package): SMTP hosts from the test kit that stall after EHLO, refuse STARTTLS, close after it, do
 * not offer it or send a chain of 50 certificates, and a tarpit that drips its greeting. Each probe
 * ends with the right outcome within its bound (twice the timeout), several at once, and leaves no
 * thread, socket or descriptor behind.
 */
class SmtpFaultTest {
    static final Duration TIMEOUT = Duration.ofMillis(500);
    static final Duration SLACK = Duration.ofSeconds(3);
    static final int PROBES = 6;
    static final List<String> SURVIVED = new ArrayList<>();

    @BeforeAll
    static void warmUp() throws Exception {
        probeAll(SmtpHost.of("mx.warm.test"), TlsProbe.Outcome.SECURED, false);
    }

    @AfterAll
    static void report() {
        SURVIVED.forEach(System.out::println);
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of("stall after EHLO", SmtpHost.of("mx.f.test").withFault(SmtpFault.STALL_AFTER_EHLO),
                        TlsProbe.Outcome.TIMEOUT),
                Arguments.of("STARTTLS refused", SmtpHost.of("mx.f.test").withFault(SmtpFault.STARTTLS_REFUSED),
                        TlsProbe.Outcome.PROTOCOL_ERROR),
                Arguments.of("closed after STARTTLS", SmtpHost.of("mx.f.test").withFault(SmtpFault.CLOSE_AFTER_STARTTLS),
                        TlsProbe.Outcome.HANDSHAKE_FAILED),
                Arguments.of("no STARTTLS", SmtpHost.of("mx.f.test").withoutStarttls(), TlsProbe.Outcome.NO_STARTTLS),
                // The JDK refuses chains longer than jdk.tls.maxCertificateChainLength (10) in the handshake.
                Arguments.of("certificate chain of 50", SmtpHost.of("mx.f.test").withChainLength(50),
                        TlsProbe.Outcome.HANDSHAKE_FAILED),
                Arguments.of("certificate chain of 10", SmtpHost.of("mx.f.test").withChainLength(10),
                        TlsProbe.Outcome.SECURED));
    }

    @ParameterizedTest(name = "RFC 3207: SMTP fault {0}")
    @MethodSource("faults")
    @DisplayName("an SMTP fault ends the probe with the right outcome within twice the timeout, leaking nothing")
    void smtpFault(String name, SmtpHost host, TlsProbe.Outcome expected) throws Exception {
        long millis = probeAll(host, expected, true);
        synchronized (SURVIVED) {
            SURVIVED.add("SMTP " + name + ": " + PROBES + " probes, all done after " + millis + " ms");
        }
    }

    @Test
    @DisplayName("a tarpit that drips its greeting a byte at a time is cut off at twice the timeout")
    void aTarpitIsCutOff() throws Exception {
        Leaks.Snapshot before = Leaks.take();
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        ExecutorService accept = Executors.newSingleThreadExecutor();
        ExecutorService callers = Executors.newFixedThreadPool(PROBES);
        long millis;
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            accept.submit(() -> {
                while (!server.isClosed()) {
                    Socket s = server.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                    OutputStream out = s.getOutputStream();
                    byte[] greeting = ("220 tarpit " + "x".repeat(4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    int[] at = {0};
                    drip.scheduleAtFixedRate(() -> {
                        try {
                            if (at[0] < greeting.length) {
                                out.write(greeting[at[0]++]);
                                out.flush();
                            }
                        } catch (IOException e) {
                            throw new IllegalStateException(e); // the client left: stop this drip
                        }
                    }, 0, 100, TimeUnit.MILLISECONDS);
                }
                return null;
            });
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            long start = System.nanoTime();
            List<CompletableFuture<TlsProbe.Result>> probes = new ArrayList<>();
            for (int i = 0; i < PROBES; i++) {
                probes.add(CompletableFuture.supplyAsync(
                        () -> TlsProbe.smtp("mx.tarpit.test", address, TIMEOUT, "probe.test"), callers));
            }
            for (CompletableFuture<TlsProbe.Result> probe : probes) {
                TlsProbe.Result result = probe.get(TIMEOUT.multipliedBy(2).plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
                assertThat(result.outcome()).as(result.toString()).isEqualTo(TlsProbe.Outcome.TIMEOUT);
                result.transcript().forEach(line -> Messages.requireSafe("transcript", line));
            }
            millis = (System.nanoTime() - start) / 1_000_000;
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        } finally {
            for (ExecutorService e : List.of(drip, accept, callers)) {
                e.shutdownNow();
                e.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        Leaks.assertNoLeakSince(before, Duration.ofSeconds(10));
        synchronized (SURVIVED) {
            SURVIVED.add("SMTP tarpit greeting: " + PROBES + " probes, all done after " + millis + " ms");
        }
    }

    /** Probes {@value #PROBES} times at once, checks the outcomes and leaks; returns the milliseconds. */
    static long probeAll(SmtpHost host, TlsProbe.Outcome expected, boolean checkLeaks) throws Exception {
        Leaks.Snapshot before = Leaks.take();
        long millis;
        ExecutorService callers = Executors.newFixedThreadPool(PROBES);
        try (MtaStsSandbox sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of(host.name().substring(host.name().indexOf('.') + 1)).mx(10, host)).start()) {
            InetSocketAddress address = sandbox.address(host.name());
            long start = System.nanoTime();
            List<CompletableFuture<TlsProbe.Result>> probes = new ArrayList<>();
            for (int i = 0; i < PROBES; i++) {
                probes.add(CompletableFuture.supplyAsync(
                        () -> TlsProbe.smtp(host.name(), address, TIMEOUT, "probe.test"), callers));
            }
            for (CompletableFuture<TlsProbe.Result> probe : probes) {
                TlsProbe.Result result = probe.get(TIMEOUT.multipliedBy(2).plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
                assertThat(result.outcome()).as(result.toString()).isEqualTo(expected);
                Messages.requireSafe("detail", result.detail());
                result.transcript().forEach(line -> Messages.requireSafe("transcript", line));
                if (expected == TlsProbe.Outcome.SECURED) {
                    assertThat(result.chain()).hasSize(host.chainLength());
                }
            }
            millis = (System.nanoTime() - start) / 1_000_000;
        } finally {
            callers.shutdownNow();
            callers.awaitTermination(5, TimeUnit.SECONDS);
        }
        if (checkLeaks) {
            Leaks.assertNoLeakSince(before, Duration.ofSeconds(10));
        }
        return millis;
    }
}
