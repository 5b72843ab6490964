package org.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.MtaSts;
import org.mtasts.testkit.DnsFault;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.Scenario;

/**
 * RFC 8461 §4.1 through the server, against the test kit's sandbox (its DNS server serves the TXT
 * and MX records, its HTTPS server the policies): Postfix's {@code match=} checks certificate
 * names only, so the server looks up the MX hosts of an enforced domain itself. No MX host in the
 * policy: {@code TEMP mx-not-in-policy} (Postfix defers); some: {@code match=} with the matching
 * MX host names only; all: the policy's patterns; an MX lookup that fails: the patterns.
 */
class MxNotInPolicyTest {
    static MtaStsSandbox sandbox;

    DnsjavaResolver dns;
    MtaSts sts;
    PostfixPolicyServer server;

    @BeforeAll
    static void startSandbox() {
        sandbox = MtaStsSandbox.builder()
                // the MX host is not in the policy, as realnet's mx-mismatch.test
                .domain(enforced("mismatch.example", "version: STSv1\nmode: enforce\nmx: mx1.example.net\nmax_age: 86400\n")
                        .mxRecord(10, "mail.mismatch.example"))
                // one MX host in the policy (a one-label wildcard), one outside it
                .domain(enforced("partial.example", "version: STSv1\nmode: enforce\nmx: *.partial.example\nmax_age: 86400\n")
                        .mxRecord(10, "mx1.partial.example").mxRecord(20, "backup.example.net"))
                // every MX host in the policy
                .domain(enforced("all.example", "version: STSv1\nmode: enforce\nmx: *.all.example\nmax_age: 86400\n")
                        .mxRecord(10, "mx1.all.example").mxRecord(20, "mx2.all.example"))
                // testing mode with an MX host outside the policy: only a strict_testing zone checks it
                .domain(enforced("testing.example", "version: STSv1\nmode: testing\nmx: mx1.example.net\nmax_age: 86400\n")
                        .mxRecord(10, "mail.testing.example"))
                // the MX lookup fails (SERVFAIL at the domain's own name; the TXT and policy are fine)
                .domain(enforced("servfail.example", "version: STSv1\nmode: enforce\nmx: mx1.example.net\nmax_age: 86400\n")
                        .mxRecord(10, "mail.servfail.example").dnsFault("servfail.example", DnsFault.SERVFAIL))
                .scenario(Scenario.MX_NOT_IN_POLICY)
                .start();
    }

    static DomainSpec enforced(String domain, String policy) {
        return DomainSpec.of(domain).stsRecord("v=STSv1; id=1").policy(policy);
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @BeforeEach
    void start() throws IOException {
        // dnsjava's own cache off, so that every MX query the server sends reaches the sandbox
        dns = DnsjavaResolver.builder().server(sandbox.dnsAddress()).timeout(Duration.ofSeconds(5)).retries(0)
                .cacheOthers(false).build();
        sts = MtaSts.builder().txtResolver(dns).clock(sandbox.clock()).trustManager(sandbox.trustManager())
                .addressOverrides(sandbox.addresses()).proactiveRefresh(false).build();
        server = PostfixPolicyServer.builder(sts)
                .config(PostfixConfig.parse("listen: inet:127.0.0.1:0\nzones:\n  strict:\n    strict_testing: true\n"))
                .mxResolver(dns)
                .start();
    }

    @AfterEach
    void stop() {
        server.shutdown(Duration.ofSeconds(5));
        sts.close();
    }

    String answer(String map, String domain) {
        return server.answer(map, domain).join().toText();
    }

    long mxQueries(String domain) {
        return sandbox.dnsQueries().stream().filter(q -> q.type().equals("MX") && q.name().equals(domain)).count();
    }

    double count(String kind) {
        return server.meterRegistry().get("mtasts_postfix_answers").tag("kind", kind).counter().count();
    }

    @Test
    @DisplayName("RFC 8461 §4.1: no MX host matches the enforced policy: TEMP mx-not-in-policy, so Postfix defers")
    void noMxHostInThePolicyIsTemp_rfc8461Section4_1() {
        assertThat(answer("postfix", "mismatch.example")).isEqualTo("TEMP mx-not-in-policy: no MX host of"
                + " mismatch.example (mail.mismatch.example) matches its MTA-STS policy (RFC 8461 section 4.1)");
        assertThat(count("temp_mx_not_in_policy")).isEqualTo(1);
        assertThat(count("temp")).isZero();
    }

    @Test
    @DisplayName("RFC 8461 §4.1: some MX hosts match: match= lists exactly the matching MX host names")
    void someMxHostsInThePolicyNarrowTheMatchList_rfc8461Section4_1() {
        // the wildcard would be match=.partial.example; backup.example.net must now present a
        // certificate for mx1.partial.example
        assertThat(answer("postfix", "partial.example"))
                .isEqualTo("OK secure match=mx1.partial.example servername=hostname");
        // the test kit's scenario: mx1 listed, mx2 not
        assertThat(answer("postfix", "mx-not-in-policy.example"))
                .isEqualTo("OK secure match=mx1.mx-not-in-policy.example servername=hostname");
        assertThat(count("ok_secure")).isEqualTo(2);
    }

    @Test
    @DisplayName("RFC 8461 §4.1: every MX host matches: the policy's patterns, as without the MX check")
    void everyMxHostInThePolicyKeepsThePatterns_rfc8461Section4_1() {
        assertThat(answer("postfix", "all.example")).isEqualTo("OK secure match=.all.example servername=hostname");
    }

    @Test
    void aFailedMxLookupKeepsThePatterns() {
        assertThat(answer("postfix", "servfail.example")).isEqualTo("OK secure match=mx1.example.net servername=hostname");
        assertThat(server.meterRegistry().get("mtasts_postfix_mx_lookups").tag("result", "temporary_failure")
                .counter().count()).isEqualTo(1);
        // a failure is not cached: the next request asks again
        long before = mxQueries("servfail.example");
        answer("postfix", "servfail.example");
        assertThat(mxQueries("servfail.example")).isGreaterThan(before);
    }

    @Test
    @DisplayName("RFC 8461 §5: testing mode is not checked, except in a strict_testing zone")
    void testingModeIsCheckedOnlyWithStrictTesting() {
        assertThat(answer("postfix", "testing.example")).isEqualTo("NOTFOUND ");
        assertThat(mxQueries("testing.example")).as("no MX lookup for a NOTFOUND answer").isZero();
        assertThat(answer("strict", "testing.example")).startsWith("TEMP mx-not-in-policy: no MX host of testing.example");
    }

    @Test
    void theMxAnswerIsCachedAndPurged() {
        long before = mxQueries("all.example");
        answer("postfix", "all.example");
        answer("postfix", "all.example");
        assertThat(mxQueries("all.example")).isEqualTo(before + 1);
        // warm: the policy and the MX answer are in memory, the answer is complete at once
        assertThat(server.answer("postfix", "all.example")).isDone();
        server.purge(DomainName.of("all.example"));
        answer("postfix", "all.example");
        assertThat(mxQueries("all.example")).isEqualTo(before + 2);
    }

    @Test
    void withoutAnMxResolverTheAnswerListsThePatterns() throws IOException {
        try (PostfixPolicyServer plain = PostfixPolicyServer.builder(sts)
                .config(PostfixConfig.parse("listen: inet:127.0.0.1:0\n")).start()) {
            assertThat(plain.answer("postfix", "mismatch.example").join().toText())
                    .isEqualTo("OK secure match=mx1.example.net servername=hostname");
        }
    }
}
