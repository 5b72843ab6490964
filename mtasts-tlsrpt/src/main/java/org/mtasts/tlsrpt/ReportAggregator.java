package org.mtasts.tlsrpt;

import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;

/**
 * Collects the outcome of every SMTP session of a sending MTA and turns them into the day's TLS
 * reports, one per UTC day and policy domain (RFC 8460 §4.1): identical failure details merged with
 * their counts summed, report deliveries left out (RFC 8460 §3).
 *
 * <p><b>Hot path.</b> Obtain a {@link PolicyKey} once per policy (next to the policy in the MTA's
 * cache) and a {@link FailureKey} once per kind of failure, then count sessions with {@link
 * #success(PolicyKey, boolean)} and {@link #failure(FailureKey, boolean)}: no lock and no allocation
 * for a key counted before on the same day (a clock read, a volatile read and a {@link
 * LongAdder#increment()}). Keys are interned: asking twice for equal details gives the same key.
 * {@link #record(PolicyDetails, FailureDetails, boolean)} does the look-ups for you; it skips hashing
 * when it is given the very objects it was given before (keep them next to the policy), else it
 * hashes the details on every call. Reading the clock is the largest cost left (about 50 ns on a
 * virtual machine with {@code kvm-clock}, five times a contended {@code LongAdder} increment): an MTA
 * that has its session's time at hand passes it to {@link #successAt} and {@link #failureAt}.
 *
 * <p><b>Days.</b> A session counts on the UTC day the injected {@link Clock} says when it is
 * recorded. Take a day's reports with {@link #takeReports(LocalDate)} once the day is over (RFC 8460
 * §4.1 suggests a random delay of up to four hours before sending); a session recorded for that day
 * after it was taken lands in a new partial report for the day, which {@link
 * TlsReport#merge(TlsReport)} combines with the first. (A session whose count races with the
 * taking itself, within the same microseconds, may be missed: take a day once it is over.)
 *
 * <p><b>Several nodes.</b> Reports of one organization and day carry the same {@code report-id}
 * ({@code yyyyMMdd.<policy-domain>@<submitter>}), so the partial reports of several MTA nodes merge
 * into one with {@link TlsReport#mergeAll}.
 *
 * <p><b>Memory.</b> At most {@link Builder#maxFailureKeys(int)} distinct failure keys are kept;
 * beyond that, new failures are counted under a key with only the result type. Keys unused since a
 * taken day are forgotten when it is taken.
 *
 * <pre>{@code
 * ReportAggregator aggregator = ReportAggregator.builder()
 *         .organizationName("Example Mail").contactInfo("tlsrpt@mail.example.net").build();
 * ReportAggregator.PolicyKey sts = aggregator.policy(PolicyDetails.sts(domain, policy.toText()));
 * aggregator.success(sts, false);                                      // one session, TLS fine
 * ReportAggregator.FailureKey expired = aggregator.failure(sts,
 *         FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).receivingMxHostname("mx1.example.com").build());
 * aggregator.failure(expired, false);
 * List<TlsReport> yesterday = aggregator.takeReports(LocalDate.now(ZoneOffset.UTC).minusDays(1));
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.1">RFC 8460 §4.1</a>
 */
public final class ReportAggregator {

