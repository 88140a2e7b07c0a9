package org.fcgibridge.core.server;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.fcgibridge.core.io.BufferPool;
import org.fcgibridge.core.io.ByteBudget;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.net.ListeningSocket;
import org.fcgibridge.core.protocol.Capacity;
import org.fcgibridge.core.protocol.ProtocolMonitor;
import org.fcgibridge.core.protocol.RecordOutputStream;
import org.fcgibridge.core.protocol.RecordReader;
import org.fcgibridge.core.runner.RunnerFactory;

/**
 * A FastCGI server: listens, accepts web server connections, and runs each request through the runner its
 * {@link RunnerFactory} makes.
 *
 * <pre>{@code
 * FcgiServer server = FcgiServer.start(ListenAddress.parse("127.0.0.1:9000"), ServerParams.defaults(),
 *         RunnerFactory.of(exchange -> {
 *             exchange.stdout().write("Status: 200\r\nContent-Type: text/plain\r\n\r\nhello\n".getBytes());
 *             return 0;
 *         }));
 * ...
 * server.close(); // stops accepting, lets requests in flight finish within the grace period
 * }</pre>
 *
 * <p>Threads: one per connection; requests of a multiplexed connection run on workers. Virtual threads where the JVM
 * has them, unless {@link ServerParams#threads()} says otherwise.
 */
public final class FcgiServer implements Closeable {
    private static final System.Logger LOG = System.getLogger(FcgiServer.class.getName());

    private final ListeningSocket socket;
    private final ServerSocketChannel listener;
    private final ListenAddress address;
    private final ServerParams params;
    private final RunnerFactory runnerFactory;
    private final ThreadFactory connectionThreads;
    private final ExecutorService workers;
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final BufferPool inputBuffers;
    private final ByteBudget paramsBudget;
    private final ByteBudget spoolBudget;
    private final BufferPool outputBuffers;
    private final Capacity capacity;
    private final ProtocolMonitor monitor;
    /** Threads between entering accept() and registering what it returned: close() waits for them. */
    private final AtomicInteger admitting = new AtomicInteger();
    private final AtomicLong connectionCounter = new AtomicLong();
    private final Thread watchdog;
    private volatile boolean running = true;
    private final Object closeLock = new Object();
    private boolean closed;

    private FcgiServer(ListeningSocket socket, ServerParams params, RunnerFactory runnerFactory,
                       ProtocolMonitor monitor) {
        this.socket = socket;
        this.monitor = monitor;
        this.listener = socket.channel();
        this.address = socket.address();
        this.params = params;
        this.runnerFactory = runnerFactory;
        this.connectionThreads = ThreadMaker.factory(params.threads(), "fcgi-conn-");
        this.workers = Executors.newCachedThreadPool(ThreadMaker.factory(params.threads(), "fcgi-worker-"));
        int pooled = Math.min(params.maxConns(), 256);
        this.paramsBudget = new ByteBudget(params.paramsBudgetBytes());
        this.capacity = new Capacity(params.maxConns(), params.maxReqs());
        this.spoolBudget = new ByteBudget(params.spoolBudgetBytes());
        this.inputBuffers = new BufferPool(pooled, () -> ByteBuffer.allocateDirect(RecordReader.DEFAULT_BUFFER_SIZE));
        this.outputBuffers = new BufferPool(pooled, () -> RecordOutputStream.allocate(params.outputRecordBytes()));
        this.watchdog = new Thread(this::watchLoop, "fcgi-watchdog");
        this.watchdog.setDaemon(true);
    }

    /**
     * Listens on {@code address} and starts serving.
     *
     * @param address       TCP (port 0: an ephemeral port, see {@link #localAddress()}), Unix domain (a stale socket
     *                      file is replaced; the file gets mode rw-rw-rw-), or the inherited file descriptor 0
     * @param params        limits and timeouts
     * @param runnerFactory makes the runner of each request
     * @throws IOException if the address cannot be listened on
     */
    public static FcgiServer start(ListenAddress address, ServerParams params, RunnerFactory runnerFactory)
            throws IOException {
        return start(address, params, runnerFactory, "rw-rw-rw-");
    }

