package org.mtasts.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;

/**
 * What many TLS reports say, for the domain owner who receives them: sessions per day, per reporting
 * organization, per policy domain, per MX host and per result type, success rates, and a {@linkplain
 * #readiness(ReadinessCriteria) readiness verdict} for moving an MTA-STS policy from {@code testing}
 * to {@code enforce}.
 *
 * <p>Sessions are those of the reports' summaries ({@code total-successful-session-count} and {@code
 * total-failure-session-count}); a report counts on the UTC day its {@code date-range} starts.
 * Failures per MX host and per result type add up the failure details' {@code failed-session-count},
 * which need not equal the summaries (failure types are not exclusive, RFC 8460 §4). Policies
 * without {@code policy-domain}, and failure details without {@code receiving-mx-hostname}, are
 * counted under {@value #NONE}.
 *
 * <pre>{@code
 * ReportSummary summary = ReportSummary.of(reports);
 * System.out.println(summary.total().successRate());                 // OptionalDouble[0.998]
 * summary.byMxHost().forEach((mx, s) -> System.out.println(mx + " " + s.failedSessions()));
 * String json = summary.toJson();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4">RFC 8460 §4</a>
 * @since 0.1
 */
public final class ReportSummary {

    /** The key for a missing policy domain or MX host name. */
    public static final String NONE = "(none)";

    /**
     * Successful and failed sessions.
     *
     * <pre>{@code
     * ReportSummary.Counts c = new ReportSummary.Counts(99, 1);
     * c.successRate();   // OptionalDouble[0.99]
     * }</pre>
     *
     * <p>Immutable and thread-safe.
     *
     * @param successfulSessions sessions with valid TLS
     * @param failedSessions sessions that failed
     */
    public record Counts(long successfulSessions, long failedSessions) {
        /** No sessions. */
        public static final Counts ZERO = new Counts(0, 0);

        /**
         * Checks that both are non-negative.
         *
         * @param successfulSessions sessions with valid TLS
         * @param failedSessions sessions that failed
         */
        public Counts {
            if (successfulSessions < 0 || failedSessions < 0) {
                throw new IllegalArgumentException("counts must not be negative");
            }
        }

        /** {@return all sessions, saturating} */
        public long totalSessions() {
            return Sums.add(successfulSessions, failedSessions);
        }

