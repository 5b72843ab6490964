package org.mtasts.tlsrpt;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
import tools.jackson.core.util.Named;

/**
 * A frozen copy of mtasts-tlsrpt's {@code ReportParser} as of commit 2307d8d, before issue 18 gave
 * its member ids and bits names: the "before" of the report read benchmark, measured in the same
 * JMH run as the parser of today ({@link ParserComparison}). It lives only in the benchmarks
 * module, which is not published, and in mtasts-tlsrpt's package only to reach the package-private
 * pieces the parser shares with the reader (warnings, paths, the visitor). Three things of that
 * commit that have changed since are copied in as they were, so that the copy behaves and costs as
 * the parser did: the old message quoting ({@link #quote}), {@code isPlainLdhName} and {@code
 * DomainName.isValid} as {@code parse(text).isValid()}. Do not edit it except to follow a changed
 * signature of the shared pieces.
 *
 * <p>One instance per read; not thread-safe.
 */
final class FrozenReportParser {
    /** The largest integer every I-JSON reader represents exactly (RFC 7493 §2.2). */
    private static final long MAX_EXACT = (1L << 53) - 1;

    // Member bits, per object, for duplicate detection (RFC 7493 §2.3: first one counts).
    private static final int ORGANIZATION = 1;
    private static final int DATE_RANGE = 2;
    private static final int CONTACT = 4;
    private static final int REPORT_ID = 8;
    private static final int POLICIES = 16;

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

