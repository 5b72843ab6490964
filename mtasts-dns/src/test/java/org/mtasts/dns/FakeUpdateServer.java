package org.mtasts.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * A tiny authoritative server over TCP on 127.0.0.1 for one zone, answering queries and RFC 2136
 * updates of TXT records signed with one TSIG key: enough to test {@link DnsUpdater} without a real
 * server (the realnet integration tests use Knot). Prerequisites "RRset does not exist" and "RRset
 * exists (value dependent)" are checked as RFC 2136 §3.2 says; a wrong key gets NOTAUTH with BADKEY.
 */
final class FakeUpdateServer implements AutoCloseable {
    private final Name zone;
    private final TsigKey key;
    private final ServerSocket socket;
    private final List<Record> records = new CopyOnWriteArrayList<>();
    private final List<Message> received = new CopyOnWriteArrayList<>();
    /** Accepted connections, closed with the server: dnsjava keeps its TCP connections for reuse. */
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final Thread thread;

    FakeUpdateServer(String zone, TsigKey key) throws IOException {
        this.zone = DnsjavaResolver.absolute(zone);
        this.key = key;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        records.add(new SOARecord(this.zone, DClass.IN, 60, DnsjavaResolver.absolute("ns." + zone),
                DnsjavaResolver.absolute("hostmaster." + zone), 1, 3600, 600, 86400, 60));
        this.thread = new Thread(this::serve, "fake-update-server");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
    }

    /** Adds a TXT record directly, as another administrator would. */
    void addTxt(String name, String text) {
        records.add(DnsUpdater.txtRecord(DnsjavaResolver.absolute(name), text, java.time.Duration.ofSeconds(300)));
    }

    List<String> txt(String name) {
        Name owner = DnsjavaResolver.absolute(name);
        List<String> texts = new ArrayList<>();
        for (Record r : records) {
            if (r.getName().equals(owner) && r instanceof org.xbill.DNS.TXTRecord t) {
                texts.add(DnsjavaResolver.join(t));
            }
        }
        return texts;
    }

    List<Message> received() {
        return received;
    }

    private void serve() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                connections.add(s);
                Thread t = new Thread(() -> connection(s), "fake-update-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** Answers every message on one connection (dnsjava keeps TCP connections open) until EOF. */
    private void connection(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            while (true) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (java.io.EOFException e) {
                    return;
                }
                byte[] wire = new byte[length];
                in.readFully(wire);
                Message query = new Message(wire);
                received.add(query);
                byte[] answer;
                synchronized (this) {
                    answer = answer(query, wire).toWire(65535);
                }
                out.writeShort(answer.length);
                out.write(answer);
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private Message answer(Message query, byte[] wire) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setOpcode(query.getHeader().getOpcode());
        response.addRecord(query.getQuestion(), Section.QUESTION);
        if (query.getHeader().getOpcode() == Opcode.UPDATE) {
            TSIGRecord tsig = query.getTSIG();
            TSIG signer = key.tsig();
            if (tsig == null || !tsig.getName().equals(DnsjavaResolver.absolute(key.name()))) {
                response.getHeader().setRcode(Rcode.NOTAUTH);
                return response;
            }
            if (signer.verify(query, wire, null) != Rcode.NOERROR) {
                response.getHeader().setRcode(Rcode.NOTAUTH);
                return response;
            }
            response.getHeader().setRcode(update(query));
            signer.apply(response, tsig);
            return response;
        }
        Name name = query.getQuestion().getName();
        int type = query.getQuestion().getType();
        response.getHeader().setFlag(Flags.AA);
        if (!name.subdomain(zone)) {
            response.getHeader().setRcode(Rcode.REFUSED);
            response.getHeader().unsetFlag(Flags.AA);
            return response;
        }
        boolean exists = false;
        for (Record r : records) {
            if (r.getName().equals(name)) {
                exists = true;
                if (r.getType() == type) {
                    response.addRecord(r, Section.ANSWER);
                }
            }
        }
        if (response.getSection(Section.ANSWER).isEmpty()) {
            if (!exists && !name.equals(zone)) {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            response.addRecord(records.get(0), Section.AUTHORITY);
        }
        return response;
    }

    private int update(Message update) {
        if (!update.getQuestion().getName().equals(zone)) {
            return Rcode.NOTAUTH;
        }
        // RFC 2136 §3.2: prerequisites first; nothing changes if one fails.
        Set<Name> expectedNames = new HashSet<>();
        List<Record> expected = new ArrayList<>();
        for (Record p : update.getSection(Section.PREREQ)) {
            if (p.getDClass() == DClass.NONE) {
                if (!rrset(p.getName(), p.getType()).isEmpty()) {
                    return Rcode.YXRRSET; // §3.2.5
                }
            } else {
                expectedNames.add(p.getName());
                expected.add(p);
            }
        }
        for (Name name : expectedNames) {
            Set<String> want = new HashSet<>();
            for (Record p : expected) {
                if (p.getName().equals(name)) {
                    want.add(p.rdataToString());
                }
            }
            Set<String> have = new HashSet<>();
            for (Record r : rrset(name, Type.TXT)) {
                have.add(r.rdataToString());
            }
            if (!want.equals(have)) {
                return Rcode.NXRRSET; // §3.2.3
            }
        }
        for (Record u : update.getSection(Section.UPDATE)) {
            if (u.getDClass() == DClass.NONE) {
                records.removeIf(r -> r.getName().equals(u.getName()) && r.getType() == u.getType()
                        && r.rdataToString().equals(u.rdataToString()));
            } else {
                records.add(u);
            }
        }
        return Rcode.NOERROR;
    }

    private List<Record> rrset(Name name, int type) {
        List<Record> out = new ArrayList<>();
        for (Record r : records) {
            if (r.getName().equals(name) && r.getType() == type) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        // A closed server answers nothing, on a connection that dnsjava pooled either (a port freed
        // by an earlier test can be this server's, and the pool is keyed by address).
        for (Socket s : connections) {
            s.close();
        }
    }
}
