package org.mtasts.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.testkit.MutableClock;
import org.mtasts.tlsrpt.ReportAggregator;

/** The same SQL on SQLite (a single node): no server needed, so it runs in every build. */
class SqliteStoreTest {

    @TempDir
    Path dir;
    HikariDataSource ds;
    JdbcPolicyStore store;

    @BeforeEach
    void open() {
        ds = JdbcPolicyStore.pool("jdbc:sqlite:" + dir.resolve("mtasts.db"), Map.of("maximumPoolSize", "1"), "sqlite");
        store = JdbcPolicyStore.create(ds);
    }

    @AfterEach
    void close() {
        store.close();
        ds.close();
    }

    @Test
    @DisplayName("the migration in the jar runs once: a second run finds the current version")
    void migrationIsAppliedOnce() {
        assertThat(JdbcSchema.migrate(ds)).isEqualTo(JdbcSchema.CURRENT_VERSION);
        assertThat(JdbcSchema.statements(JdbcSchema.Dialect.SQLITE, "V1__policies_leases_tlsrpt.sql")).hasSize(4);
    }

    @Test
    @DisplayName("RFC 8461 §3.3: newest wins: a later fetch time, or on equal times a greater record id")
    void newestWins() {
        CachedPolicy newer = Policies.policy("order.example.com", "b", 2_000, 0);
        assertThat(store.putIfNewer(newer)).isTrue();
        assertThat(store.putIfNewer(Policies.policy("order.example.com", "z", 1_999, 0))).isFalse();
        assertThat(store.putIfNewer(Policies.policy("order.example.com", "B", 2_000, 0))).isFalse();
        assertThat(store.putIfNewer(newer)).isFalse(); // the same entry again: nothing changes
        assertThat(store.putIfNewer(Policies.policy("order.example.com", "c", 2_000, 0))).isTrue();
        assertThat(store.get(newer.domain()).orElseThrow().recordId()).isEqualTo("c");
        assertThat(store.get(DomainName.of("other.example.com"))).isEmpty();
    }

    @Test
    @DisplayName("forEach pages through more rows than one page; a row changed by hand is reported, not served")
    void forEachPagesAndBadRowsAreReported() throws Exception {
        for (int i = 0; i < 1_234; i++) {
            store.put(Policies.policy("d" + i + ".example.com", "id" + i, i, 0));
        }
        List<CachedPolicy> all = new ArrayList<>();
        store.forEach(all::add);
        assertThat(all).hasSize(1_234);
        assertThat(store.size()).isEqualTo(1_234);
        try (var c = ds.getConnection(); var s = c.createStatement()) {
            s.executeUpdate("UPDATE mtasts_policy SET policy_text = 'garbage' WHERE domain = 'd7.example.com'");
        }
        assertThatThrownBy(() -> store.get(DomainName.of("d7.example.com"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the stored policy of d7.example.com does not parse");
        all.clear();
        store.forEach(all::add);
        assertThat(all).hasSize(1_233);
    }

    @Test
    @DisplayName("a refresh lease is one node's until released or expired")
    void leaseIsExclusive() {
        MutableClock clock = MutableClock.of(Policies.BASE);
        JdbcRefreshLease a = JdbcRefreshLease.create(ds, "a", Duration.ofMinutes(5), clock);
        JdbcRefreshLease b = JdbcRefreshLease.create(ds, "b", Duration.ofMinutes(5), clock);
        DomainName d = DomainName.of("example.com");
        assertThat(a.tryAcquire(d)).isTrue();
        assertThat(b.tryAcquire(d)).isFalse();
        assertThat(a.tryAcquire(d)).isTrue(); // renewed
        clock.advance(Duration.ofMinutes(5));
        assertThat(b.tryAcquire(d)).isTrue();
        b.release(d);
        a.release(d); // not a's any more: nothing happens
        assertThat(a.tryAcquire(d)).isTrue();
        assertThatThrownBy(() -> JdbcRefreshLease.create(ds, " ", Duration.ofMinutes(5), clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodeId ' '");
    }

    @Test
    @DisplayName("RFC 8460 §4.1: a flush writes the node's partial day; a later flush replaces it with the larger one")
    void flushWritesThePartialDay() {
        MutableClock clock = MutableClock.of(ClusterReportsStoreIT.NOON);
        ReportAggregator counting = ClusterReportsStoreIT.aggregator(clock);
        ClusterReports node = ClusterReports.builder(ds, counting).nodeId("mx1").clock(clock).schedule(false).build();
        ReportAggregator.PolicyKey key = counting.policy(ClusterReportsStoreIT.POLICIES.get(0));
        counting.success(key);
        assertThat(node.flushNow()).isEqualTo(1);
        counting.success(key);
        node.flushNow();
        assertThat(node.partials(ClusterReportsStoreIT.DAY)).singleElement()
                .satisfies(r -> assertThat(r.policies().get(0).summary().totalSuccessfulSessionCount()).isEqualTo(2));
        assertThat(node.incarnation()).startsWith("mx1#");
        assertThat(node.reportDueNow()).isEmpty(); // not a reporting node
        assertThatThrownBy(() -> ClusterReports.builder(ds, counting).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nodeId");
        assertThatThrownBy(() -> JdbcPolicyStore.open("postgresql://x", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JDBC URL");
    }
}
