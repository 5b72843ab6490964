package org.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.MtaSts;
import org.mtasts.postfix.PostfixConfig;
import org.mtasts.postfix.PostfixPolicyService;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MtaStsSandbox;

/**
 * {@code mtasts postfix query} and {@code purge} end to end: against a policy server started in
 * the test on loopback, with policies from the test kit's sandbox.
 */
class PostfixCommandTest {
    static MtaStsSandbox sandbox;
    static FakeTxtResolver dns;
    static MtaSts sts;
    static PostfixPolicyService service;
    static String socketmap;
    static String http;

    @BeforeAll
    static void start() throws IOException {
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("enforce.example").stsRecord("v=STSv1; id=1")
                        .policy("version: STSv1\nmode: enforce\nmx: mx1.enforce.example\nmax_age: 86400\n")
                        .mx(10, "mx1.enforce.example"))
                .start();
        dns = FakeTxtResolver.create().records("_mta-sts.enforce.example", "v=STSv1; id=1")
                .temporaryFailure("_mta-sts.dnsfail.example", "SERVFAIL");
        sts = MtaSts.builder().txtResolver(dns).clock(sandbox.clock()).trustManager(sandbox.trustManager())
                .addressOverrides(sandbox.addresses()).proactiveRefresh(false).build();
        service = PostfixPolicyService.builder(PostfixConfig.parse("listen: inet:127.0.0.1:0\nhttp: 127.0.0.1:0\n"))
                .mtaSts(sts).mxResolver(DnsjavaResolver.builder().server(sandbox.dnsAddress()).build()).start();
        socketmap = service.server().address().toString();
        http = "127.0.0.1:" + service.httpAddress().orElseThrow().getPort();
    }

    @AfterAll
    static void stop() {
        service.close();
        sts.close();
        sandbox.close();
    }

    @Test
    void queryPrintsTheAnswerAndExitsByItsStatus() {
        Cli ok = Cli.run("postfix", "query", "enforce.example", "--server", socketmap);
        assertThat(ok.exitCode()).isEqualTo(MtastsCli.OK);
        assertThat(ok.out()).isEqualTo("OK secure match=mx1.enforce.example servername=hostname\n");

        Cli literal = Cli.run("postfix", "query", "[192.0.2.1]", "--server", socketmap);
        assertThat(literal.exitCode()).isEqualTo(MtastsCli.OK);
        assertThat(literal.out()).isEqualTo("NOTFOUND\n");

        Cli temp = Cli.run("postfix", "query", "dnsfail.example", "--server", socketmap);
        assertThat(temp.exitCode()).isEqualTo(MtastsCli.TEMPORARY);
        assertThat(temp.out()).startsWith("TEMP MTA-STS policy of dnsfail.example unknown");

        Cli perm = Cli.run("postfix", "query", "enforce.example", "--server", socketmap, "--map", "nosuchmap");
        assertThat(perm.exitCode()).isEqualTo(MtastsCli.FINDINGS);
        assertThat(perm.out()).startsWith("PERM unknown map name 'nosuchmap'");
    }

    @Test
    void queryTakesTheAddressFromTheConfig(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("mtasts-postfix.yml");
        Files.writeString(config, "listen: " + socketmap + "\n");
        Cli ok = Cli.run("postfix", "query", "enforce.example", "--config", config.toString());
        assertThat(ok.exitCode()).isEqualTo(MtastsCli.OK);
        assertThat(ok.out()).startsWith("OK secure");
    }

    @Test
    void purgeDropsTheCachedPolicy() {
        assertThat(Cli.run("postfix", "query", "enforce.example", "--server", socketmap).exitCode()).isZero();
        int lookups = dns.lookups("_mta-sts.enforce.example");
        Cli purge = Cli.run("postfix", "purge", "enforce.example", "--http", http);
        assertThat(purge.exitCode()).isEqualTo(MtastsCli.OK);
        assertThat(purge.out()).isEqualTo("purged enforce.example\n");
        assertThat(Cli.run("postfix", "query", "enforce.example", "--server", socketmap).exitCode()).isZero();
        assertThat(dns.lookups("_mta-sts.enforce.example")).isEqualTo(lookups + 1);

        Cli bad = Cli.run("postfix", "purge", "not a domain", "--http", http);
        assertThat(bad.exitCode()).isEqualTo(MtastsCli.FINDINGS);
        assertThat(bad.err()).startsWith("mtasts: purge: HTTP 400: not a domain name");
    }

    @Test
    void usageErrors(@TempDir Path dir) throws IOException {
        Cli noHttp = Cli.run("postfix", "purge", "enforce.example");
        assertThat(noHttp.exitCode()).isEqualTo(MtastsCli.USAGE);
        assertThat(noHttp.err()).contains("no HTTP endpoint: give --http HOST:PORT or a --config with http:");

        Path config = dir.resolve("bad.yml");
        Files.writeString(config, "listen: inet:127.0.0.1:8461\nport: 8461\n");
        Cli badConfig = Cli.run("postfix", "query", "enforce.example", "--config", config.toString());
        assertThat(badConfig.exitCode()).isEqualTo(MtastsCli.USAGE);
        assertThat(badConfig.err()).startsWith("mtasts: " + config + ": line 2, column 1: unknown key 'port'");

        Cli badServer = Cli.run("postfix", "query", "enforce.example", "--server", "nowhere");
        assertThat(badServer.exitCode()).isEqualTo(MtastsCli.USAGE);
    }

    @Test
    void aServerThatIsNotThereIsATemporaryFailure() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // free once closed
        }
        Cli down = Cli.run("postfix", "query", "enforce.example", "--server", "inet:127.0.0.1:" + port);
        assertThat(down.exitCode()).isEqualTo(MtastsCli.TEMPORARY);
        assertThat(down.err()).contains("cannot connect to inet:127.0.0.1:" + port);
    }
}
