package org.mtasts.http;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.ReportUri;

/**
 * One thing that happened to a daily TLS report in a {@link TlsRptReporter}: about the report as a
 * whole (its {@code _smtp._tls} record, whether it counts as delivered) when {@link #destination()}
 * is null, or about one {@code rua} destination.
 *
 * <p>A report is delivered as soon as one destination accepted it (RFC 8460 §3): {@link
 * Kind#REPORT_DELIVERED} says so once; the other destinations are still tried. {@link
 * Kind#REPORT_UNDELIVERED} says that every destination is done and none accepted it.
 *
 * <pre>{@code
 * for (ReportResult r : reporter.results()) {
 *     if (r.kind() == ReportResult.Kind.GAVE_UP || r.kind() == ReportResult.Kind.REJECTED) {
 *         log.log(System.Logger.Level.WARNING, r.toString());  // 2026-01-02T01:12:00Z 2026-01-01 example.com https://...
 *     }
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param at when it happened, by the reporter's clock
 * @param day the UTC day the report covers
 * @param policyDomain the report's policy domain
 * @param reportId the report's {@code report-id}
 * @param destination the {@code rua} destination concerned, or null for the report as a whole
 * @param kind what happened
 * @param detail a one-line description without raw control characters (the record looked up, the
 *     endpoint's answer, the exception)
 * @param attempt which attempt at this destination (or, for the record look-up, which look-up)
 *     this was, from 1; 0 when nothing was attempted
 * @param nextAttempt when the next attempt is due, for {@link Kind#FAILED_WILL_RETRY}; else null
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.5">RFC 8460 §5.5</a>
 * @since 0.1
 */
public record ReportResult(Instant at, LocalDate day, DomainName policyDomain, String reportId,
        @Nullable ReportUri destination, Kind kind, String detail, int attempt, @Nullable Instant nextAttempt) {

    /** What happened. */
    public enum Kind {
        /** The destination accepted the report (an HTTP 2xx, or the mailer accepted the e-mail). */
        DELIVERED(Scope.DESTINATION),
        /**
         * The destination refused the report for good (an HTTP status that is not worth retrying, a
         * mail rejected, an unusable URI or address): not retried, and the destination is
         * suppressed.
         */
        REJECTED(Scope.DESTINATION),
        /**
         * The attempt failed in a way that may pass (or, without a destination, the TXT look-up
         * failed temporarily): tried again at {@link #nextAttempt()} (RFC 8460 §5.5).
         */
        FAILED_WILL_RETRY(Scope.EITHER),
        /**
         * Still failing 24 hours after the first attempt: no more attempts (RFC 8460 §5.5); a
         * destination is then suppressed.
         */
        GAVE_UP(Scope.EITHER),
        /** The destination is on the suppression list: not tried. */
        SUPPRESSED(Scope.DESTINATION),
        /** The destination's scheme is neither {@code https} nor {@code mailto} (RFC 8460 §3): skipped. */
        UNSUPPORTED_SCHEME(Scope.DESTINATION),
        /** A {@code mailto:} destination, but the reporter has no {@link ReportMailer}: skipped. */
        NO_MAILER(Scope.DESTINATION),
        /** The policy domain has no TLSRPT record (RFC 8460 §3): nothing is sent. */
        NO_RECORD(Scope.REPORT),
        /** The policy domain's one TLSRPT record is invalid (RFC 8460 §3): nothing is sent. */
        INVALID_RECORD(Scope.REPORT),
        /** The policy domain has more than one TLSRPT record (RFC 8460 §3): nothing is sent. */
        MULTIPLE_RECORDS(Scope.REPORT),
        /** A first destination accepted the report: it counts as delivered (RFC 8460 §3). */
        REPORT_DELIVERED(Scope.REPORT),
        /** Every destination is done and none accepted the report. */
        REPORT_UNDELIVERED(Scope.REPORT);

        private final Scope scope;

        Kind(Scope scope) {
            this.scope = scope;
        }

        /** Whether results of this kind may be about one destination. */
        boolean allowsDestination() {
            return scope != Scope.REPORT;
        }

        /** Whether results of this kind may be about the report as a whole. */
        boolean allowsReport() {
            return scope != Scope.DESTINATION;
        }
    }

    private enum Scope {
        DESTINATION, REPORT, EITHER
    }

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if the kind needs a destination and there is none, or the
     *     other way round; if a retry has no next attempt; or if the attempt is negative
     *
     * @param at when it happened, by the reporter's clock
     * @param day the UTC day the report covers
     * @param policyDomain the report's policy domain
     * @param reportId the report's {@code report-id}
     * @param destination the {@code rua} destination concerned, or null for the report as a whole
     * @param kind what happened
     * @param detail a one-line description without raw control characters (the record looked up, the
     *     endpoint's answer, the exception)
     * @param attempt which attempt at this destination (or, for the record look-up, which look-up)
     *     this was, from 1; 0 when nothing was attempted
     * @param nextAttempt when the next attempt is due, for {@link Kind#FAILED_WILL_RETRY}; else null
     */
    public ReportResult {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        if (destination != null ? !kind.allowsDestination() : !kind.allowsReport()) {
            throw new IllegalArgumentException(kind + (destination != null ? " is about the report, not a destination"
                    : " needs a destination"));
        }
        if ((kind == Kind.FAILED_WILL_RETRY) != (nextAttempt != null)) {
            throw new IllegalArgumentException("a next attempt goes with FAILED_WILL_RETRY, and only with it");
        }
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt " + attempt + " is negative");
        }
    }

    /** Returns {@code at day policy-domain [destination]: kind: detail}, escaped. */
    @Override
    public String toString() {
        return at + " " + day + " " + policyDomain + (destination == null ? "" : " " + Printable.of(destination.uri()))
                + ": " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                + (attempt > 0 ? " (attempt " + attempt + ")" : "")
                + (nextAttempt != null ? ", next attempt " + nextAttempt : "")
                + ": " + Printable.of(detail);
    }
}
