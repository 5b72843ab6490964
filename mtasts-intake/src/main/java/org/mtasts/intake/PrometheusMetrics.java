package org.mtasts.intake;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyResult;
import org.mtasts.tlsrpt.TlsReport;

/**
 * The counts of a set of reports in the Prometheus text exposition format (version 0.0.4), for
 * people who already run Prometheus and Grafana: write it to a file for the node exporter's
 * textfile collector, or serve it. Every metric is a gauge computed from the store at the time of
 * writing.
 *
 * <ul>
 *   <li>{@code mtasts_tlsrpt_reports{organization}}: reports stored;</li>
 *   <li>{@code mtasts_tlsrpt_sessions{policy_domain,policy_type,result}}: sessions, {@code
 *       result} is {@code successful} or {@code failed} (RFC 8460 §4.4 summary);</li>
 *   <li>{@code mtasts_tlsrpt_failed_sessions{policy_domain,result_type,receiving_mx_hostname}}: the
 *       failure details' counts (RFC 8460 §4.3, §4.4);</li>
 *   <li>{@code mtasts_tlsrpt_quarantined}: inputs in quarantine.</li>
 * </ul>
 *
 * <pre>{@code
 * String text = PrometheusMetrics.render(store.reports(), quarantine.entries().size());
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 * @since 0.1
 */
public final class PrometheusMetrics {

    /** The media type of the format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusMetrics() {}

    /**
     * Renders the metrics.
     *
     * @param reports the reports
     * @param quarantined the number of quarantined inputs
     * @return the exposition text, ending in a newline
     */
    public static String render(Collection<TlsReport> reports, long quarantined) {
        Map<String, Long> byOrganization = new TreeMap<>();
        Map<String, Long> sessions = new TreeMap<>();
        Map<String, Long> failures = new TreeMap<>();
        for (TlsReport r : reports) {
            byOrganization.merge(labels("organization", r.organizationName()), 1L, Long::sum);
            for (PolicyResult p : r.policies()) {
                String domain = p.policy().policyDomain() == null ? "" : p.policy().policyDomain();
                String type = p.policy().policyTypeToken();
                sessions.merge(labels("policy_domain", domain, "policy_type", type, "result", "successful"),
                        p.summary().totalSuccessfulSessionCount(), Long::sum);
                sessions.merge(labels("policy_domain", domain, "policy_type", type, "result", "failed"),
                        p.summary().totalFailureSessionCount(), Long::sum);
                for (FailureDetails d : p.failureDetails()) {
                    String mx = d.receivingMxHostname() == null ? "" : d.receivingMxHostname();
                    failures.merge(labels("policy_domain", domain, "result_type", d.resultType().token(),
                            "receiving_mx_hostname", mx), d.failedSessionCount(), Long::sum);
                }
            }
        }
        StringBuilder out = new StringBuilder(4096);
        family(out, "mtasts_tlsrpt_reports", "TLS-RPT reports in the store, by sending organisation.", byOrganization);
        family(out, "mtasts_tlsrpt_sessions", "Sessions reported (RFC 8460 summary), by policy domain, policy type and result.",
                sessions);
        family(out, "mtasts_tlsrpt_failed_sessions",
                "Failed sessions by result type and receiving MX host (RFC 8460 failure-details).", failures);
        family(out, "mtasts_tlsrpt_quarantined", "Inputs in quarantine: messages or bodies without a usable report.",
                Map.of("", quarantined));
        return out.toString();
    }

    private static void family(StringBuilder out, String name, String help, Map<String, Long> samples) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        samples.forEach((labels, value) -> out.append(name).append(labels).append(' ').append(value).append('\n'));
    }

    /** Label pairs in the given order, values escaped as the format says: backslash, quote, newline. */
    static String labels(String... pairs) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                b.append(',');
            }
            b.append(pairs[i]).append("=\"");
            String v = pairs[i + 1];
            for (int j = 0; j < v.length(); j++) {
                char c = v.charAt(j);
                switch (c) {
                    case '\\' -> b.append("\\\\");
                    case '"' -> b.append("\\\"");
                    case '\n' -> b.append("\\n");
                    default -> b.append(c);
                }
            }
            b.append('"');
        }
        return b.append('}').toString();
    }
}
