package org.mtasts.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;

/** Named leases in {@code mtasts_lease}: one holder per name until its lease runs out. */
final class Leases {

    /**
     * Takes a free or expired lease, or renews one's own, in one statement: the row is written
     * only if it is absent, expired, or already this holder's, so two nodes racing for a name
     * cannot both get it (the database serializes writes to one key).
     */
    private static final String ACQUIRE = "INSERT INTO mtasts_lease (name, holder, until_ms) VALUES (?, ?, ?) "
            + "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms "
            + "WHERE mtasts_lease.until_ms <= ? OR mtasts_lease.holder = excluded.holder";

    private final DataSource dataSource;
    private final Clock clock;

    Leases(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    boolean tryAcquire(String name, String holder, long durationMillis) {
        long now = clock.millis();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(ACQUIRE)) {
            s.setString(1, name);
            s.setString(2, holder);
            s.setLong(3, now + durationMillis);
            s.setLong(4, now);
            boolean got = s.executeUpdate() == 1;
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return got;
        } catch (SQLException e) {
            throw new JdbcStoreException("taking the lease " + name, e);
        }
    }

    void release(String name, String holder) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("DELETE FROM mtasts_lease WHERE name = ? AND holder = ?")) {
            s.setString(1, name);
            s.setString(2, holder);
            s.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new JdbcStoreException("releasing the lease " + name, e);
        }
    }
}
