package org.mtasts.http.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.ParseResult;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.PolicyParser;
import org.mtasts.core.SafeText;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.StsRecord;
import org.mtasts.dns.DnsUpdater;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.dns.MxAnswer;
import org.mtasts.dns.TxtChange;
import org.mtasts.dns.TxtRrset;
import org.mtasts.dns.TxtRrsetAnswer;
import org.mtasts.dns.UpdateResult;
import org.mtasts.http.FetchFailure;
import org.mtasts.http.FetchResult;
import org.mtasts.http.PolicyFetcher;
import org.mtasts.tlsrpt.Readiness;

/**
 * Publishes an MTA-STS policy in the safe order, stopping at the first problem before DNS is
 * changed:
 * <ol>
 *   <li><b>lint</b>: the policy bytes must be a valid policy (RFC 8461 §3.2);</li>
 *   <li><b>mx</b>: every live MX host of the domain must match the policy's {@code mx} patterns
 *       (RFC 8461 §4.1), or an enforcing sender would refuse to deliver to it;</li>
 *   <li><b>fetch</b>: {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} must serve exactly
 *       these bytes, so that senders who see the new id fetch this policy (RFC 8461 §3.3, §8.1:
 *       the policy goes live before the record);</li>
 *   <li><b>id</b>: the id is derived from the bytes ({@link PolicyId});</li>
 *   <li><b>read</b>: the {@code _mta-sts} TXT records (and {@code _smtp._tls}, with a TLS-RPT
 *       record) are read from the update server; the same id already published means {@link
 *       PublishResult.Unchanged}, and nothing is sent;</li>
 *   <li><b>gate</b>: a switch to {@code enforce} (declared, or a policy in enforce mode where the
 *       published id is not one of an enforce policy) needs a {@link Readiness} verdict of
 *       READY, or a reason to force it;</li>
 *   <li><b>update</b>: one RFC 2136 UPDATE, signed with TSIG, replaces the {@code v=STSv1} record
 *       (keeping its extensions) with the records read as its prerequisite, so that a concurrent
 *       change makes it fail and nothing is overwritten;</li>
 *   <li><b>confirm</b>: the authoritative server is asked again and must answer with the new
 *       record.</li>
 * </ol>
 *
 * <pre>{@code
 * PolicyPublisher publisher = PolicyPublisher.builder()
 *         .updater(updater)                     // a DnsUpdater: the zone's primary and a TSIG key
 *         .fetcher(fetcher)                     // an HttpsPolicyFetcher
 *         .resolver(dns)                        // a DnsjavaResolver, for the live MX hosts
 *         .build();
 * PublishResult result = publisher.publish(PublishRequest.builder(DomainName.of("example.com"), policyBytes).build());
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-8.1">RFC 8461 §8.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2136#section-3.2">RFC 2136 §3.2</a>
 * @since 0.1
 */
public final class PolicyPublisher {

    /** The TTL of a record published where there was none, unless the request sets one. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    private static final String STS_PREFIX = "v=STSv1";
    private static final String TLSRPT_PREFIX = "v=TLSRPTv1";

    private final DnsUpdater updater;
    private final PolicyFetcher fetcher;
    private final DnsjavaResolver resolver;

    private PolicyPublisher(Builder b) {
        this.updater = Objects.requireNonNull(b.updater);
        this.fetcher = Objects.requireNonNull(b.fetcher);
        this.resolver = b.resolver != null ? b.resolver : DnsjavaResolver.create();
    }

    /** {@return a new builder} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the steps of the class description.
     *
     * @param request what to publish
     * @return the outcome, with the steps that ran
     */
    public PublishResult publish(PublishRequest request) {
        return new Run(request).run();
    }

    /** One publish: the steps so far, and the helpers that end it. */
    private final class Run {
        private final PublishRequest request;
        private final DomainName domain;
        private final byte[] body;
        private final List<PublishResult.Step> steps = new ArrayList<>();
        private @Nullable String id;

