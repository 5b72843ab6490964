package org.mtasts.it;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.mtasts.dns.DaneLookup;
import org.mtasts.dns.DnsjavaResolver;
import org.mtasts.http.AddressFilter;
import org.mtasts.http.MtaSts;
import org.mtasts.postfix.PostfixConfig;
import org.mtasts.postfix.PostfixPolicyService;

/**
 * Our Postfix policy server side by side with the peer's {@code mta-sts-daemon}
 * (postfix-mta-sts-resolver 1.1.2), run by {@code integration/realnet/postfix-compare.sh} inside
 * the realnet namespace, where the peer listens on 127.0.0.1:8461. It starts our server in this
 * JVM (on {@code --listen}, resolving through the namespace's validating Unbound, trusting the
 * realnet CA), then prints two markdown tables:
 *
 * <ol>
 *   <li>the answer per domain from both servers, over the socketmap protocol as Postfix asks, with
 *       each difference explained (an unexplained difference makes the exit status 1);
 *   <li>a load run on cached domains: {@code --connections} connections (50), each sending one
 *       request after another for {@code --seconds}, first to the peer, then to ours, in the same
 *       run; answers per second and the latency percentiles. Bounded in time and in count (at most
 *       {@link #MAX_PER_CONNECTION} answers per connection), in memory (a fixed histogram per
 *       connection), loopback only.
 * </ol>
 *
 * <p>JDK and the project's classes only (no other test class), so that the script runs it with
 * the source launcher: {@code java -cp mtasts-cli/target/mtasts.jar PostfixCompare.java ARGS}.
 *
 * <pre>{@code
 * ip netns exec realnet java -cp mtasts-cli/target/mtasts.jar \
 *     mtasts-it/src/test/java/org/mtasts/it/PostfixCompare.java --peer 127.0.0.1:8461 \
 *     --listen 127.0.0.1:8463 --dns 127.0.0.2:53 --ca /tmp/realnet/certs/ca.pem example.test dane.test
 * }</pre>
 */
public final class PostfixCompare {

    /** The most answers one load connection waits for: bounds the run's length. */
    static final int MAX_PER_CONNECTION = 200_000;
    /** A socketmap reply larger than this is an error (Postfix's socketmap_max_reply_size). */
    static final int MAX_REPLY = 100_000;

    /** Why our answer differs from the peer's, per domain (checked against what both answer). */
    static final Map<String, String> WHY = Map.of(
            "bad-id.test", "The record's id is not 1*32(ALPHA / DIGIT): not a valid STS record, so no policy "
                    + "(RFC 8461 §3.1). The peer does not check the id's syntax and enforces the policy.",
            "dane.test", "Every MX host has DNSSEC-validated TLSA records (the AD bit from the validating Unbound): "
                    + "ours answers dane-only, so Postfix applies DANE, not MTA-STS (RFC 8461 §2). The peer has no DANE "
                    + "check: its MTA-STS answer overrides Postfix's DANE.",
            "mx-mismatch.test", "The only MX host, mail.mx-mismatch.test, matches no mx pattern of the enforced policy: "
                    + "ours looks up the MX hosts and answers TEMP mx-not-in-policy, so Postfix defers (RFC 8461 §4.1). "
                    + "The peer answers the patterns, which Postfix checks against certificate names only; the host "
                    + "presents a certificate for mx1.example.test, so Postfix delivers to it.");

