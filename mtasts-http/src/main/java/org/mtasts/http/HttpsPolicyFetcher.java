package org.mtasts.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.X509TrustManager;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.ParseResult;
import org.mtasts.core.PolicyParser;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.SyntaxError;

/**
 * Fetches MTA-STS policies over HTTPS with OkHttp, as RFC 8461 §3.3 asks:
 * <ul>
 *   <li>{@code GET https://mta-sts.<domain>/.well-known/mta-sts.txt}, port 443;</li>
 *   <li>redirects are never followed (both OkHttp flags off), there is no HTTP cache, and a failed
 *       connection is not retried;</li>
 *   <li>TLS 1.2 or 1.3 only (§7.2), SNI with the policy host name (§7.1), PKIX validation against
 *       the JDK's roots or a caller's trust manager, and OkHttp's default hostname verifier, which
 *       matches DNS-ID subject alternative names only (no CN fallback) and a wildcard only as the
 *       whole leftmost label (RFC 6125);</li>
 *   <li>only status 200 is a policy; its media type must be {@code text/plain} ({@link
 *       ContentTypeCheck}); its {@code charset} is honoured;</li>
 *   <li>the body is capped while it streams, whatever its framing, at {@link
 *       #DEFAULT_MAX_BODY_BYTES} bytes (64 KiB: 65536 accepted, 65537 rejected);</li>
 *   <li>one deadline, {@link #DEFAULT_TIMEOUT} (one minute), covers DNS, connect, TLS, the server
 *       and the body, so a slow drip ends too;</li>
 *   <li>the policy host's addresses pass an {@link AddressFilter} ({@link
 *       AddressFilter#PUBLIC_ONLY} by default).</li>
 * </ul>
 *
 * <p>Give it your application's {@link OkHttpClient} to share its connection pool and dispatcher:
 * the fetcher derives its own client with {@link OkHttpClient#newBuilder()} and overrides the
 * settings above; interceptors, proxy and the trust of your client are kept. For tests and
 * diagnostics, {@link Builder#addressOverrides} connects a policy host to another address and port
 * while SNI and certificate checks still use the real name, and {@link Builder#trustManager} sets
 * the roots.
 *
 * <pre>{@code
 * HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder()
 *         .client(appClient)                   // your OkHttpClient: its pools, proxy, listeners
 *         .build();
 * FetchResult result = fetcher.fetch(DomainName.of("example.com"));
 * if (result instanceof FetchResult.Fetched fetched) {
 *     StsPolicy policy = fetched.policy();
 * }
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.3">RFC 8461 §3.3</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-7">RFC 8461 §7</a>
 * @since 0.1
 */
public final class HttpsPolicyFetcher implements PolicyFetcher, AutoCloseable {

    /** The path of the policy on the policy host (RFC 8461 §3.2). */
    public static final String PATH = "/.well-known/mta-sts.txt";

    /** The default body limit: 64 KiB, the size RFC 8461 §3.3 suggests. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    /** The default overall deadline: one minute, as RFC 8461 §3.3 suggests. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(1);

    private final OkHttpClient client;
    private final boolean ownsClient;
    private final int maxBodyBytes;
    private final ContentTypeCheck contentTypeCheck;
    private final PolicyParser parser;
    private final Map<String, InetSocketAddress> overrides;

    private HttpsPolicyFetcher(Builder b) {
        this.ownsClient = b.client == null;
        this.overrides = Map.copyOf(b.overrides);
        this.client = Clients.derive(b.client, b.trustManager, b.timeout, overrides, b.addressFilter);
        this.maxBodyBytes = b.maxBodyBytes;
        this.contentTypeCheck = b.contentTypeCheck;
        this.parser = b.parser;
    }

    /** {@return a new builder} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a fetcher with every default: its own client, the JDK's roots, port 443} */
    public static HttpsPolicyFetcher create() {
        return builder().build();
    }

    /** Returns the client the fetcher uses (derived from the caller's), for diagnostics. */
    OkHttpClient client() {
        return client;
    }

    /** {@return the body limit in bytes} */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * {@return the URL fetched for a domain, with an override's port if there is one}
     *
     * @param domain the policy domain
     */
    public HttpUrl policyUrl(DomainName domain) {
        String host = domain.policyHost();
        InetSocketAddress override = overrides.get(host);
        return new HttpUrl.Builder()
                .scheme("https") // RFC 8461 §3.3: the policy is fetched over HTTPS only
                .host(host)
                .port(override != null ? override.getPort() : 443)
                .encodedPath(PATH)
                .build();
    }

    @Override
    public CompletableFuture<FetchResult> fetchAsync(DomainName domain) {
        Objects.requireNonNull(domain, "domain");
        Request request;
        try {
            String host = domain.policyHost();
            if (host.length() > DomainName.MAX_LENGTH) {
                return CompletableFuture.completedFuture(new FetchResult.Failed(FetchFailure.HOST_NOT_FOUND,
                        "the policy host name " + host.length() + " characters long exceeds " + DomainName.MAX_LENGTH,
                        null));
            }
            request = new Request.Builder().url(policyUrl(domain)).get().build();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Failures.failed(e));
        }
        return Clients.enqueue(client, request, this::read, Failures::failed);
    }

