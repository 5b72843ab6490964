package org.mtasts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mtasts.core.DomainName;
import org.mtasts.dns.DaneLookup;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.AddressFilter;
import org.mtasts.http.MtaSts;
import org.mtasts.postfix.PostfixConfig;
import org.mtasts.postfix.PostfixPolicyService;
import org.mtasts.postfix.SocketmapReply;

/**
 * A real Postfix takes its TLS policy from our server: the sender Postfix of realnet (in the
 * network namespace, {@code smtp_tls_policy_maps = socketmap:inet:127.0.0.1:8462:postfix},
 * {@code smtp_dns_support_level = dnssec}, {@code smtp_tls_security_level = may}, the realnet CA
 * as {@code smtp_tls_CAfile}) delivers one message per domain to the realnet MX. Our {@link
 * PostfixPolicyService} runs in this JVM on the Unix socket that setup.sh's bridge connects
 * port 8462 to; it resolves through the host's validating Unbound and trusts the realnet CA.
 *
 * <p>What the Postfix log must show, per domain (smtp_tls_loglevel 2): MTA-STS enforce
 * ({@code secure match=… servername=hostname}) gives "Verified TLS connection established";
 * DANE ({@code dane-only}, RFC 8461 §2: DANE before MTA-STS) gives "DNSSEC-signed TLSA record"
 * and "Matched DANE EE certificate"; an MX whose certificate does not match, or an MX host the
 * policy does not list (RFC 8461 §4.1: our {@code TEMP mx-not-in-policy} answer, a table lookup
 * problem for Postfix, 4.7.5), is deferred.
 *
 * <p>The same Postfix also sends three messages through the peer's {@code mta-sts-daemon} (mail from
 * {@code @peer.sender.realnet.test} takes the transport {@code smtp-peer}, whose policy map is the
 * peer's 127.0.0.1:8461): for dane.test, the peer's MTA-STS answer makes Postfix skip DANE, and
 * mx-mismatch.test is delivered to the unlisted MX host (the peer answers the certificate names
 * only; ours defers it).
 *
 * <p>Waits are bounded: the log is watched (WatchService) until every message has its status
 * line, for at most {@link #DELIVERY_TIMEOUT}.
 */
class PostfixSenderRealnetIT {

    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    /** What the sender Postfix must do for one domain, and why. */
    enum Case {
        EXAMPLE("example.test", Outcome.VERIFIED, "OK secure match=.mx.example.test:mx1.example.test servername=hostname"),
        CRLF("crlf.test", Outcome.VERIFIED, "OK secure match=mx1.example.test servername=hostname"),
        SPLIT_TXT("split-txt.test", Outcome.VERIFIED, "OK secure match=mx1.example.test servername=hostname"),
        CNAME_STS("cname-sts.test", Outcome.VERIFIED, "OK secure match=mx1.example.test servername=hostname"),
        DANE("dane.test", Outcome.DANE, "OK dane-only"),
        BAD_MX_CERT("bad-mx-cert.test", Outcome.DEFERRED, "OK secure match=mx.bad-mx-cert.test servername=hostname"),
        /** RFC 8461 §4.1: the MX host mail.mx-mismatch.test is not in the policy (its certificate names mx1.example.test). */
        MX_MISMATCH("mx-mismatch.test", Outcome.DEFERRED, "TEMP mx-not-in-policy: no MX host of mx-mismatch.test"
                + " (mail.mx-mismatch.test) matches its MTA-STS policy (RFC 8461 section 4.1)");

        final String domain;
        final Outcome outcome;
        /** Our server's answer, match list sorted; null: not pinned (see the test of the case). */
        final String answer;

        Case(String domain, Outcome outcome, String answer) {
            this.domain = domain;
            this.outcome = outcome;
            this.answer = answer;
        }

        @Override
        public String toString() {
            return domain;
        }
    }

    enum Outcome {
        /** status=sent after "Verified TLS connection established" (certificate name checked). */
        VERIFIED,
        /** status=sent after a DNSSEC-signed TLSA record matched the certificate (DANE-EE). */
        DANE,
        /** status=deferred: the policy made Postfix refuse the MX. */
        DEFERRED
    }

