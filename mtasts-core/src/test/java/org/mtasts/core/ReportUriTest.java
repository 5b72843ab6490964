package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReportUriTest {

    static Stream<Arguments> classification() {
        return Stream.of(
                arguments("mailto:tlsrpt@example.com", ReportUri.Mailto.class, "mailto", true),
                arguments("MAILTO:tlsrpt@example.com", ReportUri.Mailto.class, "mailto", true),
                arguments("https://r.example/v1/tlsrpt", ReportUri.Https.class, "https", true),
                arguments("HTTPS://R.example/", ReportUri.Https.class, "https", true),
                arguments("http://r.example/tlsrpt", ReportUri.Unsupported.class, "http", false),
                arguments("ftp://r.example/tlsrpt", ReportUri.Unsupported.class, "ftp", false),
                arguments("urn:ietf:x", ReportUri.Unsupported.class, "urn", false),
                arguments("X-Report:opaque", ReportUri.Unsupported.class, "x-report", false));
    }

    @ParameterizedTest(name = "RFC 8460 §3: {0} -> {2}")
    @MethodSource("classification")
    void classifiesBySchemeKeepingTheUriAsPublished(String text, Class<?> type, String scheme, boolean supported) {
        ReportUri uri = ReportUri.of(text);
        assertThat(uri).isInstanceOf(type);
        assertThat(uri.uri()).isEqualTo(text).isEqualTo(uri.toString());
        assertThat(uri.scheme()).isEqualTo(scheme);
        assertThat(uri.isSupported()).isEqualTo(supported);
    }

    static Stream<Arguments> mailtoAddresses() {
        return Stream.of(
                arguments("mailto:tlsrpt@example.com", "tlsrpt@example.com", true, "example.com"),
                arguments("mailto:tlsrpt@example.com?subject=TLS%20report", "tlsrpt@example.com", true, "example.com"),
                arguments("mailto:tls%2Creports@x.example", "tls,reports@x.example", true, "x.example"),
                arguments("mailto:tls,reports@x.example", "tls,reports@x.example", true, "x.example"),
                arguments("mailto:j%C3%B6rg@example.com", "jörg@example.com", true, "example.com"),
                arguments("mailto:%40@example.com", "@@example.com", true, "example.com"),
                arguments("mailto:tuaf.edu.vn", "tuaf.edu.vn", false, ""),
                arguments("mailto:user@", "user@", false, ""),
                arguments("mailto:servier.tlsr@emailsecurity.merox.io.", "servier.tlsr@emailsecurity.merox.io.", true,
                        "emailsecurity.merox.io."));
    }

    @ParameterizedTest(name = "RFC 8460 §5.3: address of {0}")
    @MethodSource("mailtoAddresses")
    void extractsTheMailtoAddress(String text, String address, boolean hasAddress, String domain) {
        ReportUri.Mailto mailto = (ReportUri.Mailto) ReportUri.of(text);
        assertThat(mailto.address()).isEqualTo(address);
        assertThat(mailto.hasAddress()).isEqualTo(hasAddress);
        assertThat(mailto.domain()).isEqualTo(domain);
    }

    @Test
    @DisplayName("RFC 8460 §5.4: an https destination converts to a java.net.URI")
    void httpsToUri() {
        ReportUri.Https https = (ReportUri.Https) ReportUri.of("https://r.example/a%2Fb?x=1");
        assertThat(https.toUri()).isEqualTo(URI.create("https://r.example/a%2Fb?x=1"));
    }

    @Test
    @DisplayName("RFC 8460 §3: of() accepts %2C %21 %3B and keeps the decoded form")
    void ofDecodesTheRecordEscapes() {
        assertThat(ReportUri.of("mailto:a%2Cb@x.example")).isEqualTo(ReportUri.of("mailto:a,b@x.example"));
        assertThat(ReportUri.of("https://r.example/a%21b%3bc").uri()).isEqualTo("https://r.example/a!b;c");
        assertThat(ReportUri.of("https://r.example/a%252C").uri()).isEqualTo("https://r.example/a%252C");
    }

    static Stream<Arguments> invalidUris() {
        return Stream.of(
                arguments("", "invalid report URI '': empty URI"),
                arguments("noscheme", "invalid report URI 'noscheme': the URI has no scheme"),
                arguments("mailto:", "invalid report URI 'mailto:': Expected scheme-specific part at index 7"),
                arguments("https://", "invalid report URI 'https://': Expected authority at index 8"),
                arguments("http://bad/%", "invalid report URI 'http://bad/%': Malformed escape pair at index 11"),
                arguments("mailto:a b@x", "invalid report URI 'mailto:a b@x': character space at index 8 is not "
                        + "allowed in a URI"),
                arguments("mailto:a\n@x", "invalid report URI 'mailto:a\\u000a@x': character U+000A at index 8 is not "
                        + "allowed in a URI"),
                arguments("mailto:ü@x", "invalid report URI 'mailto:\\u00fc@x': character U+00FC at index 7 is not "
                        + "allowed in a URI"));
    }

    @ParameterizedTest(name = "RFC 8460 §3: {0}")
    @MethodSource("invalidUris")
    void rejectsInvalidUris(String text, String message) {
        assertThatThrownBy(() -> ReportUri.of(text)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    @DisplayName("RFC 8460 §3: the constructors check the URI, its scheme and the decoded form")
    void constructorsValidate() {
        assertThat(new ReportUri.Mailto("mailto:a@x.example", "a@x.example")).isEqualTo(ReportUri.of("mailto:a@x.example"));
        assertThat(new ReportUri.Https("https://r.example/")).isEqualTo(ReportUri.of("https://r.example/"));
        assertThat(new ReportUri.Unsupported("ftp://r.example/", "ftp")).isEqualTo(ReportUri.of("ftp://r.example/"));
        assertThatThrownBy(() -> new ReportUri.Https("mailto:a@x.example")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("report URI 'mailto:a@x.example' has scheme mailto, expected https");
        assertThatThrownBy(() -> new ReportUri.Mailto("mailto:a@x.example", "b@x.example"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("address 'b@x.example' is not the address of 'mailto:a@x.example'");
        assertThatThrownBy(() -> new ReportUri.Unsupported("https://r.example/", "https"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("report URI 'https://r.example/' has scheme https, expected neither mailto nor https");
        assertThatThrownBy(() -> new ReportUri.Unsupported("ftp://r.example/", "FTP"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scheme 'FTP' is not the scheme of 'ftp://r.example/'");
        assertThatThrownBy(() -> new ReportUri.Https("https://r.example/a%2Cb"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("report URI 'https://r.example/a%2Cb' must be given with %2C %21 %3B decoded (RFC 8460 §3)");
        assertThatThrownBy(() -> new ReportUri.Https("not a uri")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReportUri.Https(null)).isInstanceOf(NullPointerException.class).hasMessage("uri");
        assertThatThrownBy(() -> ReportUri.of(null)).isInstanceOf(NullPointerException.class).hasMessage("uri");
    }

    static Stream<Arguments> plainAbsolute() {
        return Stream.of(
                arguments("mailto:tlsrpt@example.com", true),
                arguments("mailto:tlsrpt@example.com?subject=TLS%20report", true),
                arguments("https://tlsrpt.example.com/v1", true),
                arguments("https://user@r.example:8443/a;b/c?x=1&y=2?", true),
                arguments("x-report:opaque", true),
                arguments("mailto:%40@example.com", true),
                // left to java.net.URI, which accepts some and rejects others with its message:
                arguments("https://", false),
                arguments("file:///etc", false),
                arguments("https://r.example/#frag", false),
                arguments("https://[::1]/", false),
                arguments("http://bad/%", false),
                arguments("http://bad/%zz", false),
                arguments("mailto:", false),
                arguments("1x:y", false),
                arguments("noscheme", false),
                arguments("", false));
    }

    @ParameterizedTest(name = "RFC 8460 §3: plain absolute URI {0} -> {1}")
    @MethodSource("plainAbsolute")
    void recognizesPlainAbsoluteUrisWithoutJavaNetUri(String text, boolean plain) {
        assertThat(ReportUris.isPlainAbsolute(text)).isEqualTo(plain);
        assertThat(ReportUris.problem(text)).isEqualTo(referenceProblem(text));
    }

    /**
     * The fast path is a subset of what {@link URI} accepts: {@link ReportUris#problem} gives the same
     * verdict and message as the reference, which always asks {@link URI}.
     */
    @Property
    @Label("RFC 8460 §3: the rua URI check gives java.net.URI's verdict and message")
    void problemAgreesWithJavaNetUri(@ForAll("uriSoup") String text) {
        assertThat(ReportUris.problem(text)).isEqualTo(referenceProblem(text));
        if (ReportUris.isPlainAbsolute(text)) {
            assertThat(referenceProblem(text)).isNull();
        }
    }

    @Provide
    Arbitrary<String> uriSoup() {
        Arbitrary<String> pieces = Arbitraries.of("mailto:", "https://", "http:", "x-y.z+1:", "//", "/", "?", "#", "%",
                "%2C", "%3b", "%zz", "%4", "[", "]", "::1", "@", ":", ";", ",", "!", "~", "*", "'", "(", ")", "&", "=",
                "+", "$", "a", "Z", "0", ".", "-", "_", "example.com", "r.example:8443", "\\", "\"", "<", "{", "|",
                "^", "`", " ");
        return Arbitraries.oneOf(pieces.list().ofMaxSize(12).map(l -> String.join("", l)),
                Arbitraries.strings().ascii().ofMaxLength(30));
    }

    /** The check as it was before the fast path: every URI through {@link URI}. */
    private static @Nullable String referenceProblem(String uri) {
        if (uri.isEmpty()) {
            return "empty URI";
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return "character " + Texts.describe(c) + " at index " + i + " is not allowed in a URI";
            }
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return e.getReason() + " at index " + e.getIndex();
        }
        if (parsed.getScheme() == null) {
            return "the URI has no scheme";
        }
        if (parsed.getRawSchemeSpecificPart() == null || parsed.getRawSchemeSpecificPart().isEmpty()) {
            return "the URI has nothing after its scheme";
        }
        return null;
    }
}
