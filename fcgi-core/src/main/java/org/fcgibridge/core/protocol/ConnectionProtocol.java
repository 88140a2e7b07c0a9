package org.fcgibridge.core.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.fcgibridge.core.io.ByteBudget;

/**
 * The application's side of one FastCGI connection, without its I/O: the connection hands it each record it reads,
 * and it decides everything the protocol decides, in one place for both engines. It answers GET_VALUES and unknown
 * management types, admits or refuses each BEGIN_REQUEST (unknown role, an overloaded server or connection, a second
 * request where the connection does not multiplex), collects the PARAMS stream within its bounds, passes STDIN and
 * DATA to the request they belong to, ends a request aborted before it ran, closes after a request without KEEP_CONN,
 * and throws {@link ProtocolException} for what no well-behaved web server sends (an id begun twice, too many
 * requests, params too large, input before the params ended), after which the connection must be closed.
 *
 * <p>What runs a request is the {@link Listener}'s: a handle {@code R} made when it is admitted, started when its
 * params have ended. Records for requests it does not know, and of types the application does not read, are ignored,
 * as the specification asks. {@link #handle} is called by the one thread that reads the connection; the other methods
 * from any thread.
 *
 * @param <R> the engine's handle of a request
 */
public final class ConnectionProtocol<R> {
    private static final System.Logger LOG = System.getLogger(ConnectionProtocol.class.getName());

    /** What the protocol asks of the engine that runs the requests. */
    public interface Listener<R> {
        /** A BEGIN_REQUEST was admitted: the handle of the request, which runs nothing yet. */
        R begun(int requestId, Role role, boolean keepConn);

        /**
         * The request's PARAMS stream ended: start it (or, if {@code bodyTooLarge}, answer it 413 without running
         * anything). Its STDIN may follow at once, even from within this call.
         *
         * @param bodyTooLarge whether CONTENT_LENGTH is over {@link ProtocolLimits#maxBodyBytes()}
         */
        void paramsEnded(R request, Params params, boolean bodyTooLarge) throws IOException;

        /**
         * A STDIN or DATA record of a started request; content of length 0 ends that stream.
         *
         * @return false to stop reading the connection until the request has taken some of its input
         */
        boolean input(R request, RecordType stream, RecordContent content) throws IOException;

        /** ABORT_REQUEST for a started request: terminate it; it still ends with END_REQUEST. */
        void aborted(R request);

        /** A request that never started is gone (aborted before its params ended): free what its handle holds. */
        void dropped(R request);

        /**
         * The connection should close once what was written has gone: a request without KEEP_CONN was refused, or
         * the connection is over FCGI_MAX_CONNS, and no request is active on it.
         */
        void closeRequested(String reason);
    }

    private static final class Active<R> {
        final int id;
        final boolean keepConn;
        final long beganNanos;
        final ParamsStream params;
        final R handle;
        /** Its params have ended; it is the listener's to run. Written by the reader thread. */
        volatile boolean started;
        /** Set when it starts. */
        volatile RequestRecord record;

        Active(int id, boolean keepConn, long beganNanos, ParamsStream params, R handle) {
            this.id = id;
            this.keepConn = keepConn;
            this.beganNanos = beganNanos;
            this.params = params;
            this.handle = handle;
        }
    }

    private final String name;
    private final ProtocolLimits limits;
    private final Capacity capacity;
    private final boolean overloaded;
    private final ByteBudget paramsBudget;
    private final RecordSink out;
    private final Listener<R> listener;
    private final ProtocolMonitor monitor;
    /** Requests by id; guarded by this. */
    private final Map<Integer, Active<R>> active = new HashMap<>(4);
    /** No request is admitted any more (KEEP_CONN off, an overloaded connection, closed); guarded by this. */
    private boolean closing;
    /** {@link #close()} was called: a request admitted from now on is not kept; guarded by this. */
    private boolean closed;

    /**
     * @param name         the connection's name, for the log
     * @param overloaded   whether the server was at FCGI_MAX_CONNS when the connection came: every request on it is
     *                     refused with FCGI_OVERLOADED
     * @param paramsBudget the server's bound on params still arriving, over all connections
     * @param out          where the records the protocol writes itself go (END_REQUEST of refused requests,
     *                     GET_VALUES_RESULT, UNKNOWN_TYPE)
     */
    public ConnectionProtocol(String name, ProtocolLimits limits, Capacity capacity, boolean overloaded,
                              ByteBudget paramsBudget, RecordSink out, Listener<R> listener) {
        this(name, limits, capacity, overloaded, paramsBudget, out, listener, ProtocolMonitor.NONE);
    }

