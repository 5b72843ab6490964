package org.mtasts.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DeliveryDecision;
import org.mtasts.core.DomainName;
import org.mtasts.core.MxHandshake;
import org.mtasts.core.MxPattern;
import org.mtasts.core.StsPolicy;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.dns.MxAnswer;
import org.mtasts.dns.MxHost;
import org.mtasts.http.AddressFilter;
import org.mtasts.http.HttpsPolicyFetcher;
import org.mtasts.http.MtaSts;
import org.mtasts.http.MxSession;
import org.mtasts.http.PolicyResolution;
import org.mtasts.tlsrpt.ReportAggregator;
import org.mtasts.tlsrpt.FailureDetails;

/**
 * Delivers one message as a sending MTA that honours MTA-STS does (RFC 8461 §5), on the library's
 * sender path: {@link MtaSts#resolve} for the recipient domain's policy, the MX hosts from DNS, one
 * {@link MxSession} per MX host (which refuses an unlisted MX host in mode enforce, checks the
 * certificate during the STARTTLS handshake and decides), then the SMTP transaction.
 *
 * <p>Every MX host is first checked against the policy (RFC 8461 §4.1), so that every host an
 * enforced policy refuses shows, without a connection; the others are tried in preference order
 * until one takes the message. A permanent rejection of the message (a 5xx reply to MAIL, RCPT,
 * DATA or the message, RFC 5321 §4.2.1) ends the delivery: another MX host would reject it too.
 *
 * <p>Bounded like {@link TlsProbe}: each connect and read waits at most the timeout, one attempt
 * (connect to QUIT) at most {@value #ATTEMPT_TIMEOUTS} times the timeout (a {@link
 * SmtpWire.Watchdog} closes the connection then), replies are read by {@link SmtpWire}, at most
 * {@value #MAX_MX} MX hosts and {@value #MAX_ADDRESSES} addresses per host are tried.
 */
final class Sender {

    /** The most MX hosts considered. */
    static final int MAX_MX = DomainCheck.MAX_MX;
    /** The most addresses of one MX host tried when connecting fails. */
    static final int MAX_ADDRESSES = 3;
    /** One attempt, connect to QUIT, is bounded by this many timeouts. */
    static final int ATTEMPT_TIMEOUTS = 4;
    /** The resolution of the policy (TXT lookup with retries, then the fetch) waits this many timeouts. */
    static final int RESOLVE_TIMEOUTS = 5;

    /**
     * How to reach the domain's servers.
     *
     * @param dns the DNS resolver (TXT for the policy, MX, addresses)
     * @param trust the roots of policy host and MX host certificates
     * @param connect overrides: {@code name} or {@code name:port} to the address to use
     * @param timeout per connect and read
     * @param clock for certificate validity and the policy cache
     * @param ehloName the name given in EHLO
     * @param steps receives each step, for people
     * @param counts where each session is counted for TLS-RPT, or null
     */
    record Settings(DnsjavaResolver dns, X509TrustManager trust, Map<String, InetSocketAddress> connect, Duration timeout,
            Clock clock, String ehloName, Consumer<String> steps, @Nullable ReportAggregator counts) {
        Settings {
            connect = Map.copyOf(connect);
        }

        Settings(DnsjavaResolver dns, X509TrustManager trust, Map<String, InetSocketAddress> connect, Duration timeout,
                Clock clock, String ehloName, Consumer<String> steps) {
            this(dns, trust, connect, timeout, clock, ehloName, steps, null);
        }
    }

    /** How an attempt with one MX host ended. */
    enum Outcome {
        /** The server took the message. */
        DELIVERED,
        /** The policy refused the MX host (mode enforce, RFC 8461 §5). */
        REFUSED,
        /** The connection or SMTP failed (not a policy refusal). */
        FAILED;

        String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One attempt with one MX host.
     *
     * @param mx the MX host
     * @param outcome how it ended
     * @param resultType the TLS-RPT result type the session records, or null (success, or no TLS
     *     outcome)
     * @param reason why, in one line
     * @param smtpReply the server's last reply line before QUIT, escaped, or empty
     * @param temporary whether it failed only by a connect, DNS or timeout error
     * @param permanent whether the server rejected the message permanently (5xx)
     */
    record Attempt(DomainName mx, Outcome outcome, @Nullable String resultType, String reason, String smtpReply,
            boolean temporary, boolean permanent) {
        Map<String, Object> toJson() {
            Map<String, Object> out = Json.object();
            out.put("mx", mx.ascii());
            out.put("outcome", outcome.token());
            out.put("result_type", resultType);
            out.put("reason", reason);
            out.put("smtp_reply", smtpReply);
            return out;
        }
    }

