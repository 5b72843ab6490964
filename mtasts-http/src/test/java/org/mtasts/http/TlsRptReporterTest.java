package org.mtasts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mtasts.http.ReporterFixture.AFTER_MIDNIGHT;
import static org.mtasts.http.ReporterFixture.DAY;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtasts.core.DomainName;
import org.mtasts.core.ReportUri;
import org.mtasts.core.TxtResolver;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.tlsrpt.ReportFormat;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;
import org.mtasts.tlsrpt.mail.MessageReadResult;
import org.mtasts.tlsrpt.mail.ReportMessageReader;

/** The rules of {@link TlsRptReporter}, with a moved clock and the doors; no threads unless stated. */
class TlsRptReporterTest {

    static final String A = "https://reports.a.example/v1";
    static final String B = "https://reports.b.example/v1";
    static final UploadResult UNAVAILABLE = new UploadResult.Rejected(503, true, "HTTP status 503");
    static final UploadResult NOT_FOUND = new UploadResult.Rejected(404, false, "HTTP status 404");

    final ReporterFixture f = new ReporterFixture();

    static List<ReportResult.Kind> kinds(List<ReportResult> results) {
        return results.stream().map(ReportResult::kind).toList();
    }

    static List<ReportResult> ofKind(List<ReportResult> results, ReportResult.Kind kind) {
        return results.stream().filter(r -> r.kind() == kind).toList();
    }

    static TlsReport read(byte[] gzip) {
        return TlsReportReader.strict().read(gzip).orElseThrow();
    }

    // ---------------------------------------------------------------- schedule

    @Test
    @DisplayName("RFC 8460 §4.1: the daily run starts at a random moment from 1 s to 4 h after 00:00 UTC")
    void dailyRunStartsWithinTheWindow() {
        long earliest = Long.MAX_VALUE;
        long latest = 0;
        for (int seed = 0; seed < 200; seed++) {
            ManualScheduler scheduler = new ManualScheduler();
            try (TlsRptReporter reporter = TlsRptReporter.builder(f.aggregator).txtResolver(f.dns).uploads(f.uploads)
                    .clock(f.clock).random(new Random(seed)).scheduler(scheduler).executor(Runnable::run).build()) {
                List<ManualScheduler.Task> tasks = scheduler.pendingOneShots();
                assertThat(tasks).hasSize(1);
                long delay = tasks.get(0).delayMillis;
                assertThat(delay).isBetween(1000L, Duration.ofHours(4).toMillis());
                assertThat(reporter.nextRun()).contains(AFTER_MIDNIGHT.plusMillis(delay));
                earliest = Math.min(earliest, delay);
                latest = Math.max(latest, delay);
            }
        }
        // Spread over the window, not bunched at one end.
        assertThat(earliest).isLessThan(Duration.ofMinutes(15).toMillis());
        assertThat(latest).isGreaterThan(Duration.ofMinutes(225).toMillis());
    }

    @Test
    @DisplayName("RFC 8460 §4.1: a configured window of 30 minutes keeps the run within it")
    void configuredWindow() {
        try (TlsRptReporter reporter = f.builder().sendWindow(Duration.ofMinutes(30)).build()) {
            assertThat(reporter.nextRun().orElseThrow()).isBetween(AFTER_MIDNIGHT.plusSeconds(1),
                    AFTER_MIDNIGHT.plus(Duration.ofMinutes(30)));
        }
        assertThatIllegalArgumentException().isThrownBy(() -> f.builder().sendWindow(Duration.ofHours(13)))
                .withMessageContaining("0..12 hours");
    }

