package org.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus is the test: every real report is read with zero errors, the facts computed
 * independently in {@code expected/} match, and every oddity listed there shows up as a warning.
 */
class CorpusTest {

    static List<Path> reports() {
        return Corpus.reports();
    }

    @ParameterizedTest(name = "RFC 8460 §4.4: {0}")
    @MethodSource("reports")
    @DisplayName("RFC 8460 §4.4: every corpus report is read without error and its facts match expected/")
    void readsEveryReportAndMatchesTheExpectedFacts(Path file) {
        ReadResult result = TlsReportReader.lenient().read(Corpus.bytes(file), Corpus.senderName(file));
        assertThat(result.kind()).as("%s: %s", file.getFileName(), result).isEqualTo(ReadResult.Kind.READ);
        TlsReport report = result.orElseThrow();
        Map<String, Object> expected = TestJson.object(new String(Corpus.bytes(Corpus.expectedFor(file)),
                StandardCharsets.UTF_8));

        assertThat(report.organizationName()).isEqualTo(expected.get("organization-name"));
        assertThat(report.reportId()).isEqualTo(expected.get("report-id"));
        assertThat(nullable(report.contactInfo())).isEqualTo(expected.get("contact-info"));
        @SuppressWarnings("unchecked")
        Map<String, Object> range = (Map<String, Object>) expected.get("date-range");
        assertThat(report.dateRange().start()).isEqualTo(instant((String) range.get("start-datetime")));
        assertThat(report.dateRange().end()).isEqualTo(instant((String) range.get("end-datetime")));
        assertThat((long) report.policies().size()).isEqualTo(expected.get("policy-count"));
        @SuppressWarnings("unchecked")
        Map<String, Object> totals = (Map<String, Object>) expected.get("totals");
        assertThat(report.totalSuccessfulSessionCount()).isEqualTo(totals.get("total-successful-session-count"));
        assertThat(report.totalFailureSessionCount()).isEqualTo(totals.get("total-failure-session-count"));

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> policies = (List<Map<String, Object>>) expected.get("policies");
        for (int i = 0; i < policies.size(); i++) {
            Map<String, Object> e = policies.get(i);
            PolicyResult p = report.policies().get(i);
            String at = file.getFileName() + " policies[" + i + "]";
            assertThat(p.policy().policyTypeToken()).as(at).isEqualTo(e.get("policy-type"));
            assertThat(nullable(p.policy().policyDomain())).as(at).isEqualTo(e.get("policy-domain"));
            assertCount(p.summary().totalSuccessfulSessionCount(), e.get("total-successful-session-count"), result,
                    "$.policies[" + i + "].summary.total-successful-session-count");
            assertCount(p.summary().totalFailureSessionCount(), e.get("total-failure-session-count"), result,
                    "$.policies[" + i + "].summary.total-failure-session-count");
            assertThat((long) p.failureDetails().size()).as(at).isEqualTo(e.get("failure-details-count"));
            if (e.get("failed-session-count-sum") != TestJson.NULL) {
                assertThat(p.failedSessionCountSum()).as(at).isEqualTo(e.get("failed-session-count-sum"));
            }
        }
    }

