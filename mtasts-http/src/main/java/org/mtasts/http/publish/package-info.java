/**
 * Publishing an MTA-STS policy safely: {@link org.mtasts.http.publish.PolicyPublisher} lints the
 * policy against the domain's live MX hosts, checks that the policy host serves exactly that
 * policy (RFC 8461 §3.3), derives the policy id from its bytes ({@link
 * org.mtasts.http.publish.PolicyId}, RFC 8461 §3.1), and only then replaces the {@code _mta-sts}
 * TXT record (and, on request, the {@code _smtp._tls} record, RFC 8460 §3) by an RFC 2136 dynamic
 * update signed with TSIG, with the records it read as the update's prerequisite. A switch to
 * {@code enforce} passes a readiness gate over TLS reports first.
 *
 * <p>Optional: it needs {@code org.mtasts:mtasts-dns} (module {@code org.mtasts.dns}) at run time,
 * which nothing else in {@code mtasts-http} loads.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-8.1">RFC 8461 §8.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2136">RFC 2136</a>
 */
package org.mtasts.http.publish;
