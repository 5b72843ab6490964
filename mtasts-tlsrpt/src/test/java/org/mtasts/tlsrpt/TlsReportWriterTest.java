package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;

class TlsReportWriterTest {

    static TlsReport sample() {
        StsPolicy policy = StsPolicy.builder().mode(PolicyMode.TESTING).mx("*.mail.company-y.example")
                .maxAge(86400).build();
        FailureDetails expired = FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED)
                .sendingMtaIp("2001:db8:abcd:0012::1").receivingMxHostname("mx1.mail.company-y.example")
                .failedSessionCount(100).build();
        FailureDetails validation = FailureDetails.builder(ResultType.VALIDATION_FAILURE)
                .sendingMtaIp("198.51.100.62").receivingIp("203.0.113.58")
                .receivingMxHostname("mx-backup.mail.company-y.example").failedSessionCount(3)
                .failureReasonCode("X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED")
                .additionalInformation("https://reports.company-x.example/report_info?id=5065427c-23d3#x").build();
        return TlsReport.builder().organizationName("Company-X").contactInfo("sts-reporting@company-x.example")
                .reportId("5065427c-23d3-47ca-b6e0-946ea0e8c4be").day(LocalDate.of(2016, 4, 1))
                .policy(new PolicyResult(PolicyDetails.sts(DomainName.of("company-y.example"), policy.toText()),
                        new Summary(5326, 103), List.of(expired, validation)))
                .build();
    }

    @Test
    @DisplayName("RFC 8460 §4.4: the writer's canonical form, key by key")
    void writesTheCanonicalForm() {
        String json = TlsReportWriter.create().toJsonString(sample());
        assertThat(json).isEqualTo("{\"organization-name\":\"Company-X\",\"date-range\":{"
                + "\"start-datetime\":\"2016-04-01T00:00:00Z\",\"end-datetime\":\"2016-04-01T23:59:59Z\"},"
                + "\"contact-info\":\"sts-reporting@company-x.example\","
                + "\"report-id\":\"5065427c-23d3-47ca-b6e0-946ea0e8c4be\",\"policies\":[{\"policy\":{"
                + "\"policy-type\":\"sts\",\"policy-string\":[\"version: STSv1\",\"mode: testing\","
                + "\"mx: *.mail.company-y.example\",\"max_age: 86400\"],\"policy-domain\":\"company-y.example\","
                + "\"mx-host\":[\"*.mail.company-y.example\"]},\"summary\":{\"total-successful-session-count\":5326,"
                + "\"total-failure-session-count\":103},\"failure-details\":[{\"result-type\":\"certificate-expired\","
                + "\"sending-mta-ip\":\"2001:db8:abcd:12::1\",\"receiving-mx-hostname\":\"mx1.mail.company-y.example\","
                + "\"failed-session-count\":100},{\"result-type\":\"validation-failure\","
                + "\"sending-mta-ip\":\"198.51.100.62\",\"receiving-mx-hostname\":\"mx-backup.mail.company-y.example\","
                + "\"receiving-ip\":\"203.0.113.58\",\"failed-session-count\":3,\"additional-information\":"
                + "\"https://reports.company-x.example/report_info?id=5065427c-23d3#x\","
                + "\"failure-reason-code\":\"X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED\"}]}]}");
        assertThat(TlsReportReader.strict().read(json.getBytes(StandardCharsets.UTF_8)).warnings()).isEmpty();
    }

    @Test
    @DisplayName("RFC 8460 §4.4, erratum 6241: mx-host read as a string is written as an array")
    void mxHostIsAlwaysAnArray() {
        TlsReport report = TlsReportReader.lenient().read(Reports.resource("appendix-b-mx-host-string.json"))
                .orElseThrow();
        String json = TlsReportWriter.create().toJsonString(report);
        assertThat(json).contains("\"mx-host\":[\"*.mail.company-y.example\"]");
    }

    @Test
    @DisplayName("RFC 8460 §4.4: unknown values are left out, never null or empty strings")
    void unknownValuesAreLeftOut() {
        TlsReport report = new TlsReport("Org", DateRange.utcDay(LocalDate.of(2024, 1, 1)), null, "id",
                List.of(new PolicyResult(new PolicyDetails(PolicyType.NO_POLICY_FOUND, "no-policy-found", List.of(),
                        null, List.of()), new Summary(1, 0), List.of())));
        String json = TlsReportWriter.create().toJsonString(report);
        assertThat(json).doesNotContain("null").doesNotContain("\"\"").doesNotContain("contact-info")
                .doesNotContain("policy-domain").doesNotContain("policy-string").doesNotContain("mx-host")
                .doesNotContain("failure-details");
        assertThat(json).contains("\"policies\":[{");
    }

    @Test
    @DisplayName("RFC 3339 §5.6: date-times are written in UTC with Z, fractions only when present")
    void dateTimesAreUtc() {
        TlsReport report = new TlsReport("Org", new DateRange(Instant.parse("2024-01-01T00:00:00.25Z"),
                Instant.parse("2024-01-02T00:00:00Z")), "a@example.com", "id", List.of());
        assertThat(TlsReportWriter.create().toJsonString(report))
                .contains("\"start-datetime\":\"2024-01-01T00:00:00.250Z\"")
                .contains("\"end-datetime\":\"2024-01-02T00:00:00Z\"");
    }

    @Test
    @DisplayName("RFC 8460 §5.2: gzip output starts with the gzip magic and reads back")
    void gzipOutput() throws IOException {
        byte[] gz = TlsReportWriter.create().write(sample(), ReportFormat.GZIP);
        assertThat(gz[0]).isEqualTo((byte) 0x1F);
        assertThat(gz[1]).isEqualTo((byte) 0x8B);
        assertThat(TlsReportReader.lenient().read(gz).orElseThrow()).isEqualTo(sample());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TlsReportWriter.create().write(sample(), ReportFormat.GZIP, out);
        assertThat(out.toByteArray()).isEqualTo(gz);
    }

    @Test
    @DisplayName("RFC 8460 §6.4, §6.5: media types and extensions")
    void mediaTypes() {
        assertThat(ReportFormat.JSON.mediaType()).isEqualTo("application/tlsrpt+json");
        assertThat(ReportFormat.GZIP.mediaType()).isEqualTo("application/tlsrpt+gzip");
        assertThat(ReportFormat.JSON.extension()).isEqualTo("json");
        assertThat(ReportFormat.GZIP.extension()).isEqualTo("json.gz");
    }

    @Test
    @DisplayName("RFC 8460 §4.3.1: certificate-not-trusted and validation-failure need a failure-reason-code")
    void reasonCodeIsRequiredForTwoTypes() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                FailureDetails.builder(ResultType.CERTIFICATE_NOT_TRUSTED).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("RFC 8460 §4.3.1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                FailureDetails.builder(ResultType.VALIDATION_FAILURE).build())
                .isInstanceOf(IllegalStateException.class);
        assertThat(FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).build().failedSessionCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("RFC 8460 §4.4, RFC 5952: the builder checks values and writes canonical IPs and A-labels")
    void failureDetailsBuilderChecksValues() {
        FailureDetails d = FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED)
                .sendingMtaIp("2001:0DB8:0000:0000:0000:0000:0000:0001").receivingMxHostname("MX.Bücher.example")
                .receivingMxHelo("mx.example").build();
        assertThat(d.sendingMtaIp()).isEqualTo("2001:db8::1");
        assertThat(d.receivingMxHostname()).isEqualTo("mx.xn--bcher-kva.example");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED).sendingMtaIp("mx.example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an IP address");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED).additionalInformation("no uri here"))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                FailureDetails.builder(ResultType.STARTTLS_NOT_SUPPORTED).failureReasonCode("a\nb"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(d.newBuilder().build()).isEqualTo(d);
        assertThat(d.withFailedSessionCount(5).sameFailure(d)).isTrue();
    }

    @Test
    @DisplayName("RFC 8460 §4.4: the report builder checks contact-info and requires the header members")
    void reportBuilderChecks() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TlsReport.builder().contactInfo("no-at-sign"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RFC 8460 §4.4");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TlsReport.builder().organizationName("x").build())
                .isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TlsReport.builder().dateRange(new DateRange(
                Instant.parse("2024-01-02T00:00:00Z"), Instant.parse("2024-01-01T00:00:00Z"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(sample().submitter()).contains(DomainName.of("company-x.example"));
        assertThat(new TlsReport("x", DateRange.utcDay(LocalDate.of(2024, 1, 1)), null, "r1", List.of()).submitter())
                .isEmpty();
    }
}
