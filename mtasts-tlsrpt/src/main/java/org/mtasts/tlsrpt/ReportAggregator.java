package org.mtasts.tlsrpt;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;

/**
 * Counts the SMTP sessions of a sending MTA and turns them into the day's TLS reports, one per UTC
 * day and policy domain (RFC 8460 §4.1), with identical failure details merged and their counts
 * summed.
 *
 * <p><b>What counts, and where</b> (RFC 8460 §4, §4.4). Each counting call is one session: one
 * connection attempt to one MX host under one applied policy.
 * <ul>
 *   <li>A successful session adds 1 to its policy's {@code total-successful-session-count}
 *       ({@link #success(PolicyKey)}).</li>
 *   <li>A failed session adds 1 to its policy's {@code total-failure-session-count}, and 1 to the
 *       {@code failed-session-count} of each failure detail it hit: one ({@link
 *       #failure(FailureKey)}) or two ({@link #failure(FailureKey, FailureKey)}, e.g. a cached
 *       policy applied because the policy fetch failed, and then the MX certificate failed).
 *       Failure types are not exclusive (RFC 8460 §4), so the total counts sessions, not details:
 *       it equals the sum of the details' counts when every failed session hit one detail, and is
 *       smaller when some hit two (never larger, for sessions counted here).</li>
 *   <li>{@link #record(PolicyDetails, List)} is the same with the look-ups done for you: no
 *       failure details is a success, one or two a failure.</li>
 *   <li>Sessions that deliver TLS reports must not be counted at all (RFC 8460 §3: they SHOULD NOT
 *       appear in the next report, or reports perpetuate themselves); the caller leaves them out.</li>
 * </ul>
 *
 * <p><b>Hot path.</b> Obtain a {@link PolicyKey} once per policy (next to the policy in the MTA's
 * cache) and a {@link FailureKey} once per kind of failure ({@link #failureKey}), then count
 * sessions with {@link #success(PolicyKey)} and {@link #failure(FailureKey)}: no lock and no
 * allocation for a key counted before on the same day (a clock read, a volatile read and a {@link
 * LongAdder#increment()}; three increments for a two-detail session). Keys are interned: asking
 * twice for equal details gives the same key. {@link #record(PolicyDetails, List)} does the
 * look-ups for you; it skips hashing when it is given the very objects it was given before (keep
 * them, and the list, next to the policy), else it hashes the details on every call. Reading the
 * clock is the largest cost left (about 50 ns on a virtual machine with {@code kvm-clock}, five
 * times a contended {@code LongAdder} increment): an MTA that has its session's time at hand
 * passes it to the {@code ...At} methods.
 *
 * <p><b>Days.</b> A session counts on the UTC day the injected {@link Clock} says when it is
 * recorded. Take a day's reports with {@link #takeReports(LocalDate)} once the day is over (RFC 8460
 * §4.1 suggests a random delay of up to four hours before sending); a session recorded for that day
 * after it was taken lands in a new partial report for the day, which {@link
 * TlsReport#merge(TlsReport)} combines with the first. (A session whose count races with the
 * taking itself, within the same microseconds, may be missed: take a day once it is over.)
 *
 * <p><b>Snapshots: counts that survive a restart.</b> With {@link Builder#snapshotFile(Path)}, each
 * {@link #saveSnapshot()} writes the counts of every day not yet taken to the file, crash-safely
 * (a temporary file in the same directory, {@code fsync}, an atomic rename over the old snapshot,
 * an {@code fsync} of the directory: a crash leaves the old snapshot or the new one, never a mix),
 * and {@link Builder#build()} adds the file's counts to the new aggregator. A crash loses at most
 * the sessions counted since the last completed save, so save every minute or so. Saving runs
 * beside counting, which it neither blocks nor loses: a session counted during a save is in that
 * snapshot or the next, and never twice. A snapshot that cannot be used (corrupt, truncated, of
 * another format, unreadable) never prevents start-up: it is moved aside as {@code
 * <file>.corrupt-<time>}, the reason goes to the {@link ProblemListener}, and the aggregator starts
 * empty. A day taken with {@link #takeReports} is in no later snapshot; save right after taking a
 * day if a crash must not make you send it again (a day sent twice carries the same {@code
 * report-id}, so receivers can tell).
 *
 * <p><b>Several nodes, and other stores.</b> The state is its reports: {@link #snapshot()} returns
 * them and {@link #restore(Collection)} adds reports' counts to the live ones. Counts are sums, so
 * snapshots merge: restoring the snapshots of two nodes into one aggregator gives the reports one
 * node counting every session would have made, and so does {@link TlsReport#mergeAll} of their
 * reports, because reports of one organization and day carry the same {@code report-id} ({@code
 * yyyyMMdd.<policy-domain>@<submitter>}). A cluster can thus keep these reports in a shared
 * database instead of a file.
 *
 * <p><b>Memory.</b> At most {@link Builder#maxFailureKeys(int)} distinct failure keys are kept;
 * beyond that, new failures are counted under a key with only the result type. Keys unused since a
 * taken day are forgotten when it is taken.
 *
 * <pre>{@code
 * ReportAggregator aggregator = ReportAggregator.builder()
 *         .organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net")
 *         .snapshotFile(Path.of("/var/lib/mta/tlsrpt-counts.json"))      // restored here
 *         .build();
 * ReportAggregator.PolicyKey sts = aggregator.policy(PolicyDetails.sts(domain, policy.toText()));
 * aggregator.success(sts);                                                // one session, TLS fine
 * ReportAggregator.FailureKey expired = aggregator.failureKey(sts,
 *         FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).receivingMxHostname("mx1.example.com").build());
 * aggregator.failure(expired);                                            // one failed session
 * aggregator.saveSnapshot();                                              // every minute or so
 * List<TlsReport> yesterday = aggregator.takeReports(LocalDate.now(ZoneOffset.UTC).minusDays(1));
 * }</pre>
 *
 * <p>Thread-safe; share one instance (and one per snapshot file).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4">RFC 8460 §4</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.1">RFC 8460 §4.1</a>
 * @since 0.1
 */
