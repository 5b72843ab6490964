package org.mtasts.tlsrpt;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.ParseResult;

/**
 * The file name of a report (RFC 8460 §5.1): {@code sender!policy-domain!begin!end[!unique-id].json}
 * or {@code .json.gz}, with both domains in A-labels and the timestamps in Unix seconds. Used as the
 * attachment name of a report message; a receiver takes every fact from the JSON instead (RFC 8460
 * §5.6).
 *
 * <pre>{@code
 * ReportFilename name = ReportFilename.of(report, ReportFormat.GZIP, "001");
 * name.toString();   // mail.sndr.example.com!example.net!1470013207!1470186007!001.json.gz
 * Optional<ReportFilename> parsed = ReportFilename.parse(attachmentName);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param submitter the domain of the report's {@code contact-info}, which RFC 8460 §5.1 calls
 *     {@code sender} in the file name and §5.3 {@code TLS-Report-Submitter}
 * @param policyDomain the policy domain reported on
 * @param beginTimestamp start of the date range, Unix seconds
 * @param endTimestamp end of the date range, Unix seconds
 * @param uniqueId {@code 1*(ALPHA / DIGIT)} distinguishing reports of several sources, or null
 * @param format plain or gzip
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.1">RFC 8460 §5.1</a>
 * @since 0.1
 */
public record ReportFilename(DomainName submitter, DomainName policyDomain, long beginTimestamp, long endTimestamp,
        @Nullable String uniqueId, ReportFormat format) {

    /**
     * Checks the components against the RFC 8460 §5.1 ABNF.
     *
     * @param submitter the domain of the report's {@code contact-info}, which RFC 8460 §5.1 calls
     *     {@code sender} in the file name and §5.3 {@code TLS-Report-Submitter}
     * @param policyDomain the policy domain reported on
     * @param beginTimestamp start of the date range, Unix seconds
     * @param endTimestamp end of the date range, Unix seconds
     * @param uniqueId {@code 1*(ALPHA / DIGIT)} distinguishing reports of several sources, or null
     * @param format plain or gzip
     */
    public ReportFilename {
        Objects.requireNonNull(submitter, "submitter");
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(format, "format");
        if (beginTimestamp < 0 || endTimestamp < 0) {
            // RFC 8460 §5.1: begin-timestamp and end-timestamp are 1*DIGIT.
            throw new IllegalArgumentException("timestamps must not be negative (RFC 8460 §5.1)");
        }
        if (uniqueId != null && !isUniqueId(uniqueId)) {
            throw new IllegalArgumentException("unique-id " + Texts.quote(uniqueId)
                    + " must be letters and digits (RFC 8460 §5.1)");
        }
    }

    /**
     * Returns the file name for a report: the submitter from {@code contact-info}, the policy domain,
     * and the date range.
     *
     * @param report a report about exactly one policy domain
     * @param format plain or gzip
     * @param uniqueId letters and digits, or null for none
     * @return the file name
     * @throws IllegalArgumentException if the report has no usable {@code contact-info}, or not
     *     exactly one valid policy domain
     */
    public static ReportFilename of(TlsReport report, ReportFormat format, @Nullable String uniqueId) {
        DomainName submitter = report.submitter().orElseThrow(() -> new IllegalArgumentException(
                "the report has no contact-info with a domain (RFC 8460 §5.1)"));
        List<String> domains = report.policyDomains();
        if (domains.size() != 1) {
            throw new IllegalArgumentException("the file name names one policy domain; the report has "
                    + domains.size() + " (RFC 8460 §5.1)");
        }
        // RFC 8460 §5.1: both domains in A-labels.
        DomainName policy = DomainName.of(domains.get(0));
        return new ReportFilename(submitter, policy, report.dateRange().startEpochSecond(),
                report.dateRange().endEpochSecond(), uniqueId, format);
    }

    /**
     * Parses a file name leniently: any case, domains with U-labels or a trailing dot are normalized.
     *
     * @param name a file name, without directories
     * @return the parts, or empty if the name does not have the RFC 8460 §5.1 form
     */
    public static Optional<ReportFilename> parse(String name) {
        Objects.requireNonNull(name, "name");
        String lower = name.toLowerCase(Locale.ROOT);
        ReportFormat format;
        int end;
        if (lower.endsWith(".json.gz")) {
            format = ReportFormat.GZIP;
            end = name.length() - 8;
        } else if (lower.endsWith(".json")) {
            format = ReportFormat.JSON;
            end = name.length() - 5;
        } else {
            return Optional.empty();
        }
        String[] parts = name.substring(0, end).split("!", -1);
        if (parts.length != 4 && parts.length != 5) {
            return Optional.empty();
        }
        ParseResult<DomainName> submitter = DomainName.parse(parts[0]);
        ParseResult<DomainName> policy = DomainName.parse(parts[1]);
        if (!(submitter instanceof ParseResult.Valid<DomainName> s) || !(policy instanceof ParseResult.Valid<DomainName> d)
                || !isTimestamp(parts[2]) || !isTimestamp(parts[3])) {
            return Optional.empty();
        }
        String id = parts.length == 5 ? parts[4] : null;
        if (id != null && !isUniqueId(id)) {
            return Optional.empty();
        }
        return Optional.of(new ReportFilename(s.value(), d.value(), Long.parseLong(parts[2]), Long.parseLong(parts[3]),
                id, format));
    }

    /** Returns {@code sender!policy-domain!begin!end[!unique-id].extension}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(96).append(submitter).append('!').append(policyDomain).append('!')
                .append(beginTimestamp).append('!').append(endTimestamp);
        if (uniqueId != null) {
            out.append('!').append(uniqueId);
        }
        return out.append('.').append(format.extension()).toString();
    }

    private static boolean isTimestamp(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isUniqueId(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }
}
