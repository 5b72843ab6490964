package org.mtasts.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.Dns;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.mtasts.core.DomainName;
import org.mtasts.core.TxtAnswer;
import org.mtasts.dns.AddressAnswer;
import org.mtasts.dns.DnsjavaResolver;

/**
 * The realnet servers as {@code integration/realnet/setup.sh} left them: it writes {@code
 * realnet.properties} into its state directory once every server answered, and {@code stop.sh}
 * deletes it. Where setup.sh could bind the standard ports on the host (53 on 127.0.0.53, 443 and
 * 25 on 127.0.0.1), the tests use them with no address override; where it could not, they fall
 * back to 5353, 8443 and 2525 and say so in their output.
 *
 * <p>When realnet is not up, {@link #get()} skips the calling test with a JUnit assumption, unless
 * the system property {@code realnet.required} is true (as in {@code .ci/run}): then it fails.
 */
final class Realnet {

    /** The standard DNS port on the host: Knot on 127.0.0.53 (127.0.0.53 is free without systemd-resolved). */
    static final InetSocketAddress KNOT_53 = new InetSocketAddress("127.0.0.53", 53);
    /** Knot's own port, always bound. */
    static final InetSocketAddress KNOT_5353 = new InetSocketAddress("127.0.0.1", 5353);

    private static final Duration DNS_TIMEOUT = Duration.ofSeconds(2);
    private static Realnet instance;
    private static String unavailable;

    private final Properties properties;
    private final InetSocketAddress authoritative;
    private final InetSocketAddress recursive;
    private final int httpsPort;
    private final int httpPort;
    private final InetSocketAddress smtp;
    private final X509TrustManager trust;
    private final Path ca;
    private final Path root;

    private Realnet(Properties properties) {
        this.properties = properties;
        List<InetSocketAddress> knot = addresses("dns.authoritative");
        this.authoritative = knot.contains(KNOT_53) ? KNOT_53 : knot.get(0);
        this.recursive = addresses("dns.recursive").get(0);
        this.httpsPort = port(addresses("https"), 443);
        this.httpPort = port(addresses("http"), 80);
        List<InetSocketAddress> smtps = addresses("smtp");
        this.smtp = smtps.contains(new InetSocketAddress("127.0.0.1", 25)) ? new InetSocketAddress("127.0.0.1", 25)
                : smtps.get(0);
        this.ca = Path.of(require("ca"));
        this.trust = trustManager(ca);
        this.root = Path.of(System.getProperty("mtasts.root.dir", "..")).toAbsolutePath().normalize();
    }

