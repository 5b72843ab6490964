package org.mtasts.it;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS-over-TCP relay to a real server (RFC 7766 framing: a two-byte length before each message)
 * that runs an action just before it relays the first UPDATE message (opcode 5, RFC 2136 §2.2):
 * the way to make another change land between a publisher's read and its update.
 */
final class UpdateRaceProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final Runnable beforeFirstUpdate;
    private final ServerSocket socket;
    private final AtomicInteger updates = new AtomicInteger();
    private final Thread thread;

    UpdateRaceProxy(InetSocketAddress target, Runnable beforeFirstUpdate) throws IOException {
        this.target = target;
        this.beforeFirstUpdate = beforeFirstUpdate;
        this.socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "update-race-proxy");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
    }

    /** {@return how many UPDATE messages were relayed} */
    int updates() {
        return updates.get();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread t = new Thread(() -> relay(client), "update-race-proxy-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(Socket client) {
        try (client; Socket server = new Socket(target.getAddress(), target.getPort())) {
            DataInputStream fromClient = new DataInputStream(client.getInputStream());
            DataOutputStream toClient = new DataOutputStream(client.getOutputStream());
            DataInputStream fromServer = new DataInputStream(server.getInputStream());
            DataOutputStream toServer = new DataOutputStream(server.getOutputStream());
            while (true) {
                byte[] query = new byte[fromClient.readUnsignedShort()];
                fromClient.readFully(query);
                int opcode = (query[2] >> 3) & 0x0F;
                if (opcode == 5 && updates.getAndIncrement() == 0) {
                    beforeFirstUpdate.run();
                }
                toServer.writeShort(query.length);
                toServer.write(query);
                toServer.flush();
                byte[] answer = new byte[fromServer.readUnsignedShort()];
                fromServer.readFully(answer);
                toClient.writeShort(answer.length);
                toClient.write(answer);
                toClient.flush();
            }
        } catch (IOException e) {
            // the client closed its connection
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