    /**
     * The whole delivery.
     *
     * @param domain the recipient domain
     * @param policy the policy applied, or null
     * @param attempts the attempts, refusals before connecting first
     * @param delivered whether an MX host took the message
     * @param temporary whether it failed only temporarily (policy unknown, DNS, connect, timeout)
     */
    record Report(DomainName domain, @Nullable StsPolicy policy, List<Attempt> attempts, boolean delivered,
            boolean temporary) {
        Report {
            attempts = List.copyOf(attempts);
        }

        /** 0 delivered, 2 temporary, else 1. */
        int exitCode() {
            return delivered ? MtastsCli.OK : temporary ? MtastsCli.TEMPORARY : MtastsCli.FINDINGS;
        }

        Map<String, Object> toJson() {
            Map<String, Object> doc = Json.object();
            doc.put("domain", domain.ascii());
            doc.put("policy", policy == null ? null : Json.policy(policy));
            List<Object> list = new ArrayList<>();
            for (Attempt a : attempts) {
                list.add(a.toJson());
            }
            doc.put("attempts", list);
            doc.put("delivered", delivered);
            return doc;
        }
    }

    private final Settings settings;
    private final Addresses addresses;
    private final int timeoutMillis;

    Sender(Settings settings) {
        this.settings = settings;
        this.addresses = new Addresses(settings.dns(), settings.connect());
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
    }

    /**
     * Delivers the message to the recipient's domain.
     *
     * @param from the envelope sender
     * @param to the recipient; its domain is the policy domain
     * @param message the message
     * @return what happened
     */
    Report send(Mailbox from, Mailbox to, MailMessage message) {
        OkHttpClient base = new OkHttpClient.Builder().dns(addresses::lookup).build();
        HttpsPolicyFetcher fetcher = HttpsPolicyFetcher.builder()
                .client(base)
                .trustManager(settings.trust())
                .timeout(settings.timeout())
                // A postmaster may well test a set-up on a private network.
                .addressFilter(AddressFilter.ANY)
                .addressOverrides(addresses.httpsOverrides())
                .build();
        Duration resolveTimeout = settings.timeout().multipliedBy(RESOLVE_TIMEOUTS);
        MtaSts.Builder builder = MtaSts.builder()
                .txtResolver(settings.dns())
                .fetcher(fetcher)
                .mxTrustManager(settings.trust())
                .clock(settings.clock())
                .proactiveRefresh(false)
                .resolveTimeout(resolveTimeout.compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : resolveTimeout);
        if (settings.counts() != null) {
            builder.reportAggregator(settings.counts());
        }
        try (fetcher; MtaSts sts = builder.build()) {
            return send(sts, from, to, message);
        } finally {
            base.dispatcher().executorService().shutdown();
            base.connectionPool().evictAll();
        }
    }

