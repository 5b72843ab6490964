package org.mtasts.tlsrpt;

/**
 * The {@code summary} of one policy in a report (RFC 8460 §4.4): how many sessions succeeded and how
 * many failed under it. Failure types are not exclusive (RFC 8460 §4), so the failure total need not
 * equal the sum of the failure details' counts.
 *
 * <pre>{@code
 * Summary s = new Summary(5326, 303);
 * long all = s.totalSessionCount();   // 5629
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param totalSuccessfulSessionCount {@code total-successful-session-count}
 * @param totalFailureSessionCount {@code total-failure-session-count}
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 * @since 0.1
 */
public record Summary(long totalSuccessfulSessionCount, long totalFailureSessionCount) {

    /** A summary with no sessions. */
    public static final Summary EMPTY = new Summary(0, 0);

    /**
     * Checks that both counts are non-negative.
     *
     * @param totalSuccessfulSessionCount {@code total-successful-session-count}
     * @param totalFailureSessionCount {@code total-failure-session-count}
     */
    public Summary {
        if (totalSuccessfulSessionCount < 0 || totalFailureSessionCount < 0) {
            throw new IllegalArgumentException("session counts must not be negative: "
                    + totalSuccessfulSessionCount + ", " + totalFailureSessionCount);
        }
    }

    /** {@return the sum of both counts, saturating at {@link Long#MAX_VALUE}} */
    public long totalSessionCount() {
        return Sums.add(totalSuccessfulSessionCount, totalFailureSessionCount);
    }

    /**
     * Returns the sum of two summaries, each count saturating at {@link Long#MAX_VALUE}.
     *
     * @param other the other summary
     * @return the sum
     */
    public Summary plus(Summary other) {
        return new Summary(Sums.add(totalSuccessfulSessionCount, other.totalSuccessfulSessionCount),
                Sums.add(totalFailureSessionCount, other.totalFailureSessionCount));
    }
}
