package org.mtasts.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.ParseResult;
import org.mtasts.core.PolicyStore;
import org.mtasts.core.StsPolicy;

/**
 * A {@link PolicyStore} in a SQL table shared by the nodes of a mail cluster (RFC 8461 §3.3,
 * §5.1): PostgreSQL first, and the same statements run on SQLite for a single node. A restarted or
 * new node reads the policies the others fetched, so it cannot be downgraded, and a policy host is
 * not fetched once per node.
 *
 * <p><b>Newest wins.</b> {@link #put} is one {@code INSERT ... ON CONFLICT (domain) DO UPDATE ...
 * WHERE} statement that replaces the stored entry only with a newer one: a later fetch (or
 * confirmation) time, in whole milliseconds, or on equal times a greater record id. A slow writer
 * of an older policy can therefore never overwrite a newer one, whatever the order in which the
 * writes arrive, and every entry is replaced in one atomic statement: a writer killed mid-write
 * leaves the old entry or the new one. Times are stored as epoch milliseconds, so entries read
 * back carry millisecond precision.
 *
 * <p><b>Schema.</b> {@link #create} applies the schema migration shipped in the jar ({@link
 * JdbcSchema}). <b>Connections</b> come from the {@link DataSource} the application configures
 * (a HikariCP pool, say); {@link #open} builds one from a JDBC URL and options in one line. Put a
 * {@link org.mtasts.http.FrontedPolicyStore} in front of this store on each node, so that cache
 * hits do not touch the database. Failures are {@link JdbcStoreException}s. An entry whose stored
 * text no longer parses (changed by hand) is reported as an {@link IllegalStateException} naming
 * the domain, never served.
 *
 * <pre>{@code
 * JdbcPolicyStore shared = JdbcPolicyStore.open(jdbcUrl,      // jdbc:postgresql://db.example.net/mta
 *         Map.of("username", "mta", "password", secret, "maximumPoolSize", "8"));
 * MtaSts sts = MtaSts.builder()
 *         .store(FrontedPolicyStore.over(shared))
 *         .refreshLease(JdbcRefreshLease.create(shared.dataSource(), "mx1"))
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.3">RFC 8461 §3.3</a>
 * @since 0.1
 */
public final class JdbcPolicyStore implements PolicyStore, AutoCloseable {

    static final String UPSERT = "INSERT INTO mtasts_policy (domain, record_id, policy_text, fetched_at, expires_at) "
            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (domain) DO UPDATE SET record_id = excluded.record_id, "
            + "policy_text = excluded.policy_text, fetched_at = excluded.fetched_at, expires_at = excluded.expires_at "
            // The newest wins: a later fetch time, or on equal times a greater record id.
            + "WHERE excluded.fetched_at > mtasts_policy.fetched_at OR (excluded.fetched_at = mtasts_policy.fetched_at "
            + "AND excluded.record_id > mtasts_policy.record_id)";
    private static final String SELECT = "SELECT domain, record_id, policy_text, fetched_at, expires_at FROM mtasts_policy";

    private final DataSource dataSource;
    private final @Nullable HikariDataSource owned;

    private JdbcPolicyStore(DataSource dataSource, @Nullable HikariDataSource owned) {
        this.dataSource = dataSource;
        this.owned = owned;
    }

    /**
     * A store on the application's data source, after bringing its schema up to date ({@link
     * JdbcSchema#migrate}). {@link #close()} leaves the data source open.
     *
     * @param dataSource the database (a connection pool)
     * @return the store
     * @throws IllegalStateException if the migration fails
     */
    public static JdbcPolicyStore create(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        JdbcSchema.migrate(dataSource);
        return new JdbcPolicyStore(dataSource, null);
    }