    @Test
    @DisplayName("RFC 8460 §4.1: the daily run reports every UTC day before today that has sessions, then waits "
            + "for the next day's window")
    void dailyRunReportsEveryDayBeforeToday() {
        f.count(DAY.minusDays(1), "a.example", 2, 0);
        f.count(DAY, "b.example", 1, 1);
        f.count(DAY.plusDays(1), "c.example", 5, 0); // today: not over, not reported
        f.tlsRpt("a.example", A);
        f.tlsRpt("b.example", B);
        f.tlsRpt("c.example", "https://reports.c.example/v1");
        try (TlsRptReporter reporter = f.builder().build()) {
            ManualScheduler.Task daily = f.scheduler.pendingOneShots().get(0);
            f.clock.advance(Duration.ofMillis(daily.delayMillis));
            f.scheduler.runOneShots();

            assertThat(f.uploads.log()).extracting(u -> u.endpoint().toString()).containsExactlyInAnyOrder(A, B);
            assertThat(read(f.uploads.to(A).get(0).body()).dateRange().startDay()).isEqualTo(DAY.minusDays(1));
            assertThat(read(f.uploads.to(B).get(0).body()).dateRange().startDay()).isEqualTo(DAY);
            assertThat(f.aggregator.days()).containsExactly(DAY.plusDays(1));
            Instant tomorrow = Instant.parse("2026-01-03T00:00:00Z");
            assertThat(reporter.nextRun().orElseThrow()).isBetween(tomorrow.plusSeconds(1), tomorrow.plus(Duration.ofHours(4)));
            List<ManualScheduler.Task> next = f.scheduler.pendingOneShots();
            assertThat(next).hasSize(1);
            assertThat(f.clock.instant().plusMillis(next.get(0).delayMillis)).isEqualTo(reporter.nextRun().orElseThrow());
        }
    }

    @Test
    @DisplayName("A reporter started after its moment of the day runs at once")
    void startedLateRunsAtOnce() {
        f.clock.set(Instant.parse("2026-01-02T10:00:00Z"));
        f.count(DAY, "a.example", 1, 0);
        f.tlsRpt("a.example", A);
        try (TlsRptReporter reporter = f.builder().build()) {
            assertThat(f.scheduler.pendingOneShots()).singleElement().satisfies(t -> assertThat(t.delayMillis).isZero());
            f.scheduler.runOneShots();
            assertThat(f.uploads.to(A)).hasSize(1);
            assertThat(reporter.nextRun().orElseThrow()).isAfter(Instant.parse("2026-01-03T00:00:00Z"));
        }
    }

    @Test
    @DisplayName("runNow(day) after the daily run took the day returns that run's results, not an empty run")
    void runNowJoinsTheRunThatTookTheDay() {
        f.clock.set(Instant.parse("2026-01-02T10:00:00Z"));
        f.count(DAY, "a.example", 2, 1);
        f.tlsRpt("a.example", A);
        try (TlsRptReporter reporter = f.builder().build()) {
            f.scheduler.runOneShots();                 // the catch-up run takes the day first
            List<ReportResult> byHand = reporter.runNow(DAY);
            assertThat(byHand).filteredOn(r -> r.kind() == ReportResult.Kind.REPORT_DELIVERED)
                    .extracting(r -> r.policyDomain().ascii()).containsExactly("a.example");
            assertThat(f.uploads.to(A)).as("delivered once, not twice").hasSize(1);
            assertThat(reporter.runNow(DAY.minusDays(1))).as("a day never counted: nothing").isEmpty();
        }
    }

    @Test
    @DisplayName("runNow(day) reports every report it took, even when a retry pass runs while it is still starting "
            + "them: the retry timer cannot take a fresh report's look-up from the run")
    void retryPassWhileRunNowStartsCannotTakeAFreshReport() {
        f.count(DAY, "a.example", 1, 0);
        f.count(DAY, "b.example", 1, 0);
        f.tlsRpt("a.example", A);
        f.tlsRpt("b.example", B);
        AtomicReference<TlsRptReporter> reporterRef = new AtomicReference<>();
        AtomicReference<CompletableFuture<List<ReportResult>>> retryPass = new AtomicReference<>();
        // The race, made deterministic: while the run starts its first report's look-up, the retry
        // timer fires (on its own thread, it fires once anything is due: armed as soon as the first
        // look-up completes). Here its pass runs from inside that first look-up.
        TxtResolver dns = name -> {
            if (retryPass.get() == null) {
                retryPass.set(reporterRef.get().retryDueNowAsync());
            }
            return f.dns.resolveTxtAsync(name);
        };
        try (TlsRptReporter reporter = f.builder().txtResolver(dns).build()) {
            reporterRef.set(reporter);
            List<ReportResult> run = reporter.runNow(DAY);
            assertThat(run).as("the run's results: %s", run)
                    .filteredOn(r -> r.kind() == ReportResult.Kind.REPORT_DELIVERED)
                    .extracting(r -> r.policyDomain().ascii()).containsExactlyInAnyOrder("a.example", "b.example");
            assertThat(retryPass.get()).as("the retry pass ran during the run").isNotNull();
            assertThat(retryPass.get().join()).as("nothing was due that the run had not taken").isEmpty();
            assertThat(f.uploads.to(A)).hasSize(1);
            assertThat(f.uploads.to(B)).hasSize(1);
        }
    }

