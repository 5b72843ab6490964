package org.mtasts.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;

/**
 * A fake internet on loopback for MTA-STS tests: fake domains served on 127.0.0.1 ephemeral ports
 * by real servers speaking the real protocols.
 * <ul>
 *   <li>an authoritative DNS server, UDP and TCP on one port ({@link #dnsAddress()}), with
 *       {@link DnsFault}s per name;</li>
 *   <li>HTTPS policy hosts {@code mta-sts.<domain>} with SNI-selected certificates, each answering
 *       a {@link PolicyResponse} (and plain HTTP on a second port);</li>
 *   <li>SMTP MX hosts offering STARTTLS (or not), recording each {@link SmtpSession};</li>
 *   <li>HTTPS TLS-RPT report receivers, recording each {@link ReceivedRequest};</li>
 *   <li>a CA made at start-up ({@link #pki()}): clients trust {@link #trustManager()}.</li>
 * </ul>
 *
 * <p>A real fetcher connects to port 443 and a real prober to port 25, which a test cannot own:
 * {@link #addresses()} maps each host name to the socket address where it really listens, for
 * code that accepts an address override. Resolve names through the sandbox DNS server or that map,
 * never through the system resolver.
 *
 * <p>Nothing is global: each sandbox has its own ports, threads (named {@code
 * mtasts-sandbox-N-…}) and CA, and {@link #close()} stops them all. Certificate validity is
 * relative to {@link #clock()} when the sandbox starts.
 *
 * <pre>{@code
 * try (MtaStsSandbox sandbox = MtaStsSandbox.builder()
 *         .scenario(Scenario.GOOD)
 *         .domain(DomainSpec.of("shop.example")
 *                 .stsRecord("v=STSv1; id=20260101")
 *                 .policy("version: STSv1\nmode: enforce\nmx: mx.shop.example\nmax_age: 86400\n")
 *                 .mx(10, SmtpHost.of("mx.shop.example").withCertificate(CertificateVariant.EXPIRED)))
 *         .start()) {
 *     InetSocketAddress dns = sandbox.dnsAddress();                       // UDP and TCP
 *     InetSocketAddress https = sandbox.address("mta-sts.shop.example");  // instead of :443
 *     InetSocketAddress smtp = sandbox.address("mx.shop.example");        // instead of :25
 *     X509TrustManager trust = sandbox.trustManager();
 *     // ... run the code under test, then look at what it did:
 *     List<SmtpSession> sessions = sandbox.smtpSessions("mx.shop.example");
 * }
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @since 0.1
 */
public final class MtaStsSandbox implements AutoCloseable {

    /** How many entries each log keeps (the oldest are dropped). */
    public static final int LOG_LIMIT = 10_000;

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final MutableClock clock;
    private final SandboxPki pki;
    private final NetLoop net;
    private final DnsServer dns;
    private final Set<DomainName> domains;
    private final Map<DomainName, Set<String>> mxHostNames = new LinkedHashMap<>();
    private final HttpServer http;
    private final SmtpServer smtp;
    private final SniKeyManager keys = new SniKeyManager();
    private final String threadPrefix;
    private final Deque<SmtpServer.Recorder> smtpSessions = new ArrayDeque<>();
    private final Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
    private final Map<String, InetSocketAddress> httpAddresses = new LinkedHashMap<>();
    private final Deque<DnsQuery> dnsQueries = new ArrayDeque<>();
    private final Deque<HttpExchange> httpExchanges = new ArrayDeque<>();
    private final Deque<ReceivedRequest> receivedRequests = new ArrayDeque<>();
    private final Map<DomainName, Set<String>> receiverNames = new LinkedHashMap<>();
    private final List<Throwable> problems = new ArrayList<>();
    private final Object sessionEnded = new Object();

