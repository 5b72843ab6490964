package org.mtasts.dns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.SafeText;
import org.mtasts.core.TxtAnswer;
import org.mtasts.core.TxtResolver;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupFailedException;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.RedirectLoopException;
import org.xbill.DNS.lookup.RedirectOverflowException;
import org.xbill.DNS.lookup.ServerFailedException;

/**
 * TXT, MX and address lookups on dnsjava's {@code LookupSession}, as MTA-STS and TLS-RPT need them.
 *
 * <ul>
 *   <li>Names are absolute (never expanded with a search list); U-labels are converted to A-labels.</li>
 *   <li>Each TXT record's character-strings are joined as raw bytes with no separator (RFC 8461
 *       §3.1) and handed over byte for byte (ISO-8859-1), never in dnsjava's escaped form.</li>
 *   <li>CNAME chains are followed up to {@link Builder#maxCnameChain(int)} links; a loop or a longer
 *       chain is a temporary failure, never a hang.</li>
 *   <li>NXDOMAIN and NODATA are permanent ("no records"); SERVFAIL, REFUSED, timeouts and network
 *       errors are temporary failures carrying their cause. The returned futures never complete
 *       exceptionally for a DNS failure, and complete within {@link Builder#deadline(Duration)}.</li>
 *   <li>TXT lookups are not cached by default, so a changed policy id is seen at once; MX and
 *       address lookups use dnsjava's TTL-honouring cache by default.</li>
 * </ul>
 *
 * <pre>{@code
 * DnsjavaResolver dns = DnsjavaResolver.create();                 // the system's resolvers
 * TxtAnswer txt = dns.resolveTxt("_mta-sts.example.com");
 * MxAnswer mx = dns.resolveMx(DomainName.of("example.com"));
 * DnsjavaResolver local = DnsjavaResolver.builder()
 *         .server(new InetSocketAddress("127.0.0.1", 5353))
 *         .timeout(Duration.ofSeconds(2)).build();
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @since 0.1
 */
public final class DnsjavaResolver implements TxtResolver {

    /** Default time for one query to one server. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Default bound on a whole lookup, CNAME chain and retries included. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(20);
    /** Default number of retries per server. */
    public static final int DEFAULT_RETRIES = 2;
    /** Default bound on the CNAME links followed. */
    public static final int DEFAULT_MAX_CNAME_CHAIN = 8;

    private final LookupSession txtSession;
    private final LookupSession cachedSession;
    private final Duration deadline;
    private final int maxCnameChain;

    /**
     * Creates a resolver with the system's DNS servers and the defaults: the same as {@link
     * #create()}, which code should call. This constructor is for {@link java.util.ServiceLoader}
     * (the module's {@code provides} and {@code META-INF/services}).
     */
    public DnsjavaResolver() {
        this(new Builder());
    }

    private DnsjavaResolver(Builder builder) {
        this.deadline = builder.deadline;
        this.maxCnameChain = builder.maxCnameChain;
        if (builder.session != null) {
            this.txtSession = builder.session;
            this.cachedSession = builder.session;
        } else {
            Resolver resolver = builder.makeResolver();
            this.txtSession = builder.makeSession(resolver, builder.cacheTxt);
            this.cachedSession = builder.cacheTxt == builder.cacheOthers
                    ? txtSession : builder.makeSession(resolver, builder.cacheOthers);
        }
    }

    /** {@return a resolver using the system's DNS servers and the defaults} */
    public static DnsjavaResolver create() {
        return builder().build();
    }

    /** {@return a builder} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Looks up the TXT records at an absolute name.
     *
     * @param name an absolute name such as {@code _mta-sts.example.com} (trailing dot optional,
     *     U-labels converted)
     * @return the records, no records, or a temporary failure; never completes exceptionally for a
     *     DNS failure
     * @throws IllegalArgumentException if the name is not a valid DNS name
     */
    @Override
    public CompletableFuture<TxtAnswer> resolveTxtAsync(String name) {
        Name query = absolute(name);
        return lookup(txtSession, query, Type.TXT).handle((result, failure) -> {
            if (failure != null) {
                Failure f = classify(failure);
                return f.permanent ? new TxtAnswer.NoRecords(f.nxdomain) : new TxtAnswer.TemporaryFailure(f.detail, f.cause);
            }
            List<String> texts = new ArrayList<>();
            for (Record r : result.getRecords()) {
                if (r instanceof TXTRecord txt) {
                    texts.add(join(txt));
                }
            }
            return texts.isEmpty() ? new TxtAnswer.NoRecords(false) : new TxtAnswer.Records(texts);
        });
    }

