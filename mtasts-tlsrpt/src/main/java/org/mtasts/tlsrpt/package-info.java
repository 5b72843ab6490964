/**
 * SMTP TLS reports (RFC 8460) from both ends.
 *
 * <p>What this package implements, by section:
 * <ul>
 *   <li>RFC 8460 §4, §4.4, §4.5, the report: {@link org.mtasts.tlsrpt.TlsReport}, {@link
 *       org.mtasts.tlsrpt.DateRange}, {@link org.mtasts.tlsrpt.PolicyResult}, {@link
 *       org.mtasts.tlsrpt.PolicyDetails}, {@link org.mtasts.tlsrpt.PolicyType}, {@link
 *       org.mtasts.tlsrpt.Summary}, {@link org.mtasts.tlsrpt.FailureDetails}; result types are
 *       {@link org.mtasts.core.ResultType} (§4.3);</li>
 *   <li>reading, with every tolerated deviation of real senders as a {@link
 *       org.mtasts.tlsrpt.ReportWarning}: {@link org.mtasts.tlsrpt.TlsReportReader} (gzip detected
 *       by its magic bytes, §5.2), streaming through {@link org.mtasts.tlsrpt.ReportVisitor};
 *       errata: 6241 ({@code mx-host} as a string);</li>
 *   <li>writing: {@link org.mtasts.tlsrpt.TlsReportWriter}, {@link
 *       org.mtasts.tlsrpt.ReportFormat} (§5.2, §6.4, §6.5), {@link
 *       org.mtasts.tlsrpt.ReportFilename} (§5.1);</li>
 *   <li>the sender side: {@link org.mtasts.tlsrpt.ReportAggregator} (§4.1 daily reports; §4,
 *       §4.4 counting: a policy's totals count sessions, a failure detail the sessions that hit
 *       it, one session in up to two details; crash-safe snapshots of the counts, restored on
 *       start and mergeable across nodes; §3: the caller leaves report deliveries out);</li>
 *   <li>the domain owner's side: {@link org.mtasts.tlsrpt.ReportSummary} and {@link
 *       org.mtasts.tlsrpt.Readiness}.</li>
 * </ul>
 *
 * <p>The report e-mail (§5.3) lives in {@code org.mtasts.tlsrpt.mail}, which needs Apache James
 * Mime4j; nothing here does.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460">RFC 8460</a>
 */
package org.mtasts.tlsrpt;
