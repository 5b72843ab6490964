package org.mtasts.testkit;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mtasts.core.DomainName;
import org.mtasts.core.SafeText;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * One fake domain for an {@link MtaStsSandbox}: its DNS records and faults, its policy host and
 * its MX hosts.
 *
 * <p>A domain can also have a policy host ({@link #policy(String)}, {@link
 * #policyResponse(PolicyResponse)}, {@link #policyHost(PolicyHost)}), MX hosts ({@link
 * #mx(int, SmtpHost)}) and HTTPS report receivers ({@link #reportReceiver(ReportReceiver)}), each a
 * real server on its own loopback port with an A record pointing to 127.0.0.1.
 *
 * <p>Every name given must be absolute (the trailing dot is optional) and lie in this domain.
 * Names in other sandbox domains are reached through CNAMEs; names outside every sandbox domain
 * are answered with REFUSED, as an authoritative server does.
 *
 * <pre>{@code
 * DomainSpec shop = DomainSpec.of("shop.example")
 *         .stsRecord("v=STSv1; ", "id=20260101;")          // one TXT record, two strings
 *         .tlsRptRecord("v=TLSRPTv1; rua=mailto:tlsrpt@shop.example")
 *         .policy("version: STSv1\nmode: enforce\nmx: mx1.shop.example\nmax_age: 86400\n")
 *         .mx(10, SmtpHost.of("mx1.shop.example"))
 *         .mx(20, SmtpHost.of("mx2.shop.example").withCertificate(CertificateVariant.EXPIRED))
 *         .reportReceiver("tlsrpt.shop.example")                  // POST https://tlsrpt.shop.example/...
 *         .dnsFault("_smtp._tls.shop.example", DnsFault.SERVFAIL);
 * }</pre>
 *
 * <p>Not thread-safe; confine to one thread.
 *
 * @since 0.1
 */
public final class DomainSpec {

    /** The TTL of records unless {@link #ttl(Duration)} says otherwise. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

    /** The longest character-string in a TXT record (RFC 1035 §3.3: one length octet). */
    static final int MAX_TXT_STRING = 255;

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final DomainName domain;
    private final Name apex;
    private long ttl = DEFAULT_TTL.getSeconds();
    private final List<Record> records = new ArrayList<>();
    private final Map<Name, DnsFault> faults = new LinkedHashMap<>();
    private final Map<String, SmtpHost> mxHosts = new LinkedHashMap<>();
    private final Map<String, ReportReceiver> receivers = new LinkedHashMap<>();
    private @Nullable PolicyResponse policy;
    private PolicyHost policyHost = PolicyHost.DEFAULT;

    private DomainSpec(DomainName domain) {
        this.domain = domain;
        this.apex = absolute(domain.ascii());
    }

    /**
     * Starts an empty domain.
     *
     * @param domain the domain name, such as {@code shop.example}
     * @return the spec
     * @throws IllegalArgumentException if it is not a valid domain name
     */
    public static DomainSpec of(String domain) {
        return new DomainSpec(DomainName.of(domain));
    }

    /** {@return the domain name} */
    public DomainName domain() {
        return domain;
    }

    /**
     * Sets the TTL of the records added after this call.
     *
     * @param ttl zero or more, whole seconds
     * @return this spec
     */
    public DomainSpec ttl(Duration ttl) {
        if (ttl.isNegative() || ttl.getSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("TTL " + ttl + " is outside 0.." + Integer.MAX_VALUE + " seconds");
        }
        this.ttl = ttl.getSeconds();
        return this;
    }

    /**
     * Adds one TXT record at {@code _mta-sts.<domain>} (RFC 8461 §3.1). Strings longer than 255
     * bytes are split as a zone file compiler would; call this twice for two records.
     *
     * @param text the first character-string (or the whole record)
     * @param more further character-strings of the same record
     * @return this spec
     */
    public DomainSpec stsRecord(String text, String... more) {
        return txtRecord("_mta-sts." + domain.ascii(), text, more, true);
    }

    /**
     * Adds one TXT record at {@code _smtp._tls.<domain>} (RFC 8460 §3), split like {@link
     * #stsRecord(String, String...)}.
     *
     * @param text the first character-string (or the whole record)
     * @param more further character-strings of the same record
     * @return this spec
     */
    public DomainSpec tlsRptRecord(String text, String... more) {
        return txtRecord("_smtp._tls." + domain.ascii(), text, more, true);
    }

    /**
     * Adds one TXT record made of exactly these character-strings (each at most 255 bytes; chars
     * are bytes, ISO-8859-1).
     *
     * @param name the owner name
     * @param strings the character-strings, at least one
     * @return this spec
     */
    public DomainSpec txt(String name, String... strings) {
        if (strings.length == 0) {
            throw new IllegalArgumentException("a TXT record needs at least one character-string");
        }
        return txtRecord(name, strings[0], java.util.Arrays.copyOfRange(strings, 1, strings.length), false);
    }

    private DomainSpec txtRecord(String name, String first, String[] more, boolean split) {
        Name owner = owner(name);
        ByteArrayOutputStream rdata = new ByteArrayOutputStream();
        List<String> strings = new ArrayList<>();
        strings.add(first);
        strings.addAll(List.of(more));
        for (String s : strings) {
            byte[] bytes = latin1(s);
            if (bytes.length > MAX_TXT_STRING && !split) {
                throw new IllegalArgumentException("TXT character-string of " + bytes.length
                        + " bytes is longer than " + MAX_TXT_STRING + " (RFC 1035 §3.3)");
            }
            int at = 0;
            do {
                int n = Math.min(MAX_TXT_STRING, bytes.length - at);
                rdata.write(n);
                rdata.write(bytes, at, n);
                at += n;
            } while (at < bytes.length);
        }
        records.add(Record.newRecord(owner, Type.TXT, DClass.IN, ttl, rdata.toByteArray()));
        return this;
    }

    /**
     * Adds an MX record (DNS only: see the sandbox documentation for MX hosts that answer SMTP).
     *
     * @param preference 0 to 65535, lower is preferred
     * @param host the exchange host name
     * @return this spec
     */
    public DomainSpec mxRecord(int preference, String host) {
        if (preference < 0 || preference > 0xFFFF) {
            throw new IllegalArgumentException("MX preference " + preference + " is outside 0..65535");
        }
        records.add(new MXRecord(apex, DClass.IN, ttl, preference, absolute(DomainName.of(host).ascii())));
        return this;
    }

    /**
     * Adds an MX record for a sandbox MX host (see {@link #mxHost(SmtpHost)}).
     *
     * @param preference 0 to 65535, lower is preferred
     * @param host the MX host, in this domain
     * @return this spec
     */
    public DomainSpec mx(int preference, SmtpHost host) {
        mxHost(host);
        return mxRecord(preference, host.name());
    }

    /**
     * Adds an MX record for a well-behaved sandbox MX host ({@link SmtpHost#of(String)}).
     *
     * @param preference 0 to 65535, lower is preferred
     * @param host the MX host name, in this domain
     * @return this spec
     */
    public DomainSpec mx(int preference, String host) {
        return mx(preference, SmtpHost.of(host));
    }

    /**
     * Adds a sandbox MX host without an MX record (for example one that only a later {@link
     * MtaStsSandbox#update(DomainSpec)} points to): an SMTP server on its own port, and an A record
     * ({@code 127.0.0.1}). Adding a host again replaces its settings.
     *
     * @param host the MX host, in this domain
     * @return this spec
     */
    public DomainSpec mxHost(SmtpHost host) {
        owner(host.name());
        mxHosts.put(host.name(), host);
        return this;
    }

    /**
     * Adds an HTTPS host that receives TLS-RPT reports (RFC 8460 §5.4): it accepts {@code POST} on
     * any path, answers the receiver's status and records each request ({@link
     * MtaStsSandbox#receivedRequests(String)}). It gets its own port and an A record ({@code
     * 127.0.0.1}). Adding a receiver again replaces its settings.
     *
     * <pre>{@code
     * DomainSpec reports = DomainSpec.of("reports.example")
     *         .reportReceiver(ReportReceiver.of("tlsrpt.reports.example").withStatus(201));
     * }</pre>
     *
     * @param receiver the receiver, in this domain
     * @return this spec
     */
    public DomainSpec reportReceiver(ReportReceiver receiver) {
        owner(receiver.name());
        receivers.put(receiver.name(), receiver);
        return this;
    }

    /**
     * Adds an HTTPS report receiver that answers 200 ({@link ReportReceiver#of(String)}).
     *
     * @param host the receiver's host name, in this domain
     * @return this spec
     */
    public DomainSpec reportReceiver(String host) {
        return reportReceiver(ReportReceiver.of(host));
    }

    /**
     * Adds a null MX record ({@code 0 .}): the domain accepts no mail (RFC 7505).
     *
     * @return this spec
     */
    public DomainSpec nullMx() {
        records.add(new MXRecord(apex, DClass.IN, ttl, 0, Name.root));
        return this;
    }

    /**
     * Adds an A record.
     *
     * @param name the owner name
     * @param ipv4 a dotted-quad IPv4 literal
     * @return this spec
     */
    public DomainSpec a(String name, String ipv4) {
        java.util.regex.Matcher m = IPV4.matcher(ipv4);
        boolean ok = m.matches();
        for (int i = 1; ok && i <= 4; i++) {
            ok = Integer.parseInt(m.group(i)) <= 255;
        }
        if (!ok) {
            throw new IllegalArgumentException("'" + printable(ipv4) + "' is not an IPv4 address literal");
        }
        records.add(new ARecord(owner(name), DClass.IN, ttl, literal(ipv4)));
        return this;
    }

    /**
     * Adds an AAAA record.
     *
     * @param name the owner name
     * @param ipv6 an IPv6 address literal
     * @return this spec
     */
    public DomainSpec aaaa(String name, String ipv6) {
        if (!IPV6.matcher(ipv6).matches()) {
            throw new IllegalArgumentException("'" + printable(ipv6) + "' is not an IPv6 address literal");
        }
        records.add(new AAAARecord(owner(name), DClass.IN, ttl, literal6(ipv6)));
        return this;
    }

    /**
     * Adds a CNAME record. The target may be in any sandbox domain; chains are followed by the
     * server while they stay in sandbox domains.
     *
     * @param name the alias, in this domain
     * @param target the canonical name
     * @return this spec
     */
    public DomainSpec cname(String name, String target) {
        records.add(new CNAMERecord(owner(name), DClass.IN, ttl, absolute(target)));
        return this;
    }

    /**
     * Injects a fault for every query of a name (any type).
     *
     * @param name the query name, in this domain
     * @param fault the fault
     * @return this spec
     */
    public DomainSpec dnsFault(String name, DnsFault fault) {
        faults.put(owner(name), Objects.requireNonNull(fault, "fault"));
        return this;
    }

    /**
     * Serves this policy text at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} with
     * status 200 and {@code Content-Type: text/plain}. The policy host gets an A record
     * ({@code 127.0.0.1}) and its own ports: see {@link MtaStsSandbox#addresses()}.
     *
     * @param text the policy body, exactly as served (UTF-8)
     * @return this spec
     */
    public DomainSpec policy(String text) {
        return policyResponse(PolicyResponse.ok(text));
    }

    /**
     * Sets what the policy host answers (and creates the policy host, as {@link #policy(String)}).
     *
     * @param response the response
     * @return this spec
     */
    public DomainSpec policyResponse(PolicyResponse response) {
        this.policy = Objects.requireNonNull(response, "response");
        return this;
    }

    /**
     * Sets how the policy host presents itself (default {@link PolicyHost#DEFAULT}). Has an effect
     * only with a policy.
     *
     * @param host the certificate, chain length and HTTPS switch
     * @return this spec
     */
    public DomainSpec policyHost(PolicyHost host) {
        this.policyHost = Objects.requireNonNull(host, "host");
        return this;
    }

    /** Returns the policy response, or null if the domain has no policy host. */
    @Nullable PolicyResponse policyResponse() {
        return policy;
    }

    PolicyHost policyHostSettings() {
        return policyHost;
    }

    /** Returns the DNS records, in the order added, plus the A records of the sandbox hosts. */
    List<Record> records() {
        List<Record> all = new ArrayList<>(records);
        if (policy != null) {
            all.add(new ARecord(absolute(domain.policyHost()), DClass.IN, ttl, NetLoop.LOOPBACK));
        }
        for (String host : mxHosts.keySet()) {
            all.add(new ARecord(absolute(host), DClass.IN, ttl, NetLoop.LOOPBACK));
        }
        for (String host : receivers.keySet()) {
            all.add(new ARecord(absolute(host), DClass.IN, ttl, NetLoop.LOOPBACK));
        }
        return List.copyOf(all);
    }

    /** Returns the report receivers, in the order added. */
    List<ReportReceiver> reportReceivers() {
        return List.copyOf(receivers.values());
    }

    /** Returns the sandbox MX hosts, in the order added. */
    List<SmtpHost> mxHosts() {
        return List.copyOf(mxHosts.values());
    }

    /** Returns the DNS faults by name. */
    Map<Name, DnsFault> faults() {
        return Map.copyOf(faults);
    }

    Name apex() {
        return apex;
    }

    long ttlSeconds() {
        return ttl;
    }

    private Name owner(String name) {
        Name n = absolute(name);
        if (!n.subdomain(apex)) {
            throw new IllegalArgumentException("'" + name + "' is not in the domain " + domain
                    + ": give absolute names inside it");
        }
        return n;
    }

    /** Parses an absolute DNS name (labels may hold underscores), trailing dot optional. */
    static Name absolute(String name) {
        Objects.requireNonNull(name, "name");
        String text = name.endsWith(".") ? name : name + ".";
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' || c == '@') {
                throw new IllegalArgumentException("'" + printable(name) + "' is not a DNS name: character "
                        + "at index " + i + " is not allowed here");
            }
        }
        try {
            return Name.fromString(text.toLowerCase(Locale.ROOT));
        } catch (TextParseException e) {
            throw new IllegalArgumentException("'" + printable(name) + "' is not a DNS name: " + e.getMessage(), e);
        }
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + address + "' is not an address literal", e);
        }
    }

    /**
     * Parses an IPv6 literal into sixteen bytes. The JDK turns {@code ::ffff:a.b.c.d} into an IPv4
     * address, whose four bytes would make a malformed AAAA record: the mapped form is kept.
     */
    private static InetAddress literal6(String address) {
        InetAddress parsed = literal(address);
        byte[] b = parsed.getAddress();
        if (b.length == 4) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(b, 0, mapped, 12, 4);
            try {
                return java.net.Inet6Address.getByAddress(null, mapped, -1);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("sixteen bytes are always an IPv6 address", e);
            }
        }
        return parsed;
    }

    private static byte[] latin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                throw new IllegalArgumentException("TXT text has character U+"
                        + String.format("%04X", (int) s.charAt(i)) + " at index " + i
                        + ": give bytes as chars 0..255");
            }
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Escapes control and non-ASCII characters for messages ({@link SafeText}). */
    static String printable(String text) {
        return SafeText.escape(text);
    }

    @Override
    public String toString() {
        return "DomainSpec[" + domain + ", " + records.size() + " records]";
    }
}
