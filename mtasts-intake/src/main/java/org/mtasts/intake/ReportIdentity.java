package org.mtasts.intake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.mtasts.tlsrpt.TlsReport;

/**
 * What makes two reports the same report: the sending organisation's {@code organization-name}
 * and its {@code report-id} (RFC 8460 §4.4: the report-id is unique per sender). A report seen
 * twice (mailed to two addresses, fetched again, POSTed again after a timeout) has one identity,
 * and a store keeps it once.
 *
 * <pre>{@code
 * ReportIdentity id = ReportIdentity.of(report);
 * String fileName = id.digest() + ".json";
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param organizationName the report's {@code organization-name}, exactly as sent
 * @param reportId the report's {@code report-id}, exactly as sent
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 * @since 0.1
 */
public record ReportIdentity(String organizationName, String reportId) {

    /**
     * Checks the components.
     *
     * @param organizationName the report's {@code organization-name}
     * @param reportId the report's {@code report-id}
     */
    public ReportIdentity {
        Objects.requireNonNull(organizationName, "organizationName");
        Objects.requireNonNull(reportId, "reportId");
    }

    /**
     * Returns the identity of a report.
     *
     * @param report the report
     * @return its identity
     */
    public static ReportIdentity of(TlsReport report) {
        return new ReportIdentity(report.organizationName(), report.reportId());
    }

    /**
     * Returns the SHA-256 of the two values, in lower-case hex: a name for the report that is safe
     * as a file name and a database key whatever the sender wrote into its report.
     *
     * @return 64 hex digits
     */
    public String digest() {
        return sha256Hex((organizationName.length() + ":" + organizationName + reportId).getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
