package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.mtasts.tlsrpt.Reports.detail;
import static org.mtasts.tlsrpt.Reports.gzip;
import static org.mtasts.tlsrpt.Reports.stsEntry;
import static org.mtasts.tlsrpt.Reports.utf8;
import static org.mtasts.tlsrpt.Reports.withPolicy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtasts.core.ResultType;

class TlsReportReaderTest {

    private static ReadResult read(String json) {
        return TlsReportReader.lenient().read(utf8(json));
    }

    private static ReportWarning onlyWarning(ReadResult r, ReportWarning.Kind kind) {
        List<ReportWarning> found = r.warnings().stream().filter(w -> w.kind() == kind).toList();
        assertThat(found).as("warnings %s", r.warnings()).hasSize(1);
        return found.get(0);
    }

    private static ReportError error(ReadResult r) {
        assertThat(r).as("%s", r).isInstanceOf(ReadResult.Invalid.class);
        return ((ReadResult.Invalid) r).error();
    }

    @Test
    @DisplayName("RFC 8460 §4.4: a complete report reads without warnings")
    void readsACleanReportWithoutWarnings() {
        ReadResult r = read(Reports.clean());
        assertThat(r.warnings()).isEmpty();
        TlsReport report = r.orElseThrow();
        assertThat(report.organizationName()).isEqualTo("Example");
        assertThat(report.dateRange()).isEqualTo(DateRange.utcDay(java.time.LocalDate.of(2024, 2, 25)));
        PolicyResult p = report.policies().get(0);
        assertThat(p.policy().policyType()).isEqualTo(PolicyType.STS);
        assertThat(p.policy().mxHosts()).containsExactly("mx.example.com");
        assertThat(p.summary()).isEqualTo(new Summary(10, 1));
        FailureDetails d = p.failureDetails().get(0);
        assertThat(d.resultType()).isSameAs(ResultType.CERTIFICATE_EXPIRED);
        assertThat(d.sendingMtaIp()).isEqualTo("192.0.2.1");
        assertThat(d.receivingIp()).isEqualTo("198.51.100.7");
        assertThat(d.failedSessionCount()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ tolerated deviations

    @Test
    @DisplayName("RFC 3339 §5.6: a date-time without zone (Microsoft 2023) is read as UTC, with a warning")
    void zonelessDateTimeIsUtcWithAWarning() {
        ReadResult r = TlsReportReader.lenient().read(Reports.resource(
                "microsoft.com!test.xmox.nl!1673308800!1673395199!133198585438131172.json.gz"));
        TlsReport report = r.orElseThrow();
        assertThat(report.dateRange().start()).isEqualTo(Instant.parse("2023-01-10T00:00:00Z"));
        assertThat(report.dateRange().end()).isEqualTo(Instant.parse("2023-01-10T23:59:59Z"));
        assertThat(r.warnings()).filteredOn(w -> w.kind() == ReportWarning.Kind.DATE_TIME_WITHOUT_ZONE)
                .extracting(ReportWarning::path)
                .containsExactly("$.date-range.start-datetime", "$.date-range.end-datetime");
    }

    static Stream<Arguments> dateTimes() {
        return Stream.of(
                Arguments.of("2024-02-25T00:00:00Z", "2024-02-25T00:00:00Z"),
                Arguments.of("2024-02-25t00:00:00z", "2024-02-25T00:00:00Z"),
                Arguments.of("2024-02-25T01:00:00+01:00", "2024-02-25T00:00:00Z"),
                Arguments.of("2024-02-24T19:00:00-05:00", "2024-02-25T00:00:00Z"),
                Arguments.of("2024-02-25T00:00:00.5Z", "2024-02-25T00:00:00.500Z"),
                Arguments.of("2024-02-25T00:00:00.123456789Z", "2024-02-25T00:00:00.123456789Z"));
    }

    @ParameterizedTest(name = "RFC 3339 §5.6: {0}")
    @MethodSource("dateTimes")
    @DisplayName("RFC 3339 §5.6: date-times with Z, offsets, fractions and lower-case letters")
    void readsRfc3339DateTimes(String text, String instant) {
        ReadResult r = read(Reports.clean().replace("2024-02-25T00:00:00Z", text));
        assertThat(r.orElseThrow().dateRange().start()).isEqualTo(Instant.parse(instant));
        assertThat(r.warnings()).isEmpty();
    }

    static Stream<Arguments> badDateTimes() {
        return Stream.of(
                Arguments.of("2024-02-25", "too short"),
                Arguments.of("2024-02-25 00:00:00Z", "expected 'T'"),
                Arguments.of("2024-02-30T00:00:00Z", "not a valid date"),
                Arguments.of("2024-02-25T24:00:00Z", "not a valid date"),
                Arguments.of("2024-02-25T00:00:60Z", "leap second"),
                Arguments.of("2024-02-25T00:00:00+1:00", "offset"),
                Arguments.of("2024-02-25T00:00:00Zjunk", "after the date-time"),
                Arguments.of("yesterday at noon, UTC", "digit"));
    }

    @ParameterizedTest(name = "RFC 3339 §5.6: {0}")
    @MethodSource("badDateTimes")
    @DisplayName("RFC 3339 §5.6: a date-time that is not one is an error naming the member")
    void rejectsDateTimesThatAreNotDateTimes(String text, String reason) {
        ReportError e = error(read(Reports.clean().replace("2024-02-25T00:00:00Z", text)));
        assertThat(e.kind()).isEqualTo(ReportError.Kind.INVALID_VALUE);
        assertThat(e.path()).isEqualTo("$.date-range.start-datetime");
        assertThat(e.detail()).contains(reason);
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.column()).isPositive();
    }

    @Test
    @DisplayName("RFC 8460 §4.4, erratum 6241: mx-host as a string (Appendix B) is a one-element array")
    void mxHostAsAStringIsAnArray() {
        ReadResult r = TlsReportReader.lenient().read(Reports.resource("appendix-b-mx-host-string.json"));
        assertThat(r.orElseThrow().policies().get(0).policy().mxHosts()).containsExactly("*.mail.company-y.example");
        assertThat(onlyWarning(r, ReportWarning.Kind.SINGLE_VALUE_NOT_ARRAY).path())
                .isEqualTo("$.policies[0].policy.mx-host");
    }

    @Test
    @DisplayName("RFC 8460 §4 vs §4.4: policy-string as a single string is a one-element array")
    void policyStringAsAStringIsAnArray() {
        ReadResult r = read(Reports.clean().replace("\"policy-string\":[\"version: STSv1\",\"mode: testing\","
                + "\"mx: mx.example.com\",\"max_age: 86400\"]", "\"policy-string\":\"version: STSv1\""));
        assertThat(r.orElseThrow().policies().get(0).policy().policyStrings()).containsExactly("version: STSv1");
        assertThat(onlyWarning(r, ReportWarning.Kind.SINGLE_VALUE_NOT_ARRAY).path())
                .isEqualTo("$.policies[0].policy.policy-string");
    }

    @Test
    @DisplayName("RFC 8460 §4.4: contact-info null (Stalwart) reads as absent, with a warning")
    void contactInfoNullIsAbsent() {
        ReadResult r = read(Reports.clean().replace("\"tlsrpt@example.net\"", "null"));
        assertThat(r.orElseThrow().contactInfo()).isNull();
        ReportWarning w = onlyWarning(r, ReportWarning.Kind.NULL_VALUE);
        assertThat(w.path()).isEqualTo("$.contact-info");
        assertThat(w.isDeviation()).isTrue();
    }

    @Test
    @DisplayName("RFC 8460 §4.4: a missing contact-info is tolerated, with a warning")
    void contactInfoMissingIsTolerated() {
        ReadResult r = read(Reports.clean().replace("\"contact-info\":\"tlsrpt@example.net\",", ""));
        assertThat(r.orElseThrow().contactInfo()).isNull();
        assertThat(onlyWarning(r, ReportWarning.Kind.MISSING_MEMBER).path()).isEqualTo("$.contact-info");
    }

    @Test
    @DisplayName("RFC 8460 §4.4: contact-info that is not an address is kept, with a warning")
    void contactInfoThatIsNotAnAddress() {
        ReadResult r = read(Reports.clean().replace("\"tlsrpt@example.net\"", "\"Example Support\""));
        assertThat(r.orElseThrow().contactInfo()).isEqualTo("Example Support");
        assertThat(onlyWarning(r, ReportWarning.Kind.NOT_AN_ADDRESS).path()).isEqualTo("$.contact-info");
    }

    @Test
    @DisplayName("RFC 8460 §4.4: an unknown policy-type is kept as UNKNOWN with its token")
    void unknownPolicyTypeIsKept() {
        ReadResult r = TlsReportReader.lenient().read(Reports.resource("mail-auth-rpt03.json"));
        PolicyDetails p = r.orElseThrow().policies().get(1).policy();
        assertThat(p.policyType()).isEqualTo(PolicyType.UNKNOWN);
        assertThat(p.policyTypeToken()).isEqualTo("invalid-policy-type");
        assertThat(p.policyDomain()).isNull();
        assertThat(onlyWarning(r, ReportWarning.Kind.UNKNOWN_POLICY_TYPE).path())
                .isEqualTo("$.policies[1].policy.policy-type");
    }

    @Test
    @DisplayName("RFC 8460 §4.3: an unregistered result-type is kept, as a notice (the registry may grow)")
    void unregisteredResultTypeIsKept() {
        ReadResult r = read(Reports.clean().replace("certificate-expired", "some-new-type"));
        FailureDetails d = r.orElseThrow().policies().get(0).failureDetails().get(0);
        assertThat(d.resultType().token()).isEqualTo("some-new-type");
        assertThat(d.resultType().isRegistered()).isFalse();
        ReportWarning w = onlyWarning(r, ReportWarning.Kind.UNREGISTERED_RESULT_TYPE);
        assertThat(w.isDeviation()).isFalse();
        assertThat(TlsReportReader.strict().read(utf8(Reports.clean().replace("certificate-expired", "x-y")))
                .kind()).isEqualTo(ReadResult.Kind.READ);
    }

    @Test
    @DisplayName("RFC 8460 §4: counts that do not add up are a notice, not an error (Mail.ru)")
    void countsThatDoNotAddUpAreANotice() {
        ReadResult r = TlsReportReader.strict().read(Reports.resource("mail.ru.json"));
        assertThat(r.kind()).as("%s", r).isEqualTo(ReadResult.Kind.READ); // all of Mail.ru's oddities are notices
        ReadResult lenient = TlsReportReader.lenient().read(Reports.resource("mail.ru.json"));
        ReportWarning w = onlyWarning(lenient, ReportWarning.Kind.COUNTS_DISAGREE);
        assertThat(w.path()).isEqualTo("$.policies[0].summary.total-failure-session-count");
        assertThat(w.detail()).contains("2").contains("1");
        ReadResult twoDetails = TlsReportReader.strict().read(utf8(withPolicy(stsEntry(detail("") + ","
                + detail("")))));
        assertThat(twoDetails.kind()).isEqualTo(ReadResult.Kind.READ);
        assertThat(onlyWarning(twoDetails, ReportWarning.Kind.COUNTS_DISAGREE).isDeviation()).isFalse();
    }

    @Test
    @DisplayName("RFC 8460 §4.4: a missing total-failure-session-count is taken as 0, with a warning")
    void missingCountIsZero() {
        ReadResult r = TlsReportReader.lenient().read(Reports.resource("mail-auth-rpt03.json"));
        assertThat(r.orElseThrow().policies().get(0).summary()).isEqualTo(new Summary(1, 0));
        assertThat(r.warnings()).filteredOn(w -> w.kind() == ReportWarning.Kind.MISSING_MEMBER)
                .extracting(ReportWarning::path)
                .contains("$.policies[0].summary.total-failure-session-count",
                        "$.policies[0].policy.policy-domain");
    }

    @Test
    @DisplayName("RFC 8460 §4.4: missing sending-mta-ip, receiving-mx-hostname and policy-string are notices")
    void absentMembersAreNotices() {
        ReadResult r = read(withPolicy("{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"example.com\"},"
                + "\"summary\":{\"total-successful-session-count\":0,\"total-failure-session-count\":3},"
                + "\"failure-details\":[{\"result-type\":\"sts-policy-fetch-error\",\"failed-session-count\":3}]}"));
        assertThat(r.orElseThrow().policies().get(0).failureDetails().get(0).sendingMtaIp()).isNull();
        assertThat(r.warnings()).allMatch(w -> w.kind() == ReportWarning.Kind.ABSENT_MEMBER && !w.isDeviation())
                .extracting(ReportWarning::path)
                .containsExactly("$.policies[0].policy.policy-string", "$.policies[0].policy.mx-host",
                        "$.policies[0].failure-details[0].sending-mta-ip",
                        "$.policies[0].failure-details[0].receiving-mx-hostname");
    }

    @Test
    @DisplayName("RFC 8460 §4.4: the drafts' failure-error-code is read as failure-reason-code")
    void draftKeyIsReadAsTheRealOne() {
        ReadResult r = read(withPolicy(stsEntry(detail("\"failure-error-code\":\"X509_V_ERR\""))));
        assertThat(r.orElseThrow().policies().get(0).failureDetails().get(0).failureReasonCode())
                .isEqualTo("X509_V_ERR");
        assertThat(onlyWarning(r, ReportWarning.Kind.DRAFT_NAME).path())
                .isEqualTo("$.policies[0].failure-details[0].failure-error-code");
    }

    @Test
    @DisplayName("RFC 8460 §4.4: the schema's placeholder names are read as the real keys, with warnings")
    void placeholderNamesAreReadAsTheRealKeys() {
        String json = withPolicy("{\"policy\":{\"policy-type\":\"sts\",\"domain\":\"example.com\","
                + "\"mx-host-pattern\":[\"*.example.com\"]},\"summary\":{\"total-successful-session-count\":1,"
                + "\"total-failure-session-count\":1},\"failure-details\":[{\"result-type\":\"certificate-expired\","
                + "\"ip-address\":\"192.0.2.1\",\"receiving-mx-hostname\":\"mx.example.com\","
                + "\"failed-session-count\":1,\"additional-info-uri\":\"https://x.example/1\"}]}");
        ReadResult r = read(json);
        PolicyResult p = r.orElseThrow().policies().get(0);
        assertThat(p.policy().policyDomain()).isEqualTo("example.com");
        assertThat(p.policy().mxHosts()).containsExactly("*.example.com");
        assertThat(p.failureDetails().get(0).sendingMtaIp()).isEqualTo("192.0.2.1");
        assertThat(p.failureDetails().get(0).additionalInformation()).isEqualTo("https://x.example/1");
        assertThat(r.warnings()).filteredOn(w -> w.kind() == ReportWarning.Kind.PLACEHOLDER_NAME)
                .extracting(ReportWarning::path)
                .containsExactly("$.policies[0].policy.domain", "$.policies[0].policy.mx-host-pattern",
                        "$.policies[0].failure-details[0].ip-address",
                        "$.policies[0].failure-details[0].additional-info-uri");
    }

    @Test
    @DisplayName("RFC 7493 §2.3: a duplicated member keeps the first value, with a warning")
    void duplicateMembersKeepTheFirst() {
        ReadResult r = read(Reports.clean().replace("\"report-id\":\"r1\",", "\"report-id\":\"r1\",\"report-id\":"
                + "{\"x\":[1,2]},"));
        assertThat(r.orElseThrow().reportId()).isEqualTo("r1");
        assertThat(onlyWarning(r, ReportWarning.Kind.DUPLICATE_MEMBER).path()).isEqualTo("$.report-id");
    }

    static Stream<Arguments> keysOfEachObject() {
        String entry = "$.policies[0].";
        String detail = entry + "failure-details[0].";
        return Stream.of(
                arguments("the report", "\"report-id\":\"r1\",", "\"organization-name\":\"Other\",\"start-datetime\":\"x\",",
                        List.of("DUPLICATE_MEMBER $.organization-name", "UNKNOWN_MEMBER $.start-datetime")),
                arguments("date-range", "\"start-datetime\":\"2024-02-25T00:00:00Z\",",
                        "\"start-datetime\":\"1999-01-01T00:00:00Z\",\"policies\":[],",
                        List.of("DUPLICATE_MEMBER $.date-range.start-datetime", "UNKNOWN_MEMBER $.date-range.policies")),
                arguments("a policies element", "\"total-failure-session-count\":1},", "\"summary\":{},\"result-type\":\"x\",",
                        List.of("DUPLICATE_MEMBER " + entry + "summary", "UNKNOWN_MEMBER " + entry + "result-type")),
                arguments("policy", "\"policy-type\":\"sts\",", "\"policy-type\":\"tlsa\",\"domain\":\"x.example\",\"summary\":1,",
                        List.of("DUPLICATE_MEMBER " + entry + "policy.policy-type", "PLACEHOLDER_NAME " + entry + "policy.domain",
                                "UNKNOWN_MEMBER " + entry + "policy.summary",
                                "DUPLICATE_MEMBER " + entry + "policy.policy-domain")),
                arguments("summary", "\"total-successful-session-count\":10,",
                        "\"total-successful-session-count\":99,\"failed-session-count\":1,",
                        List.of("DUPLICATE_MEMBER " + entry + "summary.total-successful-session-count",
                                "UNKNOWN_MEMBER " + entry + "summary.failed-session-count")),
                arguments("a failure-details element", "{\"result-type\":\"certificate-expired\",",
                        "\"ip-address\":\"192.0.2.9\",\"failure-error-code\":\"a\",\"failure-reason-code\":\"b\",\"policy\":{},",
                        List.of("PLACEHOLDER_NAME " + detail + "ip-address", "DRAFT_NAME " + detail + "failure-error-code",
                                "DUPLICATE_MEMBER " + detail + "failure-reason-code", "UNKNOWN_MEMBER " + detail + "policy",
                                "DUPLICATE_MEMBER " + detail + "sending-mta-ip")));
    }

    @ParameterizedTest(name = "RFC 7493 §2.3, RFC 8460 §4.4: {0} reads its own keys once, and only those")
    @MethodSource("keysOfEachObject")
    void eachObjectReadsItsOwnKeysOnce(String object, String after, String inserted, List<String> expected) {
        String json = Reports.clean();
        assertThat(json).contains(after);
        ReadResult r = read(json.replace(after, after + inserted));
        TlsReport report = r.orElseThrow();
        assertThat(r.warnings()).filteredOn(w -> w.kind() == ReportWarning.Kind.DUPLICATE_MEMBER
                || w.kind() == ReportWarning.Kind.UNKNOWN_MEMBER || w.kind() == ReportWarning.Kind.PLACEHOLDER_NAME
                || w.kind() == ReportWarning.Kind.DRAFT_NAME)
                .extracting(w -> w.kind() + " " + w.path()).containsExactlyElementsOf(expected);
        // The first occurrence of each key counts, under whichever name it came.
        PolicyResult p = report.policies().get(0);
        assertThat(report.organizationName()).isEqualTo("Example");
        assertThat(report.dateRange().start()).isEqualTo(Instant.parse("2024-02-25T00:00:00Z"));
        assertThat(p.policy().policyType()).isEqualTo(PolicyType.STS);
        assertThat(p.policy().policyDomain()).isEqualTo(object.equals("policy") ? "x.example" : "example.com");
        assertThat(p.summary()).isEqualTo(new Summary(10, 1));
        FailureDetails d = p.failureDetails().get(0);
        assertThat(d.sendingMtaIp()).isEqualTo(object.startsWith("a failure") ? "192.0.2.9" : "192.0.2.1");
        assertThat(d.failureReasonCode()).isEqualTo(object.startsWith("a failure") ? "a" : null);
    }

    @Test
    @DisplayName("RFC 8460 §4.4: unknown members are skipped whatever they hold, with their path")
    void unknownMembersAreSkipped() {
        ReadResult r = read(Reports.clean().replace("\"report-id\":\"r1\",", "\"report-id\":\"r1\","
                + "\"x-extra\":{\"a\":[{\"b\":null}]},\"odd name\\u0007\":1,"));
        assertThat(r.orElseThrow().reportId()).isEqualTo("r1");
        assertThat(r.warnings()).extracting(ReportWarning::path)
                .containsExactly("$.x-extra", "$['odd name\\u0007']");
        assertThat(r.warnings()).allMatch(w -> w.detail().chars().noneMatch(c -> c < 0x20));
    }

    @Test
    @DisplayName("RFC 8460 §4.4: sending-mta-ip that is not an IP is kept, with a warning; IPv6 forms are fine")
    void ipAddressesAreChecked() {
        ReadResult r = read(withPolicy(stsEntry(detail("").replace("192.0.2.1", "x.x.x.x"))));
        assertThat(r.orElseThrow().policies().get(0).failureDetails().get(0).sendingMtaIp()).isEqualTo("x.x.x.x");
        assertThat(onlyWarning(r, ReportWarning.Kind.NOT_AN_IP_ADDRESS).path())
                .isEqualTo("$.policies[0].failure-details[0].sending-mta-ip");
        assertThat(read(withPolicy(stsEntry(detail("").replace("192.0.2.1", "2001:db8:abcd:0012::1"))))
                .warnings()).isEmpty();
    }

    @Test
    @DisplayName("RFC 8460 §4.4: additional-information that is not a URI is kept, with a warning")
    void additionalInformationIsChecked() {
        ReadResult r = read(withPolicy(stsEntry(detail("\"additional-information\":\"https://x.example/a b\""))));
        assertThat(onlyWarning(r, ReportWarning.Kind.NOT_A_URI).path())
                .isEqualTo("$.policies[0].failure-details[0].additional-information");
    }

    @Test
    @DisplayName("RFC 8460 §4.4: a policy-domain in U-labels or not a domain is kept, with a warning")
    void policyDomainIsChecked() {
        ReadResult u = read(Reports.clean().replace("\"policy-domain\":\"example.com\"",
                "\"policy-domain\":\"bücher.example\""));
        assertThat(onlyWarning(u, ReportWarning.Kind.NOT_A_DOMAIN).detail()).contains("A-labels");
        ReadResult bad = read(Reports.clean().replace("\"policy-domain\":\"example.com\"",
                "\"policy-domain\":\"not a domain\""));
        assertThat(onlyWarning(bad, ReportWarning.Kind.NOT_A_DOMAIN).path()).isEqualTo("$.policies[0].policy.policy-domain");
    }

    @Test
    @DisplayName("RFC 8460 §4.4: mx-host entries with the policy's 'mx:' key are kept, with a warning")
    void mxHostWithKeyPrefix() {
        ReadResult r = read(Reports.clean().replace("\"mx-host\":[\"mx.example.com\"]",
                "\"mx-host\":[\"mx: mx.example.com\"]"));
        assertThat(onlyWarning(r, ReportWarning.Kind.MX_PREFIX).path()).isEqualTo("$.policies[0].policy.mx-host[0]");
    }

    @Test
    @DisplayName("RFC 8460 §4.4: a JSON array inside one policy-string element (Microsoft TLSA) is flagged")
    void jsonArrayInsideAPolicyString() {
        ReadResult r = read(withPolicy("{\"policy\":{\"policy-type\":\"tlsa\",\"policy-string\":"
                + "[\"[\\\"3 1 1 AA\\\",\\\"3 1 1 BB\\\"]\"],\"policy-domain\":\"example.com\"},"
                + "\"summary\":{\"total-successful-session-count\":2,\"total-failure-session-count\":0}}"));
        ReportWarning w = onlyWarning(r, ReportWarning.Kind.JSON_IN_STRING);
        assertThat(w.path()).isEqualTo("$.policies[0].policy.policy-string[0]");
        assertThat(w.detail()).contains("2 strings");
    }

    @Test
    @DisplayName("RFC 8460 §4.1: a range ending at 00:00:00 of the next day is a notice")
    void exclusiveEndIsANotice() {
        ReadResult r = read(Reports.clean().replace("2024-02-25T23:59:59Z", "2024-02-26T00:00:00Z"));
        ReportWarning w = onlyWarning(r, ReportWarning.Kind.EXCLUSIVE_END);
        assertThat(w.path()).isEqualTo("$.date-range.end-datetime");
        assertThat(w.isDeviation()).isFalse();
    }

    @Test
    @DisplayName("RFC 8460 §4.4: a reversed date range is a deviation")
    void reversedRange() {
        ReadResult r = read(Reports.clean().replace("2024-02-25T23:59:59Z", "2024-02-24T00:00:00Z"));
        assertThat(onlyWarning(r, ReportWarning.Kind.DATE_RANGE_REVERSED).path()).isEqualTo("$.date-range");
    }

    @Test
    @DisplayName("RFC 8460 §4.4: failed sessions without failure details, and an empty array, are notices")
    void failuresWithoutDetails() {
        ReadResult none = read(withPolicy(stsEntry(detail("")).replace(",\"failure-details\":[" + detail("") + "]",
                "")));
        assertThat(onlyWarning(none, ReportWarning.Kind.FAILURES_WITHOUT_DETAILS).path())
                .isEqualTo("$.policies[0].failure-details");
        ReadResult empty = read(withPolicy(stsEntry("")));
        assertThat(empty.warnings()).extracting(ReportWarning::kind)
                .containsExactly(ReportWarning.Kind.EMPTY_ARRAY, ReportWarning.Kind.FAILURES_WITHOUT_DETAILS);
        ReadResult nul = read(withPolicy(stsEntry(detail("")).replace("[" + detail("") + "]", "null")));
        assertThat(nul.warnings()).extracting(ReportWarning::kind)
                .containsExactly(ReportWarning.Kind.NULL_VALUE, ReportWarning.Kind.FAILURES_WITHOUT_DETAILS);
    }

    @Test
    @DisplayName("RFC 8259 §8.1: a byte order mark is skipped with a warning; leading whitespace is a notice")
    void byteOrderMarkAndLeadingWhitespace() throws IOException {
        byte[] json = utf8(Reports.clean());
        byte[] bom = new byte[json.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, bom, 3, json.length);
        for (ReadResult r : List.of(TlsReportReader.lenient().read(bom),
                TlsReportReader.lenient().read(new ByteArrayInputStream(bom)),
                TlsReportReader.lenient().read(gzip(bom)))) {
            assertThat(r.orElseThrow().reportId()).isEqualTo("r1");
            assertThat(onlyWarning(r, ReportWarning.Kind.BYTE_ORDER_MARK).path()).isEqualTo("$");
        }
        ReadResult ws = read(" \n" + Reports.clean());
        assertThat(onlyWarning(ws, ReportWarning.Kind.LEADING_WHITESPACE).isDeviation()).isFalse();
    }

    @Test
    @DisplayName("RFC 8460 §4.4: a count above 2^53 - 1 is read, with an I-JSON warning")
    void largeCounts() {
        ReadResult r = read(Reports.clean().replace("\"total-successful-session-count\":10",
                "\"total-successful-session-count\":9007199254740993"));
        assertThat(r.orElseThrow().policies().get(0).summary().totalSuccessfulSessionCount())
                .isEqualTo(9007199254740993L);
        assertThat(onlyWarning(r, ReportWarning.Kind.LARGE_NUMBER).rule()).isEqualTo("RFC 7493 §2.2");
    }

    // ------------------------------------------------------------------ errors

    static Stream<Arguments> errors() {
        String clean = Reports.clean();
        return Stream.of(
                Arguments.of("", ReportError.Kind.MALFORMED_JSON, "$"),
                Arguments.of("[]", ReportError.Kind.WRONG_TYPE, "$"),
                Arguments.of("{\"organization-name\": }", ReportError.Kind.MALFORMED_JSON, "$.organization-name"),
                Arguments.of(clean.substring(0, clean.length() - 10), ReportError.Kind.MALFORMED_JSON,
                        "$.policies[0].failure-details[0]"),
                Arguments.of(clean + "{}", ReportError.Kind.MALFORMED_JSON, "$"),
                Arguments.of(clean + "x", ReportError.Kind.MALFORMED_JSON, "$"),
                Arguments.of(clean.replace("\"organization-name\":\"Example\",", ""), ReportError.Kind.MISSING_MEMBER,
                        "$.organization-name"),
                Arguments.of(clean.replace("\"report-id\":\"r1\",", ""), ReportError.Kind.MISSING_MEMBER,
                        "$.report-id"),
                Arguments.of(clean.replace(",\"end-datetime\":\"2024-02-25T23:59:59Z\"", ""),
                        ReportError.Kind.MISSING_MEMBER, "$.date-range.end-datetime"),
                Arguments.of(clean.replace("\"policy-type\":\"sts\",", ""), ReportError.Kind.MISSING_MEMBER,
                        "$.policies[0].policy.policy-type"),
                Arguments.of(clean.replace("\"result-type\":\"certificate-expired\",", ""),
                        ReportError.Kind.MISSING_MEMBER, "$.policies[0].failure-details[0].result-type"),
                Arguments.of(clean.replace("\"organization-name\":\"Example\"", "\"organization-name\":7"),
                        ReportError.Kind.WRONG_TYPE, "$.organization-name"),
                Arguments.of(clean.replace("\"policies\":[", "\"policies\":").replace("]}]}", "]}}"),
                        ReportError.Kind.WRONG_TYPE, "$.policies"),
                Arguments.of(clean.replace("\"failed-session-count\":1", "\"failed-session-count\":-1"),
                        ReportError.Kind.INVALID_VALUE, "$.policies[0].failure-details[0].failed-session-count"),
                Arguments.of(clean.replace("\"failed-session-count\":1", "\"failed-session-count\":1.5"),
                        ReportError.Kind.WRONG_TYPE, "$.policies[0].failure-details[0].failed-session-count"),
                Arguments.of(clean.replace("\"failed-session-count\":1", "\"failed-session-count\":\"1\""),
                        ReportError.Kind.WRONG_TYPE, "$.policies[0].failure-details[0].failed-session-count"),
                Arguments.of(clean.replace("\"failed-session-count\":1", "\"failed-session-count\":"
                        + "99999999999999999999999"), ReportError.Kind.INVALID_VALUE,
                        "$.policies[0].failure-details[0].failed-session-count"),
                Arguments.of(clean.replace("\"mx-host\":[\"mx.example.com\"]", "\"mx-host\":[1]"),
                        ReportError.Kind.WRONG_TYPE, "$.policies[0].policy.mx-host[0]"),
                Arguments.of(clean.replace("\"failure-details\":[", "\"failure-details\":[7,"),
                        ReportError.Kind.WRONG_TYPE, "$.policies[0].failure-details[0]"));
    }

    @ParameterizedTest(name = "RFC 8460 §4.4: {1} at {2}")
    @MethodSource("errors")
    @DisplayName("RFC 8460 §4.4: unusable input is an error with its kind, JSON path, line and column")
    void unusableInputIsAnErrorWithItsPath(String json, ReportError.Kind kind, String path) {
        ReportError e = error(read(json));
        assertThat(e.kind()).as("%s", e).isEqualTo(kind);
        assertThat(e.path()).as("%s", e).isEqualTo(path);
        assertThat(e.rule()).isEqualTo(kind.rule());
        if (!json.isEmpty()) {
            assertThat(e.line()).as("%s", e).isPositive();
        }
        assertThat(e.toString()).contains(path).contains(e.detail());
    }

    @Test
    @DisplayName("RFC 8259: malformed JSON gives line and column")
    void malformedJsonGivesLineAndColumn() {
        ReportError e = error(read("{\n  \"organization-name\": \"x\",\n  \"date-range\": {\"a\" 1}\n}"));
        assertThat(e.kind()).isEqualTo(ReportError.Kind.MALFORMED_JSON);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isGreaterThan(1);
    }

    @Test
    @DisplayName("RFC 8460 §7: messages never echo control characters from the input")
    void messagesNeverEchoControlCharacters() {
        String evil = "\\u001b[31m\\r\\nInjected: yes";
        ReportError e = error(read(Reports.clean().replace("\"2024-02-25T00:00:00Z\"", "\"" + evil + "\"")));
        assertThat(e.detail()).doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\n")
                .contains("\\u001b");
        ReadResult w = read(Reports.clean().replace("192.0.2.1", evil));
        assertThat(w.warnings()).isNotEmpty().allMatch(x -> x.detail().chars().noneMatch(c -> c < 0x20));
        ReportError bad = error(read("{\"organization-name\":tru\u0007e}"));
        assertThat(bad.detail().chars().noneMatch(c -> c < 0x20)).isTrue();
    }

    @Test
    @DisplayName("RFC 8460 §4.4: the strict reader turns a deviation into an error, keeps notices as warnings")
    void strictModeTurnsDeviationsIntoErrors() {
        String zoneless = Reports.clean().replace("2024-02-25T00:00:00Z", "2024-02-25T00:00:00");
        ReportError e = error(TlsReportReader.strict().read(utf8(zoneless)));
        assertThat(e.kind()).isEqualTo(ReportError.Kind.STRICT);
        assertThat(e.rule()).isEqualTo("RFC 3339 §5.6");
        assertThat(e.path()).isEqualTo("$.date-range.start-datetime");
        assertThat(e.detail()).contains("date-time-without-zone");
        assertThat(e.line()).isEqualTo(1);
        String exclusive = Reports.clean().replace("2024-02-25T23:59:59Z", "2024-02-26T00:00:00Z");
        ReadResult ok = TlsReportReader.strict().read(utf8(exclusive));
        assertThat(ok.kind()).isEqualTo(ReadResult.Kind.READ);
        assertThat(ok.warnings()).extracting(ReportWarning::kind).containsExactly(ReportWarning.Kind.EXCLUSIVE_END);
        assertThat(TlsReportReader.strict().isStrict()).isTrue();
        assertThat(TlsReportReader.lenient().newBuilder().strict(true).build().isStrict()).isTrue();
    }

    // ------------------------------------------------------------------ containers

    @Test
    @DisplayName("RFC 8460 §5.2: gzip is recognized by its magic bytes, whatever the name says")
    void gzipIsDetectedByMagicBytes() throws IOException {
        byte[] gz = gzip(utf8(Reports.clean()));
        assertThat(TlsReportReader.lenient().read(gz).orElseThrow().reportId()).isEqualTo("r1");
        assertThat(TlsReportReader.lenient().read(new ByteArrayInputStream(gz)).orElseThrow().reportId())
                .isEqualTo("r1");
        ReadResult named = TlsReportReader.lenient().read(gz, "report.json");
        assertThat(onlyWarning(named, ReportWarning.Kind.COMPRESSION_MISMATCH).detail()).contains("compressed");
        ReadResult plainNamedGz = TlsReportReader.lenient().read(utf8(Reports.clean()), "report.json.gz");
        assertThat(onlyWarning(plainNamedGz, ReportWarning.Kind.COMPRESSION_MISMATCH).detail()).contains("not gzip");
    }

    @Test
    @DisplayName("RFC 8460 §5.2: a zip archive with a .json entry is read (mail-auth accepts tlsrpt+zip)")
    void zipArchivesAreRead() {
        byte[] zip = Reports.zip("google.com!example.com!1!2.json", utf8(Reports.clean()));
        assertThat(TlsReportReader.lenient().read(zip).orElseThrow().reportId()).isEqualTo("r1");
        ReportError e = error(TlsReportReader.lenient().read(Reports.zip("readme.txt", utf8("hello"))));
        assertThat(e.kind()).isEqualTo(ReportError.Kind.NO_REPORT);
    }

    @Test
    @DisplayName("RFC 8460 §5.2: a zip entry name that is not UTF-8 is corrupt compression, not an exception (found by fuzzing)")
    void aZipEntryNameThatIsNotUtf8IsAnError() {
        byte[] zip = Reports.zip("report.json", utf8(Reports.clean()));
        // The local header's name starts at offset 30: make it "repor\xCF.json" with the UTF-8 flag unset.
        zip[35] = (byte) 0xCF;
        ReportError e = error(TlsReportReader.lenient().read(zip));
        assertThat(e.kind()).isEqualTo(ReportError.Kind.MALFORMED_COMPRESSION);
        assertThat(e.detail()).contains("not valid UTF-8");
        byte[] flagged = zip.clone();
        flagged[7] |= 0x08; // general purpose bit 11: the name is declared UTF-8
        assertThat(error(TlsReportReader.lenient().read(flagged)).kind()).isEqualTo(ReportError.Kind.MALFORMED_COMPRESSION);
    }

    @Test
    @DisplayName("RFC 1952: corrupt or truncated gzip is an error, not an exception")
    void corruptGzipIsAnError() {
        byte[] gz = gzip(utf8(Reports.clean()));
        byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
        assertThat(error(TlsReportReader.lenient().read(truncated)).kind())
                .isEqualTo(ReportError.Kind.MALFORMED_COMPRESSION);
        byte[] corrupt = gz.clone();
        for (int i = 12; i < corrupt.length - 8; i++) {
            corrupt[i] ^= 0x5A;
        }
        ReportError e = error(TlsReportReader.lenient().read(corrupt));
        assertThat(e.kind()).isIn(ReportError.Kind.MALFORMED_COMPRESSION, ReportError.Kind.MALFORMED_JSON);
        assertThat(error(TlsReportReader.lenient().read(new byte[] {0x1F, (byte) 0x8B})).kind())
                .isEqualTo(ReportError.Kind.MALFORMED_COMPRESSION);
    }

    @Test
    @DisplayName("A failure of the caller's stream is its IOException; the stream is not closed")
    void callerStreamFailuresPropagate() {
        IOException boom = new IOException("disk on fire");
        InputStream failing = new InputStream() {
            private boolean started;

            @Override
            public int read() throws IOException {
                throw boom;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (started) {
                    throw boom;
                }
                started = true;
                byte[] head = utf8("{\"organization-name\":\"Exa");
                System.arraycopy(head, 0, b, off, head.length);
                return head.length;
            }
        };
        assertThatThrownBy(() -> TlsReportReader.lenient().read(failing)).isSameAs(boom);
        InputStream gzipFailing = new InputStream() {
            private final byte[] head = gzip(utf8(Reports.clean()));
            private boolean started;

            @Override
            public int read() throws IOException {
                throw boom;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (started) {
                    throw boom;
                }
                started = true;
                System.arraycopy(head, 0, b, off, 20);
                return 20;
            }
        };
        assertThatThrownBy(() -> TlsReportReader.lenient().read(gzipFailing)).isSameAs(boom);
        boolean[] closed = new boolean[1];
        InputStream tracked = new ByteArrayInputStream(utf8(Reports.clean())) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        try {
            TlsReportReader.lenient().read(tracked).orElseThrow();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(closed[0]).isFalse();
    }

    @Test
    @DisplayName("RFC 8460 §5.6: a file name that disagrees with the report is a warning; the report counts")
    void fileNameDisagreementsAreWarnings(@TempDir Path dir) throws IOException {
        byte[] gz = gzip(utf8(Reports.clean()));
        // 2024-02-25T00:00:00Z = 1708819200, 23:59:59Z = 1708905599
        ReadResult ok = TlsReportReader.lenient().read(gz, "example.net!example.com!1708819200!1708905599!001.json.gz");
        assertThat(ok.warnings()).isEmpty();
        ReadResult bad = TlsReportReader.lenient().read(gz, "other.example!example.org!1!2.json.gz");
        assertThat(bad.warnings()).extracting(ReportWarning::kind).containsOnly(ReportWarning.Kind.FILE_NAME_MISMATCH);
        assertThat(bad.warnings()).extracting(ReportWarning::path)
                .containsExactly("$.date-range", "$.policies", "$.contact-info");
        Path file = dir.resolve("other.example!example.org!1!2.json.gz");
        Files.write(file, gz);
        assertThat(TlsReportReader.lenient().read(file).warnings()).hasSize(3);
    }

    // ------------------------------------------------------------------ limits

    @Test
    @DisplayName("RFC 8460 §7: a gzip bomb stops at maxJsonBytes (default 20 MiB)")
    void gzipBombStopsAtTheJsonLimit() {
        byte[] inflated = new byte[21 * 1024 * 1024];
        Arrays.fill(inflated, (byte) ' ');
        inflated[0] = '{';
        byte[] bomb = gzip(inflated);
        assertThat(bomb.length).isLessThan(100_000);
        ReportError e = error(TlsReportReader.lenient().read(bomb));
        assertThat(e.kind()).isEqualTo(ReportError.Kind.LIMIT_EXCEEDED);
        assertThat(e.detail()).contains("maxJsonBytes");
        assertThat(TlsReportReader.DEFAULT_MAX_JSON_BYTES).isEqualTo(20L * 1024 * 1024);
    }

    @Test
    @DisplayName("RFC 8460 §7: every limit is enforced with a precise error")
    void limitsAreEnforced() {
        String clean = Reports.clean();
        byte[] json = utf8(clean);
        assertLimit(TlsReportReader.builder().maxJsonBytes(100).build().read(json), "maxJsonBytes");
        assertLimit(TlsReportReader.builder().maxJsonBytes(100).build().read(gzip(json)), "maxJsonBytes");
        assertLimit(TlsReportReader.builder().maxCompressedBytes(50).build().read(gzip(json)), "maxCompressedBytes");
        assertLimit(TlsReportReader.builder().maxPolicies(1).build()
                .read(utf8(withPolicy(stsEntry(detail("")) + "," + stsEntry(detail(""))))), "maxPolicies");
        assertLimit(TlsReportReader.builder().maxFailureDetails(1).build()
                .read(utf8(withPolicy(stsEntry(detail("") + "," + detail(""))))), "maxFailureDetails");
        String deep = clean.replace("\"report-id\":\"r1\",", "\"report-id\":\"r1\",\"x\":"
                + "[".repeat(40) + "]".repeat(40) + ",");
        assertThat(error(read(deep)).kind()).isEqualTo(ReportError.Kind.LIMIT_EXCEEDED);
        ReadResult deepOk = TlsReportReader.builder().maxNestingDepth(64).build().read(utf8(deep));
        assertThat(deepOk.kind()).isEqualTo(ReadResult.Kind.READ);
        String longString = clean.replace("\"Example\"", "\"" + "a".repeat(70_000) + "\"");
        ReportError tooLong = error(read(longString));
        assertThat(tooLong.kind()).isEqualTo(ReportError.Kind.LIMIT_EXCEEDED);
        assertThat(tooLong.path()).isEqualTo("$.organization-name");
    }

    @Test
    @DisplayName("RFC 8460 §7: warnings beyond maxWarnings are counted, not kept")
    void warningsAreCapped() {
        StringBuilder details = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            details.append(i == 0 ? "" : ",").append(detail("\"x\":1"));
        }
        ReadResult r = TlsReportReader.builder().maxWarnings(3).build().read(utf8(withPolicy(stsEntry(details
                .toString()))));
        assertThat(r.warnings()).hasSize(3);
        assertThat(r.omittedWarnings()).isEqualTo(8); // 10 unknown members + the counts notice - 3
    }

    @Test
    @DisplayName("Builder misuse is an IllegalArgumentException naming the setting")
    void builderValidates() {
        assertThatThrownBy(() -> TlsReportReader.builder().maxJsonBytes(0)).hasMessageContaining("maxJsonBytes");
        assertThatThrownBy(() -> TlsReportReader.builder().maxNestingDepth(4)).hasMessageContaining("maxNestingDepth");
        assertThatThrownBy(() -> TlsReportReader.builder().maxStringLength(10)).hasMessageContaining("maxStringLength");
        assertThatThrownBy(() -> TlsReportReader.builder().maxPolicies(0)).hasMessageContaining("maxPolicies");
        assertThatThrownBy(() -> TlsReportReader.builder().maxWarnings(-1)).hasMessageContaining("maxWarnings");
    }

    @Test
    @DisplayName("orElseThrow() on an invalid result throws ReportReadException with the error")
    void orElseThrowCarriesTheError() {
        ReadResult r = read("[]");
        assertThatThrownBy(r::orElseThrow).isInstanceOf(ReportReadException.class)
                .satisfies(e -> assertThat(((ReportReadException) e).error().kind())
                        .isEqualTo(ReportError.Kind.WRONG_TYPE));
    }

    private static void assertLimit(ReadResult r, String setting) {
        ReportError e = error(r);
        assertThat(e.kind()).isEqualTo(ReportError.Kind.LIMIT_EXCEEDED);
        assertThat(e.detail()).contains(setting);
    }
}