    /**
     * @param name         the connection's name, for the log
     * @param overloaded   whether the server was at FCGI_MAX_CONNS when the connection came: every request on it is
     *                     refused with FCGI_OVERLOADED
     * @param paramsBudget the server's bound on params still arriving, over all connections
     * @param out          where the records the protocol writes itself go (END_REQUEST of refused requests,
     *                     GET_VALUES_RESULT, UNKNOWN_TYPE, the monitor's answers)
     * @param monitor      told of the connection and its requests; it may answer a request itself
     */
    public ConnectionProtocol(String name, ProtocolLimits limits, Capacity capacity, boolean overloaded,
                              ByteBudget paramsBudget, RecordSink out, Listener<R> listener,
                              ProtocolMonitor monitor) {
        this.name = name;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.capacity = Objects.requireNonNull(capacity, "capacity");
        this.overloaded = overloaded;
        this.paramsBudget = Objects.requireNonNull(paramsBudget, "paramsBudget");
        this.out = Objects.requireNonNull(out, "out");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        monitor.connectionOpened();
    }

    /**
     * Handles one record. Reads as much of its content as the protocol needs; the caller skips the rest.
     *
     * @return false if the connection should stop reading until a request has taken some of its input
     * @throws ProtocolException if the record breaks the protocol: close the connection
     * @throws IOException       if reading the content or writing an answer failed
     */
    public boolean handle(RecordHeader header, RecordContent content) throws IOException {
        RecordType type = header.recordType();
        int id = header.requestId();
        if (id == Fcgi.NULL_REQUEST_ID) {
            management(header, type, content);
            return true;
        }
        if (type == RecordType.BEGIN_REQUEST) {
            begin(id, content);
            return true;
        }
        Active<R> request = find(id);
        if (request == null || type == null) {
            return true;
        }
        switch (type) {
            case PARAMS:
                if (!request.started) {
                    params(request, content);
                }
                return true;
            case STDIN:
            case DATA:
                if (!request.started) {
                    throw new ProtocolException(type + " for request " + id + " before its PARAMS ended");
                }
                return listener.input(request.handle, type, content);
            case ABORT_REQUEST:
                abort(request);
                return true;
            default:
                return true; // a type only applications send
        }
    }

    private void management(RecordHeader header, RecordType type, RecordContent content) throws IOException {
        if (type != RecordType.GET_VALUES) {
            byte[] body = new byte[8];
            body[0] = (byte) header.type();
            write(RecordType.UNKNOWN_TYPE, Fcgi.NULL_REQUEST_ID, body);
            return;
        }
        byte[] names = new byte[content.remaining()];
        content.readFully(names, 0, names.length);
        Params asked = Params.parse(names, 0, names.length);
        NameValueWriter answer = new NameValueWriter();
        for (int i = 0; i < asked.size(); i++) {
            String value = valueOf(asked.nameAt(i));
            if (value != null) {
                answer.add(asked.nameAt(i), value);
            }
        }
        write(RecordType.GET_VALUES_RESULT, Fcgi.NULL_REQUEST_ID, answer.toByteArray());
    }

    private String valueOf(String variable) {
        switch (variable) {
            case Fcgi.MAX_CONNS:
                return Integer.toString(limits.maxConns());
            case Fcgi.MAX_REQS:
                return Integer.toString(limits.maxReqs());
            case Fcgi.MPXS_CONNS:
                return limits.mpxsConns() ? "1" : "0";
            default:
                return null;
        }
    }

