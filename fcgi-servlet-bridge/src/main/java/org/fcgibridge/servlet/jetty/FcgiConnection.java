package org.fcgibridge.servlet.jetty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Blocker;
import org.fcgibridge.core.io.BodyQueue;
import org.fcgibridge.core.io.BufferPool;
import org.fcgibridge.core.io.ByteBudget;
import org.fcgibridge.core.protocol.Capacity;
import org.fcgibridge.core.protocol.ConnectionProtocol;
import org.fcgibridge.core.protocol.EndRequestBody;
import org.fcgibridge.core.protocol.Fcgi;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.ProtocolMonitor;
import org.fcgibridge.core.protocol.ProtocolException;
import org.fcgibridge.core.protocol.RecordContent;
import org.fcgibridge.core.protocol.RecordHeader;
import org.fcgibridge.core.protocol.RecordOutputStream;
import org.fcgibridge.core.protocol.RecordSink;
import org.fcgibridge.core.protocol.RecordType;
import org.fcgibridge.core.protocol.RequestRecord;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.core.runner.RunnerTermination;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.servlet.http.BadRequestException;
import org.fcgibridge.servlet.http.CgiRequest;
import org.fcgibridge.servlet.http.FcgiAttributes;

/**
 * A FastCGI connection from a web server, inside Jetty. When bytes arrive, Jetty calls {@link #onFillable()}, which
 * takes the whole records in the input buffer (a buffer holds the largest record) and hands each to the
 * {@link ConnectionProtocol} that the standalone engine's connections use too, which decides what the protocol
 * decides. Each request it admits becomes a Jetty request ({@link FcgiHttpStream}), mapped from its params by the same
 * {@link CgiRequest} as the standalone engine. A request without a body (a GET) runs right there, as Jetty's HTTP/1
 * connection runs its requests; one with a body runs on another thread while its STDIN is queued, and reading pauses
 * while the queue is full. Records go out whole, one write at a time ({@link RecordSink}), so concurrent requests on
 * one connection never interleave inside a record.
 */