    private Report send(MtaSts sts, Mailbox from, Mailbox to, MailMessage message) {
        DomainName domain = to.domain();
        step("send " + from + " -> " + to + " (" + message.size() + " bytes)");
        step("policy: looking up TXT " + domain.stsRecordName() + " (and then the policy at https://" + domain.policyHost()
                + HttpsPolicyFetcher.PATH + ")");
        PolicyResolution resolution = sts.resolve(domain);
        describe(resolution);
        if (resolution.policyUnknown()) {
            step("not delivered: the policy of " + domain + " is unknown (the lookup failed and nothing is cached); "
                    + "RFC 8461 leaves the choice to the sender, and send defers, as a cautious MTA does: try again later");
            return new Report(domain, null, List.of(), false, true);
        }
        StsPolicy policy = resolution.policyToApply().orElse(null);

        step("MX: looking up MX " + domain);
        MxAnswer answer = settings.dns().resolveMx(domain);
        List<MxHost> hosts = new ArrayList<>();
        if (answer instanceof MxAnswer.Hosts found) {
            hosts.addAll(found.hosts());
        } else if (answer instanceof MxAnswer.Implicit) {
            step("MX: " + domain + " has no MX records: the domain itself is the MX host (RFC 5321 §5.1)");
            hosts.add(new MxHost(domain, 0));
        } else if (answer instanceof MxAnswer.NullMx) {
            step("not delivered: " + domain + " publishes a null MX (RFC 7505): it accepts no mail");
            return new Report(domain, policy, List.of(), false, false);
        } else if (answer instanceof MxAnswer.NoDomain) {
            step("not delivered: " + domain + " does not exist (NXDOMAIN)");
            return new Report(domain, policy, List.of(), false, false);
        } else if (answer instanceof MxAnswer.TemporaryFailure failure) {
            step("not delivered: the MX lookup of " + domain + " failed: " + TlsProbe.printable(failure.detail())
                    + "; an MTA tries again later");
            return new Report(domain, policy, List.of(), false, true);
        }
        if (hosts.size() > MAX_MX) {
            step("MX: " + hosts.size() + " MX hosts; only the first " + MAX_MX + " are considered");
            hosts = hosts.subList(0, MAX_MX);
        }
        List<String> names = new ArrayList<>();
        for (MxHost h : hosts) {
            names.add(h.host() + " (" + h.preference() + ")");
        }
        step("MX: " + String.join(", ", names));

        List<Attempt> attempts = new ArrayList<>();
        List<MxSession> sessions = new ArrayList<>();
        boolean delivered = false;
        try {
            // RFC 8461 §4.1: every MX host against the policy first; an enforced policy refuses the
            // unlisted ones without a connection.
            List<MxSession> candidates = new ArrayList<>();
            for (MxHost host : hosts) {
                MxSession session = sts.session(resolution, host.host());
                sessions.add(session);
                if (session.refused()) {
                    DeliveryDecision d = session.decision().orElseThrow();
                    step(host.host() + ": refused without connecting: " + d.explanation() + " (mode enforce, RFC 8461 §4.1)");
                    Attempt a = new Attempt(host.host(), Outcome.REFUSED, resultType(resolution, session),
                            d.explanation() + "; mode enforce refuses it without a connection (RFC 8461 §4.1)", "",
                            false, false);
                    tlsRpt(resolution, session);
                    attempts.add(a);
                } else {
                    candidates.add(session);
                }
            }
            for (MxSession session : candidates) {
                Attempt a = attempt(session, resolution, from, to, message);
                step("  => " + (a.outcome() == Outcome.DELIVERED ? "" : a.outcome().token() + ": ") + a.reason());
                tlsRpt(resolution, session);
                attempts.add(a);
                if (a.outcome() == Outcome.DELIVERED) {
                    delivered = true;
                    break;
                }
                if (a.permanent()) {
                    step("the message was rejected permanently: not tried on the other MX hosts (RFC 5321 §4.2.1)");
                    break;
                }
            }
        } finally {
            sessions.forEach(MxSession::close);
        }
        boolean temporary = !delivered && !attempts.isEmpty()
                && attempts.stream().allMatch(a -> a.outcome() == Outcome.FAILED && a.temporary());
        if (delivered) {
            step("delivered to " + attempts.get(attempts.size() - 1).mx());
        } else if (attempts.stream().anyMatch(a -> a.outcome() == Outcome.REFUSED)) {
            step("not delivered: an MTA defers the message and tries again later; a policy refusal never bounces it "
                    + "before the policy is checked for an update (RFC 8461 §5.1)");
        } else {
            step("not delivered" + (temporary ? ": every MX host failed temporarily; an MTA tries again later" : ""));
        }
        return new Report(domain, policy, attempts, delivered, temporary);
    }

    /** Says what the resolution found and what every session under it reports. */
    private void describe(PolicyResolution resolution) {
        if (resolution instanceof PolicyResolution.Active active) {
            CachedPolicy cached = active.cached();
            step("policy: " + describe(cached.policy()) + " (id " + cached.recordId() + ")");
        } else if (resolution instanceof PolicyResolution.NoPolicy none) {
            step("policy: none applies (" + none.reason().code() + ": " + TlsProbe.printable(none.detail())
                    + "): deliver as without MTA-STS (RFC 8461 §5)");
        } else if (resolution instanceof PolicyResolution.TemporaryFailure failure) {
            Optional<CachedPolicy> fallback = failure.fallback();
            step("policy: " + failure.reason().code() + ": " + TlsProbe.printable(failure.detail())
                    + fallback.map(c -> "; the cached policy applies: " + describe(c.policy())).orElse(""));
        }
        resolution.policyFailure().ifPresent(f -> step("TLS-RPT: every session to this domain counts the failure "
                + failure(f)));
    }

