package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.HostnameVerifier;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.TlsVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.PolicyParser;
import org.mtasts.core.ResultType;
import org.mtasts.core.SyntaxError;
import org.mtasts.testkit.CertificateVariant;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.HttpExchange;
import org.mtasts.testkit.HttpFault;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.PolicyHost;
import org.mtasts.testkit.PolicyResponse;

/**
 * The policy fetch (RFC 8461 §3.3, §7) against the testkit sandbox: real HTTPS policy hosts on
 * loopback with SNI-selected certificates from the sandbox CA, reached through address overrides.
 */
class HttpsPolicyFetcherTest {
    static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmax_age: 86400\r\n";
    /** The domain whose response each test sets. */
    static final DomainName VAR = DomainName.of("var.test");

    static MtaStsSandbox sandbox;
    static HttpsPolicyFetcher fetcher;

    @BeforeAll
    static void startSandbox() {
        MtaStsSandbox.Builder b = MtaStsSandbox.builder()
                .domain(DomainSpec.of("var.test").policy(POLICY))
                .domain(DomainSpec.of("target.test").policy(POLICY))
                .domain(DomainSpec.of("http-only.test").policy(POLICY).policyHost(PolicyHost.DEFAULT.withoutHttps()));
        for (CertificateVariant variant : CertificateVariant.values()) {
            b.domain(DomainSpec.of(certDomain(variant)).policy(POLICY)
                    .policyHost(PolicyHost.DEFAULT.withCertificate(variant)));
        }
        sandbox = b.start();
        fetcher = fetcherBuilder().build();
    }

    @AfterAll
    static void stopSandbox() {
        fetcher.close();
        sandbox.close();
    }

    @BeforeEach
    void resetResponse() {
        sandbox.policyResponse("var.test", PolicyResponse.ok(POLICY));
    }

    static String certDomain(CertificateVariant variant) {
        return variant.name().toLowerCase().replace('_', '-') + ".cert.test";
    }

    static HttpsPolicyFetcher.Builder fetcherBuilder() {
        return HttpsPolicyFetcher.builder().trustManager(sandbox.trustManager()).addressOverrides(sandbox.addresses());
    }

    /** Serves {@code response} at var.test and fetches it once. */
    static FetchResult serve(PolicyResponse response) {
        sandbox.policyResponse("var.test", response);
        return fetcher.fetch(VAR);
    }

    static List<HttpExchange> exchangesWith(String host) {
        return sandbox.httpExchanges().stream().filter(e -> e.host().equals(host)).toList();
    }

    static String policyOfSize(int bytes) {
        String head = "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 86400\npad: ";
        return head + "x".repeat(bytes - head.length() - 1) + "\n";
    }

    static FetchResult.Failed failed(FetchResult result, FetchFailure expected) {
        assertThat(result).isInstanceOf(FetchResult.Failed.class);
        FetchResult.Failed failed = (FetchResult.Failed) result;
        assertThat(failed.failure()).isEqualTo(expected);
        assertThat(failed.resultType()).isEqualTo(expected.resultType());
        assertThat(failed.failureReasonCode()).isEqualTo(expected.code());
        assertThat(failed.detail()).doesNotContain("\n", "\r");
        return failed;
    }