    /** What the sender Postfix does for one domain with the peer's answer (transport smtp-peer). */
    enum PeerCase {
        EXAMPLE("example.test"),
        /** RFC 8461 §2 broken: the peer's MTA-STS answer overrides DANE (no TLSA lookup at all). */
        DANE("dane.test"),
        /** RFC 8461 §4.1 broken by the peer's answer: the certificate names mx1.example.test (ours defers). */
        MX_MISMATCH("mx-mismatch.test");

        final String domain;

        PeerCase(String domain) {
            this.domain = domain;
        }

        @Override
        public String toString() {
            return domain;
        }
    }

    /** The log of one message: the smtp process's lines of its session, then its status line. */
    record Session(String status, String relay, String detail, List<String> lines) {
        boolean logged(String text) {
            return lines.stream().anyMatch(l -> l.contains(text));
        }
    }

    private static final Pattern LINE = Pattern.compile("postfix/smtp\\[(\\d+)\\]: (.*)$");
    private static final Pattern STATUS = Pattern.compile(
            "^[0-9A-F]+: to=<([^>]+)>, relay=([^,]+), .*status=([a-z]+) \\((.*)\\)$");

    private static Realnet realnet;
    private static Map<Case, Session> sessions;
    private static Map<PeerCase, Session> peerSessions;
    private static Map<Case, SocketmapReply> answers;

    @BeforeEach
    void locate() throws Exception {
        realnet = Realnet.get();
        Assumptions.assumeTrue(realnet.senderAvailable(),
                "the sender Postfix needs the network namespace (setup.sh needs CAP_SYS_ADMIN): not run");
        deliverOnce();
    }