    private FetchResult read(Response response) throws IOException {
        int status = response.code();
        if (status != 200) {
            // RFC 8461 §3.3: only a 200 response is a policy; a redirect is not followed and the
            // body of any other status is never read.
            String location = response.header("Location");
            return new FetchResult.NotServed(status, location == null ? null : Printable.of(location));
        }
        List<String> warnings = List.of();
        String contentType = response.header("Content-Type");
        MediaTypes.Parsed media = MediaTypes.parse(contentType);
        if (contentTypeCheck != ContentTypeCheck.OFF && !media.isTextPlain()) {
            // RFC 8461 §3.2: the policy is served with media type text/plain (parameters aside).
            String problem = (contentType == null ? "the response has no Content-Type"
                    : "Content-Type '" + Printable.of(contentType) + "' is not text/plain") + " (RFC 8461 §3.2)";
            if (contentTypeCheck == ContentTypeCheck.STRICT) {
                return new FetchResult.Failed(FetchFailure.CONTENT_TYPE, problem, null);
            }
            warnings = List.of(problem);
        }
        Charset charset = null; // null: the bytes are parsed as UTF-8 (US-ASCII is a subset)
        if (media.charset() != null) {
            Charset named = lookupCharset(media.charset());
            if (named == null) {
                return new FetchResult.Failed(FetchFailure.CHARSET, "charset '" + Printable.of(media.charset())
                        + "' is not supported (RFC 8461 §3.2)", null);
            }
            if (!named.equals(StandardCharsets.UTF_8) && !named.equals(StandardCharsets.US_ASCII)) {
                charset = named;
            }
        }
        ResponseBody body = response.body();
        long declared = body.contentLength();
        if (declared > maxBodyBytes) {
            return new FetchResult.Failed(FetchFailure.TOO_LARGE, "Content-Length " + declared
                    + " exceeds the limit of " + maxBodyBytes + " bytes (RFC 8461 §3.3)", null);
        }
        BufferedSource source = body.source();
        // RFC 8461 §3.3: a size limit, enforced on the bytes as they arrive (chunked or not): at most
        // maxBodyBytes + 1 bytes are ever buffered, whatever Content-Length claimed.
        if (source.request(maxBodyBytes + 1L)) {
            return new FetchResult.Failed(FetchFailure.TOO_LARGE,
                    "the body exceeds the limit of " + maxBodyBytes + " bytes (RFC 8461 §3.3)", null);
        }
        byte[] bytes = source.readByteArray();
        return parse(bytes, charset, warnings);
    }

    private FetchResult parse(byte[] bytes, @Nullable Charset charset, List<String> warnings) {
        String text;
        ParseResult<StsPolicy> parsed;
        if (charset == null) {
            parsed = parser.parse(bytes);
            text = new String(bytes, StandardCharsets.UTF_8);
        } else {
            CharsetDecoder decoder = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer in = ByteBuffer.wrap(bytes);
            CharBuffer out = CharBuffer.allocate((int) Math.ceil(bytes.length * (double) decoder.maxCharsPerByte()) + 1);
            CoderResult result = decoder.decode(in, out, true);
            if (result.isUnderflow()) {
                result = decoder.flush(out);
            }
            out.flip();
            if (result.isError()) {
                String before = out.toString();
                return new FetchResult.Invalid(encodingError(before, in.position(), charset),
                        new String(bytes, charset));
            }
            text = out.toString();
            parsed = parser.parse(text);
        }
        if (parsed instanceof ParseResult.Valid<StsPolicy> valid) {
            return new FetchResult.Fetched(valid.value(), text, valid.warnings(), warnings);
        }
        return new FetchResult.Invalid(parsed.syntaxError().orElseThrow(), text);
    }

