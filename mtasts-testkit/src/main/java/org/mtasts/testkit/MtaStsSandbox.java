package org.mtasts.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;

/**
 * A fake internet on loopback: fake domains with an authoritative DNS server (UDP and TCP), served
 * on 127.0.0.1 ephemeral ports, with certificates from a CA made at start-up.
 *
 * <p>Nothing is global: each sandbox has its own ports, threads (named {@code mtasts-sandbox-N-…})
 * and CA, and {@link #close()} stops them all.
 *
 * <pre>{@code
 * try (MtaStsSandbox sandbox = MtaStsSandbox.builder()
 *         .domain(DomainSpec.of("shop.example").stsRecord("v=STSv1; id=1"))
 *         .start()) {
 *     SimpleResolver resolver = new SimpleResolver(sandbox.dnsAddress());
 *     // ... point the code under test at the sandbox
 * }
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 */
public final class MtaStsSandbox implements AutoCloseable {

    /** How many entries each log keeps (the oldest are dropped). */
    public static final int LOG_LIMIT = 10_000;

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final MutableClock clock;
    private final SandboxPki pki;
    private final NetLoop net;
    private final DnsServer dns;
    private final Map<DomainName, DomainSpec> domains;
    private final HttpServer http;
    private final Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
    private final Map<String, InetSocketAddress> httpAddresses = new LinkedHashMap<>();
    private final Deque<DnsQuery> dnsQueries = new ArrayDeque<>();
    private final Deque<HttpExchange> httpExchanges = new ArrayDeque<>();
    private final List<Throwable> problems = new ArrayList<>();

    private MtaStsSandbox(Builder b) throws IOException {
        this.clock = b.clock != null ? b.clock : MutableClock.startingNow();
        this.domains = new LinkedHashMap<>(b.domains);
        this.pki = SandboxPki.create(clock);
        this.net = new NetLoop("mtasts-sandbox-" + INSTANCES.incrementAndGet() + "-", this::problem);
        try {
            this.dns = new DnsServer(net, this::logQuery);
            dns.bind();
            SniKeyManager keys = new SniKeyManager();
            SSLContext serverTls = SSLContext.getInstance("TLS");
            serverTls.init(new KeyManager[] {keys}, null, null);
            this.http = new HttpServer(net, serverTls.getSocketFactory(), e -> log(httpExchanges, e));
            for (DomainSpec spec : domains.values()) {
                dns.putDomain(spec);
                PolicyResponse response = spec.policyResponse();
                if (response != null) {
                    String host = spec.policyHostName();
                    PolicyHost settings = spec.policyHostSettings();
                    http.response(host, response);
                    InetSocketAddress https = net.listenTcp(http.https(host, settings.https()));
                    keys.add(host, https.getPort(), pki.issue(host, settings.certificate(), settings.chainLength()));
                    addresses.put(host, https);
                    httpAddresses.put(host, net.listenTcp(http.http(host)));
                }
            }
            net.start();
        } catch (IOException | RuntimeException e) {
            net.close();
            throw e;
        } catch (GeneralSecurityException e) {
            net.close();
            throw new IllegalStateException("cannot set up TLS: " + e, e);
        }
    }

    /** Returns a builder for a new sandbox. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the address of the DNS server: UDP and TCP on the same port of 127.0.0.1. */
    public InetSocketAddress dnsAddress() {
        return dns.address();
    }

    /**
     * Returns where each sandbox host really listens, for clients that accept an address override
     * (a real fetcher uses port 443, a real prober port 25): {@code mta-sts.<domain>} to its HTTPS
     * port. Every address is on 127.0.0.1.
     *
     * @return host name to socket address, in the order the domains were added
     */
    public Map<String, InetSocketAddress> addresses() {
        return Collections.unmodifiableMap(addresses);
    }

    /**
     * Returns where each policy host serves plain HTTP (port 80 on the real internet).
     *
     * @return policy host name to socket address
     */
    public Map<String, InetSocketAddress> httpAddresses() {
        return Collections.unmodifiableMap(httpAddresses);
    }

    /**
     * Returns the address of one host from {@link #addresses()}.
     *
     * @param host a sandbox host name, such as {@code mta-sts.shop.example}
     * @return its socket address
     * @throws IllegalArgumentException if the sandbox has no such host
     */
    public InetSocketAddress address(String host) {
        InetSocketAddress a = addresses.get(DomainName.of(host).ascii());
        if (a == null) {
            throw new IllegalArgumentException("the sandbox has no host " + DomainSpec.printable(host)
                    + "; its hosts are " + addresses.keySet());
        }
        return a;
    }

    /**
     * Changes what a domain's policy host answers, at run time.
     *
     * @param domain a sandbox domain with a policy host
     * @param response the new response
     * @throws IllegalArgumentException if the domain has no policy host
     */
    public void policyResponse(String domain, PolicyResponse response) {
        checkOpen();
        Objects.requireNonNull(response, "response");
        String host = DomainName.of(domain).policyHost();
        if (!addresses.containsKey(host)) {
            throw new IllegalArgumentException("the sandbox has no policy host " + host);
        }
        http.response(host, response);
    }