    private static String describe(StsPolicy policy) {
        List<String> patterns = new ArrayList<>();
        for (MxPattern p : policy.mx()) {
            patterns.add(p.toText());
        }
        return "mode " + policy.mode().token() + ", mx " + String.join(", ", patterns) + ", max_age " + policy.maxAge();
    }

    private static String failure(FailureDetails f) {
        return f.resultType().token() + (f.failureReasonCode() == null ? "" : " (" + TlsProbe.printable(f.failureReasonCode()) + ")");
    }

    /**
     * The result type the session records (see {@link MxSession}): its own failure, else the
     * resolution's policy failure; null when it succeeded or never reached a TLS outcome.
     */
    private static @Nullable String resultType(PolicyResolution resolution, MxSession session) {
        Optional<DeliveryDecision> decision = session.decision();
        if (decision.isEmpty()) {
            return null;
        }
        if (decision.get().resultType() != null) {
            return decision.get().resultType().token();
        }
        return resolution.policyFailure().map(f -> f.resultType().token()).orElse(null);
    }

    /** Says what the session records for the TLS-RPT report (RFC 8460 §4.3; counting as {@link MxSession}). */
    private void tlsRpt(PolicyResolution resolution, MxSession session) {
        Optional<DeliveryDecision> decision = session.decision();
        String policy = resolution.reportedPolicy().policyTypeToken();
        if (decision.isEmpty()) {
            step("  TLS-RPT: not counted: the session ended before a TLS outcome (RFC 8460 §4.3.4)");
            return;
        }
        List<String> failures = new ArrayList<>();
        resolution.policyFailure().ifPresent(f -> failures.add(failure(f)));
        DeliveryDecision d = decision.get();
        if (d.resultType() != null) {
            failures.add(d.resultType().token() + (d.failureReasonCode() == null ? "" : " (" + d.failureReasonCode() + ")"));
        }
        step("  TLS-RPT: " + (failures.isEmpty() ? "a successful session" : "a failed session: " + String.join(", ", failures))
                + ", under policy-type " + policy);
    }

    // ---------------------------------------------------------------------------------------------
    // One MX host

    private Attempt attempt(MxSession session, PolicyResolution resolution, Mailbox from, Mailbox to, MailMessage message) {
        DomainName mx = session.mx();
        step(mx + ":");
        Addresses.Resolved where = addresses.resolve(mx, 25);
        if (where.addresses().isEmpty()) {
            return ended(session, resolution, Outcome.FAILED, where.problem(), "", where.temporary(), false);
        }
        Socket socket = null;
        String problem = "";
        List<InetSocketAddress> tried = where.addresses().subList(0, Math.min(MAX_ADDRESSES, where.addresses().size()));
        for (InetSocketAddress address : tried) {
            String shown = (address.isUnresolved() ? address.getHostString() : address.getAddress().getHostAddress())
                    + ":" + address.getPort();
            step("  connecting to " + shown);
            Socket s = new Socket();
            try {
                s.connect(address, timeoutMillis);
                socket = s;
                break;
            } catch (SocketTimeoutException e) {
                problem = "connecting to " + shown + " timed out after " + timeoutMillis + " ms";
            } catch (IOException e) {
                problem = "cannot connect to " + shown + ": " + TlsProbe.printable(e.getMessage());
            }
            closeQuietly(s);
            step("  " + problem);
        }
        if (socket == null) {
            return ended(session, resolution, Outcome.FAILED, problem, "", true, false);
        }
        return converse(session, resolution, socket, from, to, message);
    }