    // ---------------------------------------------------------------- record selection

    static Stream<Arguments> recordSelection() {
        return Stream.of(
                Arguments.of("no TXT record", new String[0], ReportResult.Kind.NO_RECORD),
                Arguments.of("only other TXT records", new String[] {"v=spf1 -all"}, ReportResult.Kind.NO_RECORD),
                Arguments.of("an invalid record", new String[] {"v=TLSRPTv1; rua=nothing"},
                        ReportResult.Kind.INVALID_RECORD),
                Arguments.of("two records", new String[] {"v=TLSRPTv1; rua=" + A, "v=TLSRPTv1; rua=" + B},
                        ReportResult.Kind.MULTIPLE_RECORDS));
    }

    @ParameterizedTest(name = "RFC 8460 §3: {0}: nothing is sent")
    @MethodSource("recordSelection")
    void withoutExactlyOneValidRecordNothingIsSent(String what, String[] texts, ReportResult.Kind kind) {
        f.count(DAY, "example.com", 3, 1);
        if (texts.length > 0) {
            f.dns.records("_smtp._tls.example.com", texts);
        }
        try (TlsRptReporter reporter = f.builder().build()) {
            List<ReportResult> results = reporter.runNow(DAY);
            assertThat(kinds(results)).containsExactly(kind);
            ReportResult r = results.get(0);
            assertThat(r.destination()).isNull();
            assertThat(r.policyDomain()).isEqualTo(DomainName.of("example.com"));
            assertThat(r.reportId()).isEqualTo("20260101.example.com@mail.example.net");
            assertThat(r.detail()).contains("_smtp._tls.example.com");
            assertThat(f.uploads.log()).isEmpty();
            assertThat(f.mailer.mails()).isEmpty();
            assertThat(reporter.pendingReports()).isZero();
            assertThat(reporter.nextRetry()).isEmpty();
        }
    }

    @Test
    @DisplayName("RFC 8460 §5.5: a temporary DNS failure is retried later, then the report is delivered")
    void temporaryDnsFailureIsRetried() {
        f.count(DAY, "example.com", 3, 0);
        f.dns.temporaryFailure("_smtp._tls.example.com", "SERVFAIL");
        try (TlsRptReporter reporter = f.builder().build()) {
            List<ReportResult> first = reporter.runNow(DAY);
            assertThat(kinds(first)).containsExactly(ReportResult.Kind.FAILED_WILL_RETRY);
            assertThat(first.get(0).destination()).isNull();
            assertThat(first.get(0).detail()).contains("SERVFAIL");
            assertThat(first.get(0).nextAttempt()).isEqualTo(AFTER_MIDNIGHT.plus(Duration.ofMinutes(5)));
            assertThat(reporter.nextRetry()).contains(AFTER_MIDNIGHT.plus(Duration.ofMinutes(5)));
            // The retry timer is armed on the scheduler.
            assertThat(f.scheduler.pendingOneShots()).anySatisfy(t -> assertThat(t.delayMillis)
                    .isEqualTo(Duration.ofMinutes(5).toMillis()));

            f.tlsRpt("example.com", A);
            f.clock.advance(Duration.ofMinutes(4));
            assertThat(reporter.retryDueNow()).isEmpty(); // not due yet
            f.clock.advance(Duration.ofMinutes(1));
            assertThat(kinds(reporter.retryDueNow())).containsExactly(ReportResult.Kind.DELIVERED,
                    ReportResult.Kind.REPORT_DELIVERED);
            assertThat(f.dns.lookups("_smtp._tls.example.com")).isEqualTo(2);
            assertThat(reporter.pendingReports()).isZero();
        }
    }

