package org.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.StsPolicy;
import org.mtasts.dns.DaneAnswer;
import org.mtasts.dns.MxAnswer;
import org.mtasts.dns.MxHost;
import org.mtasts.http.PolicyResolution;
import org.mtasts.tlsrpt.PolicyDetails;

/** The answer mapping: every resolution, mode, zone setting and DANE outcome. */
class PolicyAnswersTest {
    static final DomainName D = DomainName.of("example.com");
    static final PostfixConfig CONFIG = PostfixConfig.defaults();
    static final PostfixConfig.Zone ZONE = CONFIG.defaultZone();
    static final PostfixConfig.Zone STRICT = new PostfixConfig.Zone(true, Duration.ofSeconds(20), true, false);

    static CachedPolicy cached(String body) {
        StsPolicy p = StsPolicy.parse(body).orElseThrow();
        return CachedPolicy.of(D, "1", p, body, Instant.parse("2026-12-01T00:00:00Z"));
    }

    static PolicyResolution active(String mode, String... mx) {
        StringBuilder body = new StringBuilder("version: STSv1\nmode: " + mode + "\n");
        for (String m : mx) {
            body.append("mx: ").append(m).append('\n');
        }
        body.append("max_age: 86400\n");
        return new PolicyResolution.Active(cached(body.toString()), false);
    }

    static String answer(PostfixConfig.Zone zone, PolicyResolution r) {
        return PolicyAnswers.answer(CONFIG, zone, r, null).toText();
    }

    @Test
    void enforceIsSecureWithTheMxPatternsAndSni_rfc8461Section4() {
        assertThat(answer(ZONE, active("enforce", "mx1.example.com", "*.mail.example.com")))
                .isEqualTo("OK secure match=mx1.example.com:.mail.example.com servername=hostname");
        assertThat(answer(new PostfixConfig.Zone(false, Duration.ofSeconds(1), false, false),
                active("enforce", "mx1.example.com"))).isEqualTo("OK secure match=mx1.example.com");
    }

    @Test
    void testingAndNoneAreNotFoundUnlessStrictTesting_rfc8461Section5() {
        assertThat(answer(ZONE, active("testing", "mx1.example.com"))).isEqualTo("NOTFOUND ");
        assertThat(answer(STRICT, active("testing", "mx1.example.com")))
                .isEqualTo("OK secure match=mx1.example.com servername=hostname");
        assertThat(answer(STRICT, active("none", "mx1.example.com"))).isEqualTo("NOTFOUND ");
    }

    @Test
    void noPolicyIsNotFound() {
        PolicyResolution none = new PolicyResolution.NoPolicy(D, PolicyResolution.Reason.NO_RECORD, "no record",
                PolicyDetails.noPolicyFound(D), Optional.empty());
        assertThat(answer(ZONE, none)).isEqualTo("NOTFOUND ");
    }

    @Test
    void anUnknownPolicyIsTempOrNotFoundAsConfigured() {
        PolicyResolution unknown = new PolicyResolution.TemporaryFailure(D, PolicyResolution.Reason.DNS_FAILURE,
                "SERVFAIL", Optional.empty(), Optional.empty());
        assertThat(answer(ZONE, unknown)).isEqualTo(
                "TEMP MTA-STS policy of example.com unknown: dns-temporary-failure: SERVFAIL");
        PostfixConfig lenient = PostfixConfig.parse("on_temporary_failure: notfound\n");
        assertThat(PolicyAnswers.answer(lenient, ZONE, unknown, null).toText()).isEqualTo("NOTFOUND ");
    }

    @Test
    void aTemporaryFailureWithACachedPolicyAppliesIt_rfc8461Section5_1() {
        PolicyResolution fallback = new PolicyResolution.TemporaryFailure(D, PolicyResolution.Reason.FETCH_FAILED,
                "timeout", Optional.of(cached("version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n")),
                Optional.empty());
        assertThat(answer(ZONE, fallback)).isEqualTo("OK secure match=mx1.example.com servername=hostname");
    }

    @Test
    void daneComesFirst_rfc8461Section2() {
        PolicyResolution enforce = active("enforce", "mx1.example.com");
        DomainName mx1 = DomainName.of("mx1.example.com");
        DomainName mx2 = DomainName.of("mx2.example.com");
        assertThat(PolicyAnswers.answer(CONFIG, ZONE, enforce, new DaneAnswer.Usable(List.of(mx1), List.of(mx1)))
                .toText()).isEqualTo("OK dane-only");
        assertThat(PolicyAnswers.answer(CONFIG, ZONE, enforce, new DaneAnswer.Usable(List.of(mx1, mx2), List.of(mx1)))
                .toText()).isEqualTo("OK dane");
        assertThat(PolicyAnswers.answer(CONFIG, ZONE, enforce, new DaneAnswer.NotUsable("no TLSA")).toText())
                .startsWith("OK secure");
        assertThat(PolicyAnswers.answer(CONFIG, ZONE, enforce, new DaneAnswer.TemporaryFailure("timeout")).toText())
                .startsWith("OK secure");
    }

