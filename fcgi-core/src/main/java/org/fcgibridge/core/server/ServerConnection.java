package org.fcgibridge.core.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fcgibridge.core.protocol.Capacity;
import org.fcgibridge.core.protocol.ConnectionProtocol;
import org.fcgibridge.core.protocol.EndRequestBody;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.ProtocolException;
import org.fcgibridge.core.protocol.RecordContent;
import org.fcgibridge.core.protocol.RecordHeader;
import org.fcgibridge.core.protocol.RecordReader;
import org.fcgibridge.core.protocol.RecordType;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.core.runner.CgiResponses;
import org.fcgibridge.core.runner.Runner;

/**
 * One web server connection on a blocking socket: reads records on its own thread and hands each to the
 * {@link ConnectionProtocol}, which decides what the protocol decides; runs the requests it admits, feeds and aborts
 * them, and enforces the time limits that depend on the socket.
 *
 * <p>When the connection carries one request at a time (FCGI_MPXS_CONNS=0, the default: nginx, Apache, lighttpd,
 * Caddy and h2o never multiplex) and the runner allows it, the request runs right here on the connection's thread,
 * reading its STDIN straight off the socket. Otherwise requests run on workers and their input goes through bounded
 * pipes, so that the connection keeps reading: interleaved requests, ABORT_REQUEST and a vanished web server are
 * seen at once.
 *
 * <p>A malformed record closes this connection, with the reason logged, and nothing else.
 */
final class ServerConnection implements Runnable, ConnectionProtocol.Listener<ServerRequest> {
    private static final System.Logger LOG = System.getLogger(ServerConnection.class.getName());
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    /**
     * While the server drains, an idle connection is closed once nothing has arrived on it for this long: a request
     * the web server sent just before the close began still gets served.
     */
    static final long DRAIN_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final FcgiServer server;
    private final ServerParams params;
    private final SocketChannel channel;
    private final String name;
    private final Capacity.Admission admission;
    private final RecordReader reader;
    private final ByteBuffer inputBuffer;
    private final ConnectionOutput output;
    private final ConnectionProtocol<ServerRequest> protocol;

    /** A STDOUT buffer kept for the next request; guarded by {@code this}. */
    private ByteBuffer spareOutput;
    private boolean draining;
    private boolean releasedBuffers;

    private volatile boolean closed;
    private volatile long lingeringSince;
    private volatile long readingSince;
    /**
     * When the connection, with no request, began to wait for its next record (0: it is not): the record must
     * arrive whole within the idle timeout, however its bytes trickle in.
     */
    private volatile long awaitingSince;

    ServerConnection(FcgiServer server, SocketChannel channel, String name, Capacity.Admission admission) {
        this.server = server;
        this.params = server.params();
        this.channel = channel;
        this.name = name;
        this.admission = admission;
        this.output = new ConnectionOutput(channel);
        this.protocol = new ConnectionProtocol<>(name, params.protocolLimits(), server.capacity(),
                admission == Capacity.Admission.OVERLOADED,
                server.paramsBudget(), output, this, server.monitor());
        this.inputBuffer = server.inputBuffers().take();
        this.reader = new RecordReader(new TimedInput(), inputBuffer);
    }

    /** How the server let this connection in. */
    Capacity.Admission admission() {
        return admission;
    }

