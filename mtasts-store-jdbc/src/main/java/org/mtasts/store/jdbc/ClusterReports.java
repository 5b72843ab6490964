package org.mtasts.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.mtasts.http.ReportResult;
import org.mtasts.http.TlsRptReporter;
import org.mtasts.tlsrpt.ReportAggregator;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;
import org.mtasts.tlsrpt.TlsReportWriter;

/**
 * The TLS-RPT counts of a cluster (RFC 8460 §4.1): every node counts its sessions in its own
 * {@link ReportAggregator}, and this service writes the node's partial days to the table {@code
 * mtasts_tlsrpt_partial} every flush interval (default {@link #DEFAULT_FLUSH_INTERVAL}, one
 * minute). After a day is over (plus {@link Builder#reportDelay}), one node, chosen by the lease
 * {@code tlsrpt:<day>}, adds every node's partial day to its report aggregator and runs its {@link
 * TlsRptReporter} for that day, so each policy domain gets one report counting every node's
 * sessions; the day is then marked reported.
 *
 * <p><b>Crashes.</b> A flush writes the node's whole partial day (its aggregator's {@link
 * ReportAggregator#snapshot()}) in one transaction, under a key of its own (node name plus a
 * random incarnation per start, so a restarted node never overwrites what it wrote before). A node
 * that dies therefore loses at most the sessions it counted since its last flush. A reporting node
 * that dies before marking the day reported leaves the lease to expire (default one hour); another
 * node then reports the day again, with the same {@code report-id} (at least once, RFC 8460 §4.4).
 *
 * <p><b>Set-up.</b> Only nodes given a {@link Builder#reporter} take part in reporting (give it to
 * all, or to a few); never run a {@link TlsRptReporter} on a node's counting aggregator in a
 * cluster, or each node sends its own partial report. Sessions counted for a day after it was
 * reported are not sent. The counting aggregator forgets its days two days after they end.
 *
 * <pre>{@code
 * ReportAggregator counting = ReportAggregator.builder().organizationName("Example Mail")
 *         .contactInfo("tlsrpt@example.net").build();                    // MtaSts counts here
 * ReportAggregator merged = ReportAggregator.builder().organizationName("Example Mail")
 *         .contactInfo("tlsrpt@example.net").build();                    // the cluster's days
 * TlsRptReporter reporter = TlsRptReporter.builder(merged).txtResolver(dns).mailer(mailer).build();
 * ClusterReports cluster = ClusterReports.builder(dataSource, counting)
 *         .nodeId("mx1.example.net").reporter(merged, reporter).build(); // flushes every minute
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.1">RFC 8460 §4.1</a>
 * @since 0.1
 */
public final class ClusterReports implements AutoCloseable {

    /** The default interval between two flushes of a node's partial days: one minute. */
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMinutes(1);

    /** The default wait after a day ends before it is merged: ten minutes (every node flushed it). */
    public static final Duration DEFAULT_REPORT_DELAY = Duration.ofMinutes(10);

    /** The default duration of the lease of a day being reported: one hour. */
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofHours(1);

    /** How many days after its end a node keeps a day in its counting aggregator. */
    static final int KEEP_DAYS = 2;

    private static final System.Logger LOG = System.getLogger(ClusterReports.class.getName());

    private static final String UPSERT = "INSERT INTO mtasts_tlsrpt_partial (day, node, report_id, report, flushed_at) "
            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (day, node, report_id) DO UPDATE SET report = excluded.report, "
            + "flushed_at = excluded.flushed_at";

    private final DataSource dataSource;
    private final ReportAggregator counting;
    private final @Nullable ReportAggregator merged;
    private final @Nullable TlsRptReporter reporter;
    private final String nodeId;
    private final String incarnation;
    private final Clock clock;
    private final long reportDelayMillis;
    private final long leaseMillis;
    private final Leases leases;
    private final TlsReportWriter writer = TlsReportWriter.create();
    private final TlsReportReader reader = TlsReportReader.lenient();
    private final Object flushLock = new Object();
    private final @Nullable ScheduledExecutorService ownScheduler;
    private final @Nullable ScheduledFuture<?> periodic;

