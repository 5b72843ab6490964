/**
 * Shared state for a cluster of sending MTAs on JDBC: the policy cache of RFC 8461 §3.3 and §5.1
 * ({@link org.mtasts.store.jdbc.JdbcPolicyStore}), one refresher per domain ({@link
 * org.mtasts.store.jdbc.JdbcRefreshLease}) and the day's TLS-RPT counts of every node, reported
 * once (RFC 8460 §4.1, {@link org.mtasts.store.jdbc.ClusterReports}). PostgreSQL first; the SQL
 * also runs on SQLite for a single node. The JDBC driver is the application's (PostgreSQL's
 * {@code org.postgresql.jdbc}, for instance).
 */
@org.jspecify.annotations.NullMarked
module org.mtasts.store.jdbc {
    requires static org.jspecify;
    requires transitive java.sql;
    requires transitive org.mtasts.http;
    requires com.zaxxer.hikari;

    exports org.mtasts.store.jdbc;
}
