package org.mtasts.postfix;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxPattern;
import org.mtasts.core.ParseResult;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.StsPolicy;
import org.mtasts.dns.DaneAnswer;
import org.mtasts.http.PolicyResolution;

/**
 * Turns what we know about a domain into the socketmap answer Postfix applies (README, "Postfix
 * policy server", has the table). Stateless.
 */
final class PolicyAnswers {

    private PolicyAnswers() {}

    /** The kinds of answers, for the metrics. */
    enum Kind {
        OK_SECURE("ok_secure"), OK_DANE("ok_dane"), NOTFOUND("notfound"), TEMP("temp"), PERM("perm");

        final String tag;

        Kind(String tag) {
            this.tag = tag;
        }

        static Kind of(SocketmapReply reply) {
            return switch (reply.status()) {
                case OK -> reply.data().startsWith("dane") ? OK_DANE : OK_SECURE;
                case NOTFOUND -> NOTFOUND;
                case TEMP, TIMEOUT -> TEMP;
                case PERM -> PERM;
            };
        }
    }

    /**
     * Returns the policy domain of a lookup key, or null when the key is not one MTA-STS applies
     * to: address literals ({@code [192.0.2.1]}), bracketed next hops ({@code [mx.example.com]},
     * no MX lookup, RFC 8461 §1.1 applies to MX-based delivery), {@code host:port} next hops,
     * {@code .parent} lookups (Postfix's parent-domain matching) and anything that is not a valid
     * domain name. IP addresses without brackets are not domains either.
     */
    static @Nullable DomainName domainOf(String key) {
        String k = key.strip();
        if (k.isEmpty() || k.startsWith("[") || k.startsWith(".") || k.indexOf(':') >= 0 || k.indexOf('@') >= 0
                || k.indexOf(' ') >= 0) {
            return null;
        }
        if (k.endsWith(".")) {
            k = k.substring(0, k.length() - 1);
        }
        if (k.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return null; // a bare IPv4 address
        }
        ParseResult<DomainName> parsed = DomainName.parse(k.toLowerCase(Locale.ROOT));
        return parsed instanceof ParseResult.Valid<DomainName> v ? v.value() : null;
    }

    /**
     * The answer for a domain: DANE first, then the MTA-STS policy that applies.
     *
     * @param config the server configuration
     * @param zone the zone of the request
     * @param resolution the MTA-STS resolution
     * @param dane the DANE answer, or null when DANE is off
     */
    static SocketmapReply answer(PostfixConfig config, PostfixConfig.Zone zone, PolicyResolution resolution,
            @Nullable DaneAnswer dane) {
        if (dane instanceof DaneAnswer.Usable usable) {
            // RFC 8461 §2: a passing MTA-STS check must not override a failing DANE check, so the
            // domain goes to Postfix's DANE; every MX host with TLSA records: dane-only.
            return SocketmapReply.ok(usable.allHosts() ? "dane-only" : "dane");
        }
        Optional<StsPolicy> policy = resolution.policyToApply();
        if (policy.isEmpty()) {
            if (resolution.policyUnknown() && config.onTemporaryFailure() == PostfixConfig.OnTemporaryFailure.TEMP) {
                PolicyResolution.TemporaryFailure t = (PolicyResolution.TemporaryFailure) resolution;
                return SocketmapReply.temp("MTA-STS policy of " + resolution.domain() + " unknown: "
                        + t.reason().code() + ": " + t.detail());
            }
            return SocketmapReply.notFound();
        }
        StsPolicy p = policy.get();
        if (p.mode() == PolicyMode.NONE || (p.mode() == PolicyMode.TESTING && !zone.strictTesting())) {
            return SocketmapReply.notFound(); // RFC 8461 §5: testing delivers as without a policy
        }
        StringBuilder b = new StringBuilder("secure match=");
        for (int i = 0; i < p.mx().size(); i++) {
            if (i > 0) {
                b.append(':');
            }
            b.append(matchPattern(p.mx().get(i)));
        }
        if (zone.requireSni()) {
            b.append(" servername=hostname"); // RFC 8461 §4.2 (RFC 6066 SNI): the MX host name
        }
        if (zone.tlsrpt()) {
            appendTlsrpt(b, resolution.domain(), p, resolution);
        }
        String data = b.toString();
        int wire = data.getBytes(StandardCharsets.UTF_8).length + 3 + 12;
        if (wire > config.maxReplySize()) {
            // Postfix would refuse a longer reply; deferring is the safe answer for an enforced policy.
            return SocketmapReply.temp("the policy of " + resolution.domain() + " gives an answer of " + wire
                    + " bytes, more than max_reply_size " + config.maxReplySize());
        }
        return SocketmapReply.ok(data);
    }

    /**
     * A policy's {@code mx} pattern as a Postfix {@code match=} pattern: the name itself, or for
     * {@code *.example.com} the Postfix form {@code .example.com}, which matches names any number
     * of labels deep (looser than RFC 8461 §4.1's one label; Postfix has no one-label form).
     */
    static String matchPattern(MxPattern pattern) {
        return pattern.wildcard() ? "." + pattern.domain().ascii() : pattern.domain().ascii();
    }

    /**
     * The TLSRPT attributes of Postfix 3.10 and later (Postfix TLSRPT_README, "MTA-STS support via
     * smtp_tls_policy_maps"): {@code policy_type=sts}, {@code policy_domain}, one {@code
     * mx_host_pattern} per {@code mx} line and one {@code policy_string} per policy line; a value
     * with spaces is written {@code { name = value }}. Lines with braces cannot be written so, and
     * are left out with all the policy strings.
     */
    private static void appendTlsrpt(StringBuilder b, DomainName domain, StsPolicy policy, PolicyResolution r) {
        b.append(" policy_type=sts policy_domain=").append(domain.ascii());
        for (MxPattern mx : policy.mx()) {
            b.append(" mx_host_pattern=").append(mx.wildcard() ? "*." + mx.domain().ascii() : mx.domain().ascii());
        }
        var lines = r.reportedPolicy().policyStrings();
        for (String line : lines) {
            if (line.indexOf('{') >= 0 || line.indexOf('}') >= 0 || !printable(line)) {
                return;
            }
        }
        for (String line : lines) {
            b.append(" { policy_string = ").append(line.strip()).append(" }");
        }
    }

    private static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return false;
            }
        }
        return true;
    }
}