    private ClusterReports(Builder b) {
        this.dataSource = b.dataSource;
        this.counting = b.counting;
        this.merged = b.merged;
        this.reporter = b.reporter;
        this.nodeId = Objects.requireNonNull(b.nodeId, "nodeId");
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        StringBuilder hex = new StringBuilder();
        for (byte x : random) {
            hex.append(String.format("%02x", x & 0xff));
        }
        this.incarnation = nodeId + "#" + hex;
        this.clock = b.clock;
        this.reportDelayMillis = b.reportDelay.toMillis();
        this.leaseMillis = b.leaseDuration.toMillis();
        this.leases = new Leases(dataSource, clock);
        if (!b.schedule) {
            this.ownScheduler = null;
            this.periodic = null;
        } else {
            ScheduledExecutorService s = b.scheduler;
            if (s == null) {
                ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread thread = new Thread(r, "mtasts-cluster-reports");
                    thread.setDaemon(true);
                    return thread;
                });
                t.setRemoveOnCancelPolicy(true);
                s = t;
                this.ownScheduler = t;
            } else {
                this.ownScheduler = null;
            }
            long every = b.flushInterval.toMillis();
            this.periodic = s.scheduleWithFixedDelay(this::tickQuietly, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Starts a builder.
     *
     * @param dataSource the database (schema created by {@link JdbcSchema#migrate})
     * @param counting the aggregator this node counts its sessions in
     * @return the builder
     */
    public static Builder builder(DataSource dataSource, ReportAggregator counting) {
        return new Builder(dataSource, counting);
    }

    /**
     * Writes this node's partial days now (what the schedule does every flush interval), in one
     * transaction, and forgets days that ended more than two days ago from the counting
     * aggregator.
     *
     * @return the number of reports (policy domain and day) written
     * @throws JdbcStoreException if the database fails (nothing is written; the counts stay)
     */
    public int flushNow() {
        synchronized (flushLock) {
            List<TlsReport> snapshot = counting.snapshot();
            long now = clock.millis();
            try (Connection c = dataSource.getConnection()) {
                boolean auto = c.getAutoCommit();
                c.setAutoCommit(false);
                try (PreparedStatement s = c.prepareStatement(UPSERT)) {
                    for (TlsReport r : snapshot) {
                        s.setString(1, r.dateRange().startDay().toString());
                        s.setString(2, incarnation);
                        s.setString(3, r.reportId());
                        s.setString(4, writer.toJsonString(r));
                        s.setLong(5, now);
                        s.addBatch();
                    }
                    s.executeBatch();
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(auto);
                }
            } catch (SQLException e) {
                throw new JdbcStoreException("flushing the partial TLS-RPT days of " + incarnation, e);
            }
            LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
            for (LocalDate day : counting.days()) {
                if (day.isBefore(today.minusDays(KEEP_DAYS))) {
                    counting.takeReports(day); // flushed above, reported (or never will be) by now
                }
            }
            return snapshot.size();
        }
    }

    /**
     * Reports every day that is over (plus the report delay), flushed by some node and not yet
     * reported, whose lease this node gets: what the schedule does after each flush. Does nothing
     * on a node without a {@link Builder#reporter}.
     *
     * @return what the reporter did, by day (empty if this node reported nothing)
     * @throws JdbcStoreException if the database fails
     */
    public Map<LocalDate, List<ReportResult>> reportDueNow() {
        Map<LocalDate, List<ReportResult>> out = new LinkedHashMap<>();
        if (reporter == null || merged == null) {
            return out;
        }
        long now = clock.millis();
        for (LocalDate day : unreportedDays()) {
            long due = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() + reportDelayMillis;
            if (now < due || !leases.tryAcquire("tlsrpt:" + day, incarnation, leaseMillis)) {
                continue;
            }
            if (reported(day)) {
                continue; // another node finished it between the listing and the lease
            }
            // RFC 8460 §4.1: one report per policy domain and day, counting every node's sessions.
            // What an earlier, failed attempt left of the day is dropped first: never counted twice.
            merged.takeReports(day);
            merged.restore(partials(day));
            out.put(day, reporter.runNow(day));
            markReported(day);
        }
        return out;
    }

    /**
     * Returns the partial reports every node flushed for a day (several per policy domain: one per
     * node); {@link ReportAggregator#restore} of them gives the day's cluster-wide counts.
     *
     * @param day the UTC day
     * @return the flushed reports
     * @throws JdbcStoreException if the database fails
     * @throws IllegalStateException if a stored report does not parse (changed by hand)
     */
    public List<TlsReport> partials(LocalDate day) {
        Objects.requireNonNull(day, "day");
        List<TlsReport> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT node, report_id, report FROM mtasts_tlsrpt_partial WHERE day = ? ORDER BY node, report_id")) {
            s.setString(1, day.toString());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String json = r.getString(3);
                    try {
                        out.add(reader.read(json.getBytes(StandardCharsets.UTF_8)).orElseThrow());
                    } catch (RuntimeException e) {
                        throw new IllegalStateException("the partial report " + r.getString(2) + " of node "
                                + r.getString(1) + " for " + day + " does not parse: " + e.getMessage(), e);
                    }
                }
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new JdbcStoreException("reading the partial TLS-RPT reports of " + day, e);
        }
        return out;
    }

    /** {@return this node's name} */
    public String nodeId() {
        return nodeId;
    }

    /** {@return the key this node's flushes are written under: its name and a random suffix per start} */
    public String incarnation() {
        return incarnation;
    }

    private List<LocalDate> unreportedDays() {
        List<LocalDate> days = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT DISTINCT day FROM mtasts_tlsrpt_partial p WHERE NOT "
                        + "EXISTS (SELECT 1 FROM mtasts_tlsrpt_day d WHERE d.day = p.day) ORDER BY day");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                String text = r.getString(1);
                try {
                    days.add(LocalDate.parse(text));
                } catch (DateTimeParseException e) {
                    LOG.log(System.Logger.Level.WARNING, "ignoring partial TLS-RPT rows of the unreadable day '"
                            + text + "'", e);
                }
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new JdbcStoreException("listing the unreported TLS-RPT days", e);
        }
        return days;
    }

    private boolean reported(LocalDate day) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT 1 FROM mtasts_tlsrpt_day WHERE day = ?")) {
            s.setString(1, day.toString());
            try (ResultSet r = s.executeQuery()) {
                boolean found = r.next();
                if (!c.getAutoCommit()) {
                    c.commit();
                }
                return found;
            }
        } catch (SQLException e) {
            throw new JdbcStoreException("reading whether " + day + " was reported", e);
        }
    }

    /** Marks the day reported and drops its partial rows, in one transaction. */
    private void markReported(LocalDate day) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement mark = c.prepareStatement("INSERT INTO mtasts_tlsrpt_day (day, node, reported_at) "
                    + "VALUES (?, ?, ?) ON CONFLICT (day) DO NOTHING");
                    PreparedStatement drop = c.prepareStatement("DELETE FROM mtasts_tlsrpt_partial WHERE day = ?")) {
                mark.setString(1, day.toString());
                mark.setString(2, incarnation);
                mark.setLong(3, clock.millis());
                mark.executeUpdate();
                drop.setString(1, day.toString());
                drop.executeUpdate();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new JdbcStoreException("marking " + day + " reported", e);
        }
    }

    private void tickQuietly() {
        try {
            flushNow();
            reportDueNow();
        } catch (RuntimeException e) {
            // A failing tick must not cancel the schedule: the next one tries again.
            LOG.log(System.Logger.Level.WARNING, "cluster TLS-RPT flush or report failed", e);
        }
    }

    /**
     * Stops the schedule and flushes one last time (a clean shutdown loses nothing). A scheduler
     * given to the builder is left running; the reporter and aggregators are left to their owner.
     */
    @Override
    public void close() {
        if (periodic != null) {
            periodic.cancel(false);
        }
        if (ownScheduler != null) {
            ownScheduler.shutdownNow();
        }
        try {
            flushNow();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the last TLS-RPT flush of " + incarnation + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "ClusterReports[" + incarnation + (reporter != null ? ", reporting" : "") + "]";
    }

    /**
     * Configures {@link ClusterReports}.
     *
     * <pre>{@code
     * ClusterReports cluster = ClusterReports.builder(dataSource, counting).nodeId("mx1").build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private final ReportAggregator counting;
        private @Nullable String nodeId;
        private @Nullable ReportAggregator merged;
        private @Nullable TlsRptReporter reporter;
        private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
        private Duration reportDelay = DEFAULT_REPORT_DELAY;
        private Duration leaseDuration = DEFAULT_LEASE_DURATION;
        private Clock clock = Clock.systemUTC();
        private @Nullable ScheduledExecutorService scheduler;
        private boolean schedule = true;

        private Builder(DataSource dataSource, ReportAggregator counting) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.counting = Objects.requireNonNull(counting, "counting");
        }

        /**
         * Sets this node's name, unique in the cluster (required).
         *
         * @param nodeId 1 to 100 characters, e.g. the host name
         * @return this builder
         */
        public Builder nodeId(String nodeId) {
            Objects.requireNonNull(nodeId, "nodeId");
            if (nodeId.isBlank() || nodeId.length() > 100) {
                throw new IllegalArgumentException("nodeId '" + nodeId + "' must be 1 to 100 characters, not blank");
            }
            this.nodeId = nodeId;
            return this;
        }

        /**
         * Lets this node report days: the aggregator the cluster's partial days are added to, and
         * the reporter built over it ({@code TlsRptReporter.builder(merged)}).
         *
         * @param merged an aggregator used for nothing else
         * @param reporter the reporter over {@code merged}
         * @return this builder
         */
        public Builder reporter(ReportAggregator merged, TlsRptReporter reporter) {
            this.merged = Objects.requireNonNull(merged, "merged");
            this.reporter = Objects.requireNonNull(reporter, "reporter");
            if (merged == counting) {
                throw new IllegalArgumentException("the merged aggregator must not be the counting one: the node's "
                        + "own counts would be reported twice");
            }
            return this;
        }

        /**
         * Sets the interval between two flushes (default one minute): what a node that dies loses
         * at most.
         *
         * @param interval one second to one hour
         * @return this builder
         */
        public Builder flushInterval(Duration interval) {
            this.flushInterval = check("flushInterval", interval, Duration.ofSeconds(1), Duration.ofHours(1));
            return this;
        }

        /**
         * Sets how long after the end of a day (00:00 UTC) it is merged and reported (default ten
         * minutes): longer than the flush interval, so that every node flushed its last sessions.
         *
         * @param delay zero to one day
         * @return this builder
         */
        public Builder reportDelay(Duration delay) {
            this.reportDelay = check("reportDelay", delay, Duration.ZERO, Duration.ofDays(1));
            return this;
        }

        /**
         * Sets how long the lease of a day being reported lasts (default one hour): after a
         * reporting node dies, another reports the day once this is over.
         *
         * @param duration one minute to one day
         * @return this builder
         */
        public Builder leaseDuration(Duration duration) {
            this.leaseDuration = check("leaseDuration", duration, Duration.ofMinutes(1), Duration.ofDays(1));
            return this;
        }

        /**
         * Sets the clock (default the system UTC clock).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the scheduler of the flushes (default a daemon thread of its own, stopped by {@link
         * #close()}; a scheduler given here is left running).
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Turns the schedule on (the default) or off; off, only {@link #flushNow()} and {@link
         * #reportDueNow()} flush and report (for tests, and for an application with its own timer).
         *
         * @param enabled whether to flush and report on a schedule
         * @return this builder
         */
        public Builder schedule(boolean enabled) {
            this.schedule = enabled;
            return this;
        }

        private static Duration check(String name, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, name);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " " + value + " is not in [" + min + ", " + max + "]");
            }
            return value;
        }

        /**
         * Builds the service and starts its schedule.
         *
         * @return the service
         * @throws IllegalStateException if no node name was set
         */
        public ClusterReports build() {
            if (nodeId == null) {
                throw new IllegalStateException("nodeId(...) is required: each node needs a name unique in the cluster");
            }
            return new ClusterReports(this);
        }
    }
}
