package org.mtasts.tlsrpt;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.ResultType;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.sym.PropertyNameMatcher;
import org.mtasts.tlsrpt.ReportKey.ReportObject;

/**
 * Internal: walks the tokens of one report (RFC 8460 §4.4) and hands the pieces to a visitor. Never
 * builds a tree; keeps per policy element only its own members, so failure details stream through in
 * constant memory. Every tolerated deviation becomes a warning with its JSON path; anything that
 * leaves the report without meaning becomes a {@link ReportFailure}.
 *
 * <p>Each object is read by one method with the same shape: {@link #nextMember} gives the {@link
 * ReportKey} of each member, {@link #isFirst} skips members unknown to the object and repeats (and
 * warns about placeholder names), and a switch on the RFC key the member is read as handles it.
 *
 * <p>One instance per read; not thread-safe.
 */
final class ReportParser {
    /** The largest integer every I-JSON reader represents exactly (RFC 7493 §2.2). */
    private static final long MAX_EXACT = (1L << 53) - 1;

    private final JsonParser p;
    private final Warnings warnings;
    private final ReportVisitor visitor;
    private final int maxPolicies;
    private final long maxFailureDetails;
    private final JsonPath path = new JsonPath();
    private final PropertyNameMatcher names;
    /** Where {@link #stringArray} collects its elements (reused; grows for long arrays). */
    private String[] stringBuffer = new String[8];

    private int policyCount;
    private long detailCount;
    private @Nullable String lastGoodDomain;
    private @Nullable ResultType lastResultType;

    // State of the policies[] element being read (one at a time).
    private long successCount;
    private long failureCount;
    private long entryDetails;
    private long entryDetailSum;
    private boolean entryDetailsPresent;

    ReportParser(JsonParser parser, PropertyNameMatcher names, Warnings warnings,
            ReportVisitor visitor, int maxPolicies, long maxFailureDetails) {
        this.p = parser;
        this.names = names;
        this.warnings = warnings;
        this.visitor = visitor;
        this.maxPolicies = maxPolicies;
        this.maxFailureDetails = maxFailureDetails;
    }

    int policyCount() {
        return policyCount;
    }

    long detailCount() {
        return detailCount;
    }

    /**
     * Returns where the reader is, for errors raised by the JSON parser itself. Jackson reads the
     * start of a value together with its member name, so an error there belongs to that member.
     */
    String currentPath() {
        if (p.currentToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            if (name != null && !path.isAt(name)) {
                return path.member(name);
            }
        }
        return path.toString();
    }

