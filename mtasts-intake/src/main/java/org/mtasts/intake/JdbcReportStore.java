package org.mtasts.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import org.mtasts.tlsrpt.ReadResult;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;
import org.mtasts.tlsrpt.TlsReportWriter;

/**
 * A report store in an SQL database, for people who run PostgreSQL: one row per report, keyed by
 * the {@linkplain ReportIdentity#digest() digest} of its identity, with the canonical JSON of
 * {@link TlsReportWriter}. {@code INSERT ... ON CONFLICT (digest) DO NOTHING} stores a report once
 * however many writers add it at the same time. The table is created if missing.
 *
 * <p>The JDBC driver is the caller's: {@code org.postgresql:postgresql} on the class or module path
 * for a {@code jdbc:postgresql:} URL. Each call takes a connection of its own from {@link
 * DriverManager}.
 *
 * <pre>{@code
 * Properties login = new Properties();
 * login.setProperty("user", "tlsrpt");
 * login.setProperty("password", Files.readString(passwordFile).strip());
 * JdbcReportStore store = JdbcReportStore.open(url, login);   // jdbc:postgresql://127.0.0.1:5432/tlsrpt
 * boolean isNew = store.add(report);
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @since 0.1
 */
public final class JdbcReportStore implements ReportStore {

    /** The default table name. */
    public static final String DEFAULT_TABLE = "tlsrpt_reports";

    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final String url;
    private final Properties properties;
    private final String table;
    private final TlsReportReader reader = TlsReportReader.lenient();

    private JdbcReportStore(String url, Properties properties, String table) {
        this.url = url;
        this.properties = properties;
        this.table = table;
    }

    /**
     * Opens the store in the table {@link #DEFAULT_TABLE}, creating it if missing.
     *
     * @param url the JDBC URL, such as {@code jdbc:postgresql://host/db}
     * @param properties the connection properties ({@code user}, {@code password}; copied)
     * @return the store
     * @throws IOException if the database cannot be reached or the table cannot be created
     */
    public static JdbcReportStore open(String url, Properties properties) throws IOException {
        return open(url, properties, DEFAULT_TABLE);
    }

    /**
     * Opens the store in a table, creating it if missing.
     *
     * @param url the JDBC URL
     * @param properties the connection properties (copied)
     * @param table the table name: lower-case letters, digits and underscores
     * @return the store
     * @throws IOException if the database cannot be reached or the table cannot be created
     * @throws IllegalArgumentException if the table name is not a plain lower-case name
     */
    public static JdbcReportStore open(String url, Properties properties, String table) throws IOException {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(table, "table");
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("table name '" + table + "' is not [a-z_][a-z0-9_]*, at most 63 characters");
        }
        Properties copy = new Properties();
        copy.putAll(properties);
        JdbcReportStore store = new JdbcReportStore(url, copy, table);
        store.createTable();
        return store;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, properties);
    }

    private void createTable() throws IOException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (digest VARCHAR(64) PRIMARY KEY,"
                    + " organization_name TEXT NOT NULL, report_id TEXT NOT NULL,"
                    + " begin_epoch BIGINT NOT NULL, end_epoch BIGINT NOT NULL, report_json TEXT NOT NULL)");
        } catch (SQLException e) {
            throw failure("cannot create the table " + table, e);
        }
    }

    @Override
    public boolean add(TlsReport report) throws IOException {
        ReportIdentity id = ReportIdentity.of(report);
        String json = new String(TlsReportWriter.create().toJson(report), StandardCharsets.UTF_8);
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("INSERT INTO " + table
                + " (digest, organization_name, report_id, begin_epoch, end_epoch, report_json)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING")) {
            s.setString(1, id.digest());
            s.setString(2, id.organizationName());
            s.setString(3, id.reportId());
            s.setLong(4, report.dateRange().startEpochSecond());
            s.setLong(5, report.dateRange().endEpochSecond());
            s.setString(6, json);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("cannot store a report", e);
        }
    }

    @Override
    public boolean contains(ReportIdentity identity) throws IOException {
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + table + " WHERE digest = ?")) {
            s.setString(1, identity.digest());
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        } catch (SQLException e) {
            throw failure("cannot read the store", e);
        }
    }

    @Override
    public List<TlsReport> reports() throws IOException {
        List<TlsReport> out = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT digest, report_json FROM " + table + " ORDER BY digest")) {
            while (r.next()) {
                ReadResult read = reader.read(r.getString(2).getBytes(StandardCharsets.UTF_8));
                if (read instanceof ReadResult.Invalid invalid) {
                    throw new IOException("the stored report " + r.getString(1) + " no longer reads: " + invalid.error());
                }
                out.add(read.orElseThrow());
            }
        } catch (SQLException e) {
            throw failure("cannot read the store", e);
        }
        return out;
    }

    @Override
    public long size() throws IOException {
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw failure("cannot read the store", e);
        }
    }

    private IOException failure(String what, SQLException e) {
        return new IOException(what + " (" + redacted() + ", table " + table + "): " + e.getMessage(), e);
    }

    /** The URL without a query, which may hold a password. */
    private String redacted() {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?...";
    }

    @Override
    public String toString() {
        return "JdbcReportStore[" + redacted() + ", " + table + "]";
    }

}
