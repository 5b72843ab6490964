package org.mtasts.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

/**
 * Finds out whether a mail domain's MX hosts have DNSSEC-validated TLSA records (RFC 7672 §2.2), so
 * that a sender applies DANE instead of MTA-STS: RFC 8461 §2 says a passing MTA-STS check must not
 * override a failing DANE check.
 *
 * <p>It trusts the AD bit of the resolvers it asks, so they must be validating resolvers on a
 * trusted path (loopback, as Postfix's {@code smtp_dns_support_level = dnssec} also requires). The
 * rules: the MX RRset must come with AD (or, without MX records, the domain is its own host); each
 * host's {@code _25._tcp.<host>} TLSA RRset must come with AD and hold at least one TLSA record.
 * SERVFAIL (what a validating resolver answers for bogus data), REFUSED, a timeout or a network
 * error is a {@link DaneAnswer.TemporaryFailure}. At most {@link #MAX_HOSTS} MX hosts are looked at.
 *
 * <pre>{@code
 * DaneLookup dane = DaneLookup.builder()
 *         .server(unbound)                       // a validating resolver on loopback
 *         .timeout(Duration.ofSeconds(5))
 *         .build();
 * DaneAnswer answer = dane.lookupAsync(DomainName.of("example.com")).join();
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-2">RFC 8461 §2</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7672#section-2.2">RFC 7672 §2.2</a>
 * @since 0.1
 */
public final class DaneLookup {

    /** The most MX hosts whose TLSA records are looked up. */
    public static final int MAX_HOSTS = 10;

    private final Resolver resolver;
    private final Duration deadline;

    private DaneLookup(Resolver resolver, Duration deadline) {
        this.resolver = resolver;
        this.deadline = deadline;
    }

    /**
     * Returns a new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Looks up the domain's MX hosts and their TLSA records, with the AD bit of each answer.
     *
     * @param domain the mail domain
     * @return the answer; the future never completes exceptionally
     */
    public CompletableFuture<DaneAnswer> lookupAsync(DomainName domain) {
        Objects.requireNonNull(domain, "domain");
        Name name = DnsjavaResolver.absolute(domain.ascii());
        return query(name, Type.MX).thenCompose(mx -> {
            if (mx.failure != null) {
                return CompletableFuture.completedFuture((DaneAnswer) new DaneAnswer.TemporaryFailure(
                        "MX lookup of " + domain + ": " + mx.failure));
            }
            Message m = Objects.requireNonNull(mx.message);
            if (m.getRcode() == Rcode.NXDOMAIN) {
                return done(new DaneAnswer.NotUsable(domain + " does not exist (NXDOMAIN)"));
            }
            if (!m.getHeader().getFlag(Flags.AD)) {
                return done(new DaneAnswer.NotUsable("the MX RRset of " + domain + " is not DNSSEC-validated (no AD bit)"));
            }
            List<MXRecord> records = new ArrayList<>();
            for (Record r : m.getSection(Section.ANSWER)) {
                if (r instanceof MXRecord x) {
                    records.add(x);
                }
            }
            List<DomainName> hosts = new ArrayList<>();
            if (records.isEmpty()) {
                hosts.add(domain); // no MX records: the domain is its own host (RFC 7672 §2.2.1)
            } else {
                records.sort(Comparator.comparingInt(MXRecord::getPriority));
                for (MXRecord r : records) {
                    if (r.getTarget().equals(Name.root)) {
                        continue; // a null MX (RFC 7505)
                    }
                    DomainName host = DomainName.parse(r.getTarget().toString(true)).toOptional().orElse(null);
                    if (host != null && !hosts.contains(host) && hosts.size() < MAX_HOSTS) {
                        hosts.add(host);
                    }
                }
            }
            if (hosts.isEmpty()) {
                return done(new DaneAnswer.NotUsable(domain + " has no usable MX host"));
            }
            List<CompletableFuture<HostTlsa>> lookups = new ArrayList<>();
            for (DomainName host : hosts) {
                lookups.add(tlsa(host));
            }
            return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(v -> {
                List<DomainName> withTlsa = new ArrayList<>();
                for (CompletableFuture<HostTlsa> f : lookups) {
                    HostTlsa t = f.join();
                    if (t.failure != null) {
                        return new DaneAnswer.TemporaryFailure("TLSA lookup of _25._tcp." + t.host + ": " + t.failure);
                    }
                    if (t.validated) {
                        withTlsa.add(t.host);
                    }
                }
                if (withTlsa.isEmpty()) {
                    return new DaneAnswer.NotUsable("no MX host of " + domain + " has DNSSEC-validated TLSA records");
                }
                return new DaneAnswer.Usable(hosts, withTlsa);
            });
        });
    }

