package org.mtasts.tlsrpt;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The top-level members of a report other than {@code policies} (RFC 8460 §4.4): who reports, for
 * which period, and under which id. The streaming reader hands it over at the end of the document,
 * because senders put {@code report-id} anywhere, even after the policies.
 *
 * <pre>{@code
 * ReportHeader h = report.header();
 * System.out.println(h.organizationName() + " " + h.dateRange() + " " + h.reportId());
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param organizationName {@code organization-name}
 * @param dateRange {@code date-range}
 * @param contactInfo {@code contact-info}, or null when the sender wrote {@code null} or left it out
 * @param reportId {@code report-id}
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 * @since 0.1
 */
public record ReportHeader(String organizationName, DateRange dateRange, @Nullable String contactInfo,
        String reportId) {

    /**
     * Checks that the required members are present.
     *
     * @param organizationName {@code organization-name}
     * @param dateRange {@code date-range}
     * @param contactInfo {@code contact-info}, or null when the sender wrote {@code null} or left it out
     * @param reportId {@code report-id}
     */
    public ReportHeader {
        Objects.requireNonNull(organizationName, "organizationName");
        Objects.requireNonNull(dateRange, "dateRange");
        Objects.requireNonNull(reportId, "reportId");
    }
}
