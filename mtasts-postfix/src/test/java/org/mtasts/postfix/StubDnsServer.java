package org.mtasts.postfix;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * (A copy of mtasts-dns's test stub: test code is not shared between modules.) A validating resolver stand-in on loopback UDP: it answers each name and type from a table, with
 * or without the AD bit, so that DNSSEC-validated and unvalidated answers can be told apart in
 * tests (realnet tests the same against Unbound validating a Knot-signed zone).
 */
final class StubDnsServer implements AutoCloseable {

    /** One canned answer. */
    record Answer(int rcode, boolean ad, List<Record> records) {}

    private final DatagramSocket socket;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Thread thread;

    StubDnsServer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "stub-dns");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    StubDnsServer answer(String name, int type, int rcode, boolean ad, Record... records) {
        answers.put(key(Name.fromConstantString(name), type), new Answer(rcode, ad, List.of(records)));
        return this;
    }

    private static String key(Name name, int type) {
        return name.toString().toLowerCase(java.util.Locale.ROOT) + "/" + Type.string(type);
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                Record question = q.getQuestion();
                Message r = new Message(q.getHeader().getID());
                r.getHeader().setFlag(Flags.QR);
                r.getHeader().setFlag(Flags.RD);
                r.getHeader().setFlag(Flags.RA);
                r.addRecord(question, Section.QUESTION);
                Answer a = answers.get(key(question.getName(), question.getType()));
                if (a == null) {
                    r.getHeader().setRcode(Rcode.NXDOMAIN);
                } else {
                    r.getHeader().setRcode(a.rcode());
                    if (a.ad()) {
                        r.getHeader().setFlag(Flags.AD);
                    }
                    for (Record rec : a.records()) {
                        r.addRecord(rec, Section.ANSWER);
                    }
                }
                byte[] wire = r.toWire();
                socket.send(new DatagramPacket(wire, wire.length, p.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
