package org.mtasts.core;

import static java.lang.System.Logger.Level.WARNING;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Javadoc examples of mtasts-core and the README's "Parsing" example, compiled and run: each
 * {@code // --- example:} region is the example as written (CONTRIBUTING.md, "Examples"); the set-up
 * before it gives the variables it uses, the assertions after it check what it did. Examples that
 * need an MX host over TLS or an mtasts-http type run in mtasts-http's {@code MxExamplesTest} and
 * {@code HttpExamplesTest}.
 */
class CoreExamplesTest {

    private static final String BODY = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T22:14:27.123Z"), ZoneOffset.UTC);

    /** Code that may throw, run with System.out and System.err captured. */
    interface Code {
        void run() throws Exception;
    }

    /** Runs the code and returns what it printed on System.out and System.err, in order. */
    private static String printed(Code code) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            code.run();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @BeforeAll
    static void pki() throws Exception {
        MxCertificateCheckTest.makePki();
    }

    private static MxCertificateCheck check() {
        return MxCertificateCheck.builder().trustManager(MxCertificateCheckTest.trust)
                .clock(Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC)).build();
    }

    @Test
    void cachedPolicy() {
        DomainName domain = DomainName.of("example.com");
        StsRecord record = StsRecord.of("20261128T221427123Z");
        StsPolicy policy = StsPolicy.parse(BODY).orElseThrow();
        String body = BODY;
        Clock clock = CLOCK;
        // --- example: CachedPolicy
        CachedPolicy cached = CachedPolicy.of(domain, record.id(), policy, body, clock.instant());
        boolean usable = !cached.isExpired(clock.instant());
        // ---
        assertThat(usable).isTrue();
        assertThat(cached.isExpired(Clock.offset(clock, Duration.ofSeconds(86_400)).instant())).isTrue();
    }

    @Test
    void certificateVerdict() throws Exception {
        MxCertificateCheck check = check();
        DomainName mxHost = DomainName.of("mx1.example.com");
        List<X509Certificate> presentedChain = List.of(MxCertificateCheckTest.leaf().dns("other.example").build(),
                MxCertificateCheckTest.intermediate.cert());
        String out = printed(() -> {
            // --- example: CertificateVerdict
            CertificateVerdict v = check.check(mxHost, presentedChain);
            if (v instanceof CertificateVerdict.Invalid invalid) {
                System.out.println(invalid.resultType() + " " + invalid.failureReasonCode() + ": " + invalid.detail());
            }
            // ---
        });
        assertThat(out).isEqualTo("certificate-host-mismatch certificate-host-mismatch: "
                + "the certificate names other.example, not mx1.example.com\n");
    }

    @Test
    void tlsOutcome() throws Exception {
        MxCertificateCheck check = check();
        DomainName mx = DomainName.of("mx1.example.com");
        List<X509Certificate> chain = List.of(MxCertificateCheckTest.leaf().dns("mx1.example.com").build(),
                MxCertificateCheckTest.intermediate.cert());
        // --- example: TlsOutcome
        TlsOutcome outcome = TlsOutcome.of(check.check(mx, chain));   // from the certificate check
        TlsOutcome noTls = TlsOutcome.starttlsNotSupported();          // EHLO did not offer STARTTLS
        // ---
        assertThat(outcome.isSecured()).isTrue();
        assertThat(noTls.resultType()).isEqualTo(ResultType.STARTTLS_NOT_SUPPORTED);
    }

    @Test
    void deliveryDecision() throws Exception {
        String out = printed(() -> {
            // --- example: DeliveryDecision
            StsPolicy policy = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n")
                    .orElseThrow();
            DomainName mx = DomainName.of("mx2.example.com");
            if (!DeliveryDecision.mayConnect(policy, mx)) {
                System.out.println("not listed: try the next MX host");   // enforce: no connection needed
            }
            DeliveryDecision d = DeliveryDecision.decide(policy, DomainName.of("mx1.example.com"),
                    TlsOutcome.starttlsNotSupported());
            if (d.refuses()) {
                System.out.println(d.resultType() + ": " + d.explanation());   // starttls-not-supported: ...
            }
            // ---
        });
        assertThat(out).isEqualTo("not listed: try the next MX host\n"
                + "starttls-not-supported: the MX host does not offer STARTTLS\n");
    }

    @Test
    void discovery() {
        // --- example: Discovery
        Discovery<StsRecord> d = RecordSelection.sts(List.of("v=spf1 -all", "v=STSv1; id=1"));
        if (d instanceof Discovery.Found<StsRecord> found) {
            String id = found.record().id();
        }
        // ---
        assertThat(d.kind()).isEqualTo(Discovery.Kind.FOUND);
        assertThat(d.found()).contains(StsRecord.of("1"));
    }

    @Test
    void recordSelection() throws Exception {
        TxtResolver resolver = name -> CompletableFuture.completedFuture(
                new TxtAnswer.Records(List.of("v=STSv1; id=abc")));
        List<Discovery<StsRecord>> seen = new ArrayList<>();
        String out = printed(() -> {
            // --- example: RecordSelection
            Discovery<StsRecord> d = RecordSelection.sts(List.of("v=spf1 -all", "v=STSv1; id=1"));  // Found
            RecordSelection.sts(List.of("v=STSv1; id=1", "v=STSv1; id=2"));                      // Multiple
            RecordSelection.discoverSts(resolver, DomainName.of("example.com"))
                    .thenAccept(discovery -> System.out.println(discovery.kind()));        // FOUND
            // ---
            seen.add(d);
            seen.add(RecordSelection.sts(List.of("v=STSv1; id=1", "v=STSv1; id=2")));
            RecordSelection.discoverSts(resolver, DomainName.of("example.com")).get(5, TimeUnit.SECONDS);
        });
        assertThat(seen).extracting(Discovery::kind).containsExactly(Discovery.Kind.FOUND, Discovery.Kind.MULTIPLE);
        assertThat(out).isEqualTo("FOUND\n");
    }

    @Test
    void domainName() {
        // --- example: DomainName
        DomainName mx = DomainName.of("MX1.Bücher.example.");
        mx.toString();        // "mx1.xn--bcher-kva.example"
        mx.policyHost();      // "mta-sts.mx1.xn--bcher-kva.example"
        // ---
        assertThat(mx.toString()).isEqualTo("mx1.xn--bcher-kva.example");
        assertThat(mx.policyHost()).isEqualTo("mta-sts.mx1.xn--bcher-kva.example");
    }

    @Test
    void extension() {
        // --- example: Extension
        StsRecord r = StsRecord.parse("v=STSv1; id=1; note=hello").orElseThrow();
        Extension e = r.extensions().get(0);   // name "note", value "hello"
        // ---
        assertThat(e.name()).isEqualTo("note");
        assertThat(e.value()).isEqualTo("hello");
    }

    @Test
    void mxCertificateCheckBuilderAndDnsNames() throws Exception {
        X509TrustManager tm = MxCertificateCheckTest.trust;
        X509Certificate leaf = MxCertificateCheckTest.leaf().dns("mx1.example.com", "*.example.net").build();
        // --- example: MxCertificateCheck.Builder
        MxCertificateCheck check = MxCertificateCheck.builder().trustManager(tm).build();
        // --- example: MxCertificateCheck.dnsNames
        List<String> names = MxCertificateCheck.dnsNames(leaf);   // ["mx1.example.com", "*.example.net"]
        // ---
        assertThat(names).containsExactly("mx1.example.com", "*.example.net");
        assertThat(check.check(DomainName.of("mx1.example.com"), List.of()))
                .isEqualTo(new CertificateVerdict.Invalid(ResultType.VALIDATION_FAILURE,
                        MxCertificateCheck.REASON_NO_CERTIFICATE, "the MX host presented no certificate"));
    }

    @Test
    void mxPattern() {
        // --- example: MxPattern
        MxPattern p = MxPattern.of("*.mail.example.com");
        p.matches(DomainName.of("mx1.mail.example.com"));    // true
        p.matches(DomainName.of("a.b.mail.example.com"));    // false: one label only
        p.matches(DomainName.of("mail.example.com"));        // false
        // ---
        assertThat(p.matches(DomainName.of("mx1.mail.example.com"))).isTrue();
        assertThat(p.matches(DomainName.of("a.b.mail.example.com"))).isFalse();
        assertThat(p.matches(DomainName.of("mail.example.com"))).isFalse();
    }

    private final List<Object> used = new ArrayList<>();

    private void use(StsPolicy policy) {
        used.add(policy);
    }

    private void log(SyntaxError error) {
        used.add(error);
    }

    @Test
    void parseResult() {
        for (String body : List.of(BODY, "version: STSv1\nmode: strict\n")) {
            // --- example: ParseResult
            ParseResult<StsPolicy> result = StsPolicy.parse(body);
            switch (result.kind()) {
                case VALID -> use(((ParseResult.Valid<StsPolicy>) result).value());
                case INVALID -> log(((ParseResult.Invalid<StsPolicy>) result).error());
                case NOT_APPLICABLE -> { }
            }
            // ---
        }
        assertThat(used).hasSize(2);
        assertThat(used.get(0)).isInstanceOf(StsPolicy.class);
        assertThat(used.get(1)).isInstanceOf(SyntaxError.class);
    }

    @Test
    void parseWarning() throws Exception {
        String body = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 99999999\n";
        String out = printed(() -> {
            // --- example: ParseWarning
            ParseResult<StsPolicy> r = StsPolicy.parse(body);
            if (r instanceof ParseResult.Valid<StsPolicy> valid) {
                for (ParseWarning w : valid.warnings()) {
                    System.out.println(w);      // line 4, column 10: max_age ... clamped ... (RFC 8461 §3.2)
                }
            }
            // ---
        });
        assertThat(out).startsWith("line 4, column 10: max_age ").contains("clamped").endsWith("(RFC 8461 §3.2)\n");
    }

    @Test
    void policyMode() {
        // --- example: PolicyMode
        PolicyMode mode = PolicyMode.fromToken("enforce").orElseThrow();
        boolean refusesBadMx = mode == PolicyMode.ENFORCE;
        // ---
        assertThat(refusesBadMx).isTrue();
    }

    @Test
    void policyParser() {
        byte[] body = (" " + BODY).getBytes(StandardCharsets.UTF_8);
        // --- example: PolicyParser
        ParseResult<StsPolicy> strict = PolicyParser.strict().parse(body);
        ParseResult<StsPolicy> lint = PolicyParser.lenient().parse(body);   // says what it skipped
        // ---
        assertThat(strict.isValid()).isFalse();
        assertThat(((ParseResult.Valid<StsPolicy>) lint).warnings()).extracting(ParseWarning::code)
                .containsExactly(ParseWarning.LEADING_WHITESPACE_SKIPPED);
    }

    private final List<String> sent = new ArrayList<>();

    private void post(URI uri, byte[] report) {
        sent.add("POST " + uri + " " + report.length + " bytes");
    }

    private void mail(String address, String message) {
        sent.add("mail " + address + ": " + message);
    }

    @Test
    void reportUri() {
        TlsRptRecord record = TlsRptRecord.of("https://r.example/tlsrpt", "mailto:tlsrpt@example.com");
        byte[] gzippedReport = {0x1f, (byte) 0x8b};
        String message = "the report";
        // --- example: ReportUri
        for (ReportUri uri : record.rua()) {
            if (uri instanceof ReportUri.Https https) {
                post(https.toUri(), gzippedReport);
            } else if (uri instanceof ReportUri.Mailto mailto) {
                mail(mailto.address(), message);
            }
        }
        // ---
        assertThat(sent).containsExactly("POST https://r.example/tlsrpt 2 bytes", "mail tlsrpt@example.com: the report");
    }

    @Test
    void resultType() {
        // --- example: ResultType
        ResultType t = ResultType.of("certificate-expired");   // == ResultType.CERTIFICATE_EXPIRED
        ResultType future = ResultType.of("some-new-type");    // kept; isRegistered() is false
        // ---
        assertThat(t).isSameAs(ResultType.CERTIFICATE_EXPIRED);
        assertThat(future.isRegistered()).isFalse();
        assertThat(future.token()).isEqualTo("some-new-type");
    }

    @Test
    void safeText() {
        List<String> logged = new ArrayList<>();
        System.Logger logger = new System.Logger() {
            @Override
            public String getName() {
                return "example";
            }

            @Override
            public boolean isLoggable(Level level) {
                return true;
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
                logged.add(msg);
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String format, Object... params) {
                logged.add(java.text.MessageFormat.format(format, params));
            }
        };
        DomainName domain = DomainName.of("example.com");
        String detail = "bad\u001b[31m status";
        // --- example: SafeText
        String safe = SafeText.escape("evil\r\nFAKE LOG LINE");   // one line: CR and LF escaped
        logger.log(WARNING, "refresh of {0} failed: {1}", domain, SafeText.escape(detail));
        String value = SafeText.quote("it's");                     // in single quotes, the ' escaped
        // ---
        assertThat(safe).isEqualTo("evil\\u000d\\u000aFAKE LOG LINE");
        assertThat(logged).containsExactly("refresh of example.com failed: bad\\u001b[31m status");
        assertThat(value).isEqualTo("'it\\u0027s'");
    }

    @Test
    void stsPolicy() {
        byte[] body = BODY.getBytes(StandardCharsets.US_ASCII);
        // --- example: StsPolicy
        StsPolicy policy = StsPolicy.parse(body).orElseThrow();
        if (policy.mode() == PolicyMode.ENFORCE && !policy.matches(DomainName.of("mx1.example.com"))) {
            // RFC 8461 §4.1: this MX host is not allowed; try the next one
        }
        StsPolicy generated = StsPolicy.builder()
                .mode(PolicyMode.TESTING).mx("mx1.example.com").mx("*.mail.example.com")
                .maxAge(Duration.ofDays(7)).build();
        // --- example: StsPolicy.Builder
        StsPolicy p = StsPolicy.builder().mode(PolicyMode.ENFORCE)
                .mx("mx1.example.com").maxAge(Duration.ofDays(14)).build();
        // ---
        assertThat(policy.matches(DomainName.of("mx1.example.com"))).isTrue();
        assertThat(StsPolicy.parse(generated.toText()).orElseThrow()).isEqualTo(generated);
        assertThat(p.maxAge()).isEqualTo(1_209_600L);
    }

    @Test
    void stsRecord() {
        // --- example: StsRecord
        StsRecord record = StsRecord.parse("v=STSv1; id=20160831085700Z;").orElseThrow();
        record.id();                                    // "20160831085700Z"
        StsRecord next = StsRecord.generate(Clock.systemUTC());
        String txt = next.toText();                     // "v=STSv1; id=20261128T221427123Z"
        // ---
        assertThat(record.id()).isEqualTo("20160831085700Z");
        assertThat(txt).matches("v=STSv1; id=\\d{8}T\\d{9}Z");
        assertThat(StsRecord.generate(CLOCK).toText()).isEqualTo("v=STSv1; id=20261128T221427123Z");
    }

    @Test
    void syntaxError() throws Exception {
        String out = printed(() -> {
            // --- example: SyntaxError
            ParseResult<StsRecord> r = StsRecord.parse("v=STSv1; id=a;;");
            if (r instanceof ParseResult.Invalid<StsRecord> invalid) {
                SyntaxError e = invalid.error();
                System.out.println(e);          // line 1, column 15: empty field ... (RFC 8461 §3.1)
                System.out.println(e.code());   // sts-record-empty-field
            }
            // ---
        });
        assertThat(out).isEqualTo("line 1, column 15: empty field between ';' and ';' (RFC 8461 §3.1)\n"
                + "sts-record-empty-field\n");
    }

    @Test
    void syntaxErrorException() throws Exception {
        String txt = "v=STSv1; id=2024-01-01";
        String out = printed(() -> {
            // --- example: SyntaxErrorException
            try {
                StsRecord record = StsRecord.parse(txt).orElseThrow();
            } catch (SyntaxErrorException e) {
                System.err.println(e.error().code() + " at column " + e.error().column());
            }
            // ---
        });
        assertThat(out).isEqualTo("sts-record-invalid-id at column 17\n");
    }

    @Test
    void tlsRptRecord() {
        // --- example: TlsRptRecord
        TlsRptRecord r = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example/t")
                .orElseThrow();
        r.rua().size();              // 2
        r.toText();                  // "v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example/t"
        // ---
        assertThat(r.rua()).hasSize(2);
        assertThat(r.toText()).isEqualTo("v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example/t");
    }

    @Test
    void txtResolverAndTxtAnswer() {
        // --- example: TxtResolver
        TxtResolver fake = name -> CompletableFuture.completedFuture(
                name.equals("_mta-sts.example.com")
                        ? new TxtAnswer.Records(List.of("v=STSv1; id=1"))
                        : new TxtAnswer.NoRecords(true));
        // ---
        TxtResolver resolver = fake;
        // --- example: TxtAnswer
        TxtAnswer answer = resolver.resolveTxtAsync("_mta-sts.example.com").join();
        if (answer instanceof TxtAnswer.Records records) {
            Discovery<StsRecord> d = RecordSelection.sts(records.texts());
        }
        // ---
        assertThat(answer).isEqualTo(new TxtAnswer.Records(List.of("v=STSv1; id=1")));
        assertThat(fake.resolveTxtAsync("_mta-sts.other.example").join()).isEqualTo(new TxtAnswer.NoRecords(true));
    }

    @Test
    void readmeParsing() {
        byte[] bodyBytes = BODY.getBytes(StandardCharsets.US_ASCII);
        // --- example: README Parsing
        ParseResult<StsPolicy> result = StsPolicy.parse(bodyBytes);
        StsPolicy policy = result.orElseThrow();               // SyntaxErrorException if invalid
        boolean ok = policy.matches(DomainName.of("mx1.example.com"));
        // ---
        assertThat(ok).isTrue();
    }
}