        /** {@return successful / all sessions, or empty when there were none} */
        public OptionalDouble successRate() {
            long total = totalSessions();
            return total == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) successfulSessions / total);
        }

        /**
         * Returns the sum, saturating.
         *
         * @param other the other counts
         * @return the sum
         */
        public Counts plus(Counts other) {
            return new Counts(Sums.add(successfulSessions, other.successfulSessions),
                    Sums.add(failedSessions, other.failedSessions));
        }
    }

    /**
     * The failures reported for one MX host.
     *
     * <pre>{@code
     * ReportSummary.MxHostStats s = summary.byMxHost().get("mx1.example.com");
     * s.byResultType().get("certificate-expired");
     * }</pre>
     *
     * <p>Immutable and thread-safe.
     *
     * @param failedSessions the sum of {@code failed-session-count}
     * @param byResultType the same, per {@code result-type}
     */
    public record MxHostStats(long failedSessions, SortedMap<String, Long> byResultType) {
        /**
         * Copies the map.
         *
         * @param failedSessions the sum of {@code failed-session-count}
         * @param byResultType the same, per {@code result-type}
         */
        public MxHostStats {
            byResultType = Collections.unmodifiableSortedMap(new TreeMap<>(byResultType));
        }
    }

    /** One policy of one report, with the report's day and organization: what readiness looks at. */
    record Row(LocalDate day, String organization, PolicyResult result) {}

    private final int reportCount;
    private final Counts total;
    private final SortedMap<LocalDate, Counts> byDay;
    private final SortedMap<String, Counts> byOrganization;
    private final SortedMap<String, Counts> byPolicyDomain;
    private final SortedMap<String, MxHostStats> byMxHost;
    private final SortedMap<String, Long> byResultType;
    private final List<Row> rows;

    private ReportSummary(Collection<TlsReport> reports) {
        Counts sum = Counts.ZERO;
        TreeMap<LocalDate, Counts> days = new TreeMap<>();
        TreeMap<String, Counts> organizations = new TreeMap<>();
        TreeMap<String, Counts> domains = new TreeMap<>();
        TreeMap<String, long[]> mxFailed = new TreeMap<>();
        TreeMap<String, TreeMap<String, Long>> mxTypes = new TreeMap<>();
        TreeMap<String, Long> types = new TreeMap<>();
        List<Row> allRows = new ArrayList<>();
        for (TlsReport report : reports) {
            LocalDate day = report.dateRange().startDay();
            for (PolicyResult p : report.policies()) {
                Counts c = new Counts(p.summary().totalSuccessfulSessionCount(), p.summary().totalFailureSessionCount());
                sum = sum.plus(c);
                days.merge(day, c, Counts::plus);
                organizations.merge(report.organizationName(), c, Counts::plus);
                String domain = p.policy().policyDomain();
                domains.merge(domain == null ? NONE : domain.toLowerCase(Locale.ROOT), c, Counts::plus);
                for (FailureDetails d : p.failureDetails()) {
                    String mx = d.receivingMxHostname() == null ? NONE : d.receivingMxHostname().toLowerCase(Locale.ROOT);
                    String type = d.resultType().token();
                    long n = d.failedSessionCount();
                    long[] f = mxFailed.computeIfAbsent(mx, k -> new long[1]);
                    f[0] = Sums.add(f[0], n);
                    mxTypes.computeIfAbsent(mx, k -> new TreeMap<>()).merge(type, n, Sums::add);
                    types.merge(type, n, Sums::add);
                }
                allRows.add(new Row(day, report.organizationName(), p));
            }
        }
        TreeMap<String, MxHostStats> mx = new TreeMap<>();
        for (Map.Entry<String, long[]> e : mxFailed.entrySet()) {
            mx.put(e.getKey(), new MxHostStats(e.getValue()[0], mxTypes.get(e.getKey())));
        }
        this.reportCount = reports.size();
        this.total = sum;
        this.byDay = Collections.unmodifiableSortedMap(days);
        this.byOrganization = Collections.unmodifiableSortedMap(organizations);
        this.byPolicyDomain = Collections.unmodifiableSortedMap(domains);
        this.byMxHost = Collections.unmodifiableSortedMap(mx);
        this.byResultType = Collections.unmodifiableSortedMap(types);
        this.rows = List.copyOf(allRows);
    }

    /**
     * Summarizes reports.
     *
     * @param reports the reports, in any order
     * @return the summary
     */
    public static ReportSummary of(Collection<TlsReport> reports) {
        Objects.requireNonNull(reports, "reports");
        return new ReportSummary(List.copyOf(reports));
    }

    /** {@return how many reports were summarized} */
    public int reportCount() {
        return reportCount;
    }

    /** {@return the sessions of all reports} */
    public Counts total() {
        return total;
    }

    /** {@return the sessions per UTC day (the day each report's range starts)} */
    public SortedMap<LocalDate, Counts> byDay() {
        return byDay;
    }

    /** {@return the sessions per {@code organization-name}} */
    public SortedMap<String, Counts> byOrganization() {
        return byOrganization;
    }

    /** {@return the sessions per {@code policy-domain} (lower case)} */
    public SortedMap<String, Counts> byPolicyDomain() {
        return byPolicyDomain;
    }

    /** {@return the failures per {@code receiving-mx-hostname} (lower case)} */
    public SortedMap<String, MxHostStats> byMxHost() {
        return byMxHost;
    }

    /** {@return the failed sessions per {@code result-type} (sum of {@code failed-session-count})} */
    public SortedMap<String, Long> byResultType() {
        return byResultType;
    }

    /**
     * Judges whether a domain may switch its MTA-STS policy from {@code testing} to {@code
     * enforce}, with the evidence (see {@link Readiness}).
     *
     * @param criteria the domain, the window and the MX hosts to cover
     * @return the verdict and its evidence
     */
    public Readiness readiness(ReadinessCriteria criteria) {
        return Readiness.assess(rows, criteria);
    }

    /**
     * {@return the summary as JSON: {@code report-count}, {@code total}, {@code by-day}, {@code
     * by-organization}, {@code by-policy-domain}, {@code by-mx-host}, {@code by-result-type}; counts
     * as {@code {"successful-sessions":N,"failed-sessions":N,"success-rate":0.99}} ({@code null} rate
     * without sessions)}
     */
    public String toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = TlsReportWriter.FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeStartObject();
            g.writeNumberProperty("report-count", reportCount);
            g.writeName("total");
            writeCounts(g, total);
            g.writeName("by-day");
            g.writeStartObject();
            for (Map.Entry<LocalDate, Counts> e : byDay.entrySet()) {
                g.writeName(e.getKey().toString());
                writeCounts(g, e.getValue());
            }
            g.writeEndObject();
            writeCountMap(g, "by-organization", byOrganization);
            writeCountMap(g, "by-policy-domain", byPolicyDomain);
            g.writeName("by-mx-host");
            g.writeStartObject();
            for (Map.Entry<String, MxHostStats> e : byMxHost.entrySet()) {
                g.writeName(e.getKey());
                g.writeStartObject();
                g.writeNumberProperty("failed-sessions", e.getValue().failedSessions());
                writeLongMap(g, "by-result-type", e.getValue().byResultType());
                g.writeEndObject();
            }
            g.writeEndObject();
            writeLongMap(g, "by-result-type", byResultType);
            g.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static void writeCounts(JsonGenerator g, Counts c) {
        g.writeStartObject();
        g.writeNumberProperty("successful-sessions", c.successfulSessions());
        g.writeNumberProperty("failed-sessions", c.failedSessions());
        g.writeName("success-rate");
        OptionalDouble rate = c.successRate();
        if (rate.isPresent()) {
            g.writeNumber(rate.getAsDouble());
        } else {
            g.writeNull();
        }
        g.writeEndObject();
    }

    private static void writeCountMap(JsonGenerator g, String name, Map<String, Counts> map) {
        g.writeName(name);
        g.writeStartObject();
        for (Map.Entry<String, Counts> e : map.entrySet()) {
            g.writeName(e.getKey());
            writeCounts(g, e.getValue());
        }
        g.writeEndObject();
    }

    static void writeLongMap(JsonGenerator g, String name, Map<String, Long> map) {
        g.writeName(name);
        g.writeStartObject();
        for (Map.Entry<String, Long> e : map.entrySet()) {
            g.writeNumberProperty(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    @Override
    public String toString() {
        return "ReportSummary[" + reportCount + " reports, " + total + "]";
    }
}
