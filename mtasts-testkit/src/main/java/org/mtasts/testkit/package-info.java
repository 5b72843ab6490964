/**
 * A fake internet on loopback for testing MTA-STS code: {@link org.mtasts.testkit.MtaStsSandbox}
 * serves whole fake domains with real protocols, and {@link org.mtasts.testkit.FakeTxtResolver}
 * and {@link org.mtasts.testkit.MutableClock} are doubles for unit tests.
 *
 * <p>What the servers implement, by section (enough to be a realistic peer, not a full server):
 * <ul>
 *   <li>RFC 1035 §4 and RFC 7766: DNS messages over UDP (truncation with TC, §4.2.1) and TCP
 *       (two-octet length prefix); RFC 2308 negative answers with the SOA; RFC 8020 empty
 *       non-terminals; RFC 6891 EDNS payload size;</li>
 *   <li>RFC 8461 §3.1: TXT records of several character-strings at {@code _mta-sts}, CNAME
 *       chains; RFC 8460 §3: {@code _smtp._tls};</li>
 *   <li>RFC 8461 §3.2, §3.3: the policy at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt},
 *       HTTP/1.1 (RFC 9112) with Content-Length, chunked or close-delimited bodies; §7.1: the
 *       certificate is chosen by SNI (RFC 6066 §3);</li>
 *   <li>RFC 5321 and RFC 3207: SMTP with STARTTLS; RFC 8461 §4.2: MX certificates in every
 *       variant of {@link org.mtasts.testkit.CertificateVariant}.</li>
 * </ul>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461">RFC 8461</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460">RFC 8460</a>
 */
package org.mtasts.testkit;
