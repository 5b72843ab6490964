package org.mtasts.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtasts.core.DomainName;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.AddressFilter;
import org.mtasts.http.FetchFailure;
import org.mtasts.http.HttpsPolicyFetcher;
import org.mtasts.http.MtaSts;
import org.mtasts.http.PolicyResolution;
import org.mtasts.testkit.DnsFault;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.HttpFault;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.PolicyHost;
import org.mtasts.testkit.PolicyResponse;

/**
 * Fault injection through the whole sender stack: the real {@link DnsjavaResolver} against the
 * sandbox's DNS server, the real {@link HttpsPolicyFetcher} against its HTTPS policy hosts, {@link
 * MtaSts} on top. For each fault, {@value #DOMAINS} domains misbehave at once (half with a cached
 * policy, for the DNS faults) and each resolution must give the right sealed result within the
 * configured deadline; afterwards, with everything closed, no thread, socket or file descriptor
 * may be left (counted before and after, see {@link Leaks}).
 */
class FaultInjectionTest {
    static final int DOMAINS = 8;
    static final Duration DNS_TIMEOUT = Duration.ofMillis(300);
    static final Duration DNS_DEADLINE = Duration.ofSeconds(1);
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(2);
    /** Room on top of a deadline for a loaded CI machine: the bound asserted is deadline + this. */
    static final Duration SLACK = Duration.ofSeconds(3);
    static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n";

    /** Faults survived, per kind, for the report printed after the class. */
    static final List<String> SURVIVED = new ArrayList<>();

    @BeforeAll
    static void warmUp() throws Exception {
        // Classes, the JDK's and the libraries' process-wide threads and descriptors are made once,
        // on first use: a clean run first, so that the snapshots compare like with like.
        // (The JVM and libc open some descriptors on first use, such as a socket to the name
        // service cache: the warm-up itself is not checked.)
        run(List.of(DomainSpec.of("warm.test").stsRecord("v=STSv1; id=1").policy(POLICY)), Duration.ofSeconds(30), false,
                stack -> {
                    assertThat(stack.resolve("warm.test")).isInstanceOf(PolicyResolution.Active.class);
                    stack.sandbox.dnsFault("_mta-sts.warm.test", DnsFault.TRUNCATE); // DNS over TCP too
                    assertThat(stack.dns.resolveTxt("_mta-sts.warm.test")).isNotNull();
                    stack.sandbox.dnsFault("_mta-sts.warm.test", null);
                });
    }

    @AfterAll
    static void report() {
        SURVIVED.forEach(System.out::println);
    }

    static Stream<Arguments> dnsFaults() {
        return Stream.of(
                Arguments.of("SERVFAIL", DnsFault.SERVFAIL, false),
                Arguments.of("REFUSED", DnsFault.REFUSED, false),
                Arguments.of("dropped (no answer)", DnsFault.NO_ANSWER, false),
                Arguments.of("wrong message id", DnsFault.WRONG_ID, false),
                Arguments.of("garbage", DnsFault.GARBAGE, false),
                Arguments.of("delay beyond the deadline", DnsFault.delay(DNS_DEADLINE.plusMillis(500)), false),
                Arguments.of("truncated over UDP (TCP retry)", DnsFault.TRUNCATE, true),
                Arguments.of("short delay", DnsFault.delay(Duration.ofMillis(100)), true));
    }

