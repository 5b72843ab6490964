package org.mtasts.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.mtasts.core.DomainName;
import org.mtasts.intake.Dashboard;
import org.mtasts.intake.FileReportStore;
import org.mtasts.intake.JdbcReportStore;
import org.mtasts.intake.IntakeCounts;
import org.mtasts.intake.PrometheusMetrics;
import org.mtasts.intake.Quarantine;
import org.mtasts.intake.ReportIntake;
import org.mtasts.intake.ReportReceiverServer;
import org.mtasts.intake.ReportStore;
import org.mtasts.intake.imap.ImapSource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mtasts report fetch|receive|dashboard|metrics}: report intake for domain owners, on a
 * store directory ({@code --store}) holding {@code reports/} and {@code quarantine/}.
 */
final class IntakeCommands {
    private IntakeCommands() {}

    /** The {@code --store} option every intake command has. */
    static final class StoreOption {
        @Option(names = "--store", paramLabel = "DIR", defaultValue = "${env:MTASTS_STORE:-mtasts-store}",
                description = "The store: reports/ and quarantine/ under DIR (default: $MTASTS_STORE or ./mtasts-store).")
        Path store;

        @Option(names = "--store-url", paramLabel = "JDBC_URL",
                description = "Keep the reports in PostgreSQL instead (jdbc:postgresql://host[:port]/db); the quarantine "
                        + "stays in DIR/quarantine.")
        String url;

        @Option(names = "--store-user", paramLabel = "USER", description = "The database user of --store-url.")
        String user;

        @Option(names = "--store-password-file", paramLabel = "FILE",
                description = "The database password of --store-url (default: $PGPASSWORD).")
        Path passwordFile;

        ReportStore reports() throws IOException {
            if (url == null) {
                return FileReportStore.open(store.resolve("reports"));
            }
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new MtastsCli.UsageException("--store-url " + url + " is not a jdbc:postgresql: URL");
            }
            Properties login = new Properties();
            if (user != null) {
                login.setProperty("user", user);
            }
            String password = passwordFile != null ? Files.readString(passwordFile, StandardCharsets.UTF_8).strip()
                    : System.getenv("PGPASSWORD");
            if (password != null) {
                login.setProperty("password", password);
            }
            return JdbcReportStore.open(url, login);
        }

        String describe() {
            return url != null ? url.replaceAll("\\?.*", "") : store.toString();
        }

        Quarantine quarantine() throws IOException {
            return Quarantine.open(store.resolve("quarantine"), Clock.systemUTC());
        }

