package org.fcgibridge.servlet.jetty;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.Scheduler;
import org.fcgibridge.core.protocol.EndRequestBody;
import org.fcgibridge.core.protocol.Fcgi;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.ProtocolStatus;
import org.fcgibridge.core.protocol.RecordOutputStream;
import org.fcgibridge.core.protocol.RecordType;
import org.fcgibridge.core.protocol.RequestRecord;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.core.runner.CgiResponses;
import org.fcgibridge.core.runner.FcgiExchange;
import org.fcgibridge.core.runner.Runner;
import org.fcgibridge.core.runner.RunnerTermination;

/**
 * One request of a CGI script beside the application on the Jetty engine ({@link CgiMount}): its runner (fcgi-core's
 * {@code ProcessRunner}) runs on the connection's executor, reads the body that the connection feeds in
 * ({@link CgiInput}), and its STDOUT and STDERR leave as records through the connection, followed by END_REQUEST when
 * it returns. As on the standalone engine ({@code ServerRequest}): a declared body over {@code --max-body-bytes} is
 * answered 413 without running anything, a runner that cannot be made 500, a request past {@code --request-timeout}
 * is terminated and answered 504 if it had sent nothing; an abort or the loss of the connection terminates it
 * ({@link Runner#terminate()}: the script's process tree is killed).
 *
 * <p>Termination interrupts the runner's thread, but never while it writes to the connection: an interrupt there
 * would close the channel under the other requests of the connection. Such an interrupt waits until the write is done.
 */
final class CgiExchange implements FcgiExchange, RequestStream {
    private static final System.Logger LOG = System.getLogger(CgiExchange.class.getName());
    private static final int STDERR_RECORD_BYTES = 4096;
    /** END_REQUEST's appStatus for a request whose runner failed, never ran, or was abandoned. */
    private static final int EXIT_ABANDONED = RunnerTermination.EXIT_ABANDONED;

    private final FcgiConnection connection;
    private final RequestRecord record;
    private final CgiMount mount;
    private final int id;
    private final Role role;
    private final boolean keepConn;
    private final Params params;
    private final CgiInput input;
    private final ByteBuffer stdoutBuffer;
    private final RecordOutputStream stdout;
    /** Made at the first write to STDERR (most scripts write none); by one thread at a time, the script's copier. */
    private volatile RecordOutputStream stderr;
    private Runner runner;
    private volatile Scheduler.Task deadline;
    private final RunnerTermination termination;
    private volatile boolean timedOut;
    /** STDOUT has written its first record: the rest of the body is taken as it comes. */
    private boolean answering;
    /** Whether its END_REQUEST has gone out, or is going; guarded by this. */
    private boolean ended;
    /** Ended without its runner, which ignored its termination: what the runner writes now is dropped. */
    private volatile boolean abandoned;

    /** @param record what the server's operators see of the request: this exchange says who serves it, and how */
    CgiExchange(FcgiConnection connection, CgiMount mount, int id, Role role, boolean keepConn, Params params,
                RequestRecord record) {
        this.connection = connection;
        this.record = record;
        this.mount = mount;
        this.id = id;
        this.role = role;
        this.keepConn = keepConn;
        this.params = params;
        this.termination = new RunnerTermination(id);
        this.input = new CgiInput(connection.maxBodyBytes(), connection.inputBufferBytes(), connection.bodyQueue(),
                connection::pause, connection::resume);
        if (role == Role.AUTHORIZER) {
            input.end(); // an authorizer gets no body
        }
        this.stdoutBuffer = connection.takeOutputBuffer();
        this.stdout = new RecordOutputStream(RecordType.STDOUT, id, this::writeStdout, stdoutBuffer);
        record.watch(stdout);
    }

