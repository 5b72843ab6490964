package org.mtasts.tlsrpt;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxPattern;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.StsPolicy;

/**
 * The {@code policy} object of a report (RFC 8460 §4.4): which policy the sender applied to the
 * sessions counted with it.
 *
 * <p>{@code policyStrings} is the policy as the sender saw it: for {@code sts} one element per line
 * of the policy file (RFC 8460 §4.5, errors included as served), for {@code tlsa} one element per
 * TLSA record in presentation form. {@code mxHosts} is the policy's {@code mx} patterns (RFC 8460
 * §4.4, erratum 6241: an array). Values read from a report are kept exactly as received; the factory
 * methods, which a sender uses, write A-labels (RFC 8460 §4.4).
 *
 * <pre>{@code
 * PolicyDetails sts = PolicyDetails.sts(DomainName.of("example.com"),
 *         "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n");
 * PolicyDetails none = PolicyDetails.noPolicyFound(DomainName.of("example.org"));
 * if (received.policyType() == PolicyType.UNKNOWN) {
 *     System.out.println("unknown policy type " + received.policyTypeToken());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param policyType the type
 * @param policyTypeToken the {@code policy-type} token as received ({@code policyType.token()} unless
 *     the type is {@link PolicyType#UNKNOWN})
 * @param policyStrings {@code policy-string}, empty when absent
 * @param policyDomain {@code policy-domain}, or null when the sender left it out
 * @param mxHosts {@code mx-host}, empty when absent
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 * @since 0.1
 */
