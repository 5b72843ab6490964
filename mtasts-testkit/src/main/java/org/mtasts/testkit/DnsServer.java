package org.mtasts.testkit;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The sandbox's authoritative DNS server: one port for UDP and TCP on 127.0.0.1, the real wire
 * protocol through dnsjava's {@link Message} codec, answers from the sandbox domains, and the
 * faults of {@link DnsFault}.
 */
final class DnsServer {

    /** The longest CNAME chain followed inside the sandbox. */
    static final int MAX_CHAIN = 16;

    /** The UDP payload limit without EDNS (RFC 1035 §4.2.1). */
    static final int CLASSIC_UDP_LIMIT = 512;

    /** The UDP payload size the server advertises with EDNS (RFC 6891 §6.2.5; DNS flag day 2020). */
    static final int EDNS_PAYLOAD = 1232;

    /** What {@link DnsFault.Kind#GARBAGE} sends: too short to be a DNS header. */
    private static final byte[] GARBAGE = "garbage".getBytes(StandardCharsets.US_ASCII);

    /** A reply to send, after an optional delay; {@code bytes == null} means none. */
    private record Reply(byte @Nullable [] bytes, Duration delay) {
        static final Reply NONE = new Reply(null, Duration.ZERO);

        static Reply now(byte[] bytes) {
            return new Reply(bytes, Duration.ZERO);
        }
    }

    /** One domain's records, immutable. */
    private record Zone(SOARecord soa, Map<Name, Map<Integer, List<Record>>> nodes, Set<Name> names) {}

    private final NetLoop net;
    private final Consumer<DnsQuery> log;
    private final Map<Name, Zone> zones = new ConcurrentHashMap<>();
    private final Map<Name, DnsFault> faults = new ConcurrentHashMap<>();
    private InetSocketAddress address = new InetSocketAddress(NetLoop.LOOPBACK, 0);

    DnsServer(NetLoop net, Consumer<DnsQuery> log) {
        this.net = net;
        this.log = log;
    }

