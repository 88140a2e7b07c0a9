package org.fcgibridge.core.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.fcgibridge.core.io.ByteBudget;
import org.fcgibridge.core.io.InputPipe;
import org.fcgibridge.core.protocol.EndRequestBody;
import org.fcgibridge.core.protocol.Fcgi;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.ProtocolStatus;
import org.fcgibridge.core.protocol.RecordOutputStream;
import org.fcgibridge.core.protocol.RecordReader;
import org.fcgibridge.core.protocol.RecordType;
import org.fcgibridge.core.protocol.RequestRecord;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.core.runner.CgiResponses;
import org.fcgibridge.core.runner.FcgiExchange;
import org.fcgibridge.core.runner.Runner;
import org.fcgibridge.core.runner.RunnerTermination;

/**
 * One request id on a connection, from BEGIN_REQUEST to END_REQUEST: collects the PARAMS stream, hands STDIN and DATA
 * to the runner, carries its STDOUT and STDERR back as records, and sends END_REQUEST exactly once.
 *
 * <p>Termination (abort, timeout, server close) interrupts the runner's thread, but never while that thread is inside
 * a read or write of the connection's channel: an interrupt there would close the channel under every other request
 * on it. Such an interrupt waits until the I/O is done.
 */
final class ServerRequest implements FcgiExchange {
    private static final System.Logger LOG = System.getLogger(ServerRequest.class.getName());
    private static final int STDERR_RECORD_BYTES = 4096;
    /** The exit status reported for a request whose runner was abandoned. */
    static final int EXIT_ABANDONED = RunnerTermination.EXIT_ABANDONED;

    /** NEW until its params have ended and its streams are set up. */
    private enum Phase { NEW, RUNNING, FINISHED }

    private final ServerConnection connection;
    private final int id;
    private final Role role;
    private final boolean keepConn;

    private Params params;
    private RequestRecord record;
    private volatile Phase phase = Phase.NEW;

    private InputStream stdin;
    private RequestInput settlingStdin;
    private InputStream data;
    private InputPipe stdinPipe;
    private InputPipe dataPipe;
    private DirectInput directStdin;
    /** Whether the runner runs on the connection's thread. */
    private boolean direct;
    private RecordOutputStream stdout;
    private RecordOutputStream stderr;
    private ByteBuffer stdoutBuffer;

    private final RunnerTermination termination;
    volatile boolean timedOut;
    volatile long startedNanos;

    /** END_REQUEST went out, or can no longer go out; written under the connection's write lock. */
    volatile boolean ended;
    /** The next write through the sink carries END_REQUEST. */
    private boolean finishing;

    ServerRequest(ServerConnection connection, int id, Role role, boolean keepConn) {
        this.connection = connection;
        this.id = id;
        this.role = role;
        this.keepConn = keepConn;
        this.termination = new RunnerTermination(id);
    }

    /**
     * Its params have all arrived (on the connection's thread, before {@link #prepare}).
     *
     * @param record what the server's operators see of it
     */
    void paramsEnded(Params params, RequestRecord record) {
        this.params = params;
        this.record = record;
    }

    // ---- starting

    /**
     * Sets up the streams for a runner on the connection's thread ({@code direct}) or on a worker.
     *
     * @param reader       the connection's reader, for direct input
     * @param outputBuffer a buffer from {@link RecordOutputStream#allocate(int)} for STDOUT
     */
    void prepare(boolean direct, RecordReader reader, ByteBuffer outputBuffer, int inputBufferBytes, long maxBody,
                 ByteBudget spoolBudget) {
        this.direct = direct;
        stdoutBuffer = outputBuffer;
        stdout = new RecordOutputStream(RecordType.STDOUT, id, this::writeStdout, outputBuffer);
        record.watch(stdout);
        if (role == Role.AUTHORIZER) {
            stdin = InputStream.nullInputStream();
        } else if (direct) {
            directStdin = new DirectInput(connection, this, reader);
            settlingStdin = new RequestInput(directStdin, directStdin::isEnded, inputBufferBytes, maxBody,
                    spoolBudget);
            stdin = settlingStdin;
        } else {
            stdinPipe = new InputPipe(inputBufferBytes);
            settlingStdin = new RequestInput(stdinPipe, stdinPipe::isEnded, inputBufferBytes, maxBody, spoolBudget);
            stdin = settlingStdin;
        }
        if (role == Role.FILTER) {
            dataPipe = new InputPipe(inputBufferBytes);
            data = dataPipe;
        } else {
            data = InputStream.nullInputStream();
        }
        phase = Phase.RUNNING;
    }

    boolean ranOnConnectionThread() {
        return direct;
    }

    /** Routes a STDIN or DATA record's content to the runner's stream. */
    void inputRecord(RecordType type, RecordReader reader, int length) throws IOException {
        if (type == RecordType.STDIN) {
            if (directStdin != null) {
                directStdin.arrived(length);
            } else if (stdinPipe != null) {
                feed(stdinPipe, reader, length);
            }
        } else if (dataPipe != null) {
            feed(dataPipe, reader, length);
        }
    }

    private static void feed(InputPipe pipe, RecordReader reader, int length) throws IOException {
        if (length == 0) {
            pipe.end();
        } else {
            pipe.put(reader::readContent, length);
        }
    }

    /** Whether the request waits for the web server: params, or input its runner has not seen the end of. */
    boolean awaitsInput() {
        switch (phase) {
            case NEW:
                return true;
            case RUNNING:
                return directStdin != null ? !directStdin.isEnded()
                        : (stdinPipe != null && !stdinPipe.isEnded()) || (dataPipe != null && !dataPipe.isEnded());
            default:
                return false;
        }
    }

    boolean isRunning() {
        return phase == Phase.RUNNING;
    }