    @Test
    @DisplayName("RFC 8460 §5.5: a TXT look-up that fails for 24 hours gives up")
    void dnsFailingForADayGivesUp() {
        f.count(DAY, "example.com", 3, 0);
        f.dns.temporaryFailure("_smtp._tls.example.com", "timeout");
        try (TlsRptReporter reporter = f.builder().build()) {
            reporter.runNow(DAY);
            List<ReportResult> last = List.of();
            while (reporter.nextRetry().isPresent()) {
                f.clock.set(reporter.nextRetry().orElseThrow());
                last = reporter.retryDueNow();
            }
            assertThat(f.clock.instant()).isEqualTo(AFTER_MIDNIGHT.plus(Duration.ofHours(24)));
            assertThat(kinds(last)).containsExactly(ReportResult.Kind.GAVE_UP);
            assertThat(last.get(0).destination()).isNull();
            assertThat(f.dns.lookups("_smtp._tls.example.com")).isEqualTo(12);
            assertThat(reporter.pendingReports()).isZero();
        }
    }

    // ---------------------------------------------------------------- destinations

    @Test
    @DisplayName("RFC 8460 §3: delivered to every destination independently; delivered once one accepted it")
    void deliveredWhenOneDestinationAccepted() {
        f.count(DAY, "example.com", 3, 1);
        f.tlsRpt("example.com", A + "," + B);
        f.uploads.then(A, new UploadResult.Rejected(500, true, "HTTP status 500"));
        try (TlsRptReporter reporter = f.builder().build()) {
            List<ReportResult> results = reporter.runNow(DAY);
            assertThat(ofKind(results, ReportResult.Kind.FAILED_WILL_RETRY)).singleElement()
                    .satisfies(r -> assertThat(r.destination()).isEqualTo(ReportUri.of(A)));
            assertThat(ofKind(results, ReportResult.Kind.DELIVERED)).singleElement()
                    .satisfies(r -> assertThat(r.destination()).isEqualTo(ReportUri.of(B)));
            assertThat(ofKind(results, ReportResult.Kind.REPORT_DELIVERED)).singleElement()
                    .satisfies(r -> assertThat(r.detail()).contains(B));
            assertThat(reporter.pendingReports()).isOne(); // A is still retried

            f.clock.advance(Duration.ofMinutes(5));
            assertThat(kinds(reporter.retryDueNow())).containsExactly(ReportResult.Kind.DELIVERED);
            assertThat(reporter.pendingReports()).isZero();
            // Both endpoints got the same gzip report (RFC 8460 §5.2, §5.4).
            assertThat(f.uploads.to(A)).hasSize(2);
            assertThat(f.uploads.log()).allSatisfy(u -> assertThat(u.format()).isEqualTo(ReportFormat.GZIP));
            assertThat(read(f.uploads.to(A).get(1).body())).isEqualTo(read(f.uploads.to(B).get(0).body()));
        }
    }

    @Test
    @DisplayName("RFC 8460 §3: when no destination accepts the report, it is undelivered")
    void undeliveredWhenNoneAccepted() {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", A + "," + B);
        f.uploads.always(A, NOT_FOUND).always(B, new UploadResult.Failed(UploadResult.Reason.INVALID_URI, "bad", null));
        try (TlsRptReporter reporter = f.builder().build()) {
            List<ReportResult> results = reporter.runNow(DAY);
            assertThat(kinds(results)).containsExactly(ReportResult.Kind.REJECTED, ReportResult.Kind.REJECTED,
                    ReportResult.Kind.REPORT_UNDELIVERED);
            assertThat(reporter.pendingReports()).isZero();
            assertThat(reporter.nextRetry()).isEmpty();
        }
    }

