package org.mtasts.tlsrpt.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.ReportUri;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;

/** The Javadoc examples of the mail package, compiled and run. */
class MailExamplesTest {

    private final List<byte[]> submitted = new ArrayList<>();
    private final List<TlsReport> stored = new ArrayList<>();

    private void submit(byte[] message) {
        submitted.add(message);
    }

    private void store(TlsReport report) {
        stored.add(report);
    }

    private static boolean dkimDomainMatches(Optional<String> from) {
        return from.isPresent();
    }

    @Test
    @DisplayName("Examples: building and reading report messages")
    void examples(@TempDir Path dir) throws IOException {
        TlsReport report = ReportMessageTest.report("20240225.example.net@mail.sender.example");
        ReportUri.Mailto mailto = new ReportUri.Mailto("mailto:tlsrpt@example.net", "tlsrpt@example.net");
        ReportMessage message = ReportMessage.builder()
                .report(report)
                .from("tlsrpt-noreply@mail.example.net")
                .to(mailto)
                .uniqueId("001")
                .build();
        submit(message.toBytes());
        ReportMessage m = ReportMessage.builder().report(report)
                .from("tlsrpt@mail.example.net").to("tlsrpt@example.com").build();
        assertThat(m.fileName().uniqueId()).isNull();

        Path eml = dir.resolve("report.eml");
        Files.write(eml, submitted.get(0));
        ReportMessageReader reader = ReportMessageReader.create();
        MessageReadResult result = reader.read(eml);
        if (result instanceof MessageReadResult.Received r && dkimDomainMatches(r.header("From"))) {
            store(r.report());
        }
        assertThat(stored).containsExactly(report);
        if (result instanceof MessageReadResult.Received received) {
            Optional<String> submitter = received.header("TLS-Report-Submitter");
            assertThat(submitter).contains("mail.sender.example");
            for (MessageHeader h : received.headers()) {
                if (h.name().equalsIgnoreCase("DKIM-Signature")) {
                    throw new AssertionError("we do not sign");
                }
            }
        }
        ReportMessageReader strict = ReportMessageReader.builder()
                .reportReader(TlsReportReader.strict()).maxMessageBytes(10 << 20).build();
        assertThat(strict.read(submitted.get(0)).kind()).isEqualTo(MessageReadResult.Kind.RECEIVED);
    }
}
