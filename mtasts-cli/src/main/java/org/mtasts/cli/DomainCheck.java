package org.mtasts.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.CertificateVerdict;
import org.mtasts.core.Discovery;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxCertificateCheck;
import org.mtasts.core.MxPattern;
import org.mtasts.core.ParseResult;
import org.mtasts.core.ParseWarning;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.RecordSelection;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;
import org.mtasts.core.StsRecord;
import org.mtasts.core.SyntaxError;
import org.mtasts.core.TlsRptRecord;
import org.mtasts.dns.AddressAnswer;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.dns.MxAnswer;
import org.mtasts.dns.MxHost;
import org.mtasts.http.AddressFilter;
import org.mtasts.http.FetchFailure;
import org.mtasts.http.FetchResult;
import org.mtasts.http.HttpsPolicyFetcher;
import tools.jackson.databind.JsonNode;

/**
 * Everything a careful domain owner checks by hand before and after enabling MTA-STS: the {@code
 * _mta-sts} record, the policy fetch over HTTPS, the policy syntax, the MX records against the
 * policy, STARTTLS and the certificate of each MX, the {@code _smtp._tls} record. Each problem becomes
 * a {@link Finding} with a stable code.
 */
final class DomainCheck implements AutoCloseable {

    /** The most MX hosts probed. */
    static final int MAX_MX = 10;
    /** Below this, an enforced policy expires too soon (RFC 8461 §10.2 prefers weeks). */
    static final long SHORT_MAX_AGE = 86_400;

    /** Receives progress lines, for a terminal. */
    interface Progress {
        void step(String text);

        Progress NONE = text -> { };
    }

    /**
     * How to reach the domain's servers.
     *
     * @param dns the DNS resolver
     * @param trust the trust anchors for policy hosts and MX certificates
     * @param connect overrides: {@code name} or {@code name:port} to the address to use
     * @param timeout per network step
     * @param clock for certificate validity
     * @param stateDir where {@code --state} keeps what it saw, or null
     * @param ehloName the name given in EHLO
     * @param progress progress lines
     */
    record Settings(DnsjavaResolver dns, X509TrustManager trust, Map<String, InetSocketAddress> connect, Duration timeout,
            Clock clock, @Nullable Path stateDir, String ehloName, Progress progress) {
        Settings {
            connect = Map.copyOf(connect);
        }
    }

    /**
     * What an RFC 8461 sender does with mail for the domain, as the check saw it: the policy's mode
     * when the record is valid and the policy was fetched and is valid, else {@code none}.
     *
     * @param apply {@code enforce}, {@code testing} or {@code none}
     * @param because why, in plain language, with the RFC section
     */
    record Senders(String apply, String because) {
        Senders {
            Objects.requireNonNull(apply, "apply");
            Objects.requireNonNull(because, "because");
        }

        /** The contract's senders object: apply, because. */
        Map<String, Object> toJson() {
            Map<String, Object> out = Json.object();
            out.put("apply", apply);
            out.put("because", because);
            return out;
        }
    }

    /**
     * The outcome of one check.
     *
     * @param domain the domain
     * @param senders what senders apply
     * @param policy the policy as served (fetched and valid), whether senders apply it or not; or null
     * @param findings what was found, in the order of the checks
     */
    record Report(DomainName domain, Senders senders, @Nullable StsPolicy policy, List<Finding> findings) {
        Report {
            Objects.requireNonNull(senders, "senders");
            findings = List.copyOf(findings);
        }

        /** 1 if there is an error, else 2 if a step failed temporarily, else 0. */
        int exitCode() {
            boolean temporary = false;
            for (Finding f : findings) {
                if (f.severity() == Finding.Severity.error && !f.temporary()) {
                    return MtastsCli.FINDINGS;
                }
                temporary |= f.temporary();
            }
            return temporary ? MtastsCli.TEMPORARY : MtastsCli.OK;
        }

        Map<String, Object> toJson() {
            Map<String, Object> doc = Json.object();
            doc.put("domain", domain.ascii());
            doc.put("senders", senders.toJson());
            doc.put("policy", policy == null ? null : Json.policy(policy));
            List<Object> list = new ArrayList<>();
            for (Finding f : findings) {
                list.add(f.toJson());
            }
            doc.put("findings", list);
            return doc;
        }
    }

