package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.HostnameVerifier;
import mockwebserver3.MockResponse;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.RecordedRequest;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.TlsVersion;
import okio.Buffer;
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

class HttpsPolicyFetcherTest {

    static final DomainName DOMAIN = PolicyServer.DOMAIN;

    /** One policy host for the tests that need no special certificate: starting one costs ~0.2 s. */
    private static PolicyServer shared;
    private static HttpsPolicyFetcher sharedFetcher;

    @BeforeAll
    static void startSharedServer() {
        shared = PolicyServer.start();
        sharedFetcher = shared.fetcher().build();
    }

    @AfterAll
    static void stopSharedServer() {
        sharedFetcher.close();
        shared.close();
    }

    @BeforeEach
    void resetSharedQueue() {
        shared.server.setDispatcher(new QueueDispatcher());
    }

    /** Serves one response from the shared host and fetches it with the shared fetcher. */
    private static FetchResult fetchShared(MockResponse response) {
        shared.enqueue(response);
        return sharedFetcher.fetch(DOMAIN);
    }

    /** A valid policy of exactly {@code bytes} bytes (ASCII, LF-terminated). */
    static String policyOfSize(int bytes) {
        String head = "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 86400\npad: ";
        return head + "x".repeat(bytes - head.length() - 1) + "\n";
    }

    private static FetchResult fetchOnce(PolicyServer server, MockResponse response) {
        server.enqueue(response);
        try (HttpsPolicyFetcher fetcher = server.fetcher().build()) {
            return fetcher.fetch(DOMAIN);
        }
    }