    /**
     * Like {@link #start(ListenAddress, ServerParams, RunnerFactory)}, with the mode of a Unix socket file.
     *
     * @param unixSocketMode permissions in {@code ls} form, such as "rw-rw----"; null leaves the umask's
     * @throws IOException              if the address cannot be listened on
     * @throws IllegalArgumentException if the mode is not in {@code ls} form
     */
    public static FcgiServer start(ListenAddress address, ServerParams params, RunnerFactory runnerFactory,
                                   String unixSocketMode) throws IOException {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(runnerFactory, "runnerFactory");
        return start(ListeningSocket.open(address, unixSocketMode), params, runnerFactory);
    }

    /**
     * Starts serving a socket bound beforehand (so that an address clash failed before anything else started); the
     * server owns it from now on and closes it in {@link #close()}.
     *
     * @param socket        bound and listening, not accepted on by anything else
     * @param params        limits and timeouts
     * @param runnerFactory makes the runner of each request
     */
    public static FcgiServer start(ListeningSocket socket, ServerParams params, RunnerFactory runnerFactory) {
        return start(socket, params, runnerFactory, ProtocolMonitor.NONE);
    }

    /**
     * Like {@link #start(ListeningSocket, ServerParams, RunnerFactory)}, with a monitor that is told of every
     * connection and request and may answer requests itself (a status page, a ping).
     */
    public static FcgiServer start(ListeningSocket socket, ServerParams params, RunnerFactory runnerFactory,
                                   ProtocolMonitor monitor) {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(runnerFactory, "runnerFactory");
        Objects.requireNonNull(monitor, "monitor");
        FcgiServer server = new FcgiServer(socket, params, runnerFactory, monitor);
        server.execute(server::acceptAndServe);
        server.watchdog.start();
        LOG.log(System.Logger.Level.INFO, "FastCGI server listening on {0}", server.describeAddress());
        return server;
    }

    /** The address as bound: for TCP with port 0, the port that was chosen. */
    public SocketAddress localAddress() {
        return socket.localAddress();
    }

    /** The address as bound, in the text form {@link ListenAddress#parse} reads. */
    public String describeAddress() {
        return socket.describe();
    }

    /** The bound TCP port, or -1 when not listening on TCP. */
    public int port() {
        return socket.port();
    }

    /** The server's limits and timeouts. */
    public ServerParams params() {
        return params;
    }

    /** Whether the server still accepts connections (false once {@link #close()} began). */
    public boolean isRunning() {
        return running;
    }

    /** Connections open now. */
    public int connectionCount() {
        return connections.size();
    }

    /** Requests between BEGIN_REQUEST and END_REQUEST now, over all connections. */
    public int activeRequestCount() {
        return capacity.requests();
    }

    /** The bound on request bodies in temporary files, over all requests. */
    ByteBudget spoolBudget() {
        return spoolBudget;
    }

    /** The bound on params still arriving, over all connections. */
    ByteBudget paramsBudget() {
        return paramsBudget;
    }

    BufferPool inputBuffers() {
        return inputBuffers;
    }

    BufferPool outputBuffers() {
        return outputBuffers;
    }

    RunnerFactory runnerFactory() {
        return runnerFactory;
    }

    ProtocolMonitor monitor() {
        return monitor;
    }

    /** The server's FCGI_MAX_CONNS and FCGI_MAX_REQS, counted over its connections. */
    Capacity capacity() {
        return capacity;
    }

