package org.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The {@code <pre>{@code ...}</pre>} examples of the public Javadoc, compiled and run (adapted where
 * they refer to variables or to other modules), so that the documentation stays true. One test per
 * type, in the order of the type names.
 */
class CoreExamplesTest {

    private static final String BODY = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T22:14:27.123Z"), ZoneOffset.UTC);

    /** Runs the code and returns what it printed on System.out. */
    private static String printed(Runnable code) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            code.run();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void cachedPolicy() {
        DomainName domain = DomainName.of("example.com");
        StsRecord record = StsRecord.of("20261128T221427123Z");
        StsPolicy policy = StsPolicy.parse(BODY).orElseThrow();
        String body = BODY;
        Clock clock = CLOCK;
        // --- example
        CachedPolicy cached = CachedPolicy.of(domain, record.id(), policy, body, clock.instant());
        boolean usable = !cached.isExpired(clock.instant());
        // ---
        assertThat(usable).isTrue();
        assertThat(cached.isExpired(Clock.offset(clock, Duration.ofSeconds(86_400)).instant())).isTrue();
    }

    @Test
    void certificateVerdictAndTlsOutcome() {
        List<String> reported = new ArrayList<>();
        CertificateVerdict v = new CertificateVerdict.Invalid(ResultType.CERTIFICATE_HOST_MISMATCH,
                MxCertificateCheck.REASON_HOST_MISMATCH, "the certificate names other.example, not mx1.example.com");
        // --- example (CertificateVerdict)
        if (v instanceof CertificateVerdict.Invalid invalid) {
            System.out.println(invalid.resultType() + " " + invalid.failureReasonCode() + ": " + invalid.detail());
            reported.add(invalid.resultType() + " " + invalid.failureReasonCode());
        }
        // --- example (TlsOutcome)
        TlsOutcome outcome = TlsOutcome.of(v);
        TlsOutcome noTls = TlsOutcome.starttlsNotSupported();
        // ---
        assertThat(reported).containsExactly("certificate-host-mismatch certificate-host-mismatch");
        assertThat(outcome.resultType()).isEqualTo(ResultType.CERTIFICATE_HOST_MISMATCH);
        assertThat(noTls.resultType()).isEqualTo(ResultType.STARTTLS_NOT_SUPPORTED);
    }

    @Test
    void deliveryDecision() {
        List<String> log = new ArrayList<>();
        // --- example
        StsPolicy policy = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n")
                .orElseThrow();
        DomainName mx = DomainName.of("mx2.example.com");
        if (!DeliveryDecision.mayConnect(policy, mx)) {
            System.out.println("not listed: try the next MX host");   // enforce: no connection needed
            log.add("not listed");
        }
        DeliveryDecision d = DeliveryDecision.decide(policy, DomainName.of("mx1.example.com"),
                TlsOutcome.starttlsNotSupported());
        if (d.refuses()) {
            System.out.println(d.resultType() + ": " + d.explanation());   // starttls-not-supported: ...
            log.add(d.resultType() + ": " + d.explanation());
        }
        // ---
        assertThat(log).containsExactly("not listed", "starttls-not-supported: the MX host does not offer STARTTLS");
    }

    @Test
    void discoveryAndRecordSelection() throws Exception {
        // --- example (Discovery)
        Discovery<StsRecord> d = RecordSelection.sts(List.of("v=spf1 -all", "v=STSv1; id=1"));
        String id = null;
        if (d instanceof Discovery.Found<StsRecord> found) {
            id = found.record().id();
        }
        // --- example (RecordSelection)
        Discovery<StsRecord> multiple = RecordSelection.sts(List.of("v=STSv1; id=1", "v=STSv1; id=2"));
        TxtResolver resolver = name -> CompletableFuture.completedFuture(
                new TxtAnswer.Records(List.of("v=STSv1; id=abc")));
        List<Discovery<StsRecord>> seen = new ArrayList<>();
        RecordSelection.discoverSts(resolver, DomainName.of("example.com"))
                .thenAccept(seen::add).get(5, TimeUnit.SECONDS);
        // ---
        assertThat(d.kind()).isEqualTo(Discovery.Kind.FOUND);
        assertThat(id).isEqualTo("1");
        assertThat(multiple.kind()).isEqualTo(Discovery.Kind.MULTIPLE);
        assertThat(seen).extracting(Discovery::kind).containsExactly(Discovery.Kind.FOUND);
    }

    @Test
    void domainName() {
        // --- example
        DomainName mx = DomainName.of("MX1.Bücher.example.");
        // ---
        assertThat(mx.toString()).isEqualTo("mx1.xn--bcher-kva.example");
        assertThat(mx.policyHost()).isEqualTo("mta-sts.mx1.xn--bcher-kva.example");
    }

    @Test
    void extension() {
        // --- example
        StsRecord r = StsRecord.parse("v=STSv1; id=1; note=hello").orElseThrow();
        Extension e = r.extensions().get(0);
        // ---
        assertThat(e.name()).isEqualTo("note");
        assertThat(e.value()).isEqualTo("hello");
    }

