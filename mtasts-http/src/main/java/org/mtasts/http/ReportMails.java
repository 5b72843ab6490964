package org.mtasts.http;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import org.mtasts.core.DomainName;
import org.mtasts.tlsrpt.PolicyDetails;
import org.mtasts.tlsrpt.PolicyResult;
import org.mtasts.tlsrpt.Summary;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.mail.ReportMessage;

/**
 * The one place where the reporter builds report e-mails with {@link ReportMessage}, which needs
 * Apache James Mime4j: kept apart so that a reporter without a mailer never loads it.
 */
final class ReportMails {
    private ReportMails() {}

    /**
     * Builds the report e-mail for one recipient (RFC 8460 §5.3): gzip attachment, the §5.1 file
     * name, {@code TLS-Report-Domain}, {@code TLS-Report-Submitter}, {@code TLS-Required: No}.
     *
     * @throws IllegalArgumentException if an address is not an RFC 5322 mailbox
     */
    static byte[] message(TlsReport report, String from, String to, Clock clock) {
        return ReportMessage.builder().report(report).from(from).to(to).clock(clock).build().toBytes();
    }

    /**
     * Builds one small message, so that a missing Mime4j shows at start-up rather than at the first
     * report.
     *
     * @throws LinkageError if Mime4j is not there
     */
    static void probe() {
        TlsReport report = TlsReport.builder().organizationName("probe").contactInfo("probe@example.com")
                .reportId("probe").day(LocalDate.of(2000, 1, 1))
                .policy(new PolicyResult(PolicyDetails.noPolicyFound(DomainName.of("example.com")), new Summary(1, 0),
                        List.of()))
                .build();
        message(report, "probe@example.com", "probe@example.com", Clock.systemUTC());
    }
}