public record PolicyDetails(PolicyType policyType, String policyTypeToken, List<String> policyStrings,
        @Nullable String policyDomain, List<String> mxHosts) {

    /**
     * Checks that the type and its token agree, and copies the lists.
     *
     * @param policyType the type
     * @param policyTypeToken the {@code policy-type} token as received ({@code policyType.token()} unless
     *     the type is {@link PolicyType#UNKNOWN})
     * @param policyStrings {@code policy-string}, empty when absent
     * @param policyDomain {@code policy-domain}, or null when the sender left it out
     * @param mxHosts {@code mx-host}, empty when absent
     */
    public PolicyDetails {
        Objects.requireNonNull(policyType, "policyType");
        Objects.requireNonNull(policyTypeToken, "policyTypeToken");
        policyStrings = List.copyOf(policyStrings);
        mxHosts = List.copyOf(mxHosts);
        if (PolicyType.fromToken(policyTypeToken) != policyType) {
            throw new IllegalArgumentException("policy type " + policyType + " does not match token "
                    + Texts.quote(policyTypeToken));
        }
    }

    /**
     * Returns whether the other object is a {@code PolicyDetails} with equal components, as a
     * record's {@code equals} does, but comparing the lists element by element by index: the
     * generated one compares lists with an iterator, which allocates on the aggregator's hot path.
     */
    @Override
    public boolean equals(@Nullable Object o) {
        if (o == this) {
            return true;
        }
        return o instanceof PolicyDetails other && policyType == other.policyType
                && policyTypeToken.equals(other.policyTypeToken) && Objects.equals(policyDomain, other.policyDomain)
                && sameStrings(policyStrings, other.policyStrings) && sameStrings(mxHosts, other.mxHosts);
    }

    /** Returns a hash of the components, consistent with {@link #equals}; allocation-free. */
    @Override
    public int hashCode() {
        int h = policyTypeToken.hashCode();
        h = 31 * h + Objects.hashCode(policyDomain);
        h = 31 * h + policyStrings.hashCode(); // immutable copies: hashed by index, no iterator
        return 31 * h + mxHosts.hashCode();
    }

    /** Compares two immutable, null-free lists (the compact constructor copies them) by index. */
    private static boolean sameStrings(List<String> a, List<String> b) {
        int n = a.size();
        if (n != b.size()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!a.get(i).equals(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns the details of a policy with a known type.
     *
     * @param type {@code STS}, {@code TLSA} or {@code NO_POLICY_FOUND}
     * @param policyStrings the policy strings
     * @param policyDomain the policy domain (written in A-labels)
     * @param mxHosts the mx patterns
     * @return the details
     */
    public static PolicyDetails of(PolicyType type, List<String> policyStrings, DomainName policyDomain,
            List<String> mxHosts) {
        return new PolicyDetails(type, type.token(), policyStrings, policyDomain.ascii(), mxHosts);
    }

    /**
     * Returns the {@code policy} object a sender reports for the sessions it makes under a policy:
     * for mode {@code enforce} or {@code testing}, type {@code sts} with the policy's lines as
     * served as {@code policy-string} and its patterns as {@code mx-host} (RFC 8460 §4.4, §4.5); for
     * mode {@code none}, {@code no-policy-found}, because a sender treats such a domain as having no
     * active policy (RFC 8461 §5). This is the one place where a sender's policy object is made.
     *
     * @param policy the cached policy the sender applies
     * @return the details
     */
    public static PolicyDetails applied(CachedPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        if (policy.policy().mode() == PolicyMode.NONE) {
            // SPEC: RFC 8461 §5: mode none behaves as if there were no policy; RFC 8460 §4.4 does not
            // say which type to report, and no-policy-found says what the sender did (as mox reports it).
            return noPolicyFound(policy.domain());
        }
        return of(PolicyType.STS, policyLines(policy.text()), policy.domain(), patterns(policy.policy().mx()));
    }

    /**
     * Returns the {@code policy} object of an MTA-STS policy from its body as served: {@code
     * policy-string} is its lines (RFC 8460 §4.5), {@code mx-host} its patterns.
     *
     * @param policyDomain the recipient domain that published the policy
     * @param policyText the policy body, exactly as served (LF or CRLF line ends)
     * @return the details
     * @throws IllegalArgumentException if the text is not a valid policy (RFC 8461 §3.2); use {@link
     *     #stsFailure} for a policy that could not be used
     */
    public static PolicyDetails sts(DomainName policyDomain, String policyText) {
        Objects.requireNonNull(policyDomain, "policyDomain");
        StsPolicy policy = StsPolicy.parse(Objects.requireNonNull(policyText, "policyText")).orElseThrow();
        return of(PolicyType.STS, policyLines(policyText), policyDomain, patterns(policy.mx()));
    }

    /**
     * Returns the {@code policy} object for a domain whose MTA-STS record is valid but whose policy
     * could not be fetched or is invalid, with no cached policy to apply (RFC 8461 §3.3, §6): type
     * {@code sts}, the body's lines as served if there was one (errors included, RFC 8460 §4.5),
     * no {@code mx-host}.
     *
     * @param policyDomain the recipient domain
     * @param servedText the invalid body as served, or null when none was received
     * @return the details
     */
    public static PolicyDetails stsFailure(DomainName policyDomain, @Nullable String servedText) {
        return of(PolicyType.STS, servedText == null ? List.of() : policyLines(servedText), policyDomain, List.of());
    }

    /**
     * Splits a policy body into its lines without terminators (LF or CRLF), as RFC 8460 §4.5 lists
     * them in {@code policy-string}; a last line without a terminator is kept.
     *
     * @param text the body
     * @return the lines
     */
    public static List<String> policyLines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = text.length();
        while (start < n) {
            int lf = text.indexOf('\n', start);
            int end = lf < 0 ? n : lf;
            int cut = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            out.add(text.substring(start, cut));
            start = end + 1;
        }
        return out;
    }

    private static List<String> patterns(List<MxPattern> mx) {
        List<String> out = new ArrayList<>(mx.size());
        for (MxPattern p : mx) {
            out.add(p.toText());
        }
        return out;
    }

    /**
     * Returns the details of a TLSA policy (RFC 8460 §4.4).
     *
     * @param tlsaBaseDomain the TLSA base domain (the MX host, RFC 8460 §1.1)
     * @param records each TLSA record as {@code "usage selector mtype data"}
     * @return the details
     */
    public static PolicyDetails tlsa(DomainName tlsaBaseDomain, List<String> records) {
        return of(PolicyType.TLSA, records, tlsaBaseDomain, List.of());
    }

    /**
     * Returns the details for a domain that has no policy (RFC 8460 §4.4 {@code no-policy-found}).
     *
     * @param policyDomain the recipient domain
     * @return the details
     */
    public static PolicyDetails noPolicyFound(DomainName policyDomain) {
        return of(PolicyType.NO_POLICY_FOUND, List.of(), policyDomain, List.of());
    }
}