    @ParameterizedTest(name = "RFC 8461 §5.1: DNS fault {0}")
    @MethodSource("dnsFaults")
    @DisplayName("a DNS fault gives a temporary failure (with the cached policy if any) within the deadline, and leaks nothing")
    void dnsFault(String name, DnsFault fault, boolean answered) throws Exception {
        List<DomainSpec> specs = new ArrayList<>();
        for (int i = 0; i < DOMAINS; i++) {
            specs.add(DomainSpec.of("d" + i + ".dns-fault.test").stsRecord("v=STSv1; id=1").policy(POLICY));
        }
        run(specs, FETCH_TIMEOUT, true, stack -> {
            // Half the domains have their policy cached before the fault.
            for (int i = 0; i < DOMAINS / 2; i++) {
                assertThat(stack.resolve("d" + i + ".dns-fault.test")).isInstanceOf(PolicyResolution.Active.class);
            }
            for (int i = 0; i < DOMAINS; i++) {
                stack.sandbox.dnsFault("_mta-sts.d" + i + ".dns-fault.test", fault);
            }
            List<CompletableFuture<PolicyResolution>> results = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < DOMAINS; i++) {
                DomainName domain = DomainName.of("d" + i + ".dns-fault.test");
                if (i < DOMAINS / 2) {
                    // RFC 8461 §5.1: a cached policy is answered at once, whatever DNS does meanwhile.
                    assertThat(stack.sts.resolveAsync(domain)).isCompleted();
                    assertThat(stack.sts.resolve(domain).policyToApply()).isPresent();
                }
                results.add(stack.sts.recheckAsync(domain)); // what looking the record up finds
            }
            Duration bound = DNS_DEADLINE.plus(FETCH_TIMEOUT).plus(SLACK);
            for (int i = 0; i < DOMAINS; i++) {
                PolicyResolution r = results.get(i).get(bound.toMillis(), TimeUnit.MILLISECONDS);
                boolean cached = i < DOMAINS / 2;
                if (answered) {
                    assertThat(r).as(r.toString()).isInstanceOf(PolicyResolution.Active.class);
                } else {
                    assertThat(r).as(r.toString()).isInstanceOf(PolicyResolution.TemporaryFailure.class);
                    PolicyResolution.TemporaryFailure failure = (PolicyResolution.TemporaryFailure) r;
                    assertThat(failure.reason()).isEqualTo(PolicyResolution.Reason.DNS_FAILURE);
                    // RFC 8461 §5.1: the unexpired cached policy still applies.
                    assertThat(failure.fallback().isPresent()).as("fallback").isEqualTo(cached);
                    Messages.requireSafe("detail", failure.detail());
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            synchronized (SURVIVED) {
                SURVIVED.add("DNS " + name + ": " + DOMAINS + " resolutions, all done after " + millis + " ms");
            }
        });
    }

    /**
     * A connection the server breaks: the JDK reports a reset or an early end of stream as an
     * I/O error or, inside TLS, as an SSLException, whichever the kernel delivers first.
     */
    static final List<FetchFailure> BROKEN_CONNECTION = List.of(FetchFailure.IO, FetchFailure.TLS_HANDSHAKE);

    static Stream<Arguments> httpFaults() {
        return Stream.of(
                Arguments.of("reset mid-body", PolicyResponse.ok(POLICY + "x-pad: " + "p".repeat(20_000) + "\n")
                        .withFault(HttpFault.RESET_MID_BODY), PolicyHost.DEFAULT, BROKEN_CONNECTION),
                Arguments.of("stall after headers", PolicyResponse.ok(POLICY).withFault(HttpFault.STALL_AFTER_HEADERS),
                        PolicyHost.DEFAULT, List.of(FetchFailure.TIMEOUT)),
                Arguments.of("endless chunked body", PolicyResponse.ok(POLICY).withFault(HttpFault.ENDLESS_BODY),
                        PolicyHost.DEFAULT, List.of(FetchFailure.TOO_LARGE)),
                Arguments.of("closed without a response", PolicyResponse.ok(POLICY)
                        .withFault(HttpFault.CLOSE_WITHOUT_RESPONSE), PolicyHost.DEFAULT, BROKEN_CONNECTION),
                Arguments.of("slow drip", PolicyResponse.ok(POLICY).withDrip(1, Duration.ofMillis(100)),
                        PolicyHost.DEFAULT, List.of(FetchFailure.TIMEOUT)),
                Arguments.of("certificate chain of 50", PolicyResponse.ok(POLICY), PolicyHost.DEFAULT.withChainLength(50),
                        List.of(FetchFailure.TLS_HANDSHAKE)),
                // An HTTPS port that accepts and closes at once.
                Arguments.of("TLS port closed at once", PolicyResponse.ok(POLICY), PolicyHost.DEFAULT.withoutHttps(),
                        BROKEN_CONNECTION));
    }

    @ParameterizedTest(name = "RFC 8461 §3.3: HTTPS fault {0}")
    @MethodSource("httpFaults")
    @DisplayName("an HTTPS fault gives no policy and its TLS-RPT failure within the fetch timeout, and leaks nothing")
    void httpFault(String name, PolicyResponse response, PolicyHost host, List<FetchFailure> expected) throws Exception {
        List<DomainSpec> specs = new ArrayList<>();
        for (int i = 0; i < DOMAINS; i++) {
            specs.add(DomainSpec.of("d" + i + ".http-fault.test").stsRecord("v=STSv1; id=1")
                    .policyResponse(response).policyHost(host));
        }
        run(specs, FETCH_TIMEOUT, true, stack -> {
            List<CompletableFuture<PolicyResolution>> results = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < DOMAINS; i++) {
                results.add(stack.sts.resolveAsync(DomainName.of("d" + i + ".http-fault.test")));
            }
            Duration bound = DNS_DEADLINE.plus(FETCH_TIMEOUT).plus(SLACK);
            for (CompletableFuture<PolicyResolution> future : results) {
                PolicyResolution r = future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(r).as(r.toString()).isInstanceOf(PolicyResolution.NoPolicy.class);
                PolicyResolution.NoPolicy none = (PolicyResolution.NoPolicy) r;
                assertThat(none.reason()).isEqualTo(PolicyResolution.Reason.FETCH_FAILED);
                // RFC 8460 §4.3.2.2: the failure is reported with its result type and reason code.
                assertThat(none.policyFailure().orElseThrow().resultType()).isEqualTo(expected.get(0).resultType());
                assertThat(none.policyFailure().orElseThrow().failureReasonCode()).as(none.detail())
                        .isIn(expected.stream().map(FetchFailure::code).toArray());
                Messages.requireSafe("detail", none.detail());
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            synchronized (SURVIVED) {
                SURVIVED.add("HTTPS " + name + ": " + DOMAINS + " fetches, all done after " + millis + " ms");
            }
        });
    }

    /** The stack under test, on one sandbox. */
    record Stack(MtaStsSandbox sandbox, DnsjavaResolver dns, HttpsPolicyFetcher fetcher, MtaSts sts) {
        PolicyResolution resolve(String domain) {
            return sts.resolve(DomainName.of(domain));
        }
    }

    /** Starts a sandbox and the stack, runs the body, closes everything, and checks for leaks. */
    static void run(List<DomainSpec> specs, Duration fetchTimeout, boolean checkLeaks, ThrowingConsumer<Stack> body)
            throws Exception {
        Leaks.Snapshot before = Leaks.take();
        MtaStsSandbox.Builder b = MtaStsSandbox.builder();
        specs.forEach(b::domain);
        try (MtaStsSandbox sandbox = b.start()) {
            DnsjavaResolver dns = DnsjavaResolver.builder().server(sandbox.dnsAddress())
                    .timeout(DNS_TIMEOUT).retries(0).deadline(DNS_DEADLINE).build();
            try (HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().trustManager(sandbox.trustManager())
                    .addressOverrides(sandbox.addresses()).addressFilter(AddressFilter.ANY).timeout(fetchTimeout).build();
                    MtaSts sts = MtaSts.builder().txtResolver(dns).fetcher(fetcher).clock(sandbox.clock())
                            .fetchBackoff(Duration.ZERO).build()) {
                body.accept(new Stack(sandbox, dns, fetcher, sts));
            }
        }
        if (checkLeaks) {
            Leaks.assertNoLeakSince(before, Duration.ofSeconds(10));
        }
    }

    @FunctionalInterface
    interface ThrowingConsumer<T> {
        void accept(T t) throws Exception;
    }
}