public final class ReportAggregator {

    /** Default limit on distinct failure keys. */
    public static final int DEFAULT_MAX_FAILURE_KEYS = 100_000;

    /** The most failure details one session counts in ({@link #failure(FailureKey, FailureKey)}). */
    public static final int MAX_FAILURES_PER_SESSION = 2;

    /** The largest snapshot file read: 256 MiB; a larger one is quarantined. */
    public static final long MAX_SNAPSHOT_BYTES = 256L * 1024 * 1024;

    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** Slots of the identity caches of {@link #policy} (a power of two). */
    private static final int IDENTITY_SLOTS = 256;
    /** Slots of each policy key's identity cache of {@link #failureKey} (a power of two). */
    private static final int FAILURE_IDENTITY_SLOTS = 16;
    private static final DateTimeFormatter QUARANTINE_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final String organizationName;
    private final String contactInfo;
    private final DomainName submitter;
    private final Clock clock;
    private final int maxFailureKeys;
    private final @Nullable Path snapshotFile;
    private final ProblemListener listener;
    private final ReentrantLock saveLock = new ReentrantLock();
    private final ConcurrentHashMap<PolicyDetails, PolicyKey> policies = new ConcurrentHashMap<>();
    /**
     * Every policy key that may own failure keys: the interned ones, and forgotten ones that a
     * caller kept and made new failure keys under, so that {@link #forgetUnusedSince} finds them.
     */
    private final Set<PolicyKey> owners = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<Long, Day> days = new ConcurrentHashMap<>();
    private final AtomicInteger failureKeyCount = new AtomicInteger();
    /**
     * Policy keys by the identity of the details object they were made from (a cache for record()):
     * slot {@code identityHashCode(details) & (IDENTITY_SLOTS - 1)}. Plain reads and writes: a key's
     * fields are final or volatile, so a racing reader sees null, an older key or a complete one, and
     * checks {@code key.details == details} before using it. Unlike one shared "last key" field, it
     * is not rewritten when threads alternate between policies, so its cache line stays shared.
     */
    private final @Nullable PolicyKey[] policiesByIdentity = new PolicyKey[IDENTITY_SLOTS];

    private ReportAggregator(Builder b) {
        this.organizationName = Objects.requireNonNull(b.organizationName);
        this.contactInfo = Objects.requireNonNull(b.contactInfo);
        this.submitter = Objects.requireNonNull(TlsReport.addressDomain(contactInfo));
        this.clock = b.clock;
        this.maxFailureKeys = b.maxFailureKeys;
        this.snapshotFile = b.snapshotFile;
        this.listener = b.listener;
    }

    /** {@return a builder} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Hears about problems with the snapshot file found when the aggregator is built: a file that
     * is corrupt, truncated, of another format or unreadable (quarantined), leftover temporary
     * files that cannot be deleted, a file system that cannot rename atomically. Implementations
     * must be thread-safe and must not throw.
     *
     * <pre>{@code
     * ReportAggregator.ProblemListener log = (file, problem, cause) -> System.err.println(file + ": " + problem);
     * }</pre>
     *
     * <p>Thread-safe; share one instance.
     */
    @FunctionalInterface
    public interface ProblemListener {
        /** Logs each problem with {@link System.Logger} at WARNING. The default. */
        ProblemListener LOG = (file, problem, cause) -> System.getLogger(ReportAggregator.class.getName())
                .log(System.Logger.Level.WARNING, "TLS-RPT snapshot " + file + ": " + problem, cause);

        /**
         * Called for each problem.
         *
         * @param file the file concerned
         * @param problem what is wrong and what was done, without raw control characters
         * @param cause the exception, if any
         */
        void problem(Path file, String problem, @Nullable Throwable cause);
    }

    // ---------------------------------------------------------------- keys

    /**
     * Returns the key for a policy, the same one for equal details.
     *
     * @param details the policy applied, with a {@code policy-domain} and a known type
     * @return the key
     * @throws IllegalArgumentException if the details have no valid policy domain or an unknown type
     */
    public PolicyKey policy(PolicyDetails details) {
        Objects.requireNonNull(details, "details");
        int slot = System.identityHashCode(details) & (IDENTITY_SLOTS - 1);
        PolicyKey cached = policiesByIdentity[slot];
        if (cached != null && cached.details == details) {
            return cached; // the same object as before: no hashing
        }
        PolicyKey key = policies.get(details);
        if (key != null) {
            if (key.details == details) {
                policiesByIdentity[slot] = key;
            }
            return key;
        }
        checkReportable(details);
        return policies.computeIfAbsent(details, d -> {
            PolicyKey fresh = new PolicyKey(this, d);
            owners.add(fresh);
            return fresh;
        });
    }

    /**
     * Returns the key for a kind of failure under a policy, the same one for equal details (the
     * details' {@code failed-session-count} is ignored: each counting call counts one session).
     *
     * @param policy the policy's key
     * @param details what failed
     * @return the key
     * @throws IllegalArgumentException if the policy key belongs to another aggregator
     */
    public FailureKey failureKey(PolicyKey policy, FailureDetails details) {
        checkOwner(policy);
        Objects.requireNonNull(details, "details");
        int slot = System.identityHashCode(details) & (FAILURE_IDENTITY_SLOTS - 1);
        FailureKey cached = policy.failuresByIdentity[slot];
        if (cached != null && cached.given == details) {
            return cached; // the same object as before: no hashing
        }
        // Keyed by the details with count 0, and with count 1 (the builder's default) as an alias.
        FailureKey key = policy.failures.get(details);
        if (key == null && details.failedSessionCount() > 1) {
            key = policy.failures.get(details.withFailedSessionCount(0)); // unusual: allocates
        }
        if (key != null) {
            if (key.given == details) {
                policy.failuresByIdentity[slot] = key;
            }
            return key;
        }
        return newFailureKey(policy, details);
    }

    private FailureKey newFailureKey(PolicyKey policy, FailureDetails given) {
        FailureDetails stored = given.withFailedSessionCount(0);
        // Under the policy's lock: one key per details, and forgetUnusedSince does not drop the
        // policy from the owners meanwhile.
        synchronized (policy) {
            owners.add(policy);
            FailureKey key = policy.failures.get(stored);
            if (key == null) {
                if (failureKeyCount.get() >= maxFailureKeys) {
                    // Bounded memory: beyond the limit only the result type is kept for new failures
                    // (and no alias, which would grow with every new detail).
                    FailureDetails coarse = new FailureDetails(given.resultType(), null, null, null, null, 0, null,
                            null);
                    return policy.failures.computeIfAbsent(coarse, d -> new FailureKey(policy, d, d, false));
                }
                key = new FailureKey(policy, given, stored, true);
                policy.failures.put(stored, key);
                failureKeyCount.incrementAndGet();
            }
            if (given.failedSessionCount() == 1) {
                policy.failures.putIfAbsent(given, key); // equal copies from the builder: found without allocating
            }
            return key;
        }
    }

    // ---------------------------------------------------------------- counting

    /**
     * Counts one session under the policy whose TLS was fine.
     *
     * @param policy the policy's key
     * @throws IllegalArgumentException if the key belongs to another aggregator
     */
    public void success(PolicyKey policy) {
        successAt(policy, clock.millis());
    }

    /**
     * Counts one successful session that took place at the given time, without reading the clock
     * (for an MTA that has the session's time at hand; see the class comment).
     *
     * @param policy the policy's key
     * @param epochMillis when the session took place, Unix milliseconds
     * @throws IllegalArgumentException if the key belongs to another aggregator
     */
    public void successAt(PolicyKey policy, long epochMillis) {
        checkOwner(policy);
        cell(policy, day(epochMillis)).sessions.increment();
    }

    /**
     * Counts one failed session that hit one failure detail.
     *
     * @param failure the failure's key
     * @throws IllegalArgumentException if the key belongs to another aggregator
     */
    public void failure(FailureKey failure) {
        failureAt(failure, clock.millis());
    }

    /**
     * Counts one failed session that hit one failure detail and took place at the given time,
     * without reading the clock.
     *
     * @param failure the failure's key
     * @param epochMillis when the session took place, Unix milliseconds
     * @throws IllegalArgumentException if the key belongs to another aggregator
     */
    public void failureAt(FailureKey failure, long epochMillis) {
        checkOwner(Objects.requireNonNull(failure, "failure").policy);
        // One increment: the failure's one-detail count is both its detail count and, summed over
        // the policy's failure keys, part of the policy's failure total (see build()).
        cell(failure, day(epochMillis)).sessions.increment();
    }

    /**
     * Counts one failed session that hit two failure details: it adds 1 to the policy's failure
     * total and 1 to each detail (RFC 8460 §4: failure types are not exclusive).
     *
     * @param first one failure's key
     * @param second the other failure's key, under the same policy
     * @throws IllegalArgumentException if the keys belong to another aggregator, to different
     *     policies, or are the same key (except a key with only a result type, which failures of
     *     different details share beyond {@link Builder#maxFailureKeys}: it counts once)
     */
    public void failure(FailureKey first, FailureKey second) {
        failureAt(first, second, clock.millis());
    }

    /**
     * Counts one failed session that hit two failure details and took place at the given time,
     * without reading the clock (see {@link #failure(FailureKey, FailureKey)}).
     *
     * @param first one failure's key
     * @param second the other failure's key, under the same policy
     * @param epochMillis when the session took place, Unix milliseconds
     * @throws IllegalArgumentException as {@link #failure(FailureKey, FailureKey)}
     */
    public void failureAt(FailureKey first, FailureKey second, long epochMillis) {
        PolicyKey policy = Objects.requireNonNull(first, "first").policy;
        checkOwner(policy);
        if (Objects.requireNonNull(second, "second").policy != policy) {
            throw new IllegalArgumentException("both failures of one session belong to one policy, not to "
                    + policy + " and " + second.policy);
        }
        if (first == second) {
            if (!first.bare) {
                throw new IllegalArgumentException("the two failures of one session must differ: " + first
                        + " twice (RFC 8460 §4)");
            }
            failureAt(first, epochMillis); // two details made the same by maxFailureKeys
            return;
        }
        countPair(policy, first, second, day(epochMillis));
    }

    /**
     * Counts one session, looking the keys up: no hashing when given the same objects as before,
     * else the details are hashed on every call.
     *
     * @param policy the policy applied
     * @param failures what failed: empty for a successful session, else one or two failure details
     *     ({@link #MAX_FAILURES_PER_SESSION}) that differ
     * @throws IllegalArgumentException if the policy cannot be reported (see {@link #policy}), if
     *     there are more than two failures, or two equal ones
     */
    public void record(PolicyDetails policy, List<FailureDetails> failures) {
        recordAt(policy, failures, clock.millis());
    }

    /**
     * Counts one session that took place at the given time, looking the keys up (see {@link
     * #record(PolicyDetails, List)}), without reading the clock.
     *
     * @param policy the policy applied
     * @param failures what failed: empty for a success, else one or two different failure details
     * @param epochMillis when the session took place, Unix milliseconds
     * @throws IllegalArgumentException as {@link #record(PolicyDetails, List)}
     */
    public void recordAt(PolicyDetails policy, List<FailureDetails> failures, long epochMillis) {
        int n = Objects.requireNonNull(failures, "failures").size();
        if (n > MAX_FAILURES_PER_SESSION) {
            throw new IllegalArgumentException("one session counts in at most " + MAX_FAILURES_PER_SESSION
                    + " failure details, not " + n);
        }
        PolicyKey key = policy(policy);
        long day = day(epochMillis);
        if (n == 0) {
            cell(key, day).sessions.increment();
        } else if (n == 1) {
            cell(failureKey(key, failures.get(0)), day).sessions.increment();
        } else {
            recordPair(key, failures.get(0), failures.get(1), day); // rare: kept out of this small method
        }
    }

    private void recordPair(PolicyKey key, FailureDetails a, FailureDetails b, long day) {
        FailureKey first = failureKey(key, a);
        FailureKey second = failureKey(key, b);
        if (first != second) {
            countPair(key, first, second, day);
        } else if (a.sameFailure(b)) {
            throw new IllegalArgumentException("the two failures of one session must differ: " + first
                    + " twice (RFC 8460 §4)");
        } else {
            cell(first, day).sessions.increment(); // different details made one by maxFailureKeys
        }
    }

    /**
     * Counts a two-detail session. Order matters for snapshots taken meanwhile: the details first,
     * the policy's count of such sessions last; {@link #build} reads in the opposite order, so each
     * session in a failure total has its details in the same report (never the reverse).
     */
    private void countPair(PolicyKey policy, FailureKey first, FailureKey second, long day) {
        cell(first, day).pairs.increment();
        cell(second, day).pairs.increment();
        cell(policy, day).pairs.increment();
    }

    private static long day(long epochMillis) {
        return Math.floorDiv(epochMillis, MILLIS_PER_DAY);
    }

    private Cell cell(Counted key, long day) {
        Cell cell = key.cell;
        if (cell == null || cell.day != day) {
            cell = roll(key, day);
        }
        return cell;
    }

    private Cell roll(Counted key, long day) {
        synchronized (key) {
            Cell cell = key.cell;
            if (cell != null && cell.day == day) {
                return cell;
            }
            Cell fresh = new Cell(day, key);
            days.computeIfAbsent(day, Day::new).cells.add(fresh);
            key.cell = fresh;
            return fresh;
        }
    }

    // ---------------------------------------------------------------- reports

    /** {@return the UTC days that have sessions not yet taken} */
    public SortedSet<LocalDate> days() {
        SortedSet<LocalDate> out = new TreeSet<>();
        for (Long day : days.keySet()) {
            out.add(LocalDate.ofEpochDay(day));
        }
        return out;
    }

    /**
     * Returns the reports of a day so far, one per policy domain in canonical form, sorted by domain.
     *
     * @param day the UTC day
     * @return the reports, empty if there were no sessions
     */
    public List<TlsReport> reports(LocalDate day) {
        Day d = days.get(day.toEpochDay());
        return d == null ? List.of() : build(day, d);
    }

    /**
     * Returns the reports of a day and forgets the day (see the class comment on late sessions);
     * later snapshots do not hold it.
     *
     * @param day the UTC day, normally one that is over
     * @return the reports, empty if there were no sessions
     */
    public List<TlsReport> takeReports(LocalDate day) {
        Day d = days.remove(day.toEpochDay());
        if (d == null) {
            return List.of();
        }
        // Detach the day's cells first, so that later sessions of that day start new cells (and a new
        // partial report) instead of counting into cells nobody reads any more.
        for (Cell cell : d.cells) {
            Counted owner = cell.owner;
            synchronized (owner) {
                if (owner.cell == cell) {
                    owner.cell = null;
                }
            }
        }
        List<TlsReport> reports = build(day, d);
        forgetUnusedSince(day.toEpochDay());
        return reports;
    }

    /**
     * Returns the reports of every day not yet taken, by day and then policy domain: the whole
     * counting state, as {@link #saveSnapshot()} writes it and {@link #restore(Collection)} adds
     * it back. A session counted meanwhile is in it or not; a failed session that is in a policy's
     * failure total has its failure details in it too.
     *
     * @return the reports, empty when nothing is counted
     */
    public List<TlsReport> snapshot() {
        List<TlsReport> out = new ArrayList<>();
        for (LocalDate day : days()) {
            out.addAll(reports(day));
        }
        return out;
    }

    /**
     * Adds the counts of reports to this aggregator's, day by day, as if their sessions had been
     * counted here: restoring the {@link #snapshot()} of another aggregator (another node, or this
     * one before a restart) merges it into this one. Only the counts are used: the reports' {@code
     * organization-name}, {@code contact-info} and {@code report-id} are this aggregator's own when
     * it builds reports. Restoring the same reports twice counts them twice. Every report is checked
     * before anything is added, so a failure leaves the counts as they were.
     *
     * @param reports reports of whole UTC days (RFC 8460 §4.1), with reportable policies
     * @throws IllegalArgumentException if a report does not cover one UTC day, or a policy cannot be
     *     reported (see {@link #policy})
     */
    public void restore(Collection<TlsReport> reports) {
        for (TlsReport r : Objects.requireNonNull(reports, "reports")) {
            DateRange range = Objects.requireNonNull(r, "report").dateRange();
            if (!DateRange.utcDay(range.startDay()).equals(range)) {
                // RFC 8460 §4.1: the aggregator counts whole UTC days.
                throw new IllegalArgumentException("only reports of one whole UTC day can be restored, not "
                        + range + " (" + Texts.quote(r.reportId()) + ", RFC 8460 §4.1)");
            }
            for (PolicyResult p : r.policies()) {
                checkReportable(p.policy());
            }
        }
        for (TlsReport r : reports) {
            long day = r.dateRange().startDay().toEpochDay();
            for (PolicyResult p : r.policies()) {
                PolicyKey key = policy(p.policy());
                long details = 0;
                // The details before the policy's count (see countPair): a snapshot taken meanwhile
                // never has a failure total above its details.
                for (FailureDetails f : p.failureDetails()) {
                    add(failureKey(key, f), day, f.failedSessionCount(), 0);
                    details = Sums.add(details, f.failedSessionCount());
                }
                // The failure total is the detail counts (added as one-detail sessions above) plus
                // this correction, negative when sessions hit two details.
                long correction = p.summary().totalFailureSessionCount() - details;
                add(key, day, p.summary().totalSuccessfulSessionCount(), correction);
            }
        }
    }

    private void add(Counted key, long day, long sessions, long pairs) {
        if (sessions == 0 && pairs == 0) {
            return;
        }
        Cell cell;
        synchronized (key) {
            cell = key.cell;
            if (cell == null || cell.day != day) {
                cell = new Cell(day, key);
                days.computeIfAbsent(day, Day::new).cells.add(cell);
                Cell current = key.cell;
                if (current == null || current.day < day) {
                    key.cell = cell; // the latest day is the one counting continues on
                }
            }
        }
        cell.sessions.add(sessions);
        cell.pairs.add(pairs);
    }

    private void forgetUnusedSince(long day) {
        for (PolicyKey p : owners) {
            synchronized (p) {
                boolean removed = p.failures.entrySet().removeIf(e -> {
                    FailureKey f = e.getValue();
                    boolean stale = stale(f, day);
                    if (stale && f.counted && e.getKey() == f.details) { // not for the count-1 alias
                        failureKeyCount.decrementAndGet();
                    }
                    return stale;
                });
                if (removed) {
                    Arrays.fill(p.failuresByIdentity, null); // forgotten keys are not served from the cache
                }
                if (stale(p, day) && p.failures.isEmpty()) {
                    owners.remove(p);
                    policies.remove(p.details, p);
                }
            }
        }
        Arrays.fill(policiesByIdentity, null);
    }

    private static boolean stale(Counted key, long day) {
        Cell c = key.cell;
        return c == null || c.day <= day;
    }

    private List<TlsReport> build(LocalDate date, Day day) {
        Map<PolicyDetails, long[]> counts = new HashMap<>(); // successes, failed sessions
        Map<PolicyDetails, Map<FailureDetails, Long>> failures = new HashMap<>();
        // Policy cells first, failure cells second: the reverse of countPair's order (see there).
        for (Cell cell : day.cells) {
            if (cell.owner instanceof PolicyKey p) {
                long[] c = counts.computeIfAbsent(p.details, k -> new long[2]);
                c[0] = Sums.add(c[0], cell.sessions.sum());
                c[1] += cell.pairs.sum(); // two-detail sessions, and restore() corrections
            }
        }
        for (Cell cell : day.cells) {
            if (cell.owner instanceof FailureKey f) {
                long single = cell.sessions.sum();
                long hits = Sums.add(single, cell.pairs.sum());
                if (hits == 0) {
                    continue;
                }
                failures.computeIfAbsent(f.policy.details, k -> new HashMap<>()).merge(f.details, hits, Sums::add);
                counts.computeIfAbsent(f.policy.details, k -> new long[2])[1] += single;
            }
        }
        Map<String, List<PolicyResult>> byDomain = new TreeMap<>();
        for (Map.Entry<PolicyDetails, long[]> e : counts.entrySet()) {
            PolicyDetails p = e.getKey();
            long ok = e.getValue()[0];
            long failed = Math.max(0, e.getValue()[1]);
            Map<FailureDetails, Long> hits = failures.getOrDefault(p, Map.of());
            if (ok == 0 && failed == 0 && hits.isEmpty()) {
                continue;
            }
            List<FailureDetails> details = new ArrayList<>(hits.size());
            for (Map.Entry<FailureDetails, Long> h : hits.entrySet()) {
                details.add(h.getKey().withFailedSessionCount(h.getValue()));
            }
            byDomain.computeIfAbsent(Objects.requireNonNull(p.policyDomain()), k -> new ArrayList<>())
                    .add(new PolicyResult(p, new Summary(ok, failed), details));
        }
        List<TlsReport> reports = new ArrayList<>(byDomain.size());
        for (Map.Entry<String, List<PolicyResult>> e : byDomain.entrySet()) {
            String reportId = date.format(DateTimeFormatter.BASIC_ISO_DATE) + "." + e.getKey() + "@" + submitter;
            reports.add(new TlsReport(organizationName, DateRange.utcDay(date), contactInfo, reportId, e.getValue())
                    .canonical());
        }
        return reports;
    }

    // ---------------------------------------------------------------- snapshot file

    /**
     * Writes the counts of every day not yet taken ({@link #snapshot()}) to the snapshot file,
     * replacing the previous snapshot atomically (see the class comment); does nothing without
     * {@link Builder#snapshotFile(Path)}. Counting goes on meanwhile; concurrent saves run one
     * after the other. If it fails, the previous snapshot is intact and the counts are still in
     * memory.
     *
     * @throws IOException if the file cannot be written
     */
    public void saveSnapshot() throws IOException {
        Path file = snapshotFile;
        if (file == null) {
            return;
        }
        saveLock.lock();
        try {
            Path dir = Objects.requireNonNull(file.getParent());
            Files.createDirectories(dir);
            List<TlsReport> reports = snapshot();
            Path tmp = Files.createTempFile(dir, tempPrefix(file), ".tmp");
            boolean moved = false;
            try {
                try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 65_536);
                    SnapshotFile.write(out, clock.instant(), reports);
                    channel.force(true);
                }
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    listener.problem(file, "the file system cannot rename atomically; replaced it non-atomically", e);
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
                moved = true;
                syncDirectory(dir);
            } finally {
                if (!moved) {
                    try {
                        Files.deleteIfExists(tmp);
                    } catch (IOException e) {
                        listener.problem(tmp, "cannot delete a temporary file: " + describe(e), e);
                    }
                }
            }
        } finally {
            saveLock.unlock();
        }
    }

    /** Makes the rename durable; some platforms cannot open a directory, which is fine there. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // Not supported on this platform (Windows): the rename itself is still atomic.
        }
    }

    private static String tempPrefix(Path file) {
        return "." + file.getFileName() + ".tmp-";
    }

    /** At build(): deletes leftover temporary files, then restores the snapshot or quarantines it. */
    private void load(Path file) {
        Path dir = Objects.requireNonNull(file.getParent());
        String prefix = tempPrefix(file);
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir,
                    p -> p.getFileName().toString().startsWith(prefix))) {
                for (Path tmp : leftovers) {
                    try {
                        Files.deleteIfExists(tmp); // a save that a crash interrupted
                    } catch (IOException e) {
                        listener.problem(tmp, "cannot delete a leftover temporary file: " + describe(e), e);
                    }
                }
            } catch (IOException e) {
                listener.problem(dir, "cannot list the directory for leftover temporary files: " + describe(e), e);
            }
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isRegularFile(file)) {
            listener.problem(file, "ignored: not a regular file; the aggregator starts empty and saving will "
                    + "fail until it is removed", null);
            return;
        }
        SnapshotFile.Decoded decoded;
        try {
            decoded = SnapshotFile.read(file);
        } catch (NoSuchFileException e) {
            return; // gone meanwhile
        } catch (IOException | RuntimeException e) {
            quarantine(file, "cannot read it: " + describe(e), e);
            return;
        }
        List<TlsReport> reports = decoded.reports();
        if (reports == null) {
            quarantine(file, String.valueOf(decoded.problem()), null);
            return;
        }
        try {
            restore(reports);
        } catch (IllegalArgumentException e) {
            quarantine(file, "unusable: " + describe(e), e);
        }
    }

    private void quarantine(Path file, String reason, @Nullable Throwable cause) {
        String base = file.getFileName() + ".corrupt-" + QUARANTINE_TIME.format(clock.instant());
        Path dir = Objects.requireNonNull(file.getParent());
        for (int attempt = 1; attempt <= 100; attempt++) {
            Path target = dir.resolve(attempt == 1 ? base : base + "-" + attempt);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                continue; // a rename would replace it
            }
            try {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                listener.problem(file, reason + "; moved aside as " + target.getFileName()
                        + ", the aggregator starts empty", cause);
                return;
            } catch (FileAlreadyExistsException e) {
                continue; // made meanwhile
            } catch (IOException e) {
                listener.problem(file, reason + "; cannot move it aside (" + describe(e) + "), the aggregator "
                        + "starts empty and the next snapshot replaces it", cause);
                return;
            }
        }
        listener.problem(file, reason + "; not moved aside (100 quarantined copies exist), the aggregator starts "
                + "empty and the next snapshot replaces it", cause);
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + Texts.printable(message, 300));
    }

    // ---------------------------------------------------------------- checks

    private static void checkReportable(PolicyDetails details) {
        String domain = Objects.requireNonNull(details, "details").policyDomain();
        if (domain == null || !DomainName.isValid(domain) || !DomainName.of(domain).ascii().equals(domain)) {
            // RFC 8460 §4.4: policy-domain in A-labels (lower case, as DomainName writes it).
            throw new IllegalArgumentException("a reported policy needs a policy-domain in lower-case A-labels, not "
                    + (domain == null ? "none" : Texts.quote(domain)) + " (RFC 8460 §4.4)");
        }
        if (details.policyType() == PolicyType.UNKNOWN) {
            throw new IllegalArgumentException("a sender reports only tlsa, sts or no-policy-found policies, not "
                    + Texts.quote(details.policyTypeToken()) + " (RFC 8460 §4.4)");
        }
    }

    private void checkOwner(PolicyKey key) {
        if (Objects.requireNonNull(key, "key").owner != this) {
            throw new IllegalArgumentException("the key " + key + " belongs to another aggregator");
        }
    }

    // ---------------------------------------------------------------- state

    /** A counter that moves to a new cell when the day changes. */
    abstract static class Counted {
        volatile @Nullable Cell cell;
    }

    /**
     * The counts of one key on one day. For a policy key: {@code sessions} = successful sessions,
     * {@code pairs} = failed sessions that hit two details (plus {@code restore} corrections). For
     * a failure key: {@code sessions} = failed sessions that hit this detail only, {@code pairs} =
     * failed sessions that hit this detail and another. So a detail's count is {@code sessions +
     * pairs}, and a policy's failure total is its own {@code pairs} plus its failure keys' {@code
     * sessions}: a one-detail failure costs one increment, like a success.
     */
    static final class Cell {
        final long day;
        final Counted owner;
        final LongAdder sessions = new LongAdder();
        final LongAdder pairs = new LongAdder();

        Cell(long day, Counted owner) {
            this.day = day;
            this.owner = owner;
        }
    }

    /** The cells of one day. */
    static final class Day {
        final ConcurrentLinkedQueue<Cell> cells = new ConcurrentLinkedQueue<>();

        Day(Long epochDay) {
            // The key is the epoch day; nothing else to keep.
        }
    }

    /**
     * A policy, interned by the aggregator that made it: count successful sessions under it with
     * {@link ReportAggregator#success(PolicyKey)}, and make its failure keys with {@link
     * ReportAggregator#failureKey(PolicyKey, FailureDetails)}.
     *
     * <pre>{@code
     * ReportAggregator.PolicyKey key = aggregator.policy(PolicyDetails.noPolicyFound(domain));
     * aggregator.success(key);
     * }</pre>
     *
     * <p>Thread-safe; share one instance.
     */
    public static final class PolicyKey extends Counted {
        final ReportAggregator owner;
        final PolicyDetails details;
        final ConcurrentHashMap<FailureDetails, FailureKey> failures = new ConcurrentHashMap<>();
        /** Failure keys by the identity of their details object (see {@code policiesByIdentity}). */
        final @Nullable FailureKey[] failuresByIdentity = new FailureKey[FAILURE_IDENTITY_SLOTS];

        PolicyKey(ReportAggregator owner, PolicyDetails details) {
            this.owner = owner;
            this.details = details;
        }

        /** {@return the policy} */
        public PolicyDetails details() {
            return details;
        }

        @Override
        public String toString() {
            return "PolicyKey[" + details.policyTypeToken() + " " + details.policyDomain() + "]";
        }
    }

    /**
     * A kind of failure under a policy, interned by the aggregator that made it: count failed
     * sessions with {@link ReportAggregator#failure(FailureKey)}, or {@link
     * ReportAggregator#failure(FailureKey, FailureKey)} for a session that hit two.
     *
     * <pre>{@code
     * ReportAggregator.FailureKey key = aggregator.failureKey(policyKey,
     *         FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED).receivingMxHostname("mx.example.com").build());
     * aggregator.failure(key);
     * }</pre>
     *
     * <p>Thread-safe; share one instance.
     */
    public static final class FailureKey extends Counted {
        final PolicyKey policy;
        final FailureDetails details;
        final FailureDetails given;
        /** Whether it counts towards maxFailureKeys (coarse keys made beyond the limit do not). */
        final boolean counted;
        /** Whether the details hold only the result type (as coarse keys do). */
        final boolean bare;

        FailureKey(PolicyKey policy, FailureDetails given, FailureDetails details, boolean counted) {
            this.policy = policy;
            this.given = given;
            this.details = details;
            this.counted = counted;
            this.bare = details.equals(new FailureDetails(details.resultType(), null, null, null, null, 0, null, null));
        }

        /** {@return the policy's key} */
        public PolicyKey policy() {
            return policy;
        }

        /** {@return the failure details, with a count of 0} */
        public FailureDetails details() {
            return details;
        }

        @Override
        public String toString() {
            return "FailureKey[" + details.resultType() + " under " + policy + "]";
        }
    }

    /**
     * Configures an aggregator.
     *
     * <pre>{@code
     * ReportAggregator a = ReportAggregator.builder().organizationName("Example Mail")
     *         .contactInfo("tlsrpt@mail.example.net").clock(Clock.systemUTC())
     *         .snapshotFile(Path.of("/var/lib/mta/tlsrpt-counts.json"))
     *         .build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private @Nullable String organizationName;
        private @Nullable String contactInfo;
        private Clock clock = Clock.systemUTC();
        private int maxFailureKeys = DEFAULT_MAX_FAILURE_KEYS;
        private @Nullable Path snapshotFile;
        private ProblemListener listener = ProblemListener.LOG;

        private Builder() {}

        /**
         * Sets the {@code organization-name} of the reports (required).
         *
         * @param name the reporting organization
         * @return this builder
         */
        public Builder organizationName(String name) {
            if (Objects.requireNonNull(name, "name").isBlank()) {
                throw new IllegalArgumentException("organization-name must not be blank");
            }
            this.organizationName = name;
            return this;
        }

        /**
         * Sets the {@code contact-info} of the reports (required); its domain is the submitter
         * (RFC 8460 §5.3) and the right side of each {@code report-id}.
         *
         * @param address {@code local@domain}
         * @return this builder
         */
        public Builder contactInfo(String address) {
            String problem = TlsReport.addressProblem(Objects.requireNonNull(address, "address"));
            if (problem != null) {
                throw new IllegalArgumentException("contact-info " + Texts.quote(address) + " " + problem
                        + " (RFC 8460 §4.4)");
            }
            this.contactInfo = address;
            return this;
        }

        /**
         * Sets the clock that says on which day a session counts (default {@link Clock#systemUTC()});
         * it also dates snapshots and quarantined files.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the limit on distinct failure keys (default {@value #DEFAULT_MAX_FAILURE_KEYS}).
         *
         * @param count at least 1
         * @return this builder
         */
        public Builder maxFailureKeys(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("maxFailureKeys must be at least 1, was " + count);
            }
            this.maxFailureKeys = count;
            return this;
        }

        /**
         * Sets the file that {@link #saveSnapshot()} writes and {@link #build()} restores (default
         * none: counts live in memory only). Its directory holds the temporary files of saves
         * ({@code .<name>.tmp-*}, deleted at build when a crash left them) and quarantined
         * snapshots ({@code <name>.corrupt-<time>}); it is created when needed. Use one file per
         * aggregator. Files above {@link #MAX_SNAPSHOT_BYTES} are quarantined unread.
         *
         * @param file the snapshot file
         * @return this builder
         */
        public Builder snapshotFile(Path file) {
            Path absolute = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
            if (absolute.getFileName() == null) {
                throw new IllegalArgumentException("the snapshot file needs a file name: " + file);
            }
            this.snapshotFile = absolute;
            return this;
        }

        /**
         * Sets who hears about snapshot file problems (default {@link ProblemListener#LOG}).
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder problemListener(ProblemListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Builds the aggregator and, with a snapshot file, restores its counts: leftover temporary
         * files are deleted, and a snapshot that cannot be used is quarantined and reported (see
         * the class comment), never thrown.
         *
         * @return the aggregator
         * @throws IllegalStateException if organization name or contact info is missing
         */
        public ReportAggregator build() {
            if (organizationName == null || contactInfo == null) {
                throw new IllegalStateException("organizationName and contactInfo are required (RFC 8460 §4.4)");
            }
            ReportAggregator aggregator = new ReportAggregator(this);
            if (snapshotFile != null) {
                aggregator.load(snapshotFile);
            }
            return aggregator;
        }
    }
}