    /** Reads the whole document and returns its header; the visitor has seen everything else. */
    ReportHeader parse() {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw fail(ReportError.Kind.MALFORMED_JSON, "the input holds no JSON value");
        }
        return report(t, true);
    }

    /**
     * Reads one report that is a value inside a larger document (an aggregator snapshot), starting
     * at the current token, and returns its header; the parser is left on the report's closing
     * brace.
     */
    ReportHeader parseEmbedded() {
        return report(p.currentToken(), false);
    }

    private ReportHeader report(@Nullable JsonToken t, boolean wholeDocument) {
        if (t != JsonToken.START_OBJECT) {
            // RFC 8460 §4: the report is one JSON object.
            throw fail(ReportError.Kind.WRONG_TYPE, "a report is a JSON object, not " + describe(t));
        }
        String organization = null;
        DateRange range = null;
        String contact = null;
        String reportId = null;
        int seen = 0;
        for (ReportKey key = nextMember(); key != null; key = nextMember()) {
            String name = name(key);
            if (!isFirst(key, name, ReportObject.REPORT, seen)) {
                continue;
            }
            seen |= key.bit;
            path.push(name);
            switch (key.readAs) {
                case ORGANIZATION_NAME:
                    organization = requiredString(name);
                    break;
                case DATE_RANGE:
                    range = dateRange();
                    break;
                case CONTACT_INFO:
                    contact = optionalString(name);
                    if (contact != null && TlsReport.addressProblem(contact) != null) {
                        warn(ReportWarning.Kind.NOT_AN_ADDRESS, path.toString(), Texts.quote(contact) + " "
                                + TlsReport.addressProblem(contact) + "; kept as received");
                    }
                    break;
                case REPORT_ID:
                    reportId = requiredString(name);
                    break;
                case POLICIES:
                    policies();
                    break;
                default:
                    throw new AssertionError(key); // isFirst let through only the report's keys
            }
            path.pop();
        }
        if (wholeDocument) {
            JsonToken after = p.nextToken();
            if (after != null) {
                throw fail(ReportError.Kind.MALFORMED_JSON, "unexpected " + describe(after)
                        + " after the report object");
            }
        }
        requireMember(organization != null, "organization-name");
        requireMember(range != null, "date-range");
        requireMember(reportId != null, "report-id");
        requireMember((seen & ReportKey.POLICIES.bit) != 0, "policies");
        if ((seen & ReportKey.CONTACT_INFO.bit) == 0) {
            // RFC 8460 §4.4, §5.3: contact-info names the submitter; tolerated when missing.
            warn(ReportWarning.Kind.MISSING_MEMBER, path.member("contact-info"), "contact-info is missing");
        }
        return new ReportHeader(organization, range, contact, reportId);
    }

    private DateRange dateRange() {
        expectObject("date-range");
        Instant start = null;
        Instant end = null;
        String endText = null;
        int seen = 0;
        for (ReportKey key = nextMember(); key != null; key = nextMember()) {
            String name = name(key);
            if (!isFirst(key, name, ReportObject.DATE_RANGE, seen)) {
                continue;
            }
            seen |= key.bit;
            path.push(name);
            String text = requiredString(name);
            Instant instant = dateTime(text);
            path.pop();
            switch (key.readAs) {
                case START_DATETIME:
                    start = instant;
                    break;
                case END_DATETIME:
                    end = instant;
                    endText = text;
                    break;
                default:
                    throw new AssertionError(key);
            }
        }
        requireMember(start != null, "start-datetime");
        requireMember(end != null, "end-datetime");
        if (start.isAfter(end)) {
            warn(ReportWarning.Kind.DATE_RANGE_REVERSED, path.toString(),
                    "start-datetime " + DateTimes.format(start) + " is after end-datetime " + DateTimes.format(end));
        } else if (end.isAfter(start) && end.atOffset(ZoneOffset.UTC).toLocalTime().toNanoOfDay() == 0) {
            // RFC 8460 §4.1 says "00:00-24:00"; most senders end at 23:59:59.
            warn(ReportWarning.Kind.EXCLUSIVE_END, path.member("end-datetime"), Texts.quote(endText)
                    + " is 00:00:00 of the following day (an exclusive end), not 23:59:59");
        }
        return new DateRange(start, end);
    }

    private Instant dateTime(String text) {
        DateTimes.Parsed parsed;
        try {
            parsed = DateTimes.parse(text);
        } catch (DateTimes.Invalid e) {
            throw fail(ReportError.Kind.INVALID_VALUE, Texts.quote(text) + " is not an RFC 3339 date-time: "
                    + e.getMessage());
        }
        if (DateTimes.problem(parsed.instant()) != null) {
            throw fail(ReportError.Kind.INVALID_VALUE, Texts.quote(text) + " is out of range");
        }
        if (parsed.zoneless()) {
            // INTEROP: Microsoft sent date-times without zone in 2023 (mox reads them as UTC too).
            warn(ReportWarning.Kind.DATE_TIME_WITHOUT_ZONE, path.toString(),
                    Texts.quote(text) + " has no time zone; read as UTC");
        }
        return parsed.instant();
    }

    private void policies() {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_ARRAY) {
            // RFC 8460 §4: policies is an array even when there is one policy.
            throw fail(ReportError.Kind.WRONG_TYPE, "policies must be an array (even with one policy), not "
                    + describe(t));
        }
        int index = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (index >= maxPolicies) {
                throw fail(ReportError.Kind.LIMIT_EXCEEDED, "more than " + maxPolicies
                        + " policies (TlsReportReader.Builder.maxPolicies)");
            }
            path.push(index);
            if (t != JsonToken.START_OBJECT) {
                throw fail(ReportError.Kind.WRONG_TYPE, "a policies element must be an object, not " + describe(t));
            }
            policyEntry(index);
            path.pop();
            index++;
            policyCount = index;
        }
        if (index == 0) {
            warn(ReportWarning.Kind.EMPTY_ARRAY, path.toString(), "policies is an empty array");
        }
    }

    private void policyEntry(int index) {
        PolicyDetails policy = null;
        successCount = -1;
        failureCount = -1;
        entryDetails = 0;
        entryDetailSum = 0;
        entryDetailsPresent = false;
        int seen = 0;
        for (ReportKey key = nextMember(); key != null; key = nextMember()) {
            String name = name(key);
            if (!isFirst(key, name, ReportObject.POLICY_RESULT, seen)) {
                continue;
            }
            seen |= key.bit;
            path.push(name);
            switch (key.readAs) {
                case POLICY:
                    policy = policy();
                    break;
                case SUMMARY:
                    summary();
                    break;
                case FAILURE_DETAILS:
                    failureDetails(index);
                    break;
                default:
                    throw new AssertionError(key);
            }
            path.pop();
        }
        requireMember(policy != null, "policy");
        requireMember((seen & ReportKey.SUMMARY.bit) != 0, "summary");
        long failures = failureCount;
        if (entryDetailsPresent && entryDetails > 0 && entryDetailSum != failures) {
            // RFC 8460 §4: failure types are not exclusive, so this is allowed.
            warn(ReportWarning.Kind.COUNTS_DISAGREE, path.member("summary") + ".total-failure-session-count",
                    "the failure details add up to " + entryDetailSum + " failed sessions, the summary says "
                            + failures);
        }
        if (entryDetails == 0 && failures > 0) {
            warn(ReportWarning.Kind.FAILURES_WITHOUT_DETAILS, path.member("failure-details"),
                    failures + " failed sessions but no failure details");
        }
        visitor.policy(index, policy, new Summary(successCount, failures), entryDetails);
    }

    private PolicyDetails policy() {
        expectObject("policy");
        String type = null;
        List<String> strings = null;
        String domain = null;
        List<String> mx = null;
        int seen = 0;
        for (ReportKey key = nextMember(); key != null; key = nextMember()) {
            String name = name(key);
            if (!isFirst(key, name, ReportObject.POLICY, seen)) {
                continue;
            }
            seen |= key.bit;
            path.push(name);
            switch (key.readAs) {
                case POLICY_TYPE:
                    type = requiredString(name);
                    break;
                case POLICY_STRING:
                    strings = stringArray(name);
                    break;
                case POLICY_DOMAIN:
                    domain = optionalString(name);
                    if (domain != null) {
                        checkDomain(domain);
                    }
                    break;
                case MX_HOST:
                    mx = stringArray(name);
                    for (int i = 0; i < mx.size(); i++) {
                        String host = mx.get(i);
                        if (host.startsWith("mx:")) {
                            warn(ReportWarning.Kind.MX_PREFIX, path.element(i), Texts.quote(host)
                                    + " still carries the policy's \"mx:\" key; kept as received");
                        }
                    }
                    break;
                default:
                    throw new AssertionError(key);
            }
            path.pop();
        }
        requireMember(type != null, "policy-type");
        PolicyType policyType = PolicyType.fromToken(type);
        if (policyType == PolicyType.UNKNOWN) {
            warn(ReportWarning.Kind.UNKNOWN_POLICY_TYPE, path.member("policy-type"), Texts.quote(type)
                    + " is not one of tlsa, sts, no-policy-found; kept as received");
        }
        if ((seen & ReportKey.POLICY_DOMAIN.bit) == 0) {
            // INTEROP: sys4 tlsrpt-reporter and mail-auth's test data leave out policy-domain.
            warn(ReportWarning.Kind.MISSING_MEMBER, path.member("policy-domain"), "policy-domain is missing");
        }
        if (strings == null) {
            if (policyType == PolicyType.STS || policyType == PolicyType.TLSA) {
                // INTEROP: Mail.ru and Microsoft (fetch errors) leave out policy-string.
                warn(ReportWarning.Kind.ABSENT_MEMBER, path.member("policy-string"), "policy-string is absent");
            }
            strings = List.of();
        } else {
            checkPolicyStrings(strings, policyType);
        }
        if (mx == null) {
            if (policyType == PolicyType.STS) {
                // INTEROP: Microsoft never sends mx-host.
                warn(ReportWarning.Kind.ABSENT_MEMBER, path.member("mx-host"), "mx-host is absent");
            }
            mx = List.of();
        }
        return new PolicyDetails(policyType, type, strings, domain, mx);
    }

    private void checkPolicyStrings(List<String> strings, PolicyType type) {
        for (int i = 0; i < strings.size(); i++) {
            String s = strings.get(i);
            if (startsWithBracket(s)) {
                int count = jsonArrayLength(s.strip());
                if (count >= 0) {
                    // INTEROP: Microsoft serialises the TLSA records as one JSON array inside one string.
                    warn(ReportWarning.Kind.JSON_IN_STRING, path.member("policy-string") + "[" + i + "]",
                            "holds a JSON-encoded array of " + count
                                    + " strings instead of one element per record; kept as received");
                    continue;
                }
            }
            if (type == PolicyType.STS && !isPolicyLine(s)) {
                warn(ReportWarning.Kind.POLICY_LINE, path.member("policy-string") + "[" + i + "]", Texts.quote(s)
                        + " is not a \"key: value\" line of an MTA-STS policy");
            }
        }
    }

    private static boolean startsWithBracket(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return c == '[';
            }
        }
        return false;
    }

    /**
     * Returns the number of strings if the text is a JSON array of strings (RFC 8259 §5, §7, with
     * whitespace around), else -1. A hand-written scan: Microsoft's tlsa policy-strings come ten to
     * a report, and a Jackson parser per string cost more than the rest of the policy.
     */
    static int jsonArrayLength(String text) {
        int n = text.length();
        int i = skipJsonWhitespace(text, 0);
        if (i == n || text.charAt(i) != '[') {
            return -1;
        }
        i = skipJsonWhitespace(text, i + 1);
        int count = 0;
        if (i < n && text.charAt(i) == ']') {
            return skipJsonWhitespace(text, i + 1) == n ? 0 : -1;
        }
        while (true) {
            i = jsonStringEnd(text, i);
            if (i < 0) {
                return -1;
            }
            count++;
            i = skipJsonWhitespace(text, i);
            if (i == n) {
                return -1;
            }
            char c = text.charAt(i);
            if (c == ']') {
                return skipJsonWhitespace(text, i + 1) == n ? count : -1;
            }
            if (c != ',') {
                return -1;
            }
            i = skipJsonWhitespace(text, i + 1);
        }
    }

    /** RFC 8259 §2: ws = *( %x20 / %x09 / %x0A / %x0D ). */
    private static int skipJsonWhitespace(String text, int i) {
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            i++;
        }
        return i;
    }

    /** Returns the index after the JSON string starting at {@code i} (RFC 8259 §7), or -1. */
    private static int jsonStringEnd(String text, int i) {
        int n = text.length();
        if (i >= n || text.charAt(i) != '"') {
            return -1;
        }
        for (i++; i < n; i++) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c < 0x20) {
                return -1; // control characters must be escaped
            }
            if (c == '\\') {
                if (++i >= n) {
                    return -1;
                }
                char e = text.charAt(i);
                if (e == 'u') {
                    if (i + 4 >= n) {
                        return -1;
                    }
                    for (int k = 1; k <= 4; k++) {
                        char h = text.charAt(i + k);
                        if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) {
                            return -1;
                        }
                    }
                    i += 4;
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static boolean isPolicyLine(String s) {
        int colon = s.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private void checkDomain(String domain) {
        if (domain.equals(lastGoodDomain)) {
            return; // policies of one report usually share their domain
        }
        boolean ascii = true;
        for (int i = 0; i < domain.length(); i++) {
            if (domain.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (!ascii) {
            // RFC 8460 §4.4: policy-domain is in A-labels.
            warn(ReportWarning.Kind.NOT_A_DOMAIN, path.toString(), Texts.quote(domain)
                    + " is not in A-labels; kept as received");
        } else if (!DomainName.isValid(domain)) { // allocates nothing for an ASCII name
            warn(ReportWarning.Kind.NOT_A_DOMAIN, path.toString(), Texts.quote(domain)
                    + " is not a domain name; kept as received");
        } else {
            lastGoodDomain = domain;
        }
    }

    private void summary() {
        expectObject("summary");
        int seen = 0;
        for (ReportKey key = nextMember(); key != null; key = nextMember()) {
            String name = name(key);
            if (!isFirst(key, name, ReportObject.SUMMARY, seen)) {
                continue;
            }
            seen |= key.bit;
            path.push(name);
            long count = count();
            path.pop();
            if (count < 0) {
                warn(ReportWarning.Kind.NULL_VALUE, path.member(name), name + " is null; taken as 0");
                count = 0;
            }
            switch (key.readAs) {
                case TOTAL_SUCCESSFUL_SESSION_COUNT:
                    successCount = count;
                    break;
                case TOTAL_FAILURE_SESSION_COUNT:
                    failureCount = count;
                    break;
                default:
                    throw new AssertionError(key);
            }
        }
        if (successCount == -1) {
            warn(ReportWarning.Kind.MISSING_MEMBER, path.member("total-successful-session-count"),
                    "total-successful-session-count is missing; taken as 0");
            successCount = 0;
        }
        if (failureCount == -1) {
            // INTEROP: mail-auth's test data (Google style) leaves it out when there were no failures.
            warn(ReportWarning.Kind.MISSING_MEMBER, path.member("total-failure-session-count"),
                    "total-failure-session-count is missing; taken as 0");
            failureCount = 0;
        }
    }

    private void failureDetails(int policyIndex) {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            warn(ReportWarning.Kind.NULL_VALUE, path.toString(), "failure-details is null; read as absent");
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            throw fail(ReportError.Kind.WRONG_TYPE, "failure-details must be an array, not " + describe(t));
        }
        entryDetailsPresent = true;
        long index = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (detailCount >= maxFailureDetails) {
                throw fail(ReportError.Kind.LIMIT_EXCEEDED, "more than " + maxFailureDetails
                        + " failure details (TlsReportReader.Builder.maxFailureDetails)");
            }
            path.push((int) Math.min(index, Integer.MAX_VALUE));
            if (t != JsonToken.START_OBJECT) {
                throw fail(ReportError.Kind.WRONG_TYPE, "a failure-details element must be an object, not "
                        + describe(t));
            }
            FailureDetails details = failureDetail();
            path.pop();
            detailCount++;
            entryDetails++;
            entryDetailSum = Sums.add(entryDetailSum, details.failedSessionCount());
            visitor.failureDetails(policyIndex, index, details);
            index++;
        }
        if (index == 0) {
            warn(ReportWarning.Kind.EMPTY_ARRAY, path.toString(), "failure-details is present but an empty array");
        }
    }

    private FailureDetails failureDetail() {
        String resultType = null;
        String sendingIp = null;
        String mxHostname = null;
        String mxHelo = null;
        String receivingIp = null;
        long count = -1;
        String additional = null;
        String reason = null;
        int seen = 0;
        for (ReportKey key = nextMember(); key != null; key = nextMember()) {
            String name = name(key);
            if (!isFirst(key, name, ReportObject.FAILURE_DETAILS, seen)) {
                continue;
            }
            seen |= key.bit;
            path.push(name);
            switch (key.readAs) {
                case RESULT_TYPE:
                    resultType = requiredString(name);
                    break;
                case SENDING_MTA_IP:
                    sendingIp = optionalString(name);
                    checkIp(sendingIp);
                    break;
                case RECEIVING_MX_HOSTNAME:
                    mxHostname = optionalString(name);
                    break;
                case RECEIVING_MX_HELO:
                    mxHelo = optionalString(name);
                    break;
                case RECEIVING_IP:
                    receivingIp = optionalString(name);
                    checkIp(receivingIp);
                    break;
                case FAILED_SESSION_COUNT:
                    count = count();
                    if (count < 0) {
                        warn(ReportWarning.Kind.NULL_VALUE, path.toString(), "failed-session-count is null; taken as 0");
                        count = 0;
                    }
                    break;
                case ADDITIONAL_INFORMATION:
                    additional = optionalString(name);
                    if (additional != null && FailureDetails.uriProblem(additional) != null) {
                        warn(ReportWarning.Kind.NOT_A_URI, path.toString(), Texts.quote(additional)
                                + " is not a URI (" + FailureDetails.uriProblem(additional) + "); kept as received");
                    }
                    break;
                case FAILURE_REASON_CODE:
                    reason = optionalString(name);
                    break;
                default:
                    throw new AssertionError(key);
            }
            path.pop();
        }
        requireMember(resultType != null, "result-type");
        ResultType type = resultType(resultType);
        if (!type.isRegistered()) {
            warn(ReportWarning.Kind.UNREGISTERED_RESULT_TYPE, path.member("result-type"), Texts.quote(resultType)
                    + " is not in the IANA registry of result types; kept as received");
        }
        if ((seen & ReportKey.SENDING_MTA_IP.bit) == 0) {
            // INTEROP: Mail.ru and Microsoft (policy fetch errors) leave out the addresses.
            warn(ReportWarning.Kind.ABSENT_MEMBER, path.member("sending-mta-ip"), "sending-mta-ip is absent");
        }
        if ((seen & ReportKey.RECEIVING_MX_HOSTNAME.bit) == 0) {
            warn(ReportWarning.Kind.ABSENT_MEMBER, path.member("receiving-mx-hostname"),
                    "receiving-mx-hostname is absent");
        }
        if (count == -1) {
            warn(ReportWarning.Kind.MISSING_MEMBER, path.member("failed-session-count"),
                    "failed-session-count is missing; taken as 0");
            count = 0;
        }
        return new FailureDetails(type, sendingIp, mxHostname, mxHelo, receivingIp, count, additional, reason);
    }

    /**
     * Returns the key of the next member, {@link ReportKey#OTHER} for a name the reader does not
     * know, or null at the end of the object. Jackson matches the name on its raw bytes.
     */
    private @Nullable ReportKey nextMember() {
        int match = p.nextNameMatch(names);
        if (match >= 0) {
            return ReportKey.MATCHED[match];
        }
        if (match == PropertyNameMatcher.MATCH_END_OBJECT) {
            return null;
        }
        if (match == PropertyNameMatcher.MATCH_UNKNOWN_NAME) {
            return ReportKey.OTHER;
        }
        throw fail(ReportError.Kind.MALFORMED_JSON, "expected a member name, found " + describe(p.currentToken()));
    }

    /** Returns the member's name as it appears in the report. */
    private String name(ReportKey key) {
        return key == ReportKey.OTHER ? p.currentName() : key.jsonName;
    }

    /**
     * Returns whether the member is to be read: a key of this object that it has not shown yet
     * ({@code seen} holds the bits of those it has). Otherwise warns and skips the value: an
     * unknown member, or a repeat, of which the first counts (RFC 7493 §2.3). A placeholder or
     * draft name to be read as an RFC key is warned about here too.
     */
    private boolean isFirst(ReportKey key, String name, ReportObject object, int seen) {
        if (key.object != object) {
            unknownMember(name);
            return false;
        }
        if ((seen & key.bit) != 0) {
            duplicateMember(name);
            return false;
        }
        if (key.alias != ReportKey.Alias.NONE) {
            warnAlias(key, name);
        }
        return true;
    }

    /** Warns that a placeholder or draft name is read as the RFC key it stands for. */
    private void warnAlias(ReportKey key, String name) {
        if (key.alias == ReportKey.Alias.PLACEHOLDER) {
            warn(ReportWarning.Kind.PLACEHOLDER_NAME, path.member(name), name
                    + " is the RFC 8460 schema's placeholder name; read as " + key.readAs.jsonName);
        } else {
            warn(ReportWarning.Kind.DRAFT_NAME, path.member(name), name + " is the drafts' name; read as "
                    + key.readAs.jsonName);
        }
    }

    /** Returns the matcher for the names of {@link ReportKey}, made once per factory. */
    static PropertyNameMatcher matcher(JsonFactory factory) {
        return ReportKey.matcher(factory);
    }

    /** Returns the result type, reusing the previous one when the token repeats (it usually does). */
    private ResultType resultType(String token) {
        ResultType last = lastResultType;
        if (last != null && last.token().equals(token)) {
            return last;
        }
        ResultType type = ResultType.of(token);
        lastResultType = type;
        return type;
    }

    private void checkIp(@Nullable String ip) {
        if (ip != null && !IpLiterals.isValid(ip)) {
            warn(ReportWarning.Kind.NOT_AN_IP_ADDRESS, path.toString(), Texts.quote(ip)
                    + " is not an IP address; kept as received");
        }
    }

    /** Reads a count: a non-negative integer, or -1 for null. */
    private long count() {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return -1;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw fail(ReportError.Kind.WRONG_TYPE, "a session count must be an integer, not " + describe(t));
        }
        long value;
        try {
            value = p.getLongValue(); // parses the digits once (getNumberType() would parse them too)
        } catch (InputCoercionException e) {
            throw fail(ReportError.Kind.INVALID_VALUE, "the count " + Texts.quote(p.getString()) + " is too large");
        }
        if (value < 0) {
            throw fail(ReportError.Kind.INVALID_VALUE, "the count " + value + " is negative");
        }
        if (value > MAX_EXACT) {
            warn(ReportWarning.Kind.LARGE_NUMBER, path.toString(), "the count " + value
                    + " is above 2^53 - 1, which not every JSON reader represents exactly");
        }
        return value;
    }

    private List<String> stringArray(String name) {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_STRING) {
            // INTEROP: erratum 6241 - RFC 8460 Appendix B shows mx-host as a string; a single
            // string also stands for policy-string in §4 (T3 in RFC-CHECKLIST).
            warn(ReportWarning.Kind.SINGLE_VALUE_NOT_ARRAY, path.toString(),
                    name + " is a single string, not an array of strings; read as a one-element array");
            return List.of(p.getString());
        }
        if (t == JsonToken.VALUE_NULL) {
            warn(ReportWarning.Kind.NULL_VALUE, path.toString(), name + " is null; read as absent");
            return List.of();
        }
        if (t != JsonToken.START_ARRAY) {
            throw fail(ReportError.Kind.WRONG_TYPE, name + " must be an array of strings, not " + describe(t));
        }
        int size = 0;
        String[] buffer = stringBuffer;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
                path.push(size);
                throw fail(ReportError.Kind.WRONG_TYPE, "an element of " + name + " must be a string, not " + describe(t));
            }
            if (size == buffer.length) {
                buffer = stringBuffer = Arrays.copyOf(buffer, size * 2);
            }
            buffer[size++] = p.getString();
        }
        if (size == 0) {
            warn(ReportWarning.Kind.EMPTY_ARRAY, path.toString(), name + " is an empty array");
        }
        // Immutable lists made in one step (the fixed-arity List.of copy nothing), so that
        // PolicyDetails keeps them as they are instead of copying an ArrayList.
        switch (size) {
            case 0:
                return List.of();
            case 1:
                return List.of(buffer[0]);
            case 2:
                return List.of(buffer[0], buffer[1]);
            case 3:
                return List.of(buffer[0], buffer[1], buffer[2]);
            case 4:
                return List.of(buffer[0], buffer[1], buffer[2], buffer[3]);
            case 5:
                return List.of(buffer[0], buffer[1], buffer[2], buffer[3], buffer[4]);
            case 6:
                return List.of(buffer[0], buffer[1], buffer[2], buffer[3], buffer[4], buffer[5]);
            default:
                return List.of(Arrays.copyOf(buffer, size));
        }
    }

    private String requiredString(String name) {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        throw fail(ReportError.Kind.WRONG_TYPE, name + " must be a string, not " + describe(t));
    }

    /** Reads a string member that may be null (warned about, returned as null). */
    private @Nullable String optionalString(String name) {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        if (t == JsonToken.VALUE_NULL) {
            // INTEROP: Stalwart (mail-auth) writes null for unknown values, e.g. contact-info.
            warn(ReportWarning.Kind.NULL_VALUE, path.toString(), name + " is null; read as absent");
            return null;
        }
        throw fail(ReportError.Kind.WRONG_TYPE, name + " must be a string, not " + describe(t));
    }

    private void expectObject(String what) {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw fail(ReportError.Kind.WRONG_TYPE, what + " must be an object, not " + describe(t));
        }
    }

    private void unknownMember(String name) {
        warn(ReportWarning.Kind.UNKNOWN_MEMBER, path.member(name), "unknown member " + Texts.quote(name)
                + "; skipped");
        skipValue();
    }

    private void duplicateMember(String name) {
        warn(ReportWarning.Kind.DUPLICATE_MEMBER, path.member(name), Texts.quote(name)
                + " appears more than once in the object; the first one counts");
        skipValue();
    }

    private void skipValue() {
        p.nextToken();
        p.skipChildren();
    }

    private void requireMember(boolean present, String name) {
        if (!present) {
            throw failAt(ReportError.Kind.MISSING_MEMBER, path.member(name), name + " is missing");
        }
    }

    private void warn(ReportWarning.Kind kind, String where, String message) {
        TokenStreamLocation at = p.currentTokenLocation();
        warnings.add(new ReportWarning(kind, where, message), Math.max(0, at.getLineNr()),
                Math.max(0, at.getColumnNr()));
    }

    private ReportFailure fail(ReportError.Kind kind, String message) {
        return failAt(kind, path.toString(), message);
    }

    private ReportFailure failAt(ReportError.Kind kind, String where, String message) {
        TokenStreamLocation at = p.currentTokenLocation();
        return new ReportFailure(new ReportError(kind, kind.rule(), where, Math.max(0, at.getLineNr()),
                Math.max(0, at.getColumnNr()), message));
    }

    static String describe(@Nullable JsonToken t) {
        if (t == null) {
            return "the end of the input";
        }
        switch (t) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            default:
                return t.toString();
        }
    }
}