    @ParameterizedTest(name = "RFC 8460 §4.4: {0}")
    @MethodSource("reports")
    @DisplayName("RFC 8460 §4.4: every oddity in expected/ shows up as a warning with its JSON path")
    void everyOddityShowsUpAsAWarning(Path file) {
        ReadResult result = TlsReportReader.lenient().read(Corpus.bytes(file), Corpus.senderName(file));
        Map<String, Object> expected = TestJson.object(new String(Corpus.bytes(Corpus.expectedFor(file)),
                StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        List<String> oddities = (List<String>) expected.get("oddities");
        for (String oddity : oddities) {
            Expectation want = expectationFor(oddity);
            assertThat(result.warnings())
                    .as("%s: oddity '%s' should be a warning at %s with one of %s; warnings: %s", file.getFileName(),
                            oddity, want.path, want.codes, result.warnings())
                    .anySatisfy(w -> {
                        assertThat(want.codes).contains(w.code());
                        if (want.path != null) {
                            assertThat(w.path()).isEqualTo(want.path);
                        }
                    });
        }
    }

    @ParameterizedTest(name = "RFC 8460 §4.4: {0}")
    @MethodSource("reports")
    @DisplayName("RFC 8460 §4.4: the strict reader accepts exactly the reports that have no deviation")
    void strictReaderRejectsExactlyTheReportsWithDeviations(Path file) {
        ReadResult lenient = TlsReportReader.lenient().read(Corpus.bytes(file), Corpus.senderName(file));
        ReadResult strict = TlsReportReader.strict().read(Corpus.bytes(file), Corpus.senderName(file));
        List<ReportWarning> deviations = lenient.warnings().stream().filter(ReportWarning::isDeviation)
                .collect(Collectors.toList());
        if (deviations.isEmpty()) {
            assertThat(strict.kind()).as("%s", strict).isEqualTo(ReadResult.Kind.READ);
            assertThat(strict.orElseThrow()).isEqualTo(lenient.orElseThrow());
        } else {
            assertThat(strict).isInstanceOf(ReadResult.Invalid.class);
            ReportError error = ((ReadResult.Invalid) strict).error();
            assertThat(error.kind()).isEqualTo(ReportError.Kind.STRICT);
            assertThat(error.path()).isEqualTo(deviations.get(0).path());
            assertThat(error.rule()).isEqualTo(deviations.get(0).rule());
        }
    }

    @ParameterizedTest(name = "RFC 8460 §4.4: {0}")
    @MethodSource("reports")
    @DisplayName("RFC 8460 §4.4: the streaming reader visits the same report piece by piece")
    void streamingReaderVisitsTheSameReport(Path file) throws IOException {
        TlsReport whole = TlsReportReader.lenient().read(Corpus.bytes(file)).orElseThrow();
        List<PolicyResult> policies = new ArrayList<>();
        List<FailureDetails> pending = new ArrayList<>();
        List<ReportWarning> seen = new ArrayList<>();
        ReportHeader[] header = new ReportHeader[1];
        StreamResult result = TlsReportReader.lenient().stream(new ByteArrayInputStream(Corpus.bytes(file)),
                new ReportVisitor() {
                    @Override
                    public void failureDetails(int policyIndex, long detailIndex, FailureDetails details) {
                        assertThat(policyIndex).isEqualTo(policies.size());
                        assertThat(detailIndex).isEqualTo(pending.size());
                        pending.add(details);
                    }

                    @Override
                    public void policy(int policyIndex, PolicyDetails policy, Summary summary, long count) {
                        assertThat(count).isEqualTo(pending.size());
                        policies.add(new PolicyResult(policy, summary, pending));
                        pending.clear();
                    }

                    @Override
                    public void header(ReportHeader h) {
                        header[0] = h;
                    }

                    @Override
                    public void warning(ReportWarning warning) {
                        seen.add(warning);
                    }
                });
        assertThat(result).isInstanceOf(StreamResult.Completed.class);
        assertThat(TlsReport.of(header[0], policies)).isEqualTo(whole);
        assertThat(result.policyCount()).isEqualTo(whole.policies().size());
        assertThat(seen).isEqualTo(result.warnings());
    }

    @ParameterizedTest(name = "RFC 8460 §4.4: {0}")
    @MethodSource("reports")
    @DisplayName("RFC 8460 §4.4: written back canonically, every report reads as the same report without "
            + "shape deviations")
    void corpusReportsRoundTripThroughTheWriter(Path file) {
        TlsReport report = TlsReportReader.lenient().read(Corpus.bytes(file)).orElseThrow();
        for (ReportFormat format : ReportFormat.values()) {
            ReadResult again = TlsReportReader.lenient().read(TlsReportWriter.create().write(report, format));
            assertThat(again.orElseThrow()).isEqualTo(report);
            Set<ReportWarning.Kind> shape = EnumSet.of(ReportWarning.Kind.SINGLE_VALUE_NOT_ARRAY,
                    ReportWarning.Kind.DATE_TIME_WITHOUT_ZONE, ReportWarning.Kind.NULL_VALUE,
                    ReportWarning.Kind.UNKNOWN_MEMBER, ReportWarning.Kind.PLACEHOLDER_NAME,
                    ReportWarning.Kind.DRAFT_NAME, ReportWarning.Kind.DUPLICATE_MEMBER, ReportWarning.Kind.EMPTY_ARRAY,
                    ReportWarning.Kind.LEADING_WHITESPACE, ReportWarning.Kind.BYTE_ORDER_MARK);
            assertThat(again.warnings()).noneMatch(w -> shape.contains(w.kind()));
        }
    }

    private static void assertCount(long actual, Object expected, ReadResult result, String path) {
        if (expected == TestJson.NULL) {
            // Missing in the JSON: read as 0 and flagged.
            assertThat(actual).isZero();
            assertThat(result.warnings()).anyMatch(w -> w.path().equals(path)
                    && w.kind() == ReportWarning.Kind.MISSING_MEMBER);
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }

    private static Object nullable(Object value) {
        return value == null ? TestJson.NULL : value;
    }

    private static Instant instant(String text) {
        if (text.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?")) {
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC); // zone-less: read as UTC
        }
        return OffsetDateTime.parse(text).toInstant();
    }

    /** Which warning an oddity of compute_expected.py must produce. */
    private static final class Expectation {
        final String path;
        final Set<String> codes;

        Expectation(String path, String... codes) {
            this.path = path;
            this.codes = Set.of(codes);
        }
    }

    /** Maps each oddity text of {@code compute_expected.py} to the warning it must produce. */
    private static final List<Map.Entry<Pattern, java.util.function.Function<Matcher, Expectation>>> RULES = List.of(
            rule("JSON text starts with whitespace", m -> new Expectation("$", "leading-whitespace")),
            rule("JSON text starts with a UTF-8 byte order mark", m -> new Expectation("$", "byte-order-mark")),
            rule("content is gzip but file name does not end in \\.gz",
                    m -> new Expectation("$", "compression-mismatch")),
            rule("file name ends in \\.gz but content is not gzip", m -> new Expectation("$", "compression-mismatch")),
            rule("(organization-name|report-id|contact-info) is null",
                    m -> new Expectation("$." + m.group(1), "null-value")),
            rule("(organization-name|report-id|contact-info) missing",
                    m -> new Expectation("$." + m.group(1), "missing-member")),
            rule("end-datetime is 00:00:00 of the following day .*",
                    m -> new Expectation("$.date-range.end-datetime", "exclusive-end")),
            rule("date-range\\.(start-datetime|end-datetime) '.*' has no time-zone designator .*",
                    m -> new Expectation("$.date-range." + m.group(1), "date-time-without-zone")),
            rule("date-range start-datetime is after end-datetime",
                    m -> new Expectation("$.date-range", "date-range-reversed")),
            rule("file-name timestamps .* do not match date-range .*",
                    m -> new Expectation("$.date-range", "file-name-mismatch")),
            rule("unknown top-level member '(.*)'", m -> new Expectation("$." + m.group(1), "unknown-member")),
            rule("unknown member (.*)\\.'(.*)'", m -> new Expectation("$." + m.group(1) + "." + m.group(2),
                    "unknown-member", "placeholder-name", "draft-name")),
            rule("(policies\\[\\d+\\])\\.policy\\.policy-type '.*' is not one of tlsa/sts/no-policy-found",
                    m -> new Expectation("$." + m.group(1) + ".policy.policy-type", "unknown-policy-type")),
            rule("(policies\\[\\d+\\])\\.policy\\.(policy-domain|policy-type) missing",
                    m -> new Expectation("$." + m.group(1) + ".policy." + m.group(2), "missing-member")),
            rule("(policies\\[\\d+\\])\\.summary\\.(\\S+) missing",
                    m -> new Expectation("$." + m.group(1) + ".summary." + m.group(2), "missing-member")),
            rule("(.*)\\.(mx-host|policy-string) is a plain string, not an array",
                    m -> new Expectation("$." + m.group(1) + "." + m.group(2), "single-value-not-array")),
            rule("(.*)\\.failure-details is present but an empty array",
                    m -> new Expectation("$." + m.group(1) + ".failure-details", "empty-array")),
            rule("(.*)\\.failure-details is null",
                    m -> new Expectation("$." + m.group(1) + ".failure-details", "null-value")),
            rule("(.*) is an empty array", m -> new Expectation("$." + m.group(1), "empty-array")),
            rule("(.*) is a JSON-encoded array of \\d+ strings inside a single string",
                    m -> new Expectation("$." + m.group(1), "json-in-string")),
            rule("(.*) '.*' still carries the \"mx:\" key prefix", m -> new Expectation("$." + m.group(1), "mx-prefix")),
            rule("(.*) '.*' is not a \"key: value\" line", m -> new Expectation("$." + m.group(1), "policy-line")),
            rule("(.*)\\.result-type '.*' is not an RFC 8460 result type",
                    m -> new Expectation("$." + m.group(1) + ".result-type", "unregistered-result-type")),
            rule("(.*)\\.(sending-mta-ip|receiving-mx-hostname) absent",
                    m -> new Expectation("$." + m.group(1) + "." + m.group(2), "absent-member")),
            rule("(.*)\\.(sending-mta-ip|receiving-ip) '.*' is not an IP address",
                    m -> new Expectation("$." + m.group(1) + "." + m.group(2), "not-an-ip-address")),
            rule("(.*)\\.additional-information contains whitespace \\(not a usable URI\\)",
                    m -> new Expectation("$." + m.group(1) + ".additional-information", "not-a-uri")),
            rule("(policies\\[\\d+\\]): sum of failed-session-count \\(\\d+\\) != "
                    + "summary.total-failure-session-count \\(\\d+\\)",
                    m -> new Expectation("$." + m.group(1) + ".summary.total-failure-session-count",
                            "counts-disagree")),
            rule("(policies\\[\\d+\\]): \\d+ failed sessions but no failure-details",
                    m -> new Expectation("$." + m.group(1) + ".failure-details", "failures-without-details")));

    private static Map.Entry<Pattern, java.util.function.Function<Matcher, Expectation>> rule(String regex,
            java.util.function.Function<Matcher, Expectation> f) {
        return Map.entry(Pattern.compile(regex), f);
    }

    private static Expectation expectationFor(String oddity) {
        for (Map.Entry<Pattern, java.util.function.Function<Matcher, Expectation>> r : RULES) {
            Matcher m = r.getKey().matcher(oddity);
            if (m.matches()) {
                return r.getValue().apply(m);
            }
        }
        return fail("no mapping for the oddity '" + oddity + "': add one to CorpusTest.RULES");
    }
}