    private final Settings settings;
    private final OkHttpClient base;
    private final HttpsPolicyFetcher fetcher;
    private final OkHttpClient plainHttp;
    private final MxCertificateCheck certificates;

    DomainCheck(Settings settings) {
        this.settings = settings;
        Dns dns = this::lookup;
        this.base = new OkHttpClient.Builder().dns(dns).build();
        HttpsPolicyFetcher.Builder b = HttpsPolicyFetcher.builder()
                .client(base)
                .trustManager(settings.trust())
                .timeout(settings.timeout())
                // A domain owner may well check a set-up on a private network.
                .addressFilter(AddressFilter.ANY)
                .addressOverrides(NetworkOptions.httpsOverrides(settings.connect()));
        this.fetcher = b.build();
        this.plainHttp = base.newBuilder().followRedirects(false).followSslRedirects(false)
                .callTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS).build();
        this.certificates = MxCertificateCheck.builder().trustManager(settings.trust()).clock(settings.clock()).build();
    }

    /** Releases the HTTP client's threads and connections (the check owns them). */
    @Override
    public void close() {
        fetcher.close();
        base.dispatcher().executorService().shutdown();
        base.connectionPool().evictAll();
    }

    Report run(DomainName domain) {
        List<Finding> findings = new ArrayList<>();
        Discovery<StsRecord> discovery = checkStsRecord(domain, findings);
        StsRecord record = discovery instanceof Discovery.Found<StsRecord> found ? found.record() : null;
        StsPolicy policy = checkPolicy(domain, findings);
        Senders senders = senders(domain, discovery, policy, findings);
        List<DomainName> mxHosts = checkMx(domain, policy, findings);
        for (DomainName mx : mxHosts) {
            probeMx(domain, mx, findings);
        }
        boolean tlsRpt = checkTlsRpt(domain, findings);
        if (policy != null) {
            checkMode(domain, policy, tlsRpt, record != null, findings);
            if (settings.stateDir() != null && record != null) {
                checkState(domain, record, policy, findings);
            }
        }
        boolean clean = findings.stream().noneMatch(f -> f.severity() != Finding.Severity.info);
        if (clean && policy != null && record != null) {
            findings.add(Finding.info("ok", "MTA-STS is set up correctly: mode " + policy.mode().token() + ", "
                    + mxHosts.size() + " MX host" + (mxHosts.size() == 1 ? "" : "s") + " listed and secured with valid certificates.", ""));
        }
        return new Report(domain, senders, policy, findings);
    }

    /**
     * What a sender applies (RFC 8461 §3.1, §3.3, §5): the policy's mode when the record is valid
     * and the policy was fetched and is valid, else none; a sender with an unexpired cached policy
     * keeps applying that one, which the reasons say.
     */
    static Senders senders(DomainName domain, Discovery<StsRecord> discovery, @Nullable StsPolicy policy,
            List<Finding> findings) {
        String name = domain.stsRecordName();
        switch (discovery.kind()) {
            case ABSENT:
                return new Senders("none", "there is no MTA-STS record at " + name
                        + ", so senders do not look for a policy (RFC 8461 §3.1)");
            case MULTIPLE:
                return new Senders("none", "there are " + ((Discovery.Multiple<StsRecord>) discovery).texts().size()
                        + " MTA-STS records at " + name + ", so senders assume there is no policy (RFC 8461 §3.1)");
            case INVALID:
                return new Senders("none", "the MTA-STS record at " + name
                        + " is invalid, so senders assume there is no policy (RFC 8461 §3.1)");
            case TEMPORARY_FAILURE:
                return new Senders("none", "the lookup of " + name + " failed, so senders apply only a policy they "
                        + "cached before, until it expires (RFC 8461 §5.1)");
            default:
                break;
        }
        if (policy == null) {
            String problem = findings.stream().filter(f -> f.code().startsWith("policy-")
                    && f.severity() == Finding.Severity.error).map(Finding::code).findFirst().orElse("no policy");
            return new Senders("none", "the record is valid but no valid policy can be fetched (" + problem
                    + "), so senders deliver as without MTA-STS, or apply a policy they cached before until it "
                    + "expires (RFC 8461 §3.3)");
        }
        switch (policy.mode()) {
            case ENFORCE:
                return new Senders("enforce", "the record is valid and the policy was fetched: senders deliver only "
                        + "to MX hosts that match it and present a valid certificate over STARTTLS (RFC 8461 §5)");
            case TESTING:
                return new Senders("testing", "the record is valid and the policy was fetched in mode testing: "
                        + "senders check the MX hosts against it and report failures, but deliver anyway (RFC 8461 §5)");
            default:
                return new Senders("none", "the policy's mode is none: senders apply no policy (RFC 8461 §5, §8.3)");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // _mta-sts TXT (RFC 8461 §3.1)

    private Discovery<StsRecord> checkStsRecord(DomainName domain, List<Finding> findings) {
        String name = domain.stsRecordName();
        settings.progress().step("looking up TXT " + name);
        Discovery<StsRecord> d = RecordSelection.sts(settings.dns().resolveTxt(name));
        if (d instanceof Discovery.Found<StsRecord> found) {
            for (ParseWarning w : found.warnings()) {
                findings.add(recordWarning("sts-record-", name, w));
            }
            return d;
        }
        if (d instanceof Discovery.Absent<StsRecord> absent) {
            findings.add(Finding.error("sts-record-missing", "There is no MTA-STS record at " + name + " ("
                    + absent.detail() + "), so senders do not look for a policy.",
                    "Publish " + name + " TXT \"v=STSv1; id=<new id>\" after the policy file is served "
                            + "(mtasts generate " + domain + ")."));
        } else if (d instanceof Discovery.Multiple<StsRecord> multiple) {
            findings.add(Finding.error("sts-record-multiple", multiple.texts().size() + " TXT records at " + name
                    + " start with v=STSv1: senders must then assume there is no policy (RFC 8461 §3.1).",
                    "Delete all but one; keep the one with the current id."));
        } else if (d instanceof Discovery.Invalid<StsRecord> invalid) {
            SyntaxError e = invalid.error();
            findings.add(Finding.error("sts-record-invalid", "The record at " + name + " is invalid, so senders ignore it: "
                    + e.detail() + " at column " + e.column() + " of \"" + TlsProbe.printable(invalid.text()) + "\" ("
                    + e.rule() + ").", fixFor(e)));
        } else if (d instanceof Discovery.TemporaryFailure<StsRecord> failure) {
            findings.add(Finding.temporary("sts-record-dns-error", "The lookup of " + name + " failed: "
                    + failure.detail() + ". Senders without a cached policy may defer mail or send without MTA-STS.",
                    "Check that the domain's name servers answer for " + name + "."));
        }
        return d;
    }

    /**
     * A problem senders tolerate in a record that counts ({@code sts-record-...} or {@code
     * tlsrpt-record-...} with the parser's warning code; {@code ...-discarded} for a lookalike).
     */
    private static Finding recordWarning(String prefix, String name, ParseWarning w) {
        switch (w.code()) {
            case ParseWarning.TRAILING_WHITESPACE:
                return Finding.warning(prefix + "trailing-whitespace", "The record at " + name + " ends in whitespace "
                        + "without a ';' before it, at column " + w.column() + ": outside the grammar of " + w.rule()
                        + "; common senders accept it, a strict one may ignore the record.",
                        "Remove the trailing whitespace (or end the record with ';').");
            case ParseWarning.DISCARDED_RECORD:
                return Finding.warning(prefix + "discarded", "At " + name + ", " + w.detail() + " (" + w.rule() + ").",
                        "Delete the record that does not begin with the version and ';'.");
            case ParseWarning.DUPLICATE_FIELD:
                return Finding.warning(prefix + "duplicate-field", "The record at " + name + " has a problem senders "
                        + "tolerate: " + w.detail() + " (column " + w.column() + ", " + w.rule() + ").",
                        "Keep each field once.");
            default:
                return Finding.warning(prefix + w.code(), "The record at " + name + ": " + w.detail() + " (column "
                        + w.column() + ", " + w.rule() + ").", "Fix the record.");
        }
    }

    private static String fixFor(SyntaxError e) {
        switch (e.kind()) {
            case STS_RECORD_INVALID_ID:
            case STS_RECORD_MISSING_ID:
                return "Use an id of 1 to 32 letters and digits only, such as a UTC timestamp 20260101T000000.";
            case STS_RECORD_EMPTY_FIELD:
                return "Remove the doubled ';'.";
            default:
                return "Publish exactly: v=STSv1; id=<letters and digits>";
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The policy file (RFC 8461 §3.2, §3.3)

    private @Nullable StsPolicy checkPolicy(DomainName domain, List<Finding> findings) {
        String url = "https://" + domain.policyHost() + "/.well-known/mta-sts.txt";
        settings.progress().step("fetching " + url);
        FetchResult result = fetcher.fetch(domain);
        if (result instanceof FetchResult.Fetched fetched) {
            for (ParseWarning w : fetched.parseWarnings()) {
                findings.add(Finding.warning("policy-" + w.code(), "The policy has a problem senders tolerate: " + w.detail()
                        + " (line " + w.line() + ").", w.code().equals(ParseWarning.MAX_AGE_CLAMPED)
                                ? "Use a max_age of at most 31557600 seconds (one year)."
                                : "Keep each field once (mx lines excepted)."));
            }
            for (String w : fetched.fetchWarnings()) {
                findings.add(Finding.warning("policy-fetch-warning", w, "Serve the policy as text/plain."));
            }
            return fetched.policy();
        }
        if (result instanceof FetchResult.Invalid invalid) {
            SyntaxError e = invalid.error();
            findings.add(Finding.error("policy-invalid", "The policy at " + url + " is invalid, so senders ignore it: "
                    + e.detail() + " at line " + e.line() + ", column " + e.column() + " (" + e.rule() + ").",
                    "Fix the policy file (mtasts policy lint), then publish a new id."));
            return null;
        }
        if (result instanceof FetchResult.NotServed notServed) {
            boolean redirect = notServed.status() >= 300 && notServed.status() < 400;
            if (redirect) {
                findings.add(Finding.error("policy-redirect", url + " answers " + notServed.status() + " with a redirect"
                        + (notServed.location() == null ? "" : " to " + TlsProbe.printable(notServed.location()))
                        + "; senders do not follow redirects (RFC 8461 §3.3).",
                        "Serve the policy itself at this exact URL with status 200."));
            } else {
                findings.add(Finding.error("policy-http-status", url + " answers HTTP " + notServed.status()
                        + "; only 200 counts (RFC 8461 §3.3).", "Serve the policy at this exact URL with status 200."));
            }
            return null;
        }
        FetchResult.Failed failed = (FetchResult.Failed) result;
        FetchFailure failure = failed.failure();
        if (failure == FetchFailure.CONNECT || failure == FetchFailure.TLS_HANDSHAKE || failure == FetchFailure.IO
                || failure == FetchFailure.TIMEOUT) {
            StsPolicy overHttp = fetchOverHttp(domain);
            if (overHttp != null) {
                findings.add(Finding.error("policy-http-only", "The policy is served over plain HTTP only: " + url
                        + " fails (" + failed.detail() + "). Senders fetch it over HTTPS only (RFC 8461 §3.3).",
                        "Serve the policy over HTTPS on port 443 with a certificate valid for " + domain.policyHost() + "."));
                return null;
            }
        }
        String detail = failed.detail();
        switch (failure) {
            case CERTIFICATE_EXPIRED:
            case CERTIFICATE_NOT_YET_VALID:
                findings.add(Finding.error("policy-cert-expired", "The certificate of " + domain.policyHost()
                        + " is out of date: " + detail + ". Senders cannot fetch the policy (RFC 8461 §3.3).",
                        "Renew the certificate of " + domain.policyHost() + " and automate its renewal."));
                break;
            case CERTIFICATE_NOT_TRUSTED:
                findings.add(Finding.error("policy-cert-untrusted", "The certificate of " + domain.policyHost()
                        + " does not chain to a trusted root: " + detail + ".",
                        "Use a certificate from a public CA and serve the intermediate certificates too."));
                break;
            case CERTIFICATE_HOST_MISMATCH:
                findings.add(Finding.error("policy-cert-host-mismatch", "The certificate of " + domain.policyHost()
                        + " is not valid for that name: " + detail + ".",
                        "Add " + domain.policyHost() + " to the certificate's subject alternative names."));
                break;
            case WEBPKI_INVALID:
                findings.add(Finding.error("policy-cert-invalid", "The certificate of " + domain.policyHost()
                        + " is not acceptable: " + detail + ".", "Use a valid certificate for " + domain.policyHost() + "."));
                break;
            case CONTENT_TYPE:
            case CHARSET:
                findings.add(Finding.error("policy-content-type", url + ": " + detail
                        + ". Senders check that the media type is text/plain (RFC 8461 §3.2).",
                        "Serve the file with Content-Type: text/plain (charset utf-8 or none)."));
                break;
            case TOO_LARGE:
                findings.add(Finding.error("policy-too-large", url + ": " + detail
                        + ". Senders stop reading at 64 KiB (RFC 8461 §3.3).", "Serve only the policy, a few lines."));
                break;
            case HOST_NOT_FOUND:
                findings.add(Finding.error("policy-host-not-found", domain.policyHost() + " does not resolve: " + detail + ".",
                        "Publish an A/AAAA record (or CNAME) for " + domain.policyHost() + "."));
                break;
            case TIMEOUT:
                findings.add(Finding.temporary("policy-timeout", url + " did not answer in time: " + detail + ".",
                        "Check that the policy host is reachable on port 443 from the Internet."));
                break;
            default:
                findings.add(Finding.error("policy-fetch-failed", "Fetching " + url + " failed: " + detail + " ("
                        + failure.code() + ").", "Serve the policy over HTTPS on port 443."));
        }
        return null;
    }

    /** The classic mistake: a policy that only plain HTTP serves. */
    private @Nullable StsPolicy fetchOverHttp(DomainName domain) {
        String host = domain.policyHost();
        InetSocketAddress override = override(host, 80);
        String url = "http://" + host + ":" + (override != null ? override.getPort() : 80) + "/.well-known/mta-sts.txt";
        settings.progress().step("trying plain " + url);
        try (Response response = plainHttp.newCall(new Request.Builder().url(url).get().build()).execute()) {
            if (response.code() != 200) {
                return null;
            }
            byte[] body = response.body().source().readByteArray(Math.min(response.body().contentLength() < 0
                    ? 65_536 : response.body().contentLength(), 65_536));
            return StsPolicy.parse(body).toOptional().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // MX hosts against the policy (RFC 8461 §4.1)

    private List<DomainName> checkMx(DomainName domain, @Nullable StsPolicy policy, List<Finding> findings) {
        settings.progress().step("looking up MX " + domain);
        MxAnswer answer = settings.dns().resolveMx(domain);
        List<DomainName> hosts = new ArrayList<>();
        if (answer instanceof MxAnswer.Hosts found) {
            for (MxHost h : found.hosts()) {
                hosts.add(h.host());
            }
        } else if (answer instanceof MxAnswer.Implicit) {
            findings.add(Finding.warning("mx-implicit", domain + " has no MX records, so mail goes to the domain itself "
                    + "(RFC 5321 §5.1), and the policy must list " + domain + ".", "Publish MX records."));
            hosts.add(domain);
        } else if (answer instanceof MxAnswer.NullMx) {
            findings.add(Finding.warning("mx-null", domain + " publishes a null MX (RFC 7505): it accepts no mail, "
                    + "so an MTA-STS policy protects nothing.", "Remove the MTA-STS records, or publish real MX records."));
            return List.of();
        } else if (answer instanceof MxAnswer.NoDomain) {
            findings.add(Finding.error("mx-no-domain", domain + " does not exist in DNS (NXDOMAIN).", "Check the domain name."));
            return List.of();
        } else if (answer instanceof MxAnswer.TemporaryFailure failure) {
            findings.add(Finding.temporary("mx-dns-error", "The MX lookup of " + domain + " failed: " + failure.detail() + ".",
                    "Check that the domain's name servers answer."));
            return List.of();
        }
        if (policy != null && policy.mode() != PolicyMode.NONE) {
            for (DomainName mx : hosts) {
                if (policy.matches(mx)) {
                    continue;
                }
                MxPattern parent = null;
                for (MxPattern p : policy.mx()) {
                    if (!p.wildcard() && mx.isSubdomainOf(p.domain())) {
                        parent = p;
                    }
                }
                if (parent != null) {
                    findings.add(Finding.error("policy-lists-apex", "The policy lists " + parent.domain() + " but the MX host is "
                            + mx + ": an exact mx pattern matches only that name, so enforcing senders will refuse " + mx
                            + " (RFC 8461 §4.1).", "List the MX host itself (mx: " + mx + ") or a wildcard (mx: *."
                            + mx.parent() + "), then publish a new id."));
                } else {
                    findings.add(Finding.error("mx-not-in-policy", "The MX host " + mx + " matches no mx pattern of the policy ("
                            + patterns(policy) + "): " + (policy.mode() == PolicyMode.ENFORCE
                                    ? "enforcing senders refuse to deliver to it" : "once enforced, senders will refuse it")
                            + " (RFC 8461 §4.1).", "Add mx: " + mx + " to the policy, then publish a new id."));
                }
            }
            for (MxPattern p : policy.mx()) {
                if (hosts.stream().noneMatch(p::matches)) {
                    findings.add(Finding.warning("mx-pattern-unused", "The pattern mx: " + p + " matches none of the MX hosts ("
                            + names(hosts) + ").", "Remove it, or check for a typo."));
                }
            }
        }
        if (hosts.size() > MAX_MX) {
            findings.add(Finding.info("mx-probe-limit", hosts.size() + " MX hosts; only the first " + MAX_MX + " are probed.", ""));
            return hosts.subList(0, MAX_MX);
        }
        return hosts;
    }

    private static String patterns(StsPolicy policy) {
        List<String> out = new ArrayList<>();
        policy.mx().forEach(p -> out.add(p.toText()));
        return String.join(", ", out);
    }

    private static String names(Collection<DomainName> hosts) {
        List<String> out = new ArrayList<>();
        hosts.forEach(h -> out.add(h.ascii()));
        return String.join(", ", out);
    }

    // ---------------------------------------------------------------------------------------------
    // STARTTLS and the certificate of each MX (RFC 8461 §4.2)

    private void probeMx(DomainName domain, DomainName mx, List<Finding> findings) {
        InetSocketAddress address = override(mx.ascii(), 25);
        if (address == null) {
            InetAddress ip = resolveOne(mx);
            if (ip == null) {
                findings.add(Finding.temporary("mx-address-not-found", "The MX host " + mx + " has no address, so it cannot be probed.",
                        "Publish an A/AAAA record for " + mx + "."));
                return;
            }
            address = new InetSocketAddress(ip, 25);
        }
        settings.progress().step("STARTTLS with " + mx + " (" + address.getAddress().getHostAddress() + ":" + address.getPort() + ")");
        TlsProbe.Result probe = TlsProbe.smtp(mx.ascii(), address, settings.timeout(), settings.ehloName());
        switch (probe.outcome()) {
            case CONNECT_FAILED:
            case TIMEOUT:
                findings.add(Finding.temporary("mx-unreachable", "Could not test " + mx + ": " + probe.detail()
                        + ". (Port 25 is often blocked on home and cloud networks: run the check from a mail server.)",
                        "Make sure " + mx + " accepts connections on port 25."));
                return;
            case PROTOCOL_ERROR:
                findings.add(Finding.error("mx-smtp-error", mx + " broke the SMTP dialogue: " + probe.detail() + ".",
                        "Check the mail server on " + mx + "."));
                return;
            case NO_STARTTLS:
                findings.add(Finding.error("mx-starttls-missing", mx + " does not offer STARTTLS, so no sender can deliver to it "
                        + "under an enforced policy (RFC 8461 §4.2).", "Enable STARTTLS with a valid certificate for " + mx + "."));
                return;
            case HANDSHAKE_FAILED:
                findings.add(Finding.error("mx-tls-failed", "The TLS handshake with " + mx + " failed: " + probe.detail() + ".",
                        "Offer TLS 1.2 or 1.3 with a certificate for " + mx + "."));
                return;
            case SECURED:
                break;
        }
        CertificateVerdict verdict = certificates.check(mx, probe.chain());
        if (verdict instanceof CertificateVerdict.Invalid invalid) {
            ResultType type = invalid.resultType();
            if (type.equals(ResultType.CERTIFICATE_EXPIRED)) {
                findings.add(Finding.error("mx-cert-expired", "The certificate of " + mx + " is out of date: " + invalid.detail()
                        + ". Enforcing senders refuse it (RFC 8461 §4.2).", "Renew the certificate of " + mx + "."));
            } else if (type.equals(ResultType.CERTIFICATE_NOT_TRUSTED)) {
                findings.add(Finding.error("mx-cert-untrusted", "The certificate of " + mx + " does not chain to a trusted root: "
                        + invalid.detail() + ". Enforcing senders refuse it (RFC 8461 §4.2).",
                        "Use a certificate from a public CA, and send the intermediate certificates."));
            } else if (type.equals(ResultType.CERTIFICATE_HOST_MISMATCH)) {
                List<String> names = dnsNames(probe.chain().get(0));
                boolean webOnly = names.stream().anyMatch(n -> n.equalsIgnoreCase(domain.ascii())
                        || n.equalsIgnoreCase("www." + domain.ascii()) || n.equalsIgnoreCase("*." + domain.ascii())
                        || n.equalsIgnoreCase(domain.policyHost()));
                if (webOnly) {
                    findings.add(Finding.error("mx-cert-web-only", "The certificate of " + mx + " is the web site's (" + String.join(", ", names)
                            + "), not valid for the MX host " + mx + ". Enforcing senders refuse it (RFC 8461 §4.2).",
                            "Give " + mx + " a certificate whose subject alternative names include " + mx + "."));
                } else {
                    findings.add(Finding.error("mx-cert-host-mismatch", "The certificate of " + mx + " is not valid for that name: "
                            + invalid.detail() + " (RFC 8461 §4.2).", "Add " + mx + " to the certificate's subject alternative names."));
                }
            } else {
                findings.add(Finding.error("mx-cert-invalid", "The certificate of " + mx + " is not acceptable: " + invalid.detail()
                        + " (" + invalid.failureReasonCode() + ").", "Use a certificate for " + mx + " from a public CA."));
            }
        }
    }

    /** The certificate's DNS names, escaped for a message ({@link MxCertificateCheck#dnsNames}). */
    private static List<String> dnsNames(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            for (String name : MxCertificateCheck.dnsNames(cert)) {
                names.add(TlsProbe.printable(name));
            }
        } catch (CertificateParsingException e) {
            names.add("(unreadable: " + TlsProbe.printable(String.valueOf(e.getMessage())) + ")");
        }
        return names;
    }

    // ---------------------------------------------------------------------------------------------
    // _smtp._tls TXT (RFC 8460 §3)

    private boolean checkTlsRpt(DomainName domain, List<Finding> findings) {
        String name = domain.tlsRptRecordName();
        settings.progress().step("looking up TXT " + name);
        Discovery<TlsRptRecord> d = RecordSelection.tlsRpt(settings.dns().resolveTxt(name));
        if (d instanceof Discovery.Found<TlsRptRecord> found) {
            for (ParseWarning w : found.warnings()) {
                if (!w.code().equals(ParseWarning.NO_SUPPORTED_RUA)) { // an error of its own, below
                    findings.add(recordWarning("tlsrpt-record-", name, w));
                }
            }
            if (!found.record().hasSupportedTarget()) {
                findings.add(Finding.error("tlsrpt-no-supported-rua", "The TLS-RPT record at " + name
                        + " names no mailto: or https: destination, so no report can be delivered (RFC 8460 §3).",
                        "Use rua=mailto:tlsrpt@" + domain + " or an https: URL."));
                return false;
            }
            return true;
        }
        if (d instanceof Discovery.Multiple<TlsRptRecord> multiple) {
            findings.add(Finding.error("tlsrpt-record-multiple", multiple.texts().size() + " TLS-RPT records at " + name
                    + ": senders ignore them all (RFC 8460 §3).", "Keep exactly one; list several destinations in one rua."));
        } else if (d instanceof Discovery.Invalid<TlsRptRecord> invalid) {
            findings.add(Finding.error("tlsrpt-record-invalid", "The TLS-RPT record at " + name + " is invalid: "
                    + invalid.error().detail() + " at column " + invalid.error().column() + " (RFC 8460 §3).",
                    "Publish: v=TLSRPTv1; rua=mailto:tlsrpt@" + domain));
        } else if (d instanceof Discovery.TemporaryFailure<TlsRptRecord> failure) {
            findings.add(Finding.temporary("tlsrpt-dns-error", "The lookup of " + name + " failed: " + failure.detail() + ".",
                    "Check that the domain's name servers answer for " + name + "."));
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------
    // Mode, max_age, TLS-RPT together

    private void checkMode(DomainName domain, StsPolicy policy, boolean tlsRpt, boolean hasRecord, List<Finding> findings) {
        String tlsRptName = domain.tlsRptRecordName();
        if (!tlsRpt && findings.stream().noneMatch(f -> f.code().startsWith("tlsrpt-"))) {
            if (policy.mode() == PolicyMode.ENFORCE) {
                findings.add(Finding.error("enforce-without-tlsrpt", "The policy is enforced but there is no TLS-RPT record at "
                        + tlsRptName + ": when senders refuse your MX hosts, nobody tells you.",
                        "Publish " + tlsRptName + " TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@" + domain + "\"."));
            } else {
                findings.add(Finding.warning("tlsrpt-record-missing", "There is no TLS-RPT record at " + tlsRptName
                        + ", so senders cannot report TLS failures to you.",
                        "Publish " + tlsRptName + " TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@" + domain + "\"."));
            }
        }
        if (policy.mode() == PolicyMode.ENFORCE && policy.maxAge() < SHORT_MAX_AGE) {
            findings.add(Finding.warning("max-age-short", "max_age is " + policy.maxAge() + " s (" + Durations.human(policy.maxAge())
                    + "): an enforced policy that expires this soon leaves senders unprotected between fetches "
                    + "(RFC 8461 §10.2 recommends weeks).", "Use max_age: 604800 (one week) or more once the set-up is stable."));
        }
        if (policy.mode() == PolicyMode.TESTING && hasRecord) {
            findings.add(Finding.info("mode-testing", "The policy is in testing mode: senders deliver even when TLS fails, "
                    + "and report it. Before switching to enforce, review at least two weeks of TLS-RPT reports "
                    + "(mtasts report summary), make sure every MX host is listed and presents a valid certificate, "
                    + "then publish mode: enforce with a new id.", "Switch to enforce when the reports show no failures."));
        }
        if (policy.mode() == PolicyMode.NONE) {
            findings.add(Finding.info("mode-none", "The policy's mode is none: MTA-STS is being withdrawn (RFC 8461 §8.3).",
                    "Remove the records and the policy host once the previous max_age has passed."));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // --state: the policy changed but the id did not (RFC 8461 §3.1)

    private void checkState(DomainName domain, StsRecord record, StsPolicy policy, List<Finding> findings) {
        Path dir = Objects.requireNonNull(settings.stateDir());
        Path file = dir.resolve(domain.ascii() + ".json");
        String text = policy.toText();
        try {
            Files.createDirectories(dir);
            if (Files.exists(file)) {
                JsonNode previous = Json.MAPPER.readTree(Files.readString(file));
                String previousId = previous.path("id").asString("");
                String previousPolicy = previous.path("policy").asString("");
                if (previousId.equals(record.id()) && !previousPolicy.equals(text)) {
                    findings.add(Finding.error("policy-changed-id-unchanged", "The policy changed since the last check but the "
                            + "record id is still " + record.id() + ": senders that cached the old policy keep it until it expires "
                            + "(RFC 8461 §3.1).", "Publish a new id in " + domain.stsRecordName() + " (mtasts generate "
                            + domain + " --from <policy file>)."));
                }
            }
            Map<String, Object> state = Json.object();
            state.put("id", record.id());
            state.put("policy", text);
            state.put("checked_at", settings.clock().instant().toString());
            Path tmp = Files.createTempFile(dir, domain.ascii(), ".tmp");
            Files.writeString(tmp, Json.write(state), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Addresses

    private @Nullable InetSocketAddress override(String host, int port) {
        InetSocketAddress specific = settings.connect().get(host + ":" + port);
        return specific != null ? specific : settings.connect().get(host);
    }

    private @Nullable InetAddress resolveOne(DomainName host) {
        try {
            List<InetAddress> all = lookup(host.ascii());
            return all.isEmpty() ? null : all.get(0);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Resolves through the configured DNS server (so --dns covers policy hosts and MX hosts too). */
    private List<InetAddress> lookup(String hostname) throws UnknownHostException {
        InetSocketAddress override = settings.connect().get(hostname);
        if (override != null) {
            return List.of(override.getAddress());
        }
        ParseResult<DomainName> name = DomainName.parse(hostname);
        if (!name.isValid()) {
            throw new UnknownHostException(TlsProbe.printable(hostname));
        }
        AddressAnswer answer = settings.dns().resolveAddresses(name.orElseThrow());
        if (answer instanceof AddressAnswer.Addresses found) {
            Set<InetAddress> unique = new LinkedHashSet<>(found.addresses());
            return List.copyOf(unique);
        }
        throw new UnknownHostException(hostname + ": " + (answer instanceof AddressAnswer.TemporaryFailure f
                ? f.detail() : "no A or AAAA records"));
    }
}
