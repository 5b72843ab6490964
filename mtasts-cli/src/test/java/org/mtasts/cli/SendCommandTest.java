package org.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtasts.testkit.CertificateVariant;
import org.mtasts.testkit.DnsFault;
import org.mtasts.testkit.DomainSpec;
import org.mtasts.testkit.MtaStsSandbox;
import org.mtasts.testkit.SmtpHost;
import org.mtasts.testkit.Scenario;
import org.mtasts.testkit.SmtpFault;
import org.mtasts.testkit.SmtpSession;
import tools.jackson.databind.JsonNode;

/** {@code mtasts send} against the test kit's sandbox, as a postmaster runs it. */
class SendCommandTest {

    /** MX host only: no _mta-sts record, no policy host. */
    static final String NO_POLICY = "no-policy.example";
    /** Mode testing, and the MX host's certificate has expired. */
    static final String TESTING_EXPIRED = "testing-expired.example";
    /** Mode testing, and the MX host offers no STARTTLS. */
    static final String TESTING_PLAIN = "testing-plain.example";
    /** No policy, and the MX host goes silent after EHLO. */
    static final String STALLING = "stalling.example";

    private static final String FROM = "postmaster@sender.example";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static MtaStsSandbox sandbox;
    private static Path ca;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        sandbox = MtaStsSandbox.builder()
                .scenario(Scenario.GOOD, Scenario.MX_NOT_IN_POLICY, Scenario.EXPIRED_MX_CERT, Scenario.NO_STARTTLS,
                        Scenario.TESTING_MODE, Scenario.NO_POLICY_HOST)
                .domain(DomainSpec.of(NO_POLICY).mx(10, "mx1." + NO_POLICY))
                .domain(testing(TESTING_EXPIRED, SmtpHost.of("mx1." + TESTING_EXPIRED).withCertificate(CertificateVariant.EXPIRED)))
                .domain(testing(TESTING_PLAIN, SmtpHost.of("mx1." + TESTING_PLAIN).withoutStarttls()))
                .domain(DomainSpec.of(STALLING).mx(10, SmtpHost.of("mx1." + STALLING).withFault(SmtpFault.STALL_AFTER_EHLO)))
                .start();
        ca = dir.resolve("ca.pem");
        Files.writeString(ca, sandbox.caPem(), StandardCharsets.US_ASCII);
    }

    private static DomainSpec testing(String domain, SmtpHost mx) {
        return DomainSpec.of(domain).stsRecord("v=STSv1; id=" + Scenario.RECORD_ID)
                .tlsRptRecord("v=TLSRPTv1; rua=mailto:tlsrpt@" + domain)
                .policy("version: STSv1\r\nmode: testing\r\nmx: " + mx.name() + "\r\nmax_age: 86400\r\n")
                .mx(10, mx);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /**
     * The options that point send at the sandbox: --dns, --trust, and --connect for every host, the
     * MX hosts per port (name:25=...).
     */
    static List<String> options() {
        List<String> args = new ArrayList<>(List.of("--dns", hostPort(sandbox.dnsAddress()), "--trust", ca.toString()));
        for (Map.Entry<String, InetSocketAddress> e : sandbox.addresses().entrySet()) {
            boolean policyHost = e.getKey().startsWith("mta-sts.");
            args.add("--connect");
            args.add(e.getKey() + (policyHost ? "" : ":25") + "=" + hostPort(e.getValue()));
        }
        return args;
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static Cli send(String domain, String... extra) {
        List<String> args = new ArrayList<>(List.of("send", "--from", FROM, "--to", "someone@" + domain));
        args.addAll(options());
        if (!List.of(extra).contains("--timeout")) {
            args.addAll(List.of("--timeout", "5"));
        }
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    private static Cli sendJson(String domain, String... extra) {
        List<String> args = new ArrayList<>(List.of(extra));
        args.add("--json");
        Cli cli = send(domain, args.toArray(String[]::new));
        checkDocument(cli.json());
        return cli;
    }

    /** {"domain","policy":{...}|null,"attempts":[{"mx","outcome","result_type","reason","smtp_reply"}],"delivered"} */
    static void checkDocument(JsonNode doc) {
        assertThat(Contract.keys(doc)).containsExactly("domain", "policy", "attempts", "delivered");
        assertThat(doc.get("domain").isString()).isTrue();
        if (!doc.get("policy").isNull()) {
            Contract.policy(doc.get("policy"));
        }
        assertThat(doc.get("attempts").isArray()).isTrue();
        for (JsonNode a : doc.get("attempts")) {
            assertThat(Contract.keys(a)).containsExactly("mx", "outcome", "result_type", "reason", "smtp_reply");
            assertThat(a.get("mx").isString()).isTrue();
            assertThat(a.get("outcome").asString()).isIn("delivered", "refused", "failed");
            assertThat(a.get("result_type").isNull() || a.get("result_type").asString().matches("[a-z]+(-[a-z]+)*"))
                    .as(a.toString()).isTrue();
            assertThat(a.get("reason").asString()).isNotBlank().doesNotContainPattern("[\\x00-\\x1f\\x7f]");
            assertThat(a.get("smtp_reply").isString()).isTrue();
            assertThat(a.get("smtp_reply").asString()).doesNotContainPattern("[\\x00-\\x1f\\x7f]");
        }
        assertThat(doc.get("delivered").isBoolean()).isTrue();
    }

    private static int sessionCount(String host) {
        return sandbox.smtpSessions(host).size();
    }

    /** The session with the host that ended as the {@code count}-th one. */
    private static SmtpSession nthSession(String host, int count) throws InterruptedException {
        return sandbox.awaitSmtpSessions(host, count, WAIT).get(count - 1);
    }

    @Test
    @DisplayName("RFC 8461 §4.2, §7.1: good.example is delivered over TLS with SNI, exit 0, the message arrives")
    void deliversToTheGoodDomain() throws InterruptedException {
        String mx1 = "mx1.good.example";
        int before = sessionCount(mx1);
        Cli cli = sendJson(Scenario.GOOD.domain());
        assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
        JsonNode doc = cli.json();
        assertThat(doc.get("domain").asString()).isEqualTo("good.example");
        assertThat(doc.get("policy").get("mode").asString()).isEqualTo("enforce");
        assertThat(doc.get("policy").get("mx")).hasSize(2);
        assertThat(doc.get("delivered").asBoolean()).isTrue();
        assertThat(doc.get("attempts")).hasSize(1);
        JsonNode attempt = doc.get("attempts").get(0);
        assertThat(attempt.get("mx").asString()).isEqualTo(mx1);
        assertThat(attempt.get("outcome").asString()).isEqualTo("delivered");
        assertThat(attempt.get("result_type").isNull()).isTrue();
        assertThat(attempt.get("smtp_reply").asString()).isEqualTo("250 2.0.0 OK queued");

        SmtpSession session = nthSession(mx1, before + 1);
        assertThat(session.sni()).isEqualTo(mx1);
        assertThat(session.tls()).isTrue();
        assertThat(session.commands()).containsExactly("EHLO localhost", "STARTTLS", "EHLO localhost",
                "MAIL FROM:<" + FROM + ">", "RCPT TO:<someone@good.example>", "DATA", "QUIT");
        assertThat(session.messages()).hasSize(1);
        String message = session.messages().get(0);
        assertThat(message).contains("Subject: MTA-STS test from mtasts send\r\n", "From: <" + FROM + ">\r\n",
                "To: <someone@good.example>\r\n", "\r\nMessage-ID: <").startsWith("Date: ");
    }

    @Test
    @DisplayName("--connect NAME=HOST:PORT (every port) reaches the MX host too, as in check")
    void connectOverrideForEveryPort() throws InterruptedException {
        String mx1 = "mx1.good.example";
        int before = sessionCount(mx1);
        List<String> args = new ArrayList<>(List.of("send", "--from", FROM, "--to", "someone@good.example", "--json",
                "--dns", hostPort(sandbox.dnsAddress()), "--trust", ca.toString(), "--timeout", "5"));
        for (Map.Entry<String, InetSocketAddress> e : sandbox.addresses().entrySet()) {
            args.add("--connect");
            args.add(e.getKey() + "=" + hostPort(e.getValue()));
        }
        Cli cli = Cli.run(args.toArray(String[]::new));
        assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
        assertThat(nthSession(mx1, before + 1).messages()).hasSize(1);
    }

    @Test
    @DisplayName("RFC 8461 §4.1: the unlisted MX host is refused without a connection, the listed one delivered")
    void refusesTheUnlistedMxWithoutConnecting() throws InterruptedException {
        String mx1 = "mx1.mx-not-in-policy.example";
        String mx2 = "mx2.mx-not-in-policy.example";
        int before = sessionCount(mx1);
        Cli cli = sendJson(Scenario.MX_NOT_IN_POLICY.domain());
        assertThat(cli.exitCode()).as(cli.out()).isZero();
        JsonNode attempts = cli.json().get("attempts");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).get("mx").asString()).isEqualTo(mx2);
        assertThat(attempts.get(0).get("outcome").asString()).isEqualTo("refused");
        assertThat(attempts.get(0).get("result_type").asString()).isEqualTo("validation-failure");
        assertThat(attempts.get(0).get("reason").asString()).contains("not listed in the policy", "without a connection");
        assertThat(attempts.get(0).get("smtp_reply").asString()).isEmpty();
        assertThat(attempts.get(1).get("mx").asString()).isEqualTo(mx1);
        assertThat(attempts.get(1).get("outcome").asString()).isEqualTo("delivered");
        assertThat(cli.json().get("delivered").asBoolean()).isTrue();
        assertThat(nthSession(mx1, before + 1).messages()).hasSize(1);
        assertThat(sandbox.smtpSessions(mx2)).isEmpty();
    }

    @Test
    @DisplayName("RFC 8461 §4.2, §5: enforce refuses an expired MX certificate in the handshake, exit 1")
    void refusesAnExpiredMxCertificate() throws InterruptedException {
        String mx1 = "mx1.expired-mx-cert.example";
        int before = sessionCount(mx1);
        Cli cli = sendJson(Scenario.EXPIRED_MX_CERT.domain());
        assertThat(cli.exitCode()).as(cli.out()).isEqualTo(1);
        JsonNode doc = cli.json();
        assertThat(doc.get("delivered").asBoolean()).isFalse();
        assertThat(doc.get("attempts")).hasSize(1);
        JsonNode attempt = doc.get("attempts").get(0);
        assertThat(attempt.get("outcome").asString()).isEqualTo("refused");
        assertThat(attempt.get("result_type").asString()).isEqualTo("certificate-expired");
        assertThat(attempt.get("reason").asString()).contains("mode enforce refuses");
        assertThat(attempt.get("smtp_reply").asString()).startsWith("220");
        SmtpSession session = nthSession(mx1, before + 1);
        assertThat(session.tls()).isFalse();
        assertThat(session.tlsFailure()).isNotNull();
        assertThat(session.messages()).isEmpty();
    }

    @Test
    @DisplayName("RFC 8461 §5: enforce refuses an MX host without STARTTLS, exit 1, nothing sent in the clear")
    void refusesAnMxWithoutStarttls() throws InterruptedException {
        String mx1 = "mx1.no-starttls.example";
        int before = sessionCount(mx1);
        Cli cli = sendJson(Scenario.NO_STARTTLS.domain());
        assertThat(cli.exitCode()).isEqualTo(1);
        JsonNode attempt = cli.json().get("attempts").get(0);
        assertThat(attempt.get("outcome").asString()).isEqualTo("refused");
        assertThat(attempt.get("result_type").asString()).isEqualTo("starttls-not-supported");
        assertThat(nthSession(mx1, before + 1).commands()).containsExactly("EHLO localhost", "QUIT");
    }

    @Test
    @DisplayName("RFC 8461 §5: testing-mode.example is delivered, and reports nothing with a valid certificate")
    void deliversInTestingMode() {
        Cli cli = sendJson(Scenario.TESTING_MODE.domain());
        assertThat(cli.exitCode()).isZero();
        JsonNode doc = cli.json();
        assertThat(doc.get("policy").get("mode").asString()).isEqualTo("testing");
        JsonNode attempt = doc.get("attempts").get(0);
        assertThat(attempt.get("outcome").asString()).isEqualTo("delivered");
        assertThat(attempt.get("result_type").isNull()).isTrue();
    }

    @Test
    @DisplayName("RFC 8461 §5: mode testing delivers despite an expired certificate and reports certificate-expired")
    void testingModeDeliversAndReportsTheCertificate() throws InterruptedException {
        String mx1 = "mx1." + TESTING_EXPIRED;
        int before = sessionCount(mx1);
        Cli cli = sendJson(TESTING_EXPIRED);
        assertThat(cli.exitCode()).isZero();
        JsonNode attempt = cli.json().get("attempts").get(0);
        assertThat(attempt.get("outcome").asString()).isEqualTo("delivered");
        assertThat(attempt.get("result_type").asString()).isEqualTo("certificate-expired");
        assertThat(attempt.get("reason").asString()).contains("mode testing");
        SmtpSession session = nthSession(mx1, before + 1);
        assertThat(session.tls()).isTrue();
        assertThat(session.messages()).hasSize(1);
    }

    @Test
    @DisplayName("RFC 8461 §5: mode testing without STARTTLS delivers in the clear, says so, reports starttls-not-supported")
    void testingModeDeliversInTheClear() throws InterruptedException {
        String mx1 = "mx1." + TESTING_PLAIN;
        int before = sessionCount(mx1);
        Cli human = send(TESTING_PLAIN);
        assertThat(human.exitCode()).isZero();
        assertThat(human.out()).contains("no STARTTLS: delivering WITHOUT TLS")
                .contains("TLS-RPT: a failed session: starttls-not-supported");
        SmtpSession session = nthSession(mx1, before + 1);
        assertThat(session.tls()).isFalse();
        assertThat(session.messages()).hasSize(1);

        JsonNode attempt = sendJson(TESTING_PLAIN).json().get("attempts").get(0);
        assertThat(attempt.get("outcome").asString()).isEqualTo("delivered");
        assertThat(attempt.get("result_type").asString()).isEqualTo("starttls-not-supported");
        assertThat(attempt.get("reason").asString()).contains("without TLS");
    }

    @Test
    @DisplayName("RFC 8461 §5: a domain without a policy is delivered (opportunistic TLS), policy null")
    void deliversWithoutPolicy() throws InterruptedException {
        String mx1 = "mx1." + NO_POLICY;
        int before = sessionCount(mx1);
        Cli cli = sendJson(NO_POLICY);
        assertThat(cli.exitCode()).isZero();
        JsonNode doc = cli.json();
        assertThat(doc.get("policy").isNull()).isTrue();
        assertThat(doc.get("delivered").asBoolean()).isTrue();
        JsonNode attempt = doc.get("attempts").get(0);
        assertThat(attempt.get("outcome").asString()).isEqualTo("delivered");
        assertThat(attempt.get("result_type").isNull()).isTrue();
        SmtpSession session = nthSession(mx1, before + 1);
        assertThat(session.tls()).isTrue();
        assertThat(session.sni()).isEqualTo(mx1);
    }

    @Test
    @DisplayName("RFC 8460 §4.3.2.2: a policy that cannot be fetched: delivered as without a policy, the session reports the fetch failure")
    void policyFetchFailureIsReportedOnTheSession() {
        Cli cli = sendJson(Scenario.NO_POLICY_HOST.domain());
        assertThat(cli.exitCode()).as(cli.out()).isZero();
        JsonNode doc = cli.json();
        assertThat(doc.get("policy").isNull()).isTrue();
        JsonNode attempt = doc.get("attempts").get(0);
        assertThat(attempt.get("outcome").asString()).isEqualTo("delivered");
        assertThat(attempt.get("result_type").asString()).isEqualTo("sts-policy-fetch-error");
        Cli human = send(Scenario.NO_POLICY_HOST.domain());
        assertThat(human.out()).contains("policy: none applies (policy-fetch-failed: ")
                .contains("TLS-RPT: every session to this domain counts the failure sts-policy-fetch-error")
                .contains("TLS-RPT: a failed session: sts-policy-fetch-error");
    }

    @Test
    @DisplayName("A temporary DNS failure: the policy is unknown, nothing is tried, exit 2")
    void dnsFailureExitsTwo() {
        String name = "_mta-sts." + Scenario.TESTING_MODE.domain();
        sandbox.dnsFault(name, DnsFault.SERVFAIL);
        try {
            Cli cli = sendJson(Scenario.TESTING_MODE.domain());
            assertThat(cli.exitCode()).isEqualTo(2);
            JsonNode doc = cli.json();
            assertThat(doc.get("policy").isNull()).isTrue();
            assertThat(doc.get("attempts")).isEmpty();
            assertThat(doc.get("delivered").asBoolean()).isFalse();
            Cli human = send(Scenario.TESTING_MODE.domain());
            assertThat(human.exitCode()).isEqualTo(2);
            assertThat(human.out()).contains("policy: dns-temporary-failure").contains("is unknown");
        } finally {
            sandbox.dnsFault(name, null);
        }
    }

    @Test
    @DisplayName("Every MX host failing to connect is temporary: exit 2")
    void connectFailureExitsTwo() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Cli cli = sendJson(NO_POLICY, "--connect", "mx1." + NO_POLICY + ":25=127.0.0.1:" + closed);
        assertThat(cli.exitCode()).isEqualTo(2);
        JsonNode attempt = cli.json().get("attempts").get(0);
        assertThat(attempt.get("outcome").asString()).isEqualTo("failed");
        assertThat(attempt.get("reason").asString()).contains("cannot connect to 127.0.0.1:" + closed);
        assertThat(attempt.get("smtp_reply").asString()).isEmpty();
        assertThat(attempt.get("result_type").isNull()).isTrue();
    }

    @Test
    @DisplayName("A server that goes silent is bounded by the read timeout: failed, exit 2")
    void silentServerTimesOut() {
        Cli cli = sendJson(STALLING, "--timeout", "1");
        assertThat(cli.exitCode()).isEqualTo(2);
        JsonNode attempt = cli.json().get("attempts").get(0);
        assertThat(attempt.get("outcome").asString()).isEqualTo("failed");
        assertThat(attempt.get("reason").asString()).contains("no answer within 1000 ms");
        assertThat(attempt.get("smtp_reply").asString()).startsWith("250");
    }

    @Test
    @DisplayName("RFC 5321 §4.5.2: --message is sent as it is, dot-stuffed, with CRLF line ends")
    void sendsTheMessageFileDotStuffed() throws IOException, InterruptedException {
        Path file = dir.resolve("message.eml");
        Files.writeString(file, "From: <" + FROM + ">\nSubject: dots\n\n.leading dot\n.\n..two dots\r\nlast line without end",
                StandardCharsets.US_ASCII);
        String mx1 = "mx1." + NO_POLICY;
        int before = sessionCount(mx1);
        Cli cli = sendJson(NO_POLICY, "--message", file.toString());
        assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
        assertThat(nthSession(mx1, before + 1).messages()).containsExactly("From: <" + FROM + ">\r\nSubject: dots\r\n\r\n"
                + ".leading dot\r\n.\r\n..two dots\r\nlast line without end\r\n");
    }

    @Test
    @DisplayName("Human output: each step, the SMTP dialogue and the TLS-RPT result of each session")
    void humanOutput() {
        Cli cli = send(Scenario.MX_NOT_IN_POLICY.domain());
        assertThat(cli.exitCode()).isZero();
        assertThat(cli.out())
                .contains("policy: mode enforce, mx mx1.mx-not-in-policy.example, max_age 604800")
                .contains("MX: mx1.mx-not-in-policy.example (10), mx2.mx-not-in-policy.example (20)")
                .contains("mx2.mx-not-in-policy.example: refused without connecting")
                .contains("TLS-RPT: a failed session: validation-failure (mtasts-policy-mx-mismatch)")
                .contains("C: STARTTLS", "S: 220 2.0.0 Ready to start TLS", "-- TLS TLSv1.")
                .contains("C: (the message: ")
                .contains("TLS-RPT: a successful session, under policy-type sts")
                .contains("delivered to mx1.mx-not-in-policy.example");
        Cli refused = send(Scenario.EXPIRED_MX_CERT.domain());
        assertThat(refused.out()).contains("TLS-RPT: a failed session: certificate-expired")
                .contains("not delivered: an MTA defers the message");
    }

    @Test
    @DisplayName("What the server says is escaped: no control character reaches the output")
    void escapesWhatTheServerSays() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> fake = CompletableFuture.runAsync(() -> hostile(server));
            Cli json = sendJson(NO_POLICY, "--connect", "mx1." + NO_POLICY + ":25=127.0.0.1:" + server.getLocalPort());
            fake.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(json.exitCode()).isEqualTo(1);
            JsonNode attempt = json.json().get("attempts").get(0);
            assertThat(attempt.get("outcome").asString()).isEqualTo("failed");
            assertThat(attempt.get("smtp_reply").asString()).isEqualTo("554 \\u001b[2Jgo away\\u0007");
            assertThat(attempt.get("reason").asString()).contains("greeting is not 220");
        }
    }

    /** Answers one connection with a hostile 554 greeting, then QUIT with 221. */
    private static void hostile(ServerSocket server) {
        try (Socket s = server.accept()) {
            s.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write("554 \u001b[2Jgo away\u0007\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] quit = in.readNBytes(6);
            if (new String(quit, StandardCharsets.US_ASCII).equals("QUIT\r\n")) {
                out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<Arguments> usageErrors() {
        return List.of(
                Arguments.of("--to", "nobody", "expected local@domain"),
                Arguments.of("--to", "a b@good.example", "may not contain ' '"),
                Arguments.of("--to", "someone@bad_domain.example", "the domain is invalid"),
                Arguments.of("--from", ".dot@sender.example", "a dot may not start"),
                Arguments.of("--timeout", "0", "--timeout must be at least 1 second"),
                Arguments.of("--message", "/no/such/file.eml", "--message: no such file"),
                Arguments.of("--ehlo", "bad name", "is not a host name"),
                Arguments.of("--connect", "nonsense", "expected NAME[:PORT]=HOST:PORT"));
    }

    @ParameterizedTest(name = "usage error: {0} {1}")
    @MethodSource("usageErrors")
    @DisplayName("Usage errors exit 64 and name the problem")
    void usageErrors(String option, String value, String message) {
        List<String> args = new ArrayList<>(List.of("send"));
        if (!option.equals("--from")) {
            args.addAll(List.of("--from", FROM));
        }
        if (!option.equals("--to")) {
            args.addAll(List.of("--to", "someone@good.example"));
        }
        args.addAll(List.of(option, value));
        Cli cli = Cli.run(args.toArray(String[]::new));
        assertThat(cli.exitCode()).as(cli.err()).isEqualTo(64);
        assertThat(cli.err()).startsWith("mtasts: ").contains(message);
        assertThat(cli.out()).isEmpty();
    }

    @Test
    @DisplayName("A missing --to is a usage error (exit 64)")
    void missingRecipient() {
        Cli cli = Cli.run("send", "--from", FROM);
        assertThat(cli.exitCode()).isEqualTo(64);
        assertThat(cli.err()).contains("--to");
    }

    @Test
    @DisplayName("RFC 8460 §4: --tlsrpt-counts counts each session in an aggregator snapshot, across runs")
    void countsTheSessionsInASnapshotFile() throws Exception {
        java.nio.file.Path counts = dir.resolve("tlsrpt-counts.json");
        assertThat(send("good.example", "--tlsrpt-counts", counts.toString()).exitCode()).isZero();
        assertThat(send("expired-mx-cert.example", "--tlsrpt-counts", counts.toString()).exitCode()).isEqualTo(1);
        assertThat(send("good.example", "--tlsrpt-counts", counts.toString()).exitCode()).isZero();

        org.mtasts.tlsrpt.ReportAggregator restored = org.mtasts.tlsrpt.ReportAggregator.builder()
                .organizationName("check").contactInfo("tlsrpt@check.example").snapshotFile(counts).build();
        java.util.Map<String, org.mtasts.tlsrpt.PolicyResult> byDomain = new java.util.HashMap<>();
        for (org.mtasts.tlsrpt.TlsReport r : restored.snapshot()) {
            byDomain.put(r.policies().get(0).policy().policyDomain(), r.policies().get(0));
        }
        assertThat(byDomain.get("good.example").summary().totalSuccessfulSessionCount()).isEqualTo(2);
        assertThat(byDomain.get("expired-mx-cert.example").summary().totalFailureSessionCount()).isEqualTo(1);
        assertThat(byDomain.get("expired-mx-cert.example").failureDetails().get(0).resultType().token())
                .isEqualTo("certificate-expired");
    }
}