    FrozenReportParser(JsonParser parser, PropertyNameMatcher names, Warnings warnings,
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
        if (t != JsonToken.START_OBJECT) {
            // RFC 8460 §4: the report is one JSON object.
            throw fail(ReportError.Kind.WRONG_TYPE, "a report is a JSON object, not " + describe(t));
        }
        String organization = null;
        DateRange range = null;
        String contact = null;
        String reportId = null;
        int seen = 0;
        for (int m = nextMember(); m != END; m = nextMember()) {
            String name = m >= 0 ? NAMES.get(m) : p.currentName();
            int bit;
            switch (m) {
                case M_ORGANIZATION_NAME:
                    bit = ORGANIZATION;
                    break;
                case M_DATE_RANGE:
                    bit = DATE_RANGE;
                    break;
                case M_CONTACT_INFO:
                    bit = CONTACT;
                    break;
                case M_REPORT_ID:
                    bit = REPORT_ID;
                    break;
                case M_POLICIES:
                    bit = POLICIES;
                    break;
                default:
                    unknownMember(name);
                    continue;
            }
            if ((seen & bit) != 0) {
                duplicateMember(name);
                continue;
            }
            seen |= bit;
            path.push(name);
            switch (bit) {
                case ORGANIZATION:
                    organization = requiredString(name);
                    break;
                case DATE_RANGE:
                    range = dateRange();
                    break;
                case CONTACT:
                    contact = optionalString(name);
                    if (contact != null && TlsReport.addressProblem(contact) != null) {
                        warn(ReportWarning.Kind.NOT_AN_ADDRESS, path.toString(), quote(contact) + " "
                                + TlsReport.addressProblem(contact) + "; kept as received");
                    }
                    break;
                case REPORT_ID:
                    reportId = requiredString(name);
                    break;
                default:
                    policies();
                    break;
            }
            path.pop();
        }
        JsonToken after = p.nextToken();
        if (after != null) {
            throw fail(ReportError.Kind.MALFORMED_JSON, "unexpected " + describe(after) + " after the report object");
        }
        requireMember(organization != null, "organization-name");
        requireMember(range != null, "date-range");
        requireMember(reportId != null, "report-id");
        requireMember((seen & POLICIES) != 0, "policies");
        if ((seen & CONTACT) == 0) {
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
        for (int m = nextMember(); m != END; m = nextMember()) {
            String name = m >= 0 ? NAMES.get(m) : p.currentName();
            boolean isStart = name.equals("start-datetime");
            if (!isStart && !name.equals("end-datetime")) {
                unknownMember(name);
                continue;
            }
            if (isStart ? start != null : end != null) {
                duplicateMember(name);
                continue;
            }
            path.push(name);
            String text = requiredString(name);
            Instant instant = dateTime(text);
            path.pop();
            if (isStart) {
                start = instant;
            } else {
                end = instant;
                endText = text;
            }
        }
        requireMember(start != null, "start-datetime");
        requireMember(end != null, "end-datetime");
        if (start.isAfter(end)) {
            warn(ReportWarning.Kind.DATE_RANGE_REVERSED, path.toString(),
                    "start-datetime " + DateTimes.format(start) + " is after end-datetime " + DateTimes.format(end));
        } else if (end.isAfter(start) && end.atOffset(ZoneOffset.UTC).toLocalTime().toNanoOfDay() == 0) {
            // RFC 8460 §4.1 says "00:00-24:00"; most senders end at 23:59:59.
            warn(ReportWarning.Kind.EXCLUSIVE_END, path.member("end-datetime"), quote(endText)
                    + " is 00:00:00 of the following day (an exclusive end), not 23:59:59");
        }
        return new DateRange(start, end);
    }

    private Instant dateTime(String text) {
        DateTimes.Parsed parsed;
        try {
            parsed = DateTimes.parse(text);
        } catch (DateTimes.Invalid e) {
            throw fail(ReportError.Kind.INVALID_VALUE, quote(text) + " is not an RFC 3339 date-time: "
                    + e.getMessage());
        }
        if (DateTimes.problem(parsed.instant()) != null) {
            throw fail(ReportError.Kind.INVALID_VALUE, quote(text) + " is out of range");
        }
        if (parsed.zoneless()) {
            // INTEROP: Microsoft sent date-times without zone in 2023 (mox reads them as UTC too).
            warn(ReportWarning.Kind.DATE_TIME_WITHOUT_ZONE, path.toString(),
                    quote(text) + " has no time zone; read as UTC");
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
        boolean summarySeen = false;
        successCount = -1;
        failureCount = -1;
        entryDetails = 0;
        entryDetailSum = 0;
        entryDetailsPresent = false;
        boolean detailsSeen = false;
        for (int m = nextMember(); m != END; m = nextMember()) {
            String name = m >= 0 ? NAMES.get(m) : p.currentName();
            switch (m) {
                case M_POLICY:
                    if (policy != null) {
                        duplicateMember(name);
                        continue;
                    }
                    path.push(name);
                    policy = policy();
                    path.pop();
                    break;
                case M_SUMMARY:
                    if (summarySeen) {
                        duplicateMember(name);
                        continue;
                    }
                    summarySeen = true;
                    path.push(name);
                    summary();
                    path.pop();
                    break;
                case M_FAILURE_DETAILS:
                    if (detailsSeen) {
                        duplicateMember(name);
                        continue;
                    }
                    detailsSeen = true;
                    path.push(name);
                    failureDetails(index);
                    path.pop();
                    break;
                default:
                    unknownMember(name);
                    break;
            }
        }
        requireMember(policy != null, "policy");
        requireMember(summarySeen, "summary");
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
        boolean domainSeen = false;
        List<String> mx = null;
        for (int m = nextMember(); m != END; m = nextMember()) {
            String name = m >= 0 ? NAMES.get(m) : p.currentName();
            switch (m) {
                case M_POLICY_TYPE:
                    if (type != null) {
                        duplicateMember(name);
                        continue;
                    }
                    path.push(name);
                    type = requiredString(name);
                    path.pop();
                    break;
                case M_POLICY_STRING:
                    if (strings != null) {
                        duplicateMember(name);
                        continue;
                    }
                    path.push(name);
                    strings = stringArray(name);
                    path.pop();
                    break;
                case M_DOMAIN:
                case M_POLICY_DOMAIN:
                    if (domainSeen) {
                        duplicateMember(name);
                        continue;
                    }
                    domainSeen = true;
                    if (name.equals("domain")) {
                        placeholder(name, "policy-domain");
                    }
                    path.push(name);
                    domain = optionalString(name);
                    if (domain != null) {
                        checkDomain(domain);
                    }
                    path.pop();
                    break;
                case M_MX_HOST_PATTERN:
                case M_MX_HOST:
                    if (mx != null) {
                        duplicateMember(name);
                        continue;
                    }
                    if (name.equals("mx-host-pattern")) {
                        placeholder(name, "mx-host");
                    }
                    path.push(name);
                    mx = stringArray(name);
                    for (int i = 0; i < mx.size(); i++) {
                        String host = mx.get(i);
                        if (host.startsWith("mx:")) {
                            warn(ReportWarning.Kind.MX_PREFIX, path.element(i), quote(host)
                                    + " still carries the policy's \"mx:\" key; kept as received");
                        }
                    }
                    path.pop();
                    break;
                default:
                    unknownMember(name);
                    break;
            }
        }
        requireMember(type != null, "policy-type");
        PolicyType policyType = PolicyType.fromToken(type);
        if (policyType == PolicyType.UNKNOWN) {
            warn(ReportWarning.Kind.UNKNOWN_POLICY_TYPE, path.member("policy-type"), quote(type)
                    + " is not one of tlsa, sts, no-policy-found; kept as received");
        }
        if (!domainSeen) {
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
                warn(ReportWarning.Kind.POLICY_LINE, path.member("policy-string") + "[" + i + "]", quote(s)
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
            warn(ReportWarning.Kind.NOT_A_DOMAIN, path.toString(), quote(domain)
                    + " is not in A-labels; kept as received");
        } else if (!isPlainLdhName(domain) && !DomainName.parse(domain).isValid()) {
            warn(ReportWarning.Kind.NOT_A_DOMAIN, path.toString(), quote(domain)
                    + " is not a domain name; kept as received");
        } else {
            lastGoodDomain = domain;
        }
    }

    /**
     * Returns true for a name that is certainly valid without an A-label: LDH labels of 1 to 63
     * characters not starting or ending with a hyphen, at most 253 characters. Allocates nothing;
     * anything else goes to {@link DomainName#isValid}, which knows A-labels.
     */
    static boolean isPlainLdhName(String name) {
        int n = name.length();
        if (n == 0 || n > DomainName.MAX_LENGTH) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= n; i++) {
            char c = i < n ? name.charAt(i) : '.';
            if (c == '.') {
                int length = i - labelStart;
                if (length == 0 || length > DomainName.MAX_LABEL_LENGTH || name.charAt(i - 1) == '-'
                        || (length >= 4 && name.charAt(labelStart + 2) == '-' && name.charAt(labelStart + 3) == '-')) {
                    return false; // empty, long, hyphen at the end, or "??--" (an A-label: let DomainName decide)
                }
                labelStart = i + 1;
            } else if (c == '-') {
                if (i == labelStart) {
                    return false;
                }
            } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    private void summary() {
        expectObject("summary");
        for (int m = nextMember(); m != END; m = nextMember()) {
            String name = m >= 0 ? NAMES.get(m) : p.currentName();
            boolean success = name.equals("total-successful-session-count");
            if (!success && !name.equals("total-failure-session-count")) {
                unknownMember(name);
                continue;
            }
            if ((success ? successCount : failureCount) != -1) {
                duplicateMember(name);
                continue;
            }
            path.push(name);
            long count = count();
            path.pop();
            if (count < 0) {
                warn(ReportWarning.Kind.NULL_VALUE, path.member(name), name + " is null; taken as 0");
                count = 0;
            }
            if (success) {
                successCount = count;
            } else {
                failureCount = count;
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
        for (int m = nextMember(); m != END; m = nextMember()) {
            String name = m >= 0 ? NAMES.get(m) : p.currentName();
            int bit;
            switch (m) {
                case M_RESULT_TYPE:
                    bit = 1;
                    break;
                case M_IP_ADDRESS:
                case M_SENDING_MTA_IP:
                    bit = 2;
                    break;
                case M_RECEIVING_MX_HOSTNAME:
                    bit = 4;
                    break;
                case M_RECEIVING_MX_HELO:
                    bit = 8;
                    break;
                case M_RECEIVING_IP:
                    bit = 16;
                    break;
                case M_FAILED_SESSION_COUNT:
                    bit = 32;
                    break;
                case M_ADDITIONAL_INFO_URI:
                case M_ADDITIONAL_INFORMATION:
                    bit = 64;
                    break;
                case M_FAILURE_ERROR_CODE:
                case M_FAILURE_REASON_CODE:
                    bit = 128;
                    break;
                default:
                    unknownMember(name);
                    continue;
            }
            if ((seen & bit) != 0) {
                duplicateMember(name);
                continue;
            }
            seen |= bit;
            if (name.equals("ip-address")) {
                placeholder(name, "sending-mta-ip");
            } else if (name.equals("additional-info-uri")) {
                // INTEROP: the RFC 8460 §4.4 schema's placeholder name, found in hand-made reports.
                placeholder(name, "additional-information");
            } else if (name.equals("failure-error-code")) {
                // INTEROP: the drafts' name, still in a processor written by an RFC author (2018).
                warn(ReportWarning.Kind.DRAFT_NAME, path.member(name),
                        "failure-error-code is the drafts' name; read as failure-reason-code");
            }
            path.push(name);
            switch (bit) {
                case 1:
                    resultType = requiredString(name);
                    break;
                case 2:
                    sendingIp = optionalString(name);
                    checkIp(sendingIp);
                    break;
                case 4:
                    mxHostname = optionalString(name);
                    break;
                case 8:
                    mxHelo = optionalString(name);
                    break;
                case 16:
                    receivingIp = optionalString(name);
                    checkIp(receivingIp);
                    break;
                case 32:
                    count = count();
                    if (count < 0) {
                        warn(ReportWarning.Kind.NULL_VALUE, path.toString(), "failed-session-count is null; taken as 0");
                        count = 0;
                    }
                    break;
                case 64:
                    additional = optionalString(name);
                    if (additional != null && FailureDetails.uriProblem(additional) != null) {
                        warn(ReportWarning.Kind.NOT_A_URI, path.toString(), quote(additional)
                                + " is not a URI (" + FailureDetails.uriProblem(additional) + "); kept as received");
                    }
                    break;
                default:
                    reason = optionalString(name);
                    break;
            }
            path.pop();
        }
        requireMember(resultType != null, "result-type");
        ResultType type = resultType(resultType);
        if (!type.isRegistered()) {
            warn(ReportWarning.Kind.UNREGISTERED_RESULT_TYPE, path.member("result-type"), quote(resultType)
                    + " is not in the IANA registry of result types; kept as received");
        }
        if ((seen & 2) == 0) {
            // INTEROP: Mail.ru and Microsoft (policy fetch errors) leave out the addresses.
            warn(ReportWarning.Kind.ABSENT_MEMBER, path.member("sending-mta-ip"), "sending-mta-ip is absent");
        }
        if ((seen & 4) == 0) {
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
     * Returns the index in {@link #NAMES} of the next member, {@link #UNKNOWN} for another name, or
     * {@link #END} at the end of the object. Jackson matches the name on its raw bytes.
     */
    private int nextMember() {
        int match = p.nextNameMatch(names);
        if (match >= 0) {
            return match;
        }
        if (match == PropertyNameMatcher.MATCH_END_OBJECT) {
            return END;
        }
        if (match == PropertyNameMatcher.MATCH_UNKNOWN_NAME) {
            return UNKNOWN;
        }
        throw fail(ReportError.Kind.MALFORMED_JSON, "expected a member name, found " + describe(p.currentToken()));
    }

    // Indexes into NAMES, as nextMember() returns them.
    private static final int M_ORGANIZATION_NAME = 0;
    private static final int M_DATE_RANGE = 1;
    private static final int M_CONTACT_INFO = 2;
    private static final int M_REPORT_ID = 3;
    private static final int M_POLICIES = 4;
    private static final int M_START_DATETIME = 5;
    private static final int M_END_DATETIME = 6;
    private static final int M_POLICY = 7;
    private static final int M_SUMMARY = 8;
    private static final int M_FAILURE_DETAILS = 9;
    private static final int M_POLICY_TYPE = 10;
    private static final int M_POLICY_STRING = 11;
    private static final int M_POLICY_DOMAIN = 12;
    private static final int M_DOMAIN = 13;
    private static final int M_MX_HOST = 14;
    private static final int M_MX_HOST_PATTERN = 15;
    private static final int M_TOTAL_SUCCESSFUL_SESSION_COUNT = 16;
    private static final int M_TOTAL_FAILURE_SESSION_COUNT = 17;
    private static final int M_RESULT_TYPE = 18;
    private static final int M_SENDING_MTA_IP = 19;
    private static final int M_IP_ADDRESS = 20;
    private static final int M_RECEIVING_MX_HOSTNAME = 21;
    private static final int M_RECEIVING_MX_HELO = 22;
    private static final int M_RECEIVING_IP = 23;
    private static final int M_FAILED_SESSION_COUNT = 24;
    private static final int M_ADDITIONAL_INFORMATION = 25;
    private static final int M_ADDITIONAL_INFO_URI = 26;
    private static final int M_FAILURE_REASON_CODE = 27;
    private static final int M_FAILURE_ERROR_CODE = 28;
    /** nextMember(): the end of the object. */
    private static final int END = -100;
    /** nextMember(): a name not in NAMES ({@code p.currentName()} has it). */
    private static final int UNKNOWN = -101;

    /** Every member name the reader knows, matched by Jackson on the raw bytes (no lookup per name). */
    static final List<String> NAMES = List.of("organization-name", "date-range", "contact-info", "report-id",
            "policies", "start-datetime", "end-datetime", "policy", "summary", "failure-details", "policy-type",
            "policy-string", "policy-domain", "domain", "mx-host", "mx-host-pattern", "total-successful-session-count",
            "total-failure-session-count", "result-type", "sending-mta-ip", "ip-address", "receiving-mx-hostname",
            "receiving-mx-helo", "receiving-ip", "failed-session-count", "additional-information",
            "additional-info-uri", "failure-reason-code", "failure-error-code");

    /** Returns the matcher for {@link #NAMES}, made once per factory. */
    static PropertyNameMatcher matcher(JsonFactory factory) {
        List<Named> named = new ArrayList<>(NAMES.size());
        for (String n : NAMES) {
            named.add(Named.fromString(n));
        }
        return factory.constructNameMatcher(named, true);
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
            warn(ReportWarning.Kind.NOT_AN_IP_ADDRESS, path.toString(), quote(ip)
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
            throw fail(ReportError.Kind.INVALID_VALUE, "the count " + quote(p.getString()) + " is too large");
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

    private void placeholder(String name, String real) {
        warn(ReportWarning.Kind.PLACEHOLDER_NAME, path.member(name), name
                + " is the RFC 8460 schema's placeholder name; read as " + real);
    }

    private void unknownMember(String name) {
        warn(ReportWarning.Kind.UNKNOWN_MEMBER, path.member(name), "unknown member " + quote(name)
                + "; skipped");
        skipValue();
    }

    private void duplicateMember(String name) {
        warn(ReportWarning.Kind.DUPLICATE_MEMBER, path.member(name), quote(name)
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

    /** Texts.quote of commit 2307d8d: its own escaping rules, replaced by SafeText since. */
    static String quote(CharSequence text) {
        return "'" + printable(text, 120) + "'";
    }

    /** Texts.printable of commit 2307d8d. */
    static String printable(CharSequence text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= max) {
                out.append("...");
                break;
            }
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '\\' && c != '\'') {
                out.append(c);
            } else if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\'') {
                out.append("\\'");
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
