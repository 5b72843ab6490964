package org.mtasts.http;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MutableClock;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyDetails;
import org.mtasts.tlsrpt.ReportAggregator;
import org.mtasts.tlsrpt.ReportFormat;

/**
 * What the {@link TlsRptReporter} tests share: a clock, an aggregator with sessions counted on a
 * chosen day, a table-driven DNS, scripted HTTPS endpoints and a recording mailer, a scheduler that
 * runs nothing by itself, and a direct executor. No threads, no sleeping.
 */
final class ReporterFixture {
    static final LocalDate DAY = LocalDate.of(2026, 1, 1);
    static final Instant AFTER_MIDNIGHT = Instant.parse("2026-01-02T00:00:00Z");

    final MutableClock clock = MutableClock.of(AFTER_MIDNIGHT);
    final ReportAggregator aggregator = ReportAggregator.builder().organizationName("Example Mail")
            .contactInfo("tlsrpt@mail.example.net").clock(clock).build();
    final FakeTxtResolver dns = FakeTxtResolver.create();
    final ScriptedUploads uploads = new ScriptedUploads();
    final RecordingMailer mailer = new RecordingMailer();
    final ManualScheduler scheduler = new ManualScheduler();

    ReporterFixture() {
        uploads.clock(clock);
    }

    /** The reporter's usual test configuration: everything above, a seeded random, a direct executor. */
    TlsRptReporter.Builder builder() {
        return TlsRptReporter.builder(aggregator).txtResolver(dns).uploads(uploads).mailer(mailer).clock(clock)
                .random(new Random(42)).scheduler(scheduler).executor(Runnable::run);
    }

    static PolicyDetails sts(String domain) {
        return PolicyDetails.sts(DomainName.of(domain),
                StsPolicy.builder().mode(PolicyMode.ENFORCE).mx("mx1." + domain).maxAge(86400).build().toText());
    }

    static FailureDetails expired(String domain) {
        return FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).receivingMxHostname("mx1." + domain)
                .sendingMtaIp("192.0.2.1").receivingIp("198.51.100.1").build();
    }

    /**
     * Counts sessions of a policy domain on a day (at noon UTC): the one place that uses the
     * aggregator's counting API.
     */
    void count(LocalDate day, String domain, int successes, int failures) {
        long noon = day.atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        for (int i = 0; i < successes; i++) {
            aggregator.recordAt(sts(domain), List.of(), noon);
        }
        for (int i = 0; i < failures; i++) {
            aggregator.recordAt(sts(domain), List.of(expired(domain)), noon);
        }
    }

    /** Publishes a TLSRPT record for a domain. */
    void tlsRpt(String domain, String rua) {
        dns.records("_smtp._tls." + domain, "v=TLSRPTv1; rua=" + rua);
    }

    /** HTTPS endpoints that answer from a script per URI (default 200), recording each upload. */
    static final class ScriptedUploads implements TlsRptReporter.Uploads {
        record Upload(URI endpoint, byte[] body, ReportFormat format, Instant at) {}

        private final Map<String, Deque<UploadResult>> scripts = new HashMap<>();
        private final Map<String, UploadResult> always = new HashMap<>();
        private final List<Upload> log = new ArrayList<>();
        private MutableClock clock;

        synchronized ScriptedUploads then(String uri, UploadResult... results) {
            scripts.computeIfAbsent(uri, k -> new ArrayDeque<>()).addAll(List.of(results));
            return this;
        }

        synchronized ScriptedUploads always(String uri, UploadResult result) {
            always.put(uri, result);
            return this;
        }

        void clock(MutableClock c) {
            this.clock = c;
        }

        @Override
        public synchronized CompletableFuture<UploadResult> upload(URI endpoint, byte[] body, ReportFormat format) {
            log.add(new Upload(endpoint, body.clone(), format, clock == null ? Instant.EPOCH : clock.instant()));
            Deque<UploadResult> script = scripts.get(endpoint.toString());
            UploadResult r = script != null && !script.isEmpty() ? script.removeFirst()
                    : always.getOrDefault(endpoint.toString(), new UploadResult.Delivered(200));
            return CompletableFuture.completedFuture(r);
        }

        synchronized List<Upload> log() {
            return List.copyOf(log);
        }

        synchronized List<Upload> to(String uri) {
            return log.stream().filter(u -> u.endpoint().toString().equals(uri)).toList();
        }
    }

    /** A mailer that records each mail and answers from a script (default accepted). */
    static final class RecordingMailer implements ReportMailer {
        private final List<ReportMail> mails = new ArrayList<>();
        private final Deque<Object> script = new ArrayDeque<>();
        final List<String> threads = new ArrayList<>();

        /** Queues answers: {@link MailResult}s, or a {@link RuntimeException} to throw. */
        synchronized RecordingMailer then(Object... answers) {
            script.addAll(List.of(answers));
            return this;
        }

        @Override
        public synchronized MailResult send(ReportMail mail) {
            mails.add(mail);
            threads.add(Thread.currentThread().getName());
            Object next = script.isEmpty() ? MailResult.accepted("250 2.0.0 queued") : script.removeFirst();
            if (next instanceof RuntimeException e) {
                throw e;
            }
            return (MailResult) next;
        }

        synchronized List<ReportMail> mails() {
            return List.copyOf(mails);
        }
    }
}
