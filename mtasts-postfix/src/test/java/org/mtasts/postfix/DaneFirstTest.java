package org.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.mtasts.core.DomainName;
import org.mtasts.core.StsPolicy;
import org.mtasts.dns.DaneLookup;
import org.mtasts.http.FetchResult;
import org.mtasts.http.MtaSts;
import org.mtasts.http.PolicyFetcher;
import org.mtasts.testkit.FakeTxtResolver;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

/**
 * DANE first (RFC 8461 §2) through the server: a domain with an enforced MTA-STS policy whose MX
 * hosts have DNSSEC-validated TLSA records is answered {@code dane-only}; without the AD bit, the
 * MTA-STS answer stands. The resolver is a stub that sets or clears AD.
 */
class DaneFirstTest {
    static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n";

    StubDnsServer stub;
    MtaSts sts;
    PostfixPolicyServer server;

    @BeforeEach
    void start() throws IOException {
        stub = new StubDnsServer();
        FakeTxtResolver dns = FakeTxtResolver.create().records("_mta-sts.example.com", "v=STSv1; id=1")
                .records("_mta-sts.plain.example", "v=STSv1; id=1");
        // Policies from a fetcher of the test's own: only the DANE side goes to a (stub) server.
        PolicyFetcher fetcher = domain -> {
            String text = POLICY.replace("example.com", domain.ascii());
            return CompletableFuture.completedFuture(
                    new FetchResult.Fetched(StsPolicy.parse(text).orElseThrow(), text, List.of(), List.of()));
        };
        sts = MtaSts.builder().txtResolver(dns).fetcher(fetcher).proactiveRefresh(false).build();
        server = PostfixPolicyServer.builder(sts)
                .config(PostfixConfig.parse("listen: inet:127.0.0.1:0\ndane:\n  enabled: true\n"))
                .daneLookup(DaneLookup.builder().server(stub.address()).timeout(Duration.ofSeconds(5)).build())
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
        sts.close();
        stub.close();
    }

    static MXRecord mx(String domain, String host) {
        return new MXRecord(Name.fromConstantString(domain + "."), DClass.IN, 300, 10, Name.fromConstantString(host + "."));
    }

    static TLSARecord tlsa(String host) {
        return new TLSARecord(Name.fromConstantString("_25._tcp." + host + "."), DClass.IN, 300, 3, 1, 1, new byte[32]);
    }

    @Test
    void validatedTlsaRecordsWinOverAnEnforcedPolicy_rfc8461Section2() throws IOException {
        stub.answer("example.com.", Type.MX, Rcode.NOERROR, true, mx("example.com", "mx1.example.com"))
                .answer("_25._tcp.mx1.example.com.", Type.TLSA, Rcode.NOERROR, true, tlsa("mx1.example.com"));
        try (SocketmapClient c = SocketmapClient.connect(server.address(), Duration.ofSeconds(30))) {
            assertThat(c.query("postfix", "example.com").toText()).isEqualTo("OK dane-only");
            assertThat(c.query("postfix", "example.com").toText()).isEqualTo("OK dane-only"); // from the DANE cache
        }
        assertThat(server.meterRegistry().get("mtasts_postfix_answers").tag("kind", "ok_dane").counter().count())
                .isEqualTo(2);
    }

    @Test
    void unvalidatedAnswersLeaveTheMtaStsPolicy() throws IOException {
        stub.answer("plain.example.", Type.MX, Rcode.NOERROR, false, mx("plain.example", "mx1.plain.example"))
                .answer("_25._tcp.mx1.plain.example.", Type.TLSA, Rcode.NOERROR, false, tlsa("mx1.plain.example"));
        try (SocketmapClient c = SocketmapClient.connect(server.address(), Duration.ofSeconds(30))) {
            assertThat(c.query("postfix", "plain.example").toText())
                    .isEqualTo("OK secure match=mx1.plain.example servername=hostname");
        }
    }

    @Test
    void aFailedDaneLookupFallsBackToTheMtaStsAnswer() throws IOException {
        stub.answer("example.com.", Type.MX, Rcode.SERVFAIL, false);
        try (SocketmapClient c = SocketmapClient.connect(server.address(), Duration.ofSeconds(30))) {
            assertThat(c.query("postfix", "example.com").toText())
                    .isEqualTo("OK secure match=mx1.example.com servername=hostname");
        }
    }

    @Test
    void purgeDropsTheDaneAnswerToo() throws IOException {
        stub.answer("example.com.", Type.MX, Rcode.NOERROR, true, mx("example.com", "mx1.example.com"))
                .answer("_25._tcp.mx1.example.com.", Type.TLSA, Rcode.NOERROR, true, tlsa("mx1.example.com"));
        try (SocketmapClient c = SocketmapClient.connect(server.address(), Duration.ofSeconds(30))) {
            assertThat(c.query("postfix", "example.com").toText()).isEqualTo("OK dane-only");
            stub.answer("_25._tcp.mx1.example.com.", Type.TLSA, Rcode.NOERROR, true); // TLSA withdrawn
            server.purge(DomainName.of("example.com"));
            assertThat(c.query("postfix", "example.com").toText())
                    .isEqualTo("OK secure match=mx1.example.com servername=hostname");
        }
    }
}
