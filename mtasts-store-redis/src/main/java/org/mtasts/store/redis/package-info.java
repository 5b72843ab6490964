/**
 * A {@link org.mtasts.core.PolicyStore} shared by the nodes of a mail cluster on Redis (RFC 8461
 * §3.3, §5.1), and a lease that lets one node refresh a domain at a time.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.3">RFC 8461 §3.3</a>
 */
package org.mtasts.store.redis;
