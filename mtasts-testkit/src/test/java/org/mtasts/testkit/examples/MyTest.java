package org.mtasts.testkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.MtaStsSandboxExtension;

// The Javadoc example of MtaStsSandboxExtension, as written, in a package of its own (only the
// public API); Surefire runs it like any test.
// --- example: MtaStsSandboxExtension
@ExtendWith(MtaStsSandboxExtension.class)
class MyTest {
    @Test
    void test(MtaStsSandbox sandbox) {
        assertThat(sandbox.domains()).isNotEmpty();
    }
}
// ---
