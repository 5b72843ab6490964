package org.mtasts.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.PolicyStore;
import org.mtasts.http.FrontedPolicyStore;
import org.mtasts.http.MailResult;
import org.mtasts.http.MtaSts;
import org.mtasts.http.RefreshLease;
import org.mtasts.http.ReportMailer;
import org.mtasts.http.TlsRptReporter;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.tlsrpt.ReportAggregator;

/**
 * The examples of mtasts-store-jdbc's Javadoc, of FrontedPolicyStore's, and of the README's
 * "Running a cluster", run as written on SQLite (the same SQL as on PostgreSQL, no server).
 */
class JdbcExamplesTest {

    static final System.Logger LOG = System.getLogger(JdbcExamplesTest.class.getName());

    @TempDir
    Path dir;
    HikariDataSource dataSource;
    String jdbcUrl;
    final String secret = "";
    final FakeTxtResolver dns = FakeTxtResolver.create();
    final ReportMailer mailer = mail -> MailResult.accepted("250 ok");

    @BeforeEach
    void open() {
        jdbcUrl = "jdbc:sqlite:" + dir.resolve("mta.db");
        dataSource = JdbcPolicyStore.pool(jdbcUrl, Map.of(), "examples");
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    @DisplayName("JdbcSchema: the migration shipped in the jar")
    void schema() {
        // --- example: JdbcSchema
        int version = JdbcSchema.migrate(dataSource);     // JdbcPolicyStore.create(...) does it too
        // ---
        assertThat(version).isZero();
        assertThat(JdbcSchema.migrate(dataSource)).isEqualTo(JdbcSchema.CURRENT_VERSION);
    }

    @Test
    @DisplayName("JdbcPolicyStore: one line from a URL, behind a front, with a lease")
    void policyStore() {
        // --- example: JdbcPolicyStore
        JdbcPolicyStore shared = JdbcPolicyStore.open(jdbcUrl,      // jdbc:postgresql://db.example.net/mta
                Map.of("username", "mta", "password", secret, "maximumPoolSize", "8"));
        MtaSts sts = MtaSts.builder()
                .txtResolver(dns) // sandbox only
                .store(FrontedPolicyStore.over(shared))
                .refreshLease(JdbcRefreshLease.create(shared.dataSource(), "mx1"))
                .build();
        // ---
        assertThat(sts.store()).isInstanceOf(FrontedPolicyStore.class);
        sts.close();
        shared.close();
    }

    @Test
    @DisplayName("JdbcRefreshLease and FrontedPolicyStore")
    void leaseAndFront() {
        JdbcSchema.migrate(dataSource);
        PolicyStore store = FrontedPolicyStore.over(JdbcPolicyStore.create(dataSource));
        // --- example: JdbcRefreshLease
        RefreshLease lease = JdbcRefreshLease.create(dataSource, "mx1.example.net");
        MtaSts sts = MtaSts.builder().store(store).refreshLease(lease).build();
        // ---
        sts.close();
    }

    @Test
    @DisplayName("FrontedPolicyStore: one per node over the shared store")
    void front() {
        RefreshLease lease = JdbcRefreshLease.create(dataSource, "mx1.example.net");
        // --- example: FrontedPolicyStore
        PolicyStore shared = JdbcPolicyStore.create(dataSource);             // mtasts-store-jdbc
        PolicyStore store = FrontedPolicyStore.over(shared);                 // one per node
        MtaSts sts = MtaSts.builder().store(store).refreshLease(lease).build();
        // ---
        assertThat(sts.store()).isSameAs(store);
        sts.close();
    }

    @Test
    @DisplayName("JdbcStoreException: a failed operation names itself")
    void storeException() {
        JdbcPolicyStore store = JdbcPolicyStore.create(dataSource);
        CachedPolicy policy = Policies.policy("example.com", "1", 0, 0);
        dataSource.close(); // the pool is gone: every operation fails
        // --- example: JdbcStoreException
        try {
            store.put(policy);
        } catch (JdbcStoreException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage(), e.getCause());
        }
        // ---
    }

    @Test
    @DisplayName("ClusterReports: each node flushes, one reports the merged day")
    void clusterReports() {
        JdbcSchema.migrate(dataSource);
        // --- example: ClusterReports
        ReportAggregator counting = ReportAggregator.builder().organizationName("Example Mail")
                .contactInfo("tlsrpt@example.net").build();                    // MtaSts counts here
        ReportAggregator merged = ReportAggregator.builder().organizationName("Example Mail")
                .contactInfo("tlsrpt@example.net").build();                    // the cluster's days
        TlsRptReporter reporter = TlsRptReporter.builder(merged).txtResolver(dns).mailer(mailer).build();
        ClusterReports cluster = ClusterReports.builder(dataSource, counting)
                .nodeId("mx1.example.net").reporter(merged, reporter).build(); // flushes every minute
        // ---
        assertThat(cluster.flushNow()).isZero();
        cluster.close();
        reporter.close();
    }

    @Test
    @DisplayName("README Running a cluster: a node's set-up")
    void readmeRunningACluster() {
        String nodeId = "mx1.example.net";
        // --- example: README Running a cluster
        JdbcPolicyStore shared = JdbcPolicyStore.open(jdbcUrl,            // jdbc:postgresql://db.example.net/mta
                Map.of("username", "mta", "password", secret, "maximumPoolSize", "8"));  // HikariCP settings
        ReportAggregator counting = ReportAggregator.builder()              // this node's sessions
                .organizationName("Example Mail").contactInfo("tlsrpt@example.net").build();
        MtaSts sts = MtaSts.builder()
                .txtResolver(dns) // sandbox only
                .store(FrontedPolicyStore.over(shared))                     // reads of the last minute from memory
                .refreshLease(JdbcRefreshLease.create(shared.dataSource(), nodeId))
                .reportAggregator(counting)
                .build();
        ReportAggregator merged = ReportAggregator.builder()                // the cluster's days, for reporting
                .organizationName("Example Mail").contactInfo("tlsrpt@example.net").build();
        TlsRptReporter reporter = TlsRptReporter.builder(merged).txtResolver(dns).mailer(mailer).build();
        ClusterReports cluster = ClusterReports.builder(shared.dataSource(), counting)
                .nodeId(nodeId).reporter(merged, reporter)                  // flushes every minute, reports once a day
                .build();
        // ---
        assertThat(cluster.incarnation()).startsWith(nodeId + "#");
        assertThat(sts.reportAggregator()).contains(counting);
        cluster.close();
        reporter.close();
        sts.close();
        shared.close();
    }

    @Test
    @DisplayName("ClusterReports.Builder: a node that only counts")
    void clusterBuilder() {
        JdbcSchema.migrate(dataSource);
        ReportAggregator counting = ReportAggregator.builder().organizationName("Example Mail")
                .contactInfo("tlsrpt@example.net").build();
        // --- example: ClusterReports.Builder
        ClusterReports cluster = ClusterReports.builder(dataSource, counting).nodeId("mx1").build();
        // ---
        assertThat(cluster.incarnation()).startsWith("mx1#");
        cluster.close();
    }
}