    @Test
    void tlsrptAttributesForPostfix3_10() {
        PostfixConfig.Zone tlsrpt = new PostfixConfig.Zone(false, Duration.ofSeconds(20), true, true);
        assertThat(answer(tlsrpt, active("enforce", "mx1.example.com", "*.example.net"))).isEqualTo(
                "OK secure match=mx1.example.com:.example.net servername=hostname"
                        + " policy_type=sts policy_domain=example.com"
                        + " mx_host_pattern=mx1.example.com mx_host_pattern=*.example.net"
                        + " { policy_string = version: STSv1 } { policy_string = mode: enforce }"
                        + " { policy_string = mx: mx1.example.com } { policy_string = mx: *.example.net }"
                        + " { policy_string = max_age: 86400 }");
    }

    /**
     * Splits an answer into attributes as Postfix's {@code tls_policy_lookup_one()} does
     * (src/smtp/smtp_tls_policy.c): tokens separated by commas and blanks outside braces; a token in
     * braces is unwrapped and its whitespace stripped and normalized; then split at the first
     * {@code =} with the blanks around it dropped. The first token is the level.
     */
    static List<String[]> postfixAttributes(String data) {
        List<String> tokens = new java.util.ArrayList<>();
        int i = 0;
        while (i < data.length()) {
            char c = data.charAt(i);
            if (c == ' ' || c == ',' || c == '\t') {
                i++;
            } else if (c == '{') {
                int end = data.indexOf('}', i);
                assertThat(end).as("a closing brace in %s", data).isPositive();
                tokens.add(data.substring(i + 1, end).strip().replaceAll("\\s+", " "));
                i = end + 1;
            } else {
                int end = i;
                while (end < data.length() && " ,\t".indexOf(data.charAt(end)) < 0) {
                    end++;
                }
                tokens.add(data.substring(i, end));
                i = end;
            }
        }
        List<String[]> out = new java.util.ArrayList<>();
        out.add(new String[] {"level", tokens.get(0)});
        for (String t : tokens.subList(1, tokens.size())) {
            int eq = t.indexOf('=');
            assertThat(eq).as("name=value in %s", t).isPositive();
            out.add(new String[] {t.substring(0, eq).strip(), t.substring(eq + 1).strip()});
        }
        return out;
    }

    @Test
    void tlsrptAttributesReadAsPostfixReadsThem() {
        PostfixConfig.Zone tlsrpt = new PostfixConfig.Zone(false, Duration.ofSeconds(20), true, true);
        String data = PolicyAnswers.answer(CONFIG, tlsrpt, active("enforce", "mx1.example.com", "*.example.net"), null)
                .data();
        assertThat(postfixAttributes(data)).extracting(a -> a[0] + "|" + a[1]).containsExactly(
                "level|secure", "match|mx1.example.com:.example.net", "servername|hostname", "policy_type|sts",
                "policy_domain|example.com", "mx_host_pattern|mx1.example.com", "mx_host_pattern|*.example.net",
                "policy_string|version: STSv1", "policy_string|mode: enforce", "policy_string|mx: mx1.example.com",
                "policy_string|mx: *.example.net", "policy_string|max_age: 86400");
    }

    static final DomainName MX1 = DomainName.of("mx1.example.com");

    static MxAnswer.Hosts mx(String... hosts) {
        List<MxHost> list = new java.util.ArrayList<>();
        for (int i = 0; i < hosts.length; i++) {
            list.add(new MxHost(DomainName.of(hosts[i]), 10 * (i + 1)));
        }
        return new MxAnswer.Hosts(list, List.of());
    }

    static String answer(PostfixConfig.Zone zone, PolicyResolution r, MxAnswer mx) {
        return PolicyAnswers.answer(CONFIG, zone, r, null, mx).toText();
    }

