package org.mtasts.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Reads and changes TXT records on one authoritative server by RFC 2136 dynamic update, signed
 * with a {@link TsigKey} (RFC 8945), so that a change never overwrites one made meanwhile:
 * <ol>
 *   <li>{@link #readTxt(String)} asks the server for the records at a name (and the zone the name
 *       is in, from its SOA), with authority;</li>
 *   <li>{@link #update(List)} sends the {@link TxtChange}s in one UPDATE message whose
 *       prerequisites are the records read: "RRset exists (value dependent)" (RFC 2136 §2.4.2)
 *       when there were some, "RRset does not exist" (§2.4.3) when there were none. The server
 *       applies all or nothing (§3.2), and answers NXRRSET or YXRRSET if the records changed in
 *       between: {@link UpdateResult.PrerequisiteFailed}.</li>
 * </ol>
 * Every message goes over TCP, one per connection.
 *
 * <pre>{@code
 * DnsUpdater updater = DnsUpdater.builder()
 *         .server(new InetSocketAddress("127.0.0.1", 53))     // the primary server of the zone
 *         .key(TsigKey.load(keyFile))                         // e.g. /etc/mtasts/update.key
 *         .build();
 * TxtRrset current = ((TxtRrsetAnswer.Found) updater.readTxt("_mta-sts.example.com")).rrset();
 * TxtChange change = TxtChange.replacing(current, "v=STSv1", "v=STSv1; id=e3kq0b7vnf1;", Duration.ofHours(1));
 * UpdateResult result = updater.update(List.of(change));
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2136#section-2.4">RFC 2136 §2.4</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8945">RFC 8945</a>
 * @since 0.1
 */
public final class DnsUpdater {

    /** The default time for one exchange with the server. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final InetSocketAddress server;
    private final @Nullable TsigKey key;
    private final Duration timeout;

    private DnsUpdater(Builder b) {
        this.server = Objects.requireNonNull(b.server, "server");
        this.key = b.key;
        this.timeout = b.timeout;
    }

    /** {@return a new builder} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the server's address} */
    public InetSocketAddress server() {
        return server;
    }

    /**
     * Reads the TXT records at a name from the server, which must answer with authority.
     *
     * @param name an absolute name such as {@code _mta-sts.example.com}
     * @return the records (possibly none) with their zone, a refusal, or a temporary failure
     * @throws IllegalArgumentException if the name is not a valid DNS name
     */
    public TxtRrsetAnswer readTxt(String name) {
        Name owner = DnsjavaResolver.absolute(name);
        String shown = text(owner);
        Message soa;
        Message txt;
        try {
            soa = send(Message.newQuery(Record.newRecord(owner, Type.SOA, DClass.IN)), false);
        } catch (IOException e) {
            return new TxtRrsetAnswer.TemporaryFailure(noAnswer(e), e);
        }
        String problem = queryProblem(soa, shown);
        if (problem != null) {
            return soa.getRcode() == Rcode.SERVFAIL ? new TxtRrsetAnswer.TemporaryFailure(problem, null)
                    : new TxtRrsetAnswer.Refused(problem);
        }
        Name zone = null;
        for (Record r : soa.getSection(Section.ANSWER)) {
            if (r instanceof CNAMERecord cname) {
                return new TxtRrsetAnswer.Refused(shown + " is a CNAME to " + text(cname.getTarget())
                        + "; change the records at the target instead");
            }
            if (r instanceof SOARecord && r.getName().equals(owner)) {
                zone = owner;
            }
        }
        if (zone == null) {
            for (Record r : soa.getSection(Section.AUTHORITY)) {
                if (r instanceof SOARecord) {
                    zone = r.getName();
                }
            }
        }
        if (zone == null) {
            return new TxtRrsetAnswer.Refused("the server " + address() + " gave no SOA for " + shown
                    + ", so the zone to update is unknown");
        }
        try {
            txt = send(Message.newQuery(Record.newRecord(owner, Type.TXT, DClass.IN)), false);
        } catch (IOException e) {
            return new TxtRrsetAnswer.TemporaryFailure(noAnswer(e), e);
        }
        problem = queryProblem(txt, shown);
        if (problem != null) {
            return txt.getRcode() == Rcode.SERVFAIL ? new TxtRrsetAnswer.TemporaryFailure(problem, null)
                    : new TxtRrsetAnswer.Refused(problem);
        }
        List<TXTRecord> records = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        for (Record r : txt.getSection(Section.ANSWER)) {
            if (r instanceof CNAMERecord cname) {
                return new TxtRrsetAnswer.Refused(shown + " is a CNAME to " + text(cname.getTarget())
                        + "; change the records at the target instead");
            }
            if (r instanceof TXTRecord t && r.getName().equals(owner)) {
                records.add(t);
                ttl = Math.min(ttl, t.getTTL());
            }
        }
        return new TxtRrsetAnswer.Found(new TxtRrset(shown, text(zone), Duration.ofSeconds(records.isEmpty() ? 0 : ttl), records));
    }

    /**
     * Sends the changes in one signed UPDATE message, each with its records as read as the
     * prerequisite; the server applies all of them or none (RFC 2136 §3.2).
     *
     * @param changes one or more changes, at least one not {@link TxtChange#isEmpty() empty}, all in
     *     one zone
     * @return the outcome
     * @throws IllegalStateException if the updater has no key
     * @throws IllegalArgumentException if there is nothing to change or the changes span zones
     */
    public UpdateResult update(List<TxtChange> changes) {
        if (key == null) {
            throw new IllegalStateException("this updater has no TSIG key; set one with DnsUpdater.Builder.key");
        }
        Message update = message(changes);
        String zone = text(update.getQuestion().getName());
        Message response;
        try {
            response = send(update, true);
        } catch (IOException e) {
            return new UpdateResult.TemporaryFailure(noAnswer(e) + "; the update may or may not have been applied", e);
        }
        int rcode = response.getRcode();
        TSIGRecord tsig = response.getTSIG();
        String tsigError = tsig != null && tsig.getError() != Rcode.NOERROR ? Rcode.TSIGstring(tsig.getError()) : null;
        String rcodeName = Rcode.string(rcode);
        switch (rcode) {
            case Rcode.NOERROR:
                if (!response.isVerified()) {
                    return new UpdateResult.TemporaryFailure("the server answered NOERROR, but its answer is not signed with the key "
                            + key.name() + "; read the records to see whether the update was applied", null);
                }
                return new UpdateResult.Updated();
            case Rcode.NXRRSET:
            case Rcode.YXRRSET:
            case Rcode.NXDOMAIN:
            case Rcode.YXDOMAIN:
                // RFC 2136 §3.2.5: a failed prerequisite stops the update before anything changes.
                return new UpdateResult.PrerequisiteFailed(rcodeName, "the records at " + names(changes)
                        + " changed since they were read (" + rcodeName + "): the server changed nothing; read them again");
            case Rcode.SERVFAIL:
                return new UpdateResult.TemporaryFailure("the server answered SERVFAIL for the update of zone " + zone, null);
            default:
                return new UpdateResult.Refused(rcodeName, tsigError, refusal(rcodeName, tsigError, zone));
        }
    }

    /**
     * Returns the UPDATE message {@link #update(List)} would send, unsigned, as text: the zone,
     * prerequisite and update sections (for a dry run).
     *
     * @param changes the changes
     * @return the message in dnsjava's presentation form
     * @throws IllegalArgumentException if there is nothing to change or the changes span zones
     */
    public static String preview(List<TxtChange> changes) {
        return message(changes).toString();
    }

    /** Builds the UPDATE message: prerequisites from the records read, then the changes. */
    static Message message(List<TxtChange> changes) {
        Objects.requireNonNull(changes, "changes");
        List<TxtChange> real = new ArrayList<>();
        for (TxtChange c : changes) {
            if (!Objects.requireNonNull(c, "change").isEmpty()) {
                real.add(c);
            }
        }
        if (real.isEmpty()) {
            throw new IllegalArgumentException("nothing to change: every change is empty");
        }
        String zoneText = real.get(0).current().zone();
        for (TxtChange c : real) {
            if (!c.current().zone().equals(zoneText)) {
                throw new IllegalArgumentException("the changes span two zones, " + zoneText + " and "
                        + c.current().zone() + "; send one update per zone");
            }
        }
        Update update = new Update(DnsjavaResolver.absolute(zoneText));
        for (TxtChange c : real) {
            Name owner = DnsjavaResolver.absolute(c.name());
            if (c.current().isEmpty()) {
                update.absent(owner, Type.TXT); // RFC 2136 §2.4.3: RRset does not exist
            } else {
                for (TXTRecord r : c.current().records()) {
                    // RFC 2136 §2.4.2: RRset exists (value dependent): class of the zone, TTL 0
                    update.present(Record.newRecord(owner, Type.TXT, DClass.IN, 0, r.rdataToWireCanonical()));
                }
            }
            for (String text : c.remove()) {
                for (TXTRecord r : c.current().records()) {
                    if (DnsjavaResolver.join(r).equals(text)) {
                        update.delete(r); // RFC 2136 §2.5.4: delete an RR from an RRset
                    }
                }
            }
            if (c.add() != null) {
                update.add(txtRecord(owner, c.add(), c.ttl())); // RFC 2136 §2.5.1: add to an RRset
            }
        }
        return update;
    }

    /** A TXT record holding the text in character-strings of at most 255 bytes (RFC 1035 §3.3.14). */
    static TXTRecord txtRecord(Name owner, String text, Duration ttl) {
        List<String> strings = new ArrayList<>();
        for (int at = 0; at < text.length() || at == 0; at += 255) {
            String part = text.substring(at, Math.min(text.length(), at + 255));
            StringBuilder escaped = new StringBuilder(part.length() + 8);
            for (int i = 0; i < part.length(); i++) {
                char ch = part.charAt(i);
                if (ch == '\\' || ch == '"' || ch < 0x20 || ch > 0x7E) {
                    escaped.append('\\').append(String.format(Locale.ROOT, "%03d", (int) ch));
                } else {
                    escaped.append(ch);
                }
            }
            strings.add(escaped.toString());
            if (text.isEmpty()) {
                break;
            }
        }
        return new TXTRecord(owner, DClass.IN, ttl.toSeconds(), strings);
    }

    private Message send(Message message, boolean signed) throws IOException {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTCP(true);
        resolver.setTimeout(timeout);
        if (signed && key != null) {
            resolver.setTSIGKey(key.tsig());
        }
        return resolver.send(message);
    }

    private @Nullable String queryProblem(Message response, String name) {
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            return "the server " + address() + " answered " + Rcode.string(rcode) + " for " + name;
        }
        if (!response.getHeader().getFlag(Flags.AA)) {
            return "the server " + address() + " is not authoritative for " + name + " (no AA flag): give the zone's primary server";
        }
        return null;
    }

    private String refusal(String rcode, @Nullable String tsigError, String zone) {
        String keyName = key == null ? "(none)" : key.name();
        if ("BADKEY".equals(tsigError)) {
            return "the server " + address() + " does not accept the key " + keyName + " for updates of zone " + zone
                    + " (" + rcode + ", TSIG BADKEY): the key is unknown to it, or the zone's ACL does not allow it to update";
        }
        if ("BADSIG".equals(tsigError)) {
            return "the server " + address() + " knows the key " + keyName + " but the signature did not verify (" + rcode
                    + ", TSIG BADSIG): the secret or the algorithm differs from the server's";
        }
        if ("BADTIME".equals(tsigError)) {
            return "the server " + address() + " rejected the signature's time (" + rcode
                    + ", TSIG BADTIME): this machine's clock and the server's differ by more than the fudge (RFC 8945 §5.2.3)";
        }
        if (tsigError != null) {
            return "the server " + address() + " rejected the signature with key " + keyName + " (" + rcode + ", TSIG " + tsigError + ")";
        }
        if (rcode.equals("REFUSED")) {
            return "the server " + address() + " refused the update of zone " + zone + " (REFUSED): updates with the key "
                    + keyName + " are not allowed there";
        }
        if (rcode.equals("NOTAUTH")) {
            return "the server " + address() + " is not authoritative for zone " + zone + " or does not accept the key "
                    + keyName + " (NOTAUTH)";
        }
        if (rcode.equals("NOTZONE")) {
            return "a name of the update is not in zone " + zone + " (NOTZONE)";
        }
        return "the server " + address() + " did not apply the update of zone " + zone + " (" + rcode + ")";
    }

    private String noAnswer(IOException e) {
        boolean timeout = e instanceof SocketTimeoutException || String.valueOf(e.getMessage()).contains("imed out");
        return (timeout ? "no answer from " : "cannot reach ") + address() + " within " + this.timeout.toSeconds() + " s: "
                + DnsjavaResolver.printable(String.valueOf(e.getMessage()));
    }

    private String address() {
        String host = server.getAddress() != null ? server.getAddress().getHostAddress() : server.getHostString();
        return host + ":" + server.getPort();
    }

    private static String names(List<TxtChange> changes) {
        List<String> names = new ArrayList<>();
        for (TxtChange c : changes) {
            if (!c.isEmpty() && !names.contains(c.name())) {
                names.add(c.name());
            }
        }
        return String.join(" and ", names);
    }

    private static String text(Name name) {
        String s = name.toString(true).toLowerCase(Locale.ROOT);
        return s;
    }

    /**
     * Configures a {@link DnsUpdater}.
     *
     * <pre>{@code
     * DnsUpdater updater = DnsUpdater.builder()
     *         .server(new InetSocketAddress("127.0.0.1", 5400))
     *         .key(TsigKey.of("update", "hmac-sha256", "c2VjcmV0c2VjcmV0c2VjcmV0"))
     *         .timeout(Duration.ofSeconds(5))
     *         .build();
     * }</pre>
     *
     * <p>Not thread-safe; confine to one thread.
     */
    public static final class Builder {
        private @Nullable InetSocketAddress server;
        private @Nullable TsigKey key;
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder() {}

        /**
         * Sets the server that takes the updates: the zone's primary (required).
         *
         * @param address its address and port
         * @return this builder
         */
        public Builder server(InetSocketAddress address) {
            this.server = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * Sets the key that signs updates (required for {@link #update(List)}; reads are unsigned).
         *
         * @param key the key
         * @return this builder
         */
        public Builder key(TsigKey key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * Sets the time for one exchange with the server (default 10 s).
         *
         * @param timeout a positive duration
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
         * Builds the updater.
         *
         * @return the updater
         * @throws IllegalStateException if no server was set
         */
        public DnsUpdater build() {
            if (server == null) {
                throw new IllegalStateException("no server: call DnsUpdater.Builder.server(address)");
            }
            return new DnsUpdater(this);
        }
    }
}
