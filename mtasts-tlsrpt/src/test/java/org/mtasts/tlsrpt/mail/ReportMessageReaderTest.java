package org.mtasts.tlsrpt.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtasts.tlsrpt.Corpus;
import org.mtasts.tlsrpt.ReadResult;
import org.mtasts.tlsrpt.ReportError;
import org.mtasts.tlsrpt.ReportReadException;
import org.mtasts.tlsrpt.ReportWarning;
import org.mtasts.tlsrpt.Reports;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;

class ReportMessageReaderTest {

    /** Each corpus message and the corpus report its attachment is. */
    private static final Map<String, String> ATTACHMENTS = Map.of(
            "isseis__tlsrpt_success_microsoft.eml",
            "isseis__microsoft.com!example.com!1778630400!1778716799!134232617934286362.json.gz",
            "marcbradshaw__email.eml", "marcbradshaw__report.json",
            "mox__example.eml", "mox__google.com!test.xmox.nl!1663200000!1663286399!001.json.gz",
            "mox__microsoft.eml", "mox__microsoft.com!test.xmox.nl!1673308800!1673395199!133198585438131172.json.gz",
            "parsedmarc__google.com_smtp_tls_report.eml",
            "parsedmarc__google.com!cardinalhealth.ca!1725321600!1725407999!001.json.gz",
            "stalwart__rpt02.eml", "stalwart__rpt02.json");

    static Stream<Arguments> messages() {
        return Corpus.messages().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "RFC 8460 §5.3: {0}")
    @MethodSource("messages")
    @DisplayName("RFC 8460 §5.3, §5.6: every corpus message gives the report of its attachment, facts from the JSON")
    void readsEveryCorpusMessage(Path file) throws IOException {
        MessageReadResult r = ReportMessageReader.create().read(file);
        assertThat(r.kind()).as("%s: %s", file.getFileName(), r).isEqualTo(MessageReadResult.Kind.RECEIVED);
        MessageReadResult.Received received = (MessageReadResult.Received) r;
        String attachment = ATTACHMENTS.get(file.getFileName().toString());
        assertThat(attachment).as("add %s to ATTACHMENTS", file.getFileName()).isNotNull();
        Path report = Corpus.dir().resolve("reports").resolve(attachment);
        TlsReport expected = TlsReportReader.lenient().read(Corpus.bytes(report)).orElseThrow();
        assertThat(received.report()).isEqualTo(expected);
        assertThat(received.headers()).isNotEmpty();
        assertThat(received.header("TLS-Report-Domain")).isPresent();
        if (!file.getFileName().toString().startsWith("stalwart")) {
            // Real messages: the name is the §5.1 name of the attachment, the headers agree.
            if (attachment.contains("!")) {
                assertThat(received.fileName()).isEqualTo(Corpus.senderName(report));
            }
            assertThat(received.mediaType()).isEqualTo("application/tlsrpt+gzip");
            assertThat(received.warnings()).noneMatch(w -> w.path().startsWith("TLS-Report"));
        }
    }

    @Test
    @DisplayName("RFC 8460 §5.3: a submitter that is not the contact-info domain is a deviation")
    void submitterMismatch() {
        MessageReadResult r = ReportMessageReader.create().read(Reports.resource("mail-auth-rpt02.eml"));
        assertThat(r.kind()).isEqualTo(MessageReadResult.Kind.RECEIVED);
        assertThat(((MessageReadResult.Received) r).mediaType()).isEqualTo("application/tlsrpt");
        assertThat(r.warnings()).extracting(ReportWarning::kind).contains(ReportWarning.Kind.SUBMITTER_MISMATCH,
                ReportWarning.Kind.HEADER_MISMATCH, ReportWarning.Kind.FILE_NAME_MISMATCH);
        MessageReadResult strict = ReportMessageReader.builder().reportReader(TlsReportReader.strict()).build()
                .read(Reports.resource("mail-auth-rpt02.eml"));
        assertThat(strict).isInstanceOf(MessageReadResult.Invalid.class);
        ReportError e = ((MessageReadResult.Invalid) strict).error();
        assertThat(e.kind()).isEqualTo(ReportError.Kind.STRICT);
        assertThat(e.path()).isEqualTo("TLS-Report-Submitter");
        assertThat(e.rule()).isEqualTo("RFC 8460 §5.3");
        assertThat(strict.headers()).isNotEmpty();
    }

    @Test
    @DisplayName("RFC 8460 §5.3: a real Google message reads without message-level warnings")
    void googleMessage() {
        MessageReadResult r = ReportMessageReader.create().read(Reports.resource("google-example.eml"));
        assertThat(r.warnings()).isEmpty();
        assertThat(r.header("Subject")).contains("Report Domain: test.xmox.nl Submitter: google.com Report-ID: "
                + "<2022.09.15T00.00.00Z+test.xmox.nl@google.com>");
        assertThat(r.header("DKIM-Signature")).isPresent();
    }

