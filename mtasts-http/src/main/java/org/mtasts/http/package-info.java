/**
 * The sending MTA's path: MTA-STS policy fetch, discovery, cache and refresh, the MX session from
 * the policy check through the STARTTLS handshake to the delivery decision, and the TLS-RPT counts
 * and report upload.
 *
 * <p>What this package implements, by section:
 * <ul>
 *   <li>RFC 8461 §3.2 and §3.3, fetching the policy from {@code
 *       https://mta-sts.<domain>/.well-known/mta-sts.txt}: {@link org.mtasts.http.PolicyFetcher},
 *       {@link org.mtasts.http.HttpsPolicyFetcher}, {@link org.mtasts.http.FetchResult} (HTTP 200
 *       only, no redirects, no HTTP cache, {@code text/plain}, 64 KiB, one minute, WebPKI with SNI
 *       and TLS 1.2 or later per §7.1 and §7.2);</li>
 *   <li>RFC 8461 §3, §3.3, §5.1 and §10.2, discovery, cache, {@code max_age}, fetch back-off,
 *       fallback to the cached policy and proactive refresh: {@link org.mtasts.http.MtaSts},
 *       {@link org.mtasts.http.PolicyResolution};</li>
 *   <li>the {@link org.mtasts.core.PolicyStore} SPI: {@link org.mtasts.http.InMemoryPolicyStore}
 *       and {@link org.mtasts.http.FilePolicyStore};</li>
 *   <li>RFC 8461 §4, §5, §7.1 and §7.2, and RFC 8460 §4.3 and §4.4, one SMTP session per MX
 *       host: the MX check, the certificate checked during the handshake, the decision and the
 *       session's TLS-RPT count: {@link org.mtasts.http.MxSession} (with core's {@link
 *       org.mtasts.core.MxTrustManager});</li>
 *   <li>RFC 8460 §4.3.2.2 and §6 of RFC 8461, what a sender reports about the policy: {@link
 *       org.mtasts.http.PolicyResolution#reportedPolicy()} and {@link
 *       org.mtasts.http.PolicyResolution#policyFailure()};</li>
 *   <li>RFC 8460 §5.4, HTTPS upload of reports: {@link org.mtasts.http.ReportUploader};</li>
 *   <li>RFC 8460 §3, §4.1 and §5, the daily report service (record look-up, delivery to every
 *       {@code rua}, retries for 24 hours, suppression, DKIM hook): {@link
 *       org.mtasts.http.TlsRptReporter}, {@link org.mtasts.http.ReportResult}, {@link
 *       org.mtasts.http.ReportMailer}, {@link org.mtasts.http.ReportMail}, {@link
 *       org.mtasts.http.MailResult}, {@link org.mtasts.http.ReportMailSigner}; an SMTP mailer on
 *       Angus Mail is in {@code org.mtasts.http.mail}.</li>
 * </ul>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461">RFC 8461</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460">RFC 8460</a>
 */
package org.mtasts.http;
