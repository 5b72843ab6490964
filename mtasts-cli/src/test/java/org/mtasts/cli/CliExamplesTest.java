package org.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtasts.core.CertificateVerdict;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxCertificateCheck;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;

/**
 * The Java examples of the CLI's Javadoc ({@code TlsProbe}, public for mtasts-it), compiled and run
 * against a sandbox MX host: each {@code // --- example:} region is the example as written
 * (CONTRIBUTING.md, "Examples"); a line ending in {@code // sandbox only} points it at the sandbox.
 * The command lines of {@code MtastsCli} are not Java: they run in {@code CheckAndDemoTest} and
 * the other command tests.
 */
class CliExamplesTest {
    static MtaStsSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = MtaStsSandbox.builder().domain(DomainSpec.of("example.com").mx(10, "mx1.example.com")).start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void tlsProbe() throws Exception {
        InetAddress address = InetAddress.getLoopbackAddress();
        DomainName mx = DomainName.of("mx1.example.com");
        X509TrustManager trust = sandbox.trustManager();
        List<CertificateVerdict> verdicts = new ArrayList<>();
        // --- example: TlsProbe
        InetSocketAddress smtp = new InetSocketAddress(address, 25);          // an address of the MX host
        smtp = sandbox.address("mx1.example.com");                                                   // sandbox only
        TlsProbe.Result r = TlsProbe.smtp("mx1.example.com", smtp, Duration.ofSeconds(10), "checker.example.net");
        if (r.outcome() == TlsProbe.Outcome.SECURED) {
            CertificateVerdict v = MxCertificateCheck.check(mx, r.chain(), trust, Clock.systemUTC());
            verdicts.add(v);                                                                         // sandbox only
        }
        // ---
        assertThat(verdicts).containsExactly(new CertificateVerdict.Valid("mx1.example.com"));
        TlsProbe.Result result = r;
        // --- example: TlsProbe.Result
        X509Certificate leaf = result.chain().get(0);       // when result.outcome() is SECURED
        // ---
        assertThat(MxCertificateCheck.dnsNames(leaf)).containsExactly("mx1.example.com");
    }
}