    /**
     * Blocking form of {@link #resolveTxtAsync(String)}.
     *
     * @param name an absolute name
     * @return the answer
     */
    public TxtAnswer resolveTxt(String name) {
        return join(resolveTxtAsync(name));
    }

    /**
     * Looks up the MX records of a mail domain.
     *
     * @param domain the domain
     * @return hosts ordered by preference (ties in server order), null MX, implicit MX, no domain, or a
     *     temporary failure; never completes exceptionally for a DNS failure
     */
    public CompletableFuture<MxAnswer> resolveMxAsync(DomainName domain) {
        Objects.requireNonNull(domain, "domain");
        return lookup(cachedSession, absolute(domain.ascii()), Type.MX).handle((result, failure) -> {
            if (failure != null) {
                Failure f = classify(failure);
                if (!f.permanent) {
                    return new MxAnswer.TemporaryFailure(f.detail, f.cause);
                }
                // RFC 5321 §5.1: no MX records means the domain itself is the MX; NXDOMAIN means no domain.
                return f.nxdomain ? new MxAnswer.NoDomain() : new MxAnswer.Implicit(domain);
            }
            return toMxAnswer(domain, result.getRecords());
        });
    }

    /**
     * Blocking form of {@link #resolveMxAsync(DomainName)}.
     *
     * @param domain the domain
     * @return the answer
     */
    public MxAnswer resolveMx(DomainName domain) {
        return join(resolveMxAsync(domain));
    }

    /**
     * Looks up the A and AAAA records of a host.
     *
     * @param host the host
     * @return IPv4 then IPv6 addresses, no addresses, or a temporary failure
     */
    public CompletableFuture<AddressAnswer> resolveAddressesAsync(DomainName host) {
        Objects.requireNonNull(host, "host");
        Name query = absolute(host.ascii());
        CompletableFuture<AddressAnswer> v4 = lookup(cachedSession, query, Type.A).handle(this::toAddresses);
        CompletableFuture<AddressAnswer> v6 = lookup(cachedSession, query, Type.AAAA).handle(this::toAddresses);
        return v4.thenCombine(v6, DnsjavaResolver::combine);
    }

    /**
     * Blocking form of {@link #resolveAddressesAsync(DomainName)}.
     *
     * @param host the host
     * @return the answer
     */
    public AddressAnswer resolveAddresses(DomainName host) {
        return join(resolveAddressesAsync(host));
    }

