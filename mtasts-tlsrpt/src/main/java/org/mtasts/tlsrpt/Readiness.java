package org.mtasts.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxPattern;
import org.mtasts.core.ParseResult;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;

/**
 * Whether a domain may move its MTA-STS policy from {@code testing} to {@code enforce}, judged from
 * the TLS reports of a window of days, with the evidence.
 *
 * <p>{@link Verdict#NOT_READY} when, in the window, any reporter counted a failed session for the
 * domain (under any policy type), or an MX host is not covered by the {@code mx} patterns of the
 * policy the reporters applied, or a failure detail names it. {@link Verdict#INSUFFICIENT_DATA}
 * when a day of the window has no report for the domain, or no reporter counted a successful session
 * under an {@code sts} policy (the policy is not being fetched). {@link Verdict#READY} otherwise.
 *
 * <p>Reports count successes per policy, not per MX host, so an MX host is "seen with TLS" only in
 * this sense: the reporters' policy covers it, sessions under that policy succeeded, and no failure
 * names it. A backup MX that no sender used cannot be confirmed by reports; check it directly.
 *
 * <pre>{@code
 * Readiness r = summary.readiness(ReadinessCriteria.of(DomainName.of("example.com"), yesterday, 14));
 * if (r.verdict() == Readiness.Verdict.READY) {
 *     // publish mode: enforce with a new policy id
 * }
 * r.reasons().forEach(System.out::println);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param verdict the verdict
 * @param reasons why, in plain language, one sentence each
 * @param criteria what was checked
 * @param daysWithoutReports days of the window without any report for the domain
 * @param reporters the organizations that reported on the domain in the window
 * @param stsSuccessfulSessions successful sessions under {@code sts} policies
 * @param failedSessions failed sessions under any policy of the domain
 * @param failures the failures, one per failure detail (or per policy without details)
 * @param mxHosts per MX host (or pattern): the covering pattern and the failures naming it
 * @since 0.1
 */
