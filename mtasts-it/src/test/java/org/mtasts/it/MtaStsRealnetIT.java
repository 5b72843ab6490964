package org.mtasts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtasts.cli.TlsProbe;
import org.mtasts.core.CertificateVerdict;
import org.mtasts.core.DeliveryDecision;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxCertificateCheck;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.TlsOutcome;
import org.mtasts.dns.AddressAnswer;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.dns.MxAnswer;
import org.mtasts.dns.MxHost;
import org.mtasts.http.AddressFilter;
import org.mtasts.http.MtaSts;
import org.mtasts.http.PolicyResolution;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyDetails;
import org.mtasts.tlsrpt.PolicyType;

/**
 * {@code MtaSts.resolve} for every realnet domain, as a sending MTA runs it: TXT through our
 * {@code DnsjavaResolver} (Knot on port 53, authoritative only, so that we chase the CNAMEs; and
 * Unbound, recursive), the policy over HTTPS on port 443 from nginx with OkHttp resolving names
 * through the same resolver, trusting only the realnet CA, {@link AddressFilter#ANY} because
 * everything is on loopback. The verdict per domain must be the RFC's ({@link RealnetDomain}),
 * including where the peer is wrong: an invalid id is no policy, a CNAME'd record is followed. For a
 * policy, each MX host is then judged as an enforcing sender does: not listed (RFC 8461 §4.1), or
 * asked for STARTTLS on Postfix and its certificate checked (§4.2).
 */
class MtaStsRealnetIT {

    /** The two DNS set-ups: the sender talks to an authoritative server, or to a recursive one. */
    enum Dns {
        KNOT, UNBOUND
    }

    private static final Duration MX_TIMEOUT = Duration.ofSeconds(5);
    private static Realnet realnet;
    private static final List<MtaSts> OPEN = new ArrayList<>();
    private static final Map<Dns, DnsjavaResolver> RESOLVERS = new EnumMap<>(Dns.class);
    private static final Map<Dns, OkHttpClient> CLIENTS = new EnumMap<>(Dns.class);

    /** Per test, so that a missing realnet shows as skipped tests with the reason (not as zero tests). */
    @BeforeEach
    void locate() {
        realnet = Realnet.get();
    }

