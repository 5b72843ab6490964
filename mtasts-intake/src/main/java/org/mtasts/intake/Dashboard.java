package org.mtasts.intake;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.tlsrpt.Readiness;
import org.mtasts.tlsrpt.ReadinessCriteria;
import org.mtasts.tlsrpt.ReportSummary;
import org.mtasts.tlsrpt.TlsReport;

/**
 * One static HTML page about a set of reports, for the person who decides when to switch a policy
 * from {@code testing} to {@code enforce}: successful and failed sessions per day as an inline SVG
 * bar chart (one {@code <g class="day">} per day of the chart's window, days without reports
 * included), the failures by result type (RFC 8460 §4.3), by sending organisation and by MX host,
 * and for each policy domain the {@link Readiness} verdict with its evidence.
 *
 * <p>The page has no external resources, no script and a Content-Security-Policy that forbids
 * both: it opens from a file, a mail attachment or any web server. Everything the reports say is
 * escaped.
 *
 * <pre>{@code
 * String html = Dashboard.builder().days(14).build().render(store.reports());
 * Files.writeString(outDir.resolve("index.html"), html);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 * @since 0.1
 */
public final class Dashboard {

    /** The default number of days without failures needed for enforce. */
    public static final int DEFAULT_DAYS = 14;
    /** The default number of days the chart shows, ending on the last day. */
    public static final int DEFAULT_CHART_DAYS = 60;

    private static final int CHART_WIDTH = 1100;
    private static final int CHART_HEIGHT = 260;
    private static final int LEFT = 60;
    private static final int BOTTOM = 40;
    private static final int TOP = 16;

    private final int days;
    private final int chartDays;
    private final @Nullable LocalDate until;
    private final List<DomainName> domains;
    private final String title;

    private Dashboard(Builder b) {
        this.days = b.days;
        this.chartDays = b.chartDays;
        this.until = b.until;
        this.domains = List.copyOf(b.domains);
        this.title = b.title;
    }

