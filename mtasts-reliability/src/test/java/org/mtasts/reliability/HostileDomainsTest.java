package org.mtasts.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import okhttp3.Call;
import okhttp3.Dns;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtasts.core.DomainName;
import org.mtasts.dns.AddressAnswer;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.AddressFilter;
import org.mtasts.http.FetchFailure;
import org.mtasts.http.FetchResult;
import org.mtasts.http.HttpsPolicyFetcher;
import org.mtasts.http.MtaSts;
import org.mtasts.http.PolicyResolution;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;

/**
 * Hostile recipient domains (RFC 8461 §10.3 leaves the fetch to the sender; a fetch is a request
 * the domain owner makes the mail server send): policy hosts whose DNS names resolve to loopback,
 * private, link-local, cloud-metadata, unique-local, IPv4-mapped, NAT64 or 6to4 addresses. Each
 * domain is published in the sandbox's DNS server and resolved by the real {@link DnsjavaResolver}
 * for the fetcher's OkHttp client, as in production; the default {@link AddressFilter#PUBLIC_ONLY}
 * must refuse every such address before any connection is made, and the message must name the
 * addresses without echoing anything raw.
 */
class HostileDomainsTest {
    static MtaStsSandbox sandbox;
    static DnsjavaResolver dns;

    /** Name, A or AAAA records of {@code mta-sts.<name>.test}. */
    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("loopback", List.of("127.0.0.1")),
                Arguments.of("loopback-other", List.of("127.1.2.3")),
                Arguments.of("loopback-v6", List.of("::1")),
                Arguments.of("any-local", List.of("0.0.0.0")),
                Arguments.of("private-10", List.of("10.0.0.5")),
                Arguments.of("private-172", List.of("172.16.1.1")),
                Arguments.of("private-192", List.of("192.168.1.1")),
                Arguments.of("cgnat", List.of("100.64.0.1")),
                Arguments.of("alibaba-metadata", List.of("100.100.100.200")),
                Arguments.of("link-local", List.of("169.254.0.1")),
                Arguments.of("metadata", List.of("169.254.169.254")),
                Arguments.of("oracle-metadata", List.of("192.0.0.192")),
                Arguments.of("benchmarking", List.of("198.18.0.1")),
                Arguments.of("broadcast", List.of("255.255.255.255")),
                Arguments.of("multicast", List.of("224.0.0.251")),
                Arguments.of("ula", List.of("fd00::1")),
                Arguments.of("aws-metadata-v6", List.of("fd00:ec2::254")),
                Arguments.of("link-local-v6", List.of("fe80::1")),
                Arguments.of("site-local-v6", List.of("fec0::1")),
                Arguments.of("mapped-loopback", List.of("::ffff:127.0.0.1")),
                Arguments.of("mapped-metadata", List.of("::ffff:169.254.169.254")),
                Arguments.of("compatible-private", List.of("::10.0.0.1")),
                Arguments.of("nat64-metadata", List.of("64:ff9b::a9fe:a9fe")),
                Arguments.of("nat64-private", List.of("64:ff9b::a00:5")),
                Arguments.of("nat64-local-use", List.of("64:ff9b:1::a00:5")),
                Arguments.of("sixtofour-private", List.of("2002:c0a8:101::1")),
                Arguments.of("sixtofour-loopback", List.of("2002:7f00:1::1")),
                Arguments.of("all-private", List.of("10.0.0.1", "192.168.0.1", "169.254.169.254", "fd00::1")));
    }

    @BeforeAll
    static void start() {
        MtaStsSandbox.Builder b = MtaStsSandbox.builder();
        hostile().forEach(args -> {
            String name = (String) args.get()[0];
            @SuppressWarnings("unchecked")
            List<String> addresses = (List<String>) args.get()[1];
            DomainSpec spec = DomainSpec.of(name + ".test").stsRecord("v=STSv1; id=1");
            for (String address : addresses) {
                if (address.contains(":")) {
                    spec.aaaa("mta-sts." + name + ".test", address);
                } else {
                    spec.a("mta-sts." + name + ".test", address);
                }
            }
            b.domain(spec);
        });
        sandbox = b.domain(DomainSpec.of("mixed.test").stsRecord("v=STSv1; id=1")
                .a("mta-sts.mixed.test", "10.0.0.1").a("mta-sts.mixed.test", "169.254.169.254")
                .a("mta-sts.mixed.test", "127.0.0.2")).start();
        dns = DnsjavaResolver.builder().server(sandbox.dnsAddress()).timeout(Duration.ofSeconds(1)).build();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /** OkHttp's DNS answered by the sandbox through the real resolver, A and AAAA. */
    static Dns sandboxDns() {
        return hostname -> {
            AddressAnswer answer = dns.resolveAddresses(DomainName.of(hostname));
            if (answer instanceof AddressAnswer.Addresses addresses) {
                return addresses.addresses();
            }
            throw new UnknownHostException(hostname + ": " + answer);
        };
    }

    /** Records every address OkHttp tries to connect to. */
    static final class Connects extends EventListener {
        final List<InetSocketAddress> attempts = new ArrayList<>();

        @Override
        public synchronized void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
            attempts.add(address);
        }
    }

    @ParameterizedTest(name = "RFC 8461 §10.3: mta-sts.{0}.test at {1} is never fetched")
    @MethodSource("hostile")
    @DisplayName("the default address filter refuses a policy host on a non-public address, before any connection")
    void aHostilePolicyHostIsRefused(String name, List<String> addresses) {
        Connects connects = new Connects();
        OkHttpClient client = new OkHttpClient.Builder().dns(sandboxDns()).eventListener(connects).build();
        try (HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().client(client).timeout(Duration.ofSeconds(5)).build()) {
            FetchResult result = fetcher.fetch(DomainName.of(name + ".test"));
            assertThat(result).as(result.toString()).isInstanceOf(FetchResult.Failed.class);
            FetchResult.Failed failed = (FetchResult.Failed) result;
            assertThat(failed.failure()).as(failed.detail()).isEqualTo(FetchFailure.ADDRESS_REJECTED);
            assertThat(connects.attempts).isEmpty();
            Messages.requireSafe("detail", failed.detail());
            assertThat(failed.detail()).contains("mta-sts." + name + ".test");
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: through MtaSts, a hostile policy host is no policy, reported as a fetch error")
    void throughMtaStsAHostileHostIsNoPolicy() {
        OkHttpClient client = new OkHttpClient.Builder().dns(sandboxDns()).build();
        try (MtaSts sts = MtaSts.builder().txtResolver(dns).client(client).clock(sandbox.clock())
                .proactiveRefresh(false).build()) {
            PolicyResolution r = sts.resolve(DomainName.of("metadata.test"));
            assertThat(r).isInstanceOf(PolicyResolution.NoPolicy.class);
            PolicyResolution.NoPolicy none = (PolicyResolution.NoPolicy) r;
            assertThat(none.reason()).isEqualTo(PolicyResolution.Reason.FETCH_FAILED);
            assertThat(none.policyFailure().orElseThrow().failureReasonCode()).isEqualTo(FetchFailure.ADDRESS_REJECTED.code());
            assertThat(none.detail()).contains("169.254.169.254");
        } finally {
            client.dispatcher().executorService().shutdown();
        }
    }

    @Test
    @DisplayName("DNS rebinding: a name with both allowed and refused addresses is connected to the allowed ones only")
    void aMixedAnswerConnectsOnlyToAllowedAddresses() throws UnknownHostException {
        // 127.0.0.2 stands for a public address here (nothing listens on it, so the connection is
        // refused at once); the private and metadata addresses beside it must never be tried.
        InetAddress standIn = InetAddress.getByName("127.0.0.2");
        AddressFilter filter = address -> address.equals(standIn) || AddressFilter.PUBLIC_ONLY.permits(address);
        Connects connects = new Connects();
        OkHttpClient client = new OkHttpClient.Builder().dns(sandboxDns()).eventListener(connects).build();
        try (HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().client(client).addressFilter(filter)
                .timeout(Duration.ofSeconds(5)).build()) {
            FetchResult result = fetcher.fetch(DomainName.of("mixed.test"));
            assertThat(result).isInstanceOf(FetchResult.Failed.class);
            assertThat(((FetchResult.Failed) result).failure()).isNotEqualTo(FetchFailure.ADDRESS_REJECTED);
            assertThat(connects.attempts).isNotEmpty()
                    .allSatisfy(a -> assertThat(a.getAddress()).isEqualTo(standIn));
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    @Test
    @DisplayName("tests and the sandbox opt in to loopback: AddressFilter.ANY, or an address override, which is never filtered")
    void theSandboxOptsIn() {
        try (MtaStsSandbox local = MtaStsSandbox.builder().domain(DomainSpec.of("good.test").stsRecord("v=STSv1; id=1")
                .policy("version: STSv1\nmode: enforce\nmx: mx.good.test\nmax_age: 86400\n")).start()) {
            OkHttpClient client = new OkHttpClient.Builder().build();
            // The policy host resolves to 127.0.0.1 in the sandbox's DNS, but its port is not 443:
            // an override says where it listens, and overrides are the caller's own choice.
            for (AddressFilter filter : List.of(AddressFilter.ANY, AddressFilter.PUBLIC_ONLY)) {
                try (HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().client(client)
                        .trustManager(local.trustManager()).addressOverrides(local.addresses()).addressFilter(filter)
                        .build()) {
                    assertThat(fetcher.fetch(DomainName.of("good.test"))).isInstanceOf(FetchResult.Fetched.class);
                }
            }
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }
}
