package com.example.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.MtaSts;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.MtaStsSandboxTest;
import org.mtasts.testkit.Scenario;

// --- example: README Use it from your build, tests, the code
@MtaStsSandboxTest(scenarios = {Scenario.GOOD, Scenario.EXPIRED_POLICY_CERT})
class PolicyCheckTest {
    @Test
    void enforcesTheGoodPolicyAndNotOneBehindAnExpiredCertificate(MtaStsSandbox sandbox) {
        try (MtaSts sts = MtaSts.builder()
                .txtResolver(DnsjavaResolver.builder().server(sandbox.dnsAddress()).build())
                .trustManager(sandbox.trustManager())                // trusts the sandbox's CA
                .addressOverrides(sandbox.addresses())               // its ports instead of 443
                .clock(sandbox.clock())
                .build()) {
            PolicyCheck check = new PolicyCheck(sts);
            assertEquals("enforce", check.check(DomainName.of("good.example")));
            assertEquals("no policy: policy-fetch-failed", check.check(DomainName.of("expired-policy-cert.example")));
        }
    }
}
// ---