public record Readiness(Verdict verdict, List<String> reasons, ReadinessCriteria criteria,
        List<LocalDate> daysWithoutReports, SortedSet<String> reporters, long stsSuccessfulSessions,
        long failedSessions, List<FailureEvidence> failures, SortedMap<String, MxEvidence> mxHosts) {

    /** The verdict. */
    public enum Verdict {
        /** No failures, every day reported, every MX host covered: enforce. */
        READY,
        /** Failures or uncovered MX hosts: fix them first. */
        NOT_READY,
        /** Not enough reports to say. */
        INSUFFICIENT_DATA
    }

    /**
     * A failure seen in the window.
     *
     * <pre>{@code
     * r.failures().forEach(f -> System.out.println(f.day() + " " + f.organization() + " " + f.resultType()));
     * }</pre>
     *
     * <p>Immutable and thread-safe.
     *
     * @param day the report's day
     * @param organization the reporter
     * @param policyType the policy type token
     * @param resultType the result type token, or {@code null} when the report gave no details
     * @param receivingMxHostname the MX host, or null
     * @param failureReasonCode the reason code, or null
     * @param failedSessions the sessions
     */
    public record FailureEvidence(LocalDate day, String organization, String policyType, @Nullable String resultType,
            @Nullable String receivingMxHostname, @Nullable String failureReasonCode, long failedSessions) {}

    /**
     * What the reports say about one MX host.
     *
     * <pre>{@code
     * Readiness.MxEvidence e = r.mxHosts().get("mx1.example.com");
     * boolean covered = e.coveringPattern() != null;
     * }</pre>
     *
     * <p>Immutable and thread-safe.
     *
     * @param coveringPattern the reported policy's {@code mx} pattern that matches it, or null
     * @param failedSessions failed sessions naming it as {@code receiving-mx-hostname}
     */
    public record MxEvidence(@Nullable String coveringPattern, long failedSessions) {}

    /**
     * Copies the components.
     *
     * @param verdict the verdict
     * @param reasons why, in plain language, one sentence each
     * @param criteria what was checked
     * @param daysWithoutReports days of the window without any report for the domain
     * @param reporters the organizations that reported on the domain in the window
     * @param stsSuccessfulSessions successful sessions under {@code sts} policies
     * @param failedSessions failed sessions under any policy of the domain
     * @param failures the failures, one per failure detail (or per policy without details)
     * @param mxHosts per MX host (or pattern): the covering pattern and the failures naming it
     */
    public Readiness {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(criteria, "criteria");
        reasons = List.copyOf(reasons);
        daysWithoutReports = List.copyOf(daysWithoutReports);
        reporters = Collections.unmodifiableSortedSet(new TreeSet<>(reporters));
        failures = List.copyOf(failures);
        mxHosts = Collections.unmodifiableSortedMap(new TreeMap<>(mxHosts));
    }

    static Readiness assess(List<ReportSummary.Row> rows, ReadinessCriteria c) {
        String domain = c.policyDomain().ascii();
        LocalDate first = c.firstDay();
        Set<LocalDate> reported = new TreeSet<>();
        SortedSet<String> reporters = new TreeSet<>();
        Set<String> patterns = new LinkedHashSet<>();
        List<FailureEvidence> failures = new ArrayList<>();
        List<FailureDetails> details = new ArrayList<>();
        long stsOk = 0;
        long failed = 0;
        for (ReportSummary.Row row : rows) {
            PolicyDetails policy = row.result().policy();
            if (row.day().isBefore(first) || row.day().isAfter(c.lastDay()) || policy.policyDomain() == null
                    || !domain.equalsIgnoreCase(policy.policyDomain())) {
                continue;
            }
            reported.add(row.day());
            reporters.add(row.organization());
            Summary s = row.result().summary();
            failed = Sums.add(failed, s.totalFailureSessionCount());
            if (policy.policyType() == PolicyType.STS) {
                stsOk = Sums.add(stsOk, s.totalSuccessfulSessionCount());
                patterns.addAll(patternsOf(policy));
            }
            for (FailureDetails d : row.result().failureDetails()) {
                details.add(d);
                failures.add(new FailureEvidence(row.day(), row.organization(), policy.policyTypeToken(),
                        d.resultType().token(), d.receivingMxHostname(), d.failureReasonCode(), d.failedSessionCount()));
            }
            if (row.result().failureDetails().isEmpty() && s.totalFailureSessionCount() > 0) {
                failures.add(new FailureEvidence(row.day(), row.organization(), policy.policyTypeToken(), null, null,
                        null, s.totalFailureSessionCount()));
            }
        }
        List<LocalDate> missing = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(c.lastDay()); d = d.plusDays(1)) {
            if (!reported.contains(d)) {
                missing.add(d);
            }
        }
        SortedMap<String, MxEvidence> mx = new TreeMap<>();
        Set<String> hosts = c.mxHosts().isEmpty() ? patterns : c.mxHostNames();
        for (String host : hosts) {
            String covering = c.mxHosts().isEmpty() ? host : covering(host, patterns);
            long hostFailed = 0;
            for (FailureDetails d : details) {
                String name = d.receivingMxHostname();
                if (name != null && names(host, name)) {
                    hostFailed = Sums.add(hostFailed, d.failedSessionCount());
                }
            }
            mx.put(host, new MxEvidence(covering, hostFailed));
        }

        List<String> reasons = new ArrayList<>();
        boolean notReady = false;
        if (failed > 0 || !failures.isEmpty()) {
            notReady = true;
            reasons.add(failed + " failed sessions were reported for " + domain + " from " + first + " to "
                    + c.lastDay() + " (" + failures.size() + " failure entries)");
        }
        for (Map.Entry<String, MxEvidence> e : mx.entrySet()) {
            if (e.getValue().coveringPattern() == null) {
                notReady = true;
                reasons.add("MX host " + e.getKey() + " is not covered by the mx patterns the reporters applied "
                        + patterns);
            } else if (e.getValue().failedSessions() > 0) {
                notReady = true;
                reasons.add("MX host " + e.getKey() + " is named in " + e.getValue().failedSessions()
                        + " failed sessions");
            }
        }
        boolean insufficient = false;
        if (!missing.isEmpty()) {
            insufficient = true;
            reasons.add(missing.size() + " of " + c.days() + " days have no report for " + domain);
        }
        if (stsOk == 0) {
            insufficient = true;
            reasons.add("no reporter counted a successful session under an sts policy for " + domain);
        }
        Verdict verdict = notReady ? Verdict.NOT_READY : insufficient ? Verdict.INSUFFICIENT_DATA : Verdict.READY;
        if (verdict == Verdict.READY) {
            reasons.add(stsOk + " successful sessions under the sts policy and no failures from " + reporters.size()
                    + " reporters on each of the " + c.days() + " days; every MX host is covered");
        }
        return new Readiness(verdict, reasons, c, missing, reporters, stsOk, failed, failures, mx);
    }

    /** Returns the mx patterns of a reported STS policy: {@code mx-host}, else the policy's mx lines. */
    private static List<String> patternsOf(PolicyDetails policy) {
        List<String> raw = new ArrayList<>(policy.mxHosts());
        if (raw.isEmpty()) {
            for (String line : policy.policyStrings()) {
                if (line.startsWith("mx:")) {
                    raw.add(line);
                }
            }
        }
        List<String> out = new ArrayList<>(raw.size());
        for (String s : raw) {
            // INTEROP: some senders keep the "mx:" key in mx-host (cry-inc test data).
            String p = s.startsWith("mx:") ? s.substring(3).strip() : s.strip();
            ParseResult<MxPattern> parsed = MxPattern.parse(p.toLowerCase(Locale.ROOT));
            if (parsed instanceof ParseResult.Valid<MxPattern> valid) {
                out.add(valid.value().toText());
            }
        }
        return out;
    }

    private static @Nullable String covering(String host, Set<String> patterns) {
        for (String p : patterns) {
            if (MxPattern.of(p).matches(host)) {
                return p;
            }
        }
        return null;
    }

    /** Returns whether a reported MX host name is the host (or matches the pattern). */
    private static boolean names(String hostOrPattern, String reported) {
        if (hostOrPattern.equalsIgnoreCase(reported)) {
            return true;
        }
        if (hostOrPattern.startsWith("*.")) {
            return MxPattern.of(hostOrPattern).matches(reported);
        }
        ParseResult<DomainName> a = DomainName.parse(reported);
        return a instanceof ParseResult.Valid<DomainName> v && v.value().ascii().equals(hostOrPattern);
    }

    /** {@return the verdict and its evidence as JSON} */
    public String toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = TlsReportWriter.FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeStartObject();
            g.writeStringProperty("policy-domain", criteria.policyDomain().ascii());
            g.writeStringProperty("first-day", criteria.firstDay().toString());
            g.writeStringProperty("last-day", criteria.lastDay().toString());
            g.writeStringProperty("verdict", verdict.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            g.writeName("reasons");
            g.writeStartArray();
            for (String r : reasons) {
                g.writeString(r);
            }
            g.writeEndArray();
            g.writeName("days-without-reports");
            g.writeStartArray();
            for (LocalDate d : daysWithoutReports) {
                g.writeString(d.toString());
            }
            g.writeEndArray();
            g.writeName("reporters");
            g.writeStartArray();
            for (String r : reporters) {
                g.writeString(r);
            }
            g.writeEndArray();
            g.writeNumberProperty("sts-successful-sessions", stsSuccessfulSessions);
            g.writeNumberProperty("failed-sessions", failedSessions);
            g.writeName("failures");
            g.writeStartArray();
            for (FailureEvidence f : failures) {
                g.writeStartObject();
                g.writeStringProperty("day", f.day().toString());
                g.writeStringProperty("organization", f.organization());
                g.writeStringProperty("policy-type", f.policyType());
                optional(g, "result-type", f.resultType());
                optional(g, "receiving-mx-hostname", f.receivingMxHostname());
                optional(g, "failure-reason-code", f.failureReasonCode());
                g.writeNumberProperty("failed-sessions", f.failedSessions());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeName("mx-hosts");
            g.writeStartObject();
            for (Map.Entry<String, MxEvidence> e : mxHosts.entrySet()) {
                g.writeName(e.getKey());
                g.writeStartObject();
                optional(g, "covering-pattern", e.getValue().coveringPattern());
                g.writeNumberProperty("failed-sessions", e.getValue().failedSessions());
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void optional(JsonGenerator g, String name, @Nullable String value) {
        if (value != null) {
            g.writeStringProperty(name, value);
        }
    }
}