        Run(PublishRequest request) {
            this.request = Objects.requireNonNull(request, "request");
            this.domain = request.domain();
            this.body = request.policy();
        }

        PublishResult run() {
            // 1. lint (RFC 8461 §3.2)
            ParseResult<StsPolicy> parsed = PolicyParser.strict().parse(body);
            if (!(parsed instanceof ParseResult.Valid<StsPolicy> valid)) {
                String error = parsed.syntaxError().map(Object::toString).orElse("not a policy");
                return refused("lint", PublishResult.Reason.INVALID_POLICY, "the policy is not valid: " + error);
            }
            StsPolicy policy = valid.value();
            if (request.isEnforce() && policy.mode() != PolicyMode.ENFORCE) {
                return refused("lint", PublishResult.Reason.MODE_MISMATCH, "enforce was requested, but the policy says mode: "
                        + policy.mode().token());
            }
            step("lint", true, "valid policy, mode " + policy.mode().token() + ", max_age " + policy.maxAge());

            // 2. the live MX hosts against the policy (RFC 8461 §4.1)
            List<DomainName> hosts = new ArrayList<>();
            if (policy.mode() == PolicyMode.NONE) {
                step("mx", true, "mode none: MX hosts not checked");
            } else {
                MxAnswer mx = resolver.resolveMx(domain);
                switch (mx.kind()) {
                    case HOSTS -> ((MxAnswer.Hosts) mx).hosts().forEach(h -> hosts.add(h.host()));
                    case IMPLICIT -> hosts.add(((MxAnswer.Implicit) mx).domain()); // RFC 5321 §5.1
                    case NULL_MX -> {
                        return refused("mx", PublishResult.Reason.NO_MAIL, domain + " publishes a null MX (RFC 7505): "
                                + "it accepts no mail, so an MTA-STS policy protects nothing");
                    }
                    case NO_DOMAIN -> {
                        return refused("mx", PublishResult.Reason.NO_MAIL, domain + " does not exist (NXDOMAIN)");
                    }
                    default -> {
                        return temporary("mx", "cannot look up the MX records of " + domain + ": "
                                + ((MxAnswer.TemporaryFailure) mx).detail(), ((MxAnswer.TemporaryFailure) mx).cause());
                    }
                }
                List<String> uncovered = new ArrayList<>();
                for (DomainName host : hosts) {
                    if (!policy.matches(host)) { // RFC 8461 §4.1: an enforcing sender refuses this MX
                        uncovered.add(host.ascii());
                    }
                }
                if (!uncovered.isEmpty()) {
                    return refused("mx", PublishResult.Reason.MX_NOT_COVERED, "MX host(s) " + String.join(", ", uncovered)
                            + " of " + domain + " match no mx line of the policy: an enforcing sender would refuse "
                            + "to deliver to them (RFC 8461 §4.1)");
                }
                step("mx", true, "every MX host matches the policy: " + join(hosts));
            }

            // 3. the policy host must serve exactly these bytes (RFC 8461 §3.3, §8.1)
            String expected = new String(body, StandardCharsets.UTF_8);
            FetchResult fetched = fetcher.fetch(domain);
            String url = "https://" + domain.policyHost() + "/.well-known/mta-sts.txt";
            switch (fetched.kind()) {
                case FETCHED -> {
                    String served = ((FetchResult.Fetched) fetched).text();
                    if (!served.equals(expected)) {
                        return differs(url, expected, served);
                    }
                }
                case INVALID -> {
                    return differs(url, expected, ((FetchResult.Invalid) fetched).text());
                }
                case NOT_SERVED -> {
                    return refused("fetch", PublishResult.Reason.NOT_SERVED, url + " does not serve the policy yet ("
                            + fetched.detail() + "): publish the file first, then the record (RFC 8461 §8.1)");
                }
                default -> {
                    FetchResult.Failed failed = (FetchResult.Failed) fetched;
                    if (failed.failure().resultType().token().equals("sts-webpki-invalid")
                            || failed.failure() == FetchFailure.CONTENT_TYPE || failed.failure() == FetchFailure.TOO_LARGE
                            || failed.failure() == FetchFailure.CHARSET) {
                        return refused("fetch", PublishResult.Reason.NOT_SERVED, url + " does not serve the policy "
                                + "as senders need it: " + failed.detail());
                    }
                    return temporary("fetch", "cannot fetch " + url + ": " + failed.detail(), failed.cause());
                }
            }
            step("fetch", true, url + " serves exactly this policy");

            // 4. the id from the bytes (RFC 8461 §3.1)
            String newId = PolicyId.of(policy.mode(), body);
            this.id = newId;
            step("id", true, newId + " (" + policy.mode().token() + " initial + base32 of SHA-256 of the policy bytes)");

            // 5. read what is published, from the server that takes the updates
            TxtRrset sts = read(domain.stsRecordName());
            if (sts == null) {
                return last;
            }
            TxtRrset tlsRpt = null;
            if (request.tlsRpt().isPresent()) {
                tlsRpt = read(domain.tlsRptRecordName());
                if (tlsRpt == null) {
                    return last;
                }
            }
            List<String> previous = new ArrayList<>();
            StsRecord base = null;
            for (String text : sts.texts()) {
                if (text.startsWith(STS_PREFIX)) {
                    previous.add(text);
                    ParseResult<StsRecord> record = StsRecord.parse(text);
                    if (record.isValid() && base == null) {
                        base = record.orElseThrow();
                    }
                }
            }
            String stsText = (base != null ? base.withId(newId) : StsRecord.of(newId)).toText();
            Duration ttl = request.ttl().orElse(sts.isEmpty() ? DEFAULT_TTL : sts.ttl());
            TxtChange stsChange = TxtChange.replacing(sts, STS_PREFIX, stsText, ttl);
            TxtChange tlsRptChange = null;
            if (tlsRpt != null) {
                Duration tlsRptTtl = request.ttl().orElse(tlsRpt.isEmpty() ? DEFAULT_TTL : tlsRpt.ttl());
                tlsRptChange = TxtChange.replacing(tlsRpt, TLSRPT_PREFIX, request.tlsRpt().orElseThrow().toText(), tlsRptTtl);
            }
            step("read", true, previous.isEmpty() ? "no " + STS_PREFIX + " record at " + domain.stsRecordName()
                    : "published: " + previous);
            if (stsChange.isEmpty() && (tlsRptChange == null || tlsRptChange.isEmpty())) {
                return new PublishResult.Unchanged(newId, steps);
            }

            // 6. the readiness gate for a switch to enforce
            Optional<PolicyMode> publishedMode = previous.size() == 1 && base != null ? PolicyId.mode(base.id()) : Optional.empty();
            boolean switching = policy.mode() == PolicyMode.ENFORCE && !stsChange.isEmpty()
                    && publishedMode.filter(m -> m == PolicyMode.ENFORCE).isEmpty();
            String forced = null;
            if (request.isEnforce() || switching) {
                String why = request.isEnforce() ? "enforce was requested"
                        : "the policy switches to enforce (published: " + publishedMode.map(PolicyMode::token).orElse(
                                previous.isEmpty() ? "nothing" : "an id that does not show the mode") + ")";
                Optional<Readiness> readiness = request.readiness();
                if (readiness.isPresent() && readiness.get().verdict() == Readiness.Verdict.READY) {
                    step("gate", true, why + "; the reports say READY");
                } else if (request.forceReason().isPresent()) {
                    forced = request.forceReason().get();
                    step("gate", true, why + "; forced without a ready verdict"
                            + readiness.map(r -> " (reports: " + r.verdict() + ")").orElse("") + ": " + forced);
                } else if (readiness.isPresent()) {
                    return refused("gate", PublishResult.Reason.NOT_READY, why + ", but the reports say "
                            + readiness.get().verdict() + ": " + String.join("; ", readiness.get().reasons())
                            + " (review them with mtasts report summary, or force with a reason)");
                } else {
                    return refused("gate", PublishResult.Reason.NOT_READY, why + ", but no TLS reports were given: "
                            + "the switch needs reports that say READY (mtasts report summary), or a reason to force it");
                }
            }

            // 7. the update, with the records read as its prerequisite (RFC 2136 §2.4.2, §2.4.3)
            List<TxtChange> changes = new ArrayList<>();
            List<TxtChange> tlsRptFirst = new ArrayList<>();
            if (tlsRptChange != null && !tlsRptChange.isEmpty()) {
                if (tlsRptChange.current().zone().equals(sts.zone())) {
                    changes.add(tlsRptChange);
                } else {
                    tlsRptFirst.add(tlsRptChange);
                }
            }
            if (!stsChange.isEmpty()) {
                changes.add(stsChange);
            }
            String preview = (tlsRptFirst.isEmpty() ? "" : DnsUpdater.preview(tlsRptFirst) + "\n")
                    + (changes.isEmpty() ? "" : DnsUpdater.preview(changes));
            if (request.isDryRun()) {
                step("update", true, "dry run: not sent");
                return new PublishResult.DryRun(newId, stsText, preview, steps);
            }
            for (List<TxtChange> batch : List.of(tlsRptFirst, changes)) {
                if (batch.isEmpty()) {
                    continue;
                }
                UpdateResult updated = updater.update(batch);
                switch (updated.kind()) {
                    case UPDATED -> step("update", true, "the server applied the update of zone " + batch.get(0).current().zone());
                    case PREREQUISITE_FAILED -> {
                        return refused("update", PublishResult.Reason.CONCURRENT_CHANGE, updated.detail()
                                + "; nothing was overwritten: look at the records, then publish again");
                    }
                    case REFUSED -> {
                        return refused("update", PublishResult.Reason.DNS_REFUSED, updated.detail());
                    }
                    default -> {
                        return temporary("update", updated.detail(), ((UpdateResult.TemporaryFailure) updated).cause());
                    }
                }
            }

            // 8. confirm with the authoritative server
            TxtRrset after = read(domain.stsRecordName());
            if (after == null) {
                return last;
            }
            List<String> now = new ArrayList<>();
            after.texts().stream().filter(t -> t.startsWith(STS_PREFIX)).forEach(now::add);
            if (!now.equals(List.of(stsText))) {
                return temporary("confirm", "the server accepted the update, but now answers " + now + " at "
                        + domain.stsRecordName() + " instead of " + stsText, null);
            }
            String tlsRptText = null;
            if (tlsRptChange != null) {
                TxtRrset rpt = read(domain.tlsRptRecordName());
                if (rpt == null) {
                    return last;
                }
                tlsRptText = request.tlsRpt().orElseThrow().toText();
                if (!rpt.texts().contains(tlsRptText)) {
                    return temporary("confirm", "the server accepted the update, but does not answer " + tlsRptText
                            + " at " + domain.tlsRptRecordName(), null);
                }
                if (tlsRptChange.isEmpty()) {
                    tlsRptText = null;
                }
            }
            step("confirm", true, "the server answers " + stsText + " at " + domain.stsRecordName());
            return new PublishResult.Published(newId, stsText, stsChange.isEmpty() ? List.of() : previous,
                    Optional.ofNullable(tlsRptText), Optional.ofNullable(forced), preview, steps);
        }

