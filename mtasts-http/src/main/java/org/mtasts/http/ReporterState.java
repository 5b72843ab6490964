package org.mtasts.http;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.ReportUri;
import org.mtasts.tlsrpt.ReportFormat;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportWriter;

/**
 * The in-memory state of a {@link TlsRptReporter}: the reports it took from the aggregator and has
 * not finished, their destinations, and the outcome of one attempt. Fields are guarded by the
 * reporter's lock; see {@link ReporterStateFormat} for how they are written to disk.
 */
final class ReporterState {
    private ReporterState() {}

    /** The results of one run or retry pass. */
    static final class Round {
        private final List<ReportResult> list = new ArrayList<>();

        synchronized void add(ReportResult r) {
            list.add(r);
        }

        synchronized List<ReportResult> results() {
            return List.copyOf(list);
        }
    }

    /** What an attempt at one destination gave. */
    record Outcome(Kind kind, String detail) {
        enum Kind { DELIVERED, REJECTED, FAILED }

        static Outcome rejected(String detail) {
            return new Outcome(Kind.REJECTED, detail);
        }

        static Outcome failed(String detail) {
            return new Outcome(Kind.FAILED, detail);
        }

        static Outcome of(UploadResult r) {
            if (r.isDelivered()) {
                return new Outcome(Kind.DELIVERED, r.detail());
            }
            // RFC 8460 §5.4, §5.5: statuses and failures that may pass are retried; others are not.
            return r.retryable() ? failed(r.detail()) : rejected(r.detail());
        }
    }

    /** A report taken from the aggregator and not finished (fields guarded by the reporter's lock). */
    static final class Pending {
        final long id;
        final LocalDate day;
        final DomainName domain;
        final TlsReport report;
        final Object fileLock = new Object();
        byte @Nullable [] json;
        byte @Nullable [] gzip;
        int lookups;
        @Nullable Instant firstLookup;
        @Nullable Instant nextLookup;
        boolean lookupInFlight;
        @Nullable List<Target> targets;
        boolean delivered;
        boolean finished;
        long version;
        long written; // guarded by fileLock

        Pending(long id, LocalDate day, DomainName domain, TlsReport report) {
            this.id = id;
            this.day = day;
            this.domain = domain;
            this.report = report;
        }

        byte[] json() {
            byte[] j = json;
            if (j == null) {
                j = TlsReportWriter.create().write(report, ReportFormat.JSON);
                json = j;
            }
            return j;
        }

        synchronized byte[] gzip() {
            byte[] g = gzip;
            if (g == null) {
                g = TlsReportWriter.create().write(report, ReportFormat.GZIP);
                gzip = g;
            }
            return g;
        }

        /** Rebuilds a pending report from its file; a delivery in flight when it was written is due again. */
        static Pending restore(ReporterStateFormat.StoredPending s, Instant now) {
            Pending p = new Pending(s.id(), s.day(), s.policyDomain(), s.report());
            p.delivered = s.delivered();
            p.lookups = s.lookups();
            p.firstLookup = s.firstLookup();
            p.nextLookup = s.nextLookup();
            List<ReporterStateFormat.StoredTarget> targets = s.targets();
            if (targets != null) {
                List<Target> list = new ArrayList<>(targets.size());
                for (ReporterStateFormat.StoredTarget st : targets) {
                    Target t = new Target(st.uri());
                    t.attempts = st.attempts();
                    t.first = st.first();
                    // A delivery cut by a stop is made again: at least once.
                    t.next = st.pending() ? (st.next() != null ? st.next() : now) : null;
                    list.add(t);
                }
                p.targets = list;
            } else if (p.nextLookup == null) {
                p.nextLookup = now;
            }
            return p;
        }

        ReporterStateFormat.StoredPending stored() {
            List<ReporterStateFormat.StoredTarget> stored = null;
            if (targets != null) {
                stored = new ArrayList<>(targets.size());
                for (Target t : targets) {
                    stored.add(new ReporterStateFormat.StoredTarget(t.next != null, t.attempts, t.first, t.next, t.uri));
                }
            }
            return new ReporterStateFormat.StoredPending(id, day, domain, delivered, lookups, firstLookup, nextLookup,
                    stored, report);
        }
    }

    /** One destination of a report (fields guarded by the reporter's lock). */
    static final class Target {
        final ReportUri uri;
        int attempts;
        @Nullable Instant first;
        /** When the next attempt is due; null once done. */
        @Nullable Instant next;
        boolean inFlight;

        Target(ReportUri uri) {
            this.uri = uri;
        }
    }
}