    /**
     * Makes the request's runner (on the connection's thread: it must not block) and runs it on the connection's
     * executor. A request that runs past {@code timeout} (zero: no limit) is terminated.
     *
     * @param bodyTooLarge whether its CONTENT_LENGTH is over {@code --max-body-bytes}: answered 413, nothing run
     */
    void start(Duration timeout, boolean bodyTooLarge) {
        Runner chosen;
        if (bodyTooLarge) {
            chosen = new Canned(CgiResponses.response(413, "The request body is larger than "
                    + connection.maxBodyBytes() + " bytes."));
        } else {
            try {
                chosen = mount.create(this);
            } catch (Exception | LinkageError e) {
                LOG.log(System.Logger.Level.ERROR, connection.id() + ": no runner for CGI request " + id, e);
                chosen = new Canned(CgiResponses.internalServerError());
            }
        }
        runner = chosen;
        termination.assign(chosen);
        mount.started(this);
        if (!timeout.isZero()) {
            deadline = connection.connector().getScheduler().schedule(() -> timeOut(timeout), timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        try {
            connection.execute(this::run);
        } catch (RuntimeException e) { // the pool is stopping: end the request here, with nothing run
            LOG.log(System.Logger.Level.DEBUG, "{0}: CGI request {1} not run: {2}", connection.id(), id, e);
            terminate(new InterruptedIOException("request " + id + " not run: " + e));
            finish(EXIT_ABANDONED);
        }
    }

    private void run() {
        Runner chosen = runner;
        boolean run = termination.enter(chosen);
        record.serving(Thread.currentThread());
        int status;
        try {
            status = run ? chosen.run() : EXIT_ABANDONED;
        } catch (Throwable e) {
            if (termination.isTerminated() && e instanceof IOException) {
                // its streams failed under it, as termination does: expected, not a fault of the runner
                LOG.log(System.Logger.Level.DEBUG, "{0}: CGI request {1}, {2}: {3}", connection.id(), id,
                        termination.reason(), e.toString());
            } else {
                LOG.log(System.Logger.Level.ERROR, connection.id() + ": runner failed on CGI request " + id, e);
            }
            status = EXIT_ABANDONED;
        } finally {
            record.serving(null);
            termination.leave(); // an interrupt meant for this request stays with it, not with the pool's thread
        }
        finish(status);
    }

    /** The 504 of a timeout, STDERR's end, the rest of STDOUT and END_REQUEST; then the connection may go on. */
    private void finish(int status) {
        Scheduler.Task limit = deadline;
        if (limit != null) {
            limit.cancel();
        }
        input.close();
        if (!claimEnd()) { // abandoned: its end went out without it
            mount.finished(this);
            return;
        }
        if (timedOut && !hasOutput()) {
            try {
                stdout.write(CgiResponses.gatewayTimeout());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "{0}: CGI request {1}: no 504: {2}", connection.id(), id,
                        e.getMessage());
            }
        }
        record.responded(stdout);
        // forgotten before END_REQUEST leaves: the web server may reuse the id as soon as it has it
        connection.ending(this);
        try {
            RecordOutputStream errors = stderr;
            if (errors != null) {
                errors.close();
            }
            byte[] end = new byte[Fcgi.HEADER_LENGTH + EndRequestBody.LENGTH];
            EndRequestBody.encodeRecord(end, 0, id, status, ProtocolStatus.REQUEST_COMPLETE);
            stdout.closeWith(end, 0, end.length);
            connection.giveOutputBuffer(stdoutBuffer); // written whole: nothing holds it any more
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: CGI request {1}: could not send its end: {2}", connection.id(),
                    id, e.getMessage());
        } finally {
            mount.finished(this);
            connection.ended(this);
        }
    }

    // ---- termination, from any thread

    private void timeOut(Duration timeout) {
        LOG.log(System.Logger.Level.WARNING, "{0}: CGI request {1} ran past its limit of {2} s", connection.id(), id,
                timeout.toSeconds());
        timedOut = true;
        record.timeOut();
        terminate(new InterruptedIOException("request " + id + " timed out after " + timeout.toSeconds() + " s"));
    }

    /**
     * Asks the runner to stop: fails its input, interrupts its thread (safely), and tells the runner; one still
     * running {@code --terminate-grace} later is abandoned.
     */
    private void terminate(IOException cause) {
        if (termination.terminate(cause.getMessage())) {
            input.fail(cause);
            connection.terminated(this);
        }
    }

    /** Whether the caller is the one to send END_REQUEST: once only, by finish or by abandonment. */
    private synchronized boolean claimEnd() {
        boolean first = !ended;
        ended = true;
        return first;
    }

    @Override
    public void abandonIfRunning() {
        if (!claimEnd()) {
            return;
        }
        abandoned = true;
        connection.abandon(this, stdout.isClosed());
    }

    // ---- RequestStream: the connection's reading

    @Override
    public int id() {
        return id;
    }

    @Override
    public boolean keepConn() {
        return keepConn;
    }

    @Override
    public boolean onInput(byte[] content) {
        return input.offer(content);
    }

    @Override
    public void onInputEnd() {
        input.end();
    }

    @Override
    public void onAbort(Throwable cause) {
        InterruptedIOException failure = new InterruptedIOException("request " + id + ": " + cause.getMessage());
        failure.initCause(cause);
        terminate(failure);
    }

    @Override
    public boolean waitsForInput() {
        return input.waitsForInput();
    }

    // ---- records out

    /** STDOUT's records: the first means the script answers, so the rest of the body is taken as it comes. */
    private void writeStdout(ByteBuffer records) throws IOException {
        if (!answering) {
            answering = true;
            input.settle();
        }
        write(records);
    }

    private void write(ByteBuffer records) throws IOException {
        boolean marked = termination.beginIo();
        try {
            connection.write(records, () -> !abandoned);
        } finally {
            termination.endIo(marked);
        }
    }

    // ---- FcgiExchange

    @Override
    public int requestId() {
        return id;
    }

    @Override
    public Role role() {
        return role;
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public InputStream stdin() {
        return input;
    }

    /** The FILTER role's DATA stream is not read on this engine: empty. */
    @Override
    public InputStream data() {
        return InputStream.nullInputStream();
    }

    @Override
    public OutputStream stdout() {
        return stdout;
    }

    @Override
    public OutputStream stderr() {
        RecordOutputStream errors = stderr;
        if (errors == null) {
            errors = new RecordOutputStream(RecordType.STDERR, id, this::write, STDERR_RECORD_BYTES);
            stderr = errors;
        }
        return errors;
    }

    @Override
    public boolean hasOutput() {
        return stdout.contentWritten() > 0;
    }

    @Override
    public String toString() {
        return "CGI request " + id + " (" + role + ") on " + connection.id();
    }

    /** Answers with a response the server wrote (413, or 500 when no runner could be made); the body is skipped. */
    private final class Canned implements Runner {
        private final byte[] response;

        Canned(byte[] response) {
            this.response = response;
        }

        @Override
        public int run() throws IOException {
            input.close();
            stdout.write(response);
            return 1;
        }

        @Override
        public void terminate() {
        }
    }
}