    /** {@return a new builder} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the days the chart shows for these reports: up to the chart's number of days, ending
     * on the last day (the builder's, or the latest report's), starting no earlier than the first
     * report's day.
     *
     * @param reports the reports
     * @return the days, oldest first; empty without reports
     */
    public List<LocalDate> chartDays(Collection<TlsReport> reports) {
        if (reports.isEmpty()) {
            return List.of();
        }
        ReportSummary summary = ReportSummary.of(reports);
        LocalDate last = lastDay(summary);
        LocalDate first = summary.byDay().firstKey();
        LocalDate start = last.minusDays(chartDays - 1L);
        if (first.isAfter(start)) {
            start = first;
        }
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate d = start; !d.isAfter(last); d = d.plusDays(1)) {
            out.add(d);
        }
        return out;
    }

    private LocalDate lastDay(ReportSummary summary) {
        return until != null ? until : summary.byDay().lastKey();
    }

    /**
     * Renders the page.
     *
     * @param reports the reports, for example {@link ReportStore#reports()}
     * @return the HTML document
     */
    public String render(Collection<TlsReport> reports) {
        StringBuilder h = new StringBuilder(32 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
                .append("<h1>").append(esc(title)).append("</h1>\n");
        if (reports.isEmpty()) {
            h.append("<p class=\"empty\">No reports in the store yet.</p>\n</body>\n</html>\n");
            return h.toString();
        }
        ReportSummary summary = ReportSummary.of(reports);
        ReportSummary.Counts total = summary.total();
        h.append("<p class=\"lead\">").append(summary.reportCount()).append(" reports, ")
                .append(total.successfulSessions()).append(" successful and ").append(total.failedSessions())
                .append(" failed sessions").append(rate(total)).append(", from ").append(summary.byDay().firstKey())
                .append(" to ").append(summary.byDay().lastKey()).append(".</p>\n");

        chart(h, summary, chartDays(reports));
        readiness(h, summary);

        h.append("<div class=\"tables\">\n");
        table(h, "Failures by result type", "result type", "failed sessions", longs(summary.byResultType()));
        List<String[]> orgs = new ArrayList<>();
        summary.byOrganization().forEach((org, c) -> orgs.add(new String[] {org,
                Long.toString(c.failedSessions()), Long.toString(c.successfulSessions())}));
        table3(h, "By sending organisation", new String[] {"organisation", "failed", "successful"}, orgs);
        List<String[]> mx = new ArrayList<>();
        summary.byMxHost().forEach((host, stats) -> mx.add(new String[] {host, Long.toString(stats.failedSessions()),
                String.join(", ", stats.byResultType().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList())}));
        table3(h, "Failures by MX host", new String[] {"MX host", "failed", "result types"}, mx);
        List<String[]> domainsRows = new ArrayList<>();
        summary.byPolicyDomain().forEach((d, c) -> domainsRows.add(new String[] {d,
                Long.toString(c.failedSessions()), Long.toString(c.successfulSessions())}));
        table3(h, "By policy domain", new String[] {"policy domain", "failed", "successful"}, domainsRows);
        h.append("</div>\n");
        h.append("<footer>Made by mtasts report dashboard from the reports in the store (RFC 8460).</footer>\n");
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private void readiness(StringBuilder h, ReportSummary summary) {
        List<DomainName> judged = new ArrayList<>(domains);
        if (judged.isEmpty()) {
            TreeSet<String> names = new TreeSet<>(summary.byPolicyDomain().keySet());
            names.remove(ReportSummary.NONE);
            for (String name : names) {
                DomainName.parse(name).toOptional().ifPresent(judged::add);
            }
        }
        LocalDate last = lastDay(summary);
        h.append("<section class=\"readiness\">\n<h2>Ready to enforce?</h2>\n");
        if (judged.isEmpty()) {
            h.append("<p>The reports name no policy domain to judge.</p>\n");
        }
        h.append("<div class=\"cards\">\n");
        for (DomainName domain : judged) {
            Readiness r = summary.readiness(ReadinessCriteria.of(domain, last, days));
            String cls = r.verdict() == Readiness.Verdict.READY ? "ok"
                    : r.verdict() == Readiness.Verdict.NOT_READY ? "bad" : "unknown";
            h.append("<div class=\"verdict ").append(cls).append("\"><h3>").append(esc(domain.ascii()))
                    .append(" <span class=\"badge\">").append(r.verdict().name().replace('_', ' ')).append("</span></h3>\n")
                    .append("<p class=\"window\">").append(r.criteria().firstDay()).append(" to ").append(r.criteria().lastDay())
                    .append(" (").append(days).append(" days): ").append(r.stsSuccessfulSessions())
                    .append(" successful sessions under sts, ").append(r.failedSessions()).append(" failed; reporters: ")
                    .append(esc(r.reporters().isEmpty() ? "none" : String.join(", ", r.reporters()))).append("</p>\n<ul>\n");
            for (String reason : r.reasons()) {
                h.append("<li>").append(esc(reason)).append("</li>\n");
            }
            h.append("</ul>\n");
            if (!r.failures().isEmpty()) {
                h.append("<details><summary>").append(r.failures().size()).append(" failures (evidence)</summary>\n")
                        .append("<table><tr><th>day</th><th>organisation</th><th>policy</th><th>result type</th>")
                        .append("<th>MX host</th><th>reason code</th><th>sessions</th></tr>\n");
                int shown = 0;
                for (Readiness.FailureEvidence f : r.failures()) {
                    if (shown++ == 200) {
                        h.append("<tr><td colspan=\"7\">").append(r.failures().size() - 200).append(" more</td></tr>\n");
                        break;
                    }
                    h.append("<tr><td>").append(f.day()).append("</td><td>").append(esc(f.organization())).append("</td><td>")
                            .append(esc(f.policyType())).append("</td><td>").append(esc(orDash(f.resultType())))
                            .append("</td><td>").append(esc(orDash(f.receivingMxHostname()))).append("</td><td>")
                            .append(esc(orDash(f.failureReasonCode()))).append("</td><td class=\"n\">")
                            .append(f.failedSessions()).append("</td></tr>\n");
                }
                h.append("</table></details>\n");
            }
            if (!r.daysWithoutReports().isEmpty()) {
                h.append("<p class=\"gaps\">Days without reports: ").append(r.daysWithoutReports().size()).append("</p>\n");
            }
            h.append("</div>\n");
        }
        h.append("</div>\n</section>\n");
    }

    private static void chart(StringBuilder h, ReportSummary summary, List<LocalDate> chartDays) {
        if (chartDays.isEmpty()) {
            h.append("<section class=\"chart\">\n<h2>Sessions per day</h2>\n<p class=\"empty\">No reports up to the last day "
                    + "chosen.</p>\n</section>\n");
            return;
        }
        SortedMap<LocalDate, ReportSummary.Counts> byDay = summary.byDay();
        long max = 1;
        for (LocalDate d : chartDays) {
            ReportSummary.Counts c = byDay.getOrDefault(d, ReportSummary.Counts.ZERO);
            max = Math.max(max, c.totalSessions());
        }
        int n = chartDays.size();
        double plotWidth = CHART_WIDTH - LEFT - 10;
        double plotHeight = CHART_HEIGHT - BOTTOM - TOP;
        double slot = plotWidth / Math.max(n, 1);
        double bar = Math.max(1, slot * 0.8);
        h.append("<section class=\"chart\">\n<h2>Sessions per day</h2>\n")
                .append("<p class=\"legend\"><span class=\"key ok\"></span> successful <span class=\"key bad\"></span> failed")
                .append(" (").append(chartDays.get(0)).append(" to ").append(chartDays.get(n - 1)).append(")</p>\n")
                .append("<svg id=\"sessions-per-day\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(CHART_WIDTH).append(' ').append(CHART_HEIGHT).append("\" role=\"img\" aria-label=\"")
                .append("Successful and failed sessions per day\">\n");
        // Axis and grid: four lines with their values.
        for (int i = 0; i <= 4; i++) {
            double y = TOP + plotHeight - plotHeight * i / 4;
            h.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(CHART_WIDTH - 10)
                    .append("\" y1=\"").append(fmt(y)).append("\" y2=\"").append(fmt(y)).append("\"/>")
                    .append("<text class=\"axis\" x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(y + 4))
                    .append("\" text-anchor=\"end\">").append(max * i / 4).append("</text>\n");
        }
        int labelEvery = Math.max(1, (int) Math.ceil(n / 12.0));
        for (int i = 0; i < n; i++) {
            LocalDate d = chartDays.get(i);
            ReportSummary.Counts c = byDay.getOrDefault(d, ReportSummary.Counts.ZERO);
            double x = LEFT + i * slot + (slot - bar) / 2;
            double okHeight = plotHeight * c.successfulSessions() / max;
            double badHeight = plotHeight * c.failedSessions() / max;
            if (c.failedSessions() > 0 && badHeight < 2) {
                badHeight = 2; // a failure is always visible
            }
            double base = TOP + plotHeight;
            h.append("<g class=\"day\" data-day=\"").append(d).append("\" data-successful=\"").append(c.successfulSessions())
                    .append("\" data-failed=\"").append(c.failedSessions()).append("\"><title>").append(d).append(": ")
                    .append(c.successfulSessions()).append(" successful, ").append(c.failedSessions()).append(" failed")
                    .append("</title>")
                    .append("<rect class=\"slot\" x=\"").append(fmt(LEFT + i * slot)).append("\" y=\"").append(TOP)
                    .append("\" width=\"").append(fmt(slot)).append("\" height=\"").append(fmt(plotHeight)).append("\"/>")
                    .append("<rect class=\"ok\" x=\"").append(fmt(x)).append("\" y=\"").append(fmt(base - okHeight))
                    .append("\" width=\"").append(fmt(bar)).append("\" height=\"").append(fmt(okHeight)).append("\"/>")
                    .append("<rect class=\"bad\" x=\"").append(fmt(x)).append("\" y=\"")
                    .append(fmt(base - okHeight - badHeight)).append("\" width=\"").append(fmt(bar)).append("\" height=\"")
                    .append(fmt(badHeight)).append("\"/>");
            if (i % labelEvery == 0) {
                h.append("<text class=\"axis\" x=\"").append(fmt(LEFT + i * slot + slot / 2)).append("\" y=\"")
                        .append(CHART_HEIGHT - BOTTOM + 16).append("\" text-anchor=\"middle\">")
                        .append(d.format(DateTimeFormatter.ofPattern("MM-dd", Locale.ROOT))).append("</text>");
            }
            h.append("</g>\n");
        }
        h.append("</svg>\n</section>\n");
    }

    private static List<String[]> longs(Map<String, Long> map) {
        List<String[]> rows = new ArrayList<>();
        map.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> rows.add(new String[] {e.getKey(), Long.toString(e.getValue())}));
        return rows;
    }

    private static void table(StringBuilder h, String caption, String keyHeader, String valueHeader, List<String[]> rows) {
        table3(h, caption, new String[] {keyHeader, valueHeader}, rows);
    }

    private static void table3(StringBuilder h, String caption, String[] headers, List<String[]> rows) {
        h.append("<section class=\"table\"><h2>").append(esc(caption)).append("</h2>\n");
        if (rows.isEmpty()) {
            h.append("<p class=\"empty\">None.</p></section>\n");
            return;
        }
        h.append("<table><tr>");
        for (String header : headers) {
            h.append("<th>").append(esc(header)).append("</th>");
        }
        h.append("</tr>\n");
        for (String[] row : rows) {
            h.append("<tr>");
            for (int i = 0; i < row.length; i++) {
                h.append(i == 0 ? "<td>" : "<td class=\"n\">").append(esc(row[i])).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table></section>\n");
    }

    private static String rate(ReportSummary.Counts c) {
        return c.successRate().isPresent() ? String.format(Locale.ROOT, " (%.2f%% successful)", c.successRate().getAsDouble() * 100) : "";
    }

    private static String orDash(@Nullable String s) {
        return s == null ? "-" : s;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Escapes for HTML text and attribute values; control characters become U+FFFD. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c < 0x20 && c != '\t' || c == 0x7F ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }

    private static final String CSS = String.join("\n",
            "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:1160px;color:#1d2430;background:#fbfcfd;padding:0 16px}",
            "h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:24px 0 8px}h3{margin:0 0 6px;font-size:17px}",
            ".lead{color:#4a5566;margin:0 0 16px}",
            ".verdict{border-left:6px solid #999;background:#fff;padding:10px 16px;margin:8px 0;box-shadow:0 1px 2px #0002}",
            ".verdict.ok{border-color:#1f9d55}.verdict.bad{border-color:#d64545}.verdict.unknown{border-color:#d9a400}",
            ".badge{font-size:13px;padding:2px 8px;border-radius:10px;color:#fff;background:#999;vertical-align:middle}",
            ".ok .badge{background:#1f9d55}.bad .badge{background:#d64545}.unknown .badge{background:#b88a00}",
            ".window{color:#4a5566;margin:0 0 4px;font-size:14px}.verdict ul{margin:4px 0;padding-left:20px}",
            ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:0 16px}",
            "svg{width:100%;height:auto;background:#fff;box-shadow:0 1px 2px #0002}",
            "rect.ok{fill:#38a169}rect.bad{fill:#e53e3e}rect.slot{fill:transparent}g.day:hover rect.slot{fill:#0000000d}",
            "line.grid{stroke:#e2e8f0;stroke-width:1}text.axis{font-size:11px;fill:#667}",
            ".legend{margin:0 0 6px;color:#4a5566}.key{display:inline-block;width:12px;height:12px;vertical-align:-1px}",
            ".key.ok{background:#38a169}.key.bad{background:#e53e3e;margin-left:12px}",
            ".tables{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:0 24px}",
            "table{border-collapse:collapse;background:#fff;width:100%;box-shadow:0 1px 2px #0002}",
            "th,td{padding:4px 8px;border-bottom:1px solid #edf0f4;text-align:left;overflow-wrap:anywhere}td.n{text-align:right}",
            "th{background:#f1f4f8;font-weight:600;white-space:nowrap;overflow-wrap:normal}footer{margin:32px 0 0;color:#8a94a6;font-size:13px}",
            "details{margin:6px 0}.empty{color:#8a94a6}",
            "");

    /**
     * Configures a {@link Dashboard}.
     *
     * <pre>{@code
     * Dashboard dashboard = Dashboard.builder().days(30).until(LocalDate.of(2026, 12, 3))
     *         .domain(DomainName.of("example.com")).build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private int days = DEFAULT_DAYS;
        private int chartDays = DEFAULT_CHART_DAYS;
        private @Nullable LocalDate until;
        private final List<DomainName> domains = new ArrayList<>();
        private String title = "TLS-RPT reports";

        private Builder() {}

        /**
         * Sets the days without failures needed for enforce (default {@link #DEFAULT_DAYS}).
         *
         * @param days 1 to 366
         * @return this builder
         */
        public Builder days(int days) {
            if (days < 1 || days > 366) {
                throw new IllegalArgumentException("days " + days + " is outside 1..366");
            }
            this.days = days;
            return this;
        }

        /**
         * Sets how many days the chart shows (default {@link #DEFAULT_CHART_DAYS}).
         *
         * @param days 1 to 1000
         * @return this builder
         */
        public Builder chartDays(int days) {
            if (days < 1 || days > 1000) {
                throw new IllegalArgumentException("chartDays " + days + " is outside 1..1000");
            }
            this.chartDays = days;
            return this;
        }

        /**
         * Sets the last day considered (default: the latest report's day).
         *
         * @param day the day
         * @return this builder
         */
        public Builder until(LocalDate day) {
            this.until = Objects.requireNonNull(day, "day");
            return this;
        }

        /**
         * Adds a policy domain to judge (default: every policy domain of the reports).
         *
         * @param domain the domain
         * @return this builder
         */
        public Builder domain(DomainName domain) {
            this.domains.add(Objects.requireNonNull(domain, "domain"));
            return this;
        }

        /**
         * Sets the page title (default "TLS-RPT reports").
         *
         * @param title the title
         * @return this builder
         */
        public Builder title(String title) {
            this.title = Objects.requireNonNull(title, "title");
            return this;
        }

        /** {@return the dashboard} */
        public Dashboard build() {
            return new Dashboard(this);
        }
    }

}