    @Test
    void noMxHostInThePolicyIsTemp_rfc8461Section4_1() {
        assertThat(answer(ZONE, active("enforce", "mx1.example.com", "*.example.net"), mx("mail.example.org", "a.b.example.net")))
                .isEqualTo("TEMP mx-not-in-policy: no MX host of example.com (mail.example.org, a.b.example.net)"
                        + " matches its MTA-STS policy (RFC 8461 section 4.1)");
        // the implicit MX (no MX records): the domain itself is the host (RFC 5321 §5.1)
        assertThat(answer(ZONE, active("enforce", "mx1.example.com"), new MxAnswer.Implicit(D)))
                .startsWith("TEMP mx-not-in-policy: no MX host of example.com (example.com) matches");
        assertThat(PolicyAnswers.Kind.of(SocketmapReply.parse(answer(ZONE, active("enforce", "mx1.example.com"),
                mx("mail.example.org"))))).isEqualTo(PolicyAnswers.Kind.TEMP_MX_NOT_IN_POLICY);
        assertThat(PolicyAnswers.Kind.of(SocketmapReply.temp("other"))).isEqualTo(PolicyAnswers.Kind.TEMP);
    }

    @Test
    void aLongMxListIsCutInTheReason_rfc8461Section4_1() {
        String[] hosts = new String[8];
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = "mail" + i + ".example.org";
        }
        assertThat(answer(ZONE, active("enforce", "mx1.example.com"), mx(hosts))).contains(
                "(mail0.example.org, mail1.example.org, mail2.example.org, mail3.example.org, mail4.example.org, and 3 more)");
    }

    @Test
    void someMxHostsInThePolicyNarrowTheMatchList_rfc8461Section4_1() {
        assertThat(answer(ZONE, active("enforce", "*.example.com"), mx("mx1.example.com", "mail.example.org",
                "mx2.example.com", "mx1.example.com")))
                .isEqualTo("OK secure match=mx1.example.com:mx2.example.com servername=hostname");
        // one-label wildcard (RFC 8461 §4.1): a.b.example.com is not in *.example.com
        assertThat(answer(ZONE, active("enforce", "*.example.com"), mx("mx1.example.com", "a.b.example.com")))
                .isEqualTo("OK secure match=mx1.example.com servername=hostname");
    }

    @Test
    void everyMxHostInThePolicyKeepsThePatterns_rfc8461Section4_1() {
        assertThat(answer(ZONE, active("enforce", "*.example.com"), mx("mx1.example.com", "mx2.example.com")))
                .isEqualTo("OK secure match=.example.com servername=hostname");
    }

    @Test
    void unknownMxHostsKeepThePatterns() {
        PolicyResolution enforce = active("enforce", "mx1.example.com");
        for (MxAnswer a : List.of(new MxAnswer.NullMx(), new MxAnswer.NoDomain(),
                new MxAnswer.TemporaryFailure("SERVFAIL", null))) {
            assertThat(answer(ZONE, enforce, a)).as("%s", a).isEqualTo("OK secure match=mx1.example.com servername=hostname");
        }
        // testing and none are not checked; strict_testing is
        assertThat(answer(ZONE, active("testing", "mx1.example.com"), mx("mail.example.org"))).isEqualTo("NOTFOUND ");
        assertThat(answer(STRICT, active("testing", "mx1.example.com"), mx("mail.example.org"))).startsWith("TEMP mx-not-in-policy");
        // DANE first: the MX check is MTA-STS's, not DANE's
        assertThat(PolicyAnswers.answer(CONFIG, ZONE, active("enforce", "mx1.example.com"),
                new DaneAnswer.Usable(List.of(MX1), List.of(MX1)), mx("mail.example.org")).toText()).isEqualTo("OK dane-only");
    }

    @Test
    void anAnswerLongerThanTheReplyLimitIsTemp() {
        PostfixConfig small = PostfixConfig.parse("max_reply_size: 100\n");
        String[] mx = new String[10];
        for (int i = 0; i < mx.length; i++) {
            mx[i] = "mx" + i + ".example.com";
        }
        assertThat(PolicyAnswers.answer(small, small.defaultZone(), active("enforce", mx), null).toText())
                .startsWith("TEMP the policy of example.com gives an answer of ");
    }

    @Test
    void keysThatAreNotDomainsAreNotLookedUp() {
        for (String key : new String[] {"[192.0.2.1]", "[mx.example.com]", "[mx.example.com]:587", ".example.com",
                "example.com:2525", "192.0.2.1", "", " ", "user@example.com", "exa mple.com", "-bad-.com"}) {
            assertThat(PolicyAnswers.domainOf(key)).as(key).isNull();
        }
        assertThat(PolicyAnswers.domainOf("Example.COM.")).isEqualTo(D);
    }
}