    private PostfixCompare() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        List<String> domains = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                opt.put(args[i].substring(2), args[++i]);
            } else {
                domains.add(args[i]);
            }
        }
        InetSocketAddress peer = address(opt.getOrDefault("peer", "127.0.0.1:8461"));
        InetSocketAddress listen = address(opt.getOrDefault("listen", "127.0.0.1:8463"));
        InetSocketAddress dns = address(opt.getOrDefault("dns", "127.0.0.2:53"));
        int connections = Integer.parseInt(opt.getOrDefault("connections", "50"));
        Duration seconds = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("seconds", "5")));
        if (connections < 1 || connections > 200 || seconds.isNegative() || seconds.getSeconds() > 60) {
            throw new IllegalArgumentException("--connections 1..200 and --seconds 0..60");
        }
        Path ca = Path.of(opt.getOrDefault("ca", "/tmp/realnet/certs/ca.pem"));
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("no domains given");
        }

        DnsjavaResolver resolver = DnsjavaResolver.builder().server(dns).timeout(Duration.ofSeconds(2)).build();
        PostfixConfig config = PostfixConfig.parse("listen: inet:" + listen.getHostString() + ":" + listen.getPort()
                + "\nlog_level: warning\ndane:\n  enabled: true\n");
        int unexplained;
        try (MtaSts sts = MtaSts.builder().txtResolver(resolver).trustManager(trustManager(ca))
                        .addressFilter(AddressFilter.ANY)   // realnet is all loopback
                        .proactiveRefresh(false).build();
                PostfixPolicyService ours = PostfixPolicyService.builder(config).mtaSts(sts).mxResolver(resolver)
                        .daneLookup(DaneLookup.builder().server(dns).timeout(Duration.ofSeconds(5)).build()).start()) {
            unexplained = answerTable(domains, peer, listen);
            List<String> cached = new ArrayList<>();
            for (String d : domains) {
                // cached on both sides: domains both answer OK for (the policy, or DANE, is kept)
                if (query(peer, d).startsWith("OK") && query(listen, d).startsWith("OK")) {
                    cached.add(d);
                }
            }
            System.out.println();
            loadTable(cached, peer, listen, connections, seconds);
        }
        System.exit(unexplained == 0 ? 0 : 1);   // after our server's graceful shutdown
    }

    /** Prints the per-domain table; returns how many differences have no explanation. */
    static int answerTable(List<String> domains, InetSocketAddress peer, InetSocketAddress ours) throws Exception {
        System.out.println("| domain | ours (mtasts postfix) | peer (mta-sts-daemon 1.1.2) | why they differ |");
        System.out.println("|---|---|---|---|");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        int unexplained = 0;
        try {
            List<Future<String[]>> rows = new ArrayList<>();
            for (String d : domains) {
                rows.add(pool.submit(() -> new String[] {d, normalize(query(ours, d)), normalize(query(peer, d))}));
            }
            for (Future<String[]> f : rows) {
                String[] r = f.get(60, TimeUnit.SECONDS);
                String why;
                if (r[1].equals(r[2])) {
                    why = "";
                } else if (WHY.containsKey(r[0])) {
                    why = WHY.get(r[0]);
                } else {
                    why = "UNEXPLAINED";
                    unexplained++;
                }
                System.out.println("| " + r[0] + " | `" + r[1] + "` | `" + r[2] + "` | " + why + " |");
            }
        } finally {
            pool.shutdownNow();
        }
        return unexplained;
    }

    /** The reply with the match list sorted (the peer builds it from a Python set: any order). */
    static String normalize(String reply) {
        int m = reply.indexOf("match=");
        if (m < 0) {
            return reply.strip();
        }
        int end = reply.indexOf(' ', m);
        end = end < 0 ? reply.length() : end;
        String[] names = reply.substring(m + 6, end).split(":");
        Arrays.sort(names);
        return (reply.substring(0, m + 6) + String.join(":", names) + reply.substring(end)).strip();
    }

    /** One request on a new connection. */
    static String query(InetSocketAddress server, String domain) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, 5_000);
            s.setSoTimeout(60_000);
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            InputStream in = new BufferedInputStream(s.getInputStream());
            out.write(request(domain));
            out.flush();
            return reply(in);
        }
    }

    /** Postfix's socketmap request: the netstring of {@code "postfix DOMAIN"}. */
    static byte[] request(String domain) {
        byte[] payload = ("postfix " + domain).getBytes(StandardCharsets.US_ASCII);
        byte[] head = (payload.length + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = Arrays.copyOf(head, head.length + payload.length + 1);
        System.arraycopy(payload, 0, frame, head.length, payload.length);
        frame[frame.length - 1] = ',';
        return frame;
    }

    /** Reads one netstring reply. */
    static String reply(InputStream in) throws IOException {
        int len = 0;
        int digits = 0;
        for (int c = in.read(); c != ':'; c = in.read()) {
            if (c < '0' || c > '9' || ++digits > 6) {
                throw new IOException(c < 0 ? "connection closed before a reply" : "not a netstring length: " + c);
            }
            len = len * 10 + (c - '0');
        }
        if (len > MAX_REPLY) {
            throw new IOException("reply of " + len + " bytes");
        }
        byte[] data = in.readNBytes(len);
        if (data.length < len) {
            throw new EOFException("reply cut after " + data.length + " of " + len + " bytes");
        }
        if (in.read() != ',') {
            throw new IOException("netstring not closed by ','");
        }
        return new String(data, StandardCharsets.US_ASCII);
    }

    /** The load result of one server. */
    record Load(String name, long answers, long errors, double seconds, long p50, long p99, long max) {
        double perSecond() {
            return answers / seconds;
        }
    }

    static void loadTable(List<String> cached, InetSocketAddress peer, InetSocketAddress ours, int connections,
            Duration duration) throws Exception {
        if (cached.isEmpty()) {
            System.out.println("no domain is cached on both servers: no load run");
            return;
        }
        // a short warm-up on each (connections, JIT), then the measured runs, peer first
        load(peer, cached, connections, Duration.ofSeconds(1), MAX_PER_CONNECTION, "warm-up");
        load(ours, cached, connections, Duration.ofSeconds(1), MAX_PER_CONNECTION, "warm-up");
        Load p = load(peer, cached, connections, duration, MAX_PER_CONNECTION,
                "peer (mta-sts-daemon 1.1.2) 127.0.0.1:" + peer.getPort());
        Load o = load(ours, cached, connections, duration, MAX_PER_CONNECTION,
                "ours (mtasts postfix) 127.0.0.1:" + ours.getPort());
        System.out.println("Cached domains (" + cached.size() + "): " + String.join(", ", cached) + "; " + connections
                + " connections, " + duration.toSeconds() + " s per server, one request at a time per connection.");
        System.out.println();
        System.out.println("| server | answers | errors | answers/s | p50 | p99 | max |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Load l : List.of(p, o)) {
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %.0f | %s | %s | %s |%n", l.name(), l.answers(), l.errors(),
                    l.perSecond(), micros(l.p50()), micros(l.p99()), micros(l.max()));
        }
        System.out.printf(Locale.ROOT, "%nThroughput ratio ours/peer: %.1fx; p99 %s (ours) vs %s (peer).%n",
                o.perSecond() / Math.max(p.perSecond(), 1e-9), micros(o.p99()), micros(p.p99()));
    }

    private static String micros(long nanos) {
        return nanos >= 10_000_000 ? String.format(Locale.ROOT, "%.1f ms", nanos / 1e6)
                : String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
    }

    /**
     * {@code connections} connections, each sending its next request as soon as the answer to the
     * last one arrived (one request in flight per connection, as Postfix's {@code smtp} processes
     * ask), for {@code duration} or until {@code maxPerConnection} answers on each connection.
     *
     * <p>One thread drives every connection through a selector, so that the client spends little
     * CPU of its own on a 2-core machine (one blocking thread per connection measured mostly their
     * context switches). An answer counts when it arrives before the deadline; its latency is from
     * the write of its request to the read of its last byte.
     */
    static Load load(InetSocketAddress server, List<String> domains, int connections, Duration duration,
            int maxPerConnection, String name) throws IOException {
        byte[][] requests = new byte[domains.size()][];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = request(domains.get(i));
        }
        List<LoadConnection> clients = new ArrayList<>();
        long start = 0;
        long end = 0;
        try (Selector selector = Selector.open()) {
            try {
                for (int c = 0; c < connections; c++) {
                    SocketChannel ch = SocketChannel.open();
                    clients.add(new LoadConnection(ch, maxPerConnection, c % requests.length));
                    ch.socket().connect(server, 5_000);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    ch.configureBlocking(false);
                    ch.register(selector, 0, clients.get(c));
                }
                start = System.nanoTime();
                end = start + duration.toNanos();
                int active = clients.size();
                for (LoadConnection c : clients) {
                    c.send(c.ch.keyFor(selector), requests);
                }
                while (active > 0) {
                    if (System.nanoTime() - end > 10_000_000_000L) {
                        throw new IOException("answers from " + server + " still missing 10 s after the run");
                    }
                    selector.select(1000);
                    for (SelectionKey key : selector.selectedKeys()) {
                        LoadConnection c = (LoadConnection) key.attachment();
                        if (!c.done && c.ready(key, end) && !c.done) {
                            c.send(key, requests);
                        }
                        if (c.done && key.interestOps() != 0) {
                            key.interestOps(0);
                            active--;
                        }
                    }
                    selector.selectedKeys().clear();
                }
                end = Math.min(end, System.nanoTime()); // a run that reached its count bound early
            } finally {
                for (LoadConnection c : clients) {
                    c.ch.close();
                }
            }
        }
        long errs = 0;
        Latencies all = new Latencies();
        for (LoadConnection c : clients) {
            errs += c.errors;
            all.add(c.latencies);
        }
        return new Load(name, all.count(), errs, (end - start) / 1e9, all.percentile(0.50), all.percentile(0.99),
                all.max());
    }

    /** One connection of the load run, driven by {@link #load}'s selector thread only. */
    private static final class LoadConnection {
        final SocketChannel ch;
        final Latencies latencies = new Latencies();
        final int maxAnswers;
        final ByteBuffer in = ByteBuffer.allocate(MAX_REPLY + 16);
        ByteBuffer out = ByteBuffer.allocate(0);
        int n;
        int next;
        long errors;
        long sent;
        boolean done;

        LoadConnection(SocketChannel ch, int maxAnswers, int first) {
            this.ch = ch;
            this.maxAnswers = maxAnswers;
            this.next = first;
        }

        /** Writes the next request; waits for writability if the socket takes only part of it. */
        void send(SelectionKey key, byte[][] requests) throws IOException {
            out = ByteBuffer.wrap(requests[next]);
            next = (next + 1) % requests.length;
            sent = System.nanoTime();
            ch.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        /**
         * Handles a selected key: true when an answer is complete and the next request may go
         * ({@link #done} set when the deadline passed or the latencies are full).
         */
        boolean ready(SelectionKey key, long end) throws IOException {
            if (key.isWritable()) {
                ch.write(out);
                if (!out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
                return false;
            }
            if (ch.read(in) < 0) {
                throw new IOException("the server closed a load connection");
            }
            String reply = reply(in);
            if (reply == null) {
                return false;
            }
            long now = System.nanoTime();
            if (now - end >= 0) {
                done = true; // arrived after the deadline: not counted
                return false;
            }
            if (reply.startsWith("OK")) {
                latencies.record(now - sent);
            } else {
                errors++;
            }
            done = latencies.count() >= maxAnswers;
            return true;
        }
    }

    /**
     * One netstring reply from the bytes read so far ({@code buf} in write mode), consumed from the
     * buffer; null while it is incomplete.
     */
    static String reply(ByteBuffer buf) throws IOException {
        int len = 0;
        int i = 0;
        for (; i < buf.position(); i++) {
            byte c = buf.get(i);
            if (c == ':') {
                break;
            }
            if (c < '0' || c > '9' || i >= 6) {
                throw new IOException("not a netstring length: " + c);
            }
            len = len * 10 + (c - '0');
        }
        if (len > MAX_REPLY) {
            throw new IOException("reply of " + len + " bytes");
        }
        if (i >= buf.position() || buf.position() < i + 1 + len + 1) {
            return null;
        }
        if (buf.get(i + 1 + len) != ',') {
            throw new IOException("netstring not closed by ','");
        }
        byte[] data = new byte[len];
        buf.get(i + 1, data);
        buf.flip();
        buf.position(i + 2 + len);
        buf.compact();
        return new String(data, StandardCharsets.US_ASCII);
    }

    /**
     * Latencies in a fixed histogram (a few kilobytes however many answers): exact below 64 ns,
     * then 64 buckets per power of two, so a percentile is the upper edge of its bucket, at most
     * 1/64 (1.6 %) above the true value; the maximum is exact. Storing every latency made the
     * client allocate tens of megabytes per run, and the collector's copies of them showed up as
     * 100 ms pauses in the latencies of the server sharing the JVM.
     */
    static final class Latencies {
        private static final int SUB = 64;
        private final long[] counts = new long[SUB * 60];
        private long count;
        private long max;

        void record(long nanos) {
            long v = Math.max(0, nanos);
            counts[index(v)]++;
            count++;
            max = Math.max(max, v);
        }

        void add(Latencies other) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += other.counts[i];
            }
            count += other.count;
            max = Math.max(max, other.max);
        }

        long count() {
            return count;
        }

        long max() {
            return max;
        }

        /** The nearest-rank percentile (the upper edge of its bucket, never above the maximum); 0 for none. */
        long percentile(double q) {
            if (count == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(q * count));
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return Math.min(upper(i), max);
                }
            }
            return max;
        }

        static int index(long v) {
            if (v < SUB) {
                return (int) v;
            }
            int exp = 63 - Long.numberOfLeadingZeros(v); // 6 or more
            int sub = (int) (v >>> (exp - 6)) & (SUB - 1);
            return (exp - 5) * SUB + sub;
        }

        static long upper(int index) {
            if (index < SUB) {
                return index;
            }
            int exp = index / SUB + 5;
            long sub = index % SUB;
            return ((SUB + sub + 1) << (exp - 6)) - 1;
        }
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected HOST:PORT, got " + hostPort);
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static X509TrustManager trustManager(Path pem) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        try (InputStream in = Files.newInputStream(pem)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("realnet" + i++, c);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("no X509TrustManager");
    }
}
