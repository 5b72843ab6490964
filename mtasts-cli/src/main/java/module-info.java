/**
 * The {@code mtasts} command-line tool. Not a library API: it exports nothing.
 */
@org.jspecify.annotations.NullMarked
module org.mtasts.cli {
    requires static org.jspecify;
    requires org.mtasts.core;
    requires org.mtasts.dns;
    requires org.mtasts.http;
    requires okhttp3;
    requires org.mtasts.tlsrpt;
    requires org.mtasts.intake;
    // IMAP for report fetch: the Jakarta Mail API and its implementation, Eclipse Angus Mail.
    requires jakarta.mail;
    requires org.eclipse.angus.mail;
    // --store-url: the PostgreSQL JDBC driver (an automatic module), found by java.sql's DriverManager.
    requires org.postgresql.jdbc;
    requires apache.mime4j.dom;
    // Mime4j (an automatic module) uses Commons IO but cannot require it: resolve it for them.
    requires org.apache.commons.io;
    requires org.mtasts.testkit;
    requires org.mtasts.postfix;
    // postfix serve's shared caches, optional in org.mtasts.postfix (requires static): resolved here.
    requires org.mtasts.store.jdbc;
    requires org.mtasts.store.redis;
    // cache.type sqlite: the SQLite JDBC driver (an explicit module), found by DriverManager.
    requires org.xerial.sqlitejdbc;
    requires java.net.http;
    requires info.picocli;
    requires tools.jackson.databind;

    opens org.mtasts.cli to info.picocli;
}
