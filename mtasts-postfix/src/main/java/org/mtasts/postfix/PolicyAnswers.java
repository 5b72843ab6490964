package org.mtasts.postfix;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxPattern;
import org.mtasts.core.ParseResult;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.StsPolicy;
import org.mtasts.dns.DaneAnswer;
import org.mtasts.dns.MxAnswer;
import org.mtasts.dns.MxHost;
import org.mtasts.http.PolicyResolution;

/**
 * Turns what we know about a domain into the socketmap answer Postfix applies (README, "Postfix
 * policy server", has the table). Stateless.
 */
final class PolicyAnswers {

    /** The reason code of a {@code TEMP} answer when no MX host matches the policy (RFC 8461 §4.1). */
    static final String MX_NOT_IN_POLICY = "mx-not-in-policy";

    /** At most this many MX host names in a {@code TEMP mx-not-in-policy} reason. */
    private static final int MAX_NAMED_HOSTS = 5;

    private PolicyAnswers() {}

    /** The kinds of answers, for the metrics. */
    enum Kind {
        OK_SECURE("ok_secure"), OK_DANE("ok_dane"), NOTFOUND("notfound"), TEMP("temp"),
        /** {@code TEMP mx-not-in-policy: …}: no MX host matches the enforced policy (RFC 8461 §4.1). */
        TEMP_MX_NOT_IN_POLICY("temp_mx_not_in_policy"), PERM("perm");

        final String tag;

        Kind(String tag) {
            this.tag = tag;
        }

        static Kind of(SocketmapReply reply) {
            return switch (reply.status()) {
                case OK -> reply.data().startsWith("dane") ? OK_DANE : OK_SECURE;
                case NOTFOUND -> NOTFOUND;
                case TEMP -> reply.data().startsWith(MX_NOT_IN_POLICY) ? TEMP_MX_NOT_IN_POLICY : TEMP;
                case TIMEOUT -> TEMP;
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
        return answer(config, zone, resolution, dane, null);
    }

    /**
     * Returns the policy the answer enforces ({@code enforce}, or {@code testing} in a zone with
     * {@code strict_testing}) when no DANE answer comes first: the answers that need the domain's MX
     * hosts (RFC 8461 §4.1).
     */
    static Optional<StsPolicy> enforced(PostfixConfig.Zone zone, PolicyResolution resolution, @Nullable DaneAnswer dane) {
        if (dane instanceof DaneAnswer.Usable) {
            return Optional.empty();
        }
        return resolution.policyToApply().filter(p -> p.mode() == PolicyMode.ENFORCE
                || (p.mode() == PolicyMode.TESTING && zone.strictTesting()));
    }

    /**
     * The answer for a domain: DANE first, then the MTA-STS policy that applies, checked against
     * the domain's MX hosts when they are known.
     *
     * <p>RFC 8461 §4.1 with the MX hosts ({@code mx} non-null): when no MX host matches the policy,
     * {@code TEMP mx-not-in-policy: …}, so that Postfix defers instead of delivering to a host the
     * policy does not list (Postfix's {@code match=} is a certificate check, not an MX check); when
     * some but not all match, {@code match=} lists exactly the matching MX host names, so a host
     * outside the policy must present a certificate for one of them; when all match, the policy's
     * patterns (an MX host added later and listed by the policy is then not refused). A null MX,
     * no domain or a failed MX lookup leaves the patterns: Postfix's own MX lookup decides.
     *
     * @param config the server configuration
     * @param zone the zone of the request
     * @param resolution the MTA-STS resolution
     * @param dane the DANE answer, or null when DANE is off
     * @param mx the domain's MX answer, or null when it was not looked up
     */
    static SocketmapReply answer(PostfixConfig config, PostfixConfig.Zone zone, PolicyResolution resolution,
            @Nullable DaneAnswer dane, @Nullable MxAnswer mx) {
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
        List<DomainName> hosts = mxHosts(mx);
        List<String> match = new ArrayList<>();
        if (hosts != null) {
            List<DomainName> listed = new ArrayList<>();
            for (DomainName host : hosts) {
                if (p.matches(host) && !listed.contains(host)) { // RFC 8461 §4.1: the MX host name against the patterns
                    listed.add(host);
                }
            }
            if (listed.isEmpty()) {
                // RFC 8461 §4.1: a sender MUST NOT deliver to an MX host the policy does not list;
                // TEMP makes Postfix defer ("table lookup problem") instead of trying the host.
                return SocketmapReply.temp(MX_NOT_IN_POLICY + ": no MX host of " + resolution.domain() + " ("
                        + names(hosts) + ") matches its MTA-STS policy (RFC 8461 section 4.1)"); // ASCII: Postfix logs it
            }
            if (listed.size() < hosts.size()) {
                listed.forEach(h -> match.add(h.ascii())); // only the matching hosts' names
            }
        }
        if (match.isEmpty()) {
            p.mx().forEach(pattern -> match.add(matchPattern(pattern)));
        }
        StringBuilder b = new StringBuilder("secure match=").append(String.join(":", match));
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

    /** The MX host names of an answer, or null when they are not known (no lookup, a failure, null MX, no domain). */
    private static @Nullable List<DomainName> mxHosts(@Nullable MxAnswer mx) {
        if (mx instanceof MxAnswer.Hosts found) {
            List<DomainName> hosts = new ArrayList<>();
            for (MxHost h : found.hosts()) {
                hosts.add(h.host());
            }
            return hosts;
        }
        if (mx instanceof MxAnswer.Implicit implicit) {
            return List.of(implicit.domain()); // RFC 5321 §5.1: no MX records, the domain is its own host
        }
        return null;
    }

    private static String names(List<DomainName> hosts) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < hosts.size() && i < MAX_NAMED_HOSTS; i++) {
            b.append(i > 0 ? ", " : "").append(hosts.get(i).ascii());
        }
        if (hosts.size() > MAX_NAMED_HOSTS) {
            b.append(", and ").append(hosts.size() - MAX_NAMED_HOSTS).append(" more");
        }
        return b.toString();
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
     * The TLSRPT attributes of Postfix 3.10 and later: {@code policy_type=sts}, {@code
     * policy_domain}, one {@code mx_host_pattern} per {@code mx} line (in the policy's own {@code
     * *.} form) and one {@code policy_string} per policy line; a value with spaces is written
     * {@code { name = value }}. Lines with braces cannot be written so, and are left out with all
     * the policy strings.
     *
     * <p>Checked against Postfix's source, {@code src/smtp/smtp_tls_policy.c},
     * {@code tls_policy_lookup_one()}: the answer is split into attributes at commas and spaces
     * outside braces; an attribute in braces is unwrapped with its whitespace
     * stripped and normalized, then split at the first {@code =} with the blanks around it
     * dropped, so {@code { policy_string = mode: enforce }} is the attribute {@code policy_string}
     * with the value {@code mode: enforce}; {@code policy_string} and {@code mx_host_pattern} may
     * repeat, {@code policy_type} and {@code policy_domain} (a valid host name) may not, and
     * without {@code policy_type} any of the others makes the answer invalid. Documented in
     * https://www.postfix.org/TLSRPT_README.html ("MTA-STS Support via smtp_tls_policy_maps")
     * and https://www.postfix.org/postconf.5.html#smtp_tls_policy_maps.
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