    void execute(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException closing) {
            connectionThreads.newThread(task).start();
        }
    }

    void connectionEnded(ServerConnection connection) {
        if (connections.remove(connection)) {
            capacity.connectionClosed(connection.admission());
        }
    }

    /**
     * Accepts one connection, hands accepting on to another thread, and serves the connection on this one: the thread
     * that the kernel woke for the connection is the one that reads it, with no hand-off in between (leader and
     * followers).
     */
    private void acceptAndServe() {
        while (running) {
            SocketChannel channel;
            Runnable connection;
            admitting.incrementAndGet();
            try {
                try {
                    channel = listener.accept();
                } catch (ClosedChannelException closing) {
                    return;
                } catch (IOException e) {
                    if (!running) {
                        return;
                    }
                    LOG.log(System.Logger.Level.WARNING, "accept failed: {0}", e.getMessage());
                    pause();
                    continue;
                } catch (RuntimeException | Error e) { // out of memory: accepting goes on once memory is back
                    LOG.log(System.Logger.Level.ERROR, "accept failed: {0}", e.toString());
                    pause();
                    continue;
                }
                try {
                    execute(this::acceptAndServe);
                } catch (RuntimeException | Error e) {
                    // no thread to hand accepting on to (out of memory, out of threads): this one keeps accepting,
                    // so that the server never stays up without accepting; the new connection is refused
                    LOG.log(System.Logger.Level.ERROR, "cannot start a thread ({0}); refusing a connection",
                            e.toString());
                    closeQuietly(channel);
                    pause();
                    continue;
                }
                try {
                    connection = admit(channel);
                } catch (IOException | RuntimeException | OutOfMemoryError e) {
                    LOG.log(System.Logger.Level.WARNING, "could not serve a new connection: {0}", e.toString());
                    closeQuietly(channel);
                    return;
                }
            } finally {
                admitting.decrementAndGet();
            }
            if (connection != null) {
                connection.run();
            }
            return;
        }
    }

    /** Checks a new connection against the limits; returns what serves it, or null if it was refused. */
    private Runnable admit(SocketChannel channel) throws IOException {
        SocketAddress peer = channel.getRemoteAddress();
        String name = "conn-" + connectionCounter.incrementAndGet() + " from " + describePeer(peer);
        if (peer instanceof InetSocketAddress) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (!params.webServerAddrs().allows(((InetSocketAddress) peer).getAddress())) {
                LOG.log(System.Logger.Level.WARNING, "{0}: refused, not in FCGI_WEB_SERVER_ADDRS ({1})",
                        name, params.webServerAddrs());
                closeQuietly(channel);
                return null;
            }
        }
        Capacity.Admission admission = capacity.connectionOpened();
        if (admission == Capacity.Admission.REFUSED) {
            LOG.log(System.Logger.Level.WARNING, "{0}: refused, over FCGI_MAX_CONNS", name);
            closeQuietly(channel);
            return null;
        }
        ServerConnection connection;
        try {
            connection = new ServerConnection(this, channel, name, admission);
        } catch (RuntimeException | Error e) {
            capacity.connectionClosed(admission);
            throw e;
        }
        connections.add(connection);
        return connection;
    }

    private static String describePeer(SocketAddress peer) {
        if (peer instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) peer;
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return "unix socket";
    }

    private void watchLoop() {
        long tick = Math.max(10, Math.min(1000, smallestLimit().toMillis() / 4));
        long drainingTick = TimeUnit.NANOSECONDS.toMillis(ServerConnection.DRAIN_QUIET_NANOS) / 5;
        while (running || !connections.isEmpty()) {
            try {
                Thread.sleep(running ? tick : Math.min(tick, drainingTick));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (ServerConnection connection : connections) {
                try {
                    connection.checkTimes(now);
                } catch (RuntimeException | Error e) { // out of memory too: the time limits must outlive it
                    LOG.log(System.Logger.Level.ERROR, "watchdog failed on " + connection + ": " + e);
                }
            }
        }
    }

    private Duration smallestLimit() {
        Duration smallest = Duration.ofSeconds(4);
        for (Duration limit : new Duration[] {params.idleTimeout(), params.paramsTimeout(),
                params.requestTimeout(), params.terminateGrace()}) {
            if (!limit.isZero() && limit.compareTo(smallest) < 0) {
                smallest = limit;
            }
        }
        return smallest;
    }

    /**
     * Stops accepting, lets requests in flight finish within {@link ServerParams#gracePeriod()}, then aborts what is
     * left and closes every connection. Idempotent; returns when all is closed.
     */
    @Override
    public void close() {
        close(params.gracePeriod());
    }

    /**
     * Like {@link #close()} with another grace period.
     */
    public void close(Duration grace) {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        socket.close(); // first: once isRunning() says false, a connect is refused (and the socket file is gone)
        running = false;
        LOG.log(System.Logger.Level.INFO, "closing; {0} requests in flight", capacity.requests());
        try {
            while (admitting.get() > 0) {
                TimeUnit.MILLISECONDS.sleep(1);
            }
            // after the admissions under way: a connection accepted as the listener closed is drained too
            for (ServerConnection connection : connections) {
                connection.drain();
            }
            waitForConnections(grace.toNanos());
            for (ServerConnection connection : connections) {
                connection.abortRequests("server closed with requests in flight");
            }
            waitForConnections(TimeUnit.SECONDS.toNanos(5) + params.terminateGrace().toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            workers.shutdown();
            watchdog.interrupt();
            LOG.log(System.Logger.Level.INFO, "closed");
        }
    }

    private void waitForConnections(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (!connections.isEmpty() && System.nanoTime() - deadline < 0) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "close failed: {0}", e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "FcgiServer[" + describeAddress() + "]";
    }
}
