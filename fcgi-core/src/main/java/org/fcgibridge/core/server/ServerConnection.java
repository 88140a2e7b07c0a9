package org.fcgibridge.core.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.fcgibridge.core.protocol.BeginRequestBody;
import org.fcgibridge.core.protocol.EndRequestBody;
import org.fcgibridge.core.protocol.Fcgi;
import org.fcgibridge.core.protocol.NameValueWriter;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.ProtocolException;
import org.fcgibridge.core.protocol.ProtocolStatus;
import org.fcgibridge.core.protocol.RecordHeader;
import org.fcgibridge.core.protocol.RecordOutputStream;
import org.fcgibridge.core.protocol.RecordReader;
import org.fcgibridge.core.protocol.RecordType;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.core.runner.CgiResponses;
import org.fcgibridge.core.runner.Runner;

/**
 * One web server connection: reads records on its own thread, answers management records, begins, feeds and aborts
 * requests, honours KEEP_CONN, and serialises the records that requests write.
 *
 * <p>When the connection carries one request at a time (FCGI_MPXS_CONNS=0, the default: nginx, Apache, lighttpd,
 * Caddy and h2o never multiplex) and the runner allows it, the request runs right here on the connection's thread,
 * reading its STDIN straight off the socket. Otherwise requests run on workers and their input goes through bounded
 * pipes, so that the connection keeps reading: interleaved requests, ABORT_REQUEST and a vanished web server are
 * seen at once.
 *
 * <p>A malformed record closes this connection, with the reason logged, and nothing else.
 */
final class ServerConnection implements Runnable {
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
    private final boolean overloaded;
    private final RecordReader reader;
    private final ByteBuffer inputBuffer;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Scratch for small records this thread writes itself. */
    private final byte[] scratch = new byte[Fcgi.HEADER_LENGTH + 8];

    /** Active requests by id; guarded by {@code this}. */
    private final Map<Integer, ServerRequest> requests = new HashMap<>(4);
    /** A STDOUT buffer kept for the next request; guarded by {@code this}. */
    private ByteBuffer spareOutput;
    private boolean draining;
    private boolean releasedBuffers;

    private volatile boolean closed;
    private volatile long lingeringSince;
    /** A request without KEEP_CONN has ended (or is sending its END_REQUEST): the connection takes no new one. */
    private volatile boolean ending;
    private volatile long readingSince;
    /**
     * When the connection, with no request, began to wait for its next record (0: it is not): the record must
     * arrive whole within the idle timeout, however its bytes trickle in.
     */
    private volatile long awaitingSince;
    private volatile long writingSince;
    private boolean broken;

