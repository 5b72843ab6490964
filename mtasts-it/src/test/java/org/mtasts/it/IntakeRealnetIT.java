package org.mtasts.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtasts.cli.MtastsCli;
import org.mtasts.core.DomainName;
import org.mtasts.core.PolicyMode;
import org.mtasts.core.ResultType;
import org.mtasts.core.StsPolicy;
import org.mtasts.intake.ReportIdentity;
import org.mtasts.intake.imap.ImapSource;
import org.mtasts.tlsrpt.DateRange;
import org.mtasts.tlsrpt.FailureDetails;
import org.mtasts.tlsrpt.PolicyDetails;
import org.mtasts.tlsrpt.PolicyResult;
import org.mtasts.tlsrpt.Summary;
import org.mtasts.tlsrpt.TlsReport;
import org.mtasts.tlsrpt.mail.MessageReadResult;
import org.mtasts.tlsrpt.mail.ReportMessage;
import org.mtasts.tlsrpt.mail.ReportMessageReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code mtasts report fetch --imap} against a real Dovecot (realnet add-on {@code
 * integration/realnet/dovecot.sh}) serving the reports realnet's Postfix delivered to
 * tlsrpt@example.test and the corpus's report e-mails. Each test works on a folder of its own, made
 * from INBOX and Corpus by server-side copies, so runs never see each other's flags.
 */
class IntakeRealnetIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Realnet realnet;
    private static Properties dovecot;

    @TempDir
    Path dir;

    private final List<String> foldersMade = new ArrayList<>();

    @BeforeAll
    static void dovecot() throws IOException {
        realnet = Realnet.get();
        Path file = Path.of(System.getProperty("realnet.dir", "/tmp/realnet"), "dovecot", "dovecot.properties");
        if (!Files.isRegularFile(file)) {
            String message = "the realnet add-on Dovecot is not running (no " + file
                    + "): start it with sudo integration/realnet/dovecot.sh start";
            if (Boolean.getBoolean("realnet.required")) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        dovecot = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            dovecot.load(in);
        }
    }

    @AfterEach
    void dropFolders() throws Exception {
        try (Store store = connect()) {
            for (String name : foldersMade) {
                Folder f = store.getFolder(name);
                if (f.exists()) {
                    f.delete(true);
                }
            }
        }
    }

    private Store connect() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {realnet.trustManager()}, null);
        Properties p = new Properties();
        p.put("mail.imaps.ssl.socketFactory", context.getSocketFactory());
        p.setProperty("mail.imaps.ssl.checkserveridentity", "true");
        p.setProperty("mail.imaps.connectiontimeout", "20000");
        p.setProperty("mail.imaps.timeout", "20000");
        Store store = Session.getInstance(p).getStore("imaps");
        InetSocketAddress imaps = address("imaps");
        store.connect(dovecot.getProperty("host"), imaps.getPort(), dovecot.getProperty("user"), password());
        return store;
    }

    private static InetSocketAddress address(String key) {
        String[] hostPort = dovecot.getProperty(key).split(":");
        return new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
    }

    private static String password() throws IOException {
        return Files.readString(Path.of(dovecot.getProperty("password.file"))).strip();
    }

    /** A report e-mail with Postfix's own route: handed to the MX, delivered into the Maildir. */
    private static String mailThroughPostfix() throws Exception {
        StsPolicy policy = StsPolicy.builder().mode(PolicyMode.TESTING).mx("mx1.example.test").maxAge(86400).build();
        FailureDetails failure = FailureDetails.builder(ResultType.CERTIFICATE_EXPIRED).receivingMxHostname("mx1.example.test")
                .failedSessionCount(2).build();
        String reportId = "it-intake-" + UUID.randomUUID();
        TlsReport report = TlsReport.builder().organizationName("mtasts-java intake tests")
                .contactInfo("tlsrpt-noreply@sender.test").reportId(reportId)
                .dateRange(DateRange.utcDay(LocalDate.now(ZoneOffset.UTC).minusDays(1)))
                .policy(new PolicyResult(PolicyDetails.sts(DomainName.of("example.test"), policy.toText()),
                        new Summary(40, 2), List.of(failure)))
                .build();
        String messageId = "<" + UUID.randomUUID() + "@sender.test>";
        ReportMessage message = ReportMessage.builder().report(report).from("tlsrpt-noreply@sender.test")
                .to("tlsrpt@example.test").uniqueId("001").messageId(messageId).date(Instant.now()).build();
        Path inbox = realnet.tlsRptMaildir().resolve("new");
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            inbox.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            ReportDeliveryRealnetIT.Smtp.send("mx1.example.test", new InetSocketAddress("127.0.0.1", realnet.smtp().getPort()),
                    realnet.trustManager(), "tlsrpt-noreply@sender.test", "tlsrpt@example.test", message.toBytes());
            assertThat(ReportDeliveryRealnetIT.awaitMessage(watch, inbox, messageId)).as("delivered into " + inbox).isNotNull();
        }
        return reportId;
    }

    private static void sync() throws Exception {
        Process p = new ProcessBuilder(dovecot.getProperty("sync").split(" ")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        System.out.println(out.strip());
    }

    /** A fresh folder: INBOX's messages, a broken report e-mail, then Corpus's; returns the raw messages. */
    private List<byte[]> makeFolder(String name) throws Exception {
        List<byte[]> raw = new ArrayList<>();
        try (Store store = connect()) {
            Folder target = store.getFolder(name);
            assertThat(target.create(Folder.HOLDS_MESSAGES)).isTrue();
            foldersMade.add(name);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            inbox.copyMessages(inbox.getMessages(), target);
            raw.addAll(rawMessages(inbox));
            inbox.close(false);
            byte[] brokenBytes = brokenMessage();
            MimeMessage broken = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(brokenBytes));
            target.appendMessages(new Message[] {broken});
            raw.add(brokenBytes);
            Folder corpus = store.getFolder(dovecot.getProperty("corpus.folder"));
            corpus.open(Folder.READ_ONLY);
            assertThat(corpus.getMessageCount()).isEqualTo(Integer.parseInt(dovecot.getProperty("corpus.messages")));
            corpus.copyMessages(corpus.getMessages(), target);
            raw.addAll(rawMessages(corpus));
            corpus.close(false);
            // COPY keeps flags: a message of INBOX or Corpus that someone fetched carries the keyword.
            target.open(Folder.READ_WRITE);
            assertThat(target.getMessageCount()).isEqualTo(raw.size());
            target.setFlags(target.getMessages(), new Flags(ImapSource.PROCESSED_KEYWORD), false);
            target.close(false);
        }
        return raw;
    }

    private static List<byte[]> rawMessages(Folder folder) throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (Message m : folder.getMessages()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            m.writeTo(bytes);
            out.add(bytes.toByteArray());
        }
        return out;
    }

    private JsonNode fetch(Path store, String folder, String... extra) throws IOException {
        Path passwordFile = Files.writeString(dir.resolve("password"), password() + "\n");
        List<String> args = new ArrayList<>(List.of("report", "fetch", "--json", "--store", store.toString(),
                "--imap", "imaps://" + dovecot.getProperty("user") + "@" + dovecot.getProperty("host") + ":"
                        + address("imaps").getPort() + "/" + folder,
                "--password-file", passwordFile.toString(), "--trust", realnet.caPem().toString()));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = MtastsCli.run(new PrintWriter(out), new PrintWriter(err), args.toArray(new String[0]));
        System.out.println("mtasts " + String.join(" ", args) + "\n-> exit " + code + "\n" + out + err);
        assertThat(code).as(err.toString()).isIn(MtastsCli.OK, MtastsCli.FINDINGS);
        return JSON.readTree(out.toString()).get("total");
    }

    private static long count(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }

    @Test
    @DisplayName("RFC 8460 §5.3: fetch reads Postfix's deliveries and the corpus once each; a broken message is quarantined and the loop goes on")
    void fetchReadsEveryMessageOnce() throws Exception {
        String reportId = mailThroughPostfix();
        sync();
        String folder = "it-" + UUID.randomUUID();
        List<byte[]> raw = makeFolder(folder);
        // What the reader makes of each message, independently of the intake: the mailbox also holds
        // mail that is no report (Postfix delivered "mtasts send" test messages to tlsrpt@ too).
        Set<ReportIdentity> expected = new HashSet<>();
        int unreadable = 0;
        Set<java.nio.ByteBuffer> distinctUnreadable = new HashSet<>();
        for (byte[] m : raw) {
            MessageReadResult r = ReportMessageReader.create().read(m);
            if (r instanceof MessageReadResult.Received received) {
                expected.add(ReportIdentity.of(received.report()));
            } else {
                unreadable++;
                distinctUnreadable.add(java.nio.ByteBuffer.wrap(m));
            }
        }
        assertThat(unreadable).as("the broken message at least").isPositive();
        assertThat(expected).contains(new ReportIdentity("mtasts-java intake tests", reportId));
        Path store = dir.resolve("store");

        JsonNode first = fetch(store, folder);
        assertThat(first.get("stored").asLong()).isEqualTo(expected.size());
        assertThat(first.get("stored").asLong() + first.get("duplicates").asLong()).isEqualTo(raw.size() - unreadable);
        assertThat(first.get("quarantined").asLong()).isEqualTo(unreadable);
        assertThat(count(store.resolve("quarantine"))).isEqualTo(distinctUnreadable.size());
        assertThat(count(store.resolve("reports"))).isEqualTo(expected.size());
        Path entry = store.resolve("quarantine").resolve(sha256(brokenOf(raw)));
        assertThat(Files.readString(entry.resolve("reason.txt"))).startsWith("reason: not a usable report e-mail")
                .contains("origin: imaps://" + dovecot.getProperty("host"));
        assertThat(entry.resolve("content")).hasBinaryContent(brokenOf(raw));

        // The messages carry the processed keyword now: the second run reads none.
        JsonNode second = fetch(store, folder);
        assertThat(second.get("stored").asLong() + second.get("duplicates").asLong() + second.get("quarantined").asLong())
                .isZero();
        // Read again on purpose: the store keeps every report once, the quarantine the broken one once.
        JsonNode third = fetch(store, folder, "--reprocess");
        assertThat(third.get("stored").asLong()).isZero();
        assertThat(third.get("duplicates").asLong()).isEqualTo(raw.size() - unreadable);
        assertThat(third.get("quarantined").asLong()).isEqualTo(unreadable);
        assertThat(count(store.resolve("reports"))).isEqualTo(expected.size());
        assertThat(count(store.resolve("quarantine"))).isEqualTo(distinctUnreadable.size());

        try (Store imap = connect()) {
            Folder f = imap.getFolder(folder);
            f.open(Folder.READ_ONLY);
            for (Message m : f.getMessages()) {
                assertThat(m.getFlags().contains(ImapSource.PROCESSED_KEYWORD)).isTrue();
            }
            f.close(false);
        }
    }

    @Test
    void fetchCanMoveProcessedMessages() throws Exception {
        String folder = "it-" + UUID.randomUUID();
        String done = folder + "-done";
        foldersMade.add(done);
        List<byte[]> raw = makeFolder(folder);
        Path store = dir.resolve("store");
        JsonNode moved = fetch(store, folder, "--move-to", done);
        assertThat(moved.get("stored").asLong() + moved.get("duplicates").asLong() + moved.get("quarantined").asLong())
                .isEqualTo(raw.size());
        try (Store imap = connect()) {
            Folder source = imap.getFolder(folder);
            source.open(Folder.READ_ONLY);
            assertThat(source.getMessageCount()).isZero();
            source.close(false);
            Folder target = imap.getFolder(done);
            target.open(Folder.READ_ONLY);
            assertThat(target.getMessageCount()).isEqualTo(raw.size());
            assertThat(target.getMessages()[0].isSet(Flags.Flag.DELETED)).isFalse();
            target.close(false);
        }
        assertThat(fetch(store, folder).get("stored").asLong()).isZero();
    }

    private static byte[] brokenOf(List<byte[]> raw) {
        return raw.stream().filter(m -> new String(m, StandardCharsets.US_ASCII).contains("Report-ID: <broken>"))
                .findFirst().orElseThrow();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** A report e-mail whose gzip attachment is cut short. */
    static byte[] brokenMessage() {
        return ("From: noreply-smtp-tls-reporting@google.com\r\nTo: tlsrpt@example.test\r\n"
                + "Subject: Report Domain: example.test Submitter: google.com Report-ID: <broken>\r\n"
                + "Message-ID: <broken-" + UUID.randomUUID() + "@google.com>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=tlsrpt; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nreport\r\n"
                + "--b\r\nContent-Type: application/tlsrpt+gzip\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"google.com!example.test!1!2!001.json.gz\"\r\n\r\n"
                + "H4sIAAAAAAAAA6tWKkktLlGyUlAqS8wpTVWqBQBHn8V9EAAAAA==garbage\r\n--b--\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