    /** Default limit on distinct failure keys. */
    public static final int DEFAULT_MAX_FAILURE_KEYS = 100_000;

    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** Slots of the identity caches of {@link #policy} (a power of two). */
    private static final int IDENTITY_SLOTS = 256;
    /** Slots of each policy key's identity cache of {@link #failure} (a power of two). */
    private static final int FAILURE_IDENTITY_SLOTS = 16;

    private final String organizationName;
    private final String contactInfo;
    private final DomainName submitter;
    private final Clock clock;
    private final int maxFailureKeys;
    private final ConcurrentHashMap<PolicyDetails, PolicyKey> policies = new ConcurrentHashMap<>();
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
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the key for a policy, the same one for equal details.
     *
     * @param details the policy applied, with a {@code policy-domain} and a known type
     * @return the key
     * @throws IllegalArgumentException if the details have no valid policy domain or an unknown type
     */
    public PolicyKey policy(PolicyDetails details) {
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
        String domain = details.policyDomain();
        if (domain == null || !DomainName.isValid(domain) || !DomainName.of(domain).ascii().equals(domain)) {
            // RFC 8460 §4.4: policy-domain in A-labels (lower case, as DomainName writes it).
            throw new IllegalArgumentException("a reported policy needs a policy-domain in lower-case A-labels, not "
                    + (domain == null ? "none" : Texts.quote(domain)) + " (RFC 8460 §4.4)");
        }
        if (details.policyType() == PolicyType.UNKNOWN) {
            throw new IllegalArgumentException("a sender reports only tlsa, sts or no-policy-found policies, not "
                    + Texts.quote(details.policyTypeToken()) + " (RFC 8460 §4.4)");
        }
        return policies.computeIfAbsent(details, d -> new PolicyKey(this, d));
    }

    /**
     * Returns the key for a kind of failure under a policy, the same one for equal details. The
     * details' {@code failed-session-count} is ignored: each {@link #failure(FailureKey, boolean)}
     * counts one session.
     *
     * @param policy the policy's key
     * @param details what failed
     * @return the key
     */
    public FailureKey failure(PolicyKey policy, FailureDetails details) {
        checkOwner(policy);
        Objects.requireNonNull(details, "details");
        int slot = System.identityHashCode(details) & (FAILURE_IDENTITY_SLOTS - 1);
        FailureKey cached = policy.failuresByIdentity[slot];
        if (cached != null && cached.given == details) {
            return cached; // the same object as before: no hashing
        }
        FailureKey key = policy.failures.get(details);
        if (key != null) {
            if (key.given == details) {
                policy.failuresByIdentity[slot] = key;
            }
            return key;
        }
        FailureDetails stored = details.withFailedSessionCount(0);
        if (failureKeyCount.get() >= maxFailureKeys) {
            // Bounded memory: beyond the limit only the result type is kept for new failures.
            stored = new FailureDetails(details.resultType(), null, null, null, null, 0, null, null);
            FailureDetails coarse = stored;
            return policy.failures.computeIfAbsent(coarse, d -> new FailureKey(policy, coarse, coarse, false));
        }
        FailureDetails finalStored = stored;
        return policy.failures.computeIfAbsent(details, d -> {
            failureKeyCount.incrementAndGet();
            return new FailureKey(policy, d, finalStored, true);
        });
    }

    /**
     * Counts one session under the policy whose TLS was fine.
     *
     * @param policy the policy's key
     * @param reportDelivery true if the session delivered a TLS report: it is not counted (RFC 8460
     *     §3), so that reports do not perpetuate themselves
     */
    public void success(PolicyKey policy, boolean reportDelivery) {
        checkOwner(policy);
        if (reportDelivery) {
            return; // RFC 8460 §3: the delivery of a report SHOULD NOT count in the next report
        }
        count(policy, clock.millis());
    }

    /**
     * Counts one successful session that took place at the given time, without reading the clock
     * (for an MTA that has the session's time at hand; see the class comment).
     *
     * @param policy the policy's key
     * @param epochMillis when the session took place, Unix milliseconds
     * @param reportDelivery true if the session delivered a TLS report: not counted (RFC 8460 §3)
     */
    public void successAt(PolicyKey policy, long epochMillis, boolean reportDelivery) {
        checkOwner(policy);
        if (reportDelivery) {
            return; // RFC 8460 §3
        }
        count(policy, epochMillis);
    }

    /**
     * Counts one failed session.
     *
     * @param failure the failure's key
     * @param reportDelivery true if the session delivered a TLS report: it is not counted (RFC 8460 §3)
     */
    public void failure(FailureKey failure, boolean reportDelivery) {
        checkOwner(failure.policy);
        if (reportDelivery) {
            return; // RFC 8460 §3
        }
        count(failure, clock.millis());
    }

    /**
     * Counts one failed session that took place at the given time, without reading the clock.
     *
     * @param failure the failure's key
     * @param epochMillis when the session took place, Unix milliseconds
     * @param reportDelivery true if the session delivered a TLS report: not counted (RFC 8460 §3)
     */
    public void failureAt(FailureKey failure, long epochMillis, boolean reportDelivery) {
        checkOwner(failure.policy);
        if (reportDelivery) {
            return; // RFC 8460 §3
        }
        count(failure, epochMillis);
    }

    /**
     * Counts one session, looking the keys up: no hashing when given the same objects as before,
     * else the details are hashed on every call.
     *
     * @param policy the policy applied
     * @param failure what failed, or null if the session succeeded
     * @param reportDelivery true if the session delivered a TLS report (not counted, RFC 8460 §3)
     */
    public void record(PolicyDetails policy, @Nullable FailureDetails failure, boolean reportDelivery) {
        recordAt(policy, failure, clock.millis(), reportDelivery);
    }

    /**
     * Counts one session that took place at the given time, looking the keys up (see {@link
     * #record(PolicyDetails, FailureDetails, boolean)}), without reading the clock.
     *
     * @param policy the policy applied
     * @param failure what failed, or null if the session succeeded
     * @param epochMillis when the session took place, Unix milliseconds
     * @param reportDelivery true if the session delivered a TLS report (not counted, RFC 8460 §3)
     */
    public void recordAt(PolicyDetails policy, @Nullable FailureDetails failure, long epochMillis,
            boolean reportDelivery) {
        if (reportDelivery) {
            return; // RFC 8460 §3
        }
        PolicyKey key = policy(policy);
        if (failure == null) {
            count(key, epochMillis);
        } else {
            count(failure(key, failure), epochMillis);
        }
    }

    /** Returns the UTC days that have sessions not yet taken. */
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
     * Returns the reports of a day and forgets the day (see the class comment on late sessions).
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

    private void count(Counted key, long epochMillis) {
        long day = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        Cell cell = key.cell;
        if (cell == null || cell.day != day) {
            cell = roll(key, day);
        }
        cell.adder.increment();
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

    private void forgetUnusedSince(long day) {
        for (PolicyKey p : policies.values()) {
            boolean removed = p.failures.values().removeIf(f -> {
                Cell c = f.cell;
                boolean stale = c == null || c.day <= day;
                if (stale && f.counted) {
                    failureKeyCount.decrementAndGet();
                }
                return stale;
            });
            if (removed) {
                Arrays.fill(p.failuresByIdentity, null); // forgotten keys are not served from the cache
            }
            Cell c = p.cell;
            if ((c == null || c.day <= day) && p.failures.isEmpty()) {
                policies.remove(p.details, p);
            }
        }
        Arrays.fill(policiesByIdentity, null);
    }

    private List<TlsReport> build(LocalDate date, Day day) {
        Map<PolicyDetails, long[]> success = new HashMap<>();
        Map<PolicyDetails, Map<FailureDetails, Long>> failures = new HashMap<>();
        for (Cell cell : day.cells) {
            long n = cell.adder.sum();
            if (n == 0) {
                continue;
            }
            if (cell.owner instanceof PolicyKey p) {
                success.computeIfAbsent(p.details, k -> new long[1])[0] += n;
            } else {
                FailureKey f = (FailureKey) cell.owner;
                failures.computeIfAbsent(f.policy.details, k -> new HashMap<>()).merge(f.details, n, Sums::add);
            }
        }
        Map<String, List<PolicyResult>> byDomain = new TreeMap<>();
        List<PolicyDetails> all = new ArrayList<>(success.keySet());
        for (PolicyDetails p : failures.keySet()) {
            if (!success.containsKey(p)) {
                all.add(p);
            }
        }
        for (PolicyDetails p : all) {
            long ok = success.containsKey(p) ? success.get(p)[0] : 0;
            List<FailureDetails> details = new ArrayList<>();
            long failed = 0;
            Map<FailureDetails, Long> counts = failures.getOrDefault(p, Map.of());
            for (Map.Entry<FailureDetails, Long> e : counts.entrySet()) {
                details.add(e.getKey().withFailedSessionCount(e.getValue()));
                failed = Sums.add(failed, e.getValue());
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

    private void checkOwner(PolicyKey key) {
        if (Objects.requireNonNull(key, "key").owner != this) {
            throw new IllegalArgumentException("the key belongs to another aggregator");
        }
    }

    /** A counter that moves to a new cell when the day changes. */
    abstract static class Counted {
        volatile @Nullable Cell cell;
    }

    /** The count of one key on one day. */
    static final class Cell {
        final long day;
        final Counted owner;
        final LongAdder adder = new LongAdder();

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
     * {@link ReportAggregator#success(PolicyKey, boolean)}.
     *
     * <pre>{@code
     * ReportAggregator.PolicyKey key = aggregator.policy(PolicyDetails.noPolicyFound(domain));
     * aggregator.success(key, false);
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

        /** Returns the policy. */
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
     * sessions with {@link ReportAggregator#failure(FailureKey, boolean)}.
     *
     * <pre>{@code
     * ReportAggregator.FailureKey key = aggregator.failure(policyKey,
     *         FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED).receivingMxHostname("mx.example.com").build());
     * aggregator.failure(key, false);
     * }</pre>
     *
     * <p>Thread-safe; share one instance.
     */
    public static final class FailureKey extends Counted {
        final PolicyKey policy;
        final FailureDetails details;
        final FailureDetails given;
        final boolean counted;

        FailureKey(PolicyKey policy, FailureDetails given, FailureDetails details, boolean counted) {
            this.policy = policy;
            this.given = given;
            this.details = details;
            this.counted = counted;
        }

        /** Returns the policy's key. */
        public PolicyKey policy() {
            return policy;
        }

        /** Returns the failure details, with a count of 0. */
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
     *         .contactInfo("tlsrpt@mail.example.net").clock(Clock.systemUTC()).build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private @Nullable String organizationName;
        private @Nullable String contactInfo;
        private Clock clock = Clock.systemUTC();
        private int maxFailureKeys = DEFAULT_MAX_FAILURE_KEYS;

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
         * Sets the clock that says on which day a session counts (default {@link Clock#systemUTC()}).
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
         * Builds the aggregator.
         *
         * @return the aggregator
         * @throws IllegalStateException if organization name or contact info is missing
         */
        public ReportAggregator build() {
            if (organizationName == null || contactInfo == null) {
                throw new IllegalStateException("organizationName and contactInfo are required (RFC 8460 §4.4)");
            }
            return new ReportAggregator(this);
        }
    }
}
