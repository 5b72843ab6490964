package org.mtasts.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListResourceBundle;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.dns.DnsjavaResolver;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The network options of the commands that go on the network ({@code check}, {@code send},
 * {@code publish}): {@code --dns}, {@code --trust}, {@code --connect} and {@code --timeout}, and
 * what they become (a resolver, a trust manager, address overrides, a per-step timeout).
 *
 * <p>The values are checked when a command asks for them, not while picocli parses, so that each
 * command reports its usage errors in its own order.
 */
final class NetworkOptions {
    /** Where a command uses an option differently, its own description (by command name, then key). */
    private static final Map<String, Map<String, String>> WORDING = Map.of(
            "check", Map.of(
                    "network.connect", "Connect to HOST:PORT for NAME (on PORT: 443, 80 or 25; without it, every port). Repeatable."),
            "publish", Map.of(
                    "network.dns", "Resolve MX hosts and the policy host with this DNS server.",
                    "network.connect", "Connect to HOST:PORT for NAME (the policy host). Repeatable."),
            "send", Map.of(
                    "network.trust", "Trust these CA certificates instead of the JDK's, for the policy host and the MX hosts.",
                    "network.connect", "Connect to HOST:PORT for NAME (on PORT: 443 or 25; without it, every port). Repeatable.",
                    "network.timeout", "Per connect and read (default 10); one MX attempt takes at most "
                            + Sender.ATTEMPT_TIMEOUTS + " times this."));

    @Option(names = "--dns", paramLabel = "HOST:PORT", descriptionKey = "network.dns",
            description = "Ask this DNS server instead of the system's.")
    @Nullable String dns;

    @Option(names = "--trust", paramLabel = "PEM", descriptionKey = "network.trust",
            description = "Trust these CA certificates instead of the JDK's.")
    @Nullable Path trust;

    @Option(names = "--connect", paramLabel = "NAME[:PORT]=HOST:PORT", descriptionKey = "network.connect",
            description = "Connect to HOST:PORT for NAME (on PORT: for that port only; without it, every port). Repeatable.")
    List<String> connect = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", descriptionKey = "network.timeout",
            description = "Per network step (default 10).")
    int timeout = 10;

    /**
     * Gives the command that mixes these options in its own wording of them, through picocli's
     * descriptionKey: a resource bundle on that command with its entries of {@link #WORDING}.
     */
    @Spec(Spec.Target.MIXEE)
    void describe(CommandSpec mixee) {
        Map<String, String> wording = WORDING.getOrDefault(mixee.name(), Map.of());
        if (wording.isEmpty()) {
            return;
        }
        Object[][] contents = wording.entrySet().stream().map(e -> new Object[] {e.getKey(), e.getValue()})
                .toArray(Object[][]::new);
        mixee.resourceBundle(new ListResourceBundle() {
            @Override
            protected Object[][] getContents() {
                return contents;
            }
        });
    }

    /** {@code --timeout}, at least one second. */
    Duration timeout() {
        if (timeout < 1) {
            throw new MtastsCli.UsageException("--timeout must be at least 1 second");
        }
        return Duration.ofSeconds(timeout);
    }

    /** Whether {@code --dns} names a server (else the system's is asked). */
    boolean hasDns() {
        return dns != null;
    }

    /** A resolver that asks the {@code --dns} server, or the system's, with {@link #timeout()} per query. */
    DnsjavaResolver resolver() {
        Duration step = timeout();
        // A diagnostic sees every answer fresh: no TTL cache.
        DnsjavaResolver.Builder b = DnsjavaResolver.builder().timeout(step).deadline(step.multipliedBy(3))
                .cacheOthers(false);
        if (dns != null) {
            b.server(hostPort(dns, "--dns"));
        }
        return b.build();
    }

    /** The CA certificates of {@code --trust}, or the JDK's. */
    X509TrustManager trustManager() {
        return Trust.load(trust);
    }

    /** The {@code --connect} overrides: {@code name} or {@code name:port} (lower case) to the address. */
    Map<String, InetSocketAddress> connect() {
        return parseConnect(connect);
    }

    static Map<String, InetSocketAddress> parseConnect(List<String> values) {
        Map<String, InetSocketAddress> map = new LinkedHashMap<>();
        for (String value : values) {
            int eq = value.indexOf('=');
            if (eq <= 0) {
                throw new MtastsCli.UsageException("--connect " + value + ": expected NAME[:PORT]=HOST:PORT");
            }
            String key = value.substring(0, eq).toLowerCase(Locale.ROOT);
            String name = key.contains(":") ? key.substring(0, key.indexOf(':')) : key;
            if (!DomainName.isValid(name)) {
                throw new MtastsCli.UsageException("--connect " + value + ": '" + name + "' is not a host name");
            }
            map.put(key, hostPort(value.substring(eq + 1), "--connect"));
        }
        return map;
    }

    /** The overrides that apply to HTTPS: those for every port and those for port 443, by host name. */
    static Map<String, InetSocketAddress> httpsOverrides(Map<String, InetSocketAddress> connect) {
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        for (Map.Entry<String, InetSocketAddress> e : connect.entrySet()) {
            String key = e.getKey();
            if (!key.contains(":")) {
                out.put(key, e.getValue());
            } else if (key.endsWith(":443")) {
                out.put(key.substring(0, key.length() - 4), e.getValue());
            }
        }
        return out;
    }

    /**
     * Parses {@code HOST:PORT} ({@code [v6]:PORT} too) for an option.
     *
     * @throws MtastsCli.UsageException naming the option and the problem
     */
    static InetSocketAddress hostPort(String text, String option) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new MtastsCli.UsageException(option + " " + text + ": expected HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new MtastsCli.UsageException(option + " " + text + ": the port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new MtastsCli.UsageException(option + " " + text + ": the port is outside 1..65535");
        }
        return new InetSocketAddress(host, port);
    }
}
