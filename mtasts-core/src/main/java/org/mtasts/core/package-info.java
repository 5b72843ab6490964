/**
 * MTA-STS and TLS-RPT values, parsers and decisions.
 *
 * <p>What this package implements, by section:
 * <ul>
 *   <li>RFC 8461 §3.1, the {@code _mta-sts} TXT record: {@link org.mtasts.core.StsRecord} and the
 *       selection rule among several TXT answers, {@link org.mtasts.core.RecordSelection};</li>
 *   <li>RFC 8461 §3.2, the policy file: {@link org.mtasts.core.StsPolicy}, {@link
 *       org.mtasts.core.PolicyParser}, {@link org.mtasts.core.PolicyMode}; erratum 7282 (max_age
 *       above 31557600 is clamped and flagged);</li>
 *   <li>RFC 8461 §4.1, MX host matching: {@link org.mtasts.core.MxPattern}, {@link
 *       org.mtasts.core.DomainName};</li>
 *   <li>RFC 8461 §4.2, MX certificate validation: {@link org.mtasts.core.MxCertificateCheck};</li>
 *   <li>RFC 8461 §5 and §5.1, the delivery decision: {@link org.mtasts.core.DeliveryDecision};</li>
 *   <li>RFC 8460 §3, the {@code _smtp._tls} TXT record: {@link org.mtasts.core.TlsRptRecord},
 *       {@link org.mtasts.core.ReportUri};</li>
 *   <li>RFC 8460 §4.3, the result types: {@link org.mtasts.core.ResultType}.</li>
 * </ul>
 *
 * <p>Parsers never throw on bad input: they return a {@link org.mtasts.core.ParseResult} whose
 * {@link org.mtasts.core.SyntaxError} gives the position, a stable code and the rule.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461">RFC 8461</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460">RFC 8460</a>
 */
package org.mtasts.core;