        private @Nullable PublishResult last;

        /** Reads the TXT records at a name; null (with {@link #last} set) if that failed. */
        private @Nullable TxtRrset read(String name) {
            TxtRrsetAnswer answer = updater.readTxt(name);
            if (answer instanceof TxtRrsetAnswer.Found found) {
                return found.rrset();
            }
            last = answer.kind() == TxtRrsetAnswer.Kind.REFUSED
                    ? refused("read", PublishResult.Reason.DNS_REFUSED, answer.detail())
                    : temporary("read", answer.detail(), ((TxtRrsetAnswer.TemporaryFailure) answer).cause());
            return null;
        }

        private void step(String name, boolean ok, String detail) {
            steps.add(new PublishResult.Step(name, ok, detail));
        }

        private PublishResult refused(String step, PublishResult.Reason reason, String detail) {
            step(step, false, detail);
            return new PublishResult.Refused(reason, detail, List.of(), Optional.ofNullable(id), steps);
        }

        private PublishResult temporary(String step, String detail, @Nullable Throwable cause) {
            step(step, false, detail);
            return new PublishResult.TemporaryFailure(detail, cause, Optional.ofNullable(id), steps);
        }

        private PublishResult differs(String url, String expected, String served) {
            List<String> differences = differences(expected, served);
            String detail = url + " serves another policy than this file (" + differences.size() + " line(s) differ): "
                    + "publish the file there first; DNS was not changed";
            step("fetch", false, detail);
            return new PublishResult.Refused(PublishResult.Reason.POLICY_DIFFERS, detail, differences, Optional.empty(), steps);
        }
    }

