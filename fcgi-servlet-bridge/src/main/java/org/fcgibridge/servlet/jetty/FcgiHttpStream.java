package org.fcgibridge.servlet.jetty;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.fcgibridge.core.http.CgiResponseHead;
import org.fcgibridge.core.io.BodyQueue;
import org.fcgibridge.core.protocol.EndRequestBody;
import org.fcgibridge.core.protocol.ProtocolStatus;
import org.fcgibridge.core.protocol.RecordOutputStream;
import org.fcgibridge.core.protocol.RecordType;
import org.fcgibridge.core.protocol.RequestRecord;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.core.runner.CgiResponses;
import org.fcgibridge.core.runner.RunnerTermination;

/**
 * One FastCGI request as a Jetty {@link HttpStream}: Jetty reads the request body from the request's STDIN records
 * (queued by the connection's reader thread) and writes the response, which leaves as a CGI response on STDOUT records
 * followed by END_REQUEST.
 *
 * <p>Flow control: the connection stops reading while more than --input-buffer-bytes
 * ({@code ServerParams.inputBufferBytes}) of body wait to be read, so a large upload is not held in memory. Once the
 * response has begun, the rest of the body is taken as it comes, past that limit into a temporary file under
 * --spool-budget-bytes ({@link FcgiConnection#bodyQueue()}): nginx stops sending a body once it has the response's
 * head, so whatever the application will still read must be taken now. A read past what the budget kept fails (503).
 */
final class FcgiHttpStream implements HttpStream, RequestStream {
    private static final System.Logger LOG = System.getLogger(FcgiHttpStream.class.getName());
    /** The most bytes a read takes from the body's temporary file at once. */
    private static final int READ_BYTES = 16 * 1024;

    private final FcgiConnection connection;
    private final RequestRecord record;
    private final int id;
    private final Role role;
    private final boolean keepConn;
    private final ByteBuffer stdoutBuffer;
    private final RecordOutputStream stdout;
    private HttpChannel channel;
    private boolean head;

    // input, guarded by this
    private final BodyQueue body;
    /** Bytes of the body received in all; guarded by this. */
    private long received;
    private boolean inputEnded;
    private Throwable inputFailure;
    private boolean demanded;
    private boolean settling;
    private boolean completed;
    private boolean pausedReader;

    // output, written by the application's thread(s) one at a time (Jetty serialises sends)
    private volatile boolean committed;
    /** The request's time limit. */
    private volatile Scheduler.Task deadline;
    /**
     * Interrupts the thread handling the request at its termination, as on the standalone engine: never inside a
     * write of the connection (the write would fail, and with it a servlet that stops at its next blocking call).
     */
    private final RunnerTermination termination;
    /** Whether Jetty's handler task has begun, and whether it runs now; guarded by this. */
    private boolean started;
    private boolean handling;
    private boolean ended;
    /** Whether the request was terminated (abort, timeout, a lost connection); guarded by this. */
    private boolean terminated;
    /** Ended without its application, which ignored its termination: what it writes now is dropped. */
    private volatile boolean abandoned;
    /** Calls of send() under way (one, or one in a callback of another), and a failure that waits for them; by this. */
    private int sends;
    private Throwable failureAfterSend;

    /**
     * @param record what the server's operators see of the request: this stream says who serves it and how it
     *               answered
     */
    FcgiHttpStream(FcgiConnection connection, int id, Role role, boolean keepConn, RequestRecord record) {
        this.connection = connection;
        this.record = record;
        this.id = id;
        this.role = role;
        this.keepConn = keepConn;
        this.termination = new RunnerTermination(id);
        this.body = connection.bodyQueue();
        this.stdoutBuffer = connection.takeOutputBuffer();
        this.stdout = new RecordOutputStream(RecordType.STDOUT, id, this::write, stdoutBuffer);
        record.watch(stdout);
    }