    /** Binds TCP on an ephemeral port, then UDP on the same port (retrying if it is taken). */
    InetSocketAddress bind() throws IOException {
        BindException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            InetSocketAddress tcp = net.listenTcp(this::serveTcp);
            try {
                net.listenUdp(tcp.getPort(), this::receiveUdp);
                address = tcp;
                return tcp;
            } catch (BindException e) {
                last = e; // the UDP port is taken: the TCP listener stays idle until close
            }
        }
        throw new IOException("no port free for both UDP and TCP", last);
    }

    InetSocketAddress address() {
        return address;
    }

    /** Sets (or replaces) the records and faults of one domain. */
    void putDomain(DomainSpec spec) {
        Name apex = spec.apex();
        Map<Name, Map<Integer, List<Record>>> nodes = new LinkedHashMap<>();
        for (Record r : spec.records()) {
            nodes.computeIfAbsent(r.getName(), n -> new HashMap<>())
                    .computeIfAbsent(r.getType(), t -> new ArrayList<>()).add(r);
        }
        SOARecord soa = new SOARecord(apex, DClass.IN, spec.ttlSeconds(), DomainSpec.absolute("ns." + apex),
                DomainSpec.absolute("hostmaster." + apex), 1, 3600, 600, 86400, 60);
        nodes.computeIfAbsent(apex, n -> new HashMap<>()).putIfAbsent(Type.SOA, List.of(soa));
        Map<Name, Map<Integer, List<Record>>> frozen = new HashMap<>();
        Set<Name> names = new HashSet<>();
        for (Map.Entry<Name, Map<Integer, List<Record>>> e : nodes.entrySet()) {
            Map<Integer, List<Record>> byType = new HashMap<>();
            e.getValue().forEach((t, rs) -> byType.put(t, List.copyOf(rs)));
            frozen.put(e.getKey(), Map.copyOf(byType));
            // RFC 8020: a name with descendants exists (an empty non-terminal answers NODATA).
            for (Name n = e.getKey(); n.subdomain(apex) && names.add(n) && n.labels() > apex.labels(); ) {
                n = new Name(n, 1);
            }
        }
        zones.put(apex, new Zone(soa, Map.copyOf(frozen), Set.copyOf(names)));
        faults.keySet().removeIf(n -> n.subdomain(apex));
        faults.putAll(spec.faults());
    }

    void fault(Name name, @Nullable DnsFault fault) {
        if (fault == null) {
            faults.remove(name);
        } else {
            faults.put(name, fault);
        }
    }

    private void receiveUdp(DatagramChannel channel, ByteBuffer datagram, InetSocketAddress from) throws IOException {
        byte[] query = new byte[datagram.remaining()];
        datagram.get(query);
        Reply reply = respond(query, DnsQuery.Transport.UDP);
        byte[] bytes = reply.bytes();
        if (bytes == null) {
            return;
        }
        if (reply.delay().isZero()) {
            channel.send(ByteBuffer.wrap(bytes), from);
        } else {
            net.schedule(() -> {
                try {
                    channel.send(ByteBuffer.wrap(bytes), from);
                } catch (IOException e) {
                    // closed meanwhile
                }
            }, reply.delay());
        }
    }

    private void serveTcp(Socket socket) throws IOException {
        socket.setSoTimeout(30_000);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        DataInputStream data = new DataInputStream(in);
        while (true) {
            int length;
            try {
                length = data.readUnsignedShort(); // RFC 7766 §8: two-octet length prefix
            } catch (EOFException e) {
                return;
            }
            byte[] query = new byte[length];
            data.readFully(query);
            Reply reply = respond(query, DnsQuery.Transport.TCP);
            byte[] bytes = reply.bytes();
            if (bytes == null) {
                continue;
            }
            if (reply.delay().isZero()) {
                writeFramed(out, bytes);
            } else {
                net.schedule(() -> {
                    try {
                        writeFramed(out, bytes);
                    } catch (IOException e) {
                        // the client went away
                    }
                }, reply.delay());
            }
        }
    }

    private static void writeFramed(OutputStream out, byte[] bytes) throws IOException {
        byte[] framed = new byte[bytes.length + 2];
        framed[0] = (byte) (bytes.length >>> 8);
        framed[1] = (byte) bytes.length;
        System.arraycopy(bytes, 0, framed, 2, bytes.length);
        synchronized (out) {
            out.write(framed);
            out.flush();
        }
    }

    private Reply respond(byte[] wire, DnsQuery.Transport transport) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            // RFC 1035 §4.1.1: FORMERR, if there is a header to answer; otherwise nothing.
            if (wire.length < Header.LENGTH) {
                return Reply.NONE;
            }
            Message error = new Message(((wire[0] & 0xFF) << 8) | (wire[1] & 0xFF));
            error.getHeader().setFlag(Flags.QR);
            error.getHeader().setRcode(Rcode.FORMERR);
            return Reply.now(error.toWire());
        }
        Header header = query.getHeader();
        if (header.getFlag(Flags.QR)) {
            return Reply.NONE; // a response, not a query
        }
        Record question = query.getQuestion();
        if (header.getOpcode() != Opcode.QUERY || question == null) {
            Message error = base(query);
            error.getHeader().setRcode(header.getOpcode() != Opcode.QUERY ? Rcode.NOTIMP : Rcode.FORMERR);
            return Reply.now(error.toWire());
        }
        Name name = question.getName();
        log.accept(new DnsQuery(text(name), Type.string(question.getType()), transport));
        DnsFault fault = faults.get(name);
        if (fault == null) {
            return Reply.now(wire(query, answer(query), transport));
        }
        switch (fault.kind()) {
            case SERVFAIL:
                return Reply.now(rcode(query, Rcode.SERVFAIL).toWire());
            case REFUSED:
                return Reply.now(rcode(query, Rcode.REFUSED).toWire());
            case NO_ANSWER:
                return Reply.NONE;
            case TRUNCATE:
                if (transport == DnsQuery.Transport.UDP) {
                    Message truncated = base(query);
                    truncated.getHeader().setFlag(Flags.AA);
                    truncated.getHeader().setFlag(Flags.TC); // RFC 7766 §5: retry over TCP
                    return Reply.now(truncated.toWire());
                }
                return Reply.now(wire(query, answer(query), transport));
            case WRONG_ID:
                Message wrong = answer(query);
                wrong.getHeader().setID((header.getID() + 1) & 0xFFFF);
                return Reply.now(wire(query, wrong, transport));
            case GARBAGE:
                return Reply.now(GARBAGE.clone());
            case DELAY:
                return new Reply(wire(query, answer(query), transport), fault.delay());
            default:
                throw new IllegalStateException("unhandled fault " + fault);
        }
    }

    private static byte[] wire(Message query, Message response, DnsQuery.Transport transport) {
        if (transport == DnsQuery.Transport.TCP) {
            return response.toWire(0xFFFF);
        }
        OPTRecord opt = query.getOPT();
        int limit = opt == null ? CLASSIC_UDP_LIMIT : Math.max(CLASSIC_UDP_LIMIT, opt.getPayloadSize());
        return response.toWire(limit); // sets TC when the answer does not fit (RFC 1035 §4.2.1)
    }

    /** The response skeleton: same id, QR, RD copied, the question echoed, OPT if asked. */
    private static Message base(Message query) {
        Header qh = query.getHeader();
        Message response = new Message(qh.getID());
        Header h = response.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode(qh.getOpcode());
        if (qh.getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        Record question = query.getQuestion();
        if (question != null) {
            response.addRecord(question, Section.QUESTION);
        }
        if (query.getOPT() != null) {
            response.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        return response;
    }

    private static Message rcode(Message query, int rcode) {
        Message response = base(query);
        response.getHeader().setRcode(rcode);
        return response;
    }

    private Message answer(Message query) {
        Record question = query.getQuestion();
        int type = question.getType();
        Message response = base(query);
        Header h = response.getHeader();
        Name current = question.getName();
        Set<Name> seen = new HashSet<>();
        for (int hops = 0; ; hops++) {
            Zone zone = zoneOf(current);
            if (zone == null) {
                if (hops == 0) {
                    h.setRcode(Rcode.REFUSED); // not authoritative for this name
                }
                return response; // a CNAME leading out of the sandbox: the client follows it
            }
            if (hops == 0) {
                h.setFlag(Flags.AA);
            }
            Map<Integer, List<Record>> node = zone.nodes().get(current);
            List<Record> cname = node == null ? null : node.get(Type.CNAME);
            if (cname != null && type != Type.CNAME && type != Type.ANY) {
                CNAMERecord alias = (CNAMERecord) cname.get(0);
                response.addRecord(alias, Section.ANSWER);
                if (!seen.add(current) || hops >= MAX_CHAIN) {
                    return response; // a loop or an over-long chain: the client sees it
                }
                current = alias.getTarget();
                continue;
            }
            List<Record> found = new ArrayList<>();
            if (node != null) {
                if (type == Type.ANY) {
                    node.values().forEach(found::addAll);
                } else {
                    found.addAll(node.getOrDefault(type, List.of()));
                }
            }
            if (!found.isEmpty()) {
                for (Record r : found) {
                    response.addRecord(r, Section.ANSWER);
                }
                return response;
            }
            if (!zone.names().contains(current)) {
                h.setRcode(Rcode.NXDOMAIN); // RFC 2308 §2.1, with the SOA for negative caching
            }
            response.addRecord(zone.soa(), Section.AUTHORITY); // RFC 2308 §2.2: NODATA
            return response;
        }
    }

    private @Nullable Zone zoneOf(Name name) {
        for (int strip = 0; strip < name.labels(); strip++) {
            Zone zone = zones.get(strip == 0 ? name : new Name(name, strip));
            if (zone != null) {
                return zone;
            }
        }
        return null;
    }

    static String text(Name name) {
        String s = name.toString(true);
        return (s.isEmpty() ? "." : s).toLowerCase(Locale.ROOT);
    }
}
