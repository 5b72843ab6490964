package org.mtasts.testkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.mtasts.testkit.HttpExchange;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.MtaStsSandboxTest;
import org.mtasts.testkit.Scenario;

// The README's "Test kit" example, as written, in a package of its own (only the public API);
// Surefire runs it like any test. The lines marked "sandbox only" check what the README leaves to
// the reader.
// --- example: README Test kit
@MtaStsSandboxTest(scenarios = {Scenario.GOOD, Scenario.EXPIRED_POLICY_CERT})
class MyFetcherTest {
    @Test
    void fetchesTheGoodPolicy(MtaStsSandbox sandbox) {
        InetSocketAddress dns = sandbox.dnsAddress();                         // UDP and TCP
        InetSocketAddress https = sandbox.address("mta-sts.good.example");    // instead of port 443
        X509TrustManager trust = sandbox.trustManager();                      // trusts the sandbox CA
        // point your resolver, fetcher and prober at these, then assert on what they did:
        List<HttpExchange> requests = sandbox.httpExchanges();                // SNI, target, status
        assertThat(List.of(dns, https)).doesNotHaveDuplicates();                                // sandbox only
        assertThat(trust.getAcceptedIssuers()).containsExactly(sandbox.pki().rootCertificate()); // sandbox only
        assertThat(requests).isEmpty();                                                        // sandbox only
    }
}
// ---