    /**
     * Hands the request to Jetty; returns the task that runs it. A request that runs past {@code timeout} (zero: no
     * limit) is answered 504 if it has sent nothing yet, and fails: the thread that runs it is interrupted, its reads
     * and writes fail, as the standalone engine terminates a runner.
     */
    Runnable start(HttpChannel channel, MetaData.Request request, Duration timeout) {
        this.channel = channel;
        this.head = HttpMethod.HEAD.is(request.getMethod());
        channel.setHttpStream(this);
        Runnable task = channel.onRequest(request);
        if (!timeout.isZero()) {
            deadline = connection.connector().getScheduler().schedule(() -> onTimeout(timeout), timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return () -> {
            synchronized (this) {
                started = true;
                handling = true;
            }
            termination.enter(null);
            record.serving(Thread.currentThread());
            boolean recycle;
            try {
                task.run();
            } finally {
                record.serving(null);
                termination.leave(); // an interrupt meant for this request stays with it
                synchronized (this) {
                    handling = false;
                    recycle = completed;
                }
            }
            if (recycle) {
                channel.recycle(); // see complete()
            }
        };
    }

    private void onTimeout(Duration timeout) {
        String reason = "request " + id + " ran past its limit of " + timeout.toSeconds() + " s";
        synchronized (this) { // held while the 504 goes out: a send() or an end() of Jetty's waits, then finds it over
            if (completed || ended) {
                return;
            }
            LOG.log(System.Logger.Level.WARNING, "{0}: {1}", connection.id(), reason);
            record.timeOut();
            if (!committed) {
                committed = true;
                try {
                    sendPlain(504, "Gateway timeout: the application took longer than " + timeout.toSeconds()
                            + " s");
                } catch (IOException e) {
                    connection.abandon("504 of request " + id + " failed: " + e);
                }
            }
            termination.terminate(reason);
        }
        onAbort(new TimeoutException(reason));
    }

    HttpChannel channel() {
        return channel;
    }

    public int id() {
        return id;
    }

    Role role() {
        return role;
    }

    public boolean keepConn() {
        return keepConn;
    }

    // ---- the connection's reading

    /**
     * STDIN content. Returns false when the application has too much unread: the connection then stops reading until
     * this stream calls {@link FcgiConnection#resume()}.
     */
    public boolean onInput(byte[] content) {
        boolean wake;
        boolean full;
        synchronized (this) {
            if (completed || inputFailure != null) {
                return true; // the request is over: its remaining body is dropped
            }
            received += content.length;
            long max = connection.maxBodyBytes();
            if (max > 0 && received > max) {
                fail(new BadMessageException(413, "the request body is larger than " + max + " bytes"));
            } else {
                try {
                    body.add(content); // refused past the spool budget: the reads fail once they reach the gap
                } catch (IOException e) {
                    fail(e);
                }
            }
            wake = takeDemand();
            full = body.inMemory() > connection.inputBufferBytes() && !settling && inputFailure == null;
            if (full) {
                pausedReader = true;
                connection.pause();
            }
        }
        if (wake) {
            wakeReader();
        }
        return !full;
    }

    /** Lets a connection paused on this request's queue read again. */
    private void resumeReader() {
        boolean resume;
        synchronized (this) {
            resume = pausedReader
                    && (body.inMemory() <= connection.inputBufferBytes() || settling || completed
                            || inputFailure != null);
            if (resume) {
                pausedReader = false;
            }
        }
        if (resume) {
            connection.resume();
        }
    }

    /** The empty STDIN record: the body is complete. */
    public void onInputEnd() {
        boolean wake;
        synchronized (this) {
            inputEnded = true;
            wake = takeDemand();
        }
        if (wake) {
            wakeReader();
        }
    }

    /**
     * ABORT_REQUEST, or the connection failed, or the request ran past its limit: the request's client is gone. If
     * the request has not ended {@code --terminate-grace} from now, it is abandoned ({@link #abandonIfRunning()}).
     */
    public void onAbort(Throwable cause) {
        boolean handling;
        boolean first;
        synchronized (this) {
            if (completed) {
                return;
            }
            first = !terminated && !ended;
            terminated = true;
            boolean bodyPending = !inputEnded && inputFailure == null;
            fail(cause);
            handling = started;
            if (!bodyPending) {
                // as the standalone engine terminates a runner: a servlet that waits on something else stops (one
                // that waits for its body meets the failure there, which Jetty takes quietly)
                termination.terminate(cause.toString());
            }
        }
        resumeReader();
        if (first) {
            connection.terminated(this);
        }
        if (!handling) {
            // Its handler task is yet to run: it will, meet the failure in the request's body and output, and end the
            // request as any failure does. Failing Jetty's channel now would race that task: Jetty may complete the
            // request and recycle the channel first, and the task then fails (an NPE in HttpChannelState, "Response
            // does not exist" in the servlet channel) and the request never ends.
            return;
        }
        synchronized (this) {
            if (sends > 0) {
                // Jetty would fail the write under way, which the standalone engine lets finish (a termination never
                // fails a write already begun): the failure goes to Jetty once it is done
                failureAfterSend = cause;
                return;
            }
        }
        failChannel(cause);
    }

    private void failChannel(Throwable cause) {
        Runnable failure = channel.onFailure(cause);
        if (failure != null) {
            connection.execute(failure);
        }
    }

    private void fail(Throwable cause) {
        if (inputFailure == null) {
            inputFailure = cause;
            dropBody();
        }
    }

    /** What waits of the body is dropped, its temporary file deleted; nothing more is kept. */
    private void dropBody() {
        try {
            body.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: request {1}: {2}", connection.id(), id, e.toString());
        }
    }

    private boolean takeDemand() {
        boolean was = demanded;
        demanded = false;
        return was;
    }

    private void wakeReader() {
        connection.execute(() -> {
            Runnable task = channel.onContentAvailable();
            if (task != null) {
                task.run();
            }
        });
    }

    // ---- HttpStream: input

    @Override
    public String getId() {
        return Integer.toString(id);
    }

    @Override
    public Content.Chunk read() {
        byte[] bytes;
        synchronized (this) {
            if (inputFailure != null) {
                return Content.Chunk.from(inputFailure, true);
            }
            try {
                bytes = body.poll(READ_BYTES);
            } catch (IOException e) {
                fail(e);
                return Content.Chunk.from(e, true);
            }
            if (bytes == null) {
                if (body.isTruncated()) {
                    fail(new BadMessageException(503, "the server's budget for request bodies kept in temporary "
                            + "files is spent"));
                    return Content.Chunk.from(inputFailure, true);
                }
                return inputEnded ? Content.Chunk.EOF : null;
            }
        }
        resumeReader();
        return Content.Chunk.from(ByteBuffer.wrap(bytes), false);
    }

    @Override
    public void demand() {
        boolean now;
        synchronized (this) {
            now = !body.isEmpty() || body.isTruncated() || inputEnded || inputFailure != null;
            demanded = !now;
        }
        if (now) {
            wakeReader();
        }
    }

    @Override
    public Throwable consumeAvailable() {
        return HttpStream.consumeAvailable(this, channel.getConnectionMetaData().getHttpConfiguration());
    }

    // ---- HttpStream: output

    @Override
    public void prepareResponse(HttpFields.Mutable headers) {
        // a CGI response has no connection-level headers to add
    }

    @Override
    public void send(MetaData.Request request, MetaData.Response response, boolean last, ByteBuffer content,
                     Callback callback) {
        synchronized (this) {
            if (ended || response != null && committed) { // its buffer may be another request's by now
                callback.failed(new IOException("request " + id + " has ended"));
                return;
            }
            if (response != null) {
                committed = true;
                settling = true; // see the class comment
                body.spill();
            }
            sends++;
        }
        try {
            if (response != null) {
                resumeReader();
                writeHead(response);
            }
            if (content != null && content.hasRemaining() && !head) {
                writeContent(content);
            }
            if (last) {
                end(0);
            } else {
                stdout.flush();
            }
            callback.succeeded();
        } catch (Throwable x) {
            callback.failed(x);
        } finally {
            sent();
        }
    }

    /** A send has completed: a failure of the request that came meanwhile goes to Jetty now (see onAbort). */
    private void sent() {
        Throwable failure;
        synchronized (this) {
            failure = --sends == 0 && !completed && !ended ? failureAfterSend : null;
            if (sends == 0) {
                failureAfterSend = null;
            }
        }
        if (failure != null) {
            failChannel(failure);
        }
    }

    private void writeHead(MetaData.Response response) throws IOException {
        int status = response.getStatus();
        // Jetty's reason (always null in Jetty 12) is not taken: one reason-phrase table for both engines
        CgiResponseHead head = new CgiResponseHead().status(status);
        HttpFields fields = response.getHttpFields();
        // no body, so no Content-Length (RFC 9110 8.6): Jetty counts 0 for a 204
        boolean noBody = CgiResponseHead.hasNoBody(status);
        boolean length = noBody;
        for (HttpField field : fields) {
            String name = field.getName();
            boolean contentLength = field.getHeader() == HttpHeader.CONTENT_LENGTH;
            if (!CgiResponseHead.isSent(name) || contentLength && noBody || !legal(field)) {
                continue;
            }
            length |= contentLength;
            head.field(name, field.getValue());
        }
        if (!length && response.getContentLength() >= 0) {
            head.field("Content-Length", response.getContentLength());
        }
        head.writeTo(stdout);
    }

    /**
     * Whether a field may go into the CGI head. Jetty's response takes any name and value; one that the standalone
     * engine refuses (a CR, LF or NUL would split the head) is left out here, so that on neither engine can an
     * application's value add a header line.
     */
    private static boolean legal(HttpField field) {
        return CgiResponseHead.legalName(field.getName())
                && (field.getValue() == null || CgiResponseHead.legalValue(field.getValue()));
    }

    private void writeContent(ByteBuffer content) throws IOException {
        if (content.hasArray()) {
            stdout.write(content.array(), content.arrayOffset() + content.position(), content.remaining());
            content.position(content.limit());
            return;
        }
        byte[] copy = new byte[Math.min(content.remaining(), 16 * 1024)];
        while (content.hasRemaining()) {
            int n = Math.min(copy.length, content.remaining());
            content.get(copy, 0, n);
            stdout.write(copy, 0, n);
        }
    }

    /** The rest of STDOUT, its empty record and END_REQUEST, in one write; then the connection may go on. */
    private void end(int appStatus) throws IOException {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        byte[] end = new byte[16];
        EndRequestBody.encodeRecord(end, 0, id, appStatus, ProtocolStatus.REQUEST_COMPLETE);
        record.responded(stdout);
        // forgotten before END_REQUEST leaves: the web server may reuse the id as soon as it has it
        connection.ending(this);
        try {
            stdout.closeWith(end, 0, end.length);
            connection.giveOutputBuffer(stdoutBuffer); // written whole: nothing holds it any more
        } finally {
            connection.ended(this);
        }
    }

    /** Answers with a plain-text page, without Jetty: for a request that cannot be mapped at all. */
    void sendPlain(int status, String text) throws IOException {
        stdout.write(CgiResponses.response(status, text));
        end(0);
    }

    @Override
    public Runnable cancelSend(Throwable cause, Callback callback) {
        // sends complete before send() returns: there is never one in flight to cancel
        return () -> callback.failed(cause);
    }

    @Override
    public long getIdleTimeout() {
        return connection.getEndPoint().getIdleTimeout();
    }

    @Override
    public void setIdleTimeout(long idleTimeoutMs) {
        connection.getEndPoint().setIdleTimeout(idleTimeoutMs);
    }

    @Override
    public boolean isCommitted() {
        return committed;
    }

    // ---- completion

    @Override
    public void succeeded() {
        complete();
        try {
            end(0);
        } catch (IOException e) {
            connection.abandon("END_REQUEST of request " + id + " failed: " + e);
        }
    }

    @Override
    public void failed(Throwable x) {
        complete();
        try {
            end(1); // the web server answers 502 if no head was sent
        } catch (IOException e) {
            connection.abandon("END_REQUEST of request " + id + " failed: " + e);
        }
    }

    private void complete() {
        if (deadline != null) {
            deadline.cancel();
        }
        boolean recycle;
        synchronized (this) {
            completed = true;
            dropBody();
            // a failure that came as the handler task began can complete the request while the task runs: the task
            // recycles the channel when it returns, not before (it would find no request: an NPE in Jetty)
            recycle = !handling;
        }
        resumeReader();
        if (recycle) {
            channel.recycle();
        }
    }

    /** Whether the request still expects body bytes from the web server. */
    public synchronized boolean waitsForInput() {
        return !inputEnded && inputFailure == null && !completed;
    }

    /**
     * Its application ignored the termination for the grace: the request ends without it (appStatus 2), and Jetty's
     * own end, when the application returns at last, finds it over. Its STDOUT buffer is not given back: the
     * application may still write into it.
     */
    @Override
    public void abandonIfRunning() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            abandoned = true;
        }
        connection.abandon(this, stdout.isClosed());
    }

    /** STDOUT's records, dropped once the request has been abandoned. */
    private void write(ByteBuffer records) throws IOException {
        boolean marked = termination.beginEndingIo();
        try {
            connection.write(records, () -> !abandoned);
        } finally {
            termination.endIo(marked);
        }
    }
}
