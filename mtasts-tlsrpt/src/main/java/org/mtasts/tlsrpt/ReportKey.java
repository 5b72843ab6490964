package org.mtasts.tlsrpt;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.sym.PropertyNameMatcher;
import tools.jackson.core.util.Named;

/**
 * Internal: the member names of an RFC 8460 §4.4 report that {@link ReportParser} knows, each with
 * the object it belongs to and the RFC key it is read as: itself, or, for a placeholder name of the
 * RFC's schema or a name from the drafts, the key it stands for. The parser switches on the key a
 * name is read as, so each branch names the RFC key it handles; {@link #bit} marks that key in the
 * set of keys an object has shown (RFC 7493 §2.3: the first of repeated members counts).
 *
 * <p>Jackson matches the names on their raw bytes ({@link #matcher}); its match index is the
 * constant's ordinal, so {@link #MATCHED} turns it into the constant without a lookup.
 */
enum ReportKey {
    // The report object.
    ORGANIZATION_NAME("organization-name", ReportObject.REPORT),
    DATE_RANGE("date-range", ReportObject.REPORT),
    CONTACT_INFO("contact-info", ReportObject.REPORT),
    REPORT_ID("report-id", ReportObject.REPORT),
    POLICIES("policies", ReportObject.REPORT),

    // date-range.
    START_DATETIME("start-datetime", ReportObject.DATE_RANGE),
    END_DATETIME("end-datetime", ReportObject.DATE_RANGE),

    // An element of policies.
    POLICY("policy", ReportObject.POLICY_RESULT),
    SUMMARY("summary", ReportObject.POLICY_RESULT),
    FAILURE_DETAILS("failure-details", ReportObject.POLICY_RESULT),

    // policy.
    POLICY_TYPE("policy-type", ReportObject.POLICY),
    POLICY_STRING("policy-string", ReportObject.POLICY),
    POLICY_DOMAIN("policy-domain", ReportObject.POLICY),
    /** The RFC 8460 §4.4 schema's placeholder for policy-domain. */
    DOMAIN("domain", POLICY_DOMAIN, Alias.PLACEHOLDER),
    MX_HOST("mx-host", ReportObject.POLICY),
    /** The schema's placeholder for mx-host. */
    MX_HOST_PATTERN("mx-host-pattern", MX_HOST, Alias.PLACEHOLDER),

    // summary.
    TOTAL_SUCCESSFUL_SESSION_COUNT("total-successful-session-count", ReportObject.SUMMARY),
    TOTAL_FAILURE_SESSION_COUNT("total-failure-session-count", ReportObject.SUMMARY),

    // An element of failure-details.
    RESULT_TYPE("result-type", ReportObject.FAILURE_DETAILS),
    SENDING_MTA_IP("sending-mta-ip", ReportObject.FAILURE_DETAILS),
    /** The schema's placeholder for sending-mta-ip. */
    IP_ADDRESS("ip-address", SENDING_MTA_IP, Alias.PLACEHOLDER),
    RECEIVING_MX_HOSTNAME("receiving-mx-hostname", ReportObject.FAILURE_DETAILS),
    RECEIVING_MX_HELO("receiving-mx-helo", ReportObject.FAILURE_DETAILS),
    RECEIVING_IP("receiving-ip", ReportObject.FAILURE_DETAILS),
    FAILED_SESSION_COUNT("failed-session-count", ReportObject.FAILURE_DETAILS),
    ADDITIONAL_INFORMATION("additional-information", ReportObject.FAILURE_DETAILS),
    /** INTEROP: the schema's placeholder for additional-information, found in hand-made reports. */
    ADDITIONAL_INFO_URI("additional-info-uri", ADDITIONAL_INFORMATION, Alias.PLACEHOLDER),
    FAILURE_REASON_CODE("failure-reason-code", ReportObject.FAILURE_DETAILS),
    /** INTEROP: the drafts' name, still in a processor written by an RFC author (2018). */
    FAILURE_ERROR_CODE("failure-error-code", FAILURE_REASON_CODE, Alias.DRAFT_NAME),

    /** Any other name ({@code currentName()} of the JSON parser has it); never matched by Jackson. */
    OTHER("", ReportObject.NONE);

    /** The objects of a report, each with its own keys. */
    enum ReportObject {
        /** The report itself. */
        REPORT,
        /** {@code date-range}. */
        DATE_RANGE,
        /** An element of {@code policies}. */
        POLICY_RESULT,
        /** {@code policy}. */
        POLICY,
        /** {@code summary}. */
        SUMMARY,
        /** An element of {@code failure-details}. */
        FAILURE_DETAILS,
        /** {@link #OTHER}: no object has it. */
        NONE
    }

    /** Why a name is read as another key. */
    enum Alias {
        /** The name is an RFC 8460 §4.4 key. */
        NONE,
        /** A placeholder name of the RFC's schema (§4.4), which names no real key. */
        PLACEHOLDER,
        /** A name from the drafts of RFC 8460. */
        DRAFT_NAME
    }

    /** The JSON member name. */
    final String jsonName;
    /** The object the member belongs to. */
    final ReportObject object;
    /** The RFC key the member is read as: itself, or the key a placeholder or draft name stands for. */
    final ReportKey readAs;
    /** Why the member is read as another key, or {@link Alias#NONE}. */
    final Alias alias;
    /** The bit of {@link #readAs} in an object's set of keys seen (all keys fit an {@code int}). */
    final int bit;

    /** The known keys by Jackson's match index: every constant but {@link #OTHER}, in order. */
    static final ReportKey[] MATCHED = matched();

    ReportKey(String jsonName, ReportObject object) {
        this.jsonName = jsonName;
        this.object = object;
        this.readAs = this;
        this.alias = Alias.NONE;
        this.bit = 1 << ordinal();
    }

    ReportKey(String jsonName, ReportKey readAs, Alias alias) {
        this.jsonName = jsonName;
        this.object = readAs.object;
        this.readAs = readAs;
        this.alias = alias;
        this.bit = readAs.bit;
    }

    private static ReportKey[] matched() {
        ReportKey[] all = values();
        if (all.length > Integer.SIZE) {
            throw new AssertionError("the keys' bits no longer fit an int");
        }
        ReportKey[] known = new ReportKey[all.length - 1];
        System.arraycopy(all, 0, known, 0, known.length); // OTHER is last
        return known;
    }

    /** Returns the matcher for the known names, made once per factory. */
    static PropertyNameMatcher matcher(JsonFactory factory) {
        List<Named> named = new ArrayList<>(MATCHED.length);
        for (ReportKey key : MATCHED) {
            named.add(Named.fromString(key.jsonName));
        }
        return factory.constructNameMatcher(named, true);
    }
}
