package org.mtasts.tlsrpt;

/**
 * Receives a report piece by piece from {@link TlsReportReader#stream}, for reports too large to hold
 * in memory: each failure detail as soon as it is read, each policy when its element ends, and the
 * header at the end of the document (senders put members in any order: a policy's {@code
 * failure-details} may come before its {@code policy}, the {@code report-id} after the policies).
 *
 * <p>The reader keeps nothing per failure detail, so memory stays constant however many there are.
 * An exception thrown by a method propagates out of {@code stream}.
 *
 * <pre>{@code
 * long[] failed = new long[1];
 * StreamResult r = reader.stream(in, new ReportVisitor() {
 *     public void failureDetails(int policy, long index, FailureDetails d) {
 *         failed[0] += d.failedSessionCount();
 *     }
 * });
 * }</pre>
 *
 * <p>Implementations are called from the reading thread only and need not be thread-safe; this
 * interface itself holds no state. Not thread-safe; confine to one thread.
 *
 * @since 0.1
 */
public interface ReportVisitor {

    /**
     * Called for each element of a policy's {@code failure-details}, in document order.
     *
     * @param policyIndex the index of the enclosing {@code policies} element
     * @param detailIndex the index within its {@code failure-details}
     * @param details the failure details
     */
    default void failureDetails(int policyIndex, long detailIndex, FailureDetails details) {}

    /**
     * Called at the end of each {@code policies} element, after its failure details.
     *
     * @param policyIndex the index in {@code policies}
     * @param policy the policy
     * @param summary its summary
     * @param failureDetailCount how many failure details it had
     */
    default void policy(int policyIndex, PolicyDetails policy, Summary summary, long failureDetailCount) {}

    /**
     * Called once, at the end of the report.
     *
     * @param header the top-level members
     */
    default void header(ReportHeader header) {}

    /**
     * Called for every warning as it is found, including those beyond the reader's limit.
     *
     * @param warning the warning
     */
    default void warning(ReportWarning warning) {}
}
