package org.mtasts.http;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.Discovery;
import org.mtasts.core.DomainName;
import org.mtasts.core.RecordSelection;
import org.mtasts.core.ReportUri;
import org.mtasts.core.TlsRptRecord;
import org.mtasts.core.TxtResolver;
import org.mtasts.http.ReporterState.Outcome;
import org.mtasts.http.ReporterState.Pending;
import org.mtasts.http.ReporterState.Round;
import org.mtasts.http.ReporterState.Target;
import org.mtasts.tlsrpt.ReportAggregator;
import org.mtasts.tlsrpt.ReportFormat;
import org.mtasts.tlsrpt.TlsReport;

/**
 * The sending MTA's daily TLS-RPT report service (RFC 8460 §4.1, §5): after each UTC day, it takes
 * the day's reports from a {@link ReportAggregator} (one per policy domain), looks up each policy
 * domain's TLSRPT record, and delivers the report to every {@code rua} destination, retrying
 * failures within the day.
 *
 * <ul>
 *   <li><b>When.</b> Once a day, at a random moment within {@link Builder#sendWindow(Duration)} after
 *       00:00 UTC (default {@link #DEFAULT_SEND_WINDOW}, four hours: RFC 8460 §4.1 asks for a delay
 *       of "perhaps several hours" so that receivers are not all hit at midnight, and its example
 *       draws a random delay of up to four hours). Every UTC day before today that has sessions is
 *       reported. A reporter started after its moment of the day runs at once.</li>
 *   <li><b>Where.</b> The TLSRPT record at {@code _smtp._tls.<policy-domain>}, selected by RFC 8460
 *       §3 (exactly one valid record). No record, an invalid one or several: nothing is sent, and
 *       the result says why. A temporary DNS failure is retried like a failed delivery.</li>
 *   <li><b>How.</b> Each destination on its own (RFC 8460 §3): {@code https:} is POSTed gzip-compressed
 *       with {@link ReportUploader} (RFC 8460 §5.2, §5.4); {@code mailto:} gets the report e-mail of
 *       RFC 8460 §5.3, signed by the {@link ReportMailSigner} and handed to the {@link ReportMailer};
 *       other schemes are skipped. The report is delivered once one destination accepted it.</li>
 *   <li><b>Retries</b> (RFC 8460 §5.5: for up to 24 hours, ideally with exponential back-off): a
 *       failed destination is tried again after {@link #DEFAULT_FIRST_RETRY}, then after twice as
 *       long each time, at most {@link #DEFAULT_MAX_RETRY_INTERVAL} apart, with a last attempt 24
 *       hours after the first; a permanent rejection (a status not worth retrying, an unusable URI,
 *       a mail refused) is not retried.</li>
 *   <li><b>Suppression.</b> A destination that gave up or rejected a report is skipped for {@link
 *       Builder#suppression(Duration)} (default {@link #DEFAULT_SUPPRESSION}), then tried again.</li>
 *   <li><b>Results.</b> {@link #results()} tells what happened to each report and destination,
 *       for {@link #RESULT_RETENTION} (48 hours).</li>
 *   <li><b>Restarts.</b> With a {@link Builder#stateDirectory(Path)}, reports not yet finished (taken
 *       from the aggregator, not yet delivered everywhere) and the suppression list are written at
 *       each change, crash-safe (as {@link FilePolicyStore} writes), and picked up at start-up; a
 *       corrupt file is moved aside and reported, never fatal. A delivery cut by a crash is made
 *       again (at least once).</li>
 * </ul>
 *
 * <p>{@link #runNow(LocalDate)}, {@link #runNow()} and {@link #retryDueNow()} are the operator's
 * doors, and the schedule calls the same code. Time comes from the {@link Builder#clock(Clock)}.
 *
 * <pre>{@code
 * TlsRptReporter reporter = TlsRptReporter.builder(aggregator)      // the aggregator the MTA counts in
 *         .txtResolver(dns)
 *         .mailer(mailer)                                           // for mailto: destinations
 *         .stateDirectory(Path.of("/var/lib/mta/tlsrpt"))
 *         .build();                                                 // runs every day after 00:00 UTC
 * List<ReportResult> yesterday = reporter.runNow(LocalDate.now(ZoneOffset.UTC).minusDays(1));  // by hand
 * reporter.close();                                                 // at shutdown
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.1">RFC 8460 §4.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5">RFC 8460 §5</a>
 * @since 0.1
 */
public final class TlsRptReporter implements AutoCloseable {

    /**
     * The default window after 00:00 UTC in which the daily run starts, at a random moment: four
     * hours, the example of RFC 8460 §4.1.
     */
    public static final Duration DEFAULT_SEND_WINDOW = Duration.ofHours(4);

    /** How long a failed destination (or TXT look-up) is retried after its first attempt (RFC 8460 §5.5). */
    public static final Duration RETRY_PERIOD = Duration.ofHours(24);

    /** The default wait before the first retry; each further wait doubles. */
    public static final Duration DEFAULT_FIRST_RETRY = Duration.ofMinutes(5);

    /** The default longest wait between two attempts. */
    public static final Duration DEFAULT_MAX_RETRY_INTERVAL = Duration.ofHours(4);

    /**
     * The default time a destination stays suppressed: seven days. A destination that failed for a
     * whole day of retries, or refused a report, is most likely broken for days (an endpoint or
     * mailbox gone); skipping it for a week spares it and us a day of retries per report, while a
     * repaired destination gets reports again within a week.
     */
    public static final Duration DEFAULT_SUPPRESSION = Duration.ofDays(7);

    /** How long results are kept. */
    public static final Duration RESULT_RETENTION = Duration.ofHours(48);

    /** The most results kept (the oldest are dropped first). */
    public static final int MAX_RESULTS = 100_000;

    /** The most suppressed destinations kept (the ones expiring first are dropped first). */
    public static final int MAX_SUPPRESSED = 10_000;

    /** The default number of look-ups and deliveries in flight at once. */
    public static final int DEFAULT_CONCURRENCY = 4;

    /** The default time {@link #close()} waits for deliveries in flight. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /** How many days' runs are remembered for {@link #runNow(LocalDate)} to join. */
    static final int MAX_REMEMBERED_RUNS = 8;

    private static final System.Logger LOG = System.getLogger(TlsRptReporter.class.getName());

    /** The default listener for state file problems: {@link System.Logger} at WARNING. */
    private static final FilePolicyStore.ProblemListener LOG_PROBLEMS = (file, problem, cause) -> LOG.log(
            System.Logger.Level.WARNING, "TLS-RPT reporter state file " + file + ": " + problem, cause);

