package org.mtasts.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtasts.core.Discovery;
import org.mtasts.core.DomainName;
import org.mtasts.core.RecordSelection;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.StsRecord;
import org.mtasts.core.TxtAnswer;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;

/**
 * The Javadoc examples of mtasts-dns and the README's "DNS lookups" example, compiled and run
 * against the sandbox's DNS server: each {@code // --- example:} region is the example as written
 * (CONTRIBUTING.md, "Examples"); a line ending in {@code // sandbox only} points the resolver the
 * example makes at the sandbox instead of the system's resolvers.
 */
class DnsExamplesTest {
    static MtaStsSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("example.com").stsRecord("v=STSv1; id=20260101")
                        .policy("version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n")
                        .mx(10, "mx1.example.com").mx(20, "mx2.example.com"))
                .domain(DomainSpec.of("nullmx.example").nullMx())
                .start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static DnsjavaResolver sandboxDns() {
        return DnsjavaResolver.builder().server(sandbox.dnsAddress()).build();
    }

    @Test
    void dnsjavaResolver() {
        // --- example: DnsjavaResolver
        DnsjavaResolver dns = DnsjavaResolver.create();                 // the system's resolvers
        dns = sandboxDns();                                             // sandbox only
        TxtAnswer txt = dns.resolveTxt("_mta-sts.example.com");
        MxAnswer mx = dns.resolveMx(DomainName.of("example.com"));
        DnsjavaResolver local = DnsjavaResolver.builder()
                .server(new InetSocketAddress("127.0.0.1", 5353))
                .timeout(Duration.ofSeconds(2)).build();
        // ---
        assertThat(txt).isEqualTo(new TxtAnswer.Records(List.of("v=STSv1; id=20260101")));
        assertThat(mx.kind()).isEqualTo(MxAnswer.Kind.HOSTS);
        assertThat(local).isNotNull();
    }

    @Test
    void builder() {
        // --- example: DnsjavaResolver.Builder
        DnsjavaResolver dns = DnsjavaResolver.builder()
                .server(new InetSocketAddress("127.0.0.1", 5353))
                .timeout(Duration.ofSeconds(2)).retries(1).build();
        // ---
        assertThat(dns).isNotNull();            // the settings were accepted; DnsjavaResolverTest checks them
    }

    @Test
    void mxAnswer() {
        DnsjavaResolver resolver = sandboxDns();
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            // --- example: MxAnswer
            MxAnswer answer = resolver.resolveMx(DomainName.of("example.com"));
            if (answer instanceof MxAnswer.Hosts hosts) {
                for (MxHost mx : hosts.hosts()) {                // ordered by preference
                    System.out.println(mx.preference() + " " + mx.host());
                }
            } else if (answer.kind() == MxAnswer.Kind.NULL_MX) {
                // RFC 7505: the domain accepts no mail
            }
            // ---
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("10 mx1.example.com\n20 mx2.example.com\n");
        assertThat(resolver.resolveMx(DomainName.of("nullmx.example")).kind()).isEqualTo(MxAnswer.Kind.NULL_MX);
    }

    @Test
    void addressAnswerAndMxHost() {
        DnsjavaResolver resolver = sandboxDns();
        List<InetAddress> firsts = new ArrayList<>();
        // --- example: AddressAnswer
        AddressAnswer a = resolver.resolveAddresses(DomainName.of("mta-sts.example.com"));
        if (a instanceof AddressAnswer.Addresses found) {
            InetAddress first = found.addresses().get(0);
            firsts.add(first);                                                  // sandbox only
        }
        // ---
        assertThat(firsts).singleElement().satisfies(ip -> assertThat(ip.isLoopbackAddress()).isTrue());

        StsPolicy policy = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 86400\n")
                .orElseThrow();
        // --- example: MxHost
        MxHost mx = new MxHost(DomainName.of("mx1.example.com"), 10);
        boolean allowed = policy.matches(mx.host());
        // ---
        assertThat(allowed).isTrue();
    }

    @Test
    void readme() {
        // --- example: README DNS lookups
        DnsjavaResolver dns = DnsjavaResolver.create();                       // system resolvers; share it
        dns = sandboxDns();                                                   // sandbox only
        Discovery<StsRecord> sts = RecordSelection.discoverSts(dns, DomainName.of("example.com")).join();
        MxAnswer mx = dns.resolveMx(DomainName.of("example.com"));            // ordered by preference
        DnsjavaResolver local = DnsjavaResolver.builder()
                .server(new InetSocketAddress("127.0.0.1", 5353))
                .timeout(Duration.ofSeconds(2)).deadline(Duration.ofSeconds(5)).build();
        // ---
        assertThat(sts.found()).contains(StsRecord.of("20260101"));
        assertThat(((MxAnswer.Hosts) mx).hosts()).extracting(h -> h.host().ascii())
                .containsExactly("mx1.example.com", "mx2.example.com");
        assertThat(local).isNotNull();
    }
}