    /**
     * Whether the web server has sent the end of every input stream of this request, so that nothing more of it can
     * be on its way. An AUTHORIZER's input is unknowable (servers differ on sending an empty STDIN): never ended.
     */
    boolean inputEnded() {
        if (directStdin != null) {
            return directStdin.isEnded();
        }
        return stdinPipe != null && stdinPipe.isEnded() && (dataPipe == null || dataPipe.isEnded());
    }

    // ---- running, on whichever thread the connection chose

    void run(Runner chosen) {
        int status;
        boolean run = termination.enter(chosen);
        startedNanos = System.nanoTime();
        record.serving(Thread.currentThread());
        try {
            status = run ? chosen.run() : EXIT_ABANDONED;
        } catch (Throwable e) {
            if (termination.isTerminated() && e instanceof IOException) {
                // its streams were closed under it, as termination does: expected, not a fault of the runner
                LOG.log(System.Logger.Level.DEBUG, "request {0}, {1}: {2}", id, termination.reason(), e.toString());
            } else {
                LOG.log(System.Logger.Level.ERROR, "runner failed on request " + id, e);
            }
            status = EXIT_ABANDONED;
        } finally {
            record.serving(null);
            termination.leave();
        }
        finish(status);
    }

    private void finish(int status) {
        if (directStdin != null && !keepConn) {
            try {
                directStdin.seekBufferedEnd();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "request {0}: {1}", id, e.getMessage());
            }
        }
        closeInputs();
        try {
            if (timedOut && !hasOutput()) {
                stdout.write(CgiResponses.gatewayTimeout());
            }
            if (stderr != null) {
                stderr.close();
            }
            byte[] trailer = new byte[Fcgi.HEADER_LENGTH + EndRequestBody.LENGTH];
            EndRequestBody.encodeRecord(trailer, 0, id, status, ProtocolStatus.REQUEST_COMPLETE);
            finishing = true;
            record.responded(stdout);
            stdout.closeWith(trailer, 0, trailer.length);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "request {0}: could not send its end: {1}", id, e.getMessage());
        } finally {
            phase = Phase.FINISHED;
            connection.requestFinished(this, stdoutBuffer);
        }
    }

    private void closeInputs() {
        try {
            stdin.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "request {0}: {1}", id, e.getMessage());
        }
        if (stdinPipe != null) {
            stdinPipe.close();
        }
        if (dataPipe != null) {
            dataPipe.close();
        }
        if (directStdin != null) {
            directStdin.close();
        }
    }

    // ---- termination, from any thread

    /** ABORT_REQUEST from the web server. */
    void abort() {
        terminate("aborted by the web server");
    }

    /** Marks the request as timed out and terminates it. */
    void timeOut(String reason) {
        timedOut = true;
        record.timeOut();
        terminate(reason);
    }

    /** Asks the runner to stop: interrupts its thread (safely), fails its input, and tells the runner. */
    void terminate(String reason) {
        if (!termination.terminate(reason)) {
            return;
        }
        InterruptedIOException cause = new InterruptedIOException("request " + id + " " + reason);
        if (stdinPipe != null) {
            stdinPipe.fail(cause);
        }
        if (dataPipe != null) {
            dataPipe.fail(cause);
        }
    }

    boolean isTerminated() {
        return termination.isTerminated();
    }

    /** When the request was terminated ({@link System#nanoTime()}). */
    long terminatedNanos() {
        return termination.terminatedNanos();
    }

    /** The connection is gone: nothing can be sent any more, and the runner should stop. */
    void connectionLost(String reason) {
        ended = true;
        terminate(reason);
    }

    void checkNotTerminated() throws InterruptedIOException {
        termination.check();
    }

    /** See {@link RunnerTermination#beginIo()}. */
    boolean beginIo() throws InterruptedIOException {
        return termination.beginIo();
    }

    void endIo(boolean marked) {
        termination.endIo(marked);
    }

    /** STDOUT's records: the first waits until the request's input has all arrived (see {@link RequestInput}). */
    private void writeStdout(ByteBuffer records) throws IOException {
        if (settlingStdin != null && !finishing) {
            RequestInput input = settlingStdin;
            settlingStdin = null;
            input.settle();
        }
        write(records);
    }

    private void write(ByteBuffer records) throws IOException {
        boolean guarded = beginIo();
        try {
            connection.write(this, records, finishing);
        } finally {
            endIo(guarded);
        }
    }

    /** Whether the stdout stream has already sent its closing record (racy by nature: used only when abandoning). */
    boolean stdoutClosed() {
        return stdout != null && stdout.isClosed();
    }

    // ---- FcgiExchange

    @Override
    public void checkWebServer() throws IOException {
        if (directStdin == null || !termination.isRunnerThread()) {
            return; // on a worker, the connection's thread reads all the time
        }
        boolean guarded = beginIo();
        try {
            connection.poll();
        } finally {
            endIo(guarded);
        }
    }

    @Override
    public int requestId() {
        return id;
    }

    @Override
    public Role role() {
        return role;
    }

    @Override
    public boolean keepConn() {
        return keepConn;
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public InputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream data() {
        return data;
    }

    @Override
    public OutputStream stdout() {
        return stdout;
    }

    @Override
    public OutputStream stderr() {
        if (stderr == null) {
            stderr = new RecordOutputStream(RecordType.STDERR, id, this::write, STDERR_RECORD_BYTES);
        }
        return stderr;
    }

    @Override
    public boolean hasOutput() {
        return stdout.contentWritten() > 0;
    }

    @Override
    public void runBy(String name, String className) {
        record.runBy(name, className);
    }

    @Override
    public String toString() {
        return "request " + id + " (" + role + ") on " + connection;
    }
}
