/**
 * DNS lookups for MTA-STS and TLS-RPT on dnsjava's {@code LookupSession}.
 *
 * <ul>
 *   <li>RFC 8461 §3.1 and RFC 8460 §3: TXT records at {@code _mta-sts.<domain>} and {@code
 *       _smtp._tls.<domain>}, each record's character-strings joined as raw bytes with no separator,
 *       CNAME chains followed (bounded);</li>
 *   <li>RFC 5321 §5.1 and RFC 7505: MX hosts ordered by preference, implicit MX, null MX;</li>
 *   <li>the outcome split that decides a sender's behaviour: NXDOMAIN and NODATA are permanent,
 *       SERVFAIL, REFUSED, timeouts and network errors are temporary;</li>
 *   <li>RFC 2136 dynamic updates of TXT records for a domain owner ({@link
 *       org.mtasts.dns.DnsUpdater}), signed with a TSIG key (RFC 8945, {@link
 *       org.mtasts.dns.TsigKey}), with the records read as the prerequisite (§2.4.2, §2.4.3).</li>
 * </ul>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.1">RFC 8461 §3.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7505">RFC 7505</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2136">RFC 2136</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8945">RFC 8945</a>
 */
package org.mtasts.dns;
