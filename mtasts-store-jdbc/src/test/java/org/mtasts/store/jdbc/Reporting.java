package org.mtasts.store.jdbc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.mtasts.http.MailResult;
import org.mtasts.http.ReportMail;
import org.mtasts.http.TlsRptReporter;
import org.mtasts.testkit.FakeTxtResolver;
import org.mtasts.testkit.MutableClock;
import org.mtasts.tlsrpt.ReportAggregator;

/** A reporter over a merged aggregator whose mailto: destination is a list in memory. */
final class Reporting implements AutoCloseable {

    final List<ReportMail> sent = new CopyOnWriteArrayList<>();
    final TlsRptReporter reporter;

    Reporting(ReportAggregator merged, MutableClock clock) {
        FakeTxtResolver dns = FakeTxtResolver.create()
                .records("_smtp._tls.example.com", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
        reporter = TlsRptReporter.builder(merged).txtResolver(dns).clock(clock).mailFrom("tlsrpt@mail.example.net")
                .mailer(mail -> {
                    sent.add(mail);
                    return MailResult.accepted("250 ok");
                }).build();
    }

    /** The policy domain and report id of each e-mail sent. */
    List<String> sentReports() {
        return sent.stream().map(m -> m.policyDomain() + " " + m.reportId()).toList();
    }

    @Override
    public void close() {
        reporter.close();
    }
}