    ServerConnection(FcgiServer server, SocketChannel channel, String name, boolean overloaded) {
        this.server = server;
        this.params = server.params();
        this.channel = channel;
        this.name = name;
        this.overloaded = overloaded;
        this.inputBuffer = server.inputBuffers().take();
        this.reader = new RecordReader(new TimedInput(), inputBuffer);
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
            awaitingSince = isIdle() ? System.nanoTime() | 1 : 0;
            RecordHeader header = reader.next();
            if (header == null) {
                close("closed by the web server", System.Logger.Level.DEBUG);
                return;
            }
            handle(header);
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
            handle(header);
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
                handle(reader.next());
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

    private void handle(RecordHeader header) throws IOException {
        RecordType type = header.recordType();
        int id = header.requestId();
        if (id == Fcgi.NULL_REQUEST_ID) {
            handleManagement(header, type);
            return;
        }
        if (type == RecordType.BEGIN_REQUEST) {
            begin(header);
            return;
        }
        ServerRequest request = find(id);
        if (request == null || type == null) {
            return; // a record for an inactive request, or of a type we do not know: ignored, as the spec says
        }
        switch (type) {
            case ABORT_REQUEST:
                request.abort();
                break;
            case PARAMS:
                if (request.collectingParams()) {
                    if (header.contentLength() > 0) {
                        request.appendParams(reader, header.contentLength());
                    } else {
                        start(request);
                    }
                }
                break;
            case STDIN:
            case DATA:
                request.inputRecord(type, reader, header.contentLength());
                break;
            default:
                break; // a record only applications send: ignored
        }
    }

    private void handleManagement(RecordHeader header, RecordType type) throws IOException {
        if (type == RecordType.GET_VALUES) {
            byte[] content = reader.readContent();
            Params asked = Params.parse(content, 0, content.length);
            NameValueWriter answer = new NameValueWriter();
            for (int i = 0; i < asked.size(); i++) {
                String value = valueOf(asked.nameAt(i));
                if (value != null) {
                    answer.add(asked.nameAt(i), value);
                }
            }
            writeRecord(RecordType.GET_VALUES_RESULT, Fcgi.NULL_REQUEST_ID, answer.toByteArray());
        } else {
            byte[] body = new byte[8];
            body[0] = (byte) header.type();
            writeRecord(RecordType.UNKNOWN_TYPE, Fcgi.NULL_REQUEST_ID, body);
        }
    }

    private String valueOf(String variable) {
        switch (variable) {
            case Fcgi.MAX_CONNS:
                return Integer.toString(params.maxConns());
            case Fcgi.MAX_REQS:
                return Integer.toString(params.maxReqs());
            case Fcgi.MPXS_CONNS:
                return params.mpxsConns() ? "1" : "0";
            default:
                return null;
        }
    }

    private void begin(RecordHeader header) throws IOException {
        int id = header.requestId();
        reader.readFully(scratch, 0, Math.min(header.contentLength(), scratch.length));
        BeginRequestBody body = BeginRequestBody.decode(scratch, 0, header.contentLength());
        if (ending || lingeringSince != 0) {
            // sent after a request without KEEP_CONN: this connection is closing, its output shut; nothing is started
            LOG.log(System.Logger.Level.DEBUG, "{0}: request {1} begun on a closing connection: ignored", name, id);
            return;
        }
        Role role = body.role();
        ProtocolStatus rejection;
        synchronized (this) {
            if (requests.containsKey(id)) {
                throw new ProtocolException("BEGIN_REQUEST for request " + id + ", which is active");
            }
            if (role == null) {
                rejection = ProtocolStatus.UNKNOWN_ROLE;
            } else if (overloaded) {
                rejection = ProtocolStatus.OVERLOADED;
            } else if (!requests.isEmpty() && !params.mpxsConns()) {
                rejection = ProtocolStatus.CANT_MPX_CONN;
            } else if (requests.size() >= params.maxRequestsPerConnection()) {
                throw new ProtocolException("more than " + params.maxRequestsPerConnection()
                        + " concurrent requests on one connection");
            } else if (!server.acquireRequestSlot()) {
                rejection = ProtocolStatus.OVERLOADED;
            } else {
                requests.put(id, new ServerRequest(this, id, role, body.keepConn(), params.maxParamsBytes(),
                        server.paramsBudget()));
                return;
            }
        }
        LOG.log(System.Logger.Level.DEBUG, "{0}: request {1} rejected: {2}", name, id, rejection);
        writeEndRequest(id, 0, rejection);
        boolean idle;
        synchronized (this) {
            idle = requests.isEmpty();
        }
        if ((!body.keepConn() || overloaded) && idle) {
            closeGently(overloaded ? "over FCGI_MAX_CONNS" : "rejected a request without KEEP_CONN");
        }
    }

    private synchronized ServerRequest find(int id) {
        return requests.get(id);
    }

    /** The PARAMS stream of {@code request} ended: make its runner and run it. */
    private void start(ServerRequest request) throws IOException {
        request.completeParams();
        Runner runner;
        if (declaresTooLargeABody(request)) {
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

    /** A CONTENT_LENGTH over --max-body-bytes: answered 413 at once, the body skipped as it arrives. */
    private boolean declaresTooLargeABody(ServerRequest request) {
        if (params.maxBodyBytes() == 0) {
            return false;
        }
        String length = request.params().get("CONTENT_LENGTH");
        try {
            return length != null && Long.parseLong(length.trim()) > params.maxBodyBytes();
        } catch (NumberFormatException e) {
            return false; // the runner judges a malformed length
        }
    }

    private synchronized ByteBuffer takeOutputBuffer() {
        ByteBuffer buffer = spareOutput;
        spareOutput = null;
        return buffer != null ? buffer : server.outputBuffers().take();
    }

    /**
     * A request's runner has returned and its END_REQUEST has been sent (or could not be). Forgets the request, keeps
     * its output buffer for the next one, and closes the connection if KEEP_CONN was off or the server is draining.
     *
     * @param outputBuffer the request's STDOUT buffer, free to reuse; null if something may still use it
     */
    void requestFinished(ServerRequest request, ByteBuffer outputBuffer) {
        forget(request);
        boolean closeNow;
        synchronized (this) {
            if (outputBuffer != null) {
                if (releasedBuffers || spareOutput != null) {
                    server.outputBuffers().give(outputBuffer);
                } else {
                    spareOutput = outputBuffer;
                }
            }
            closeNow = !request.keepConn();
        }
        if (closeNow) {
            String reason = "request without KEEP_CONN done";
            if (request.inputEnded() && request.ranOnConnectionThread()) {
                close(reason, System.Logger.Level.DEBUG);
            } else {
                // a worker leaves the close to the connection's thread, which sees the web server's close: closed
                // under a blocked read, a channel signals the reader's thread and fails its read with an exception,
                // which cost the CGI runner ~15% of its time with keep_conn off
                closeGently(reason);
            }
        }
    }

    /** Frees the request's id and its slot in the server; once only, whoever comes first. */
    private void forget(ServerRequest request) {
        boolean removed;
        synchronized (this) {
            removed = requests.remove(request.requestId(), request);
        }
        if (removed) {
            request.releaseParams();
            server.releaseRequestSlot();
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
        LOG.log(System.Logger.Level.DEBUG, "{0}: {1}; closing", name, reason);
        writeLock.lock();
        try {
            broken = true;
            channel.shutdownOutput();
        } catch (IOException e) {
            close(reason, System.Logger.Level.DEBUG);
        } finally {
            writeLock.unlock();
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
        writeLock.lock();
        try {
            if (request.ended) {
                throw new IOException("request " + request.requestId() + " has ended");
            }
            if (last) {
                ended(request);
            }
            writeLocked(records);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Marks {@code request} ended before its END_REQUEST goes: the web server may reuse the id the moment it reads
     * END_REQUEST (nginx does), and after a request without KEEP_CONN it may begin another, which must not start.
     */
    private void ended(ServerRequest request) {
        request.ended = true;
        if (!request.keepConn()) {
            ending = true;
        }
        forget(request);
    }

    private void writeLocked(ByteBuffer records) throws IOException {
        if (broken) {
            throw new ClosedChannelException();
        }
        writingSince = System.nanoTime() | 1;
        try {
            while (records.hasRemaining()) {
                channel.write(records);
            }
        } catch (IOException e) {
            broken = true;
            throw e;
        } finally {
            writingSince = 0;
        }
    }

    private void writeRecord(RecordType type, int id, byte[] content) throws IOException {
        byte[] record = new byte[Fcgi.HEADER_LENGTH + content.length + Fcgi.paddingFor(content.length)];
        RecordHeader.of(type, id, content.length).encode(record, 0);
        System.arraycopy(content, 0, record, Fcgi.HEADER_LENGTH, content.length);
        writeRaw(ByteBuffer.wrap(record));
    }

    private void writeEndRequest(int id, int appStatus, ProtocolStatus status) throws IOException {
        byte[] record = new byte[Fcgi.HEADER_LENGTH + EndRequestBody.LENGTH];
        EndRequestBody.encodeRecord(record, 0, id, appStatus, status);
        writeRaw(ByteBuffer.wrap(record));
    }

    private void writeRaw(ByteBuffer records) throws IOException {
        writeLock.lock();
        try {
            writeLocked(records);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Ends a request whose terminated runner would not stop: sends what closes its streams and END_REQUEST, then
     * forgets it. Whatever the runner writes later is dropped.
     */
    private void abandon(ServerRequest request) {
        LOG.log(System.Logger.Level.WARNING, "{0}: {1} did not stop within {2}; abandoning it",
                name, request, params.terminateGrace());
        byte[] records = new byte[2 * Fcgi.HEADER_LENGTH + EndRequestBody.LENGTH];
        int at = 0;
        if (!request.stdoutClosed()) {
            RecordHeader.encode(records, 0, RecordType.STDOUT.code(), request.requestId(), 0, 0);
            at = Fcgi.HEADER_LENGTH;
        }
        EndRequestBody.encodeRecord(records, at, request.requestId(), ServerRequest.EXIT_ABANDONED,
                ProtocolStatus.REQUEST_COMPLETE);
        writeLock.lock();
        try {
            if (!request.ended) {
                ended(request);
                writeLocked(ByteBuffer.wrap(records, 0, at + Fcgi.HEADER_LENGTH + EndRequestBody.LENGTH));
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: could not end {1}: {2}", name, request, e.getMessage());
        } finally {
            writeLock.unlock();
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
        List<ServerRequest> lost;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            lost = new ArrayList<>(requests.values());
        }
        LOG.log(level, "{0}: {1}", name, reason);
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: close failed: {1}", name, e.getMessage());
        }
        for (ServerRequest request : lost) {
            request.releaseParams();
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

    private synchronized boolean isIdle() {
        return requests.isEmpty();
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
        if (isDraining() && reading != 0 && now - reading > DRAIN_QUIET_NANOS && isIdle()) {
            closeGently("server closing");
            return;
        }
        long writing = writingSince;
        if (idleNanos > 0 && writing != 0 && now - writing > idleNanos) {
            close("the web server did not take the response for " + params.idleTimeout().toSeconds() + " s",
                    System.Logger.Level.WARNING);
            return;
        }
        List<ServerRequest> active;
        synchronized (this) {
            active = requests.isEmpty() ? List.of() : new ArrayList<>(requests.values());
        }
        if (idleNanos > 0 && reading != 0 && now - reading > idleNanos
                && (active.isEmpty() || active.stream().anyMatch(ServerRequest::awaitsInput))) {
            close((active.isEmpty() ? "idle for " : "input stalled for ") + params.idleTimeout().toSeconds() + " s",
                    System.Logger.Level.INFO);
            return;
        }
        long awaiting = awaitingSince;
        if (idleNanos > 0 && awaiting != 0 && now - awaiting > idleNanos && isIdle()) {
            close("no whole record for " + params.idleTimeout().toSeconds() + " s", System.Logger.Level.INFO);
            return;
        }
        long paramsNanos = params.paramsTimeout().toNanos();
        long requestNanos = params.requestTimeout().toNanos();
        long graceNanos = params.terminateGrace().toNanos();
        for (ServerRequest request : active) {
            if (request.collectingParams()) {
                if (paramsNanos > 0 && now - request.beganNanos > paramsNanos) {
                    close("params of request " + request.requestId() + " did not arrive within "
                            + params.paramsTimeout().toSeconds() + " s", System.Logger.Level.WARNING);
                    return;
                }
            } else if (request.isTerminated()) {
                if (request.isRunning() && now - request.terminatedNanos > graceNanos) {
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