    @AfterAll
    static void close() {
        OPEN.forEach(MtaSts::close);
        for (OkHttpClient client : CLIENTS.values()) {   // ours, not the senders': release it here
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    static Stream<Arguments> domains() {
        List<Arguments> all = new ArrayList<>();
        for (Dns dns : Dns.values()) {
            for (RealnetDomain d : RealnetDomain.values()) {
                all.add(Arguments.of(dns, d));
            }
        }
        return all.stream();
    }

    private static synchronized DnsjavaResolver resolver(Dns dns) {
        return RESOLVERS.computeIfAbsent(dns,
                d -> realnet.resolver(d == Dns.KNOT ? realnet.authoritativeDns() : realnet.recursiveDns()));
    }

    /** The application's HTTP client: names resolved through the same DNS server as the TXT records. */
    private static synchronized OkHttpClient client(Dns dns) {
        return CLIENTS.computeIfAbsent(dns, d -> new OkHttpClient.Builder().dns(Realnet.okHttpDns(resolver(d))).build());
    }

    /** A fresh sender (empty policy cache) per case, so that each verdict comes from DNS and a fetch. */
    private static MtaSts sender(Dns dns) {
        DnsjavaResolver resolver = resolver(dns);
        List<String> hosts = new ArrayList<>();
        for (RealnetDomain d : RealnetDomain.values()) {
            hosts.add(d.domain().policyHost());
        }
        MtaSts sts = MtaSts.builder()
                .txtResolver(resolver)
                .client(client(dns))
                .trustManager(realnet.trustManager())
                .addressOverrides(realnet.httpsOverrides(resolver, hosts))   // empty where 443 is bound
                .addressFilter(AddressFilter.ANY)                           // realnet is all loopback
                .proactiveRefresh(false)
                .build();
        synchronized (OPEN) {
            OPEN.add(sts);
        }
        return sts;
    }

    /** Our resolution, in the table's terms. */
    static Verdict verdict(PolicyResolution r) {
        if (r instanceof PolicyResolution.Active active) {
            return Verdict.policy(active.policy().mode(), active.fresh() ? "fetched" : "cached");
        }
        if (r instanceof PolicyResolution.NoPolicy none) {
            switch (none.reason()) {
                case NO_RECORD:
                case MULTIPLE_RECORDS:
                case INVALID_RECORD:
                    return Verdict.none(none.reason().code());
                default:
                    return Verdict.fetchError(none.policyFailure().map(FailureDetails::failureReasonCode)
                            .orElse(none.reason().code()));
            }
        }
        PolicyResolution.TemporaryFailure failure = (PolicyResolution.TemporaryFailure) r;
        return new Verdict(Verdict.Outcome.NO_USABLE_POLICY, null, "temporary " + failure.reason().code()
                + ": " + failure.detail());
    }

    @ParameterizedTest(name = "{1} via {0}: the RFC''s verdict")
    @MethodSource("domains")
    @DisplayName("RFC 8461 §3, §5: MtaSts.resolve against the real servers gives the RFC's verdict per domain")
    void resolvesLikeTheRfc(Dns dns, RealnetDomain d) {
        DnsjavaResolver resolver = resolver(dns);
        MtaSts sts = sender(dns);
        PolicyResolution r = sts.resolve(d.domain());
        Verdict ours = verdict(r);
        System.out.println(d + " via " + dns + ": " + ours + " (RFC: " + d.rfc() + "; peer: " + d.peerRecursive().peerWords()
                + " via Unbound, " + d.peerAuthoritative().peerWords() + " via Knot)");
        assertThat(ours).as("%s: %s", d, r).isEqualTo(d.ours());
        assertThat(ours.sameOutcome(d.rfc())).as("%s: ours %s, RFC %s", d, ours, d.rfc()).isTrue();
        checkReportFacts(d, r);
        if (r instanceof PolicyResolution.Active active) {
            checkMxHosts(d, resolver, active.policy());
            // RFC 8461 §3.1, §5.1: the same id and an unexpired policy: served from the cache, no fetch.
            PolicyResolution again = sts.resolve(d.domain());
            assertThat(verdict(again)).as("%s asked again", d).isEqualTo(Verdict.policy(active.policy().mode(), "cached"));
            assertThat(((PolicyResolution.Active) again).cached()).isEqualTo(active.cached());
        }
    }

    /** RFC 8460 §4.4, RFC 8461 §6: what the sender reports about the policy. */
    private static void checkReportFacts(RealnetDomain d, PolicyResolution r) {
        PolicyDetails reported = r.reportedPolicy();
        assertThat(reported.policyDomain()).isEqualTo(d.domain().ascii());
        switch (d.ours().outcome()) {
            case POLICY:
                assertThat(r.policyFailure()).as("%s: %s", d, r).isEmpty();
                StsPolicy applied = r.policyToApply().orElseThrow();
                if (applied.mode() == PolicyMode.NONE) {
                    assertThat(reported.policyType()).isEqualTo(PolicyType.NO_POLICY_FOUND);
                } else {
                    assertThat(reported.policyType()).isEqualTo(PolicyType.STS);
                    List<String> patterns = new ArrayList<>();
                    applied.mx().forEach(p -> patterns.add(p.toText()));
                    assertThat(reported.mxHosts()).isEqualTo(patterns);
                    // RFC 8460 §4.5: the policy's lines, without terminators, CRLF ones too.
                    assertThat(reported.policyStrings()).startsWith("version: STSv1");
                    assertThat(String.join("\n", reported.policyStrings())).doesNotContain("\r");
                }
                break;
            case NO_POLICY:
                assertThat(reported.policyType()).isEqualTo(PolicyType.NO_POLICY_FOUND);
                assertThat(r.policyFailure()).as("%s: %s", d, r).isEmpty();
                break;
            case NO_USABLE_POLICY:
                // RFC 8461 §6 / RFC 8460 §4.3.2.2: a failed fetch is reported with the policy type sts.
                assertThat(reported.policyType()).isEqualTo(PolicyType.STS);
                FailureDetails failure = r.policyFailure().orElseThrow();
                assertThat(failure.failureReasonCode()).isEqualTo(d.ours().code());
                ResultType expected = d.ours().code().startsWith("certificate-") ? ResultType.STS_WEBPKI_INVALID
                        : d == RealnetDomain.BAD_POLICY ? ResultType.STS_POLICY_INVALID : ResultType.STS_POLICY_FETCH_ERROR;
                assertThat(failure.resultType()).as("%s", d).isEqualTo(expected);
                break;
            default:
                throw new AssertionError(d.ours());
        }
    }

    /**
     * RFC 8461 §4, §5: each MX host of the domain as an enforcing sender treats it: matched against
     * the policy (§4.1); if it matches, resolved through the same DNS server, asked for STARTTLS on
     * realnet's SMTP port with its name as SNI, and its certificate checked against the realnet CA
     * (§4.2).
     */
    private static void checkMxHosts(RealnetDomain d, DnsjavaResolver resolver, StsPolicy policy) {
        MxAnswer answer = resolver.resolveMx(d.domain());
        assertThat(answer).as("MX of %s", d).isInstanceOf(MxAnswer.Hosts.class);
        for (MxHost mx : ((MxAnswer.Hosts) answer).hosts()) {
            DomainName host = mx.host();
            if (policy.mode() == PolicyMode.NONE) {
                assertThat(DeliveryDecision.decide(policy, host, TlsOutcome.secured()).verdict())
                        .isEqualTo(DeliveryDecision.Verdict.DELIVER);
                continue;
            }
            boolean match = policy.matches(host);
            assertThat(match).as("%s: MX %s matches %s", d, host, policy.mx())
                    .isEqualTo(d.mx() != RealnetDomain.Mx.NOT_IN_POLICY);
            if (!match) {
                // mx-mismatch.test: an enforcing sender must not deliver to this MX (RFC 8461 §4.1, §5).
                DeliveryDecision decision = DeliveryDecision.decide(policy, host, TlsOutcome.secured());
                assertThat(DeliveryDecision.mayConnect(policy, host)).isFalse();
                assertThat(decision.verdict()).isEqualTo(DeliveryDecision.Verdict.REFUSE);
                assertThat(decision.resultType()).isEqualTo(ResultType.VALIDATION_FAILURE);
                assertThat(decision.failureReasonCode()).isEqualTo(DeliveryDecision.REASON_MX_MISMATCH);
                continue;
            }
            assertThat(DeliveryDecision.mayConnect(policy, host)).isTrue();
            CertificateVerdict certificate = mxCertificate(resolver, host);
            DeliveryDecision decision = DeliveryDecision.decide(policy, host, TlsOutcome.of(certificate));
            System.out.println("  MX " + host + ": " + certificate + " -> " + decision.verdict());
            if (d.mx() == RealnetDomain.Mx.CERTIFICATE_HOST_MISMATCH) {
                // bad-mx-cert.test: the certificate names www.example.test; enforce refuses the MX (§4.2, §5).
                assertThat(certificate).as("%s: MX %s", d, host).isInstanceOf(CertificateVerdict.Invalid.class);
                assertThat(((CertificateVerdict.Invalid) certificate).failureReasonCode())
                        .isEqualTo(MxCertificateCheck.REASON_HOST_MISMATCH);
                assertThat(policy.mode()).isEqualTo(PolicyMode.ENFORCE);
                assertThat(decision.verdict()).as("%s: MX %s", d, host).isEqualTo(DeliveryDecision.Verdict.REFUSE);
                assertThat(decision.resultType()).isEqualTo(ResultType.CERTIFICATE_HOST_MISMATCH);
            } else {
                assertThat(certificate).as("%s: MX %s", d, host).isInstanceOf(CertificateVerdict.Valid.class);
                assertThat(decision.verdict()).as("%s: MX %s", d, host).isEqualTo(DeliveryDecision.Verdict.DELIVER);
            }
        }
    }

    /** STARTTLS to the MX host at the address the sender's DNS gives, then the RFC 8461 §4.2 check. */
    private static CertificateVerdict mxCertificate(DnsjavaResolver resolver, DomainName host) {
        AddressAnswer address = resolver.resolveAddresses(host);
        assertThat(address).as("A of %s", host).isInstanceOf(AddressAnswer.Addresses.class);
        InetSocketAddress smtp = new InetSocketAddress(((AddressAnswer.Addresses) address).addresses().get(0),
                realnet.smtp().getPort());
        TlsProbe.Result probe = TlsProbe.smtp(host.ascii(), smtp, MX_TIMEOUT, "it.mtasts.test");
        assertThat(probe.outcome()).as("STARTTLS to %s at %s: %s %s", host, smtp, probe.detail(), probe.transcript())
                .isEqualTo(TlsProbe.Outcome.SECURED);
        return MxCertificateCheck.builder().trustManager(realnet.trustManager()).clock(Clock.systemUTC()).build()
                .check(host, probe.chain());
    }

    static Stream<Arguments> policyDomains() {
        return domains().filter(a -> ((RealnetDomain) a.get()[1]).ours().outcome() == Verdict.Outcome.POLICY);
    }

    @ParameterizedTest(name = "{1} via {0}")
    @MethodSource("policyDomains")
    @DisplayName("RFC 8461 §3.1: the record id in use is the one published (CNAME: the target's id)")
    void usesThePublishedId(Dns dns, RealnetDomain d) {
        PolicyResolution.Active active = (PolicyResolution.Active) sender(dns).resolve(d.domain());
        String expected = switch (d) {
            case TESTING -> "20240101T000001";
            case NONE_MODE -> "20240101T000002";
            case SPLIT_TXT -> "20240101T000003";
            case MIXED_TXT -> "20240101T000004";
            case DANE -> "20240101T000007";
            default -> "20240101T000000";   // cname-sts.test: example.test's record, through the CNAME
        };
        assertThat(active.cached().recordId()).as("%s", d).isEqualTo(expected);
    }
}