    @Test
    @DisplayName("MxCertificateCheck: the example, with the chain a JSSE session returns as Certificate[]")
    void mxCertificateCheck() throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((java.security.KeyStore) null);
        X509TrustManager systemTrustManager = (X509TrustManager) factory.getTrustManagers()[0];
        Certificate[] peerCertificates = new X509Certificate[0];   // what session.getPeerCertificates() returns
        // --- example
        MxCertificateCheck check = MxCertificateCheck.builder()
                .trustManager(systemTrustManager).clock(Clock.systemUTC()).build();
        CertificateVerdict verdict = check.check(DomainName.of("mx1.example.com"),
                List.of((X509Certificate[]) peerCertificates));
        // --- example (Builder)
        MxCertificateCheck other = MxCertificateCheck.builder().trustManager(systemTrustManager).build();
        // ---
        assertThat(verdict).isEqualTo(new CertificateVerdict.Invalid(ResultType.VALIDATION_FAILURE,
                MxCertificateCheck.REASON_NO_CERTIFICATE, "the MX host presented no certificate"));
        assertThat(other.check(DomainName.of("mx1.example.com"), List.of())).isEqualTo(verdict);
    }

    @Test
    void mxPattern() {
        // --- example
        MxPattern p = MxPattern.of("*.mail.example.com");
        // ---
        assertThat(p.matches(DomainName.of("mx1.mail.example.com"))).isTrue();
        assertThat(p.matches(DomainName.of("a.b.mail.example.com"))).isFalse();
        assertThat(p.matches(DomainName.of("mail.example.com"))).isFalse();
    }

    @Test
    void parseResult() {
        List<Object> used = new ArrayList<>();
        Consumer<StsPolicy> use = used::add;
        Consumer<SyntaxError> log = used::add;
        for (String body : List.of(BODY, "version: STSv1\nmode: strict\n")) {
            // --- example
            ParseResult<StsPolicy> result = StsPolicy.parse(body);
            switch (result.kind()) {
                case VALID -> use.accept(((ParseResult.Valid<StsPolicy>) result).value());
                case INVALID -> log.accept(((ParseResult.Invalid<StsPolicy>) result).error());
                case NOT_APPLICABLE -> { }
            }
            // ---
        }
        assertThat(used).hasSize(2);
        assertThat(used.get(0)).isInstanceOf(StsPolicy.class);
        assertThat(used.get(1)).isInstanceOf(SyntaxError.class);
    }

    @Test
    void parseWarning() {
        String body = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 99999999\n";
        String out = printed(() -> {
            // --- example
            ParseResult<StsPolicy> r = StsPolicy.parse(body);
            if (r instanceof ParseResult.Valid<StsPolicy> valid) {
                for (ParseWarning w : valid.warnings()) {
                    System.out.println(w);
                }
            }
            // ---
        });
        assertThat(out).startsWith("line 4, column 10: max_age ").contains("clamped").endsWith("(RFC 8461 §3.2)\n");
    }

    @Test
    void policyMode() {
        // --- example
        PolicyMode mode = PolicyMode.fromToken("enforce").orElseThrow();
        boolean refusesBadMx = mode == PolicyMode.ENFORCE;
        // ---
        assertThat(refusesBadMx).isTrue();
    }

    @Test
    void policyParser() {
        byte[] body = (" " + BODY).getBytes(StandardCharsets.UTF_8);
        // --- example
        ParseResult<StsPolicy> strict = PolicyParser.strict().parse(body);
        ParseResult<StsPolicy> lint = PolicyParser.lenient().parse(body);
        // ---
        assertThat(strict.isValid()).isFalse();
        assertThat(((ParseResult.Valid<StsPolicy>) lint).warnings()).extracting(ParseWarning::code)
                .containsExactly(ParseWarning.LEADING_WHITESPACE_SKIPPED);
    }

    @Test
    @DisplayName("PolicyStore: the example, with a map-based store standing in for mtasts-http's")
    void policyStore() {
        Map<DomainName, CachedPolicy> map = new ConcurrentHashMap<>();
        PolicyStore store = new PolicyStore() {
            @Override
            public Optional<CachedPolicy> get(DomainName domain) {
                return Optional.ofNullable(map.get(domain));
            }

            @Override
            public void put(CachedPolicy policy) {
                map.put(policy.domain(), policy);
            }

            @Override
            public void remove(DomainName domain) {
                map.remove(domain);
            }

            @Override
            public void forEach(Consumer<? super CachedPolicy> action) {
                map.values().forEach(action);
            }
        };
        store.put(CachedPolicy.of(DomainName.of("example.com"), "1", StsPolicy.parse(BODY).orElseThrow(), BODY,
                CLOCK.instant()));
        Clock clock = CLOCK;
        // --- example
        Optional<CachedPolicy> cached = store.get(DomainName.of("example.com"));
        boolean usable = cached.filter(c -> !c.isExpired(clock.instant())).isPresent();
        // ---
        assertThat(usable).isTrue();
    }

    @Test
    void reportUri() {
        TlsRptRecord record = TlsRptRecord.of("https://r.example/tlsrpt", "mailto:tlsrpt@example.com");
        List<String> sent = new ArrayList<>();
        // --- example
        for (ReportUri uri : record.rua()) {
            if (uri instanceof ReportUri.Https https) {
                sent.add("POST " + https.toUri());
            } else if (uri instanceof ReportUri.Mailto mailto) {
                sent.add("mail " + mailto.address());
            }
        }
        // ---
        assertThat(sent).containsExactly("POST https://r.example/tlsrpt", "mail tlsrpt@example.com");
    }

    @Test
    void resultType() {
        // --- example
        ResultType t = ResultType.of("certificate-expired");
        ResultType future = ResultType.of("some-new-type");
        // ---
        assertThat(t).isSameAs(ResultType.CERTIFICATE_EXPIRED);
        assertThat(future.isRegistered()).isFalse();
    }

    @Test
    void stsPolicy() {
        byte[] body = BODY.getBytes(StandardCharsets.US_ASCII);
        boolean skipped = false;
        // --- example
        StsPolicy policy = StsPolicy.parse(body).orElseThrow();
        if (policy.mode() == PolicyMode.ENFORCE && !policy.matches(DomainName.of("mx1.example.com"))) {
            skipped = true;   // RFC 8461 §4.1: this MX host is not allowed; try the next one
        }
        StsPolicy generated = StsPolicy.builder()
                .mode(PolicyMode.TESTING).mx("mx1.example.com").mx("*.mail.example.com")
                .maxAge(Duration.ofDays(7)).build();
        // --- example (Builder)
        StsPolicy p = StsPolicy.builder().mode(PolicyMode.ENFORCE)
                .mx("mx1.example.com").maxAge(Duration.ofDays(14)).build();
        // ---
        assertThat(skipped).isFalse();
        assertThat(StsPolicy.parse(generated.toText()).orElseThrow()).isEqualTo(generated);
        assertThat(p.maxAge()).isEqualTo(1_209_600L);
    }

    @Test
    void stsRecord() {
        Clock systemUTC = CLOCK;
        // --- example
        StsRecord record = StsRecord.parse("v=STSv1; id=20160831085700Z;").orElseThrow();
        StsRecord next = StsRecord.generate(systemUTC);
        String txt = next.toText();
        // ---
        assertThat(record.id()).isEqualTo("20160831085700Z");
        assertThat(txt).isEqualTo("v=STSv1; id=20261128T221427123Z");
    }

    @Test
    void syntaxErrorAndException() {
        String out = printed(() -> {
            // --- example (SyntaxError)
            ParseResult<StsRecord> r = StsRecord.parse("v=STSv1; id=a;;");
            if (r instanceof ParseResult.Invalid<StsRecord> invalid) {
                SyntaxError e = invalid.error();
                System.out.println(e);
                System.out.println(e.code());
            }
            // ---
        });
        assertThat(out).isEqualTo("line 1, column 15: empty field between ';' and ';' (RFC 8461 §3.1)\n"
                + "sts-record-empty-field\n");
        String txt = "v=STSv1; id=2024-01-01";
        String caught = null;
        // --- example (SyntaxErrorException)
        try {
            StsRecord record = StsRecord.parse(txt).orElseThrow();
            caught = record.id();
        } catch (SyntaxErrorException e) {
            caught = e.error().code() + " at column " + e.error().column();
        }
        // ---
        assertThat(caught).isEqualTo("sts-record-invalid-id at column 17");
    }

    @Test
    void tlsRptRecord() {
        // --- example
        TlsRptRecord r = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example/t")
                .orElseThrow();
        // ---
        assertThat(r.rua()).hasSize(2);
        assertThat(r.toText()).isEqualTo("v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example/t");
    }

    @Test
    void txtResolverAndTxtAnswer() {
        // --- example (TxtResolver)
        TxtResolver fake = name -> CompletableFuture.completedFuture(
                name.equals("_mta-sts.example.com")
                        ? new TxtAnswer.Records(List.of("v=STSv1; id=1"))
                        : new TxtAnswer.NoRecords(true));
        TxtResolver resolver = fake;
        Discovery<StsRecord> d = null;
        // --- example (TxtAnswer)
        TxtAnswer answer = resolver.resolveTxtAsync("_mta-sts.example.com").join();
        if (answer instanceof TxtAnswer.Records records) {
            d = RecordSelection.sts(records.texts());
        }
        // ---
        assertThat(d).isNotNull();
        assertThat(d.found()).contains(StsRecord.of("1"));
        assertThat(fake.resolveTxtAsync("_mta-sts.other.example").join()).isEqualTo(new TxtAnswer.NoRecords(true));
    }
}
