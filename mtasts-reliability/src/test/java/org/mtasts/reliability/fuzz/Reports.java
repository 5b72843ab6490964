package org.mtasts.reliability.fuzz;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.mtasts.reliability.Messages;
import org.mtasts.tlsrpt.ReadResult;
import org.mtasts.tlsrpt.ReportError;
import org.mtasts.tlsrpt.ReportVisitor;
import org.mtasts.tlsrpt.StreamResult;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;
import org.mtasts.tlsrpt.TlsReportWriter;

/** The invariants of reading one report input, shared by the JSON and the compressed targets. */
final class Reports {
    private static final TlsReportReader LENIENT = TlsReportReader.lenient();
    private static final TlsReportReader STRICT = TlsReportReader.strict();
    private static final TlsReportWriter WRITER = TlsReportWriter.create();

    private Reports() {}

    /**
     * Reads the bytes leniently, strictly and as a stream, and checks: a result, never an
     * exception; safe messages; strict success implies lenient success with the same report; the
     * stream agrees with the tree; a report read survives the canonical writer.
     */
    static void check(byte[] content, String fileName) {
        ReadResult lenient = LENIENT.read(content, fileName);
        ReadResult strict = STRICT.read(content);
        safe(lenient);
        safe(strict);
        if (strict instanceof ReadResult.Read s) {
            if (!(lenient instanceof ReadResult.Read l) || !l.report().equals(s.report())) {
                throw new AssertionError("the strict reader accepts what the lenient one does not: " + lenient);
            }
        }
        StreamResult streamed;
        try {
            streamed = LENIENT.stream(new ByteArrayInputStream(content), fileName, new ReportVisitor() { });
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array stream cannot fail", e);
        }
        streamed.warnings().forEach(w -> Messages.requireSafe("stream warning", w.toString()));
        if (streamed instanceof StreamResult.Invalid invalid) {
            safe(invalid.error());
        }
        if (lenient instanceof ReadResult.Read read) {
            TlsReport report = read.report();
            if (!(streamed instanceof StreamResult.Completed completed)
                    || completed.policyCount() != report.policies().size()) {
                throw new AssertionError("the streaming reader disagrees with the tree reader: " + streamed);
            }
            byte[] written = WRITER.toJson(report);
            // The writer keeps what the lenient reader kept as received, so the lenient reader reads it back.
            ReadResult again = LENIENT.read(written);
            if (!(again instanceof ReadResult.Read r2) || !r2.report().equals(report)) {
                throw new AssertionError("a report read does not survive the canonical writer: " + again);
            }
            ReadResult gz = LENIENT.read(WRITER.toGzip(report));
            if (!(gz instanceof ReadResult.Read r3) || !r3.report().equals(report)) {
                throw new AssertionError("a report read does not survive gzip: " + gz);
            }
        }
    }

    private static void safe(ReadResult result) {
        result.warnings().forEach(w -> Messages.requireSafe("report warning", w.toString()));
        if (result instanceof ReadResult.Invalid invalid) {
            safe(invalid.error());
        }
    }

    static void safe(ReportError error) {
        Messages.requireSafe("report error", error.toString());
        Messages.requireSafe("report error path", error.path());
        if (error.line() < 0 || error.column() < 0) {
            throw new AssertionError("negative position: " + error);
        }
    }
}
