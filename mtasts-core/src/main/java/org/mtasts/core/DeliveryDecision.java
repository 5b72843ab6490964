package org.mtasts.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a sending MTA does with one MX host under a policy (RFC 8461 §4, §5): deliver, deliver and
 * report a failure, or refuse this MX host and move on to the next one.
 *
 * <p>The rules:
 * <ul>
 *   <li>no policy, or mode {@code none}: deliver, as if MTA-STS were absent (RFC 8461 §5);</li>
 *   <li>the MX host matches no {@code mx} pattern (RFC 8461 §4.1): in {@code enforce} refuse it, in
 *       {@code testing} deliver and report {@code validation-failure} with reason {@code
 *       mtasts-policy-mx-mismatch};</li>
 *   <li>TLS failed (no STARTTLS or a certificate failing §4.2): in {@code enforce} refuse, in {@code
 *       testing} deliver and report the failure's result type;</li>
 *   <li>a refusal is always temporary: the sender tries the next MX host in its own order, and if
 *       none is accepted it defers the message, never bounces it (RFC 8461 §5.1: no permanent
 *       failure before checking for an updated policy).</li>
 * </ul>
 *
 * <p>{@code org.mtasts.http.MxSession} (in {@code mtasts-http}) makes these decisions for a sender
 * and records each session for the TLS-RPT report; this class is the pure rule beneath it.
 *
 * <pre>{@code
 * StsPolicy policy = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n")
 *         .orElseThrow();
 * DomainName mx = DomainName.of("mx2.example.com");
 * if (!DeliveryDecision.mayConnect(policy, mx)) {
 *     System.out.println("not listed: try the next MX host");   // enforce: no connection needed
 * }
 * DeliveryDecision d = DeliveryDecision.decide(policy, DomainName.of("mx1.example.com"),
 *         TlsOutcome.starttlsNotSupported());
 * if (d.refuses()) {
 *     System.out.println(d.resultType() + ": " + d.explanation());   // starttls-not-supported: ...
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param verdict what to do
 * @param resultType the TLS-RPT result type of the failure, or null when there is none to report
 * @param failureReasonCode the failure-reason code, or null (never null for the result types that
 *     require one, RFC 8460 §4.3.1)
 * @param explanation a plain-language explanation
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5">RFC 8461 §5</a>
 * @since 0.1
 */
public record DeliveryDecision(Verdict verdict, @Nullable ResultType resultType, @Nullable String failureReasonCode,
        String explanation) {

    /** The failure-reason code for an MX host not listed in the policy (as mox reports it). */
    public static final String REASON_MX_MISMATCH = "mtasts-policy-mx-mismatch";

    private static final DeliveryDecision NO_POLICY =
            new DeliveryDecision(Verdict.DELIVER, null, null, "no MTA-STS policy applies");
    private static final DeliveryDecision MODE_NONE =
            new DeliveryDecision(Verdict.DELIVER, null, null, "the policy's mode is none");
    private static final DeliveryDecision SECURED =
            new DeliveryDecision(Verdict.DELIVER, null, null, "the MX host matches and TLS is valid");

    /** What the sender does with the MX host. */
    public enum Verdict {
        /** Deliver; nothing failed (or no policy applies). */
        DELIVER,
        /** Deliver, and record the failure for the TLS-RPT report (mode testing). */
        DELIVER_AND_REPORT,
        /** Do not deliver to this MX host; record the failure; try the next MX (mode enforce). */
        REFUSE
    }

    /**
     * Validates the components.
     *
     * @param verdict what to do
     * @param resultType the TLS-RPT result type of the failure, or null when there is none to report
     * @param failureReasonCode the failure-reason code, or null (never null for the result types that
     *     require one, RFC 8460 §4.3.1)
     * @param explanation a plain-language explanation
     */
    public DeliveryDecision {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(explanation, "explanation");
        if ((verdict == Verdict.DELIVER) != (resultType == null)) {
            throw new IllegalArgumentException("a result type is given exactly when something failed");
        }
        TlsOutcome.checkReason(resultType, failureReasonCode);
    }

    /**
     * Decides for one MX host after the TLS session.
     *
     * @param policy the policy that applies, or null when there is none
     * @param mx the MX host name from DNS
     * @param tls what happened in the TLS session
     * @return the decision
     */
    public static DeliveryDecision decide(@Nullable StsPolicy policy, DomainName mx, TlsOutcome tls) {
        Objects.requireNonNull(mx, "mx");
        Objects.requireNonNull(tls, "tls");
        if (policy == null) {
            return NO_POLICY;
        }
        if (policy.mode() == PolicyMode.NONE) {
            return MODE_NONE; // RFC 8461 §5: mode none behaves as if no policy were present
        }
        boolean enforce = policy.mode() == PolicyMode.ENFORCE;
        if (!policy.matches(mx)) {
            // RFC 8461 §4.1: the MX host must match a pattern; RFC 8460 has no result type for
            // this, so validation-failure with a reason code (RFC 8460 §4.3.3).
            return new DeliveryDecision(enforce ? Verdict.REFUSE : Verdict.DELIVER_AND_REPORT,
                    ResultType.VALIDATION_FAILURE, REASON_MX_MISMATCH,
                    "the MX host " + mx + " is not listed in the policy");
        }
        ResultType failure = tls.resultType();
        if (failure != null) {
            // RFC 8461 §5: enforce refuses the MX host; testing delivers and reports.
            return new DeliveryDecision(enforce ? Verdict.REFUSE : Verdict.DELIVER_AND_REPORT,
                    failure, tls.failureReasonCode(), tls.detail());
        }
        return SECURED;
    }

    /**
     * Decides before connecting whether an MX host may be tried at all: false only when an
     * enforced policy does not list it (RFC 8461 §4.1), so no connection is needed to refuse it.
     *
     * @param policy the policy that applies, or null
     * @param mx the MX host name from DNS
     * @return true if the sender may connect
     */
    public static boolean mayConnect(@Nullable StsPolicy policy, DomainName mx) {
        Objects.requireNonNull(mx, "mx");
        return policy == null || policy.mode() != PolicyMode.ENFORCE || policy.matches(mx);
    }

    /**
     * Returns whether TLS is required for this MX host: only under an enforced policy, where a
     * session without valid TLS must not carry the message (RFC 8461 §5).
     *
     * @param policy the policy that applies, or null
     * @return true if the sender must not deliver without validated TLS
     */
    public static boolean requiresTls(@Nullable StsPolicy policy) {
        return policy != null && policy.mode() == PolicyMode.ENFORCE;
    }

    /**
     * Returns whether a failure should be recorded for the TLS-RPT report.
     *
     * @return true unless the verdict is {@link Verdict#DELIVER}
     */
    public boolean isFailure() {
        return resultType != null;
    }

    /**
     * Returns whether the message must not go to this MX host (mode enforce): try the next one, and
     * defer the message if none is left, never bounce it (RFC 8461 §5.1).
     *
     * @return true if the verdict is {@link Verdict#REFUSE}
     */
    public boolean refuses() {
        return verdict == Verdict.REFUSE;
    }
}