    @Test
    @DisplayName("RFC 8460 §5.5: retries back off exponentially (5 min doubling, at most 4 h) until 24 h after the first "
            + "attempt, then give up")
    void retriesBackOffForADayThenGiveUp() {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", A);
        f.uploads.always(A, UNAVAILABLE);
        try (TlsRptReporter reporter = f.builder().build()) {
            reporter.runNow(DAY);
            List<ReportResult> last = List.of();
            while (reporter.nextRetry().isPresent()) {
                f.clock.set(reporter.nextRetry().orElseThrow());
                last = reporter.retryDueNow();
            }
            List<Long> minutes = f.uploads.to(A).stream()
                    .map(u -> Duration.between(AFTER_MIDNIGHT, u.at()).toMinutes()).toList();
            assertThat(minutes).containsExactly(0L, 5L, 15L, 35L, 75L, 155L, 315L, 555L, 795L, 1035L, 1275L, 1440L);
            assertThat(kinds(last)).containsExactly(ReportResult.Kind.GAVE_UP, ReportResult.Kind.REPORT_UNDELIVERED);
            assertThat(last.get(0).attempt()).isEqualTo(12);
            assertThat(last.get(0).detail()).contains("HTTP status 503", "RFC 8460 §5.5");
            // A destination that gave up is suppressed.
            assertThat(reporter.suppressed()).containsEntry(A, f.clock.instant().plus(TlsRptReporter.DEFAULT_SUPPRESSION));
            List<ReportResult> retries = ofKind(reporter.results(), ReportResult.Kind.FAILED_WILL_RETRY);
            assertThat(retries).hasSize(11);
            assertThat(retries.get(0).nextAttempt()).isEqualTo(AFTER_MIDNIGHT.plus(Duration.ofMinutes(5)));
            assertThat(retries.get(0).attempt()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("RFC 8460 §5.5: a configured back-off of 1 h doubling to 8 h gives five attempts in the day")
    void configuredBackoff() {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", A);
        f.uploads.always(A, UNAVAILABLE);
        try (TlsRptReporter reporter = f.builder().retryBackoff(Duration.ofHours(1), Duration.ofHours(8)).build()) {
            reporter.runNow(DAY);
            while (reporter.nextRetry().isPresent()) {
                f.clock.set(reporter.nextRetry().orElseThrow());
                reporter.retryDueNow();
            }
            assertThat(f.uploads.to(A).stream().map(u -> Duration.between(AFTER_MIDNIGHT, u.at()).toHours()))
                    .containsExactly(0L, 1L, 3L, 7L, 15L, 23L, 24L);
        }
    }

    @Test
    @DisplayName("RFC 8460 §5.5: a permanent rejection is not retried, and the destination is suppressed")
    void permanentRejectionIsNotRetried() {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", A);
        f.uploads.always(A, NOT_FOUND);
        try (TlsRptReporter reporter = f.builder().build()) {
            List<ReportResult> results = reporter.runNow(DAY);
            assertThat(kinds(results)).containsExactly(ReportResult.Kind.REJECTED, ReportResult.Kind.REPORT_UNDELIVERED);
            assertThat(results.get(0).detail()).contains("404");
            assertThat(reporter.nextRetry()).isEmpty();
            assertThat(reporter.suppressed()).containsOnlyKeys(A);
            f.clock.advance(Duration.ofHours(1));
            assertThat(reporter.retryDueNow()).isEmpty();
            assertThat(f.uploads.to(A)).hasSize(1);
        }
    }

    @Test
    @DisplayName("A suppressed destination is skipped with a result until its suppression expires")
    void suppressionAndItsExpiry() {
        f.tlsRpt("example.com", A + "," + B);
        f.uploads.then(A, NOT_FOUND);
        try (TlsRptReporter reporter = f.builder().suppression(Duration.ofDays(2)).build()) {
            f.count(DAY, "example.com", 1, 0);
            reporter.runNow(DAY);
            assertThat(reporter.suppressed()).containsEntry(A, AFTER_MIDNIGHT.plus(Duration.ofDays(2)));

            f.count(DAY.plusDays(1), "example.com", 1, 0);
            f.clock.advance(Duration.ofDays(1));
            List<ReportResult> second = reporter.runNow(DAY.plusDays(1));
            assertThat(ofKind(second, ReportResult.Kind.SUPPRESSED)).singleElement().satisfies(r -> {
                assertThat(r.destination()).isEqualTo(ReportUri.of(A));
                assertThat(r.detail()).contains("until " + AFTER_MIDNIGHT.plus(Duration.ofDays(2)));
            });
            assertThat(ofKind(second, ReportResult.Kind.REPORT_DELIVERED)).hasSize(1); // B still gets it
            assertThat(f.uploads.to(A)).hasSize(1);

            f.count(DAY.plusDays(2), "example.com", 1, 0);
            f.clock.advance(Duration.ofDays(1)); // the suppression has expired
            List<ReportResult> third = reporter.runNow(DAY.plusDays(2));
            assertThat(ofKind(third, ReportResult.Kind.SUPPRESSED)).isEmpty();
            assertThat(f.uploads.to(A)).hasSize(2);
            assertThat(reporter.suppressed()).isEmpty();
        }
    }

    @Test
    @DisplayName("No suppression when it is configured to zero")
    void suppressionCanBeTurnedOff() {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", A);
        f.uploads.always(A, NOT_FOUND);
        try (TlsRptReporter reporter = f.builder().suppression(Duration.ZERO).build()) {
            reporter.runNow(DAY);
            assertThat(reporter.suppressed()).isEmpty();
        }
    }

    @Test
    @DisplayName("Results are kept for 48 hours and then dropped")
    void resultsAreDroppedAfter48Hours() {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", A);
        try (TlsRptReporter reporter = f.builder().build()) {
            List<ReportResult> run = reporter.runNow(DAY);
            assertThat(reporter.results()).isEqualTo(run).hasSize(2);
            f.clock.advance(Duration.ofHours(48));
            assertThat(reporter.results()).hasSize(2); // exactly 48 hours old: still kept
            f.clock.advance(Duration.ofMillis(1));
            assertThat(reporter.results()).isEmpty();
        }
    }

    @Test
    @DisplayName("The same destination listed twice gets the report once")
    void duplicateDestinationsGetOneReport() {
        f.count(DAY, "example.com", 1, 0);
        f.dns.records("_smtp._tls.example.com", "v=TLSRPTv1; rua=" + A + "," + A + "; rua=" + A);
        try (TlsRptReporter reporter = f.builder().build()) {
            reporter.runNow(DAY);
            assertThat(f.uploads.to(A)).hasSize(1);
        }
    }

    @Test
    @DisplayName("RFC 8460 §3: schemes other than https and mailto are skipped with a result; mailto without a mailer too")
    void unsupportedSchemesAndNoMailer() {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", "ftp://reports.example.com/x,mailto:tlsrpt@example.com");
        try (TlsRptReporter reporter = TlsRptReporter.builder(f.aggregator).txtResolver(f.dns).uploads(f.uploads)
                .clock(f.clock).scheduler(f.scheduler).executor(Runnable::run).build()) {
            List<ReportResult> results = reporter.runNow(DAY);
            assertThat(kinds(results)).containsExactly(ReportResult.Kind.UNSUPPORTED_SCHEME, ReportResult.Kind.NO_MAILER,
                    ReportResult.Kind.REPORT_UNDELIVERED);
            assertThat(results.get(0).detail()).contains("ftp");
            assertThat(reporter.suppressed()).isEmpty();
        }
    }

    @Test
    @DisplayName("runNow refuses a day that has not begun; the doors refuse a closed reporter")
    void doorsCheckTheirInput() {
        TlsRptReporter reporter = f.builder().build();
        assertThatIllegalArgumentException().isThrownBy(() -> reporter.runNow(DAY.plusDays(2)))
                .withMessageContaining("2026-01-03");
        assertThat(reporter.runNow(DAY.plusDays(1))).isEmpty(); // today, no sessions
        reporter.close();
        assertThatIllegalStateException().isThrownBy(() -> reporter.runNow(DAY)).withMessageContaining("closed");
        assertThatIllegalStateException().isThrownBy(reporter::retryDueNow);
        assertThat(reporter.nextRun()).isEmpty();
        reporter.close(); // again: nothing
    }

    // ---------------------------------------------------------------- mail

    @Test
    @DisplayName("RFC 8460 §5.3: a mailto: destination gets the report e-mail, signed by the DKIM hook, from contact-info")
    void mailtoGetsTheSignedReportEmail() {
        f.count(DAY, "example.com", 4, 2);
        f.tlsRpt("example.com", "mailto:tlsrpt@example.com");
        TlsReport expected = f.aggregator.reports(DAY).get(0);
        List<ReportMail> unsigned = new ArrayList<>();
        ReportMailSigner signer = mail -> {
            unsigned.add(mail);
            byte[] header = "DKIM-Signature: v=1; d=mail.example.net; s=test; b=...\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[header.length + mail.size()];
            System.arraycopy(header, 0, out, 0, header.length);
            System.arraycopy(mail.message(), 0, out, header.length, mail.size());
            return out;
        };
        try (TlsRptReporter reporter = f.builder().signer(signer).build()) {
            List<ReportResult> results = reporter.runNow(DAY);
            assertThat(kinds(results)).containsExactly(ReportResult.Kind.DELIVERED, ReportResult.Kind.REPORT_DELIVERED);
            assertThat(results.get(0).detail()).contains("250 2.0.0 queued");
        }
        ReportMail mail = f.mailer.mails().get(0);
        assertThat(mail.envelopeSender()).isEqualTo("tlsrpt@mail.example.net");
        assertThat(mail.recipient()).isEqualTo("tlsrpt@example.com");
        assertThat(mail.policyDomain()).isEqualTo(DomainName.of("example.com"));
        assertThat(mail.reportId()).isEqualTo("20260101.example.com@mail.example.net");
        String text = new String(mail.message(), StandardCharsets.US_ASCII);
        assertThat(text).startsWith("DKIM-Signature: v=1; d=mail.example.net");
        assertThat(mail.size()).isEqualTo(unsigned.get(0).size() + text.indexOf("\r\n") + 2);
        MessageReadResult read = ReportMessageReader.create().read(mail.message());
        assertThat(read).isInstanceOf(MessageReadResult.Received.class);
        assertThat(((MessageReadResult.Received) read).report()).isEqualTo(expected);
        assertThat(read.header("TLS-Report-Domain")).contains("example.com");
        assertThat(read.header("TLS-Report-Submitter")).contains("mail.example.net");
        assertThat(read.header("TLS-Required")).contains("No");
        assertThat(read.header("Date").orElseThrow()).contains("2 Jan 2026 00:00:00 +0000");
    }

    @Test
    @DisplayName("mailFrom sets the From and the envelope sender of report e-mails")
    void mailFromSetsTheSender() {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", "mailto:tlsrpt@example.com");
        try (TlsRptReporter reporter = f.builder().mailFrom("noreply@mail.example.net").build()) {
            reporter.runNow(DAY);
        }
        ReportMail mail = f.mailer.mails().get(0);
        assertThat(mail.envelopeSender()).isEqualTo("noreply@mail.example.net");
        assertThat(ReportMessageReader.create().read(mail.message()).header("From")).contains("noreply@mail.example.net");
        assertThatIllegalArgumentException().isThrownBy(() -> f.builder().mailFrom("no address"));
    }

    @Test
    @DisplayName("RFC 8460 §5.5: a mail that fails (or a mailer or signer that throws) is retried; a rejected one is not")
    void mailOutcomes() {
        f.count(DAY, "example.com", 1, 0);
        f.count(DAY, "example.org", 1, 0);
        f.tlsRpt("example.com", "mailto:a@example.com");
        f.tlsRpt("example.org", "mailto:b@example.org");
        f.mailer.then(new IllegalStateException("queue offline"), MailResult.rejected("550 5.1.1 no such user"),
                MailResult.failed("451 4.3.0 try later"));
        int[] signed = {0};
        ReportMailSigner flaky = mail -> {
            if (signed[0]++ == 2) {
                throw new IllegalStateException("key store unavailable");
            }
            return mail.message();
        };
        try (TlsRptReporter reporter = f.builder().signer(flaky).build()) {
            List<ReportResult> first = reporter.runNow(DAY);
            // example.com: the mailer threw; example.org: rejected for good.
            assertThat(kinds(first)).containsExactly(ReportResult.Kind.FAILED_WILL_RETRY, ReportResult.Kind.REJECTED,
                    ReportResult.Kind.REPORT_UNDELIVERED);
            assertThat(first.get(0).detail()).contains("queue offline");
            assertThat(first.get(1).detail()).contains("550 5.1.1");
            assertThat(reporter.suppressed()).containsOnlyKeys("mailto:b@example.org");

            f.clock.advance(Duration.ofMinutes(5));
            List<ReportResult> second = reporter.retryDueNow();
            assertThat(kinds(second)).containsExactly(ReportResult.Kind.FAILED_WILL_RETRY);
            assertThat(second.get(0).detail()).contains("DKIM signing failed", "key store unavailable");
            assertThat(second.get(0).nextAttempt()).isEqualTo(f.clock.instant().plus(Duration.ofMinutes(10)));

            f.clock.advance(Duration.ofMinutes(10));
            List<ReportResult> third = reporter.retryDueNow();
            assertThat(kinds(third)).containsExactly(ReportResult.Kind.FAILED_WILL_RETRY);
            assertThat(third.get(0).detail()).contains("451 4.3.0");

            f.clock.advance(Duration.ofMinutes(20));
            assertThat(kinds(reporter.retryDueNow())).containsExactly(ReportResult.Kind.DELIVERED,
                    ReportResult.Kind.REPORT_DELIVERED);
            assertThat(third.get(0).attempt()).isEqualTo(3);
        }
    }

    @Test
    @DisplayName("Issue 13 item 9: mail submissions and completions run on the given executor")
    void workRunsOnTheGivenExecutor() throws Exception {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", "mailto:tlsrpt@example.com");
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "reporter-test-executor"));
        FakeTxtResolver.Hold hold = f.dns.hold("_smtp._tls.example.com");
        try (TlsRptReporter reporter = f.builder().executor(executor).build()) {
            List<String> completedOn = new ArrayList<>();
            CompletableFuture<List<ReportResult>> run = reporter.runNowAsync(DAY)
                    .whenComplete((r, e) -> completedOn.add(Thread.currentThread().getName()));
            hold.release(); // the DNS answer arrives on this thread; the reporter moves on to its executor
            List<ReportResult> results = run.get(30, TimeUnit.SECONDS);
            assertThat(kinds(results)).containsExactly(ReportResult.Kind.DELIVERED, ReportResult.Kind.REPORT_DELIVERED);
            assertThat(f.mailer.threads).containsExactly("reporter-test-executor");
            assertThat(completedOn).containsExactly("reporter-test-executor");
        } finally {
            executor.shutdown();
        }
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    @DisplayName("close() cancels the schedule and leaves a given scheduler and executor running")
    void closeStopsTheScheduleOnly() {
        f.count(DAY, "example.com", 1, 0);
        f.tlsRpt("example.com", A);
        f.uploads.always(A, UNAVAILABLE);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            TlsRptReporter reporter = f.builder().executor(executor).build();
            reporter.runNow(DAY);
            List<ManualScheduler.Task> tasks = f.scheduler.pendingOneShots();
            assertThat(tasks).hasSize(2); // the daily run and the retry timer
            reporter.close();
            assertThat(tasks).allSatisfy(t -> assertThat(t.cancelled).isTrue());
            assertThat(f.scheduler.isShutdown()).isFalse();
            assertThat(executor.isShutdown()).isFalse();
        } finally {
            executor.shutdown();
        }
    }
}