    private static MockResponse.Builder ok(String body) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "text/plain").body(body);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: GET https://mta-sts.<domain>/.well-known/mta-sts.txt with SNI (§7.1)")
    void fetchesThePolicyFromTheWellKnownPathWithSni() {
        try (PolicyServer server = PolicyServer.startHttp2()) {
            FetchResult result = fetchOnce(server, ok(PolicyServer.POLICY).build());

            assertThat(result).isInstanceOf(FetchResult.Fetched.class);
            FetchResult.Fetched fetched = (FetchResult.Fetched) result;
            assertThat(fetched.policy().mode()).isEqualTo(PolicyMode.ENFORCE);
            assertThat(fetched.text()).isEqualTo(PolicyServer.POLICY);
            assertThat(fetched.fetchWarnings()).isEmpty();
            assertThat(result.resultType()).isNull();
            assertThat(result.failureReasonCode()).isNull();
            RecordedRequest request = server.takeRequest();
            assertThat(request.getMethod()).isEqualTo("GET");
            assertThat(request.getTarget()).isEqualTo("/.well-known/mta-sts.txt");
            assertThat(request.getHandshakeServerNames()).containsExactly(PolicyServer.HOST);
            assertThat(request.getHandshake().tlsVersion()).isIn(TlsVersion.TLS_1_2, TlsVersion.TLS_1_3);
            assertThat(request.getVersion()).isEqualTo("HTTP/2");
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: the policy URL uses port 443 and the A-label policy host")
    void policyUrlUsesPort443ByDefault() {
        try (HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.create()) {
            assertThat(fetcher.policyUrl(DomainName.of("Bücher.Example.")).toString())
                    .isEqualTo("https://mta-sts.xn--bcher-kva.example/.well-known/mta-sts.txt");
        }
    }

    @ParameterizedTest(name = "RFC 8461 §3.3: status {0} is not a policy")
    @ValueSource(ints = {201, 202, 203, 204, 206, 304, 400, 403, 404, 410, 500, 502, 503})
    void onlyStatus200IsAPolicy(int status) {
        MockResponse.Builder response = new MockResponse.Builder().code(status).setHeader("Content-Type", "text/plain");
        if (status != 204 && status != 304) {
            response.body(PolicyServer.POLICY);
        }
        FetchResult result = fetchShared(response.build());

        assertThat(result).isEqualTo(new FetchResult.NotServed(status, null));
        assertThat(result.resultType()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
        assertThat(result.failureReasonCode()).isEqualTo("http-status-" + status);
        assertThat(result.detail()).contains("only 200", "RFC 8461 §3.3");
    
    }

    @ParameterizedTest(name = "RFC 8461 §3.3: a {0} redirect is not followed")
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void redirectsAreNeverFollowed(int status) {
        try (PolicyServer target = PolicyServer.start(); PolicyServer server = PolicyServer.start()) {
            target.enqueuePolicy(PolicyServer.POLICY);
            String location = "https://" + PolicyServer.HOST + ":" + target.address().getPort() + "/.well-known/mta-sts.txt";
            FetchResult result = fetchOnce(server, new MockResponse.Builder().code(status)
                    .setHeader("Location", location).build());

            assertThat(result).isEqualTo(new FetchResult.NotServed(status, location));
            assertThat(result.detail()).contains("redirects are not followed");
            assertThat(target.requestCount()).isZero();
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a redirect is not followed even when the caller's client follows redirects")
    void redirectsAreNotFollowedWithACallersRedirectFollowingClient() {
        try (PolicyServer server = PolicyServer.start()) {
            server.enqueue(new MockResponse.Builder().code(302).setHeader("Location", "/elsewhere").build());
            server.enqueuePolicy(PolicyServer.POLICY);
            OkHttpClient follows = new OkHttpClient.Builder().followRedirects(true).followSslRedirects(true).build();
            try (HttpsPolicyFetcher fetcher = server.fetcher().client(follows).build()) {
                assertThat(fetcher.fetch(DOMAIN)).isEqualTo(new FetchResult.NotServed(302, "/elsewhere"));
            }
            assertThat(server.requestCount()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: no HTTP cache, even when the response says max-age")
    void responsesAreNeverCached() {
        try (PolicyServer server = PolicyServer.start()) {
            server.enqueue(ok(PolicyServer.POLICY).setHeader("Cache-Control", "public, max-age=3600").build());
            server.enqueue(new MockResponse.Builder().code(503).build());
            try (HttpsPolicyFetcher fetcher = server.fetcher().build()) {
                assertThat(fetcher.fetch(DOMAIN)).isInstanceOf(FetchResult.Fetched.class);
                assertThat(fetcher.fetch(DOMAIN)).isEqualTo(new FetchResult.NotServed(503, null));
            }
            assertThat(server.requestCount()).isEqualTo(2);
        }
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
        FetchResult result = fetchShared(ok(PolicyServer.POLICY).setHeader("Content-Type", contentType).build());
        assertThat(result).isInstanceOf(FetchResult.Fetched.class);
        assertThat(((FetchResult.Fetched) result).fetchWarnings()).isEmpty();
    
    }

    @ParameterizedTest(name = "RFC 8461 §3.2: Content-Type \"{0}\" fails in strict mode")
    @ValueSource(strings = {"text/html", "application/octet-stream", "text/plain-ish", "text", "", "plain/text"})
    void aWrongContentTypeFailsInStrictMode(String contentType) {
        FetchResult result = fetchShared(ok(PolicyServer.POLICY).setHeader("Content-Type", contentType).build());

        assertThat(result).isInstanceOf(FetchResult.Failed.class);
        FetchResult.Failed failed = (FetchResult.Failed) result;
        assertThat(failed.failure()).isEqualTo(FetchFailure.CONTENT_TYPE);
        assertThat(failed.resultType()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
        assertThat(failed.failureReasonCode()).isEqualTo("content-type-not-text-plain");
        assertThat(failed.detail()).contains("is not text/plain", "RFC 8461 §3.2");
    
    }

    @Test
    @DisplayName("RFC 8461 §3.2: a missing Content-Type fails in strict mode, the default")
    void aMissingContentTypeFailsInStrictMode() {
        FetchResult result = fetchShared(new MockResponse.Builder().code(200).body(PolicyServer.POLICY)
                .removeHeader("Content-Type").build());
        assertThat(result).isInstanceOf(FetchResult.Failed.class);
        assertThat(((FetchResult.Failed) result).failure()).isEqualTo(FetchFailure.CONTENT_TYPE);
        assertThat(result.detail()).contains("no Content-Type");
    
    }

    @Test
    @DisplayName("RFC 8461 §3.2: lenient mode fetches a wrongly typed policy and says so")
    void lenientModeWarnsAboutTheContentType() {
        try (PolicyServer server = PolicyServer.start()) {
            server.enqueue(ok(PolicyServer.POLICY).setHeader("Content-Type", "text/html; charset=utf-8").build());
            server.enqueue(new MockResponse.Builder().code(200).body(PolicyServer.POLICY).removeHeader("Content-Type").build());
            try (HttpsPolicyFetcher fetcher = server.fetcher().contentTypeCheck(ContentTypeCheck.LENIENT).build()) {
                FetchResult.Fetched html = (FetchResult.Fetched) fetcher.fetch(DOMAIN);
                assertThat(html.fetchWarnings()).singleElement().asString()
                        .isEqualTo("Content-Type 'text/html; charset=utf-8' is not text/plain (RFC 8461 §3.2)");
                FetchResult.Fetched none = (FetchResult.Fetched) fetcher.fetch(DOMAIN);
                assertThat(none.fetchWarnings()).singleElement().asString().contains("no Content-Type");
            }
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.2: with the check off the type is not looked at")
    void offModeIgnoresTheContentType() {
        try (PolicyServer server = PolicyServer.start()) {
            server.enqueue(ok(PolicyServer.POLICY).setHeader("Content-Type", "application/json").build());
            try (HttpsPolicyFetcher fetcher = server.fetcher().contentTypeCheck(ContentTypeCheck.OFF).build()) {
                FetchResult.Fetched fetched = (FetchResult.Fetched) fetcher.fetch(DOMAIN);
                assertThat(fetched.fetchWarnings()).isEmpty();
            }
        }
    }

    @ParameterizedTest(name = "RFC 8461 §3.2: charset {0} is honoured")
    @ValueSource(strings = {"ISO-8859-1", "UTF-16", "windows-1252", "UTF-16LE"})
    void aDeclaredCharsetIsHonoured(String charsetName) {
        Charset charset = Charset.forName(charsetName);
        String policy = "version: STSv1\nmode: testing\nmx: mx1.example.test\nmax_age: 600\nnote: café\n";
        FetchResult result = fetchShared(new MockResponse.Builder().code(200)
                .setHeader("Content-Type", "text/plain; charset=" + charsetName)
                .body(new Buffer().write(policy.getBytes(charset))).build());

        assertThat(result).isInstanceOf(FetchResult.Fetched.class);
        FetchResult.Fetched fetched = (FetchResult.Fetched) result;
        assertThat(fetched.text()).isEqualTo(policy);
        assertThat(fetched.policy().extensions()).singleElement()
                .satisfies(e -> assertThat(e.value()).isEqualTo("café"));
    
    }

    @Test
    @DisplayName("RFC 8461 §3.2: an unsupported charset is a fetch error")
    void anUnsupportedCharsetFails() {
        FetchResult result = fetchShared(ok(PolicyServer.POLICY)
                .setHeader("Content-Type", "text/plain; charset=x-no-such-charset").build());
        assertThat(result).isInstanceOf(FetchResult.Failed.class);
        assertThat(((FetchResult.Failed) result).failure()).isEqualTo(FetchFailure.CHARSET);
        assertThat(result.detail()).isEqualTo("charset 'x-no-such-charset' is not supported (RFC 8461 §3.2)");
    
    }

    @Test
    @DisplayName("RFC 8461 §3.2: bytes invalid in the declared charset are a policy syntax error, with the offset")
    void bytesInvalidInTheDeclaredCharsetAreAnEncodingError() {
        byte[] body = "version: STSv1\n\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        FetchResult result = fetchShared(new MockResponse.Builder().code(200)
                .setHeader("Content-Type", "text/plain; charset=windows-1253").body(new Buffer().write(new byte[] {
                        'm', 'x', ':', ' ', (byte) 0xAA})).build());
        assertThat(result).isInstanceOf(FetchResult.Invalid.class);
        SyntaxError error = ((FetchResult.Invalid) result).error();
        assertThat(error.kind()).isEqualTo(SyntaxError.Kind.POLICY_ENCODING);
        assertThat(error.offset()).isEqualTo(4);
        assertThat(error.column()).isEqualTo(5);
        assertThat(result.resultType()).isEqualTo(ResultType.STS_POLICY_INVALID);
    
        assertThat(body).isNotEmpty();
    }

    @Test
    @DisplayName("RFC 8461 §3.2: a body that is not UTF-8 is a policy syntax error, not a crash")
    void invalidUtf8IsAPolicySyntaxError() {
        FetchResult result = fetchShared(new MockResponse.Builder().code(200)
                .setHeader("Content-Type", "text/plain")
                .body(new Buffer().writeUtf8("version: STSv1\nmode: enforce\n").writeByte(0xFF)).build());
        assertThat(result).isInstanceOf(FetchResult.Invalid.class);
        assertThat(((FetchResult.Invalid) result).error().kind()).isEqualTo(SyntaxError.Kind.POLICY_ENCODING);
        assertThat(((FetchResult.Invalid) result).error().line()).isEqualTo(3);
    
    }

    @ParameterizedTest(name = "RFC 8461 §3.2: invalid body {0} is sts-policy-invalid")
    @ValueSource(strings = {"", "garbage", "version: STSv1\nmode: enforce\nmax_age: 86400\n",
            "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 86400\n\u0000\n"})
    void anInvalidBodyIsStsPolicyInvalid(String body) {
        FetchResult result = fetchShared(ok(body).build());
        assertThat(result).isInstanceOf(FetchResult.Invalid.class);
        FetchResult.Invalid invalid = (FetchResult.Invalid) result;
        assertThat(invalid.text()).isEqualTo(body);
        assertThat(result.resultType()).isEqualTo(ResultType.STS_POLICY_INVALID);
        assertThat(result.failureReasonCode()).isEqualTo(invalid.error().code()).startsWith("policy-");
        assertThat(result.detail()).startsWith("invalid policy: line ");
    
    }

    @Test
    @DisplayName("RFC 8461 §3.2: an empty 200 body is a policy syntax error")
    void anEmptyBodyIsAPolicySyntaxError() {
        FetchResult result = fetchShared(ok("").build());
        assertThat(((FetchResult.Invalid) result).error().kind()).isEqualTo(SyntaxError.Kind.POLICY_EMPTY);
    
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a body of exactly 64 KiB (65536 bytes) is accepted, with Content-Length")
    void a64KibBodyIsAccepted() {
        String body = policyOfSize(65_536);
        FetchResult result = fetchShared(ok(body).build());
        assertThat(result).isInstanceOf(FetchResult.Fetched.class);
        assertThat(((FetchResult.Fetched) result).text()).hasSize(65_536);
    
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a body of exactly 64 KiB is accepted when chunked")
    void a64KibChunkedBodyIsAccepted() {
        try (PolicyServer server = PolicyServer.start()) {
            FetchResult result = fetchOnce(server, new MockResponse.Builder().code(200)
                    .setHeader("Content-Type", "text/plain").chunkedBody(policyOfSize(65_536), 1000).build());
            assertThat(server.takeRequest().getVersion()).isEqualTo("HTTP/1.1");
            assertThat(result).isInstanceOf(FetchResult.Fetched.class);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a body of 65537 bytes is rejected (Content-Length)")
    void a64KibPlusOneBodyIsRejected() {
        FetchResult result = fetchShared(ok(policyOfSize(65_537)).build());
        assertThat(result).isInstanceOf(FetchResult.Failed.class);
        FetchResult.Failed failed = (FetchResult.Failed) result;
        assertThat(failed.failure()).isEqualTo(FetchFailure.TOO_LARGE);
        assertThat(failed.detail()).isEqualTo("Content-Length 65537 exceeds the limit of 65536 bytes (RFC 8461 §3.3)");
        assertThat(failed.resultType()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
    
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a chunked body of 65537 bytes is rejected while streaming")
    void a64KibPlusOneChunkedBodyIsRejected() {
        try (PolicyServer server = PolicyServer.start()) {
            FetchResult result = fetchOnce(server, new MockResponse.Builder().code(200)
                    .setHeader("Content-Type", "text/plain").chunkedBody(policyOfSize(65_537), 4096).build());
            assertThat(server.takeRequest().getVersion()).isEqualTo("HTTP/1.1");
            assertThat(result).isInstanceOf(FetchResult.Failed.class);
            assertThat(((FetchResult.Failed) result).failure()).isEqualTo(FetchFailure.TOO_LARGE);
            assertThat(result.detail()).isEqualTo("the body exceeds the limit of 65536 bytes (RFC 8461 §3.3)");
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: the size limit is a setting")
    void theSizeLimitIsASetting() {
        try (PolicyServer server = PolicyServer.start()) {
            server.enqueue(ok(policyOfSize(100)).build());
            server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/plain")
                    .chunkedBody(policyOfSize(101), 7).build());
            try (HttpsPolicyFetcher fetcher = server.fetcher().maxBodySize(100).build()) {
                assertThat(fetcher.maxBodySize()).isEqualTo(100);
                assertThat(fetcher.fetch(DOMAIN)).isInstanceOf(FetchResult.Fetched.class);
                assertThat(((FetchResult.Failed) fetcher.fetch(DOMAIN)).failure()).isEqualTo(FetchFailure.TOO_LARGE);
            }
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: one deadline covers a slow drip of the body")
    void aSlowDripHitsTheOverallDeadline() {
        try (PolicyServer server = PolicyServer.start()) {
            server.enqueue(ok(PolicyServer.POLICY).throttleBody(1, 100, TimeUnit.MILLISECONDS).build());
            try (HttpsPolicyFetcher fetcher = server.fetcher().timeout(Duration.ofMillis(400)).build()) {
                FetchResult result = fetcher.fetch(DOMAIN);
                assertThat(result).isInstanceOf(FetchResult.Failed.class);
                assertThat(((FetchResult.Failed) result).failure()).isEqualTo(FetchFailure.TIMEOUT);
                assertThat(result.resultType()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
            }
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a server that never answers hits the deadline")
    void aSilentServerHitsTheDeadline() {
        try (PolicyServer server = PolicyServer.start()) {
            server.enqueue(ok(PolicyServer.POLICY).headersDelay(5, TimeUnit.SECONDS).build());
            try (HttpsPolicyFetcher fetcher = server.fetcher().timeout(Duration.ofMillis(300)).build()) {
                assertThat(((FetchResult.Failed) fetcher.fetch(DOMAIN)).failure()).isEqualTo(FetchFailure.TIMEOUT);
            }
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: an expired policy host certificate is sts-webpki-invalid")
    void anExpiredCertificateIsWebPkiInvalid() {
        TestPki pki = new TestPki();
        try (PolicyServer server = PolicyServer.start(pki,
                pki.leafValid(TestPki.daysAgo(30), TestPki.daysAgo(1), PolicyServer.HOST))) {
            assertWebPki(fetchOnce(server, ok(PolicyServer.POLICY).build()), FetchFailure.CERTIFICATE_EXPIRED);
            assertThat(server.requestCount()).isZero();
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a policy host certificate not yet valid is sts-webpki-invalid")
    void aNotYetValidCertificateIsWebPkiInvalid() {
        TestPki pki = new TestPki();
        try (PolicyServer server = PolicyServer.start(pki,
                pki.leafValid(TestPki.daysAhead(1), TestPki.daysAhead(30), PolicyServer.HOST))) {
            assertWebPki(fetchOnce(server, ok(PolicyServer.POLICY).build()), FetchFailure.CERTIFICATE_NOT_YET_VALID);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: an untrusted (self-signed) policy host certificate is sts-webpki-invalid")
    void anUntrustedCertificateIsWebPkiInvalid() {
        TestPki pki = new TestPki();
        try (PolicyServer server = PolicyServer.startSelfSigned(pki, TestPki.selfSigned(PolicyServer.HOST))) {
            assertWebPki(fetchOnce(server, ok(PolicyServer.POLICY).build()), FetchFailure.CERTIFICATE_NOT_TRUSTED);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a certificate for another host is sts-webpki-invalid")
    void aCertificateForAnotherHostIsWebPkiInvalid() {
        TestPki pki = new TestPki();
        try (PolicyServer server = PolicyServer.start(pki, pki.leaf("mail.example.test", "example.test"))) {
            assertWebPki(fetchOnce(server, ok(PolicyServer.POLICY).build()), FetchFailure.CERTIFICATE_HOST_MISMATCH);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3, RFC 6125 §6.4.4: a CN without a DNS-ID SAN does not match")
    void aCommonNameIsNeverUsed() {
        TestPki pki = new TestPki();
        try (PolicyServer server = PolicyServer.start(pki, pki.cnOnly(PolicyServer.HOST))) {
            assertWebPki(fetchOnce(server, ok(PolicyServer.POLICY).build()), FetchFailure.CERTIFICATE_HOST_MISMATCH);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3, RFC 6125 §6.4.3: a wildcard matches as the whole leftmost label")
    void aLeftmostWildcardMatches() {
        TestPki pki = new TestPki();
        try (PolicyServer server = PolicyServer.start(pki, pki.leaf("*.example.test"))) {
            assertThat(fetchOnce(server, ok(PolicyServer.POLICY).build())).isInstanceOf(FetchResult.Fetched.class);
        }
    }

    @ParameterizedTest(name = "RFC 8461 §3.3, RFC 6125 §6.4.3: SAN {0} does not match mta-sts.example.test")
    @ValueSource(strings = {"mta*.example.test", "*.test", "*-sts.example.test", "*.mta-sts.example.test"})
    void partialOrDeepWildcardsDoNotMatch(String san) {
        TestPki pki = new TestPki();
        try (PolicyServer server = PolicyServer.start(pki, pki.leaf(san))) {
            assertWebPki(fetchOnce(server, ok(PolicyServer.POLICY).build()), FetchFailure.CERTIFICATE_HOST_MISMATCH);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: the default hostname verifier is restored over a caller's accept-all one")
    void aCallersLaxHostnameVerifierIsReplaced() {
        TestPki pki = new TestPki();
        HostnameVerifier acceptAll = (host, session) -> true;
        OkHttpClient lax = new OkHttpClient.Builder().hostnameVerifier(acceptAll).build();
        try (PolicyServer server = PolicyServer.start(pki, pki.leaf("mail.example.test"))) {
            server.enqueuePolicy(PolicyServer.POLICY);
            try (HttpsPolicyFetcher fetcher = server.fetcher().client(lax).build()) {
                assertWebPki(fetcher.fetch(DOMAIN), FetchFailure.CERTIFICATE_HOST_MISMATCH);
                assertThat(fetcher.client().hostnameVerifier()).isNotSameAs(acceptAll);
            }
        }
    }

    private static void assertWebPki(FetchResult result, FetchFailure expected) {
        assertThat(result).isInstanceOf(FetchResult.Failed.class);
        FetchResult.Failed failed = (FetchResult.Failed) result;
        assertThat(failed.failure()).isEqualTo(expected);
        assertThat(failed.resultType()).isEqualTo(ResultType.STS_WEBPKI_INVALID);
        assertThat(failed.failureReasonCode()).isEqualTo(expected.code());
        assertThat(failed.detail()).startsWith(expected.code() + ": ").doesNotContain("\n", "\r");
        assertThat(failed.cause()).isNotNull();
    }

    @Test
    @DisplayName("RFC 8461 §7.2: the client speaks TLS 1.2 and 1.3 only, never cleartext")
    void onlyTls12And13() {
        try (HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.create()) {
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
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a policy host answering in plain HTTP on the HTTPS port is a fetch error")
    void aPlainHttpHostIsAFetchError() throws Exception {
        // Like nginx without TLS on the port: it reads the ClientHello as a bad request and answers 400.
        try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket socket = plain.accept()) {
                    socket.getInputStream().read(new byte[512]);
                    socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), plain.getLocalPort());
            try (HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().addressOverride(PolicyServer.HOST, address)
                    .timeout(Duration.ofSeconds(10)).build()) {
                FetchResult result = fetcher.fetch(DOMAIN);
                assertThat(result).isInstanceOf(FetchResult.Failed.class);
                assertThat(((FetchResult.Failed) result).failure()).isEqualTo(FetchFailure.TLS_HANDSHAKE);
                assertThat(result.resultType()).isEqualTo(ResultType.STS_POLICY_FETCH_ERROR);
            }
            served.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a refused connection is a fetch error")
    void aRefusedConnectionIsAFetchError() throws IOException {
        InetSocketAddress closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }
        try (HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().addressOverride(PolicyServer.HOST, closed).build()) {
            FetchResult result = fetcher.fetch(DOMAIN);
            assertThat(((FetchResult.Failed) result).failure()).isEqualTo(FetchFailure.CONNECT);
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: a policy host that does not resolve is a fetch error")
    void anUnresolvablePolicyHostIsAFetchError() {
        OkHttpClient client = new OkHttpClient.Builder().dns(host -> {
            throw new UnknownHostException(host + ": NXDOMAIN");
        }).build();
        try (HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().client(client).build()) {
            FetchResult result = fetcher.fetch(DOMAIN);
            assertThat(((FetchResult.Failed) result).failure()).isEqualTo(FetchFailure.HOST_NOT_FOUND);
            assertThat(result.detail()).contains("mta-sts.example.test: NXDOMAIN");
        }
    }

    @ParameterizedTest(name = "the default address filter rejects {0}")
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "192.168.1.1", "172.16.0.1", "169.254.169.254", "100.64.0.1",
            "0.0.0.0", "::1", "fd00::1", "fe80::1"})
    void theDefaultAddressFilterRejectsPrivateAddresses(String address) throws UnknownHostException {
        InetAddress resolved = InetAddress.getByName(address);
        OkHttpClient client = new OkHttpClient.Builder().dns(host -> List.of(resolved)).build();
        try (HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().client(client).build()) {
            FetchResult result = fetcher.fetch(DOMAIN);
            assertThat(((FetchResult.Failed) result).failure()).isEqualTo(FetchFailure.ADDRESS_REJECTED);
            assertThat(result.failureReasonCode()).isEqualTo("policy-host-address-rejected");
            assertThat(result.detail()).contains("mta-sts.example.test resolves only to addresses the address filter rejects");
        }
    }

    @Test
    @DisplayName("AddressFilter.ANY lets the fetcher connect to a loopback address")
    void theAnyFilterLetsLoopbackThrough() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        assertThat(closedPort).isPositive();
        OkHttpClient client = new OkHttpClient.Builder().dns(host -> List.of(InetAddress.getLoopbackAddress())).build();
        try (HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder().client(client).addressFilter(AddressFilter.ANY)
                .timeout(Duration.ofSeconds(5)).build()) {
            FetchResult result = fetcher.fetch(DOMAIN);
            // Port 443 on loopback: refused (or, on a machine serving it, a TLS failure); never rejected.
            assertThat(((FetchResult.Failed) result).failure()).isNotEqualTo(FetchFailure.ADDRESS_REJECTED);
        }
    }

    @Test
    @DisplayName("error details escape control characters from the network")
    void detailsEscapeControlCharacters() {
        FetchResult result = fetchShared(new MockResponse.Builder().code(301)
                .addHeaderLenient("Location", "https://evil.test/\u001b[2J\u0007x").build());
        assertThat(((FetchResult.NotServed) result).location()).isEqualTo("https://evil.test/\\u001b[2J\\u0007x");
        assertThat(result.detail()).doesNotContain("\u001b", "\u0007");
    
    }

    @Test
    @DisplayName("a cancelled fetch completes as cancelled and leaves the fetcher usable")
    void cancellingAFetchCancelsTheCall() throws Exception {
        try (PolicyServer server = PolicyServer.start()) {
            server.enqueue(ok(PolicyServer.POLICY).headersDelay(5, TimeUnit.SECONDS).build());
            server.enqueuePolicy(PolicyServer.POLICY);
            try (HttpsPolicyFetcher fetcher = server.fetcher().build()) {
                var slow = fetcher.fetchAsync(DOMAIN);
                server.takeRequest();
                assertThat(slow.cancel(true)).isTrue();
                assertThat(fetcher.fetchAsync(DOMAIN).get(10, TimeUnit.SECONDS)).isInstanceOf(FetchResult.Fetched.class);
            }
        }
    }

    @Test
    @DisplayName("a lenient parser can be chosen for checkers")
    void aLenientParserCanBeChosen() {
        try (PolicyServer server = PolicyServer.start()) {
            server.enqueuePolicy("\uFEFF" + PolicyServer.POLICY);
            try (HttpsPolicyFetcher fetcher = server.fetcher().parser(PolicyParser.lenient()).build()) {
                FetchResult.Fetched fetched = (FetchResult.Fetched) fetcher.fetch(DOMAIN);
                assertThat(fetched.parseWarnings()).extracting(w -> w.code()).containsExactly("bom-skipped");
            }
        }
    }

    @Test
    @DisplayName("builder settings are validated eagerly")
    void builderValidatesEagerly() {
        HttpsPolicyFetcher.Builder b = HttpsPolicyFetcher.builder();
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> b.maxBodySize(0))
                .withMessage("maxBodySize 0 is not in 1..16777216");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> b.timeout(Duration.ZERO))
                .withMessage("timeout PT0S is not in (0, 1h]");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> b.addressOverride("h", InetSocketAddress.createUnresolved("x", 1)))
                .withMessageContaining("unresolved");
        X509Certificate[] none = new X509Certificate[0];
        assertThat(none).isEmpty();
    }
}