    @Override
    public void run() {
        try {
            serve();
        } catch (ProtocolException e) {
            close("protocol error: " + e.getMessage(), System.Logger.Level.WARNING);
        } catch (ClosedChannelException e) {
            close("closed", System.Logger.Level.DEBUG);
        } catch (IOException e) {
            close("connection failed: " + e.getMessage(), System.Logger.Level.DEBUG);
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "connection " + name + " failed", e);
            close("internal error: " + e, System.Logger.Level.ERROR);
        } finally {
            releaseBuffers();
            server.connectionEnded(this);
        }
    }

    /**
     * The connection's thread is done with the reader; the spare output buffer is no request's. Buffers of requests
     * whose runners are still running are not given back: they are left to the garbage collector.
     */
    private void releaseBuffers() {
        server.inputBuffers().give(inputBuffer);
        ByteBuffer spare;
        synchronized (this) {
            spare = spareOutput;
            spareOutput = null;
            releasedBuffers = true;
        }
        server.outputBuffers().give(spare);
    }

    private void serve() throws IOException {
        while (!closed) {
            awaitingSince = protocol.isIdle() ? System.nanoTime() | 1 : 0;
            RecordHeader header = reader.next();
            if (header == null) {
                close("closed by the web server", System.Logger.Level.DEBUG);
                return;
            }
            protocol.handle(header, reader);
            awaitingSince = 0;
        }
    }

    /**
     * Reads and handles one record, for a runner on this thread that waits for its input.
     *
     * @throws IOException if the connection ended or failed, or the record was malformed; the connection is then
     *                     closed
     */
    void pumpOnce() throws IOException {
        closingOnFailure(() -> {
            RecordHeader header = reader.next();
            if (header == null) {
                close("closed by the web server", System.Logger.Level.DEBUG);
                throw new ClosedChannelException();
            }
            protocol.handle(header, reader);
        });
    }

    /**
     * For a runner on this thread that waits on something else: takes what the web server has sent meanwhile, without
     * waiting, and handles the whole records among it. An ABORT_REQUEST terminates the request, and so does the end
     * of the connection, which closes it.
     *
     * @throws IOException if the connection failed or a record was malformed; the connection is then closed
     */
    void poll() throws IOException {
        closingOnFailure(() -> {
            int n;
            channel.configureBlocking(false);
            try {
                n = reader.readAvailable();
            } finally {
                channel.configureBlocking(true);
            }
            while (reader.hasWholeRecord()) {
                protocol.handle(reader.next(), reader);
            }
            if (n < 0) {
                close("closed by the web server", System.Logger.Level.DEBUG);
            }
        });
    }

    /** Reading for a runner on this thread: a failure closes the connection, with the reason logged, and is thrown. */
    private void closingOnFailure(Reading reading) throws IOException {
        try {
            reading.run();
        } catch (ProtocolException e) {
            close("protocol error: " + e.getMessage(), System.Logger.Level.WARNING);
            throw e;
        } catch (IOException e) {
            close("connection failed: " + e.getMessage(), System.Logger.Level.DEBUG);
            throw e;
        }
    }

    @FunctionalInterface
    private interface Reading {
        void run() throws IOException;
    }

    // ---- what the protocol asks

    @Override
    public ServerRequest begun(int requestId, Role role, boolean keepConn) {
        return new ServerRequest(this, requestId, role, keepConn);
    }

    /** The PARAMS stream of {@code request} ended: make its runner and run it. */
    @Override
    public void paramsEnded(ServerRequest request, Params requestParams, boolean bodyTooLarge) {
        request.paramsEnded(requestParams, protocol.record(request.requestId()));
        Runner runner;
        if (bodyTooLarge) {
            runner = new CannedRunner(request, CgiResponses.response(413, "The request body is larger than "
                    + params.maxBodyBytes() + " bytes."));
        } else {
            try {
                runner = server.runnerFactory().create(request);
            } catch (Exception | LinkageError e) {
                LOG.log(System.Logger.Level.ERROR, name + ": no runner for " + request, e);
                runner = new CannedRunner(request, CgiResponses.internalServerError());
            }
        }
        boolean direct = runner.mayRunOnConnectionThread() && !params.mpxsConns() && request.role() != Role.FILTER;
        request.prepare(direct, reader, takeOutputBuffer(), params.inputBufferBytes(), params.maxBodyBytes(),
                server.spoolBudget());
        if (direct) {
            request.run(runner);
        } else {
            Runner chosen = runner;
            server.execute(() -> request.run(chosen));
        }
    }

    @Override
    public boolean input(ServerRequest request, RecordType stream, RecordContent content) throws IOException {
        request.inputRecord(stream, reader, content.remaining());
        return true;
    }

    @Override
    public void aborted(ServerRequest request) {
        request.abort();
    }

    @Override
    public void dropped(ServerRequest request) {
        // it holds nothing before it starts
    }

    @Override
    public void closeRequested(String reason) {
        closeGently(reason);
    }

    private synchronized ByteBuffer takeOutputBuffer() {
        ByteBuffer buffer = spareOutput;
        spareOutput = null;
        return buffer != null ? buffer : server.outputBuffers().take();
    }

    /**
     * A request's runner has returned and its END_REQUEST has been sent (or could not be). Forgets the request, keeps
     * its output buffer for the next one, and closes the connection if KEEP_CONN was off.
     *
     * @param outputBuffer the request's STDOUT buffer, free to reuse; null if something may still use it
     */
    void requestFinished(ServerRequest request, ByteBuffer outputBuffer) {
        protocol.ending(request.requestId(), request);
        synchronized (this) {
            if (outputBuffer != null) {
                if (releasedBuffers || spareOutput != null) {
                    server.outputBuffers().give(outputBuffer);
                } else {
                    spareOutput = outputBuffer;
                }
            }
        }
        if (protocol.closesWhenIdle()) {
            String reason = "request without KEEP_CONN done";
            if (request.inputEnded() && request.ranOnConnectionThread()) {
                close(reason, System.Logger.Level.DEBUG);
            } else {
                // a worker leaves the close to the connection's thread, which sees the web server's close: closed
                // under a blocked read, a channel signals the reader's thread and fails its read with an exception,
                // a cost the CGI runner with keep_conn off felt (docs/BENCHMARKS.md)
                closeGently(reason);
            }
        }
    }

    /**
     * Sends FIN after what was written, then keeps reading (and ignoring) until the web server closes too, for at most
     * {@link #LINGER_NANOS}: closing with unread input in the socket would send a reset, and a reset can destroy the
     * response before the web server has read it.
     */
    private void closeGently(String reason) {
        synchronized (this) {
            if (closed || lingeringSince != 0) {
                return;
            }
            lingeringSince = System.nanoTime() | 1;
        }
        protocol.stopAdmitting();
        LOG.log(System.Logger.Level.DEBUG, "{0}: {1}; closing", name, reason);
        try {
            output.shutdown();
        } catch (IOException e) {
            close(reason, System.Logger.Level.DEBUG);
        }
    }

    // ---- writing

    /**
     * Writes whole records for a request, unless it has ended.
     *
     * @param last whether these records end the request (END_REQUEST is among them)
     * @throws IOException if the request has ended or the connection failed
     */
    void write(ServerRequest request, ByteBuffer records, boolean last) throws IOException {
        output.write(records, () -> {
            if (request.ended) {
                throw new IOException("request " + request.requestId() + " has ended");
            }
            if (last) {
                ended(request);
            }
            return true;
        });
    }

    /**
     * Marks {@code request} ended before its END_REQUEST goes: the web server may reuse the id the moment it reads
     * END_REQUEST (nginx does), and after a request without KEEP_CONN it may begin another, which must not start.
     */
    private void ended(ServerRequest request) {
        request.ended = true;
        protocol.ending(request.requestId(), request);
    }

    /**
     * Ends a request whose terminated runner would not stop: sends what closes its streams and END_REQUEST, then
     * forgets it. Whatever the runner writes later is dropped.
     */
    private void abandon(ServerRequest request) {
        LOG.log(System.Logger.Level.WARNING, "{0}: {1} did not stop within {2}; abandoning it",
                name, request, params.terminateGrace());
        ByteBuffer records = EndRequestBody.closingRecords(request.requestId(), request.stdoutClosed(),
                ServerRequest.EXIT_ABANDONED);
        try {
            output.write(records, () -> {
                if (request.ended) {
                    return false;
                }
                ended(request);
                return true;
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: could not end {1}: {2}", name, request, e.getMessage());
        }
        requestFinished(request, null);
    }

    // ---- closing and time limits

    /**
     * The server is closing: requests in flight, and any that arrive while the connection is in use, are served; the
     * connection closes once it has been idle and quiet for {@link #DRAIN_QUIET_NANOS}.
     */
    synchronized void drain() {
        draining = true;
    }

    /**
     * Closes the connection and terminates its requests. Idempotent.
     */
    void close(String reason, System.Logger.Level level) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<ServerRequest> lost = protocol.close();
        LOG.log(level, "{0}: {1}", name, reason);
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: close failed: {1}", name, e.getMessage());
        }
        for (ServerRequest request : lost) {
            request.connectionLost("lost its connection: " + reason);
            if (!request.isRunning()) {
                requestFinished(request, null);
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    private synchronized boolean isDraining() {
        return draining;
    }

    /** Called by the server's watchdog: enforces the idle, params and request time limits. */
    void checkTimes(long now) {
        if (closed) {
            return;
        }
        long lingering = lingeringSince;
        if (lingering != 0 && now - lingering > LINGER_NANOS) {
            close("closed after lingering", System.Logger.Level.DEBUG);
            return;
        }
        long idleNanos = params.idleTimeout().toNanos();
        long reading = readingSince;
        boolean idle = protocol.isIdle();
        if (isDraining() && reading != 0 && now - reading > DRAIN_QUIET_NANOS && idle) {
            closeGently("server closing");
            return;
        }
        long writing = output.writingSince();
        if (idleNanos > 0 && writing != 0 && now - writing > idleNanos) {
            close("the web server did not take the response for " + params.idleTimeout().toSeconds() + " s",
                    System.Logger.Level.WARNING);
            return;
        }
        List<ServerRequest> started = protocol.started();
        if (idleNanos > 0 && reading != 0 && now - reading > idleNanos
                && (idle || protocol.awaitsParams() || started.stream().anyMatch(ServerRequest::awaitsInput))) {
            close((idle ? "idle for " : "input stalled for ") + params.idleTimeout().toSeconds() + " s",
                    System.Logger.Level.INFO);
            return;
        }
        long awaiting = awaitingSince;
        if (idleNanos > 0 && awaiting != 0 && now - awaiting > idleNanos && idle) {
            close("no whole record for " + params.idleTimeout().toSeconds() + " s", System.Logger.Level.INFO);
            return;
        }
        String overdue = protocol.overdue(now);
        if (overdue != null) {
            close(overdue, System.Logger.Level.WARNING);
            return;
        }
        long requestNanos = params.requestTimeout().toNanos();
        long graceNanos = params.terminateGrace().toNanos();
        for (ServerRequest request : started) {
            if (request.isTerminated()) {
                if (request.isRunning() && now - request.terminatedNanos() > graceNanos) {
                    abandon(request);
                }
            } else if (requestNanos > 0 && request.startedNanos != 0 && now - request.startedNanos > requestNanos) {
                LOG.log(System.Logger.Level.WARNING, "{0}: {1} ran past its limit of {2} s",
                        name, request, params.requestTimeout().toSeconds());
                request.timeOut("timed out after " + params.requestTimeout().toSeconds() + " s");
            }
        }
    }

    /** Terminates every request now (the grace period of a close is over). */
    void abortRequests(String reason) {
        close(reason, System.Logger.Level.INFO);
    }

    @Override
    public String toString() {
        return name;
    }

    /** The socket as the reader sees it: each read is timed, for the idle limit. */
    private final class TimedInput implements ReadableByteChannel {
        @Override
        public int read(ByteBuffer dst) throws IOException {
            readingSince = System.nanoTime() | 1;
            try {
                return channel.read(dst);
            } finally {
                readingSince = 0;
            }
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Answers a request with a response the server wrote (no runner could be made: 500; a body too large: 413). */
    private static final class CannedRunner implements Runner {
        private final ServerRequest request;
        private final byte[] response;

        CannedRunner(ServerRequest request, byte[] response) {
            this.request = request;
            this.response = response;
        }

        @Override
        public int run() throws IOException {
            request.stdin().close(); // the body is skipped as it arrives, never stored
            request.stdout().write(response);
            return 1;
        }

        @Override
        public void terminate() {
        }

        @Override
        public boolean mayRunOnConnectionThread() {
            return true;
        }
    }
}