    /**
     * A store on a HikariCP pool of its own, built from a JDBC URL and HikariCP's properties
     * ({@code username}, {@code password}, {@code maximumPoolSize}, {@code connectionTimeout},
     * {@code dataSource.<driver property>}, ...), after bringing the schema up to date. {@link
     * #close()} closes the pool.
     *
     * @param jdbcUrl e.g. {@code jdbc:postgresql://db.example.net:5432/mta}
     * @param options HikariCP properties (see {@link HikariConfig})
     * @return the store
     * @throws IllegalArgumentException if an option is unknown or invalid (HikariCP's message)
     * @throws IllegalStateException if the migration fails
     */
    public static JdbcPolicyStore open(String jdbcUrl, Map<String, String> options) {
        HikariDataSource pool = pool(jdbcUrl, options, "mtasts-store");
        try {
            JdbcSchema.migrate(pool);
            return new JdbcPolicyStore(pool, pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** A HikariCP pool from a URL and HikariCP properties. */
    static HikariDataSource pool(String jdbcUrl, Map<String, String> options, String poolName) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(options, "options");
        if (!jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException("not a JDBC URL: '" + jdbcUrl + "' (expected jdbc:postgresql://...)");
        }
        Properties p = new Properties();
        p.setProperty("poolName", poolName);
        options.forEach(p::setProperty);
        HikariConfig config;
        try {
            config = new HikariConfig(p);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid HikariCP option in " + options.keySet() + ": " + e.getMessage(),
                    e);
        }
        config.setJdbcUrl(jdbcUrl);
        return new HikariDataSource(config);
    }

    /** {@return the data source this store uses (to share it with a lease or {@link ClusterReports})} */
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public Optional<CachedPolicy> get(DomainName domain) {
        Objects.requireNonNull(domain, "domain");
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(SELECT + " WHERE domain = ?")) {
            s.setString(1, domain.ascii());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(row(r)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new JdbcStoreException("reading the policy of " + domain, e);
        }
    }

    @Override
    public void put(CachedPolicy policy) {
        putIfNewer(policy);
    }

    /**
     * Stores the entry unless the stored one is at least as new (see the class comment).
     *
     * @param policy the entry
     * @return true if the entry was stored, false if a newer (or the same) one was kept
     */
    public boolean putIfNewer(CachedPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(UPSERT)) {
            s.setString(1, policy.domain().ascii());
            s.setString(2, policy.recordId());
            s.setString(3, policy.text());
            s.setLong(4, policy.fetchedAt().toEpochMilli());
            s.setLong(5, policy.expiresAt().toEpochMilli());
            boolean stored = s.executeUpdate() == 1;
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return stored;
        } catch (SQLException e) {
            throw new JdbcStoreException("storing the policy of " + policy.domain(), e);
        }
    }

    @Override
    public void remove(DomainName domain) {
        Objects.requireNonNull(domain, "domain");
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("DELETE FROM mtasts_policy WHERE domain = ?")) {
            s.setString(1, domain.ascii());
            s.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new JdbcStoreException("removing the policy of " + domain, e);
        }
    }

    /**
     * Visits every entry, read in pages of 500 rows, so that a large table is not held in memory.
     * An entry whose text no longer parses is skipped (and {@link #get} reports it).
     */
    @Override
    public void forEach(Consumer<? super CachedPolicy> action) {
        Objects.requireNonNull(action, "action");
        String after = "";
        while (true) {
            int n = 0;
            String last = after;
            try (Connection c = dataSource.getConnection();
                    PreparedStatement s = c.prepareStatement(SELECT + " WHERE domain > ? ORDER BY domain LIMIT 500")) {
                s.setString(1, after);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        n++;
                        last = r.getString(1);
                        CachedPolicy p;
                        try {
                            p = row(r);
                        } catch (IllegalStateException e) {
                            continue;
                        }
                        action.accept(p);
                    }
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            } catch (SQLException e) {
                throw new JdbcStoreException("listing the stored policies", e);
            }
            if (n < 500) {
                return;
            }
            after = last;
        }
    }

    /** {@return the number of stored entries} */
    public long size() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM mtasts_policy");
                ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new JdbcStoreException("counting the stored policies", e);
        }
    }

    private static CachedPolicy row(ResultSet r) throws SQLException {
        String name = r.getString(1);
        String id = r.getString(2);
        String text = r.getString(3);
        long fetched = r.getLong(4);
        long expires = r.getLong(5);
        try {
            DomainName domain = DomainName.of(name);
            ParseResult<StsPolicy> parsed = StsPolicy.parse(text);
            if (!(parsed instanceof ParseResult.Valid<StsPolicy> valid)) {
                throw new IllegalStateException("the stored policy of " + name + " does not parse: " + parsed);
            }
            return new CachedPolicy(domain, id, valid.value(), text, Instant.ofEpochMilli(fetched),
                    Instant.ofEpochMilli(expires));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the stored policy of '" + name + "' is unusable: " + e.getMessage(), e);
        }
    }

    /** Closes the pool {@link #open} built; a data source given to {@link #create} is left open. */
    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }

    @Override
    public String toString() {
        return "JdbcPolicyStore[" + dataSource + "]";
    }
}
