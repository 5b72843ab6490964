package org.mtasts.tlsrpt;

import java.util.List;
import java.util.Objects;

/**
 * One element of a report's {@code policies} array (RFC 8460 §4.4): a policy, its summary and the
 * details of the failures seen under it.
 *
 * <pre>{@code
 * PolicyResult r = new PolicyResult(PolicyDetails.sts(domain, policy.toText()), new Summary(10, 1),
 *         List.of(FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).failedSessionCount(1).build()));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param policy {@code policy}
 * @param summary {@code summary}
 * @param failureDetails {@code failure-details}, empty when absent
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 * @since 0.1
 */
public record PolicyResult(PolicyDetails policy, Summary summary, List<FailureDetails> failureDetails) {

    /**
     * Checks and copies the components.
     *
     * @param policy {@code policy}
     * @param summary {@code summary}
     * @param failureDetails {@code failure-details}, empty when absent
     */
    public PolicyResult {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(summary, "summary");
        failureDetails = List.copyOf(failureDetails);
    }

    /** {@return the sum of the failure details' {@code failed-session-count}, saturating} */
    public long failedSessionCountSum() {
        long sum = 0;
        for (FailureDetails d : failureDetails) {
            sum = Sums.add(sum, d.failedSessionCount());
        }
        return sum;
    }
}
