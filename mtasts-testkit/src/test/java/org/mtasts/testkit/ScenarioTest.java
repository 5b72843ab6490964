package org.mtasts.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.CertificateVerdict;
import org.mtasts.core.Discovery;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxCertificateCheck;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.RecordSelection;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.StsRecord;
import org.mtasts.core.TxtAnswer;
import org.mtasts.core.TxtResolver;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Each ready-made domain, checked the way a careful client would, shows exactly its mistake. */
@MtaStsSandboxTest
class ScenarioTest {

    private final MtaStsSandbox sandbox;
    private final TxtResolver dns;

    ScenarioTest(MtaStsSandbox sandbox) {
        this.sandbox = sandbox;
        this.dns = name -> CompletableFuture.completedFuture(txt(sandbox, name));
    }

    @AfterEach
    void noServerProblems() {
        assertThat(sandbox.problems()).isEmpty();
    }

    /** A tiny TxtResolver on SimpleResolver, enough for these checks. */
    static TxtAnswer txt(MtaStsSandbox sandbox, String name) {
        try {
            SimpleResolver r = new SimpleResolver(sandbox.dnsAddress());
            r.setTimeout(Duration.ofSeconds(5));
            Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.TXT, DClass.IN)));
            if (m.getRcode() == Rcode.NXDOMAIN) {
                return new TxtAnswer.NoRecords(true);
            }
            if (m.getRcode() != Rcode.NOERROR) {
                return new TxtAnswer.TemporaryFailure(Rcode.string(m.getRcode()), null);
            }
            List<String> texts = new ArrayList<>();
            for (Record rec : m.getSection(Section.ANSWER)) {
                if (rec instanceof TXTRecord t) {
                    StringBuilder joined = new StringBuilder();
                    t.getStringsAsByteArrays().forEach(b -> joined.append(new String(b, StandardCharsets.ISO_8859_1)));
                    texts.add(joined.toString());
                }
            }
            return texts.isEmpty() ? new TxtAnswer.NoRecords(false) : new TxtAnswer.Records(texts);
        } catch (IOException e) {
            return new TxtAnswer.TemporaryFailure(e.toString(), e);
        }
    }

    private Discovery<StsRecord> stsRecord(Scenario s) {
        return RecordSelection.discoverSts(dns, DomainName.of(s.domain())).join();
    }

    private StsPolicy fetchPolicy(Scenario s) throws IOException {
        HttpsURLConnection c = JdkClients.https(sandbox, "mta-sts." + s.domain(), sandbox.clientSslContext());
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(c.getContentType()).isEqualTo("text/plain");
        try (InputStream in = c.getInputStream()) {
            return StsPolicy.parse(in.readAllBytes()).orElseThrow();
        }
    }

    /** STARTTLS on an MX host; returns the chain shown (trusting anything), or null without STARTTLS. */
    private List<X509Certificate> starttls(String host) throws Exception {
        try (SmtpClient c = SmtpClient.connect(sandbox.address(host))) {
            c.reply();
            if (!c.command("EHLO checker.test").contains("STARTTLS")) {
                return null;
            }
            assertThat(c.command("STARTTLS")).startsWith("220 ");
            AtomicReference<X509Certificate[]> seen = new AtomicReference<>();
            c.startTls(JdkClients.recording(seen), host, false);
            c.command("QUIT");
            return Arrays.asList(seen.get());
        }
    }

    private CertificateVerdict mxVerdict(String host) throws Exception {
        return MxCertificateCheck.check(DomainName.of(host), starttls(host), sandbox.trustManager(), sandbox.clock());
    }

    @Test
    void everyScenarioIsServedUnderItsFixedName() {
        for (Scenario s : Scenario.values()) {
            assertThat(sandbox.domains()).contains(DomainName.of(s.domain()));
            assertThat(s.domain()).endsWith(".example");
            assertThat(s.mistake()).isNotBlank();
        }
        assertThat(Scenario.GOOD.mistake()).startsWith("none");
    }

    @Test
    @DisplayName("RFC 8461 §3, §4: good.example passes every check")
    void good() throws Exception {
        Discovery<StsRecord> record = stsRecord(Scenario.GOOD);
        assertThat(record).isInstanceOfSatisfying(Discovery.Found.class,
                f -> assertThat(((StsRecord) f.record()).id()).isEqualTo(Scenario.RECORD_ID));
        assertThat(RecordSelection.discoverTlsRpt(dns, DomainName.of("good.example")).join().kind())
                .isEqualTo(Discovery.Kind.FOUND);
        StsPolicy policy = fetchPolicy(Scenario.GOOD);
        assertThat(policy.mode()).isEqualTo(PolicyMode.ENFORCE);
        assertThat(policy.maxAge()).isEqualTo(604_800);
        for (String mx : List.of("mx1.good.example", "mx2.good.example")) {
            assertThat(policy.matches(DomainName.of(mx))).isTrue();
            assertThat(mxVerdict(mx)).isInstanceOf(CertificateVerdict.Valid.class);
        }
        assertThat(Scenario.GOOD.policyText()).contains(policy.toText());
        assertThat(Scenario.NO_POLICY_HOST.policyText()).isEmpty();
    }

    @Test
    @DisplayName("RFC 8461 §4.1: apex-listed.example's policy does not cover its MX host")
    void apexListed() throws Exception {
        StsPolicy policy = fetchPolicy(Scenario.APEX_LISTED);
        assertThat(policy.matches(DomainName.of("apex-listed.example"))).isTrue();
        assertThat(policy.matches(DomainName.of("mail.apex-listed.example"))).isFalse();
        assertThat(mxVerdict("mail.apex-listed.example")).isInstanceOf(CertificateVerdict.Valid.class);
    }

    @Test
    @DisplayName("RFC 8461 §3.1: id-not-changed.example edits its policy and MX but keeps the id")
    void idNotChanged() throws Exception {
        try (MtaStsSandbox own = MtaStsSandbox.builder().scenario(Scenario.ID_NOT_CHANGED).start()) {
            TxtResolver ownDns = name -> CompletableFuture.completedFuture(txt(own, name));
            DomainName domain = DomainName.of("id-not-changed.example");
            String idBefore = ((Discovery.Found<StsRecord>) RecordSelection.discoverSts(ownDns, domain).join())
                    .record().id();
            StsPolicy before = policyFrom(own, "mta-sts.id-not-changed.example");
            own.update(Scenario.ID_NOT_CHANGED.editedSpec().orElseThrow());
            String idAfter = ((Discovery.Found<StsRecord>) RecordSelection.discoverSts(ownDns, domain).join())
                    .record().id();
            StsPolicy after = policyFrom(own, "mta-sts.id-not-changed.example");
            assertThat(idAfter).isEqualTo(idBefore);
            assertThat(after).isNotEqualTo(before);
            assertThat(before.matches(DomainName.of("mx2.id-not-changed.example"))).isFalse();
            assertThat(after.matches(DomainName.of("mx2.id-not-changed.example"))).isTrue();
        }
        assertThat(Scenario.GOOD.editedSpec()).isEmpty();
    }

    private static StsPolicy policyFrom(MtaStsSandbox sandbox, String host) throws IOException {
        HttpsURLConnection c = JdkClients.https(sandbox, host, sandbox.clientSslContext());
        try (InputStream in = c.getInputStream()) {
            return StsPolicy.parse(in.readAllBytes()).orElseThrow();
        }
    }

    @Test
    @DisplayName("RFC 8461 §3.3: http-only.example serves its policy over HTTP only")
    void httpOnly() throws Exception {
        HttpURLConnection plain = (HttpURLConnection) new URL("http://127.0.0.1:"
                + sandbox.httpAddresses().get("mta-sts.http-only.example").getPort()
                + "/.well-known/mta-sts.txt").openConnection();
        assertThat(plain.getResponseCode()).isEqualTo(200);
        assertThatThrownBy(() -> fetchPolicy(Scenario.HTTP_ONLY)).isInstanceOf(IOException.class);
    }

    @Test
    @DisplayName("RFC 8461 §4.2: mx-cert-web-only.example's MX certificate names the web site only")
    void mxCertWebOnly() throws Exception {
        assertThat(mxVerdict("mx1.mx-cert-web-only.example")).isInstanceOfSatisfying(CertificateVerdict.Invalid.class,
                v -> assertThat(v.resultType().token()).isEqualTo("certificate-host-mismatch"));
    }

    @Test
    @DisplayName("RFC 8460 §3: no-tlsrpt.example enforces without a TLS-RPT record")
    void noTlsRpt() throws Exception {
        assertThat(fetchPolicy(Scenario.NO_TLSRPT).mode()).isEqualTo(PolicyMode.ENFORCE);
        assertThat(RecordSelection.discoverTlsRpt(dns, DomainName.of("no-tlsrpt.example")).join().kind())
                .isEqualTo(Discovery.Kind.ABSENT);
    }

    @Test
    @DisplayName("RFC 8461 §3.1: two-records.example publishes two STS records, so no policy")
    void twoRecords() {
        assertThat(stsRecord(Scenario.TWO_RECORDS).kind()).isEqualTo(Discovery.Kind.MULTIPLE);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: expired-policy-cert.example's policy host certificate has expired")
    void expiredPolicyCert() {
        assertThatThrownBy(() -> fetchPolicy(Scenario.EXPIRED_POLICY_CERT))
                .isInstanceOf(SSLHandshakeException.class).hasRootCauseInstanceOf(CertificateExpiredException.class);
    }

    @Test
    @DisplayName("RFC 8461 §4.1: mx-not-in-policy.example has an MX host its policy does not list")
    void mxNotInPolicy() throws Exception {
        StsPolicy policy = fetchPolicy(Scenario.MX_NOT_IN_POLICY);
        assertThat(policy.matches(DomainName.of("mx1.mx-not-in-policy.example"))).isTrue();
        assertThat(policy.matches(DomainName.of("mx2.mx-not-in-policy.example"))).isFalse();
    }

    @Test
    @DisplayName("RFC 8461 §5: testing-mode.example is in mode testing")
    void testingMode() throws Exception {
        assertThat(fetchPolicy(Scenario.TESTING_MODE).mode()).isEqualTo(PolicyMode.TESTING);
    }

    @Test
    @DisplayName("RFC 8461 §4.2: untrusted and expired MX certificates")
    void badMxCertificates() throws Exception {
        assertThat(mxVerdict("mx1.untrusted-mx-cert.example")).isInstanceOfSatisfying(CertificateVerdict.Invalid.class,
                v -> assertThat(v.resultType().token()).isEqualTo("certificate-not-trusted"));
        assertThat(mxVerdict("mx1.expired-mx-cert.example")).isInstanceOfSatisfying(CertificateVerdict.Invalid.class,
                v -> assertThat(v.resultType().token()).isEqualTo("certificate-expired"));
    }

    @Test
    @DisplayName("RFC 8461 §3.2: short-max-age.example caches for an hour only")
    void shortMaxAge() throws Exception {
        assertThat(fetchPolicy(Scenario.SHORT_MAX_AGE).maxAge()).isEqualTo(3600);
    }

    @Test
    @DisplayName("RFC 8461 §4: no-starttls.example's MX host offers no STARTTLS")
    void noStarttls() throws Exception {
        assertThat(starttls("mx1.no-starttls.example")).isNull();
    }

    @Test
    @DisplayName("RFC 8461 §3.3: no-policy-host.example publishes a record but no policy host")
    void noPolicyHost() {
        assertThat(stsRecord(Scenario.NO_POLICY_HOST).kind()).isEqualTo(Discovery.Kind.FOUND);
        assertThat(sandbox.addresses()).doesNotContainKey("mta-sts.no-policy-host.example");
        TxtAnswer host = txt(sandbox, "mta-sts.no-policy-host.example");
        assertThat(host).isEqualTo(new TxtAnswer.NoRecords(true));
    }
}