    private MtaStsSandbox(Builder b) throws IOException {
        this.clock = b.clock != null ? b.clock : MutableClock.startingNow();
        this.domains = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(b.domains.keySet()));
        this.pki = SandboxPki.create(clock);
        this.threadPrefix = "mtasts-sandbox-" + INSTANCES.incrementAndGet() + "-";
        this.net = new NetLoop(threadPrefix, this::problem);
        try {
            this.dns = new DnsServer(net, this::logQuery);
            dns.bind();
            SSLContext serverTls = SSLContext.getInstance("TLS");
            serverTls.init(new KeyManager[] {keys}, null, null);
            this.http = new HttpServer(net, serverTls.getSocketFactory(), keys, e -> log(httpExchanges, e),
                    r -> log(receivedRequests, r));
            this.smtp = new SmtpServer(serverTls.getSocketFactory(), keys, r -> log(smtpSessions, r), this::sessionEnded);
            for (DomainSpec spec : b.domains.values()) {
                dns.putDomain(spec);
                mxHostNames.put(spec.domain(), mxNames(spec));
                if (spec.policyResponse() != null) {
                    String host = spec.domain().policyHost();
                    unique(host);
                    addresses.put(host, net.listenTcp(http.https(host)));
                    httpAddresses.put(host, net.listenTcp(http.http(host)));
                }
                for (SmtpHost mx : spec.mxHosts()) {
                    unique(mx.name());
                    addresses.put(mx.name(), net.listenTcp(smtp.handler(mx.name())));
                }
                receiverNames.put(spec.domain(), receiverNames(spec));
                for (ReportReceiver receiver : spec.reportReceivers()) {
                    unique(receiver.name());
                    addresses.put(receiver.name(), net.listenTcp(http.receiver(receiver.name())));
                }
                configureHosts(spec);
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

    private static Set<String> mxNames(DomainSpec spec) {
        Set<String> names = new java.util.TreeSet<>();
        spec.mxHosts().forEach(h -> names.add(h.name()));
        return Collections.unmodifiableSet(names);
    }

    private static Set<String> receiverNames(DomainSpec spec) {
        Set<String> names = new java.util.TreeSet<>();
        spec.reportReceivers().forEach(r -> names.add(r.name()));
        return Collections.unmodifiableSet(names);
    }

    private void unique(String host) {
        if (addresses.containsKey(host)) {
            throw new IllegalArgumentException("host " + host + " is defined twice");
        }
    }

    /** Applies a domain's policy response and host settings (certificates included). */
    private void configureHosts(DomainSpec spec) {
        PolicyResponse response = spec.policyResponse();
        if (response != null) {
            String host = spec.domain().policyHost();
            PolicyHost settings = spec.policyHostSettings();
            http.settings(host, settings);
            http.response(host, response);
            keys.add(host, addresses.get(host).getPort(),
                    pki.issue(host, settings.certificate(), settings.chainLength()));
        }
        for (SmtpHost mx : spec.mxHosts()) {
            smtp.host(mx);
            keys.add(mx.name(), addresses.get(mx.name()).getPort(),
                    pki.issue(mx.name(), mx.certificate(), mx.chainLength()));
        }
        for (ReportReceiver receiver : spec.reportReceivers()) {
            http.receiver(receiver);
            keys.add(receiver.name(), addresses.get(receiver.name()).getPort(),
                    pki.issue(receiver.name(), receiver.certificate(), 2));
        }
    }

    /** {@return a builder for a new sandbox} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the address of the DNS server: UDP and TCP on the same port of 127.0.0.1} */
    public InetSocketAddress dnsAddress() {
        return dns.address();
    }

    /**
     * Returns where each sandbox host really listens, for clients that accept an address override
     * (a real fetcher uses port 443, a real prober port 25): {@code mta-sts.<domain>} to its HTTPS
     * port, each MX host to its SMTP port, and each report receiver to its HTTPS port. Every
     * address is on 127.0.0.1.
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

    /**
     * {@return the SMTP sessions so far, oldest first (at most {@link #LOG_LIMIT}); sessions still
     * running are included as they stand}
     */
    public List<SmtpSession> smtpSessions() {
        List<SmtpServer.Recorder> recorders;
        synchronized (smtpSessions) {
            recorders = List.copyOf(smtpSessions);
        }
        List<SmtpSession> out = new ArrayList<>(recorders.size());
        for (SmtpServer.Recorder r : recorders) {
            out.add(r.snapshot());
        }
        return out;
    }

    /**
     * Returns the SMTP sessions with one MX host so far, oldest first.
     *
     * @param host the MX host name
     * @return its sessions
     */
    public List<SmtpSession> smtpSessions(String host) {
        String name = DomainName.of(host).ascii();
        List<SmtpSession> out = new ArrayList<>();
        for (SmtpSession s : smtpSessions()) {
            if (s.host().equals(name)) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Waits until at least {@code count} sessions with an MX host have ended (the client said QUIT,
     * went away, or failed the handshake), and returns that host's sessions. Server threads finish
     * a session a little after the client sees the last reply: wait here instead of sleeping.
     *
     * @param host the MX host name
     * @param count how many ended sessions to wait for
     * @param timeout how long to wait at most
     * @return the host's sessions, oldest first
     * @throws IllegalStateException if they did not end in time
     * @throws InterruptedException if interrupted while waiting
     */
    public List<SmtpSession> awaitSmtpSessions(String host, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (sessionEnded) {
            while (true) {
                List<SmtpSession> sessions = smtpSessions(host);
                if (sessions.stream().filter(SmtpSession::closed).count() >= count) {
                    return sessions;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(count + " sessions with " + host + " did not end within "
                            + timeout + "; sessions: " + sessions);
                }
                TimeUnit.NANOSECONDS.timedWait(sessionEnded, left);
            }
        }
    }

    private void sessionEnded() {
        synchronized (sessionEnded) {
            sessionEnded.notifyAll();
        }
    }

    /** {@return the HTTP requests received so far, oldest first (at most {@link #LOG_LIMIT})} */
    public List<HttpExchange> httpExchanges() {
        synchronized (httpExchanges) {
            return List.copyOf(httpExchanges);
        }
    }

    /**
     * Returns the requests the report receivers got so far, oldest first (at most {@link
     * #LOG_LIMIT}).
     *
     * @return the requests, bodies included
     */
    public List<ReceivedRequest> receivedRequests() {
        synchronized (receivedRequests) {
            return List.copyOf(receivedRequests);
        }
    }

    /**
     * Returns the requests one report receiver got so far, oldest first.
     *
     * <pre>{@code
     * List<ReceivedRequest> posts = sandbox.receivedRequests("tlsrpt.shop.example");
     * byte[] gzippedReport = posts.get(0).body();
     * }</pre>
     *
     * @param host the receiver's host name
     * @return its requests
     */
    public List<ReceivedRequest> receivedRequests(String host) {
        String name = DomainName.of(host).ascii();
        List<ReceivedRequest> out = new ArrayList<>();
        for (ReceivedRequest r : receivedRequests()) {
            if (r.host().equals(name)) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Changes the status a report receiver answers, at run time (for instance 503, then 200 again,
     * to test a sender's retries).
     *
     * @param host a report receiver of the sandbox
     * @param status 100 to 599
     * @throws IllegalArgumentException if the sandbox has no such receiver or the status is invalid
     */
    public void reportReceiverStatus(String host, int status) {
        checkOpen();
        String name = DomainName.of(host).ascii();
        ReportReceiver current = http.receiverSettings(name);
        if (current == null) {
            throw new IllegalArgumentException("the sandbox has no report receiver " + DomainSpec.printable(host));
        }
        http.receiver(current.withStatus(status));
    }

    /** {@return the sandbox PKI} */
    public SandboxPki pki() {
        return pki;
    }

    /** {@return a trust manager that trusts the sandbox CA only} */
    public X509TrustManager trustManager() {
        return pki.trustManager();
    }

    /** {@return the sandbox root CA certificate in PEM} */
    public String caPem() {
        return pki.caPem();
    }

    /** {@return a new client SSL context that trusts the sandbox CA only} */
    public SSLContext clientSslContext() {
        return pki.clientSslContext();
    }

    /** {@return the sandbox clock: certificate validity is relative to it} */
    public MutableClock clock() {
        return clock;
    }

    /** {@return the sandbox domains} */
    public Set<DomainName> domains() {
        return domains;
    }

    /**
     * Replaces the DNS records, faults, policy response and host settings (certificates included)
     * of a sandbox domain, at run time. The set of hosts, and their ports, stay as at start-up.
     *
     * @param spec the new content of a domain already in the sandbox
     * @throws IllegalArgumentException if the domain is not in the sandbox
     */
    public void update(DomainSpec spec) {
        checkOpen();
        synchronized (mxHostNames) {
            if (!domains.contains(spec.domain())) {
                throw new IllegalArgumentException("the sandbox has no domain " + spec.domain()
                        + "; its domains are " + domains);
            }
            boolean hadHost = addresses.containsKey(spec.domain().policyHost());
            if ((spec.policyResponse() != null) != hadHost) {
                throw new IllegalArgumentException("hosts cannot be added or removed at run time: " + spec.domain()
                        + (hadHost ? " has a policy host; give it a policy" : " has no policy host"));
            }
            Set<String> before = mxHostNames.get(spec.domain());
            Set<String> after = mxNames(spec);
            if (!before.equals(after)) {
                throw new IllegalArgumentException("hosts cannot be added or removed at run time: " + spec.domain()
                        + " has the MX hosts " + before + ", not " + after);
            }
            Set<String> receiversBefore = receiverNames.get(spec.domain());
            Set<String> receiversAfter = receiverNames(spec);
            if (!receiversBefore.equals(receiversAfter)) {
                throw new IllegalArgumentException("hosts cannot be added or removed at run time: " + spec.domain()
                        + " has the report receivers " + receiversBefore + ", not " + receiversAfter);
            }
            dns.putDomain(spec);
            configureHosts(spec);
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

    /** {@return the DNS queries received so far, oldest first (at most {@link #LOG_LIMIT})} */
    public List<DnsQuery> dnsQueries() {
        synchronized (dnsQueries) {
            return List.copyOf(dnsQueries);
        }
    }

    /**
     * {@return unexpected errors inside the sandbox servers (bugs, not client misbehaviour)} A test
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

    /** Returns the prefix of this sandbox's thread names, such as {@code mtasts-sandbox-3-}. */
    String threadPrefix() {
        return threadPrefix;
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
         * Adds ready-made domains, one per classic mistake (see {@link Scenario}).
         *
         * @param scenarios the scenarios
         * @return this builder
         */
        public Builder scenario(Scenario... scenarios) {
            for (Scenario s : scenarios) {
                domain(s.spec());
            }
            return this;
        }

        /**
         * Adds every ready-made domain of {@link Scenario}.
         *
         * @return this builder
         */
        public Builder allScenarios() {
            return scenario(Scenario.values());
        }

        /**
         * Starts the sandbox: binds every port, makes the CA and the certificates.
         *
         * @return the running sandbox; close it
         * @throws UncheckedIOException if a port cannot be bound
         * @throws IllegalArgumentException if two domains define the same host
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