    /** Runs the server, sends one message per case, and reads the sessions back: once for all tests. */
    private static synchronized void deliverOnce() throws Exception {
        if (sessions != null) {
            return;
        }
        Path log = realnet.senderLog();
        String run = "it-" + UUID.randomUUID().toString().substring(0, 8);
        DnsjavaResolver dns = realnet.resolver(realnet.recursiveDns());
        List<String> policyHosts = new ArrayList<>();
        for (Case c : Case.values()) {
            policyHosts.add(DomainName.of(c.domain).policyHost());
        }
        PostfixConfig config = PostfixConfig.parse("listen: unix:" + realnet.senderPolicySocket() + "\n"
                + "dane:\n  enabled: true\n");
        DaneLookup dane = DaneLookup.builder().server(realnet.recursiveDns()).timeout(Duration.ofSeconds(5)).build();
        OkHttpClient client = new OkHttpClient.Builder().dns(Realnet.okHttpDns(dns)).build();
        try (MtaSts sts = MtaSts.builder().txtResolver(dns).client(client).trustManager(realnet.trustManager())
                        .addressFilter(AddressFilter.ANY)   // realnet is all loopback
                        .addressOverrides(realnet.httpsOverrides(dns, policyHosts)).proactiveRefresh(false).build();
                PostfixPolicyService service = PostfixPolicyService.builder(config).mtaSts(sts).daneLookup(dane)
                        .mxResolver(dns).start();
                WatchService watch = FileSystems.getDefault().newWatchService()) {
            Map<Case, SocketmapReply> replies = new LinkedHashMap<>();
            for (Case c : Case.values()) {
                replies.put(c, service.server().answer("postfix", c.domain).get(30, TimeUnit.SECONDS));
            }
            answers = replies;
            // A clean queue, and smtp processes that open new socketmap connections (to this server).
            postfix("postsuper", "-d", "ALL");
            postfix("postfix", "reload");
            log.getParent().register(watch, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
            long offset = Files.size(log);
            Map<String, Case> ours = new LinkedHashMap<>();
            Map<String, PeerCase> peers = new LinkedHashMap<>();
            for (Case c : Case.values()) {
                ours.put(sendmail(run, "sender.realnet.test", c.domain), c);
            }
            for (PeerCase c : PeerCase.values()) {
                peers.put(sendmail(run + "-peer", "peer.sender.realnet.test", c.domain), c);
            }
            Map<String, Session> byRecipient = awaitSessions(watch, log, offset, ours.size() + peers.size());
            Map<Case, Session> mine = new LinkedHashMap<>();
            ours.forEach((rcpt, c) -> {
                if (byRecipient.containsKey(rcpt)) {
                    mine.put(c, byRecipient.get(rcpt));
                }
            });
            Map<PeerCase, Session> theirs = new LinkedHashMap<>();
            peers.forEach((rcpt, c) -> {
                if (byRecipient.containsKey(rcpt)) {
                    theirs.put(c, byRecipient.get(rcpt));
                }
            });
            sessions = mine;
            peerSessions = theirs;
        } finally {
            postfix("postsuper", "-d", "ALL");   // deferred mail would wait for a server that is gone
            client.dispatcher().executorService().shutdown();   // MtaSts leaves a caller's client alone
            client.connectionPool().evictAll();
        }
        for (Case c : Case.values()) {
            Session s = sessions.get(c);
            System.out.println("postfix sender: " + c + ": our answer " + answers.get(c).toText().strip() + "; Postfix "
                    + (s == null ? "no status line" : s.status() + " via " + s.relay() + " (" + s.detail() + ")"));
        }
        for (PeerCase c : PeerCase.values()) {
            Session s = peerSessions.get(c);
            System.out.println("postfix sender: " + c + ": the peer's answer; Postfix "
                    + (s == null ? "no status line" : s.status() + " via " + s.relay() + " (" + s.detail() + ")"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerCase.class)
    @DisplayName("the same Postfix with the peer's answers: delivered under MTA-STS, DANE skipped, the unlisted MX used")
    void postfixWithThePeer(PeerCase c) {
        Session s = peerSessions.get(c);
        assertThat(s).as("the status line of the peer's message to %s in %s", c, realnet.senderLog()).isNotNull();
        assertThat(s.status()).as("%s: %s", c, s.lines()).isEqualTo("sent");
        assertThat(s.logged("Verified TLS connection established")).as("%s: %s", c, s.lines()).isTrue();
        assertThat(s.logged("matched peername")).as("%s: the certificate name was checked: %s", c, s.lines()).isTrue();
        assertThat(s.logged("TLSA record")).as("%s: no DANE with the peer's answer: %s", c, s.lines()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Case.class)
    @DisplayName("RFC 8461 §4, §5, RFC 8461 §2 (DANE first): the sender Postfix applies our answer as the table says")
    void postfixAppliesOurAnswer(Case c) {
        Session s = sessions.get(c);
        assertThat(s).as("the status line of the message to %s in %s", c, realnet.senderLog()).isNotNull();
        if (c.answer != null) {
            assertThat(sortedMatch(answers.get(c).toText().strip())).as("our answer for %s", c).isEqualTo(c.answer);
        }
        switch (c.outcome) {
            case VERIFIED -> {
                assertThat(s.status()).as("%s: %s", c, s.lines()).isEqualTo("sent");
                assertThat(s.logged("Verified TLS connection established")).as("%s: %s", c, s.lines()).isTrue();
                assertThat(s.logged("TLSA record")).as("%s: no DANE", c).isFalse();
            }
            case DANE -> {
                assertThat(s.status()).as("%s: %s", c, s.lines()).isEqualTo("sent");
                assertThat(s.logged("DNSSEC-signed TLSA record: _25._tcp.mx1.dane.test: 3 1 1")).as("%s", s.lines()).isTrue();
                assertThat(s.logged("Matched DANE EE certificate at depth 0: 3 1 1")).as("%s", s.lines()).isTrue();
                assertThat(s.logged("Verified TLS connection established to mx1.dane.test")).as("%s", s.lines()).isTrue();
            }
            case DEFERRED -> {
                assertThat(s.status()).as("%s: %s", c, s.lines()).isEqualTo("deferred");
            }
        }
    }

    @org.junit.jupiter.api.Test
    @DisplayName("RFC 8461 §4.2: the MX certificate that names another host is refused, and the log says why")
    void badCertificateIsNotVerified() {
        Session s = sessions.get(Case.BAD_MX_CERT);
        assertThat(s.detail()).isEqualTo("Server certificate not verified");
        assertThat(s.logged("server certificate verification failed for mx.bad-mx-cert.test[127.0.0.1]:25: num=62:hostname mismatch"))
                .as("%s", s.lines()).isTrue();
    }

    @org.junit.jupiter.api.Test
    @DisplayName("RFC 8461 §4.1: no MX host of mx-mismatch.test is in its policy: our TEMP answer makes Postfix defer, never deliver")
    void mxHostOutsideThePolicyIsDeferredByTheTempAnswer() {
        Session s = sessions.get(Case.MX_MISMATCH);
        assertThat(s).as("the status line of the message to mx-mismatch.test in %s", realnet.senderLog()).isNotNull();
        assertThat(s.status()).as("%s", s.lines()).isEqualTo("deferred");
        // Postfix logs our TEMP reason, the table lookup problem, and defers with 4.7.5 before any
        // connection (relay=none)
        assertThat(s.logged("socketmap server temporary error: mx-not-in-policy: no MX host of mx-mismatch.test"
                + " (mail.mx-mismatch.test) matches its MTA-STS policy (RFC 8461 section 4.1)")).as("%s", s.lines()).isTrue();
        assertThat(s.logged("next-hop destination \"mx-mismatch.test\": policy table lookup error")).as("%s", s.lines())
                .isTrue();
        assertThat(s.relay()).isEqualTo("none");
        assertThat(s.detail()).isEqualTo("client TLS configuration problem");
        assertThat(s.logged("dsn=4.7.5")).as("%s", s.lines()).isTrue();
    }

    @AfterAll
    static void forget() {
        sessions = null;
        peerSessions = null;
        answers = null;
    }

    /** {@code secure match=b:a …} with the match list sorted, for a stable comparison. */
    static String sortedMatch(String answer) {
        Matcher m = Pattern.compile("match=(\\S+)").matcher(answer);
        if (!m.find()) {
            return answer;
        }
        List<String> names = new ArrayList<>(List.of(m.group(1).split(":")));
        names.sort(null);
        return answer.substring(0, m.start(1)) + String.join(":", names) + answer.substring(m.end(1));
    }

    /** Submits one message from {@code local@senderDomain} to {@code local@domain}; returns the recipient. */
    private static String sendmail(String local, String senderDomain, String domain)
            throws IOException, InterruptedException {
        String from = local + "@" + senderDomain;
        String to = local + "@" + domain;
        String message = "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + local + " " + domain
                + "\r\n\r\nPostfixSenderRealnetIT\r\n";
        run(message, List.of("sendmail", "-C", realnet.senderConfig().toString(), "-f", from, to));
        return to;
    }

    private static void postfix(String command, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command, "-c", realnet.senderConfig().toString()));
        cmd.addAll(List.of(args));
        run("", cmd);
    }

    /** Runs a Postfix command in the namespace (the instance's inet_interfaces exists only there). */
    private static void run(String stdin, List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", realnet.netns()));
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(full + " did not finish in " + COMMAND_TIMEOUT);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(full + " exited with " + p.exitValue() + ": " + out);
        }
    }

    /**
     * Watches the log until {@code expected} messages have a status line (or the deadline passes),
     * then returns the sessions by recipient.
     */
    private static Map<String, Session> awaitSessions(WatchService watch, Path log, long offset, int expected)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
        while (true) {
            Map<String, Session> found = sessions(read(log, offset));
            long left = deadline - System.nanoTime();
            if (found.size() >= expected || left <= 0) {
                return found;
            }
            WatchKey key;
            try {
                key = watch.poll(left, TimeUnit.NANOSECONDS);
            } catch (ClosedWatchServiceException e) {
                return found;
            }
            if (key != null) {
                key.pollEvents();
                key.reset();
            }
        }
    }

    private static List<String> read(Path log, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            if (length <= offset) {
                return List.of();
            }
            byte[] bytes = new byte[(int) Math.min(length - offset, 16 << 20)];
            f.seek(offset);
            f.readFully(bytes);
            return List.of(new String(bytes, StandardCharsets.UTF_8).split("\n"));
        }
    }

    /** Groups the smtp lines by process: a session is the process's lines since its previous status line. */
    static Map<String, Session> sessions(List<String> lines) {
        Map<String, List<String>> open = new LinkedHashMap<>();
        Map<String, Session> found = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            List<String> mine = open.computeIfAbsent(m.group(1), k -> new ArrayList<>());
            mine.add(m.group(2));
            Matcher st = STATUS.matcher(m.group(2));
            if (!st.find()) {
                continue;
            }
            open.remove(m.group(1));
            found.put(st.group(1), new Session(st.group(3), st.group(2), st.group(4), List.copyOf(mine)));
        }
        return found;
    }
}