    /** The HTTPS delivery: {@link ReportUploader#uploadAsync}, or a test double. */
    @FunctionalInterface
    interface Uploads {
        CompletableFuture<UploadResult> upload(URI endpoint, byte[] body, ReportFormat format);
    }

    private final ReportAggregator aggregator;
    private final TxtResolver resolver;
    private final Uploads uploads;
    private final @Nullable ReportUploader ownedUploader;
    private final @Nullable ReportMailer mailer;
    private final @Nullable String mailFrom;
    private final ReportMailSigner signer;
    private final Clock clock;
    private final Random random;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Executor executor;
    private final @Nullable ExecutorService ownedExecutor;
    private final long windowMillis;
    private final long firstRetryMillis;
    private final long maxRetryMillis;
    private final long suppressionMillis;
    private final Duration closeTimeout;
    private final @Nullable ReporterStore store;
    private final Limiter limiter;

    private final Object lock = new Object();
    /** Reports not finished, by id (guarded by lock). */
    private final Map<Long, Pending> pending = new LinkedHashMap<>();
    /** Suppressed destinations: URI to the end of the suppression (guarded by lock). */
    private final Map<String, Instant> suppressed = new LinkedHashMap<>();
    private long suppressedVersion;
    private long suppressedWritten;
    private final Object suppressedFileLock = new Object();
    private final ArrayDeque<ReportResult> results = new ArrayDeque<>();
    private final Set<CompletableFuture<?>> inFlight = new HashSet<>();
    private long nextId = 1;
    private boolean closed;
    private @Nullable ScheduledFuture<?> dailyTask;
    private @Nullable Instant nextRun;
    /** The latest runs by day (under the lock), so that a run of a day already taken joins it. */
    private final Map<LocalDate, CompletableFuture<List<ReportResult>>> runsByDay = new LinkedHashMap<>();
    private @Nullable ScheduledFuture<?> retryTask;
    private @Nullable Instant retryAt;