    private static CompletableFuture<DaneAnswer> done(DaneAnswer answer) {
        return CompletableFuture.completedFuture(answer);
    }

    private record HostTlsa(DomainName host, boolean validated, @Nullable String failure) {}

    private CompletableFuture<HostTlsa> tlsa(DomainName host) {
        Name name = DnsjavaResolver.absolute("_25._tcp." + host.ascii());
        return query(name, Type.TLSA).thenApply(r -> {
            if (r.failure != null) {
                return new HostTlsa(host, false, r.failure);
            }
            boolean any = false;
            Message m = Objects.requireNonNull(r.message);
            for (Record rec : m.getSection(Section.ANSWER)) {
                any |= rec instanceof TLSARecord;
            }
            return new HostTlsa(host, any && m.getHeader().getFlag(Flags.AD), null);
        });
    }

    /** A reply, or why there is none; NXDOMAIN and NOERROR are replies, other codes failures. */
    private record Reply(@Nullable Message message, @Nullable String failure) {}

    private CompletableFuture<Reply> query(Name name, int type) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        query.getHeader().setFlag(Flags.AD); // RFC 6840 §5.7: ask for the AD bit
        CompletableFuture<Message> sent;
        try {
            sent = resolver.sendAsync(query).toCompletableFuture();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS).handle((m, e) -> {
            if (e != null) {
                Throwable t = e;
                while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
                    t = t.getCause();
                }
                String what = t instanceof TimeoutException ? "timeout"
                        : t.getClass().getSimpleName() + ": " + SafeText.escape(String.valueOf(t.getMessage()));
                return new Reply(null, what);
            }
            int rcode = m.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                return new Reply(null, Rcode.string(rcode));
            }
            return new Reply(m, null);
        });
    }

    /**
     * Configures a {@link DaneLookup}.
     *
     * <pre>{@code
     * DaneLookup dane = DaneLookup.builder().server(unbound).retries(0).build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private final List<InetSocketAddress> servers = new ArrayList<>();
        private Duration timeout = DnsjavaResolver.DEFAULT_TIMEOUT;
        private int retries = 1;

        private Builder() {}

        /**
         * Adds a validating resolver to ask (default: the system's resolvers).
         *
         * @param address the resolver's address
         * @return this builder
         */
        public Builder server(InetSocketAddress address) {
            servers.add(Objects.requireNonNull(address, "address"));
            return this;
        }

        /**
         * Sets the timeout of one query (default 5 seconds); the whole lookup of one name waits
         * at most {@code timeout × (retries + 1)}.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout " + timeout + " is not positive");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets how many times a query without an answer is sent again (default 1).
         *
         * @param retries 0 to 5
         * @return this builder
         */
        public Builder retries(int retries) {
            if (retries < 0 || retries > 5) {
                throw new IllegalArgumentException("retries " + retries + " is not in 0..5");
            }
            this.retries = retries;
            return this;
        }

        /**
         * Builds the lookup.
         *
         * @return the lookup
         * @throws IllegalStateException if no server is set and the system has none
         */
        public DaneLookup build() {
            List<InetSocketAddress> addresses = servers.isEmpty()
                    ? ResolverConfig.getCurrentConfig().servers() : servers;
            if (addresses.isEmpty()) {
                throw new IllegalStateException("no DNS servers configured and none found on this system");
            }
            List<Resolver> resolvers = new ArrayList<>();
            for (InetSocketAddress a : addresses) {
                SimpleResolver s = new SimpleResolver(a);
                s.setTimeout(timeout);
                // EDNS0 with DO: a validating resolver then also sets AD (RFC 3225, RFC 6840 §5.7).
                s.setEDNS(0, 1232, ExtendedFlags.DO, Collections.emptyList());
                resolvers.add(s);
            }
            ExtendedResolver extended = new ExtendedResolver(resolvers);
            extended.setRetries(retries);
            extended.setTimeout(timeout);
            return new DaneLookup(extended, timeout.multipliedBy((long) retries + 1).plusMillis(500));
        }
    }
}