    private static SyntaxError encodingError(String before, int byteOffset, Charset charset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < before.length(); i++) {
            if (before.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = before.codePointCount(lineStart, before.length()) + 1;
        return new SyntaxError(SyntaxError.Kind.POLICY_ENCODING, byteOffset, line, column,
                "the bytes at offset " + byteOffset + " are not valid " + charset.name()
                        + ", the charset the response declared");
    }

    private static @Nullable Charset lookupCharset(String name) {
        try {
            return Charset.forName(name.strip());
        } catch (IllegalArgumentException e) { // IllegalCharsetNameException, UnsupportedCharsetException
            return null;
        }
    }

    /**
     * Releases what the fetcher owns: the dispatcher threads and pooled connections of its own
     * client. A client given to {@link Builder#client} belongs to the caller and is left alone.
     */
    @Override
    public void close() {
        if (ownsClient) {
            Clients.release(client);
        }
    }

    /**
     * Configures an {@link HttpsPolicyFetcher}. Every setting has a default that follows RFC 8461.
     *
     * <pre>{@code
     * HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder()
     *         .trustManager(sandbox.trustManager())
     *         .addressOverrides(sandbox.addresses())
     *         .addressFilter(AddressFilter.ANY)
     *         .build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private @Nullable OkHttpClient client;
        private @Nullable X509TrustManager trustManager;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private ContentTypeCheck contentTypeCheck = ContentTypeCheck.STRICT;
        private PolicyParser parser = PolicyParser.strict();
        private final Map<String, InetSocketAddress> overrides = new HashMap<>();
        private AddressFilter addressFilter = AddressFilter.PUBLIC_ONLY;

        private Builder() {}

        /**
         * Sets the client to derive from (default: a new client owned by the fetcher). Its
         * dispatcher, connection pool, proxy, interceptors and TLS trust are shared; the settings
         * RFC 8461 decides are overridden.
         *
         * @param client the application's client
         * @return this builder
         */
        public Builder client(OkHttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Sets the roots that policy host certificates must chain to (default: those of the client,
         * normally the JDK's). For tests, a sandbox's CA; in production, a trust manager that also
         * checks revocation if wanted (RFC 8461 §3.3 allows it).
         *
         * @param trustManager the trust manager
         * @return this builder
         */
        public Builder trustManager(X509TrustManager trustManager) {
            this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
            return this;
        }

        /**
         * Sets the overall deadline of one fetch: DNS, connect, TLS, waiting and the whole body
         * (default one minute, RFC 8461 §3.3).
         *
         * @param timeout a positive duration of at most one hour
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Clients.checkTimeout(timeout);
            return this;
        }

        /**
         * Sets the largest body accepted, in bytes (default 65536, RFC 8461 §3.3).
         *
         * @param bytes 1 to 16 MiB
         * @return this builder
         */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 1 || bytes > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("maxBodyBytes " + bytes + " is not in 1..16777216");
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * Sets how the media type is checked (default {@link ContentTypeCheck#STRICT}).
         *
         * @param check the check
         * @return this builder
         */
        public Builder contentTypeCheck(ContentTypeCheck check) {
            this.contentTypeCheck = Objects.requireNonNull(check, "check");
            return this;
        }

        /**
         * Sets the policy parser (default {@link PolicyParser#strict()}, the one a sender uses; a
         * checker may prefer {@link PolicyParser#lenient()}).
         *
         * @param parser the parser
         * @return this builder
         */
        public Builder parser(PolicyParser parser) {
            this.parser = Objects.requireNonNull(parser, "parser");
            return this;
        }

        /**
         * Connects each named host to the given address and port instead of resolving it and using
         * port 443; SNI and the certificate check still use the name. For sandboxes and
         * diagnostics. Overridden addresses are not passed to the {@link AddressFilter}. Replaces
         * earlier overrides.
         *
         * @param overrides host name (such as {@code mta-sts.example.test}) to socket address
         * @return this builder
         */
        public Builder addressOverrides(Map<String, InetSocketAddress> overrides) {
            Objects.requireNonNull(overrides, "overrides");
            this.overrides.clear();
            overrides.forEach(this::addressOverride);
            return this;
        }

        /**
         * Adds one address override (see {@link #addressOverrides}).
         *
         * @param host the host name
         * @param address the address and port to connect to (resolved)
         * @return this builder
         */
        public Builder addressOverride(String host, InetSocketAddress address) {
            this.overrides.put(Clients.overrideKey(host, address), address);
            return this;
        }

        /**
         * Sets which resolved addresses may be connected to (default {@link
         * AddressFilter#PUBLIC_ONLY}).
         *
         * @param filter the filter
         * @return this builder
         */
        public Builder addressFilter(AddressFilter filter) {
            this.addressFilter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /**
         * Builds the fetcher.
         *
         * @return the fetcher
         */
        public HttpsPolicyFetcher build() {
            return new HttpsPolicyFetcher(this);
        }
    }
}
