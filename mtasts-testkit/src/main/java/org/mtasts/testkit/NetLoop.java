package org.mtasts.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The sandbox's network plumbing: every listening socket on 127.0.0.1, one selector thread that
 * accepts connections and reads datagrams, a bounded pool of worker threads that serve
 * connections, and one timer thread for paced and delayed work. {@link #close()} closes every
 * socket and stops every thread.
 */
final class NetLoop implements AutoCloseable {

    /** The most connections served at once; more are closed at once. */
    static final int MAX_WORKERS = 256;

    /** Serves one accepted connection on a worker thread, in blocking mode. */
    interface ConnectionHandler {
        void serve(Socket socket) throws IOException;
    }

    /** Handles one datagram on the selector thread: must not block. */
    interface DatagramHandler {
        void receive(DatagramChannel channel, ByteBuffer datagram, InetSocketAddress from) throws IOException;
    }

    static final InetAddress LOOPBACK = loopback();

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always accepted
        }
    }

    private final String threadPrefix;
    private final Consumer<Throwable> problems;
    private final Selector selector;
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor timer;
    private final List<Closeable> listeners = new ArrayList<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean closed;

    NetLoop(String threadPrefix, Consumer<Throwable> problems) throws IOException {
        this.threadPrefix = threadPrefix;
        this.problems = problems;
        this.selector = Selector.open();
        this.workers = new ThreadPoolExecutor(0, MAX_WORKERS, 10, TimeUnit.SECONDS, new SynchronousQueue<>(),
                threads("worker"));
        this.timer = new ScheduledThreadPoolExecutor(1, threads("timer"));
        timer.setRemoveOnCancelPolicy(true);
        this.thread = threads("net").newThread(this::run);
    }

    private ThreadFactory threads(String role) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, threadPrefix + role + "-" + n.incrementAndGet());
            t.setDaemon(true);
            threads.removeIf(old -> !old.isAlive());
            threads.add(t);
            return t;
        };
    }

    /** Opens a TCP listener on an ephemeral loopback port (before {@link #start()}). */
    InetSocketAddress listenTcp(ConnectionHandler handler) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.bind(new InetSocketAddress(LOOPBACK, 0), 64);
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_ACCEPT, handler);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        listeners.add(channel);
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Opens a UDP socket on a loopback port (before {@link #start()}). */
    InetSocketAddress listenUdp(int port, DatagramHandler handler) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.bind(new InetSocketAddress(LOOPBACK, port));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, handler);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        listeners.add(channel);
        return (InetSocketAddress) channel.getLocalAddress();
    }

    void start() {
        thread.start();
    }

    /** Runs a task on the timer thread after a real-time delay; tasks must not block. */
    void schedule(Runnable task, Duration delay) {
        try {
            timer.schedule(guard(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed: nothing more runs
        }
    }

    /** Returns the timer, for tasks that reschedule themselves. */
    ScheduledExecutorService timer() {
        return timer;
    }

    /** Registers a socket to be closed by {@link #close()}; returns false if already closed. */
    boolean track(Socket socket) {
        connections.add(socket);
        if (closed) {
            connections.remove(socket);
            closeQuietly(socket);
            return false;
        }
        return true;
    }

    void untrack(Socket socket) {
        connections.remove(socket);
    }

    boolean isClosed() {
        return closed;
    }

    /** Records an unexpected error (a bug in the sandbox), not a client's misbehaviour. */
    void problem(Throwable t) {
        problems.accept(t);
    }

    Runnable guard(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                problem(e);
            }
        };
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(65_535);
        try {
            while (!closed) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    try {
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isAcceptable()) {
                            accept((ServerSocketChannel) key.channel(), (ConnectionHandler) key.attachment());
                        } else if (key.isReadable()) {
                            DatagramChannel channel = (DatagramChannel) key.channel();
                            buffer.clear();
                            InetSocketAddress from = (InetSocketAddress) channel.receive(buffer);
                            if (from != null) {
                                buffer.flip();
                                ((DatagramHandler) key.attachment()).receive(channel, buffer, from);
                            }
                        }
                    } catch (IOException e) {
                        // a failed accept or send concerns one client only
                    } catch (RuntimeException e) {
                        problem(e);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (ClosedSelectorException e) {
            // closed
        } catch (IOException e) {
            if (!closed) {
                problem(e);
            }
        }
    }

    private void accept(ServerSocketChannel server, ConnectionHandler handler) throws IOException {
        SocketChannel channel = server.accept();
        if (channel == null) {
            return;
        }
        channel.configureBlocking(true);
        Socket socket = channel.socket();
        if (!track(socket)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    handler.serve(socket);
                } catch (IOException e) {
                    // the client went away or misbehaved: its business
                } catch (RuntimeException | Error e) {
                    problem(e);
                } finally {
                    untrack(socket);
                    closeQuietly(socket);
                }
            });
        } catch (RejectedExecutionException e) {
            untrack(socket);
            closeQuietly(socket);
        }
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(selector);
        for (Closeable c : listeners) {
            closeQuietly(c);
        }
        for (Socket s : connections) {
            closeQuietly(s);
        }
        timer.shutdownNow();
        workers.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
            workers.awaitTermination(5, TimeUnit.SECONDS);
            // A pool counts as terminated a moment before its last thread has died: join them all.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (Thread t : threads) {
                long left = deadline - System.nanoTime();
                if (left > 0 && t != Thread.currentThread()) {
                    TimeUnit.NANOSECONDS.timedJoin(t, left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Socket s : connections) {
            closeQuietly(s);
        }
    }
}
