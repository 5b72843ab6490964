package org.mtasts.tlsrpt.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.core.ReportUri;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;

/**
 * The Javadoc examples of the mail package, compiled and run: each {@code // --- example:} region is
 * the example as written (CONTRIBUTING.md, "Examples"); the set-up before it gives its variables,
 * the assertions after it check what it did.
 */
class MailExamplesTest {

    private final List<byte[]> submitted = new ArrayList<>();
    private final List<TlsReport> stored = new ArrayList<>();
    private final TlsReport report = ReportMessageTest.report("20240225.example.net@mail.sender.example");

    private void submit(byte[] message) {
        submitted.add(message);
    }

    private void store(TlsReport report) {
        stored.add(report);
    }

    /** Stands in for the receiver's DKIM check: is the From domain the signing domain? */
    private static boolean dkimDomainMatches(Optional<String> from) {
        return from.filter(f -> f.endsWith("@mail.example.net>") || f.endsWith("@mail.example.net")).isPresent();
    }

    private byte[] message() {
        return ReportMessage.builder().report(report).from("tlsrpt-noreply@mail.example.net")
                .to("tlsrpt@example.net").uniqueId("001").build().toBytes();
    }

    @Test
    void reportMessage() {
        ReportUri.Mailto mailto = new ReportUri.Mailto("mailto:tlsrpt@example.net", "tlsrpt@example.net");
        // --- example: ReportMessage
        ReportMessage message = ReportMessage.builder()
                .report(report)
                .from("tlsrpt-noreply@mail.example.net")
                .to(mailto)                                    // a ReportUri.Mailto from the rua
                .uniqueId("001")
                .build();
        submit(message.toBytes());                             // CRLF line ends, 7-bit
        // ---
        assertThat(submitted).singleElement().satisfies(bytes -> assertThat(
                ReportMessageReader.create().read(bytes).orElseThrow()).isEqualTo(report));
        assertThat(new String(submitted.get(0), StandardCharsets.US_ASCII)).contains("\r\nTo: tlsrpt@example.net\r\n");

        // --- example: ReportMessage.Builder
        ReportMessage m = ReportMessage.builder().report(report)
                .from("tlsrpt@mail.example.net").to("tlsrpt@example.com").build();
        // ---
        assertThat(m.fileName().uniqueId()).isNull();
    }

    @Test
    void reportMessageReader(@TempDir Path dir) throws IOException {
        Path emlFile = Files.write(dir.resolve("report.eml"), message());
        // --- example: ReportMessageReader
        ReportMessageReader reader = ReportMessageReader.create();
        MessageReadResult result = reader.read(emlFile);       // a message that arrived at the rua address
        if (result instanceof MessageReadResult.Received r && dkimDomainMatches(r.header("From"))) {
            store(r.report());
        }
        // ---
        assertThat(stored).containsExactly(report);

        // --- example: ReportMessageReader.Builder
        ReportMessageReader strict = ReportMessageReader.builder()
                .reportReader(TlsReportReader.strict()).maxMessageBytes(10 << 20).build();
        // ---
        assertThat(strict.read(message()).kind()).isEqualTo(MessageReadResult.Kind.RECEIVED);
    }

    @Test
    void messageReadResult() throws IOException {
        InputStream in = new ByteArrayInputStream(message());
        List<Optional<String>> submitters = new ArrayList<>();
        // --- example: MessageReadResult
        MessageReadResult r = ReportMessageReader.create().read(in);
        if (r instanceof MessageReadResult.Received received) {
            TlsReport report = received.report();
            Optional<String> submitter = received.header("TLS-Report-Submitter");
            submitters.add(submitter);   // sandbox only
        }
        TlsReport report = r.orElseThrow();   // or: ReportReadException
        // ---
        assertThat(report).isEqualTo(this.report);
        assertThat(submitters).containsExactly(Optional.of("mail.sender.example"));
    }

    @Test
    void messageHeader() throws IOException {
        byte[] signed = ("DKIM-Signature: v=1; d=mail.example.net; b=x\r\n"
                + new String(message(), StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        MessageReadResult.Received received = (MessageReadResult.Received) ReportMessageReader.create().read(signed);
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            // --- example: MessageHeader
            for (MessageHeader h : received.headers()) {
                if (h.name().equalsIgnoreCase("DKIM-Signature")) {
                    System.out.println("signed: " + h.value());      // verify it with your DKIM library
                }
            }
            // ---
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("signed: v=1; d=mail.example.net; b=x\n");
    }
}
