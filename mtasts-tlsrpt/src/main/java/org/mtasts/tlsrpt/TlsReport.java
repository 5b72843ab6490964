package org.mtasts.tlsrpt;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.ParseResult;

/**
 * An SMTP TLS report (RFC 8460 §4): who reports, for which day, and per policy the successful and
 * failed sessions with the details of the failures.
 *
 * <p>Read one with {@link TlsReportReader}, write one with {@link TlsReportWriter}, build one with
 * {@link #builder()} or let {@link ReportAggregator} make them from session results. Reports of the
 * same reporter and day combine with {@link #merge(TlsReport)}, so that several MTA nodes can send
 * one report.
 *
 * <pre>{@code
 * TlsReport report = TlsReport.builder()
 *         .organizationName("Example Mail")
 *         .contactInfo("tlsrpt@mail.example.net")
 *         .reportId("20240225.example.com@mail.example.net")
 *         .dateRange(DateRange.utcDay(LocalDate.of(2024, 2, 25)))
 *         .policy(new PolicyResult(PolicyDetails.sts(DomainName.of("example.com"), policy.toText()),
 *                 new Summary(120, 0), List.of()))
 *         .build();
 * TlsReport all = report.merge(reportFromOtherNode);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param organizationName {@code organization-name}
 * @param dateRange {@code date-range}
 * @param contactInfo {@code contact-info}, or null when a received report lacks it
 * @param reportId {@code report-id}
 * @param policies {@code policies}
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4">RFC 8460 §4</a>
 * @since 0.1
 */
