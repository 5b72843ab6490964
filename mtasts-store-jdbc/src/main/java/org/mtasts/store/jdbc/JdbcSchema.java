package org.mtasts.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The schema of mtasts-store-jdbc and its migration, shipped in the jar: versioned SQL files
 * ({@code migration/<dialect>/V<n>__<name>.sql} beside this class), applied in order by {@link
 * #migrate}, each in one transaction that also records it in the table {@code
 * mtasts_schema_version}. Nodes that start at once are serialized (PostgreSQL: a transaction-level
 * advisory lock; SQLite: an immediate transaction), so each version is applied exactly once. A
 * database of a newer schema than this jar knows is refused, not changed.
 *
 * <p>Tables: {@code mtasts_policy} (the policy cache), {@code mtasts_lease} (named leases), {@code
 * mtasts_tlsrpt_partial} (each node's partial TLS-RPT days), {@code mtasts_tlsrpt_day} (the days
 * reported).
 *
 * <pre>{@code
 * int version = JdbcSchema.migrate(dataSource);     // JdbcPolicyStore.create(...) does it too
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class JdbcSchema {

    /** The schema version this jar creates and expects. */
    public static final int CURRENT_VERSION = 1;

    /** The migration files, version {@code i + 1} at index {@code i}. */
    private static final List<String> FILES = List.of("V1__policies_leases_tlsrpt.sql");

    /** An arbitrary constant: the PostgreSQL advisory lock that serializes migrations. */
    private static final long PG_LOCK = 0x6d74617374735631L;

    private JdbcSchema() {}

    /** The SQL dialects with their own DDL; the statements that read and write are shared. */
    enum Dialect {
        POSTGRESQL("postgresql"), SQLITE("sqlite");

        final String dir;

        Dialect(String dir) {
            this.dir = dir;
        }

        static Dialect of(Connection c) throws SQLException {
            String product = c.getMetaData().getDatabaseProductName();
            String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
            if (p.contains("postgresql")) {
                return POSTGRESQL;
            }
            if (p.contains("sqlite")) {
                return SQLITE;
            }
            throw new IllegalArgumentException("unsupported database '" + product
                    + "': mtasts-store-jdbc supports PostgreSQL (and SQLite for a single node)");
        }
    }

    /**
     * Brings the database's schema to {@link #CURRENT_VERSION}, applying the missing versions.
     *
     * @param dataSource the database
     * @return the version the database had before (0 for an empty database)
     * @throws IllegalStateException if the database has a newer schema than this jar, or a
     *     migration fails (the failed version is rolled back, with the database's error as cause)
     * @throws IllegalArgumentException if the database is neither PostgreSQL nor SQLite
     */
    public static int migrate(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        try (Connection c = dataSource.getConnection()) {
            Dialect dialect = Dialect.of(c);
            boolean auto = c.getAutoCommit();
            try (Statement s = c.createStatement()) {
                if (dialect == Dialect.SQLITE) {
                    // An immediate transaction takes the write lock now, so that two migrators queue.
                    c.setAutoCommit(true);
                    s.execute("BEGIN IMMEDIATE");
                } else {
                    c.setAutoCommit(false);
                    s.execute("SELECT pg_advisory_xact_lock(" + PG_LOCK + ")");
                }
                try {
                    int before = migrate(c, s, dialect);
                    if (dialect == Dialect.SQLITE) {
                        s.execute("COMMIT");
                    } else {
                        c.commit();
                    }
                    return before;
                } catch (SQLException | RuntimeException e) {
                    rollback(c, s, dialect, e);
                    throw e;
                }
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("migrating the mtasts-store-jdbc schema failed: " + e.getMessage(), e);
        }
    }

    private static int migrate(Connection c, Statement s, Dialect dialect) throws SQLException {
        s.execute("CREATE TABLE IF NOT EXISTS mtasts_schema_version (version INTEGER PRIMARY KEY, "
                + "applied_at BIGINT NOT NULL)");
        int before = currentVersion(c);
        if (before > CURRENT_VERSION) {
            throw new IllegalStateException("the database has mtasts-store-jdbc schema version " + before
                    + ", newer than this jar's " + CURRENT_VERSION + ": upgrade mtasts-store-jdbc");
        }
        for (int v = before + 1; v <= CURRENT_VERSION; v++) {
            for (String sql : statements(dialect, FILES.get(v - 1))) {
                s.execute(sql);
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO mtasts_schema_version (version, applied_at) VALUES (?, ?)")) {
                p.setInt(1, v);
                p.setLong(2, System.currentTimeMillis());
                p.executeUpdate();
            }
        }
        return before;
    }

    private static void rollback(Connection c, Statement s, Dialect dialect, Exception cause) {
        try {
            if (dialect == Dialect.SQLITE) {
                s.execute("ROLLBACK");
            } else {
                c.rollback();
            }
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT MAX(version) FROM mtasts_schema_version")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    /** The statements of a migration file: split at a semicolon ending a line, comments dropped. */
    static List<String> statements(Dialect dialect, String file) {
        String path = "migration/" + dialect.dir + "/" + file;
        String text;
        try (InputStream in = JdbcSchema.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("migration " + path + " is missing from the jar");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading migration " + path + " failed", e);
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("migration " + path + " ends without a semicolon");
        }
        return out;
    }
}