    @Test
    @DisplayName("RFC 8461 §3.3, §7.1: GET https://mta-sts.<domain>/.well-known/mta-sts.txt with SNI, over TLS")
    void fetchesTheWellKnownPathWithSni() {
        int before = exchangesWith("mta-sts.var.test").size();

        // A new fetcher has a new TLS context: a full handshake, so the sandbox sees the SNI (a
        // resumed session does not ask its key manager, which is where the sandbox records SNI).
        FetchResult result;
        try (HttpsPolicyFetcher fresh = fetcherBuilder().build()) {
            result = fresh.fetch(VAR);
        }

        assertThat(result).isInstanceOf(FetchResult.Fetched.class);
        FetchResult.Fetched fetched = (FetchResult.Fetched) result;
        assertThat(fetched.policy().mode()).isEqualTo(PolicyMode.ENFORCE);
        assertThat(fetched.text()).isEqualTo(POLICY);
        assertThat(fetched.fetchWarnings()).isEmpty();
        assertThat(result.resultType()).isNull();
        assertThat(result.failureReasonCode()).isNull();
        List<HttpExchange> exchanges = exchangesWith("mta-sts.var.test");
        assertThat(exchanges).hasSize(before + 1);
        HttpExchange e = exchanges.get(exchanges.size() - 1);
        assertThat(e.tls()).isTrue();
        assertThat(e.sni()).isEqualTo("mta-sts.var.test");
        assertThat(e.method()).isEqualTo("GET");
        assertThat(e.target()).isEqualTo("/.well-known/mta-sts.txt");
        assertThat(e.status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "RFC 8461 §3.3: status {0} is not a policy")
    @ValueSource(ints = {201, 204, 206, 304, 403, 404, 500, 503})
    void onlyStatus200IsAPolicy(int status) {
        PolicyResponse response = PolicyResponse.ok(POLICY).withStatus(status);
        FetchResult result = serve(status == 204 || status == 304 ? response.withBody(new byte[0]) : response);

        assertThat(result).isEqualTo(new FetchResult.NotServed(status, null));
        assertThat(result.resultType()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
        assertThat(result.failureReasonCode()).isEqualTo("http-status-" + status);
        assertThat(result.detail()).contains("only 200", "RFC 8461 §3.3");
    }

    @ParameterizedTest(name = "RFC 8461 §3.3: a {0} redirect is not followed")
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void redirectsAreNeverFollowed(int status) {
        String location = "https://mta-sts.target.test:" + sandbox.address("mta-sts.target.test").getPort()
                + "/.well-known/mta-sts.txt";
        int targetBefore = exchangesWith("mta-sts.target.test").size();

        FetchResult result = serve(PolicyResponse.redirect(status, location));

        assertThat(result).isEqualTo(new FetchResult.NotServed(status, location));
        assertThat(result.detail()).contains("redirects are not followed (RFC 8461 §3.3)");
        assertThat(exchangesWith("mta-sts.target.test")).hasSize(targetBefore);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a redirect is not followed even when the caller's client follows redirects")
    void redirectsAreNotFollowedWithARedirectFollowingClient() {
        sandbox.policyResponse("var.test", PolicyResponse.redirect(302, "/elsewhere"));
        OkHttpClient follows = new OkHttpClient.Builder().followRedirects(true).followSslRedirects(true).build();
        int before = exchangesWith("mta-sts.var.test").size();
        try (HttpsPolicyFetcher f = fetcherBuilder().client(follows).build()) {
            assertThat(f.fetch(VAR)).isEqualTo(new FetchResult.NotServed(302, "/elsewhere"));
        }
        assertThat(exchangesWith("mta-sts.var.test")).hasSize(before + 1);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: no HTTP cache, even when the response says max-age")
    void responsesAreNeverCached() {
        assertThat(serve(PolicyResponse.ok(POLICY).withHeader("Cache-Control", "public, max-age=3600")))
                .isInstanceOf(FetchResult.Fetched.class);
        int before = exchangesWith("mta-sts.var.test").size();
        assertThat(serve(PolicyResponse.status(503))).isEqualTo(new FetchResult.NotServed(503, null));
        assertThat(exchangesWith("mta-sts.var.test")).hasSize(before + 1);
    }

    static Stream<Arguments> acceptedContentTypes() {
        return Stream.of(Arguments.of("text/plain"), Arguments.of("TEXT/PLAIN"), Arguments.of("Text/Plain"),
                Arguments.of("text/plain; charset=utf-8"), Arguments.of("text/plain;charset=UTF-8"),
                Arguments.of("text/plain; charset=\"us-ascii\""), Arguments.of("text/plain; format=flowed"),
                Arguments.of("text/plain ; charset=utf-8 ; x=y"), Arguments.of("text/plain; junk"));
    }

    @ParameterizedTest(name = "RFC 8461 §3.2: Content-Type \"{0}\" is text/plain")
    @MethodSource("acceptedContentTypes")
    void textPlainIsCaseInsensitiveAndParametersAreIgnored(String contentType) {
        FetchResult result = serve(PolicyResponse.ok(POLICY).withContentType(contentType));
        assertThat(result).isInstanceOf(FetchResult.Fetched.class);
        assertThat(((FetchResult.Fetched) result).fetchWarnings()).isEmpty();
    }

    @ParameterizedTest(name = "RFC 8461 §3.2: Content-Type \"{0}\" fails in strict mode")
    @ValueSource(strings = {"text/html", "application/octet-stream", "text/plain-ish", "text", "plain/text"})
    void aWrongContentTypeFailsInStrictMode(String contentType) {
        FetchResult.Failed failed = failed(serve(PolicyResponse.ok(POLICY).withContentType(contentType)),
                FetchFailure.CONTENT_TYPE);
        assertThat(failed.resultType()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
        assertThat(failed.failureReasonCode()).isEqualTo("content-type-not-text-plain");
        assertThat(failed.detail()).isEqualTo("Content-Type '" + contentType + "' is not text/plain (RFC 8461 §3.2)");
    }

    @Test
    @DisplayName("RFC 8461 §3.2: a missing Content-Type fails in strict mode, the default")
    void aMissingContentTypeFailsInStrictMode() {
        FetchResult.Failed failed = failed(serve(PolicyResponse.ok(POLICY).withoutContentType()), FetchFailure.CONTENT_TYPE);
        assertThat(failed.detail()).isEqualTo("the response has no Content-Type (RFC 8461 §3.2)");
    }

    @Test
    @DisplayName("RFC 8461 §3.2: lenient mode fetches a wrongly typed or untyped policy and says so")
    void lenientModeWarnsAboutTheContentType() {
        try (HttpsPolicyFetcher lenient = fetcherBuilder().contentTypeCheck(ContentTypeCheck.LENIENT).build()) {
            sandbox.policyResponse("var.test", PolicyResponse.ok(POLICY).withContentType("text/html; charset=utf-8"));
            FetchResult.Fetched html = (FetchResult.Fetched) lenient.fetch(VAR);
            assertThat(html.fetchWarnings())
                    .containsExactly("Content-Type 'text/html; charset=utf-8' is not text/plain (RFC 8461 §3.2)");
            sandbox.policyResponse("var.test", PolicyResponse.ok(POLICY).withoutContentType());
            FetchResult.Fetched none = (FetchResult.Fetched) lenient.fetch(VAR);
            assertThat(none.fetchWarnings()).containsExactly("the response has no Content-Type (RFC 8461 §3.2)");
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.2: with the check off the media type is not looked at")
    void offModeIgnoresTheContentType() {
        sandbox.policyResponse("var.test", PolicyResponse.ok(POLICY).withContentType("application/json"));
        try (HttpsPolicyFetcher off = fetcherBuilder().contentTypeCheck(ContentTypeCheck.OFF).build()) {
            assertThat(((FetchResult.Fetched) off.fetch(VAR)).fetchWarnings()).isEmpty();
        }
    }

    @ParameterizedTest(name = "RFC 8461 §3.2: charset {0} is honoured")
    @ValueSource(strings = {"ISO-8859-1", "UTF-16", "windows-1252", "UTF-16LE"})
    void aDeclaredCharsetIsHonoured(String charsetName) {
        String policy = "version: STSv1\nmode: testing\nmx: mx1.example.test\nmax_age: 600\nnote: café\n";
        FetchResult result = serve(PolicyResponse.ok(policy.getBytes(Charset.forName(charsetName)))
                .withContentType("text/plain; charset=" + charsetName));

        assertThat(result).isInstanceOf(FetchResult.Fetched.class);
        FetchResult.Fetched fetched = (FetchResult.Fetched) result;
        assertThat(fetched.text()).isEqualTo(policy);
        assertThat(fetched.policy().extensions()).singleElement().satisfies(e -> assertThat(e.value()).isEqualTo("café"));
    }

    @Test
    @DisplayName("RFC 8461 §3.2: an unsupported charset is a fetch error")
    void anUnsupportedCharsetFails() {
        FetchResult.Failed failed = failed(serve(PolicyResponse.ok(POLICY)
                .withContentType("text/plain; charset=x-no-such-charset")), FetchFailure.CHARSET);
        assertThat(failed.detail()).isEqualTo("charset 'x-no-such-charset' is not supported (RFC 8461 §3.2)");
    }

    @Test
    @DisplayName("RFC 8461 §3.2: bytes invalid in the declared charset are a policy syntax error with the position")
    void bytesInvalidInTheDeclaredCharsetAreAnEncodingError() {
        FetchResult result = serve(PolicyResponse.ok(new byte[] {'m', 'x', ':', ' ', (byte) 0xAA})
                .withContentType("text/plain; charset=windows-1253"));
        assertThat(result).isInstanceOf(FetchResult.Invalid.class);
        SyntaxError error = ((FetchResult.Invalid) result).error();
        assertThat(error.kind()).isEqualTo(SyntaxError.Kind.POLICY_ENCODING);
        assertThat(error.offset()).isEqualTo(4);
        assertThat(error.column()).isEqualTo(5);
        assertThat(result.resultType()).isEqualTo(ResultType.STS_POLICY_INVALID);
    }

    @Test
    @DisplayName("RFC 8461 §3.2: a body that is not UTF-8 is a policy syntax error, not a crash")
    void invalidUtf8IsAPolicySyntaxError() {
        byte[] body = "version: STSv1\nmode: enforce\n\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        FetchResult result = serve(PolicyResponse.ok(body));
        assertThat(((FetchResult.Invalid) result).error().kind()).isEqualTo(SyntaxError.Kind.POLICY_ENCODING);
        assertThat(((FetchResult.Invalid) result).error().line()).isEqualTo(3);
    }

    @ParameterizedTest(name = "RFC 8461 §3.2: body {0} is sts-policy-invalid")
    @ValueSource(strings = {"", "garbage", "version: STSv1\nmode: enforce\nmax_age: 86400\n",
            "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 86400\n\u0000\n"})
    void anInvalidBodyIsStsPolicyInvalid(String body) {
        FetchResult result = serve(PolicyResponse.ok(body));
        assertThat(result).isInstanceOf(FetchResult.Invalid.class);
        FetchResult.Invalid invalid = (FetchResult.Invalid) result;
        assertThat(invalid.text()).isEqualTo(body);
        assertThat(result.resultType()).isEqualTo(ResultType.STS_POLICY_INVALID);
        assertThat(result.failureReasonCode()).isEqualTo(invalid.error().code()).startsWith("policy-");
        assertThat(result.detail()).startsWith("invalid policy: line ");
        if (body.isEmpty()) {
            assertThat(invalid.error().kind()).isEqualTo(SyntaxError.Kind.POLICY_EMPTY);
        }
    }

    @ParameterizedTest(name = "RFC 8461 §3.3: a 65536-byte body is accepted ({0})")
    @ValueSource(strings = {"CONTENT_LENGTH", "CHUNKED", "CLOSE_DELIMITED"})
    void a64KibBodyIsAccepted(PolicyResponse.Framing framing) {
        FetchResult result = serve(PolicyResponse.oversized(POLICY, 65_536).withFraming(framing));
        assertThat(result).isInstanceOf(FetchResult.Fetched.class);
        assertThat(((FetchResult.Fetched) result).text()).hasSize(65_536);
    }

    @ParameterizedTest(name = "RFC 8461 §3.3: a 65537-byte body is rejected ({0})")
    @ValueSource(strings = {"CONTENT_LENGTH", "CHUNKED", "CLOSE_DELIMITED"})
    void a64KibPlusOneBodyIsRejected(PolicyResponse.Framing framing) {
        FetchResult.Failed failed = failed(serve(PolicyResponse.oversized(POLICY, 65_537).withFraming(framing)),
                FetchFailure.TOO_LARGE);
        assertThat(failed.detail()).isEqualTo(framing == PolicyResponse.Framing.CONTENT_LENGTH
                ? "Content-Length 65537 exceeds the limit of 65536 bytes (RFC 8461 §3.3)"
                : "the body exceeds the limit of 65536 bytes (RFC 8461 §3.3)");
    }

    @Test
    @DisplayName("RFC 8461 §3.3: an endless chunked body stops at the limit")
    void anEndlessBodyStopsAtTheLimit() {
        failed(serve(PolicyResponse.ok(POLICY).withFault(HttpFault.ENDLESS_BODY)), FetchFailure.TOO_LARGE);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: the size limit is a setting")
    void theSizeLimitIsASetting() {
        try (HttpsPolicyFetcher small = fetcherBuilder().maxBodyBytes(100).build()) {
            assertThat(small.maxBodyBytes()).isEqualTo(100);
            sandbox.policyResponse("var.test", PolicyResponse.ok(policyOfSize(100)));
            assertThat(small.fetch(VAR)).isInstanceOf(FetchResult.Fetched.class);
            sandbox.policyResponse("var.test", PolicyResponse.ok(policyOfSize(101)).withFraming(PolicyResponse.Framing.CHUNKED));
            failed(small.fetch(VAR), FetchFailure.TOO_LARGE);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: one deadline covers a slow drip of the body")
    void aSlowDripHitsTheOverallDeadline() {
        sandbox.policyResponse("var.test", PolicyResponse.ok(POLICY).withDrip(1, Duration.ofMillis(50)));
        try (HttpsPolicyFetcher quick = fetcherBuilder().timeout(Duration.ofMillis(500)).build()) {
            failed(quick.fetch(VAR), FetchFailure.TIMEOUT);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a server that stalls after the headers hits the deadline")
    void aStalledServerHitsTheDeadline() {
        sandbox.policyResponse("var.test", PolicyResponse.ok(POLICY).withFault(HttpFault.STALL_AFTER_HEADERS));
        try (HttpsPolicyFetcher quick = fetcherBuilder().timeout(Duration.ofMillis(300)).build()) {
            failed(quick.fetch(VAR), FetchFailure.TIMEOUT);
        }
    }

    @ParameterizedTest(name = "RFC 8461 §3.3: {0} is an I/O fetch error")
    @ValueSource(strings = {"CLOSE_WITHOUT_RESPONSE", "RESET_MID_BODY"})
    void brokenConnectionsAreFetchErrors(HttpFault fault) {
        failed(serve(PolicyResponse.ok(policyOfSize(30_000)).withFault(fault)), FetchFailure.IO);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: an expired policy host certificate is sts-webpki-invalid")
    void anExpiredCertificateIsWebPkiInvalid() {
        failed(fetcher.fetch(DomainName.of(certDomain(CertificateVariant.EXPIRED))), FetchFailure.CERTIFICATE_EXPIRED);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a policy host certificate not yet valid is sts-webpki-invalid")
    void aNotYetValidCertificateIsWebPkiInvalid() {
        failed(fetcher.fetch(DomainName.of(certDomain(CertificateVariant.NOT_YET_VALID))),
                FetchFailure.CERTIFICATE_NOT_YET_VALID);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a self-signed (untrusted) policy host certificate is sts-webpki-invalid")
    void anUntrustedCertificateIsWebPkiInvalid() {
        failed(fetcher.fetch(DomainName.of(certDomain(CertificateVariant.SELF_SIGNED))),
                FetchFailure.CERTIFICATE_NOT_TRUSTED);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a certificate for the web site instead of the policy host is sts-webpki-invalid")
    void aWrongHostCertificateIsWebPkiInvalid() {
        failed(fetcher.fetch(DomainName.of(certDomain(CertificateVariant.WRONG_HOST))),
                FetchFailure.CERTIFICATE_HOST_MISMATCH);
    }

    @Test
    @DisplayName("RFC 8461 §3.3, RFC 6125 §6.4.4: a CN without a DNS-ID SAN does not match")
    void aCommonNameIsNeverUsed() {
        failed(fetcher.fetch(DomainName.of(certDomain(CertificateVariant.CN_ONLY))), FetchFailure.CERTIFICATE_HOST_MISMATCH);
    }

    @Test
    @DisplayName("RFC 8461 §3.3, RFC 6125 §6.4.3: a wildcard certificate matches as the whole leftmost label")
    void aWildcardCertificateMatches() {
        assertThat(fetcher.fetch(DomainName.of(certDomain(CertificateVariant.WILDCARD)))).isInstanceOf(FetchResult.Fetched.class);
        assertThat(fetcher.fetch(DomainName.of(certDomain(CertificateVariant.VALID)))).isInstanceOf(FetchResult.Fetched.class);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: OkHttp's hostname verifier is restored over a caller's accept-all one")
    void aCallersLaxHostnameVerifierIsReplaced() {
        HostnameVerifier acceptAll = (host, session) -> true;
        OkHttpClient lax = new OkHttpClient.Builder().hostnameVerifier(acceptAll).build();
        try (HttpsPolicyFetcher f = fetcherBuilder().client(lax).build()) {
            failed(f.fetch(DomainName.of(certDomain(CertificateVariant.WRONG_HOST))), FetchFailure.CERTIFICATE_HOST_MISMATCH);
            assertThat(f.client().hostnameVerifier()).isNotSameAs(acceptAll);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a policy host serving plain HTTP only is a fetch error")
    void aPlainHttpOnlyHostIsAFetchError() {
        FetchResult result = fetcher.fetch(DomainName.of("http-only.test"));
        assertThat(result).isInstanceOf(FetchResult.Failed.class);
        assertThat(((FetchResult.Failed) result).failure()).isIn(FetchFailure.TLS_HANDSHAKE, FetchFailure.IO);
        assertThat(result.resultType()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
    }

    @Test
    @DisplayName("RFC 8461 §7.2: the client speaks TLS 1.2 and 1.3 only, never cleartext; no redirects, cache or retries")
    void theDerivedClientFollowsTheRfc() {
        List<ConnectionSpec> specs = fetcher.client().connectionSpecs();
        assertThat(specs).singleElement().satisfies(spec -> {
            assertThat(spec.isTls()).isTrue();
            assertThat(spec.tlsVersions()).containsExactlyInAnyOrder(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2);
        });
        assertThat(fetcher.client().followRedirects()).isFalse();
        assertThat(fetcher.client().followSslRedirects()).isFalse();
        assertThat(fetcher.client().cache()).isNull();
        assertThat(fetcher.client().retryOnConnectionFailure()).isFalse();
        assertThat(fetcher.client().callTimeoutMillis()).isEqualTo(60_000);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: the policy URL uses port 443 and the A-label policy host")
    void policyUrlUsesPort443ByDefault() {
        try (HttpsPolicyFetcher plain = HttpsPolicyFetcher.create()) {
            assertThat(plain.policyUrl(DomainName.of("Bücher.Example.")).toString())
                    .isEqualTo("https://mta-sts.xn--bcher-kva.example/.well-known/mta-sts.txt");
            assertThat(plain.maxBodyBytes()).isEqualTo(65_536);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a refused connection is a fetch error")
    void aRefusedConnectionIsAFetchError() throws IOException {
        InetSocketAddress closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }
        try (HttpsPolicyFetcher f = HttpsPolicyFetcher.builder().addressOverride("mta-sts.var.test", closed).build()) {
            failed(f.fetch(VAR), FetchFailure.CONNECT);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a policy host that does not resolve is a fetch error")
    void anUnresolvablePolicyHostIsAFetchError() {
        OkHttpClient client = new OkHttpClient.Builder().dns(host -> {
            throw new UnknownHostException(host + ": NXDOMAIN");
        }).build();
        try (HttpsPolicyFetcher f = HttpsPolicyFetcher.builder().client(client).build()) {
            assertThat(failed(f.fetch(VAR), FetchFailure.HOST_NOT_FOUND).detail()).contains("mta-sts.var.test: NXDOMAIN");
        }
    }

    @ParameterizedTest(name = "the default address filter rejects {0}")
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "192.168.1.1", "172.16.0.1", "169.254.169.254", "100.64.0.1",
            "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1"})
    void theDefaultAddressFilterRejectsPrivateAddresses(String address) throws UnknownHostException {
        InetAddress resolved = InetAddress.getByName(address);
        OkHttpClient client = new OkHttpClient.Builder().dns(host -> List.of(resolved)).build();
        try (HttpsPolicyFetcher f = HttpsPolicyFetcher.builder().client(client).build()) {
            FetchResult.Failed failed = failed(f.fetch(VAR), FetchFailure.ADDRESS_REJECTED);
            assertThat(failed.failureReasonCode()).isEqualTo("policy-host-address-rejected");
            assertThat(failed.detail()).contains("mta-sts.var.test resolves only to addresses the address filter rejects");
        }
    }

    @Test
    @DisplayName("AddressFilter.ANY lets a resolved loopback address through to the connection")
    void theAnyFilterLetsLoopbackThrough() {
        InetSocketAddress real = sandbox.address("mta-sts.var.test");
        OkHttpClient client = new OkHttpClient.Builder().dns(host -> List.of(real.getAddress())).build();
        try (HttpsPolicyFetcher f = HttpsPolicyFetcher.builder().client(client).trustManager(sandbox.trustManager())
                .addressFilter(AddressFilter.ANY).timeout(Duration.ofSeconds(5)).build()) {
            // Port 443 on loopback: refused (or some other failure); never rejected by the filter.
            FetchResult result = f.fetch(VAR);
            assertThat(result.failureReasonCode()).isNotEqualTo("policy-host-address-rejected");
        }
    }

    @Test
    @DisplayName("a cancelled fetch completes as cancelled and leaves the fetcher usable")
    void cancellingAFetchCancelsTheCall() throws Exception {
        sandbox.policyResponse("var.test", PolicyResponse.ok(POLICY).withFault(HttpFault.STALL_AFTER_HEADERS));
        CompletableFuture<FetchResult> slow = fetcher.fetchAsync(VAR);
        assertThat(slow.cancel(true)).isTrue();
        sandbox.policyResponse("var.test", PolicyResponse.ok(POLICY));
        assertThat(fetcher.fetchAsync(VAR).get(10, TimeUnit.SECONDS)).isInstanceOf(FetchResult.Fetched.class);
    }

    @Test
    @DisplayName("a lenient parser can be chosen for checkers")
    void aLenientParserCanBeChosen() {
        sandbox.policyResponse("var.test", PolicyResponse.ok("\uFEFF" + POLICY));
        try (HttpsPolicyFetcher lenient = fetcherBuilder().parser(PolicyParser.lenient()).build()) {
            assertThat(((FetchResult.Fetched) lenient.fetch(VAR)).parseWarnings()).extracting(w -> w.code())
                    .containsExactly("bom-skipped");
        }
        assertThat(fetcher.fetch(VAR)).isInstanceOf(FetchResult.Invalid.class);
    }

    @Test
    @DisplayName("builder settings are validated eagerly")
    void builderValidatesEagerly() {
        HttpsPolicyFetcher.Builder b = HttpsPolicyFetcher.builder();
        assertThatIllegalArgumentException().isThrownBy(() -> b.maxBodyBytes(0)).withMessage("maxBodyBytes 0 is not in 1..16777216");
        assertThatIllegalArgumentException().isThrownBy(() -> b.timeout(Duration.ZERO)).withMessage("timeout PT0S is not in (0, 1h]");
        assertThatIllegalArgumentException().isThrownBy(() -> b.addressOverride("h", InetSocketAddress.createUnresolved("x", 1)))
                .withMessageContaining("unresolved");
    }

    @Test
    @DisplayName("the sandbox saw no server-side problems")
    void theSandboxIsHealthy() {
        assertThat(sandbox.problems()).isEmpty();
    }
}