public record TlsReport(String organizationName, DateRange dateRange, @Nullable String contactInfo,
        String reportId, List<PolicyResult> policies) {

    /** Orders policies for {@link #canonical()}: domain, type, strings, mx hosts. */
    static final Comparator<PolicyDetails> POLICY_ORDER = Comparator
            .comparing(PolicyDetails::policyDomain, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(PolicyDetails::policyTypeToken)
            .thenComparing(PolicyDetails::policyStrings, TlsReport::compareLists)
            .thenComparing(PolicyDetails::mxHosts, TlsReport::compareLists);

    /** Orders failure details for {@link #canonical()}: every field, the count last. */
    static final Comparator<FailureDetails> DETAIL_ORDER = Comparator
            .comparing((FailureDetails d) -> d.resultType().token())
            .thenComparing(FailureDetails::sendingMtaIp, nullsFirst())
            .thenComparing(FailureDetails::receivingMxHostname, nullsFirst())
            .thenComparing(FailureDetails::receivingMxHelo, nullsFirst())
            .thenComparing(FailureDetails::receivingIp, nullsFirst())
            .thenComparing(FailureDetails::additionalInformation, nullsFirst())
            .thenComparing(FailureDetails::failureReasonCode, nullsFirst())
            .thenComparingLong(FailureDetails::failedSessionCount);

    /**
     * Checks and copies the components.
     *
     * @param organizationName {@code organization-name}
     * @param dateRange {@code date-range}
     * @param contactInfo {@code contact-info}, or null when a received report lacks it
     * @param reportId {@code report-id}
     * @param policies {@code policies}
     */
    public TlsReport {
        Objects.requireNonNull(organizationName, "organizationName");
        Objects.requireNonNull(dateRange, "dateRange");
        Objects.requireNonNull(reportId, "reportId");
        policies = List.copyOf(policies);
    }

    /**
     * Returns a report made of a header and policies.
     *
     * @param header the top-level members
     * @param policies the policies
     * @return the report
     */
    public static TlsReport of(ReportHeader header, List<PolicyResult> policies) {
        return new TlsReport(header.organizationName(), header.dateRange(), header.contactInfo(),
                header.reportId(), policies);
    }

    /** {@return the top-level members other than {@code policies}} */
    public ReportHeader header() {
        return new ReportHeader(organizationName, dateRange, contactInfo, reportId);
    }

    /** {@return the sum of every policy's {@code total-successful-session-count}, saturating} */
    public long totalSuccessfulSessionCount() {
        long sum = 0;
        for (PolicyResult p : policies) {
            sum = Sums.add(sum, p.summary().totalSuccessfulSessionCount());
        }
        return sum;
    }

    /** {@return the sum of every policy's {@code total-failure-session-count}, saturating} */
    public long totalFailureSessionCount() {
        long sum = 0;
        for (PolicyResult p : policies) {
            sum = Sums.add(sum, p.summary().totalFailureSessionCount());
        }
        return sum;
    }

    /** {@return the distinct {@code policy-domain} values, in order of first appearance} */
    public List<String> policyDomains() {
        Set<String> domains = new LinkedHashSet<>();
        for (PolicyResult p : policies) {
            String d = p.policy().policyDomain();
            if (d != null) {
                domains.add(d);
            }
        }
        return List.copyOf(domains);
    }

    /**
     * {@return the submitter: the domain of {@code contact-info}, which {@code TLS-Report-Submitter}
     * and the §5.1 file name must carry (RFC 8460 §5.1, §5.3); empty if there is no usable address}
     */
    public Optional<DomainName> submitter() {
        return contactInfo == null ? Optional.empty() : Optional.ofNullable(addressDomain(contactInfo));
    }

    /**
     * Returns this report in canonical form: policies with equal details folded into one (summaries
     * added), failure details that differ only in their count folded into one (counts added), and
     * both sorted. The form {@link ReportAggregator} and {@link #merge(TlsReport)} produce.
     *
     * @return the canonical report
     */
    public TlsReport canonical() {
        return withPolicies(fold(policies));
    }

    /**
     * Combines two partial reports of the same reporter and period, as several MTA nodes of one
     * organization produce them: policies and failure details are folded as in {@link #canonical()}.
     * Commutative and associative; the {@code report-id} of the result is the smaller of the two
     * (both are usually equal, as {@link ReportAggregator} derives it from day, domain and submitter).
     *
     * @param other the other part
     * @return the combined report, canonical
     * @throws IllegalArgumentException if organization, contact or date range differ
     */
    public TlsReport merge(TlsReport other) {
        if (!organizationName.equals(other.organizationName) || !dateRange.equals(other.dateRange)
                || !Objects.equals(contactInfo, other.contactInfo)) {
            throw new IllegalArgumentException("only reports of the same organization, contact-info and "
                    + "date-range merge: " + describe() + " vs " + other.describe());
        }
        List<PolicyResult> all = new ArrayList<>(policies.size() + other.policies.size());
        all.addAll(policies);
        all.addAll(other.policies);
        String id = reportId.compareTo(other.reportId) <= 0 ? reportId : other.reportId;
        return new TlsReport(organizationName, dateRange, contactInfo, id, fold(all));
    }

    /**
     * Merges any number of partial reports (see {@link #merge(TlsReport)}).
     *
     * @param parts at least one report
     * @return the combined report, canonical
     */
    public static TlsReport mergeAll(Collection<TlsReport> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        TlsReport result = null;
        for (TlsReport r : parts) {
            result = result == null ? r.canonical() : result.merge(r);
        }
        return result;
    }

    /** {@return a builder for a report to send} */
    public static Builder builder() {
        return new Builder();
    }

    private TlsReport withPolicies(List<PolicyResult> newPolicies) {
        return new TlsReport(organizationName, dateRange, contactInfo, reportId, newPolicies);
    }

    private String describe() {
        return Texts.quote(organizationName) + " " + dateRange + " "
                + (contactInfo == null ? "(no contact-info)" : Texts.quote(contactInfo));
    }

    static List<PolicyResult> fold(List<PolicyResult> in) {
        Map<PolicyDetails, Summary> summaries = new HashMap<>();
        Map<PolicyDetails, Map<FailureDetails, Long>> details = new LinkedHashMap<>();
        for (PolicyResult p : in) {
            summaries.merge(p.policy(), p.summary(), Summary::plus);
            Map<FailureDetails, Long> counts = details.computeIfAbsent(p.policy(), k -> new HashMap<>());
            for (FailureDetails d : p.failureDetails()) {
                counts.merge(d.withFailedSessionCount(0), d.failedSessionCount(), Sums::add);
            }
        }
        List<PolicyDetails> order = new ArrayList<>(details.keySet());
        order.sort(POLICY_ORDER);
        List<PolicyResult> out = new ArrayList<>(order.size());
        for (PolicyDetails policy : order) {
            List<FailureDetails> list = new ArrayList<>();
            for (Map.Entry<FailureDetails, Long> e : details.get(policy).entrySet()) {
                list.add(e.getKey().withFailedSessionCount(e.getValue()));
            }
            list.sort(DETAIL_ORDER);
            out.add(new PolicyResult(policy, summaries.get(policy), list));
        }
        return out;
    }

    private static Comparator<@Nullable String> nullsFirst() {
        return Comparator.nullsFirst(Comparator.naturalOrder());
    }

    private static int compareLists(List<String> a, List<String> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** Returns the domain of an RFC 5322 addr-spec {@code local@domain}, or null. */
    static @Nullable DomainName addressDomain(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return null;
        }
        ParseResult<DomainName> d = DomainName.parse(address.substring(at + 1));
        return d instanceof ParseResult.Valid<DomainName> valid ? valid.value() : null;
    }

    /** Returns why the text is not a usable addr-spec for {@code contact-info}, or null. */
    static @Nullable String addressProblem(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return "is not an address of the form local@domain";
        }
        for (int i = 0; i < at; i++) {
            char c = address.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';') {
                return "has a character that an RFC 5322 dot-atom cannot hold at index " + i;
            }
        }
        if (addressDomain(address) == null) {
            return "has no valid domain after '@'";
        }
        return null;
    }

    /**
     * Builds a report to send, checking each value as it is set.
     *
     * <pre>{@code
     * TlsReport r = TlsReport.builder().organizationName("Example Mail")
     *         .contactInfo("tlsrpt@mail.example.net").reportId("2024-02-25.1@mail.example.net")
     *         .day(LocalDate.of(2024, 2, 25)).build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private @Nullable String organizationName;
        private @Nullable DateRange dateRange;
        private @Nullable String contactInfo;
        private @Nullable String reportId;
        private final List<PolicyResult> policies = new ArrayList<>();

        private Builder() {}

        /**
         * Sets {@code organization-name}.
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
         * Sets {@code contact-info}: an address whose domain is the report submitter (RFC 8460 §5.3).
         *
         * @param address {@code local@domain}, domain in A-labels
         * @return this builder
         */
        public Builder contactInfo(String address) {
            String problem = addressProblem(Objects.requireNonNull(address, "address"));
            if (problem != null) {
                throw new IllegalArgumentException("contact-info " + Texts.quote(address) + " " + problem
                        + " (RFC 8460 §4.4)");
            }
            this.contactInfo = address;
            return this;
        }

        /**
         * Sets {@code report-id}.
         *
         * @param id a unique id, not blank
         * @return this builder
         */
        public Builder reportId(String id) {
            if (Objects.requireNonNull(id, "id").isBlank()) {
                throw new IllegalArgumentException("report-id must not be blank");
            }
            this.reportId = id;
            return this;
        }

        /**
         * Sets {@code date-range}.
         *
         * @param range the range
         * @return this builder
         */
        public Builder dateRange(DateRange range) {
            Objects.requireNonNull(range, "range");
            if (range.start().isAfter(range.end())) {
                throw new IllegalArgumentException("date-range starts after it ends: " + range);
            }
            this.dateRange = range;
            return this;
        }

        /**
         * Sets {@code date-range} to one UTC day (RFC 8460 §4.1).
         *
         * @param day the day
         * @return this builder
         */
        public Builder day(LocalDate day) {
            return dateRange(DateRange.utcDay(day));
        }

        /**
         * Adds a policy.
         *
         * @param policy the policy result
         * @return this builder
         */
        public Builder policy(PolicyResult policy) {
            policies.add(Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /**
         * Builds the report.
         *
         * @return the report
         * @throws IllegalStateException if a header member was not set
         */
        public TlsReport build() {
            if (organizationName == null || dateRange == null || contactInfo == null || reportId == null) {
                throw new IllegalStateException("organizationName, dateRange (or day), contactInfo and "
                        + "reportId are required (RFC 8460 §4.4)");
            }
            return new TlsReport(organizationName, dateRange, contactInfo, reportId, policies);
        }
    }
}
