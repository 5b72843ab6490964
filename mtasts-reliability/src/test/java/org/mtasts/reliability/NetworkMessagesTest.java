package org.mtasts.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtasts.core.Discovery;
import org.mtasts.core.DomainName;
import org.mtasts.core.RecordSelection;
import org.mtasts.core.TlsRptRecord;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.AddressFilter;
import org.mtasts.http.FetchResult;
import org.mtasts.http.HttpsPolicyFetcher;
import org.mtasts.http.MtaSts;
import org.mtasts.http.PolicyResolution;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.PolicyResponse;

/**
 * Log injection: what DNS and HTTPS peers send reaches our messages escaped. Each sandbox domain
 * puts terminal escapes, CR/LF, DEL, C1 controls, a line separator or a bidi override into one
 * place (a TXT record, a header, a status, a policy body), and every message the resolution or the
 * fetch produces must be free of raw control characters ({@link Messages}).
 */
class NetworkMessagesTest {
    /** Terminal escape, CR LF, DEL, NEL (C1), line separator, right-to-left override. */
    static final String NASTY = "\u001b[31mred\r\nX-Injected: 1\u007f\u0085\u2028\u202e";
    /** What an HTTP header can carry (the sandbox keeps its framing): obs-text, here the 8-bit CSI, NEL and SHY. */
    static final String HEADER_NASTY = "\u009b31m\u0085\u00ad";
    static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n";
    static MtaStsSandbox sandbox;
    static DnsjavaResolver dns;

    @BeforeAll
    static void start() {
        // TXT data is bytes: the characters above 0xFF are given as their UTF-8 bytes.
        String nastyBytes = new String(NASTY.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        sandbox = MtaStsSandbox.builder()
                .domain(DomainSpec.of("txt.test").stsRecord("v=STSv1; id=1" + nastyBytes).policy(POLICY))
                .domain(DomainSpec.of("txt-ext.test").stsRecord("v=STSv1; id=1; x-e=" + nastyBytes).policy(POLICY))
                .domain(DomainSpec.of("ctype.test").stsRecord("v=STSv1; id=1")
                        .policyResponse(PolicyResponse.ok(POLICY).withContentType("text/html" + HEADER_NASTY)))
                .domain(DomainSpec.of("charset.test").stsRecord("v=STSv1; id=1")
                        .policyResponse(PolicyResponse.ok(POLICY).withContentType("text/plain; charset=x" + HEADER_NASTY)))
                .domain(DomainSpec.of("location.test").stsRecord("v=STSv1; id=1")
                        .policyResponse(PolicyResponse.redirect(302, "https://evil.example/" + HEADER_NASTY)))
                .domain(DomainSpec.of("body.test").stsRecord("v=STSv1; id=1")
                        .policyResponse(PolicyResponse.ok(("version: STSv1\nmode: enf" + NASTY + "orce\n")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .domain(DomainSpec.of("mx.test").stsRecord("v=STSv1; id=1")
                        .policyResponse(PolicyResponse.ok(("version: STSv1\nmode: enforce\nmx: m\u00e9" + NASTY
                                + ".example\nmax_age: 1\n").getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .domain(DomainSpec.of("tlsrpt.test").tlsRptRecord("v=TLSRPTv1; rua=mailto:a@b.example" + nastyBytes))
                .start();
        dns = DnsjavaResolver.builder().server(sandbox.dnsAddress()).timeout(Duration.ofSeconds(2)).build();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static Stream<Arguments> domains() {
        return Stream.of(Arguments.of("txt.test"), Arguments.of("txt-ext.test"), Arguments.of("ctype.test"),
                Arguments.of("charset.test"), Arguments.of("location.test"), Arguments.of("body.test"),
                Arguments.of("mx.test"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("domains")
    @DisplayName("RFC 8461 §3: what a hostile peer sends never reaches a resolution's detail raw")
    void resolutionDetailsAreEscaped(String domain) {
        try (HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().trustManager(sandbox.trustManager())
                .addressOverrides(sandbox.addresses()).addressFilter(AddressFilter.ANY).build();
                MtaSts sts = MtaSts.builder().txtResolver(dns).fetcher(fetcher).clock(sandbox.clock())
                        .proactiveRefresh(false).build()) {
            PolicyResolution r = sts.resolve(DomainName.of(domain));
            assertThat(r).isNotInstanceOf(PolicyResolution.Active.class);
            String detail = r instanceof PolicyResolution.NoPolicy n ? n.detail()
                    : ((PolicyResolution.TemporaryFailure) r).detail();
            Messages.requireSafe(domain + " detail", detail);
            FetchResult fetched = fetcher.fetch(DomainName.of(domain));
            Messages.requireSafe(domain + " fetch detail", fetched.detail());
            if (fetched instanceof FetchResult.Invalid invalid) {
                Messages.requireSafe(domain + " syntax error", invalid.error().toString());
            }
        }
    }

    @Test
    @DisplayName("RFC 8460 §3: an invalid TLSRPT record with control characters is reported escaped")
    void tlsRptErrorsAreEscaped() {
        Discovery<TlsRptRecord> d = RecordSelection.discoverTlsRpt(dns, DomainName.of("tlsrpt.test")).join();
        assertThat(d).isInstanceOf(Discovery.Invalid.class);
        Messages.requireSafe("TLSRPT error", ((Discovery.Invalid<TlsRptRecord>) d).error().toString());
    }
}