    private CompletableFuture<LookupResult> lookup(LookupSession session, Name name, int type) {
        CompletableFuture<LookupResult> future;
        try {
            future = session.lookupAsync(name, type).toCompletableFuture();
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        return future.orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            // Only caller errors reach here (DNS failures are answers, not exceptions).
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /** Joins a TXT record's character-strings as raw bytes, no separator (RFC 8461 §3.1). */
    static String join(TXTRecord txt) {
        List<byte[]> parts = txt.getStringsAsByteArrays();
        if (parts.size() == 1) {
            return new String(parts.get(0), StandardCharsets.ISO_8859_1);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static MxAnswer toMxAnswer(DomainName domain, List<Record> records) {
        List<MxHost> hosts = new ArrayList<>(records.size());
        List<String> ignored = new ArrayList<>();
        int nullMx = 0;
        int mxCount = 0;
        for (Record r : records) {
            if (!(r instanceof MXRecord mx)) {
                continue;
            }
            mxCount++;
            Name target = mx.getTarget();
            if (target.equals(Name.root)) {
                nullMx++; // RFC 7505 §3: "0 ." means the domain accepts no mail
                continue;
            }
            String text = target.toString(true);
            DomainName host = DomainName.parse(text).toOptional().orElse(null);
            if (host == null) {
                ignored.add(printable(text));
            } else {
                hosts.add(new MxHost(host, mx.getPriority()));
            }
        }
        if (mxCount == 0) {
            return new MxAnswer.Implicit(domain);
        }
        if (hosts.isEmpty()) {
            if (nullMx > 0 && ignored.isEmpty()) {
                return new MxAnswer.NullMx();
            }
            return new MxAnswer.TemporaryFailure("no usable MX host: " + String.join(", ", ignored), null);
        }
        if (nullMx > 0) {
            // RFC 7505 §3: a null MX must be the only MX record; mixed with others it is ignored.
            ignored.add(".");
        }
        hosts.sort(Comparator.comparingInt(MxHost::preference)); // stable: ties keep server order
        return new MxAnswer.Hosts(hosts, ignored);
    }

    private AddressAnswer toAddresses(@Nullable LookupResult result, @Nullable Throwable failure) {
        if (failure != null) {
            Failure f = classify(failure);
            return f.permanent ? new AddressAnswer.NoAddresses(f.nxdomain) : new AddressAnswer.TemporaryFailure(f.detail, f.cause);
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (Record r : Objects.requireNonNull(result).getRecords()) {
            if (r instanceof ARecord a) {
                addresses.add(a.getAddress());
            } else if (r instanceof AAAARecord aaaa) {
                addresses.add(aaaa.getAddress());
            }
        }
        return addresses.isEmpty() ? new AddressAnswer.NoAddresses(false) : new AddressAnswer.Addresses(addresses);
    }

    private static AddressAnswer combine(AddressAnswer v4, AddressAnswer v6) {
        List<InetAddress> all = new ArrayList<>();
        if (v4 instanceof AddressAnswer.Addresses a) {
            all.addAll(a.addresses());
        }
        if (v6 instanceof AddressAnswer.Addresses a) {
            all.addAll(a.addresses());
        }
        if (!all.isEmpty()) {
            return new AddressAnswer.Addresses(all);
        }
        if (v4 instanceof AddressAnswer.TemporaryFailure) {
            return v4;
        }
        if (v6 instanceof AddressAnswer.TemporaryFailure) {
            return v6;
        }
        return new AddressAnswer.NoAddresses(((AddressAnswer.NoAddresses) v4).nxdomain()
                || ((AddressAnswer.NoAddresses) v6).nxdomain());
    }

    /** A classified lookup failure. */
    private record Failure(boolean permanent, boolean nxdomain, String detail, @Nullable Throwable cause) {}

    private Failure classify(Throwable thrown) {
        return classify(thrown, maxCnameChain);
    }

    private static Failure classify(Throwable thrown, int maxChain) {
        Throwable t = thrown;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof NoSuchDomainException) {
            return new Failure(true, true, "NXDOMAIN", t);
        }
        if (t instanceof NoSuchRRSetException) {
            return new Failure(true, false, "NODATA", t);
        }
        if (t instanceof ServerFailedException) {
            return new Failure(false, false, "SERVFAIL", t);
        }
        if (t instanceof RedirectLoopException) {
            return new Failure(false, false, "CNAME loop", t);
        }
        if (t instanceof RedirectOverflowException) {
            return new Failure(false, false, "CNAME chain longer than " + maxChain + " links", t);
        }
        if (t instanceof TimeoutException || t instanceof SocketTimeoutException
                || t.getCause() instanceof SocketTimeoutException
                || (t instanceof IOException && String.valueOf(t.getMessage()).startsWith("Timed out"))) {
            // ExtendedResolver reports a query that got no answer in time as an IOException
            // "Timed out while trying to resolve ..."; SimpleResolver as SocketTimeoutException.
            return new Failure(false, false, "timeout", t);
        }
        if (t instanceof PortUnreachableException) {
            return new Failure(false, false, "DNS server port unreachable", t);
        }
        if (t instanceof IOException) {
            return new Failure(false, false, "network error: " + printable(String.valueOf(t.getMessage())), t);
        }
        if (t instanceof LookupFailedException) {
            // REFUSED, NOTIMP, FORMERR and the like arrive as a plain LookupFailedException.
            return new Failure(false, false, "lookup failed: " + printable(String.valueOf(t.getMessage())), t);
        }
        return new Failure(false, false, "unexpected " + t.getClass().getName() + ": "
                + printable(String.valueOf(t.getMessage())), t);
    }

    /** Builds an absolute name: never expanded with a search list (RFC 8461 §3.1 names are absolute). */
    static Name absolute(String name) {
        Objects.requireNonNull(name, "name");
        String text = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty DNS name");
        }
        StringBuilder ascii = new StringBuilder(text.length() + 1);
        for (String label : text.split("\\.", -1)) {
            if (label.isEmpty()) {
                throw new IllegalArgumentException("empty label in DNS name '" + printable(name) + "'");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (c <= 0x20 || c == '\\' || c == 0x7F) {
                    throw new IllegalArgumentException("invalid character in DNS name '" + printable(name) + "'");
                }
            }
            String converted;
            try {
                converted = IDN.toASCII(label, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot convert '" + printable(label) + "' to an A-label", e);
            }
            ascii.append(converted).append('.');
        }
        try {
            return Name.fromString(ascii.toString());
        } catch (TextParseException e) {
            throw new IllegalArgumentException("invalid DNS name '" + printable(name) + "': " + e.getMessage(), e);
        }
    }

    /** Escapes what came from the network, so that nothing reaches a log raw ({@link SafeText}). */
    static String printable(String text) {
        return SafeText.escape(text);
    }

    /**
     * Configures a {@link DnsjavaResolver}.
     *
     * <pre>{@code
     * DnsjavaResolver dns = DnsjavaResolver.builder()
     *         .server(new InetSocketAddress("127.0.0.1", 5353))
     *         .timeout(Duration.ofSeconds(2)).retries(1).build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private final List<InetSocketAddress> servers = new ArrayList<>();
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration deadline = DEFAULT_DEADLINE;
        private int retries = DEFAULT_RETRIES;
        private int maxCnameChain = DEFAULT_MAX_CNAME_CHAIN;
        private boolean tcp;
        private boolean truncationFallback = true;
        private boolean cacheTxt;
        private boolean cacheOthers = true;
        private @Nullable LookupSession session;

        private Builder() {}

        /**
         * Adds a DNS server to query (default: the system's, from {@code /etc/resolv.conf} and the
         * like). Several servers are tried in turn.
         *
         * @param address the server's address and port
         * @return this builder
         */
        public Builder server(InetSocketAddress address) {
            this.servers.add(Objects.requireNonNull(address, "address"));
            return this;
        }

        /**
         * Sets the time for one query to one server (default 5 s).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        /**
         * Sets the bound on a whole lookup, CNAME chain and retries included (default 20 s).
         *
         * @param deadline a positive duration
         * @return this builder
         */
        public Builder deadline(Duration deadline) {
            this.deadline = positive(deadline, "deadline");
            return this;
        }

        /**
         * Sets how many times a query is retried per server (default 2).
         *
         * @param retries 0 or more
         * @return this builder
         */
        public Builder retries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries " + retries + " < 0");
            }
            this.retries = retries;
            return this;
        }

        /**
         * Sets how many CNAME links are followed before giving up (default 8).
         *
         * @param links 1 or more
         * @return this builder
         */
        public Builder maxCnameChain(int links) {
            if (links < 1) {
                throw new IllegalArgumentException("maxCnameChain " + links + " < 1");
            }
            this.maxCnameChain = links;
            return this;
        }

        /**
         * Sends every query over TCP (default false: UDP, with TCP on truncation).
         *
         * @param tcp true to always use TCP
         * @return this builder
         */
        public Builder tcp(boolean tcp) {
            this.tcp = tcp;
            return this;
        }

        /**
         * Retries a truncated UDP answer over TCP (default true).
         *
         * @param fallback false to accept truncated answers as they are
         * @return this builder
         */
        public Builder truncationFallback(boolean fallback) {
            this.truncationFallback = fallback;
            return this;
        }

        /**
         * Caches TXT answers by their TTL (default false, so that a changed STS record id is seen at
         * once; the policy cache is separate).
         *
         * @param cache true to cache TXT answers
         * @return this builder
         */
        public Builder cacheTxt(boolean cache) {
            this.cacheTxt = cache;
            return this;
        }

        /**
         * Caches MX and address answers by their TTL (default true).
         *
         * @param cache false to query every time
         * @return this builder
         */
        public Builder cacheOthers(boolean cache) {
            this.cacheOthers = cache;
            return this;
        }

        /**
         * Uses a caller-made session for every lookup, instead of one built from the settings above
         * (which then apply only to {@link #deadline(Duration)}). The session should not have a
         * search path that could expand names (ours are absolute anyway).
         *
         * @param session the session
         * @return this builder
         */
        public Builder lookupSession(LookupSession session) {
            this.session = Objects.requireNonNull(session, "session");
            return this;
        }

        /**
         * Builds the resolver.
         *
         * @return the resolver
         */
        public DnsjavaResolver build() {
            return new DnsjavaResolver(this);
        }

        private Resolver makeResolver() {
            List<InetSocketAddress> addresses = servers.isEmpty()
                    ? ResolverConfig.getCurrentConfig().servers() : servers;
            List<Resolver> resolvers = new ArrayList<>(addresses.size());
            for (InetSocketAddress address : addresses) {
                SimpleResolver simple = new SimpleResolver(address);
                simple.setTimeout(timeout);
                simple.setTCP(tcp);
                simple.setIgnoreTruncation(!truncationFallback);
                resolvers.add(simple);
            }
            if (resolvers.isEmpty()) {
                throw new IllegalStateException("no DNS servers configured and none found on this system");
            }
            ExtendedResolver extended = new ExtendedResolver(resolvers);
            extended.setRetries(retries);
            extended.setTimeout(timeout);
            return extended;
        }

        private LookupSession makeSession(Resolver resolver, boolean cache) {
            LookupSession.LookupSessionBuilder b = LookupSession.builder()
                    .resolver(resolver)
                    .maxRedirects(maxCnameChain)
                    .clearSearchPath()
                    .ndots(1);
            if (cache) {
                b.cache(new Cache());
            } else {
                b.clearCaches();
            }
            return b.build();
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " " + d + " is not positive");
            }
            return d;
        }
    }
}
