package com.example.reports;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.mtasts.tlsrpt.ReadResult;
import org.mtasts.tlsrpt.ReportSummary;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.TlsReportReader;

/**
 * Prints what TLS-RPT reports say: who sent each, how many sessions succeeded and failed, and
 * every deviation from RFC 8460 that the lenient reader tolerated. It needs mtasts-tlsrpt only.
 *
 * <pre>
 * java com.example.reports.ReportTool google.com!example.com!1700000000!1700086399.json.gz
 * </pre>
 */
public final class ReportTool {
    private ReportTool() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: ReportTool <report file>...");
            System.exit(2);
        }
        for (String arg : args) {
            print(Path.of(arg), System.out);
        }
    }

    /**
     * Reads one report (JSON, gzip or zip) and prints its summary.
     *
     * @param reportFile the report
     * @param out where to print
     * @throws IOException if the file cannot be read
     */
    public static void print(Path reportFile, PrintStream out) throws IOException {
        // --- example: README Use it from your build, a report tool, the code
        ReadResult read = TlsReportReader.lenient().read(reportFile);
        TlsReport report = read.orElseThrow();                       // ReportReadException if unreadable
        read.warnings().forEach(w -> out.println("warning: " + w.path() + ": " + w.detail()));
        ReportSummary.Counts total = ReportSummary.of(List.of(report)).total();
        out.println(report.organizationName() + " " + report.policyDomains() + ": "
                + total.successfulSessions() + " sessions succeeded, " + total.failedSessions() + " failed");
        // ---
    }
}
