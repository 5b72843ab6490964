package org.mtasts.testkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.MtaStsSandboxTest;
import org.mtasts.testkit.SandboxConfiguration;
import org.mtasts.testkit.SmtpHost;

// The Javadoc example of SandboxConfiguration, as written, in a package of its own (only the
// public API), with a test method (not shown) to prove the configured sandbox is the one injected.
// --- example: SandboxConfiguration
@MtaStsSandboxTest
class MyProberTest {
    @SandboxConfiguration
    static MtaStsSandbox.Builder sandbox() {
        return MtaStsSandbox.builder()
                .domain(DomainSpec.of("shop.example").mx(10, SmtpHost.of("mx.shop.example").withoutStarttls()));
    }
    @Test                                                                        // sandbox only
    void usesTheConfiguredSandbox(MtaStsSandbox sandbox) {                       // sandbox only
        assertThat(sandbox.addresses()).containsOnlyKeys("mx.shop.example");    // sandbox only
    }                                                                            // sandbox only
}
// ---
