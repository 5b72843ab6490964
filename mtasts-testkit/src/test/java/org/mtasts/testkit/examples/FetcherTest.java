package org.mtasts.testkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.MtaStsSandboxTest;
import org.mtasts.testkit.Scenario;

// The Javadoc example of MtaStsSandboxTest, as written, in a package of its own (only the public
// API); Surefire runs it like any test.
// --- example: MtaStsSandboxTest
@MtaStsSandboxTest(scenarios = {Scenario.GOOD, Scenario.HTTP_ONLY})
class FetcherTest {
    @Test
    void fetchesTheGoodPolicy(MtaStsSandbox sandbox) {
        InetSocketAddress https = sandbox.address("mta-sts.good.example");
        // ...
        assertThat(https.getAddress().isLoopbackAddress()).isTrue();          // sandbox only
        assertThat(sandbox.addresses()).containsKey("mta-sts.http-only.example");  // sandbox only
    }
}
// ---