    /** Returns the HTTP requests received so far, oldest first (at most {@link #LOG_LIMIT}). */
    public List<HttpExchange> httpExchanges() {
        synchronized (httpExchanges) {
            return List.copyOf(httpExchanges);
        }
    }

    /** Returns the sandbox PKI. */
    public SandboxPki pki() {
        return pki;
    }

    /** Returns a trust manager that trusts the sandbox CA only. */
    public X509TrustManager trustManager() {
        return pki.trustManager();
    }

    /** Returns the sandbox root CA certificate in PEM. */
    public String caPem() {
        return pki.caPem();
    }

    /** Returns a new client SSL context that trusts the sandbox CA only. */
    public SSLContext clientSslContext() {
        return pki.clientSslContext();
    }

    /** Returns the sandbox clock: certificate validity is relative to it. */
    public MutableClock clock() {
        return clock;
    }

    /** Returns the sandbox domains. */
    public Set<DomainName> domains() {
        return Set.copyOf(domains.keySet());
    }

    /**
     * Replaces the DNS records, faults and policy response of a sandbox domain, at run time. Hosts
     * (and their ports and certificates) stay as they were at start-up.
     *
     * @param spec the new content of a domain already in the sandbox
     * @throws IllegalArgumentException if the domain is not in the sandbox
     */
    public void update(DomainSpec spec) {
        checkOpen();
        synchronized (domains) {
            if (!domains.containsKey(spec.domain())) {
                throw new IllegalArgumentException("the sandbox has no domain " + spec.domain()
                        + "; its domains are " + domains.keySet());
            }
            PolicyResponse response = spec.policyResponse();
            boolean hadHost = addresses.containsKey(spec.policyHostName());
            if ((response != null) != hadHost) {
                throw new IllegalArgumentException("hosts cannot be added or removed at run time: " + spec.domain()
                        + (hadHost ? " has a policy host; give it a policy" : " has no policy host"));
            }
            domains.put(spec.domain(), spec);
            dns.putDomain(spec);
            if (response != null) {
                http.response(spec.policyHostName(), response);
            }
        }
    }

    /**
     * Injects a DNS fault for a name at run time, or removes it.
     *
     * @param name an absolute name
     * @param fault the fault, or null to answer normally again
     */
    public void dnsFault(String name, @Nullable DnsFault fault) {
        checkOpen();
        dns.fault(DomainSpec.absolute(name), fault);
    }

    /** Returns the DNS queries received so far, oldest first (at most {@link #LOG_LIMIT}). */
    public List<DnsQuery> dnsQueries() {
        synchronized (dnsQueries) {
            return List.copyOf(dnsQueries);
        }
    }

    /**
     * Returns unexpected errors inside the sandbox servers (bugs, not client misbehaviour). A test
     * can assert that it is empty.
     */
    public List<Throwable> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    private void logQuery(DnsQuery query) {
        log(dnsQueries, query);
    }

    private static <T> void log(Deque<T> log, T entry) {
        synchronized (log) {
            if (log.size() >= LOG_LIMIT) {
                log.removeFirst();
            }
            log.addLast(entry);
        }
    }

    private void problem(Throwable t) {
        synchronized (problems) {
            if (problems.size() < 100) {
                problems.add(t);
            }
        }
    }

    private void checkOpen() {
        if (net.isClosed()) {
            throw new IllegalStateException("the sandbox is closed");
        }
    }

    /** Stops every server and thread and closes every socket. Calling it again does nothing. */
    @Override
    public void close() {
        net.close();
    }

    @Override
    public String toString() {
        return "MtaStsSandbox[dns " + dnsAddress() + ", hosts " + addresses + "]";
    }

    /**
     * Configures and starts a sandbox.
     *
     * <pre>{@code
     * MtaStsSandbox sandbox = MtaStsSandbox.builder()
     *         .clock(MutableClock.of(Instant.parse("2026-01-01T00:00:00Z")))
     *         .domain(DomainSpec.of("shop.example").nullMx())
     *         .start();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private @Nullable MutableClock clock;
        private final Map<DomainName, DomainSpec> domains = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Sets the clock (default: a {@link MutableClock} at the system time when started).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(MutableClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Adds a domain.
         *
         * @param spec the domain
         * @return this builder
         * @throws IllegalStateException if a domain of that name was added already
         */
        public Builder domain(DomainSpec spec) {
            Objects.requireNonNull(spec, "spec");
            if (domains.putIfAbsent(spec.domain(), spec) != null) {
                throw new IllegalStateException("domain " + spec.domain() + " was already added");
            }
            return this;
        }

        /**
         * Starts the sandbox: binds every port, makes the CA and the certificates.
         *
         * @return the running sandbox; close it
         * @throws UncheckedIOException if a port cannot be bound
         */
        public MtaStsSandbox start() {
            try {
                return new MtaStsSandbox(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the sandbox: " + e.getMessage(), e);
            }
        }
    }
}