    private Attempt converse(MxSession session, PolicyResolution resolution, Socket socket, Mailbox from, Mailbox to,
            MailMessage message) {
        DomainName mx = session.mx();
        Duration limit = settings.timeout().multipliedBy(ATTEMPT_TIMEOUTS);
        Dialog d = new Dialog(System.nanoTime() + limit.toNanos());
        SmtpWire.Watchdog watchdog = new SmtpWire.Watchdog(socket, limit);
        try (socket; watchdog) {
            socket.setSoTimeout(timeoutMillis);
            // Unbuffered: no byte the server sends after "220" to STARTTLS is read as plaintext.
            d.use(socket.getInputStream(), socket.getOutputStream());
            List<String> greeting = d.reply();
            if (!greeting.get(0).startsWith("220")) {
                d.quit();
                return ended(session, resolution, Outcome.FAILED, "the server does not accept mail: its greeting is not 220",
                        d.lastReply, false, false);
            }
            List<String> ehlo = d.command("EHLO " + settings.ehloName());
            if (!ehlo.get(0).startsWith("250")) {
                d.quit();
                return ended(session, resolution, Outcome.FAILED, "the server rejected EHLO", d.lastReply, false, false);
            }
            if (!SmtpWire.offers(ehlo, "STARTTLS")) {
                DeliveryDecision decision = session.starttlsMissing();
                if (decision.refuses()) {
                    step("  -- no STARTTLS: " + decision.explanation());
                    d.quit();
                    return ended(session, resolution, Outcome.REFUSED, decision.explanation()
                            + "; mode enforce refuses an MX host without TLS (RFC 8461 §5)", d.lastReply, false, false);
                }
                step("  -- no STARTTLS: delivering WITHOUT TLS, as " + (decision.isFailure()
                        ? "mode testing does (the failure is reported)" : "without a policy") + " (RFC 8461 §5)");
                return transaction(session, resolution, d, ehlo, decision, "without TLS", from, to, message);
            }
            List<String> ready = d.command("STARTTLS");
            if (!ready.get(0).startsWith("220")) {
                d.quit();
                return ended(session, resolution, Outcome.FAILED, "the server rejected STARTTLS", d.lastReply, false, false);
            }
            MxSession.StartTls tls = session.startTls(socket);
            DeliveryDecision decision = tls.decision();
            if (tls.socket().isEmpty()) {
                boolean timedOut = watchdog.fired()
                        || MxHandshake.REASON_HANDSHAKE_TIMEOUT.equals(decision.failureReasonCode());
                String why = decision.isFailure() ? decision.explanation() : "the connection is closed";
                step("  -- TLS handshake failed: " + why);
                if (decision.refuses()) {
                    return ended(session, resolution, Outcome.REFUSED, why
                            + "; mode enforce refuses the MX host (RFC 8461 §4.2, §5)", d.lastReply, false, false);
                }
                return ended(session, resolution, Outcome.FAILED, "the TLS handshake failed: " + why, d.lastReply,
                        timedOut, false);
            }
            SSLSocket ssl = tls.socket().get();
            watchdog.watch(ssl);
            ssl.setSoTimeout(timeoutMillis);
            String protocol = ssl.getSession().getProtocol();
            step("  -- TLS " + protocol + " " + ssl.getSession().getCipherSuite() + ", SNI " + mx + ": "
                    + decision.explanation());
            d.use(ssl.getInputStream(), ssl.getOutputStream());
            if (decision.refuses()) {
                d.quit();
                return ended(session, resolution, Outcome.REFUSED, decision.explanation()
                        + "; mode enforce refuses the MX host (RFC 8461 §4.2, §5)", d.lastReply, false, false);
            }
            // RFC 3207 §4.2: forget what the server said before TLS, and ask again.
            List<String> again = d.command("EHLO " + settings.ehloName());
            if (!again.get(0).startsWith("250")) {
                d.quit();
                return ended(session, resolution, Outcome.FAILED, "the server rejected EHLO after STARTTLS", d.lastReply,
                        false, false);
            }
            return transaction(session, resolution, d, again, decision, "over " + protocol, from, to, message);
        } catch (SocketTimeoutException e) {
            return ended(session, resolution, Outcome.FAILED, "no answer within " + timeoutMillis + " ms", d.lastReply,
                    true, false);
        } catch (IOException e) {
            if (watchdog.fired()) {
                return ended(session, resolution, Outcome.FAILED, "the server is too slow: the attempt did not finish within "
                        + limit.toMillis() + " ms", d.lastReply, true, false);
            }
            return ended(session, resolution, Outcome.FAILED, TlsProbe.printable(e.getMessage()), d.lastReply, false, false);
        }
    }

