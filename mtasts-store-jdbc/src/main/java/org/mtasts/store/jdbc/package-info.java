/**
 * A {@link org.mtasts.core.PolicyStore} shared by the nodes of a mail cluster on a SQL database
 * (RFC 8461 §3.3, §5.1), a lease that lets one node refresh a domain at a time, and the nodes'
 * TLS-RPT counts merged into one daily report (RFC 8460 §4.1). The schema migration ships in the
 * jar ({@link org.mtasts.store.jdbc.JdbcSchema}).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.3">RFC 8461 §3.3</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.1">RFC 8460 §4.1</a>
 */
package org.mtasts.store.jdbc;