    @Test
    @DisplayName("RFC 8460 §3: the caller checks the report against the domain its DKIM check verified")
    void submittedByTheVerifiedDomain() {
        MessageReadResult.Received r = (MessageReadResult.Received) ReportMessageReader.create()
                .read(Reports.resource("google-example.eml"));
        assertThat(r.header("DKIM-Signature").orElseThrow()).contains("d=google.com");
        assertThat(r.submittedBy(org.mtasts.core.DomainName.of("google.com"))).isTrue();
        assertThat(r.submittedBy(org.mtasts.core.DomainName.of("example.com"))).isFalse();
        assertThat(r.submittedBy(org.mtasts.core.DomainName.of("mail.google.com"))).isFalse();
    }

    private static final String REPORT = Reports.clean(); // policy domain example.com, contact example.net

    private static String mime(String contentType, String parts) {
        return "From: tlsrpt@example.net\r\nTo: a@example.com\r\nSubject: Report Domain: example.com Submitter: "
                + "example.net Report-ID: <r1@example.net>\r\nTLS-Report-Domain: example.com\r\n"
                + "TLS-Report-Submitter: example.net\r\nMIME-Version: 1.0\r\nContent-Type: " + contentType + "\r\n\r\n"
                + parts;
    }

    private static String part(String headers, String body) {
        return "--b\r\n" + headers + "\r\n\r\n" + body + "\r\n";
    }

    private static String b64(byte[] data) {
        return Base64.getMimeEncoder().encodeToString(data);
    }

    static Stream<Arguments> variants() {
        byte[] json = Reports.utf8(REPORT);
        String text = part("Content-Type: text/plain", "This is a report.");
        return Stream.of(
                Arguments.of("report-type quoted, +gzip", mime("multipart/report; report-type=\"tlsrpt\"; boundary=b",
                        text + part("Content-Type: application/tlsrpt+gzip\r\nContent-Transfer-Encoding: base64",
                                b64(Reports.gzip(json))) + "--b--\r\n"), List.of()),
                Arguments.of("report-type unquoted, +json", mime("multipart/report; report-type=tlsrpt; boundary=b",
                        text + part("Content-Type: application/tlsrpt+json", REPORT) + "--b--\r\n"), List.of()),
                Arguments.of("report-type in capitals", mime("Multipart/Report; Report-Type=TLSRPT; boundary=b",
                        text + part("Content-Type: APPLICATION/TLSRPT+JSON", REPORT) + "--b--\r\n"), List.of()),
                Arguments.of("zip attachment", mime("multipart/report; report-type=tlsrpt; boundary=b",
                        text + part("Content-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n"
                                + "Content-Disposition: attachment; filename=\"r.zip\"",
                                b64(Reports.zip("r.json", json))) + "--b--\r\n"), List.of()),
                Arguments.of("octet-stream named .json.gz", mime("multipart/mixed; boundary=b",
                        text + part("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
                                + "Content-Disposition: attachment; filename=\"../../etc/r.json.gz\"",
                                b64(Reports.gzip(json))) + "--b--\r\n"),
                        List.of(ReportWarning.Kind.NOT_A_REPORT_MESSAGE)),
                Arguments.of("single part", mime("application/tlsrpt+gzip\r\nContent-Transfer-Encoding: base64",
                        b64(Reports.gzip(json))), List.of(ReportWarning.Kind.NOT_A_REPORT_MESSAGE)),
                Arguments.of("+gzip that is plain JSON", mime("multipart/report; report-type=tlsrpt; boundary=b",
                        text + part("Content-Type: application/tlsrpt+gzip", REPORT) + "--b--\r\n"),
                        List.of(ReportWarning.Kind.COMPRESSION_MISMATCH)),
                Arguments.of("report-type dmarc", mime("multipart/report; report-type=dmarc; boundary=b",
                        text + part("Content-Type: application/tlsrpt+json", REPORT) + "--b--\r\n"),
                        List.of(ReportWarning.Kind.NOT_A_REPORT_MESSAGE)));
    }