    /**
     * Returns realnet, or skips (fails, when required) the calling test if it is not running.
     *
     * @return the running realnet
     */
    static synchronized Realnet get() {
        if (instance == null && unavailable == null) {
            try {
                instance = locate();
                instance.announce();
            } catch (RuntimeException e) {
                unavailable = e.getMessage();
            }
        }
        if (instance == null) {
            String message = "realnet is not running (" + unavailable + "): start it with sudo "
                    + "integration/realnet/setup.sh, then run ./mvnw -B -Prealnet -pl mtasts-it -am verify";
            if (Boolean.getBoolean("realnet.required")) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        return instance;
    }

    private static Realnet locate() {
        Path dir = Path.of(System.getProperty("realnet.dir", "/tmp/realnet"));
        Path file = dir.resolve("realnet.properties");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no " + file);
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Realnet realnet = new Realnet(p);
        // The file may outlive the servers (a reboot, a killed server): ask Knot.
        TxtAnswer answer = realnet.resolver(realnet.authoritative).resolveTxt("_mta-sts.example.test");
        if (!(answer instanceof TxtAnswer.Records)) {
            throw new IllegalStateException(file + " exists but Knot at " + hostPort(realnet.authoritative)
                    + " answers " + answer);
        }
        return realnet;
    }

    private void announce() {
        System.out.println("realnet (" + properties.getProperty("started") + "): Knot " + hostPort(authoritative)
                + ", Unbound " + hostPort(recursive) + ", nginx HTTPS port " + httpsPort + ", Postfix " + hostPort(smtp)
                + ", peer " + (peerAvailable() ? "available" : "not available"));
        if (!authoritative.equals(KNOT_53)) {
            note("127.0.0.53:53 is not bound: DNS goes to Knot at " + hostPort(authoritative));
        }
        if (httpsPort != 443) {
            note("127.0.0.1:443 is not bound: policy hosts are reached on port " + httpsPort + " with an address override");
        }
        if (smtp.getPort() != 25) {
            note("127.0.0.1:25 is not bound: Postfix is reached on port " + smtp.getPort());
        }
    }

    /** Prints a line to the test output (failsafe keeps it in the report's -output.txt). */
    static void note(String text) {
        System.out.println("realnet: NOTE: " + text);
    }

    /** Knot, authoritative only: on 127.0.0.53:53 where setup.sh could bind it, else 127.0.0.1:5353. */
    InetSocketAddress authoritativeDns() {
        return authoritative;
    }

    /** Unbound, recursive, stub for {@code test.} towards Knot. */
    InetSocketAddress recursiveDns() {
        return recursive;
    }

    /** A resolver asking one server, without caches, with short timeouts. */
    DnsjavaResolver resolver(InetSocketAddress server) {
        return DnsjavaResolver.builder().server(server).timeout(DNS_TIMEOUT).retries(1)
                .deadline(DNS_TIMEOUT.multipliedBy(4)).cacheOthers(false).build();
    }

    /** An OkHttp {@link Dns} that answers from our resolver, as a sender would configure it. */
    static Dns okHttpDns(DnsjavaResolver resolver) {
        return hostname -> {
            DomainName name = DomainName.parse(hostname).toOptional()
                    .orElseThrow(() -> new UnknownHostException("not a host name: " + hostname));
            AddressAnswer answer = resolver.resolveAddresses(name);
            if (answer instanceof AddressAnswer.Addresses found) {
                return found.addresses();
            }
            throw new UnknownHostException(hostname + ": " + answer);
        };
    }

    /** Whether nginx serves HTTPS on 443 (else {@link #httpsPort()}). */
    boolean standardHttps() {
        return httpsPort == 443;
    }

    /** The HTTPS port of the policy hosts and the TLS-RPT receiver: 443, or 8443. */
    int httpsPort() {
        return httpsPort;
    }

    /** The plain HTTP port: 80, or 8080. */
    int httpPort() {
        return httpPort;
    }

    /**
     * The address overrides a client needs when 443 is not bound: each host, resolved through
     * {@code resolver}, on {@link #httpsPort()}. Empty when 443 is bound. Hosts without an address
     * get no override (their lookup fails either way).
     */
    Map<String, InetSocketAddress> httpsOverrides(DnsjavaResolver resolver, Collection<String> hosts) {
        Map<String, InetSocketAddress> map = new LinkedHashMap<>();
        if (standardHttps()) {
            return map;
        }
        for (String host : hosts) {
            AddressAnswer answer = resolver.resolveAddresses(DomainName.of(host));
            if (answer instanceof AddressAnswer.Addresses found) {
                map.put(host, new InetSocketAddress(found.addresses().get(0), httpsPort));
            }
        }
        return map;
    }

    /** Postfix: 127.0.0.1:25 where setup.sh could bind it, else 127.0.0.1:2525. */
    InetSocketAddress smtp() {
        return smtp;
    }

    /** The only trust anchor: the realnet root CA. */
    X509TrustManager trustManager() {
        return trust;
    }

    /** The realnet root CA, PEM. */
    Path caPem() {
        return ca;
    }

    /** Where nginx keeps each body POSTed to {@code https://tlsrpt.example.test/report}. */
    Path tlsRptUploads() {
        return Path.of(require("tlsrpt.https.dir"));
    }

    /** The Maildir of {@code tlsrpt@example.test}. */
    Path tlsRptMaildir() {
        return Path.of(require("tlsrpt.maildir"));
    }

    /** Whether the peer (postfix-mta-sts-resolver) runs in its network namespace. */
    boolean peerAvailable() {
        return "1".equals(properties.getProperty("peer"));
    }

    /**
     * Whether the sender Postfix runs in the network namespace (setup.sh section 6b): it takes its
     * TLS policy from {@link #senderPolicySocket()}, through 127.0.0.1:8462 in the namespace.
     */
    boolean senderAvailable() {
        return "1".equals(properties.getProperty("sender"));
    }

    /** The network namespace of the peer and the sender Postfix. */
    String netns() {
        return require("sender.netns");
    }

    /** The sender Postfix's configuration directory ({@code postfix -c}, {@code sendmail -C}). */
    Path senderConfig() {
        return Path.of(require("sender.config"));
    }

    /** The sender Postfix's log ({@code maillog_file}). */
    Path senderLog() {
        return Path.of(require("sender.log"));
    }

    /** The Unix socket where the sender's {@code smtp_tls_policy_maps} server is to listen. */
    Path senderPolicySocket() {
        return Path.of(require("sender.policy.socket"));
    }

    /** {@code integration/realnet/peer.sh}. */
    Path peerScript() {
        return root.resolve("integration/realnet/peer.sh");
    }

    private String require(String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("realnet.properties has no " + key);
        }
        return value.strip();
    }

    private List<InetSocketAddress> addresses(String key) {
        List<InetSocketAddress> list = new ArrayList<>();
        for (String item : require(key).split(",")) {
            String hostPort = item.strip();
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalStateException("realnet.properties: " + key + " has '" + hostPort + "', not HOST:PORT");
            }
            try {
                list.add(new InetSocketAddress(InetAddress.getByName(hostPort.substring(0, colon)),
                        Integer.parseInt(hostPort.substring(colon + 1))));
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalStateException("realnet.properties: " + key + " has '" + hostPort + "'", e);
            }
        }
        return list;
    }

    private static int port(List<InetSocketAddress> bound, int standard) {
        for (InetSocketAddress a : bound) {
            if (a.getPort() == standard) {
                return standard;
            }
        }
        return bound.get(0).getPort();
    }

    static String hostPort(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    private static X509TrustManager trustManager(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("realnet" + i++, c);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X509TrustManager");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the realnet CA " + pem, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the realnet CA " + pem + ": " + e.getMessage(), e);
        }
    }
}