    private void begin(int id, RecordContent content) throws IOException {
        int length = content.remaining();
        byte[] bytes = new byte[BeginRequestBody.LENGTH];
        content.readFully(bytes, 0, Math.min(length, bytes.length));
        BeginRequestBody body = BeginRequestBody.decode(bytes, 0, length);
        Role role = body.role();
        ProtocolStatus refusal;
        synchronized (this) {
            if (closing) {
                // sent after a request without KEEP_CONN: the connection is closing, nothing more starts on it
                LOG.log(System.Logger.Level.DEBUG, "{0}: request {1} begun on a closing connection: ignored", name, id);
                return;
            }
            if (active.containsKey(id)) {
                throw new ProtocolException("BEGIN_REQUEST for request " + id + ", which is active");
            }
            if (role == null) {
                refusal = ProtocolStatus.UNKNOWN_ROLE;
            } else if (overloaded) {
                refusal = ProtocolStatus.OVERLOADED;
            } else if (!active.isEmpty() && !limits.mpxsConns()) {
                refusal = ProtocolStatus.CANT_MPX_CONN;
            } else if (active.size() >= limits.maxRequestsPerConnection()) {
                throw new ProtocolException("more than " + limits.maxRequestsPerConnection()
                        + " concurrent requests on one connection");
            } else if (!capacity.takeRequest()) {
                refusal = ProtocolStatus.OVERLOADED;
            } else {
                refusal = null;
            }
        }
        if (refusal == null) {
            Active<R> request = new Active<>(id, body.keepConn(), System.nanoTime(),
                    new ParamsStream(id, limits.maxParamsBytes(), paramsBudget),
                    listener.begun(id, role, body.keepConn()));
            boolean lost;
            synchronized (this) {
                lost = closed;
                if (!lost) {
                    active.put(id, request);
                }
            }
            if (lost) {
                // closed by another thread (the watchdog) while the listener made the handle: close() did not see
                // the request, which would hold its slot in the server for ever
                capacity.giveRequest();
                listener.dropped(request.handle);
            }
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "{0}: request {1} refused: {2}", name, id, refusal);
        monitor.refused(refusal);
        endWithoutRunning(id, refusal, body.keepConn() && !overloaded);
    }

    private synchronized Active<R> find(int id) {
        return active.get(id);
    }

    private void params(Active<R> request, RecordContent content) throws IOException {
        int length = content.remaining();
        if (length > 0) {
            ParamsStream stream = request.params;
            content.readFully(stream.room(length), stream.length(), length);
            stream.advance(length);
            return;
        }
        Params params = request.params.decode();
        byte[] answer = monitor.answer(params);
        if (answer != null) {
            if (forget(request)) {
                listener.dropped(request.handle);
                answer(request, answer);
            }
            return;
        }
        request.record = monitor == ProtocolMonitor.NONE ? RequestRecord.UNWATCHED
                : new RequestRecord(request.id, params);
        request.started = true;
        monitor.started(request.record);
        listener.paramsEnded(request.handle, params, declaresTooLargeABody(params));
    }

    private boolean declaresTooLargeABody(Params params) {
        String length = params.get("CONTENT_LENGTH");
        if (limits.maxBodyBytes() == 0 || length == null) {
            return false;
        }
        try {
            return Long.parseLong(length.trim()) > limits.maxBodyBytes();
        } catch (NumberFormatException e) {
            return false; // the engine judges a malformed length
        }
    }

    private void abort(Active<R> request) throws IOException {
        if (request.started) {
            request.record.abort();
            listener.aborted(request.handle);
            return;
        }
        if (forget(request)) {
            listener.dropped(request.handle);
            endWithoutRunning(request.id, ProtocolStatus.REQUEST_COMPLETE, request.keepConn);
        }
    }

    /** The monitor's answer, as STDOUT records, the closing one and END_REQUEST, in one write. */
    private void answer(Active<R> request, byte[] response) throws IOException {
        int chunk = Fcgi.MAX_CONTENT_LENGTH - Fcgi.ALIGNMENT + 1;
        int records = (response.length + chunk - 1) / chunk;
        ByteBuffer all = ByteBuffer.allocate(records * (Fcgi.HEADER_LENGTH + Fcgi.ALIGNMENT) + response.length
                + 2 * Fcgi.HEADER_LENGTH + EndRequestBody.LENGTH);
        byte[] header = new byte[Fcgi.HEADER_LENGTH];
        for (int at = 0; at < response.length; at += chunk) {
            int length = Math.min(chunk, response.length - at);
            int padding = Fcgi.paddingFor(length);
            RecordHeader.encode(header, 0, RecordType.STDOUT.code(), request.id, length, padding);
            all.put(header).put(response, at, length).position(all.position() + padding);
        }
        RecordHeader.encode(header, 0, RecordType.STDOUT.code(), request.id, 0, 0);
        all.put(header);
        byte[] end = new byte[Fcgi.HEADER_LENGTH + EndRequestBody.LENGTH];
        EndRequestBody.encodeRecord(end, 0, request.id, 0, ProtocolStatus.REQUEST_COMPLETE);
        all.put(end).flip();
        out.write(all);
        closeUnlessKept(request.keepConn);
    }

    /** END_REQUEST for a request that never ran; then, as after any request, the connection closes unless kept. */
    private void endWithoutRunning(int id, ProtocolStatus status, boolean keepConn) throws IOException {
        byte[] record = new byte[Fcgi.HEADER_LENGTH + EndRequestBody.LENGTH];
        EndRequestBody.encodeRecord(record, 0, id, 0, status);
        out.write(ByteBuffer.wrap(record));
        closeUnlessKept(keepConn);
    }

