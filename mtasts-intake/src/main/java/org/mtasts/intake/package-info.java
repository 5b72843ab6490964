/**
 * TLS-RPT report intake for domain owners (RFC 8460).
 *
 * <p>What this package implements, by section:
 * <ul>
 *   <li>RFC 8460 §5.3, report e-mails, and §5.2, plain and gzip reports: {@link
 *       org.mtasts.intake.ReportIntake} takes in files, directories and Maildirs;</li>
 *   <li>RFC 8460 §5.4, HTTPS delivery: {@link org.mtasts.intake.ReportReceiverServer} answers
 *       {@code POST}s of {@code application/tlsrpt+json} and {@code application/tlsrpt+gzip};</li>
 *   <li>RFC 8460 §4.4, the report's {@code organization-name} and {@code report-id}: {@link
 *       org.mtasts.intake.ReportIdentity}, which keeps every report once in a {@link
 *       org.mtasts.intake.ReportStore};</li>
 *   <li>bad input never stops the intake: {@link org.mtasts.intake.Quarantine};</li>
 *   <li>for people and for monitoring: {@link org.mtasts.intake.Dashboard} (one static HTML page
 *       with inline SVG) and {@link org.mtasts.intake.PrometheusMetrics}.</li>
 * </ul>
 *
 * <p>IMAP lives in {@code org.mtasts.intake.imap}, which needs Jakarta Mail; nothing here does.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460">RFC 8460</a>
 */
package org.mtasts.intake;
