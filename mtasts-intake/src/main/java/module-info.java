/**
 * TLS-RPT report intake for domain owners (RFC 8460): files, Maildir and (in {@code
 * org.mtasts.intake.imap}) IMAP in, an HTTPS {@code rua} receiver (RFC 8460 §5.4), an idempotent
 * store with a quarantine for bad input, a static dashboard and Prometheus metrics.
 *
 * <p>Jakarta Mail and Eclipse Angus Mail are optional: only {@code org.mtasts.intake.imap} needs
 * them ({@code jakarta.mail}, {@code org.eclipse.angus.mail}); add them with {@code --add-modules}
 * or {@code requires}.
 */
@org.jspecify.annotations.NullMarked
module org.mtasts.intake {
    requires static org.jspecify;
    requires transitive org.mtasts.tlsrpt;
    requires transitive jdk.httpserver;
    // JdbcReportStore: the JDBC API; the driver (PostgreSQL) is the caller's.
    requires java.sql;
    requires apache.mime4j.dom;
    // Mime4j (an automatic module) uses Commons IO but cannot require it: resolve it for them.
    requires org.apache.commons.io;
    requires static jakarta.mail;

    exports org.mtasts.intake;
    exports org.mtasts.intake.imap;
}