    @ParameterizedTest(name = "RFC 8460 §5.3: {0}")
    @MethodSource("variants")
    @DisplayName("RFC 8460 §5.3: report messages in every shape senders use")
    void readsEveryShape(String name, String message, List<ReportWarning.Kind> expected) {
        MessageReadResult r = ReportMessageReader.create().read(message.getBytes(StandardCharsets.UTF_8));
        assertThat(r.kind()).as("%s", r).isEqualTo(MessageReadResult.Kind.RECEIVED);
        assertThat(((MessageReadResult.Received) r).report().reportId()).isEqualTo("r1");
        assertThat(r.warnings()).extracting(ReportWarning::kind).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("RFC 8460 §6.3: an attachment name is never used as a path")
    void attachmentNamesLoseTheirDirectories() {
        String message = mime("multipart/mixed; boundary=b", part("Content-Type: application/octet-stream\r\n"
                + "Content-Disposition: attachment; filename=\"../../etc/r.json\"", REPORT) + "--b--\r\n");
        MessageReadResult.Received r = (MessageReadResult.Received) ReportMessageReader.create()
                .read(message.getBytes(StandardCharsets.UTF_8));
        assertThat(r.fileName()).isEqualTo("r.json");
    }

    @Test
    @DisplayName("RFC 8460 §5.3: missing TLS-Report headers are deviations")
    void missingHeaders() {
        String message = "From: a@example.net\r\nContent-Type: application/tlsrpt+json\r\n\r\n" + REPORT;
        MessageReadResult r = ReportMessageReader.create().read(message.getBytes(StandardCharsets.UTF_8));
        assertThat(r.warnings()).filteredOn(w -> w.kind() == ReportWarning.Kind.MISSING_HEADER)
                .extracting(ReportWarning::path).containsExactly("TLS-Report-Domain", "TLS-Report-Submitter");
    }

    @Test
    @DisplayName("RFC 8460 §5.3: a message without a report is an error, as is one that breaks the report")
    void messagesWithoutAReport() {
        String message = mime("multipart/report; report-type=tlsrpt; boundary=b",
                part("Content-Type: text/plain", "nothing here") + "--b--\r\n");
        MessageReadResult r = ReportMessageReader.create().read(message.getBytes(StandardCharsets.UTF_8));
        assertThat(r).isInstanceOf(MessageReadResult.Invalid.class);
        assertThat(((MessageReadResult.Invalid) r).error().kind()).isEqualTo(ReportError.Kind.NO_REPORT);
        assertThat(r.header("TLS-Report-Domain")).contains("example.com");
        String broken = mime("application/tlsrpt+json", "{\"organization-name\":");
        MessageReadResult b = ReportMessageReader.create().read(broken.getBytes(StandardCharsets.UTF_8));
        assertThat(((MessageReadResult.Invalid) b).error().kind()).isEqualTo(ReportError.Kind.MALFORMED_JSON);
    }

    @Test
    @DisplayName("orElseThrow gives the report of a message, or throws ReportReadException with the error, as ReadResult does")
    void orElseThrowAsReadResult() {
        MessageReadResult received = ReportMessageReader.create().read(
                mime("application/tlsrpt+json", REPORT).getBytes(StandardCharsets.UTF_8));
        assertThat(received.orElseThrow()).isSameAs(((MessageReadResult.Received) received).report());
        MessageReadResult invalid = ReportMessageReader.create().read(
                mime("application/tlsrpt+json", "{\"organization-name\":").getBytes(StandardCharsets.UTF_8));
        ReportError error = ((MessageReadResult.Invalid) invalid).error();
        assertThatThrownBy(invalid::orElseThrow).isInstanceOf(ReportReadException.class)
                .hasMessage(error.toString())
                .satisfies(e -> assertThat(((ReportReadException) e).error()).isSameAs(error));
        ReadResult alone = TlsReportReader.lenient().read("{\"organization-name\":".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(alone::orElseThrow).isInstanceOf(ReportReadException.class);
    }

    @Test
    @DisplayName("RFC 8460 §7: messages above the size limit are refused")
    void sizeLimit() {
        byte[] big = mime("text/plain", "x".repeat(5000)).getBytes(StandardCharsets.US_ASCII);
        MessageReadResult r = ReportMessageReader.builder().maxMessageBytes(2048).build().read(big);
        assertThat(((MessageReadResult.Invalid) r).error().kind()).isEqualTo(ReportError.Kind.LIMIT_EXCEEDED);
        assertThatThrownBy(() -> ReportMessageReader.builder().maxMessageBytes(10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("A failure of the caller's stream is its IOException")
    void callerFailuresPropagate() {
        IOException boom = new IOException("network down");
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw boom;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw boom;
            }
        };
        assertThatThrownBy(() -> ReportMessageReader.create().read(failing)).isSameAs(boom);
    }

    @Property(tries = 300)
    @Label("RFC 8460 §7: arbitrary bytes never make the message reader throw")
    void arbitraryBytesNeverThrow(@ForAll @Size(max = 400) byte[] bytes) {
        MessageReadResult r = ReportMessageReader.create().read(bytes);
        assertThat(r).isNotNull();
        if (r instanceof MessageReadResult.Invalid invalid) {
            assertThat(invalid.error().detail().chars().noneMatch(c -> c < 0x20)).isTrue();
        }
    }
}