    /** MAIL, RCPT, DATA, the message, QUIT (RFC 5321 §3.3). */
    private Attempt transaction(MxSession session, PolicyResolution resolution, Dialog d, List<String> ehlo,
            DeliveryDecision decision, String channel, Mailbox from, Mailbox to, MailMessage message) throws IOException {
        boolean eightBitMime = message.eightBit() && SmtpWire.offers(ehlo, "8BITMIME");
        if (message.eightBit() && !eightBitMime) {
            step("  -- the message has 8-bit bytes but the server does not offer 8BITMIME (RFC 6152): sent as it is");
        }
        List<String> reply = d.command("MAIL FROM:<" + from + ">" + (eightBitMime ? " BODY=8BITMIME" : ""));
        if (!reply.get(0).startsWith("2")) {
            return rejected(session, resolution, d, "MAIL FROM", reply);
        }
        reply = d.command("RCPT TO:<" + to + ">");
        if (!reply.get(0).startsWith("2")) {
            return rejected(session, resolution, d, "RCPT TO", reply);
        }
        reply = d.command("DATA");
        if (!reply.get(0).startsWith("354")) {
            return rejected(session, resolution, d, "DATA", reply);
        }
        d.message(message);
        reply = d.reply();
        if (!reply.get(0).startsWith("2")) {
            return rejected(session, resolution, d, "the message", reply);
        }
        d.quit();
        String reason = "delivered " + channel + ": " + decision.explanation();
        if (decision.isFailure()) {
            reason += " (mode testing: reported, not enforced; RFC 8461 §5)";
        }
        return ended(session, resolution, Outcome.DELIVERED, reason, d.lastReply, false, false);
    }

    private Attempt rejected(MxSession session, PolicyResolution resolution, Dialog d, String what, List<String> reply) {
        String code = reply.get(reply.size() - 1);
        boolean permanent = code.startsWith("5");
        d.quit();
        return ended(session, resolution, Outcome.FAILED, "the server rejected " + what + " with " + TlsProbe.printable(code)
                + (permanent ? " (permanent)" : ""), d.lastReply, false, permanent);
    }

    private static Attempt ended(MxSession session, PolicyResolution resolution, Outcome outcome, String reason,
            String smtpReply, boolean temporary, boolean permanent) {
        return new Attempt(session.mx(), outcome, resultType(resolution, session), reason, smtpReply, temporary, permanent);
    }

    private void step(String text) {
        settings.steps().accept(text);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // a failed connect: nothing else to do
        }
    }

    /** One SMTP connection's streams, its deadline and the server's last reply line before QUIT. */
    private final class Dialog {
        private final long deadline;
        private @Nullable InputStream in;
        private @Nullable OutputStream out;
        private String lastReply = "";

        Dialog(long deadline) {
            this.deadline = deadline;
        }

        void use(InputStream input, OutputStream output) {
            this.in = input;
            this.out = new BufferedOutputStream(output);
        }

        List<String> reply() throws IOException {
            List<String> lines = SmtpWire.readReply(stream(in), this::transcript, deadline);
            lastReply = TlsProbe.printable(lines.get(lines.size() - 1));
            return lines;
        }

        List<String> command(String line) throws IOException {
            SmtpWire.send(stream(out), line, this::transcript);
            return reply();
        }

        /** The message after 354: written as prepared (CRLF, dot-stuffed, ending in the lone dot). */
        void message(MailMessage message) throws IOException {
            transcript("C: (the message: " + message.size() + " bytes, " + message.lines() + " lines)");
            transcript("C: .");
            OutputStream o = stream(out);
            o.write(message.data());
            o.flush();
        }

        /** QUIT, ignoring what fails: the outcome is decided already. The reply is not kept as the last one. */
        void quit() {
            try {
                SmtpWire.send(stream(out), "QUIT", this::transcript);
                SmtpWire.readReply(stream(in), this::transcript, deadline);
            } catch (IOException e) {
                transcript("-- " + TlsProbe.printable(e.getMessage()));
            }
        }

        private void transcript(String line) {
            step("    " + line);
        }

        private <T> T stream(@Nullable T stream) {
            if (stream == null) {
                throw new IllegalStateException("no connection yet");
            }
            return stream;
        }
    }
}
