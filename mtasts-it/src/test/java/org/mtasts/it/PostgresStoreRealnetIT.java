package org.mtasts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtasts.intake.JdbcReportStore;
import org.mtasts.intake.ReportIdentity;
import org.mtasts.tlsrpt.ReadResult;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;

/**
 * {@link JdbcReportStore} on a real PostgreSQL (realnet add-on {@code integration/realnet/postgres.sh},
 * 127.0.0.1:5411): the corpus's reports added by four threads twice over are stored once each and
 * read back equal. Each run uses a table of its own and drops it.
 */
class PostgresStoreRealnetIT {

    private static Properties postgres;
    private static Properties login;
    private final String table = "it_" + UUID.randomUUID().toString().replace("-", "");

    @BeforeAll
    static void postgres() throws IOException {
        Realnet.get();
        Path file = Path.of(System.getProperty("realnet.dir", "/tmp/realnet"), "postgres", "postgres.properties");
        if (!Files.isRegularFile(file)) {
            String message = "the realnet add-on PostgreSQL is not running (no " + file
                    + "): start it with sudo integration/realnet/postgres.sh start";
            if (Boolean.getBoolean("realnet.required")) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        postgres = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            postgres.load(in);
        }
        login = new Properties();
        login.setProperty("user", postgres.getProperty("user"));
        login.setProperty("password", Files.readString(Path.of(postgres.getProperty("password.file"))).strip());
    }

    @AfterEach
    void dropTable() throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.getProperty("url"), login);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    @Test
    void storesEveryCorpusReportOnceUnderConcurrentWriters() throws Exception {
        List<TlsReport> reports = new ArrayList<>();
        Path corpus = Path.of(System.getProperty("mtasts.shared.dir"), "corpus", "reports");
        try (var files = Files.list(corpus)) {
            for (Path f : files.sorted().toList()) {
                if (TlsReportReader.lenient().read(f) instanceof ReadResult.Read read) {
                    reports.add(read.report());
                }
            }
        }
        Set<ReportIdentity> distinct = new HashSet<>();
        reports.forEach(r -> distinct.add(ReportIdentity.of(r)));
        JdbcReportStore store = JdbcReportStore.open(postgres.getProperty("url"), login, table);

        ExecutorService pool = Executors.newFixedThreadPool(4);
        long stored = 0;
        try {
            List<Callable<Boolean>> adds = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (TlsReport r : reports) {
                    adds.add(() -> store.add(r));
                }
            }
            for (Future<Boolean> f : pool.invokeAll(adds)) {
                stored += f.get() ? 1 : 0;
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(stored).isEqualTo(distinct.size());
        assertThat(store.size()).isEqualTo(distinct.size());
        Set<ReportIdentity> back = new HashSet<>();
        for (TlsReport r : store.reports()) {
            back.add(ReportIdentity.of(r));
            assertThat(reports).contains(r);
        }
        assertThat(back).isEqualTo(distinct);
        assertThat(store.contains(ReportIdentity.of(reports.get(0)))).isTrue();
        assertThat(store.contains(new ReportIdentity("nobody", "nothing"))).isFalse();
        // Opening again finds the table and its rows.
        assertThat(JdbcReportStore.open(postgres.getProperty("url"), login, table).size()).isEqualTo(distinct.size());
    }
}