final class FcgiConnection extends AbstractConnection
        implements RecordSink, ConnectionProtocol.Listener<FcgiConnection.Admitted> {
    private static final System.Logger LOG = System.getLogger(FcgiConnection.class.getName());
    private static final AtomicLong IDS = new AtomicLong();

    private final Connector connector;
    private final HttpConfiguration configuration;
    private final ServerParams limits;
    private final Capacity capacity;
    private final Capacity.Admission admission;
    private final ByteBudget spoolBudget;
    private final HttpChannel.Factory channels = new HttpChannel.DefaultFactory();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final String id = "fcgi-" + IDS.incrementAndGet();
    private final BufferPool inputBuffers;
    private final BufferPool outputBuffers;
    /** Where the requests of CGI scripts beside the application go, or null. */
    private final CgiMount scripts;

    /** A request the protocol admitted: its stream, a servlet's or a CGI script's, is made when its params end. */
    static final class Admitted {
        private final int id;
        private final Role role;
        private final boolean keepConn;
        /** Null until its params have ended; set by the reading thread. */
        private volatile RequestStream stream;

        private Admitted(int id, Role role, boolean keepConn) {
            this.id = id;
            this.role = role;
            this.keepConn = keepConn;
        }

        private boolean waitsForInput() {
            RequestStream started = stream;
            return started != null && started.waitsForInput();
        }

        private void abort(Throwable cause) {
            RequestStream started = stream;
            if (started != null) {
                started.onAbort(cause);
            }
        }
    }

    private final ConnectionProtocol<Admitted> protocol;
    private volatile boolean closing;
    /**
     * A request whose params are complete but whose first STDIN record has not come yet (reader thread only): if that
     * record ends the body at once (a GET), the request runs on the reader thread, saving a hand-off.
     */
    private FcgiHttpStream starting;
    private Runnable startingTask;
    /**
     * Received bytes, in Jetty's "flush mode" (data between position and limit); null while there are none. Only
     * onFillable and what it calls touch it.
     */
    private ByteBuffer input;
    private final byte[] header = new byte[Fcgi.HEADER_LENGTH];
    /** Reading stopped because a request has too much unread body; {@link #resume()} starts it again. */
    private final AtomicBoolean paused = new AtomicBoolean();
    /** When a partial record began to wait in the input buffer with no request running (0: none does); filler only. */
    private long partialSince;
    /** Writes under way: one still there at the idle timeout has made no progress for that long. */
    private final AtomicInteger writing = new AtomicInteger();

    /**
     * @param capacity  the server's connections and requests, counted over all its connections
     * @param admission how {@code capacity} let this connection in; given back when it closes
     * @param scripts   the CGI scripts beside the application, or null
     */
    FcgiConnection(Connector connector, EndPoint endPoint, HttpConfiguration configuration, ServerParams limits,
                   Capacity capacity, Capacity.Admission admission, ByteBudget paramsBudget,
                   ByteBudget spoolBudget, BufferPool inputBuffers, BufferPool outputBuffers, CgiMount scripts,
                   ProtocolMonitor monitor) {
        super(endPoint, connector.getExecutor());
        this.connector = connector;
        this.configuration = configuration;
        this.limits = limits;
        this.capacity = capacity;
        this.admission = admission;
        this.spoolBudget = spoolBudget;
        this.inputBuffers = inputBuffers;
        this.outputBuffers = outputBuffers;
        this.scripts = scripts;
        this.protocol = new ConnectionProtocol<>(id, limits.protocolLimits(), capacity,
                admission == Capacity.Admission.OVERLOADED, paramsBudget, this, this, monitor);
    }

    String id() {
        return id;
    }

    /** Unread body bytes a request may hold before the connection stops reading. */
    int inputBufferBytes() {
        return limits.inputBufferBytes();
    }

    /**
     * A queue for a request's body: what arrives once its answer has begun (nginx stops sending then, so what the
     * application will read must be taken now) waits in memory up to {@link #inputBufferBytes()}, the rest in a
     * temporary file under the server's {@code --spool-budget-bytes}, as on the standalone engine. Servlets' and CGI
     * scripts' alike.
     */
    BodyQueue bodyQueue() {
        return new BodyQueue(limits.inputBufferBytes(), spoolBudget);
    }

    /** The most bytes of a body a request may have, 0 for no limit. */
    long maxBodyBytes() {
        return limits.maxBodyBytes();
    }

    Connector connector() {
        return connector;
    }

    HttpConfiguration httpConfiguration() {
        return configuration;
    }

    /** A buffer for a request's STDOUT, from {@link RecordOutputStream#allocate}; given back when it has ended. */
    ByteBuffer takeOutputBuffer() {
        return outputBuffers.take();
    }

    void giveOutputBuffer(ByteBuffer buffer) {
        outputBuffers.give(buffer);
    }

    void execute(Runnable task) {
        getExecutor().execute(task);
    }

    // ---- life cycle

    @Override
    public void onOpen() {
        super.onOpen();
        if (admission == Capacity.Admission.REFUSED) {
            LOG.log(System.Logger.Level.WARNING, "{0}: refused, over FCGI_MAX_CONNS", id);
            getEndPoint().close();
            return;
        }
        SocketAddress remote = getEndPoint().getRemoteSocketAddress();
        if (remote instanceof InetSocketAddress && ((InetSocketAddress) remote).getAddress() != null
                && !limits.webServerAddrs().allows(((InetSocketAddress) remote).getAddress())) {
            LOG.log(System.Logger.Level.WARNING, "{0}: refused: {1} is not in FCGI_WEB_SERVER_ADDRS ({2})", id,
                    remote, limits.webServerAddrs());
            getEndPoint().close();
            return;
        }
        fillInterested();
    }

    @Override
    public void onFillable() {
        String failure;
        try {
            while (true) {
                if (input == null) {
                    input = inputBuffers.take();
                    input.limit(0);
                } else if (!takeRecords()) {
                    if (closing) {
                        releaseInput(); // over: the request asked for it (KEEP_CONN=0) or a failure closed it
                    }
                    return; // else paused: resume() reads on
                } else if ((failure = overdue()) != null) {
                    LOG.log(System.Logger.Level.INFO, "{0}: {1}; closing the connection", id, failure);
                    break;
                } else if (input.limit() == input.capacity()) {
                    input.compact().flip();
                }
                int n = getEndPoint().fill(input);
                if (n == 0) {
                    if (!input.hasRemaining()) {
                        releaseInput(); // an idle connection holds no buffer
                    }
                    fillInterested();
                    return;
                }
                if (n < 0) {
                    failure = "closed by the web server";
                    break;
                }
            }
        } catch (ProtocolException e) {
            failure = "protocol error: " + e.getMessage();
            LOG.log(System.Logger.Level.WARNING, "{0}: {1}; closing the connection", id, failure);
        } catch (IOException e) {
            failure = closing ? "closed" : "connection failed: " + e;
            LOG.log(System.Logger.Level.DEBUG, "{0}: {1}", id, failure);
        } catch (RuntimeException e) {
            failure = "internal error: " + e;
            LOG.log(System.Logger.Level.ERROR, id + ": " + failure, e);
        }
        shutdown(failure);
    }

    @Override
    public void onFillInterestedFailed(Throwable cause) {
        shutdown("connection failed: " + cause);
    }

    /**
     * No byte has moved for the idle timeout. A request that takes long to compute keeps its connection; the web
     * server stalling (params or a body that stop coming, a response it stops reading) closes it, and the requests on
     * it fail. A connection paused because the application reads its body slowly is not idle.
     */
    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        if (paused.get()) {
            return false;
        }
        if (writing.get() > 0) {
            return true;
        }
        return protocol.isIdle() || protocol.awaitsParams()
                || protocol.started().stream().anyMatch(Admitted::waitsForInput);
    }

    /**
     * Handles every whole record in the input buffer.
     *
     * @return whether to read on: false when a request's queue is full (paused) or the connection is closing
     */
    private boolean takeRecords() throws IOException {
        while (!closing && input.remaining() >= Fcgi.HEADER_LENGTH) {
            int at = input.position();
            input.get(at, header);
            RecordHeader record = RecordHeader.decode(header, 0);
            int length = Fcgi.HEADER_LENGTH + record.contentLength() + record.paddingLength();
            if (input.remaining() < length) {
                if (at > 0) {
                    input.compact().flip(); // room for the rest of the record
                }
                return true;
            }
            ByteBuffer content = input.slice(at + Fcgi.HEADER_LENGTH, record.contentLength());
            input.position(at + length);
            if (!handle(record, content)) {
                return false; // paused by the request, see pause()
            }
        }
        return !closing;
    }

    /**
     * Bytes that trickle in keep Jetty's idle timeout from firing: with no request running, a record must arrive whole
     * within the idle timeout from its first byte, and a request's params within the params timeout, as on the
     * standalone engine.
     *
     * @return why the connection is overdue, or null
     */
    private String overdue() {
        long now = System.nanoTime();
        String overdue = protocol.overdue(now);
        if (overdue != null) {
            return overdue;
        }
        if (!protocol.isIdle() || !input.hasRemaining()) {
            partialSince = 0;
            return null;
        }
        if (partialSince == 0) {
            partialSince = now | 1;
            return null;
        }
        long idleNanos = limits.idleTimeout().toNanos();
        return idleNanos > 0 && now - partialSince > idleNanos
                ? "no whole record for " + limits.idleTimeout().toSeconds() + " s" : null;
    }

    /**
     * Stops reading once the record in hand is handled. A request calls it before it can call {@link #resume()}, so a
     * resume that comes at once is not lost.
     */
    void pause() {
        paused.set(true);
    }

    /** A paused connection reads again: its request has taken enough of its queue, or has ended. */
    void resume() {
        if (paused.compareAndSet(true, false)) {
            execute(this::onFillable);
        }
    }

    /** The connection is over: the requests still running lose their web server. */
    private void shutdown(String reason) {
        closing = true;
        Runnable task = startingTask;
        startingTask = null;
        starting = null;
        if (task != null) {
            execute(task); // it meets the failure below
        }
        for (Admitted request : protocol.close()) {
            request.abort(new EofException(reason));
        }
        getEndPoint().close();
        releaseInput();
    }

    @Override
    public void onClose(Throwable cause) {
        for (Admitted request : protocol.close()) { // however the connection ends
            request.abort(new EofException("connection closed"));
        }
        capacity.connectionClosed(admission);
        super.onClose(cause);
    }

    private void releaseInput() {
        inputBuffers.give(input);
        input = null;
    }

    /** Closes the connection after a failure that leaves it unusable (a write that did not finish). */
    void abandon(String why) {
        LOG.log(System.Logger.Level.DEBUG, "{0}: {1}", id, why);
        closing = true;
        getEndPoint().close();
    }

    // ---- records in

    /** Handles one record; returns false to pause reading (the request's body queue is full). */
    private boolean handle(RecordHeader record, ByteBuffer content) throws IOException {
        if (startingTask != null) {
            Runnable task = startingTask;
            FcgiHttpStream stream = starting;
            startingTask = null;
            starting = null;
            if (record.recordType() == RecordType.STDIN && record.requestId() == stream.id()
                    && record.contentLength() == 0) {
                stream.onInputEnd();
                task.run(); // no body to wait for: run it here, as Jetty's HTTP/1 connection does
                return true;
            }
            execute(task);
        }
        return protocol.handle(record, RecordContent.of(content));
    }

    // ---- what the protocol asks

    @Override
    public Admitted begun(int requestId, Role role, boolean keepConn) {
        return new Admitted(requestId, role, keepConn);
    }

    @Override
    public void paramsEnded(Admitted admitted, Params params, boolean bodyTooLarge) throws IOException {
        if (scripts != null && scripts.claims(params)) {
            CgiExchange exchange = new CgiExchange(this, scripts, admitted.id, admitted.role, admitted.keepConn,
                    params, protocol.record(admitted.id));
            admitted.stream = exchange;
            exchange.start(limits.requestTimeout(), bodyTooLarge);
            return;
        }
        RequestRecord record = protocol.record(admitted.id);
        FcgiHttpStream stream = new FcgiHttpStream(this, admitted.id, admitted.role, admitted.keepConn, record);
        admitted.stream = stream;
        if (bodyTooLarge) {
            // answered at once, the body skipped as it arrives (the request is over: its records are ignored)
            stream.sendPlain(413, "The request body is larger than " + limits.maxBodyBytes() + " bytes.");
            return;
        }
        CgiRequest cgi;
        try {
            cgi = CgiRequest.from(params);
        } catch (BadRequestException e) {
            LOG.log(System.Logger.Level.INFO, "{0}: 400 for request {1}: {2}", id, stream.id(), e.getMessage());
            stream.sendPlain(400, "Bad request: " + e.getMessage());
            return;
        }
        HttpChannel channel = channels.newHttpChannel(new RequestMetaData(this, cgi, stream.id(), record));
        Runnable task = stream.start(channel, metaData(cgi), limits.requestTimeout());
        Request request = channel.getRequest();
        FcgiAttributes.of(stream.role(), params).forEach(request::setAttribute);
        if (stream.role() == Role.AUTHORIZER) {
            stream.onInputEnd(); // an authorizer gets no body
            execute(task);
        } else if (limits.mpxsConns()) {
            execute(task); // the connection keeps reading for the other requests on it, and sees an ABORT_REQUEST
        } else {
            starting = stream;
            startingTask = task;
        }
    }

    @Override
    public boolean input(Admitted admitted, RecordType type, RecordContent content) throws IOException {
        RequestStream stream = admitted.stream;
        if (type != RecordType.STDIN) {
            return true; // DATA, the FILTER role's file, which a servlet cannot read
        }
        int length = content.remaining();
        if (length == 0) {
            stream.onInputEnd();
            return true;
        }
        byte[] bytes = new byte[length];
        content.readFully(bytes, 0, length);
        return stream.onInput(bytes);
    }

    @Override
    public void aborted(Admitted admitted) {
        admitted.abort(new EofException("the web server aborted request " + admitted.id));
    }

    @Override
    public void dropped(Admitted admitted) {
        // it never started: no stream was made, nothing to give back
    }

    @Override
    public void closeRequested(String reason) {
        LOG.log(System.Logger.Level.DEBUG, "{0}: {1}; closing", id, reason);
        closing = true;
        getEndPoint().close();
    }

    /** The request as Jetty models it, from the one mapping both engines share. */
    private static MetaData.Request metaData(CgiRequest cgi) {
        HttpURI uri = HttpURI.build().scheme(cgi.scheme()).host(cgi.serverName()).port(cgi.serverPort())
                .path(cgi.rawPath()).query(cgi.queryString());
        HttpFields.Mutable fields = HttpFields.build(cgi.headers().names().size() + 1);
        for (String name : cgi.headers().names()) {
            // the body arrives de-chunked on STDIN: the client's Transfer-Encoding is not this request's; and the
            // Host goes with the authority the mapping settled on (Debian's nginx passes $host, without the port)
            if (!name.equalsIgnoreCase("Transfer-Encoding") && !name.equalsIgnoreCase("Host")) {
                for (String value : cgi.headers().all(name)) {
                    fields.add(field(name, value));
                }
            }
        }
        fields.add(new HostPortHttpField(cgi.serverName(), defaultPort(cgi) ? 0 : cgi.serverPort()));
        HttpVersion version = HttpVersion.fromString(cgi.protocol());
        return new MetaData.Request(cgi.method(), uri.asImmutable(), version == null ? HttpVersion.HTTP_1_1 : version,
                fields, cgi.contentLength());
    }

    /**
     * A header as Jetty's HTTP parser makes it: a Content-Type of a known type is that type's cached field, which
     * knows its charset (none for text/plain), so that getCharacterEncoding() answers as behind Jetty's HTTP
     * connector rather than with the charset Jetty assumes for a plain field's type (ISO-8859-1 for text/plain).
     */
    private static HttpField field(String name, String value) {
        if (name.equalsIgnoreCase("Content-Type")) {
            MimeTypes.Type known = MimeTypes.CACHE.get(value);
            if (known != null) {
                return known.getContentTypeField();
            }
        }
        return new HttpField(name, value);
    }

    private static boolean defaultPort(CgiRequest cgi) {
        return cgi.serverPort() == (cgi.secure() ? 443 : 80);
    }

    /** A request is about to send its END_REQUEST: its id is free again. */
    void ending(RequestStream stream) {
        Admitted admitted = protocol.request(stream.id());
        if (admitted != null && admitted.stream == stream) {
            protocol.ending(stream.id(), admitted);
        }
    }

    /** A request sent its END_REQUEST: close the connection if the web server asked for that. */
    void ended(RequestStream stream) {
        if (protocol.closesWhenIdle()) {
            closeRequested("request without KEEP_CONN done");
        }
    }

    // ---- terminated requests

    /**
     * {@code stream} was terminated (an abort, its timeout, the loss of the connection): if it is still running
     * {@code --terminate-grace} from now, it is abandoned, as the standalone engine abandons a runner that does not
     * stop.
     */
    void terminated(RequestStream stream) {
        connector.getScheduler().schedule(() -> {
            try {
                execute(stream::abandonIfRunning); // a write may wait for the web server: not on the scheduler
            } catch (RejectedExecutionException e) { // the pool is stopping
                stream.abandonIfRunning();
            }
        }, limits.terminateGrace().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Ends a terminated request whose application did not stop: what closes its STDOUT (unless it was closed) and
     * END_REQUEST with appStatus {@link RunnerTermination#EXIT_ABANDONED}; its id and its place in FCGI_MAX_REQS are
     * free again. The stream has made sure that nothing of it is written after this ({@link #write(ByteBuffer,
     * BooleanSupplier)}) and that it sends no END_REQUEST of its own.
     */
    void abandon(RequestStream stream, boolean stdoutClosed) {
        if (!getEndPoint().isOpen()) {
            return; // the connection is gone: its requests were forgotten, their places given back (onClose)
        }
        LOG.log(System.Logger.Level.WARNING, "{0}: request {1} did not stop within {2}; abandoning it", id,
                stream.id(), limits.terminateGrace());
        ending(stream);
        try {
            write(EndRequestBody.closingRecords(stream.id(), stdoutClosed, RunnerTermination.EXIT_ABANDONED));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: could not end request {1}: {2}", id, stream.id(),
                    e.getMessage());
        } finally {
            ended(stream);
        }
    }

    // ---- records out

    @Override
    public void write(ByteBuffer records) throws IOException {
        write(records, () -> true);
    }

    /**
     * Writes a request's records unless {@code open} says it has been abandoned; asked under the write lock, so that
     * nothing of the request can follow the END_REQUEST that abandoned it.
     *
     * @throws IOException if the request was abandoned, or the write failed
     */
    void write(ByteBuffer records, BooleanSupplier open) throws IOException {
        writeLock.lock();
        writing.incrementAndGet();
        try {
            if (!open.getAsBoolean()) {
                throw new IOException("the request was abandoned: its output is dropped");
            }
            writeLocked(records);
        } finally {
            writing.decrementAndGet();
            writeLock.unlock();
        }
    }

    private void writeLocked(ByteBuffer records) throws IOException {
        try (Blocker.Callback written = Blocker.callback()) {
            getEndPoint().write(written, records);
            written.block(); // fails at the idle timeout if the web server stops reading
        }
    }
}
