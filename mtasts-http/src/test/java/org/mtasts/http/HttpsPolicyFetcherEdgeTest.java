package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;

import mockwebserver3.MockResponse;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.RecordedRequest;
import okhttp3.TlsVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;

/**
 * Fetch cases the testkit sandbox cannot stage, on MockWebServer with okhttp-tls certificates:
 * HTTP/2, certificates with unusual wildcard SANs, and header values with control characters.
 */
class HttpsPolicyFetcherEdgeTest {

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
    @DisplayName("RFC 8461 §3.3, §7.1: the fetch works over HTTP/2 too, with SNI")
    void fetchesOverHttp2WithSni() {
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
    @DisplayName("error details escape control characters from the network")
    void detailsEscapeControlCharacters() {
        FetchResult result = fetchShared(new MockResponse.Builder().code(301)
                .addHeaderLenient("Location", "https://evil.test/\u001b[2J\u0007x").build());
        assertThat(((FetchResult.NotServed) result).location()).isEqualTo("https://evil.test/\\u001b[2J\\u0007x");
        assertThat(result.detail()).doesNotContain("\u001b", "\u0007");
    }
}
