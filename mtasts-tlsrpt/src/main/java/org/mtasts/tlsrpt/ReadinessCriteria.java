package org.mtasts.tlsrpt;

import java.time.LocalDate;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.mtasts.core.DomainName;

/**
 * What {@link ReportSummary#readiness(ReadinessCriteria)} checks: the policy domain, the window of
 * days that must be free of failures (ending with {@code lastDay}), and optionally the MX hosts the
 * domain publishes, each of which must be covered by the policy the reporters applied.
 *
 * <pre>{@code
 * ReadinessCriteria c = ReadinessCriteria.of(DomainName.of("example.com"), LocalDate.of(2024, 3, 1), 14)
 *         .withMxHosts(List.of(DomainName.of("mx1.example.com"), DomainName.of("mx2.example.com")));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param policyDomain the domain about to enforce
 * @param lastDay the last UTC day of the window (usually yesterday)
 * @param days the number of days in the window, at least 1
 * @param mxHosts the MX hosts to check; empty to check the patterns of the reported policies
 * @since 0.1
 */
public record ReadinessCriteria(DomainName policyDomain, LocalDate lastDay, int days, Set<DomainName> mxHosts) {

    /**
     * Checks and copies the components.
     *
     * @param policyDomain the domain about to enforce
     * @param lastDay the last UTC day of the window (usually yesterday)
     * @param days the number of days in the window, at least 1
     * @param mxHosts the MX hosts to check; empty to check the patterns of the reported policies
     */
    public ReadinessCriteria {
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(lastDay, "lastDay");
        if (days < 1 || days > 366) {
            throw new IllegalArgumentException("days must be 1 to 366, was " + days);
        }
        mxHosts = Set.copyOf(mxHosts);
    }

    /**
     * Returns criteria without MX hosts.
     *
     * @param policyDomain the domain
     * @param lastDay the last day of the window
     * @param days the window length
     * @return the criteria
     */
    public static ReadinessCriteria of(DomainName policyDomain, LocalDate lastDay, int days) {
        return new ReadinessCriteria(policyDomain, lastDay, days, Set.of());
    }

    /**
     * Returns a copy that also checks these MX hosts.
     *
     * @param hosts the MX hosts the domain publishes
     * @return the copy
     */
    public ReadinessCriteria withMxHosts(Collection<DomainName> hosts) {
        return new ReadinessCriteria(policyDomain, lastDay, days, Set.copyOf(hosts));
    }

    /** {@return the first day of the window} */
    public LocalDate firstDay() {
        return lastDay.minusDays(days - 1L);
    }

    /** Returns the MX hosts as sorted text. */
    TreeSet<String> mxHostNames() {
        TreeSet<String> out = new TreeSet<>();
        for (DomainName d : mxHosts) {
            out.add(d.ascii());
        }
        return out;
    }
}
