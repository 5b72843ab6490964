package org.mtasts.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.SerializableString;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes TLS reports in the canonical RFC 8460 §4.4 form: the real keys ({@code mx-host}, {@code
 * additional-information}, never the schema's placeholder names), arrays always arrays, date-times
 * in UTC with {@code Z}, and unknown values left out rather than written as {@code null} or {@code
 * ""}. Empty lists ({@code policy-string}, {@code mx-host}, {@code failure-details}) are left out too,
 * as Google does. Compact JSON, UTF-8; gzip for transport (RFC 8460 §5.2).
 *
 * <p>{@code TlsReportReader.lenient().read(writer.toJson(r)).orElseThrow()} equals {@code r}.
 *
 * <pre>{@code
 * TlsReportWriter writer = TlsReportWriter.create();
 * byte[] body = writer.write(report, ReportFormat.GZIP);          // for HTTPS POST or mail
 * String name = ReportFilename.of(report, ReportFormat.GZIP, "001").toString();
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 * @since 0.1
 */
public final class TlsReportWriter {

    private static final TlsReportWriter INSTANCE = new TlsReportWriter();

    static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    // RFC 8460 §4.4: the member names, exactly.
    private static final SerializableString ORGANIZATION_NAME = new SerializedString("organization-name");
    private static final SerializableString DATE_RANGE = new SerializedString("date-range");
    private static final SerializableString START_DATETIME = new SerializedString("start-datetime");
    private static final SerializableString END_DATETIME = new SerializedString("end-datetime");
    private static final SerializableString CONTACT_INFO = new SerializedString("contact-info");
    private static final SerializableString REPORT_ID = new SerializedString("report-id");
    private static final SerializableString POLICIES = new SerializedString("policies");
    private static final SerializableString POLICY = new SerializedString("policy");
    private static final SerializableString POLICY_TYPE = new SerializedString("policy-type");
    private static final SerializableString POLICY_STRING = new SerializedString("policy-string");
    private static final SerializableString POLICY_DOMAIN = new SerializedString("policy-domain");
    private static final SerializableString MX_HOST = new SerializedString("mx-host");
    private static final SerializableString SUMMARY = new SerializedString("summary");
    private static final SerializableString TOTAL_SUCCESSFUL = new SerializedString("total-successful-session-count");
    private static final SerializableString TOTAL_FAILURE = new SerializedString("total-failure-session-count");
    private static final SerializableString FAILURE_DETAILS = new SerializedString("failure-details");
    private static final SerializableString RESULT_TYPE = new SerializedString("result-type");
    private static final SerializableString SENDING_MTA_IP = new SerializedString("sending-mta-ip");
    private static final SerializableString RECEIVING_MX_HOSTNAME = new SerializedString("receiving-mx-hostname");
    private static final SerializableString RECEIVING_MX_HELO = new SerializedString("receiving-mx-helo");
    private static final SerializableString RECEIVING_IP = new SerializedString("receiving-ip");
    private static final SerializableString FAILED_SESSION_COUNT = new SerializedString("failed-session-count");
    private static final SerializableString ADDITIONAL_INFORMATION = new SerializedString("additional-information");
    private static final SerializableString FAILURE_REASON_CODE = new SerializedString("failure-reason-code");

    private TlsReportWriter() {}

    /** {@return the writer} */
    public static TlsReportWriter create() {
        return INSTANCE;
    }

    /**
     * Returns the report as UTF-8 JSON ({@code application/tlsrpt+json}).
     *
     * @param report the report
     * @return the JSON bytes
     */
    public byte[] toJson(TlsReport report) {
        return write(report, ReportFormat.JSON);
    }

    /**
     * Returns the report as JSON text, for embedding in other JSON output.
     *
     * @param report the report
     * @return the JSON text
     */
    public String toJsonString(TlsReport report) {
        return new String(toJson(report), StandardCharsets.UTF_8);
    }

    /**
     * Returns the report as gzip-compressed JSON ({@code application/tlsrpt+gzip}).
     *
     * @param report the report
     * @return the gzip bytes
     */
    public byte[] toGzip(TlsReport report) {
        return write(report, ReportFormat.GZIP);
    }

    /**
     * Returns the report in the given format.
     *
     * @param report the report
     * @param format plain or gzip
     * @return the bytes
     */
    public byte[] write(TlsReport report, ReportFormat format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + 256 * report.policies().size());
        try {
            write(report, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /**
     * Writes the report to a stream, which is flushed but not closed.
     *
     * @param report the report
     * @param format plain or gzip
     * @param out the target
     * @throws IOException if writing fails
     */
    public void write(TlsReport report, ReportFormat format, OutputStream out) throws IOException {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(out, "out");
        if (format == ReportFormat.GZIP) {
            GZIPOutputStream gzip = new GZIPOutputStream(new NonClosingOutput(out), 8192);
            writeJson(report, gzip);
            gzip.finish();
            gzip.close();
        } else {
            writeJson(report, out);
        }
        out.flush();
    }

    private static void writeJson(TlsReport report, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
            writeReport(g, report);
        } catch (JacksonException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    static void writeReport(JsonGenerator g, TlsReport r) {
        g.writeStartObject();
        g.writeName(ORGANIZATION_NAME);
        g.writeString(r.organizationName());
        g.writeName(DATE_RANGE);
        g.writeStartObject();
        g.writeName(START_DATETIME);
        g.writeString(DateTimes.format(r.dateRange().start())); // RFC 8460 §4.4: RFC 3339, UTC "Z"
        g.writeName(END_DATETIME);
        g.writeString(DateTimes.format(r.dateRange().end()));
        g.writeEndObject();
        optional(g, CONTACT_INFO, r.contactInfo());
        g.writeName(REPORT_ID);
        g.writeString(r.reportId());
        g.writeName(POLICIES);
        g.writeStartArray(); // RFC 8460 §4: an array even with one policy
        for (PolicyResult p : r.policies()) {
            writePolicy(g, p);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writePolicy(JsonGenerator g, PolicyResult p) {
        g.writeStartObject();
        g.writeName(POLICY);
        g.writeStartObject();
        PolicyDetails d = p.policy();
        g.writeName(POLICY_TYPE);
        g.writeString(d.policyTypeToken());
        strings(g, POLICY_STRING, d.policyStrings());
        optional(g, POLICY_DOMAIN, d.policyDomain());
        strings(g, MX_HOST, d.mxHosts()); // RFC 8460 §4.4, erratum 6241: always an array
        g.writeEndObject();
        g.writeName(SUMMARY);
        g.writeStartObject();
        g.writeName(TOTAL_SUCCESSFUL);
        g.writeNumber(p.summary().totalSuccessfulSessionCount());
        g.writeName(TOTAL_FAILURE);
        g.writeNumber(p.summary().totalFailureSessionCount());
        g.writeEndObject();
        List<FailureDetails> details = p.failureDetails();
        if (!details.isEmpty()) {
            g.writeName(FAILURE_DETAILS);
            g.writeStartArray();
            for (int i = 0, n = details.size(); i < n; i++) {
                FailureDetails f = details.get(i);
                g.writeStartObject();
                g.writeName(RESULT_TYPE);
                g.writeString(f.resultType().token());
                optional(g, SENDING_MTA_IP, f.sendingMtaIp());
                optional(g, RECEIVING_MX_HOSTNAME, f.receivingMxHostname());
                optional(g, RECEIVING_MX_HELO, f.receivingMxHelo());
                optional(g, RECEIVING_IP, f.receivingIp());
                g.writeName(FAILED_SESSION_COUNT);
                g.writeNumber(f.failedSessionCount());
                optional(g, ADDITIONAL_INFORMATION, f.additionalInformation());
                optional(g, FAILURE_REASON_CODE, f.failureReasonCode());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /**
     * RFC 8460 §4.4 does not say which members are optional beyond two; an unknown value is left
     * out, never written as null or "" (a null contact-info breaks some report viewers).
     */
    private static void optional(JsonGenerator g, SerializableString name, @Nullable String value) {
        if (value != null) {
            g.writeName(name);
            g.writeString(value);
        }
    }

    private static void strings(JsonGenerator g, SerializableString name, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        g.writeName(name);
        g.writeStartArray();
        for (int i = 0, n = values.size(); i < n; i++) {
            g.writeString(values.get(i));
        }
        g.writeEndArray();
    }

    private static final class NonClosingOutput extends java.io.FilterOutputStream {
        NonClosingOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