    /**
     * Compares the file with what is served, line by line (lines end at LF; a CR and other control
     * characters are shown escaped, as {@link SafeText#quote(CharSequence)} does).
     *
     * @param file the policy file's text
     * @param served the text served
     * @return one entry per line that differs, such as {@code line 2: file "mode: enforce", served
     *     "mode: testing"}
     */
    static List<String> differences(String file, String served) {
        String[] a = file.split("\n", -1);
        String[] b = served.split("\n", -1);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : null;
            String y = i < b.length ? b[i] : null;
            if (Objects.equals(x, y)) {
                continue;
            }
            if (x == null) {
                out.add("line " + (i + 1) + ": only served " + SafeText.quote(y));
            } else if (y == null) {
                out.add("line " + (i + 1) + ": only in the file " + SafeText.quote(x));
            } else {
                out.add("line " + (i + 1) + ": file " + SafeText.quote(x) + ", served " + SafeText.quote(y));
            }
            if (out.size() == 20) {
                out.add("(more lines differ)");
                break;
            }
        }
        return out;
    }

    private static String join(List<DomainName> hosts) {
        List<String> names = new ArrayList<>();
        hosts.forEach(h -> names.add(h.ascii()));
        return String.join(", ", names);
    }

    /**
     * Configures a {@link PolicyPublisher}.
     *
     * <pre>{@code
     * PolicyPublisher.Builder builder = PolicyPublisher.builder()
     *         .updater(updater)
     *         .fetcher(fetcher);
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private @Nullable DnsUpdater updater;
        private @Nullable PolicyFetcher fetcher;
        private @Nullable DnsjavaResolver resolver;

        private Builder() {}

        /**
         * Sets the updater: the zone's primary server and the TSIG key (required).
         *
         * @param updater the updater
         * @return this builder
         */
        public Builder updater(DnsUpdater updater) {
            this.updater = Objects.requireNonNull(updater, "updater");
            return this;
        }

        /**
         * Sets the fetcher that checks the policy host (required), such as an {@code
         * HttpsPolicyFetcher}.
         *
         * @param fetcher the fetcher
         * @return this builder
         */
        public Builder fetcher(PolicyFetcher fetcher) {
            this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
            return this;
        }

        /**
         * Sets the resolver of the live MX hosts (default: {@link DnsjavaResolver#create()}, the
         * system's resolvers).
         *
         * @param resolver the resolver
         * @return this builder
         */
        public Builder resolver(DnsjavaResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Builds the publisher.
         *
         * @return the publisher
         * @throws IllegalStateException if the updater or the fetcher is missing
         */
        public PolicyPublisher build() {
            if (updater == null) {
                throw new IllegalStateException("no updater: call PolicyPublisher.Builder.updater(DnsUpdater)");
            }
            if (fetcher == null) {
                throw new IllegalStateException("no fetcher: call PolicyPublisher.Builder.fetcher(PolicyFetcher)");
            }
            return new PolicyPublisher(this);
        }
    }
}