    private TlsRptReporter(Builder b, TxtResolver resolver) {
        this.aggregator = b.aggregator;
        this.resolver = resolver;
        if (b.uploads != null) {
            this.uploads = b.uploads;
            this.ownedUploader = null;
        } else if (b.uploader != null) {
            this.uploads = b.uploader::uploadAsync;
            this.ownedUploader = null;
        } else {
            ReportUploader own = ReportUploader.builder().build();
            this.uploads = own::uploadAsync;
            this.ownedUploader = own;
        }
        this.mailer = b.mailer;
        this.mailFrom = b.mailFrom;
        this.signer = b.signer;
        this.clock = b.clock;
        this.random = b.random != null ? b.random : new Random();
        this.windowMillis = b.sendWindow.toMillis();
        this.firstRetryMillis = b.firstRetry.toMillis();
        this.maxRetryMillis = b.maxRetryInterval.toMillis();
        this.suppressionMillis = b.suppression.toMillis();
        this.closeTimeout = b.closeTimeout;
        this.store = b.stateDir == null ? null : new ReporterStore(b.stateDir, b.problems);
        this.limiter = new Limiter(b.concurrency);
        if (b.scheduler != null) {
            this.scheduler = b.scheduler;
            this.ownsScheduler = false;
        } else {
            ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread t = new Thread(runnable, "mtasts-tlsrpt-schedule");
                t.setDaemon(true);
                return t;
            });
            own.setRemoveOnCancelPolicy(true);
            this.scheduler = own;
            this.ownsScheduler = true;
        }
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownedExecutor = null;
        } else {
            AtomicInteger count = new AtomicInteger();
            ThreadPoolExecutor own = new ThreadPoolExecutor(b.concurrency, b.concurrency, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), runnable -> {
                        Thread t = new Thread(runnable, "mtasts-tlsrpt-delivery-" + count.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            own.allowCoreThreadTimeOut(true);
            this.executor = own;
            this.ownedExecutor = own;
        }
    }

    /**
     * Returns a builder for a reporter of the aggregator's reports.
     *
     * @param aggregator where the MTA counts its sessions
     * @return the builder
     */
    public static Builder builder(ReportAggregator aggregator) {
        return new Builder(aggregator);
    }

    // ---------------------------------------------------------------- the doors

    /**
     * Takes the reports of every UTC day before today that has sessions and delivers them: what
     * the daily schedule runs. Waits until each report's record is looked up and each destination
     * tried once.
     *
     * @return what happened in this run (later retries add their results to {@link #results()})
     * @throws IllegalStateException if the reporter is closed
     */
    public List<ReportResult> runNow() {
        return join(runNowAsync());
    }

    /**
     * Starts {@link #runNow()}.
     *
     * @return what happened in this run; completes on the executor
     * @throws IllegalStateException if the reporter is closed
     */
    public CompletableFuture<List<ReportResult>> runNowAsync() {
        checkOpen();
        LocalDate today = today();
        SortedSet<LocalDate> days = aggregator.days();
        List<CompletableFuture<List<ReportResult>>> runs = new ArrayList<>();
        for (LocalDate day : days) {
            if (day.isBefore(today)) {
                runs.add(runNowAsync(day));
            }
        }
        return CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            List<ReportResult> all = new ArrayList<>();
            for (CompletableFuture<List<ReportResult>> run : runs) {
                all.addAll(run.join());
            }
            return Collections.unmodifiableList(all);
        });
    }

    /**
     * Takes the reports of one UTC day from the aggregator now and delivers them. Meant for a day
     * that is over; for today, sessions counted later go into a new partial report of the day. When
     * the daily run already took the day (a reporter started after its moment of the day runs at
     * once), this returns what that run did, waiting for it if it is still going.
     *
     * @param day the UTC day
     * @return what happened in this run: the record look-ups and each destination's first attempt
     * @throws IllegalArgumentException if the day is after today (UTC, by the reporter's clock)
     * @throws IllegalStateException if the reporter is closed
     */
    public List<ReportResult> runNow(LocalDate day) {
        return join(runNowAsync(day));
    }

    /**
     * Starts {@link #runNow(LocalDate)}.
     *
     * @param day the UTC day
     * @return what happened in this run; completes on the executor
     * @throws IllegalArgumentException if the day is after today
     * @throws IllegalStateException if the reporter is closed
     */
    public CompletableFuture<List<ReportResult>> runNowAsync(LocalDate day) {
        Objects.requireNonNull(day, "day");
        if (day.isAfter(today())) {
            throw new IllegalArgumentException("day " + day + " has not begun (UTC, now " + clock.instant() + ")");
        }
        checkOpen();
        Round round = new Round();
        List<Pending> created;
        List<Selection> selections;
        CompletableFuture<List<ReportResult>> run = new CompletableFuture<>();
        Instant now = clock.instant();
        synchronized (lock) {
            // Taken and registered under one lock: a run of the same day that finds nothing left to
            // take joins the run that took it (the daily run and an operator's runNow, say).
            List<TlsReport> reports = aggregator.takeReports(day);
            if (reports.isEmpty()) {
                CompletableFuture<List<ReportResult>> earlier = runsByDay.get(day);
                return earlier != null ? earlier : CompletableFuture.completedFuture(List.of());
            }
            created = new ArrayList<>(reports.size());
            selections = new ArrayList<>(reports.size());
            for (TlsReport report : reports) {
                // ReportAggregator makes one report per policy domain.
                DomainName domain = DomainName.of(report.policyDomains().get(0));
                Pending p = new Pending(nextId++, day, domain, report);
                p.nextLookup = now;
                p.version++;
                pending.put(p.id, p);
                created.add(p);
                // Each look-up is marked in flight in the critical section that makes the report:
                // a retry pass (the retry timer, armed as soon as the first look-up or delivery
                // completes, or an operator's retryDueNow) that runs while this run is still
                // starting its reports finds nothing due, and cannot take a report, and its
                // results, away from this run.
                selections.add(select(p, round, now));
            }
            runsByDay.put(day, run);
            while (runsByDay.size() > MAX_REMEMBERED_RUNS) {
                runsByDay.remove(runsByDay.keySet().iterator().next());
            }
        }
        // Written before any attempt: a crash from here on loses no report taken from the aggregator.
        for (Pending p : created) {
            save(p);
        }
        List<CompletableFuture<Void>> steps = new ArrayList<>(created.size());
        for (int i = 0; i < created.size(); i++) {
            steps.add(launch(created.get(i), round, selections.get(i)));
        }
        CompletableFuture.allOf(steps.toArray(new CompletableFuture<?>[0])).thenApply(v -> round.results())
                .whenComplete((results, error) -> {
                    if (error != null) {
                        run.completeExceptionally(error);
                    } else {
                        run.complete(results);
                    }
                });
        return track(run);
    }

    /**
     * Makes every attempt that is due: retries of failed destinations and of failed TXT look-ups
     * (what the retry timer runs). A destination due more than 24 hours after its first attempt
     * gives up instead (RFC 8460 §5.5).
     *
     * @return what happened
     * @throws IllegalStateException if the reporter is closed
     */
    public List<ReportResult> retryDueNow() {
        return join(retryDueNowAsync());
    }

    /**
     * Starts {@link #retryDueNow()}.
     *
     * @return what happened; completes on the executor
     * @throws IllegalStateException if the reporter is closed
     */
    public CompletableFuture<List<ReportResult>> retryDueNowAsync() {
        checkOpen();
        Round round = new Round();
        List<Pending> all;
        synchronized (lock) {
            all = new ArrayList<>(pending.values());
        }
        List<CompletableFuture<Void>> steps = new ArrayList<>(all.size());
        for (Pending p : all) {
            steps.add(step(p, round));
        }
        return track(CompletableFuture.allOf(steps.toArray(new CompletableFuture<?>[0])).thenApply(v -> round.results()));
    }

    /**
     * Returns what happened in the last {@link #RESULT_RETENTION} (48 hours), oldest first: each
     * report's record look-up and outcome, each destination's attempts. Older results are dropped.
     *
     * @return the results
     */
    public List<ReportResult> results() {
        synchronized (lock) {
            pruneResults(clock.instant());
            return List.copyOf(results);
        }
    }

    /**
     * Returns the suppressed destinations (URI as published) and when each suppression ends.
     *
     * @return the suppression list, sorted by URI
     */
    public Map<String, Instant> suppressed() {
        synchronized (lock) {
            pruneSuppressed(clock.instant());
            return Collections.unmodifiableMap(new TreeMap<>(suppressed));
        }
    }

    /** {@return the number of reports taken from the aggregator and not finished yet} */
    public int pendingReports() {
        synchronized (lock) {
            return pending.size();
        }
    }

    /** {@return when the next daily run is scheduled, or empty once closed} */
    public Optional<Instant> nextRun() {
        synchronized (lock) {
            return Optional.ofNullable(closed ? null : nextRun);
        }
    }

    /** {@return when the next retry is due, or empty if none is} */
    public Optional<Instant> nextRetry() {
        synchronized (lock) {
            return Optional.ofNullable(earliestDue());
        }
    }

    // ---------------------------------------------------------------- one report, step by step

    /** Runs whatever is due for one report: its look-up, or the attempts at its destinations. */
    private CompletableFuture<Void> step(Pending p, Round round) {
        Selection selection;
        synchronized (lock) {
            selection = select(p, round, clock.instant());
        }
        if (selection.changed) {
            save(p);
        }
        return launch(p, round, selection);
    }

    /** What {@link #select} picked: whether to look the record up, and which destinations to try. */
    private static final class Selection {
        boolean lookup;
        boolean changed;
        final List<Target> attempts = new ArrayList<>();
    }

    /**
     * Picks what is due for one report and marks it in flight, under the lock: the look-up, or
     * the destinations. Marking happens in the same critical section in which a look-up makes the
     * destinations, so that the retry timer can never take a fresh destination from the run that
     * found it (that run reports its first attempts); likewise {@link #runNowAsync(LocalDate)}
     * selects each fresh report's look-up in the critical section that takes the report.
     */
    private Selection select(Pending p, Round round, Instant now) {
        Selection sel = new Selection();
        if (p.finished) {
            return sel;
        }
        if (p.targets == null) {
            if (!p.lookupInFlight && p.nextLookup != null && !p.nextLookup.isAfter(now)) {
                Instant first = p.firstLookup;
                if (first != null && now.isAfter(first.plus(RETRY_PERIOD))) {
                    // RFC 8460 §5.5: no attempt later than 24 hours after the first.
                    record(round, p, null, ReportResult.Kind.GAVE_UP, "the TLSRPT record could not be looked up "
                            + "since " + first + " (RFC 8460 §5.5: 24 hours)", p.lookups, null, now);
                    finish(p);
                } else {
                    p.lookupInFlight = true;
                    if (first == null) {
                        p.firstLookup = now;
                    }
                    sel.lookup = true;
                }
                sel.changed = true;
            }
        } else {
            for (Target t : p.targets) {
                Instant next = t.next;
                if (next == null || t.inFlight || next.isAfter(now)) {
                    continue;
                }
                sel.changed = true;
                Instant first = t.first;
                if (first != null && now.isAfter(first.plus(RETRY_PERIOD))) {
                    giveUp(round, p, t, "no attempt since " + first + " succeeded", now);
                    continue;
                }
                Instant until = suppressedUntil(t.uri, now);
                if (until != null) {
                    t.next = null;
                    record(round, p, t.uri, ReportResult.Kind.SUPPRESSED, "on the suppression list until " + until,
                            0, null, now);
                    continue;
                }
                t.inFlight = true;
                if (first == null) {
                    t.first = now;
                }
                sel.attempts.add(t);
            }
            maybeFinish(round, p, now);
        }
        if (sel.changed) {
            p.version++;
        }
        return sel;
    }

    private CompletableFuture<Void> launch(Pending p, Round round, Selection sel) {
        List<CompletableFuture<Void>> launched = new ArrayList<>(sel.attempts.size() + 1);
        if (sel.lookup) {
            launched.add(lookup(p, round));
        }
        for (Target t : sel.attempts) {
            launched.add(attempt(p, t, round));
        }
        return CompletableFuture.allOf(launched.toArray(new CompletableFuture<?>[0]));
    }

    private CompletableFuture<Void> lookup(Pending p, Round round) {
        CompletableFuture<Discovery<TlsRptRecord>> found = limited(
                () -> RecordSelection.discoverTlsRpt(resolver, p.domain));
        return onExecutor(found, (discovery, error) -> afterLookup(p, round, discovery, error));
    }

    private CompletableFuture<Void> afterLookup(Pending p, Round round, @Nullable Discovery<TlsRptRecord> found,
            @Nullable Throwable error) {
        Discovery<TlsRptRecord> discovery = found != null ? found : new Discovery.TemporaryFailure<>(
                "the TXT look-up failed: " + (error == null ? "no answer" : Printable.describe(unwrap(error))), error);
        Instant now = clock.instant();
        Selection selection;
        synchronized (lock) {
            p.lookupInFlight = false;
            p.lookups++;
            String name = p.domain.tlsRptRecordName();
            switch (discovery.kind()) {
                case FOUND -> {
                    TlsRptRecord rec = ((Discovery.Found<TlsRptRecord>) discovery).record();
                    p.nextLookup = null;
                    p.targets = targetsOf(round, p, rec, now);
                    maybeFinish(round, p, now);
                }
                case ABSENT -> {
                    // RFC 8460 §3: no TLSRPT record, no report.
                    record(round, p, null, ReportResult.Kind.NO_RECORD, "no TLSRPT record at " + name + ": "
                            + ((Discovery.Absent<TlsRptRecord>) discovery).detail(), p.lookups, null, now);
                    finish(p);
                }
                case INVALID -> {
                    Discovery.Invalid<TlsRptRecord> invalid = (Discovery.Invalid<TlsRptRecord>) discovery;
                    record(round, p, null, ReportResult.Kind.INVALID_RECORD, "the TLSRPT record at " + name
                            + " is invalid: " + invalid.error() + "; record '" + Printable.of(invalid.text()) + "'",
                            p.lookups, null, now);
                    finish(p);
                }
                case MULTIPLE -> {
                    // RFC 8460 §3: if the number of TLSRPT records is not one, there is no record.
                    record(round, p, null, ReportResult.Kind.MULTIPLE_RECORDS, ((Discovery.Multiple<TlsRptRecord>)
                            discovery).texts().size() + " TLSRPT records at " + name + " (RFC 8460 §3: exactly one)",
                            p.lookups, null, now);
                    finish(p);
                }
                case TEMPORARY_FAILURE -> {
                    String detail = "the TXT look-up of " + name + " failed: "
                            + ((Discovery.TemporaryFailure<TlsRptRecord>) discovery).detail();
                    Instant next = nextAttempt(Objects.requireNonNull(p.firstLookup), p.lookups, now);
                    if (next == null) {
                        record(round, p, null, ReportResult.Kind.GAVE_UP, detail + "; retried since " + p.firstLookup
                                + " (RFC 8460 §5.5: 24 hours)", p.lookups, null, now);
                        finish(p);
                    } else {
                        p.nextLookup = next;
                        record(round, p, null, ReportResult.Kind.FAILED_WILL_RETRY, detail, p.lookups, next, now);
                    }
                }
            }
            p.version++;
            // The destinations due now are marked in flight before the lock is let go.
            selection = select(p, round, now);
        }
        save(p);
        saveSuppressed();
        CompletableFuture<Void> attempts = launch(p, round, selection);
        armRetry();
        return attempts;
    }

    /** Makes the destinations of a found record: each supported, distinct one pending (called under lock). */
    private List<Target> targetsOf(Round round, Pending p, TlsRptRecord rec, Instant now) {
        List<Target> targets = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ReportUri uri : rec.rua()) {
            if (!seen.add(uri.uri())) {
                continue; // the same destination twice gets one report
            }
            Target t = new Target(uri);
            targets.add(t);
            if (uri instanceof ReportUri.Unsupported unsupported) {
                // RFC 8460 §3 defines mailto and https only.
                record(round, p, uri, ReportResult.Kind.UNSUPPORTED_SCHEME, "the scheme " + unsupported.scheme()
                        + " is neither https nor mailto (RFC 8460 §3)", 0, null, now);
            } else if (uri instanceof ReportUri.Mailto mailto && mailer == null) {
                record(round, p, uri, ReportResult.Kind.NO_MAILER, "no ReportMailer is configured for mailto: "
                        + "destinations", 0, null, now);
            } else if (uri instanceof ReportUri.Mailto mailto && !mailto.hasAddress()) {
                record(round, p, uri, ReportResult.Kind.REJECTED, "the mailto: URI has no address local@domain",
                        0, null, now);
                suppress(uri, now);
            } else {
                t.next = now;
            }
        }
        return targets;
    }

    private CompletableFuture<Void> attempt(Pending p, Target t, Round round) {
        CompletableFuture<Outcome> outcome;
        if (t.uri instanceof ReportUri.Https https) {
            outcome = limited(() -> {
                URI endpoint;
                try {
                    endpoint = https.toUri();
                } catch (IllegalArgumentException e) {
                    return CompletableFuture.completedFuture(Outcome.rejected("the URI cannot be used: "
                            + Printable.describe(e)));
                }
                // RFC 8460 §5.2, §5.4: POST the report gzip-compressed, as application/tlsrpt+gzip.
                return uploads.upload(endpoint, p.gzip(), ReportFormat.GZIP).thenApply(Outcome::of);
            });
        } else {
            ReportUri.Mailto mailto = (ReportUri.Mailto) t.uri;
            outcome = limited(() -> supplyOnExecutor(() -> mail(p, mailto)));
        }
        return onExecutor(outcome, (o, error) -> {
            afterAttempt(p, t, round, o != null ? o
                    : Outcome.failed("the attempt failed: " + Printable.describe(unwrap(Objects.requireNonNull(error)))));
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Builds, signs and submits the report e-mail for one {@code mailto:} destination (on the executor). */
    private Outcome mail(Pending p, ReportUri.Mailto mailto) {
        ReportMailer m = Objects.requireNonNull(mailer);
        String from = mailFrom != null ? mailFrom : Objects.requireNonNull(p.report.contactInfo());
        ReportMail mail;
        try {
            // RFC 8460 §5.3: the report e-mail (gzip attachment, TLS-Report-* headers, TLS-Required: No).
            byte[] message = ReportMails.message(p.report, from, mailto.address(), clock);
            mail = ReportMail.of(from, mailto.address(), message, p.domain, p.report.reportId());
        } catch (IllegalArgumentException e) {
            return Outcome.rejected("the address cannot be used: " + Printable.describe(e));
        }
        byte[] signed;
        try {
            // RFC 8460 §3: report messages MUST carry a DKIM signature.
            signed = signer.sign(mail);
        } catch (RuntimeException e) {
            return Outcome.failed("DKIM signing failed: " + Printable.describe(e));
        }
        if (signed == null || signed.length == 0) {
            return Outcome.failed("the signer returned no message");
        }
        MailResult result;
        try {
            result = m.send(mail.withMessage(signed));
        } catch (RuntimeException e) {
            return Outcome.failed("the mailer failed: " + Printable.describe(e));
        }
        if (result == null) {
            return Outcome.failed("the mailer returned no result");
        }
        return switch (result.kind()) {
            case ACCEPTED -> new Outcome(Outcome.Kind.DELIVERED, "accepted: " + result.detail());
            case REJECTED -> Outcome.rejected("rejected: " + result.detail());
            case FAILED -> Outcome.failed("failed: " + result.detail());
        };
    }

    private void afterAttempt(Pending p, Target t, Round round, Outcome outcome) {
        Instant now = clock.instant();
        synchronized (lock) {
            t.inFlight = false;
            t.attempts++;
            switch (outcome.kind()) {
                case DELIVERED -> {
                    t.next = null;
                    record(round, p, t.uri, ReportResult.Kind.DELIVERED, outcome.detail(), t.attempts, null, now);
                    if (!p.delivered) {
                        // RFC 8460 §3: delivered once at least one endpoint accepted it.
                        p.delivered = true;
                        record(round, p, null, ReportResult.Kind.REPORT_DELIVERED, "accepted by "
                                + Printable.of(t.uri.uri()), 0, null, now);
                    }
                }
                case REJECTED -> {
                    t.next = null;
                    record(round, p, t.uri, ReportResult.Kind.REJECTED, outcome.detail(), t.attempts, null, now);
                    suppress(t.uri, now);
                }
                case FAILED -> {
                    Instant next = nextAttempt(Objects.requireNonNull(t.first), t.attempts, now);
                    if (next == null) {
                        giveUp(round, p, t, outcome.detail(), now);
                    } else {
                        t.next = next;
                        record(round, p, t.uri, ReportResult.Kind.FAILED_WILL_RETRY, outcome.detail(), t.attempts, next,
                                now);
                    }
                }
            }
            maybeFinish(round, p, now);
            p.version++;
        }
        save(p);
        saveSuppressed();
        armRetry();
    }

    /** Ends a destination's retries and suppresses it (called under lock). */
    private void giveUp(@Nullable Round round, Pending p, Target t, String detail, Instant now) {
        t.next = null;
        record(round, p, t.uri, ReportResult.Kind.GAVE_UP, detail + "; first attempt " + t.first
                + " (RFC 8460 §5.5: retried for 24 hours)", t.attempts, null, now);
        suppress(t.uri, now);
    }

    /**
     * Returns the next attempt after {@code attempts} failed ones, or null once 24 hours have passed
     * since the first (RFC 8460 §5.5): exponential back-off, with a last attempt at the deadline.
     */
    private @Nullable Instant nextAttempt(Instant first, int attempts, Instant now) {
        Instant deadline = first.plus(RETRY_PERIOD);
        if (!now.isBefore(deadline)) {
            return null;
        }
        long wait = firstRetryMillis;
        for (int i = 1; i < attempts && wait < maxRetryMillis; i++) {
            wait *= 2; // RFC 8460 §5.5: ideally with exponential back-off
        }
        Instant next = now.plusMillis(Math.min(wait, maxRetryMillis));
        return next.isAfter(deadline) ? deadline : next;
    }

    /** Finishes the report once no destination is pending (called under lock). */
    private void maybeFinish(@Nullable Round round, Pending p, Instant now) {
        List<Target> targets = p.targets;
        if (targets == null || p.finished) {
            return;
        }
        for (Target t : targets) {
            if (t.next != null || t.inFlight) {
                return;
            }
        }
        if (!p.delivered) {
            record(round, p, null, ReportResult.Kind.REPORT_UNDELIVERED, "no destination accepted the report", 0, null,
                    now);
        }
        finish(p);
    }

    private void finish(Pending p) {
        p.finished = true;
        p.nextLookup = null;
        pending.remove(p.id);
    }

    // ---------------------------------------------------------------- suppression and results

    /** Returns when the destination's suppression ends, or null if it is not suppressed (under lock). */
    private @Nullable Instant suppressedUntil(ReportUri uri, Instant now) {
        Instant until = suppressed.get(uri.uri());
        if (until != null && !until.isAfter(now)) {
            suppressed.remove(uri.uri()); // expired
            suppressedVersion++;
            return null;
        }
        return until;
    }

    private void suppress(ReportUri uri, Instant now) {
        if (suppressionMillis == 0) {
            return;
        }
        Instant until = now.plusMillis(suppressionMillis);
        Instant before = suppressed.get(uri.uri());
        if (before == null || before.isBefore(until)) {
            suppressed.put(uri.uri(), until);
            suppressedVersion++;
        }
        while (suppressed.size() > MAX_SUPPRESSED) {
            String soonest = null;
            for (Map.Entry<String, Instant> e : suppressed.entrySet()) {
                if (soonest == null || e.getValue().isBefore(suppressed.get(soonest))) {
                    soonest = e.getKey();
                }
            }
            suppressed.remove(soonest);
        }
    }

    private void pruneSuppressed(Instant now) {
        if (suppressed.values().removeIf(until -> !until.isAfter(now))) {
            suppressedVersion++;
        }
    }

    private void record(@Nullable Round round, Pending p, @Nullable ReportUri destination, ReportResult.Kind kind,
            String detail, int attempt, @Nullable Instant next, Instant now) {
        ReportResult r = new ReportResult(now, p.day, p.domain, p.report.reportId(), destination, kind, detail, attempt,
                next);
        results.addLast(r);
        pruneResults(now);
        if (round != null) {
            round.add(r);
        }
        LOG.log(System.Logger.Level.DEBUG, "TLS-RPT report {0}", r);
    }

    private void pruneResults(Instant now) {
        Instant oldest = now.minus(RESULT_RETENTION);
        while (!results.isEmpty() && (results.size() > MAX_RESULTS || results.peekFirst().at().isBefore(oldest))) {
            results.removeFirst();
        }
    }

    // ---------------------------------------------------------------- schedule

    private void start() {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        synchronized (lock) {
            Instant slot = slot(today);
            // A reporter started after its moment of the day runs at once (a day may be waiting).
            scheduleDaily(slot.isAfter(now) ? slot : now, now);
        }
        armRetry();
    }

    /** The moment of the daily run of a day: 00:00 UTC plus a random delay within the window. */
    private Instant slot(LocalDate day) {
        long jitter;
        if (windowMillis <= 1000) {
            jitter = random.nextLong(windowMillis + 1);
        } else {
            jitter = 1000 + random.nextLong(windowMillis - 999); // RFC 8460 §4.1: from 1 s to the window
        }
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().plusMillis(jitter);
    }

    private void scheduleDaily(Instant at, Instant now) {
        if (closed) {
            return;
        }
        try {
            dailyTask = scheduler.schedule(this::dailyTick, Math.max(0, at.toEpochMilli() - now.toEpochMilli()),
                    TimeUnit.MILLISECONDS);
            nextRun = at;
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "the scheduler refused the daily TLS-RPT run: no more daily runs", e);
            nextRun = null;
        }
    }

    /** The daily run: every day before today, then the next day's moment. */
    private void dailyTick() {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        synchronized (lock) {
            if (closed) {
                return;
            }
            scheduleDaily(slot(today.plusDays(1)), now);
        }
        try {
            runNowAsync().whenComplete((r, e) -> {
                if (e != null) {
                    LOG.log(System.Logger.Level.ERROR, "the daily TLS-RPT run failed", unwrap(e));
                }
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the daily TLS-RPT run failed", e);
        }
    }

    /** Earliest due look-up or attempt not in flight (under lock). */
    private @Nullable Instant earliestDue() {
        Instant earliest = null;
        for (Pending p : pending.values()) {
            if (p.targets == null) {
                if (!p.lookupInFlight && p.nextLookup != null) {
                    earliest = min(earliest, p.nextLookup);
                }
            } else {
                for (Target t : p.targets) {
                    if (!t.inFlight && t.next != null) {
                        earliest = min(earliest, t.next);
                    }
                }
            }
        }
        return earliest;
    }

    private static Instant min(@Nullable Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    /** Makes sure the retry timer fires by the earliest due attempt. */
    private void armRetry() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            Instant earliest = earliestDue();
            if (earliest == null) {
                if (retryTask != null) {
                    retryTask.cancel(false); // nothing left to retry
                    retryTask = null;
                    retryAt = null;
                }
                return;
            }
            if (retryTask != null && retryAt != null && !earliest.isBefore(retryAt)) {
                return;
            }
            if (retryTask != null) {
                retryTask.cancel(false);
            }
            long delay = Math.max(0, earliest.toEpochMilli() - clock.millis());
            try {
                retryTask = scheduler.schedule(this::retryTick, delay, TimeUnit.MILLISECONDS);
                retryAt = earliest;
            } catch (RejectedExecutionException e) {
                LOG.log(System.Logger.Level.WARNING, "the scheduler refused the TLS-RPT retry timer", e);
                retryTask = null;
                retryAt = null;
            }
        }
    }

    private void retryTick() {
        synchronized (lock) {
            retryTask = null;
            retryAt = null;
            if (closed) {
                return;
            }
        }
        try {
            retryDueNowAsync().whenComplete((r, e) -> {
                if (e != null) {
                    LOG.log(System.Logger.Level.ERROR, "a TLS-RPT retry pass failed", unwrap(e));
                }
                armRetry();
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "a TLS-RPT retry pass failed", e);
        }
    }

    // ---------------------------------------------------------------- plumbing

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private void checkOpen() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the reporter is closed");
            }
        }
    }

    private <T> CompletableFuture<T> track(CompletableFuture<T> future) {
        synchronized (lock) {
            inFlight.add(future);
        }
        future.whenComplete((v, e) -> {
            synchronized (lock) {
                inFlight.remove(future);
            }
        });
        return future;
    }

    /** Starts a task when the concurrency limit allows. */
    private <T> CompletableFuture<T> limited(Supplier<CompletableFuture<T>> task) {
        return Async.limited(limiter, task);
    }

    private <T> CompletableFuture<T> supplyOnExecutor(Supplier<T> task) {
        return Async.supply(executor, task);
    }

    private <T> CompletableFuture<Void> onExecutor(CompletableFuture<T> future,
            BiFunction<@Nullable T, @Nullable Throwable, CompletableFuture<Void>> handler) {
        return Async.then(future, executor, handler);
    }

    private static <T> T join(CompletableFuture<T> future) {
        return Async.join(future);
    }

    private static Throwable unwrap(Throwable t) {
        return Async.unwrap(t);
    }

    // ---------------------------------------------------------------- state directory

    /** Restores the state directory: pending reports, the suppression list, and what gave up meanwhile. */
    private void load() {
        ReporterStore s = store;
        if (s == null) {
            return;
        }
        ReporterStore.Loaded loaded = s.open();
        Instant now = clock.instant();
        List<Pending> restored = new ArrayList<>(loaded.pending().size());
        synchronized (lock) {
            suppressed.putAll(loaded.suppressed());
            pruneSuppressed(now);
            for (ReporterStateFormat.StoredPending stored : loaded.pending()) {
                Pending p = Pending.restore(stored, now);
                restored.add(p);
                nextId = Math.max(nextId, p.id + 1);
                pending.put(p.id, p);
                // Attempts more than 24 hours after the first give up now (RFC 8460 §5.5), without trying.
                if (p.targets == null) {
                    Instant first = p.firstLookup;
                    if (first != null && now.isAfter(first.plus(RETRY_PERIOD))) {
                        record(null, p, null, ReportResult.Kind.GAVE_UP, "the TLSRPT record could not be looked up "
                                + "since " + first + " (RFC 8460 §5.5: 24 hours)", p.lookups, null, now);
                        finish(p);
                        p.version++;
                    }
                } else {
                    for (Target t : p.targets) {
                        Instant first = t.first;
                        if (t.next != null && first != null && now.isAfter(first.plus(RETRY_PERIOD))) {
                            giveUp(null, p, t, "pending when the reporter stopped", now);
                            p.version++;
                        }
                    }
                    boolean wasFinished = p.finished;
                    maybeFinish(null, p, now);
                    if (p.finished && !wasFinished) {
                        p.version++;
                    }
                }
            }
        }
        for (Pending p : restored) {
            save(p);
        }
        saveSuppressed();
    }

    /** Writes (or, once finished, deletes) a report's file if its state changed since the last write. */
    private void save(Pending p) {
        ReporterStore s = store;
        if (s == null) {
            return;
        }
        long version;
        byte[] bytes = null;
        synchronized (lock) {
            version = p.version;
            if (!p.finished) {
                bytes = ReporterStateFormat.encodePending(p.stored(), p.json());
            }
        }
        synchronized (p.fileLock) {
            if (version <= p.written) {
                return; // this state, or a newer one, was written already
            }
            p.written = version;
            s.writePending(p.id, bytes);
        }
    }

    private void saveSuppressed() {
        ReporterStore s = store;
        if (s == null) {
            return;
        }
        long version;
        byte[] bytes;
        synchronized (lock) {
            version = suppressedVersion;
            bytes = ReporterStateFormat.encodeSuppressed(suppressed);
        }
        synchronized (suppressedFileLock) {
            if (version <= suppressedWritten) {
                return;
            }
            suppressedWritten = version;
            s.writeSuppressed(bytes);
        }
    }

    /**
     * Stops the schedule, waits up to the {@link Builder#closeTimeout(Duration) close timeout} for
     * deliveries in flight, writes the state, and releases what this reporter created (its
     * scheduler and executor threads, its uploader). A scheduler, executor, uploader, mailer or
     * resolver given to the builder is left to its owner. Deliveries still in flight after the
     * timeout stay pending in the state directory and are made again after a restart. Calling it
     * again does nothing.
     */
    @Override
    public void close() {
        List<CompletableFuture<?>> waiting;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (dailyTask != null) {
                dailyTask.cancel(false);
            }
            if (retryTask != null) {
                retryTask.cancel(false);
            }
            nextRun = null;
            waiting = new ArrayList<>(inFlight);
        }
        try {
            CompletableFuture.allOf(waiting.toArray(new CompletableFuture<?>[0]))
                    .get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "TLS-RPT deliveries still in flight after " + closeTimeout
                    + ": their reports stay pending" + (store != null ? " and are retried after a restart" : ""));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "a TLS-RPT run failed while closing", unwrap(e));
        }
        List<Pending> all;
        synchronized (lock) {
            all = new ArrayList<>(pending.values());
            for (Pending p : all) {
                p.version++; // write the latest state, whatever was written before
            }
            suppressedVersion++;
        }
        for (Pending p : all) {
            save(p);
        }
        saveSuppressed();
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
        if (ownedUploader != null) {
            ownedUploader.close();
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "TlsRptReporter[" + pending.size() + " pending, " + suppressed.size() + " suppressed"
                    + (closed ? ", closed" : ", next run " + nextRun) + "]";
        }
    }

    // ---------------------------------------------------------------- builder

    /**
     * Configures a {@link TlsRptReporter}. Setters validate eagerly; the last call wins.
     *
     * <pre>{@code
     * TlsRptReporter reporter = TlsRptReporter.builder(aggregator)
     *         .txtResolver(dns).uploader(uploader).mailer(mailer).signer(dkimSigner)
     *         .sendWindow(Duration.ofHours(2)).suppression(Duration.ofDays(3))
     *         .stateDirectory(Path.of("/var/lib/mta/tlsrpt"))
     *         .build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private final ReportAggregator aggregator;
        private @Nullable TxtResolver txtResolver;
        private @Nullable ReportUploader uploader;
        private @Nullable Uploads uploads;
        private @Nullable ReportMailer mailer;
        private @Nullable String mailFrom;
        private ReportMailSigner signer = ReportMailSigner.UNSIGNED;
        private Clock clock = Clock.systemUTC();
        private @Nullable Random random;
        private @Nullable ScheduledExecutorService scheduler;
        private @Nullable Executor executor;
        private Duration sendWindow = DEFAULT_SEND_WINDOW;
        private Duration firstRetry = DEFAULT_FIRST_RETRY;
        private Duration maxRetryInterval = DEFAULT_MAX_RETRY_INTERVAL;
        private Duration suppression = DEFAULT_SUPPRESSION;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private int concurrency = DEFAULT_CONCURRENCY;
        private @Nullable Path stateDir;
        private FilePolicyStore.ProblemListener problems = LOG_PROBLEMS;

        private Builder(ReportAggregator aggregator) {
            this.aggregator = Objects.requireNonNull(aggregator, "aggregator");
        }

        /**
         * Sets the resolver for the {@code _smtp._tls} records (default: the first {@link
         * TxtResolver} found by {@link ServiceLoader}, such as {@code mtasts-dns}'s).
         *
         * @param resolver the resolver
         * @return this builder
         */
        public Builder txtResolver(TxtResolver resolver) {
            this.txtResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Sets the uploader for {@code https:} destinations (default: a {@link ReportUploader} with
         * its defaults, owned and closed by the reporter). One given here is left open.
         *
         * @param uploader the uploader
         * @return this builder
         */
        public Builder uploader(ReportUploader uploader) {
            this.uploader = Objects.requireNonNull(uploader, "uploader");
            return this;
        }

        /** For tests: the HTTPS delivery, instead of an uploader. */
        Builder uploads(Uploads uploads) {
            this.uploads = Objects.requireNonNull(uploads, "uploads");
            return this;
        }

        /**
         * Sets the mailer for {@code mailto:} destinations (default none: they are skipped with
         * {@link ReportResult.Kind#NO_MAILER}). Building the report e-mail needs Apache James Mime4j
         * ({@code org.apache.james:apache-mime4j-dom}).
         *
         * @param mailer the mailer
         * @return this builder
         */
        public Builder mailer(ReportMailer mailer) {
            this.mailer = Objects.requireNonNull(mailer, "mailer");
            return this;
        }

        /**
         * Sets the From and envelope sender of report e-mails (default: the report's {@code
         * contact-info}). Its domain should be the one the DKIM signature is made for.
         *
         * @param address {@code local@domain}
         * @return this builder
         */
        public Builder mailFrom(String address) {
            ReportMail.checkAddress(address, "mailFrom");
            this.mailFrom = address;
            return this;
        }

        /**
         * Sets the DKIM signer of report e-mails (default {@link ReportMailSigner#UNSIGNED}: the MTA
         * must sign them on submission, RFC 8460 §3).
         *
         * @param signer the signer
         * @return this builder
         */
        public Builder signer(ReportMailSigner signer) {
            this.signer = Objects.requireNonNull(signer, "signer");
            return this;
        }

        /**
         * Sets the clock (default {@link Clock#systemUTC()}): the days, the schedule, the retries and
         * the results follow it.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the source of the daily run's random delay (default a new {@link Random}).
         *
         * @param random the random source; seed it in tests
         * @return this builder
         */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * Sets the scheduler of the daily run and the retry timer (default: one daemon thread, owned
         * and stopped by {@link TlsRptReporter#close()}). One given here is left running.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Sets the executor that runs mail submissions and the handling of every outcome, and on
         * which the {@code ...Async} futures complete (default: a pool of {@link
         * #concurrency(int)} daemon threads, owned by the reporter). DNS and HTTP completions move
         * to it from the resolver's and OkHttp's threads. Do not call the blocking doors ({@link
         * TlsRptReporter#runNow()} and the others) on one of its threads: they wait for work it runs.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Sets the window after 00:00 UTC in which the daily run starts at a random moment
         * (default {@link #DEFAULT_SEND_WINDOW}, RFC 8460 §4.1).
         *
         * @param window zero (exactly 00:00) to 12 hours
         * @return this builder
         */
        public Builder sendWindow(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.compareTo(Duration.ofHours(12)) > 0) {
                throw new IllegalArgumentException("send window " + window + " is outside 0..12 hours");
            }
            this.sendWindow = window;
            return this;
        }

        /**
         * Sets the exponential back-off of retries (RFC 8460 §5.5): the first wait, doubled after each
         * failed attempt up to the longest wait (defaults {@link #DEFAULT_FIRST_RETRY} and {@link
         * #DEFAULT_MAX_RETRY_INTERVAL}). Retries end 24 hours after the first attempt.
         *
         * @param first the first wait, at least one second
         * @param max the longest wait, at least {@code first} and at most 24 hours
         * @return this builder
         */
        public Builder retryBackoff(Duration first, Duration max) {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(max, "max");
            if (first.compareTo(Duration.ofSeconds(1)) < 0 || max.compareTo(first) < 0 || max.compareTo(RETRY_PERIOD) > 0) {
                throw new IllegalArgumentException("retry back-off " + first + " to " + max
                        + " must start at 1 second or more and end between its start and 24 hours");
            }
            this.firstRetry = first;
            this.maxRetryInterval = max;
            return this;
        }

        /**
         * Sets how long a destination that gave up or rejected a report is skipped (default {@link
         * #DEFAULT_SUPPRESSION}).
         *
         * @param duration zero (no suppression) to 365 days
         * @return this builder
         */
        public Builder suppression(Duration duration) {
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative() || duration.compareTo(Duration.ofDays(365)) > 0) {
                throw new IllegalArgumentException("suppression " + duration + " is outside 0..365 days");
            }
            this.suppression = duration;
            return this;
        }

        /**
         * Sets the most look-ups and deliveries in flight at once, and the size of the default
         * executor (default {@value #DEFAULT_CONCURRENCY}).
         *
         * @param count 1 to 256
         * @return this builder
         */
        public Builder concurrency(int count) {
            if (count < 1 || count > 256) {
                throw new IllegalArgumentException("concurrency " + count + " is outside 1..256");
            }
            this.concurrency = count;
            return this;
        }

        /**
         * Sets how long {@link TlsRptReporter#close()} waits for deliveries in flight (default
         * {@link #DEFAULT_CLOSE_TIMEOUT}).
         *
         * @param timeout zero to ten minutes
         * @return this builder
         */
        public Builder closeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("close timeout " + timeout + " is outside 0..10 minutes");
            }
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * Keeps pending reports and the suppression list in a directory, so that they survive a
         * restart (default: in memory only). Used by this reporter only.
         *
         * @param dir the directory, created if needed
         * @return this builder
         */
        public Builder stateDirectory(Path dir) {
            this.stateDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Sets who hears about state file problems: corrupt files moved aside, failed writes
         * (default: {@link System.Logger} at WARNING).
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder problemListener(FilePolicyStore.ProblemListener listener) {
            this.problems = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Builds and starts the reporter: restores the state directory, schedules the daily run and
         * the retries that are due.
         *
         * @return the running reporter; close it
         * @throws IllegalStateException if there is no resolver (none given, none found by {@link
         *     ServiceLoader}), or a mailer is set and Apache James Mime4j is missing
         * @throws UncheckedIOException if the state directory cannot be created or listed
         */
        public TlsRptReporter build() {
            TxtResolver resolver = txtResolver;
            if (resolver == null) {
                Optional<TxtResolver> loaded = ServiceLoader.load(TxtResolver.class).findFirst();
                if (loaded.isEmpty()) {
                    throw new IllegalStateException("no TxtResolver: call txtResolver(...) or add mtasts-dns "
                            + "(org.mtasts:mtasts-dns) to the class or module path");
                }
                resolver = loaded.get();
            }
            if (mailer != null) {
                try {
                    ReportMails.probe();
                } catch (LinkageError e) {
                    throw new IllegalStateException("mailto: delivery needs Apache James Mime4j "
                            + "(org.apache.james:apache-mime4j-dom) for the report e-mail: " + e, e);
                }
            }
            TlsRptReporter reporter = new TlsRptReporter(this, resolver);
            try {
                reporter.load();
            } catch (RuntimeException e) {
                reporter.close();
                throw e;
            }
            reporter.start();
            return reporter;
        }
    }
}
