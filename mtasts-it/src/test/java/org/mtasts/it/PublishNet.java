package org.mtasts.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.mtasts.core.DomainName;
import org.mtasts.dns.DnsUpdater;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.dns.TsigKey;
import org.mtasts.dns.TxtRrsetAnswer;
import org.mtasts.http.AddressFilter;
import org.mtasts.http.HttpsPolicyFetcher;
import org.mtasts.testkit.MtaStsSandbox;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Update;

/**
 * The publish add-on of realnet ({@code integration/realnet/publish.sh}): a Knot DNS server on
 * 127.0.0.1:5400 that takes RFC 2136 updates of zone {@code publish.test} signed with the key in
 * {@code keys/update.key}. It writes {@code publish.properties} once it answers; {@code
 * publish.sh stop} deletes it.
 *
 * <p>The policy hosts are the test kit's HTTPS sandbox ({@link MtaStsSandbox}), in the test's
 * JVM: each test serves its own domain's policy and changes it at will, which a file under
 * realnet's nginx (part of the core servers) could not do without touching them.
 */
final class PublishNet {
    private static PublishNet instance;
    private static String unavailable;

    final Properties properties;
    final InetSocketAddress server;
    final String zone;

    private PublishNet(Properties properties) {
        this.properties = properties;
        String[] hostPort = require("server").split(":");
        this.server = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        this.zone = require("zone");
    }

    /** Returns the add-on, or skips (fails, when realnet is required) the calling test. */
    static synchronized PublishNet get() {
        if (instance == null && unavailable == null) {
            try {
                instance = locate();
            } catch (RuntimeException e) {
                unavailable = e.getMessage();
            }
        }
        if (instance == null) {
            String message = "the publish add-on of realnet is not running (" + unavailable + "): start it with "
                    + "integration/realnet/publish.sh start (setup.sh does)";
            if (Boolean.getBoolean("realnet.required")) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        return instance;
    }

    private static PublishNet locate() {
        Path file = Path.of(System.getProperty("realnet.dir", "/tmp/realnet"), "publish", "publish.properties");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no " + file);
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PublishNet net = new PublishNet(p);
        TxtRrsetAnswer answer = net.updater(net.key("key.bind")).readTxt(net.zone);
        if (!(answer instanceof TxtRrsetAnswer.Found)) {
            throw new IllegalStateException(file + " exists but Knot at " + net.server + " does not answer: " + answer.detail());
        }
        return net;
    }

    private String require(String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("publish.properties has no " + key);
        }
        return value;
    }

    Path keyFile(String property) {
        return Path.of(require(property));
    }

    TsigKey key(String property) {
        try {
            return TsigKey.load(keyFile(property));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    DnsUpdater updater(TsigKey key) {
        return DnsUpdater.builder().server(server).key(key).timeout(Duration.ofSeconds(5)).build();
    }

    DnsjavaResolver resolver() {
        return DnsjavaResolver.builder().server(server).timeout(Duration.ofSeconds(2)).cacheOthers(false).build();
    }

    /** A fresh domain under the zone, so that each test (and each run) starts with no records. */
    DomainName freshDomain(String prefix) {
        return DomainName.of(prefix + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + "." + zone);
    }

    /** Gives the domain an MX record (as its administrator would), with the update key. */
    void addMx(DomainName domain, String host) {
        try {
            Update update = new Update(Name.fromString(zone + "."));
            update.add(new MXRecord(Name.fromString(domain.ascii() + "."), DClass.IN, 60, 10, Name.fromString(host + ".")));
            Message response = send(update);
            if (response.getRcode() != Rcode.NOERROR) {
                throw new IllegalStateException("cannot add the MX record: " + Rcode.string(response.getRcode()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Another administrator's change: replaces every TXT record at the name, with the update key. */
    void replaceTxtBehindOurBack(String name, String text) {
        try {
            Name owner = Name.fromString(name + ".");
            Update update = new Update(Name.fromString(zone + "."));
            update.delete(owner, org.xbill.DNS.Type.TXT);
            update.add(new org.xbill.DNS.TXTRecord(owner, DClass.IN, 60, text));
            Message response = send(update);
            if (response.getRcode() != Rcode.NOERROR) {
                throw new IllegalStateException("cannot change " + name + ": " + Rcode.string(response.getRcode()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Message send(Update update) throws IOException {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTCP(true);
        resolver.setTimeout(Duration.ofSeconds(5));
        String line = Files.readString(keyFile("key.line")).strip(); // hmac-sha256:NAME:SECRET
        String[] parts = line.split(":", 3);
        resolver.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, Name.fromString(parts[1] + "."), parts[2]));
        return resolver.send(update);
    }

    /** The texts at a name, as the authoritative server answers now. */
    List<String> txt(String name) {
        TxtRrsetAnswer answer = updater(key("key.bind")).readTxt(name);
        return ((TxtRrsetAnswer.Found) answer).rrset().texts();
    }

    /** The zone's SOA serial: it moves with every applied update. */
    long serial() {
        try {
            SimpleResolver resolver = new SimpleResolver(server);
            resolver.setTCP(true);
            Message response = resolver.send(Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(zone + "."),
                    org.xbill.DNS.Type.SOA, DClass.IN)));
            return ((org.xbill.DNS.SOARecord) response.getSection(org.xbill.DNS.Section.ANSWER).get(0)).getSerial();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fetcher that trusts the sandbox and connects its policy hosts to their sandbox ports. */
    static HttpsPolicyFetcher fetcher(MtaStsSandbox sandbox) {
        return HttpsPolicyFetcher.builder()
                .trustManager(sandbox.trustManager())
                .addressOverrides(sandbox.addresses())
                .addressFilter(AddressFilter.ANY)
                .timeout(Duration.ofSeconds(10))
                .build();
    }
}
