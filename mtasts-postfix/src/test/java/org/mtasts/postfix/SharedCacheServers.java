package org.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;

/**
 * Two policy servers over one shared cache, as {@code mtasts postfix serve} starts them from the
 * YAML: the first fetches a policy and answers twice, the policy lands in the shared store, and
 * the second answers from the store without fetching (the sandbox counts the policy fetches).
 */
final class SharedCacheServers {
    static final Duration WAIT = Duration.ofSeconds(30);

    private SharedCacheServers() {}

    static DomainSpec domain(String domain) {
        return DomainSpec.of(domain).stsRecord("v=STSv1; id=1")
                .policy("version: STSv1\nmode: enforce\nmx: mx1." + domain + "\nmax_age: 86400\n")
                .mx(10, "mx1." + domain);
    }

    /**
     * Runs the check.
     *
     * @param sandbox serves the domain's record and policy
     * @param domain the domain, absent from the shared store
     * @param cacheYaml the {@code cache:} section
     * @param storeGet reads the shared store directly
     */
    static void answerTwiceThenFromTheStore(MtaStsSandbox sandbox, String domain, String cacheYaml,
            Function<DomainName, Optional<CachedPolicy>> storeGet) throws IOException {
        String yaml = "listen: inet:127.0.0.1:0\nproactive_refresh:\n  enabled: false\n"
                + "dns:\n  servers: [" + sandbox.dnsAddress().getAddress().getHostAddress() + ":"
                + sandbox.dnsAddress().getPort() + "]\n" + cacheYaml;
        PostfixConfig config = PostfixConfig.parse(yaml);
        String expected = "OK secure match=mx1." + domain + " servername=hostname";
        DomainName name = DomainName.of(domain);
        assertThat(storeGet.apply(name)).as("the store before").isEmpty();
        long before = fetches(sandbox, domain);
        try (PostfixPolicyService first = start(config, sandbox)) {
            try (SocketmapClient client = SocketmapClient.connect(first.server().address(), WAIT)) {
                assertThat(client.query("postfix", domain).toText()).isEqualTo(expected);
                assertThat(client.query("postfix", domain).toText()).isEqualTo(expected);
            }
            assertThat(fetches(sandbox, domain) - before).as("policy fetches by the first server").isEqualTo(1);
            Optional<CachedPolicy> stored = storeGet.apply(name);
            assertThat(stored).as("the policy in the shared store").isPresent();
            assertThat(stored.get().recordId()).isEqualTo("1");
            assertThat(stored.get().policy().mx()).hasSize(1);

            try (PostfixPolicyService second = start(config, sandbox);
                    SocketmapClient client = SocketmapClient.connect(second.server().address(), WAIT)) {
                assertThat(client.query("postfix", domain).toText()).isEqualTo(expected);
            }
            assertThat(fetches(sandbox, domain) - before).as("policy fetches after the second server's answer")
                    .isEqualTo(1);
        }
    }

    private static PostfixPolicyService start(PostfixConfig config, MtaStsSandbox sandbox) throws IOException {
        return PostfixPolicyService.builder(config)
                .mtaStsSettings(b -> b.clock(sandbox.clock()).trustManager(sandbox.trustManager())
                        .addressOverrides(sandbox.addresses()))
                .start();
    }

    private static long fetches(MtaStsSandbox sandbox, String domain) {
        return sandbox.httpExchanges().stream()
                .filter(e -> e.host().equals("mta-sts." + domain) && e.target().startsWith("/.well-known/mta-sts.txt"))
                .count();
    }
}
