package org.mtasts.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxPattern;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;

/**
 * What a sender puts in its TLS-RPT report about the policy of one delivery (RFC 8460 §4.4,
 * RFC 8461 §6): the {@code policy} object ({@code policy-type}, {@code policy-domain}, {@code
 * policy-string}, {@code mx-host}) and, when discovery or fetch failed, the {@code result-type}
 * and {@code failure-reason-code} of a failure detail. Plain values, so that this module does not
 * depend on {@code mtasts-tlsrpt}.
 *
 * <p>When a cached policy is applied because something failed (RFC 8461 §3.3, §5.1), the report
 * describes the cached policy, the result type is that of the failure, and the reason code ends in
 * {@code +fallback-to-cached-policy}, as mox writes it.
 *
 * <pre>{@code
 * TlsRptFacts facts = sts.resolve(domain).tlsRpt();
 * aggregator.policy(facts.policyType(), facts.policyDomain().ascii(), facts.policyString(), facts.mxHost());
 * if (facts.resultType() != null) {
 *     aggregator.failure(facts.resultType(), facts.failureReasonCode());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param policyType {@link #POLICY_TYPE_STS} or {@link #POLICY_TYPE_NO_POLICY_FOUND}
 * @param policyDomain the policy domain (A-labels)
 * @param policyString the policy's lines as served, without line terminators (RFC 8460 §4.5);
 *     empty when there is none
 * @param mxHost the policy's {@code mx} patterns; empty when there is no policy
 * @param resultType the result type of a discovery or fetch failure, or null when nothing failed
 * @param failureReasonCode the failure-reason code, or null when nothing failed
 * @param fallbackToCachedPolicy whether a cached policy is applied because of that failure
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 */
public record TlsRptFacts(String policyType, DomainName policyDomain, List<String> policyString, List<String> mxHost,
        @Nullable ResultType resultType, @Nullable String failureReasonCode, boolean fallbackToCachedPolicy) {

    /** The {@code policy-type} of an MTA-STS policy (RFC 8460 §4.4). */
    public static final String POLICY_TYPE_STS = "sts";

    /** The {@code policy-type} when no policy applies (RFC 8460 §4.4). */
    public static final String POLICY_TYPE_NO_POLICY_FOUND = "no-policy-found";

    /** The suffix of the reason code when a cached policy is applied because of a failure. */
    public static final String FALLBACK_MARKER = "fallback-to-cached-policy";

    /** Validates and copies the components. */
    public TlsRptFacts {
        Objects.requireNonNull(policyType, "policyType");
        Objects.requireNonNull(policyDomain, "policyDomain");
        policyString = List.copyOf(policyString);
        mxHost = List.copyOf(mxHost);
        if (!policyType.equals(POLICY_TYPE_STS) && !policyType.equals(POLICY_TYPE_NO_POLICY_FOUND)) {
            throw new IllegalArgumentException("policyType '" + Printable.of(policyType) + "' is not sts or no-policy-found");
        }
        if ((resultType == null) != (failureReasonCode == null)) {
            throw new IllegalArgumentException("resultType and failureReasonCode are set together");
        }
        if (fallbackToCachedPolicy && resultType == null) {
            throw new IllegalArgumentException("a fallback to the cached policy needs the failure's result type");
        }
    }

    /** Returns whether a failure detail should be reported for this delivery's policy. */
    public boolean hasFailure() {
        return resultType != null;
    }

    /** Facts for an active policy: nothing failed. */
    static TlsRptFacts active(CachedPolicy cached) {
        if (cached.policy().mode() == PolicyMode.NONE) {
            // SPEC: RFC 8461 §5 says mode none behaves as if there were no policy; like mox we
            // report it as no-policy-found (RFC 8460 does not say).
            return noPolicy(cached.domain());
        }
        return new TlsRptFacts(POLICY_TYPE_STS, cached.domain(), lines(cached.text()), patterns(cached.policy().mx()),
                null, null, false);
    }

    /** Facts for a cached policy applied because of a failure (RFC 8461 §6, RFC 8460 §4.3.2.2). */
    static TlsRptFacts fallback(CachedPolicy cached, ResultType resultType, String code) {
        return new TlsRptFacts(POLICY_TYPE_STS, cached.domain(), lines(cached.text()), patterns(cached.policy().mx()),
                resultType, code + "+" + FALLBACK_MARKER, true);
    }

    /** Facts for a valid record whose policy could not be fetched or parsed, and no cache. */
    static TlsRptFacts stsFailure(DomainName domain, @Nullable String servedText, ResultType resultType, String code) {
        return new TlsRptFacts(POLICY_TYPE_STS, domain, servedText == null ? List.of() : lines(servedText), List.of(),
                resultType, code, false);
    }

    /** Facts when no policy applies and nothing is to be reported as failed. */
    static TlsRptFacts noPolicy(DomainName domain) {
        return new TlsRptFacts(POLICY_TYPE_NO_POLICY_FOUND, domain, List.of(), List.of(), null, null, false);
    }

    /** Splits a policy body into lines without terminators (LF or CRLF), as RFC 8460 §4.5 lists them. */
    static List<String> lines(String text) {
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
}