    private void closeUnlessKept(boolean keepConn) {
        boolean close;
        synchronized (this) {
            closing |= !keepConn;
            close = closing && active.isEmpty();
        }
        if (close) {
            listener.closeRequested(overloaded ? "over FCGI_MAX_CONNS" : "refused a request without KEEP_CONN");
        }
    }

    private void write(RecordType type, int id, byte[] content) throws IOException {
        byte[] record = new byte[Fcgi.HEADER_LENGTH + content.length + Fcgi.paddingFor(content.length)];
        RecordHeader.of(type, id, content.length).encode(record, 0);
        System.arraycopy(content, 0, record, Fcgi.HEADER_LENGTH, content.length);
        out.write(ByteBuffer.wrap(record));
    }

    /**
     * A started request is about to send its END_REQUEST: its id and its slot in the server are free from now on
     * (a web server may reuse the id the moment it reads END_REQUEST), and after a request without KEEP_CONN no
     * other request is admitted. Once only for a request; later calls, and calls for a request the connection has
     * lost, return false.
     *
     * @return whether this call ended the request
     */
    public boolean ending(int requestId, R request) {
        Active<R> ended;
        synchronized (this) {
            ended = active.get(requestId);
            if (ended == null || ended.handle != request) {
                return false;
            }
            closing |= !ended.keepConn;
        }
        return forget(ended);
    }

    /** Nothing more is admitted: the connection is closing (a BEGIN_REQUEST from now on is ignored). */
    public synchronized void stopAdmitting() {
        closing = true;
    }

    /** Whether the connection is done: a request asked to close it, or it is overloaded, and none is active now. */
    public synchronized boolean closesWhenIdle() {
        return closing && active.isEmpty();
    }

    private boolean forget(Active<R> request) {
        synchronized (this) {
            if (!active.remove(request.id, request)) {
                return false;
            }
        }
        request.params.release();
        capacity.giveRequest();
        RequestRecord record = request.record;
        if (record != null) {
            monitor.ended(record);
        }
        return true;
    }

    /** The record of the started request {@code requestId}, or null: the engine says on it who serves it, and how. */
    public RequestRecord record(int requestId) {
        Active<R> request = find(requestId);
        return request == null ? null : request.record;
    }

    /** The handle of the active request {@code requestId}, or null. */
    public R request(int requestId) {
        Active<R> request = find(requestId);
        return request == null ? null : request.handle;
    }

    /** Whether no request is active on the connection. */
    public synchronized boolean isIdle() {
        return active.isEmpty();
    }

    /** Whether a request is waiting for the rest of its params. */
    public synchronized boolean awaitsParams() {
        for (Active<R> request : active.values()) {
            if (!request.started) {
                return true;
            }
        }
        return false;
    }

    /** The started requests. */
    public synchronized List<R> started() {
        List<R> started = new ArrayList<>(active.size());
        for (Active<R> request : active.values()) {
            if (request.started) {
                started.add(request.handle);
            }
        }
        return started;
    }

    /**
     * The params timeout: why the connection is overdue at {@code nanoTime} (a request's params did not end within
     * {@link ProtocolLimits#paramsTimeout()}), or null.
     */
    public String overdue(long nanoTime) {
        long limit = limits.paramsTimeout().toNanos();
        if (limit == 0) {
            return null;
        }
        synchronized (this) {
            for (Active<R> request : active.values()) {
                if (!request.started && nanoTime - request.beganNanos > limit) {
                    return "params of request " + request.id + " did not arrive within "
                            + limits.paramsTimeout().toSeconds() + " s";
                }
            }
        }
        return null;
    }

    /**
     * The connection is closed: every request is forgotten, its params and its slot given back, and nothing more is
     * admitted; the listener is told of each request that never started ({@link Listener#dropped}). Idempotent.
     *
     * @return the started requests that were active: they have lost their web server
     */
    public List<R> close() {
        List<Active<R>> lost;
        boolean first;
        synchronized (this) {
            first = !closed;
            closing = true;
            closed = true;
            lost = new ArrayList<>(active.values());
        }
        if (first) {
            monitor.connectionClosed();
        }
        List<R> started = new ArrayList<>(lost.size());
        for (Active<R> request : lost) {
            if (forget(request)) {
                if (request.started) {
                    started.add(request.handle);
                } else {
                    listener.dropped(request.handle);
                }
            }
        }
        return started;
    }

    @Override
    public String toString() {
        return name;
    }
}