        ReportIntake intake() throws IOException {
            return ReportIntake.builder().store(reports()).quarantine(quarantine()).build();
        }
    }

    static Map<String, Object> countsJson(IntakeCounts c) {
        Map<String, Object> m = Json.object();
        m.put("stored", c.stored());
        m.put("duplicates", c.duplicates());
        m.put("quarantined", c.quarantined());
        return m;
    }

    /** Where the IMAP password comes from: a file or an environment variable, never the command line. */
    static final class PasswordSource {
        @Option(names = "--password-file", paramLabel = "FILE",
                description = "Read the IMAP password from the first line of FILE.")
        Path file;

        @Option(names = "--password-env", paramLabel = "VAR",
                description = "Read the IMAP password from the environment variable VAR (default MTASTS_IMAP_PASSWORD).")
        String variable;
    }

    static char[] password(PasswordSource source) {
        if (source != null && source.file != null) {
            try {
                String text = Files.readString(source.file, StandardCharsets.UTF_8);
                int end = text.indexOf('\n');
                String line = (end < 0 ? text : text.substring(0, end)).replace("\r", "");
                return line.toCharArray();
            } catch (NoSuchFileException e) {
                throw new MtastsCli.UsageException("--password-file: no such file: " + source.file);
            } catch (IOException e) {
                throw new MtastsCli.UsageException("--password-file: cannot read " + source.file + ": " + e.getMessage());
            }
        }
        String name = source != null && source.variable != null ? source.variable : "MTASTS_IMAP_PASSWORD";
        String value = System.getenv(name);
        if (value == null) {
            throw new MtastsCli.UsageException("no IMAP password: give --password-file FILE or set " + name);
        }
        return value.toCharArray();
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Take reports into the store, each once (keyed by organization-name and report-id): from an "
                    + "IMAP folder, Maildirs, report files or directories of them.",
                    "Input without a usable report goes to the quarantine with its reason; the rest goes on.",
                    "Exit code: 0 done, 1 something was quarantined, 2 the server or the store failed."})
    static final class Fetch implements Callable<Integer> {
        @Option(names = "--imap", paramLabel = "URI",
                description = "imaps://user@host[:port]/FOLDER (or imap:// with STARTTLS). Processed messages get the "
                        + "keyword " + ImapSource.PROCESSED_KEYWORD + ", or are moved with --move-to.")
        URI imap;

        @ArgGroup(exclusive = true)
        PasswordSource password;

        @Option(names = "--move-to", paramLabel = "FOLDER", description = "Move processed IMAP messages to FOLDER.")
        String moveTo;

        @Option(names = "--reprocess", description = "Read IMAP messages marked as processed too.")
        boolean reprocess;

        @Option(names = "--trust", paramLabel = "PEM", description = "Trust the CA certificates in PEM for IMAP (default: the JDK's).")
        Path trust;

        @Option(names = "--allow-plaintext", description = "Let imap:// go on without STARTTLS (loopback servers only).")
        boolean allowPlaintext;

        @Option(names = "--maildir", paramLabel = "DIR", description = "A Maildir to read (repeatable); it is not changed.")
        List<Path> maildirs = new ArrayList<>();

        @Parameters(arity = "0..*", paramLabel = "FILE|DIR", description = "Report files or e-mails, or directories of them.")
        List<Path> files = new ArrayList<>();

        @Mixin
        StoreOption store;

        @Mixin
        Output output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (imap == null && maildirs.isEmpty() && files.isEmpty()) {
                throw new MtastsCli.UsageException("nothing to fetch: give --imap URI, --maildir DIR or files");
            }
            PrintWriter out = spec.commandLine().getOut();
            ReportIntake intake = store.intake();
            IntakeCounts total = IntakeCounts.ZERO;
            Map<String, Object> doc = Json.object();
            if (imap != null) {
                ImapSource.Builder b;
                try {
                    b = ImapSource.builder().uri(imap);
                } catch (IllegalArgumentException e) {
                    throw new MtastsCli.UsageException("--imap: " + e.getMessage());
                }
                b.password(password(password)).reprocess(reprocess).allowPlaintext(allowPlaintext);
                if (moveTo != null) {
                    b.moveTo(moveTo);
                }
                if (trust != null) {
                    try {
                        SSLContext context = SSLContext.getInstance("TLS");
                        context.init(null, new javax.net.ssl.TrustManager[] {Trust.load(trust)}, null);
                        b.sslSocketFactory(context.getSocketFactory());
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException("cannot make a TLS context: " + e, e);
                    }
                }
                IntakeCounts c = b.build().fetch(intake);
                doc.put("imap", countsJson(c));
                total = total.plus(c);
                if (!output.json) {
                    out.println(imap + ": " + human(c));
                }
            }
            for (Path maildir : maildirs) {
                IntakeCounts c = intake.acceptMaildir(maildir);
                doc.put("maildir " + maildir, countsJson(c));
                total = total.plus(c);
                if (!output.json) {
                    out.println(maildir + ": " + human(c));
                }
            }
            for (Path file : files) {
                IntakeCounts c;
                if (Files.isDirectory(file)) {
                    c = intake.acceptDirectory(file);
                } else if (Files.isRegularFile(file)) {
                    c = IntakeCounts.ZERO.plus(intake.acceptFile(file));
                } else {
                    throw new MtastsCli.UsageException("no such file: " + file);
                }
                doc.put("file " + file, countsJson(c));
                total = total.plus(c);
                if (!output.json) {
                    out.println(file + ": " + human(c));
                }
            }
            doc.put("total", countsJson(total));
            doc.put("store", store.describe());
            if (output.json) {
                Output.print(out, doc);
            } else {
                out.println("total: " + human(total) + (total.quarantined() > 0
                        ? " (see " + store.store.resolve("quarantine") + ")" : ""));
            }
            return total.quarantined() > 0 ? MtastsCli.FINDINGS : MtastsCli.OK;
        }

        private static String human(IntakeCounts c) {
            return c.stored() + " new, " + c.duplicates() + " seen before, " + c.quarantined() + " quarantined";
        }
    }

    @Command(name = "receive", mixinStandardHelpOptions = true,
            description = {"Receive reports POSTed over HTTPS (RFC 8460 §5.4: application/tlsrpt+json and "
                    + "application/tlsrpt+gzip) into the store, until stopped.",
                    "201 new report, 200 seen before, 400 not a report (quarantined), 413 too large, 415 other media type."})
    static final class Receive implements Callable<Integer> {
        @Option(names = "--listen", paramLabel = "ADDR", required = true, description = "HOST:PORT to listen on, such as 0.0.0.0:8443.")
        String listen;

        @Option(names = "--cert", paramLabel = "PEM", description = "The server's certificate chain, leaf first.")
        Path cert;

        @Option(names = "--key", paramLabel = "PEM", description = "The server's private key (PKCS #8 PEM).")
        Path key;

        @Option(names = "--plain-http", description = "Speak plain HTTP, behind a TLS-terminating proxy.")
        boolean plainHttp;

        @Option(names = "--path", paramLabel = "PATH", defaultValue = "/", description = "The path reports are posted to (default /).")
        String path;

        @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "" + ReportReceiverServer.DEFAULT_MAX_BODY_BYTES,
                description = "The largest request body (default ${DEFAULT-VALUE}).")
        int maxBody;

        @Mixin
        StoreOption store;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            InetSocketAddress address = address(listen);
            ReportReceiverServer.Builder b = ReportReceiverServer.builder().intake(store.intake()).address(address);
            try {
                b.path(path).maxBodyBytes(maxBody);
            } catch (IllegalArgumentException e) {
                throw new MtastsCli.UsageException(e.getMessage());
            }
            if (plainHttp) {
                if (cert != null || key != null) {
                    throw new MtastsCli.UsageException("--plain-http takes no --cert or --key");
                }
            } else {
                if (cert == null || key == null) {
                    throw new MtastsCli.UsageException("give --cert and --key (or --plain-http behind a TLS proxy)");
                }
                b.sslContext(serverContext(cert, key));
            }
            CountDownLatch stopped = new CountDownLatch(1);
            try (ReportReceiverServer server = b.build()) {
                server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    server.close();
                    stopped.countDown();
                }));
                PrintWriter out = spec.commandLine().getOut();
                out.println("receiving reports at " + server.uri() + " into " + store.describe());
                out.flush();
                stopped.await();
            }
            return MtastsCli.OK;
        }

        static InetSocketAddress address(String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                throw new MtastsCli.UsageException("--listen " + text + " is not HOST:PORT");
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new MtastsCli.UsageException("--listen " + text + ": the port is not a number");
            }
            if (port < 0 || port > 65535) {
                throw new MtastsCli.UsageException("--listen " + text + ": the port is outside 0..65535");
            }
            return new InetSocketAddress(host, port);
        }

        static SSLContext serverContext(Path certFile, Path keyFile) {
            try {
                Collection<? extends Certificate> chain;
                try (InputStream in = Files.newInputStream(certFile)) {
                    chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
                }
                if (chain.isEmpty()) {
                    throw new MtastsCli.UsageException("--cert: no certificate in " + certFile);
                }
                PrivateKey privateKey = privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII), keyFile);
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("server", privateKey, new char[0], chain.toArray(new Certificate[0]));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(kmf.getKeyManagers(), null, null);
                return context;
            } catch (NoSuchFileException e) {
                throw new MtastsCli.UsageException("no such file: " + e.getFile());
            } catch (IOException | GeneralSecurityException e) {
                throw new MtastsCli.UsageException("cannot load the certificate and key: " + e.getMessage());
            }
        }

        private static PrivateKey privateKey(String pem, Path file) throws GeneralSecurityException {
            String begin = "-----BEGIN PRIVATE KEY-----";
            int start = pem.indexOf(begin);
            int end = pem.indexOf("-----END PRIVATE KEY-----");
            if (start < 0 || end < start) {
                throw new MtastsCli.UsageException("--key: " + file + " holds no PKCS #8 key (BEGIN PRIVATE KEY); convert it with "
                        + "openssl pkcs8 -topk8 -nocrypt");
            }
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
            for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                } catch (GeneralSecurityException e) {
                    // try the next algorithm
                }
            }
            throw new MtastsCli.UsageException("--key: the key in " + file + " is not RSA, EC or Ed25519");
        }
    }

    @Command(name = "dashboard", mixinStandardHelpOptions = true,
            description = {"Write one static HTML page (DIR/index.html, no external resources) from the store: "
                    + "sessions per day as a chart, failures by result type, sending organisation and MX host, and "
                    + "whether each policy domain is ready for enforce."})
    static final class DashboardCmd implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where to write index.html.")
        Path out;

        @Option(names = "--domain", paramLabel = "DOMAIN", description = "A policy domain to judge (repeatable; default: all).")
        List<String> domains = new ArrayList<>();

        @Option(names = "--days", paramLabel = "N", defaultValue = "14", description = "Days without failures needed for enforce (default 14).")
        int days;

        @Option(names = "--chart-days", paramLabel = "N", defaultValue = "60", description = "Days the chart shows (default 60).")
        int chartDays;

        @Option(names = "--until", paramLabel = "YYYY-MM-DD", description = "The last day (default: the latest report's).")
        LocalDate until;

        @Mixin
        StoreOption store;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Dashboard.Builder b = Dashboard.builder();
            try {
                b.days(days).chartDays(chartDays);
            } catch (IllegalArgumentException e) {
                throw new MtastsCli.UsageException(e.getMessage());
            }
            if (until != null) {
                b.until(until);
            }
            for (String d : domains) {
                b.domain(DomainName.parse(d).toOptional()
                        .orElseThrow(() -> new MtastsCli.UsageException("--domain " + d + " is not a domain name")));
            }
            String html = b.build().render(store.reports().reports());
            Files.createDirectories(out);
            Path file = out.resolve("index.html");
            writeAtomically(file, html);
            spec.commandLine().getOut().println("wrote " + file);
            return MtastsCli.OK;
        }
    }

    @Command(name = "metrics", mixinStandardHelpOptions = true,
            description = {"Print the store's counts in the Prometheus text format (or write them to a file, for the node "
                    + "exporter's textfile collector)."})
    static final class Metrics implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE (atomically) instead of standard output.")
        Path out;

        @Mixin
        StoreOption store;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            String text = PrometheusMetrics.render(store.reports().reports(), store.quarantine().entries().size());
            if (out == null) {
                spec.commandLine().getOut().print(text);
            } else {
                writeAtomically(out, text);
            }
            return MtastsCli.OK;
        }
    }

    static void writeAtomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, ".tmp-", ".part");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
