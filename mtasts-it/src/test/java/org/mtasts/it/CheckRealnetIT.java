package org.mtasts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mtasts.cli.MtastsCli;
import org.mtasts.core.DomainName;
import org.mtasts.dns.AddressAnswer;
import org.mtasts.dns.DnsjavaResolver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code mtasts check DOMAIN --json} for every realnet domain, as a postmaster runs it: with the
 * realnet DNS server ({@code --dns}) and CA ({@code --trust}), and nothing else where the standard
 * ports are bound (policy hosts on 443, plain HTTP on 80 for the HTTP-only detection, MX hosts on
 * 25). What senders apply, the finding codes in order, the policy's mode and the exit code per
 * domain must match {@link #EXPECTED}.
 */
class CheckRealnetIT {

    /**
     * What {@code mtasts check} says about one domain.
     *
     * @param exitCode 0 all good, 1 errors
     * @param senders what it says senders apply ({@code "senders":{"apply"}}): the RFC 8461 verdict
     * @param mode the mode of the policy it fetched, or null when it got none
     * @param codes the finding codes, in the order of the checks
     */
    record Expected(int exitCode, String senders, @Nullable String mode, List<String> codes) {
        static Expected of(int exitCode, String senders, @Nullable String mode, String... codes) {
            return new Expected(exitCode, senders, mode, List.of(codes));
        }
    }

    /** The expected finding codes per domain (the README's "Finding codes of check" table). */
    static final Map<RealnetDomain, Expected> EXPECTED = new EnumMap<>(RealnetDomain.class);

    static {
        EXPECTED.put(RealnetDomain.EXAMPLE, Expected.of(0, "enforce", "enforce", "ok"));
        EXPECTED.put(RealnetDomain.TESTING, Expected.of(0, "testing", "testing", "mode-testing", "ok"));
        EXPECTED.put(RealnetDomain.NONE_MODE, Expected.of(0, "none", "none", "tlsrpt-record-missing", "mode-none"));
        EXPECTED.put(RealnetDomain.CRLF, Expected.of(1, "enforce", "enforce", "enforce-without-tlsrpt"));
        EXPECTED.put(RealnetDomain.SPLIT_TXT, Expected.of(0, "enforce", "enforce", "ok"));
        EXPECTED.put(RealnetDomain.MIXED_TXT, Expected.of(0, "enforce", "enforce", "ok"));
        EXPECTED.put(RealnetDomain.CNAME_STS, Expected.of(0, "enforce", "enforce", "ok"));
        // The check fetches the policy even when the record is wrong, to report every problem at once;
        // senders never get that far, so they apply none.
        EXPECTED.put(RealnetDomain.TWO_STS, Expected.of(1, "none", "enforce",
                "sts-record-multiple", "tlsrpt-record-multiple"));
        EXPECTED.put(RealnetDomain.NO_STS, Expected.of(1, "none", "enforce",
                "sts-record-missing", "enforce-without-tlsrpt"));
        EXPECTED.put(RealnetDomain.NO_ID, Expected.of(1, "none", "enforce",
                "sts-record-invalid", "enforce-without-tlsrpt"));
        EXPECTED.put(RealnetDomain.BAD_ID, Expected.of(1, "none", "enforce",
                "sts-record-invalid", "tlsrpt-no-supported-rua"));
        EXPECTED.put(RealnetDomain.NXDOMAIN, Expected.of(1, "none", null, "sts-record-missing", "policy-host-not-found",
                "mx-no-domain"));
        EXPECTED.put(RealnetDomain.NO_POLICY_HOST, Expected.of(1, "none", null, "policy-host-not-found"));
        EXPECTED.put(RealnetDomain.REDIRECT, Expected.of(1, "none", null, "policy-redirect"));
        EXPECTED.put(RealnetDomain.WRONG_CTYPE, Expected.of(1, "none", null, "policy-content-type"));
        EXPECTED.put(RealnetDomain.OVERSIZED, Expected.of(1, "none", null, "policy-too-large"));
        EXPECTED.put(RealnetDomain.HTTP404, Expected.of(1, "none", null, "policy-http-status"));
        EXPECTED.put(RealnetDomain.HTTP_ONLY, Expected.of(1, "none", null, "policy-http-only"));
        EXPECTED.put(RealnetDomain.EXPIRED_CERT, Expected.of(1, "none", null,
                "policy-cert-expired", "mx-cert-expired"));
        EXPECTED.put(RealnetDomain.WRONG_CERT, Expected.of(1, "none", null,
                "policy-cert-host-mismatch", "mx-cert-host-mismatch"));
        EXPECTED.put(RealnetDomain.SELFSIGNED, Expected.of(1, "none", null,
                "policy-cert-untrusted", "mx-cert-untrusted"));
        EXPECTED.put(RealnetDomain.NOCHAIN, Expected.of(1, "none", null, "policy-cert-untrusted"));
        EXPECTED.put(RealnetDomain.BAD_POLICY, Expected.of(1, "none", null, "policy-invalid"));
        // Postfix has no certificate for mail.mx-mismatch.test: its default one names mx1.example.test.
        EXPECTED.put(RealnetDomain.MX_MISMATCH, Expected.of(1, "enforce", "enforce",
                "mx-not-in-policy", "mx-pattern-unused",
                "mx-cert-host-mismatch", "enforce-without-tlsrpt"));
        // The MX host is in the policy, but Postfix's certificate for it names www.example.test (RFC 8461 §4.2).
        EXPECTED.put(RealnetDomain.BAD_MX_CERT, Expected.of(1, "enforce", "enforce",
                "mx-cert-host-mismatch", "enforce-without-tlsrpt"));
        // MTA-STS only: check does not read TLSA records; the policy is valid and mx1.dane.test's
        // certificate is CA-signed, so only the missing TLS-RPT record is reported.
        EXPECTED.put(RealnetDomain.DANE, Expected.of(1, "enforce", "enforce", "enforce-without-tlsrpt"));
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Realnet realnet;

    /** Per test, so that a missing realnet shows as skipped tests with the reason (not as zero tests). */
    @BeforeEach
    void locate() {
        realnet = Realnet.get();
    }

    /** The options a postmaster gives: the DNS server and the CA; --connect only for ports not bound. */
    static List<String> options() {
        return options(realnet);
    }

    /** The same options for another test of the CLI against realnet. */
    static List<String> options(Realnet realnet) {
        List<String> args = new ArrayList<>(List.of("--dns", Realnet.hostPort(realnet.authoritativeDns()),
                "--trust", realnet.caPem().toString(), "--timeout", "5"));
        DnsjavaResolver dns = realnet.resolver(realnet.authoritativeDns());
        for (RealnetDomain d : RealnetDomain.values()) {
            String host = d.domain().policyHost();
            AddressAnswer a = dns.resolveAddresses(DomainName.of(host));
            if (!(a instanceof AddressAnswer.Addresses found)) {
                continue;
            }
            String ip = found.addresses().get(0).getHostAddress();
            if (!realnet.standardHttps()) {
                args.addAll(List.of("--connect", host + ":443=" + ip + ":" + realnet.httpsPort()));
            }
            if (realnet.httpPort() != 80) {
                args.addAll(List.of("--connect", host + ":80=" + ip + ":" + realnet.httpPort()));
            }
        }
        if (realnet.smtp().getPort() != 25) {
            for (String mx : List.of("mx1.example.test", "a.mx.example.test", "mx.expired-cert.test",
                    "mx.wrong-cert.test", "mx.selfsigned.test", "mail.mx-mismatch.test", "mx.bad-mx-cert.test",
                    "mx1.dane.test")) {
                args.addAll(List.of("--connect", mx + ":25=" + Realnet.hostPort(realnet.smtp())));
            }
        }
        return args;
    }

    @Test
    @DisplayName("every realnet domain has a row in the check table")
    void everyDomainHasARow() {
        assertThat(EXPECTED.keySet()).containsExactlyInAnyOrder(RealnetDomain.values());
    }

    @ParameterizedTest(name = "mtasts check {0}")
    @EnumSource(RealnetDomain.class)
    @DisplayName("mtasts check against the real servers: what senders apply and the finding codes per domain")
    void checksEachDomain(RealnetDomain d) {
        List<String> args = new ArrayList<>(List.of("check", d.domain().ascii(), "--json"));
        args.addAll(options());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = MtastsCli.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        JsonNode doc = JSON.readTree(out.toString());
        List<String> codes = new ArrayList<>();
        for (JsonNode f : doc.get("findings")) {
            codes.add(f.get("code").asString());
            assertThat(f.get("severity").asString()).isIn("error", "warning", "info");
            assertThat(f.get("message").asString()).isNotBlank().doesNotContainPattern("[\\x00-\\x1f]");
        }
        JsonNode policy = doc.get("policy");
        String mode = policy == null || policy.isNull() ? null : policy.get("mode").asString();
        String senders = doc.get("senders").get("apply").asString();
        Expected actual = new Expected(exit, senders, mode, codes);
        System.out.println("mtasts check " + d + ": exit " + exit + ", senders apply " + senders + ", policy " + mode
                + ", " + codes);
        assertThat(doc.get("domain").asString()).isEqualTo(d.domain().ascii());
        assertThat(actual).as("%s\n%s\n%s", d, out, err).isEqualTo(EXPECTED.get(d));
        assertThat(err.toString()).as("stderr").isEmpty();
    }
}
