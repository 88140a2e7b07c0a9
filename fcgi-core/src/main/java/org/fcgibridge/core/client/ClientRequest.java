package org.fcgibridge.core.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fcgibridge.core.io.InputPipe;
import org.fcgibridge.core.protocol.EndRequestBody;
import org.fcgibridge.core.protocol.RecordOutputStream;
import org.fcgibridge.core.protocol.RecordReader;
import org.fcgibridge.core.protocol.RecordType;

/**
 * One request in flight on an {@link FcgiClient}: write its STDIN (and DATA), read its STDOUT as it arrives, then
 * {@link #awaitEnd()}. STDERR is collected (up to 1 MiB) and available once the request has ended.
 */
public final class ClientRequest {
    private static final int STDERR_LIMIT = 1 << 20;

    private final FcgiClient client;
    private final int id;
    private final RecordOutputStream stdin;
    private final RecordOutputStream data;
    private final InputPipe stdout;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final CompletableFuture<EndRequestBody> end = new CompletableFuture<>();

    ClientRequest(FcgiClient client, int id, int stdoutCapacity) {
        this.client = client;
        this.id = id;
        this.stdin = new RecordOutputStream(RecordType.STDIN, id, this::send, 0xFFF8);
        this.data = new RecordOutputStream(RecordType.DATA, id, this::send, 0xFFF8);
        this.stdout = new InputPipe(stdoutCapacity);
    }

    /** The request id on the connection. */
    public int requestId() {
        return id;
    }

    /**
     * Input records, unless the server has already ended the request (END_REQUEST): a server may answer before the
     * body is all sent (a servlet that does not read it) and close the connection; what is left is not needed.
     */
    private void send(ByteBuffer records) throws IOException {
        if (!end.isDone() || end.isCompletedExceptionally()) {
            client.write(records);
        }
    }

    /**
     * The request body; {@code close()} ends the STDIN stream. Once the server has ended the request, what is written
     * is dropped.
     */
    public OutputStream stdin() {
        return stdin;
    }

    /** The FILTER role's data file; {@code close()} ends the DATA stream. */
    public OutputStream data() {
        return data;
    }

    /** The response as it arrives; ends after the last STDOUT record. */
    public InputStream stdout() {
        return stdout;
    }

    /** What arrived on STDERR so far. */
    public synchronized byte[] stderrBytes() {
        return stderr.toByteArray();
    }

    /**
     * Sends ABORT_REQUEST for this request.
     *
     * @throws IOException if the connection failed
     */
    public void abort() throws IOException {
        client.abort(id);
    }

    /** Whether END_REQUEST has arrived (or the connection ended without it). */
    public boolean isDone() {
        return end.isDone();
    }

    /**
     * Waits for END_REQUEST.
     *
     * @throws EOFException   if the connection ended before it
     * @throws IOException    if the connection failed
     */
    public EndRequestBody awaitEnd() throws IOException {
        return awaitEnd(Duration.ofDays(1));
    }

    /**
     * Waits for END_REQUEST at most {@code timeout}.
     *
     * @throws InterruptedIOException if it did not come in time, or the wait was interrupted
     * @throws EOFException           if the connection ended before it
     */
    public EndRequestBody awaitEnd(Duration timeout) throws IOException {
        try {
            return end.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new InterruptedIOException("no END_REQUEST for request " + id + " within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for request " + id);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException ? (IOException) cause : new IOException(cause);
        }
    }

    /**
     * Reads STDOUT to its end and waits for END_REQUEST.
     *
     * @throws IOException if the connection failed or ended before END_REQUEST
     */
    public FcgiResponse readResponse() throws IOException {
        byte[] out = stdout.readAllBytes();
        EndRequestBody body = awaitEnd();
        return new FcgiResponse(out, stderrBytes(), body.appStatus(), body.protocolStatus());
    }

    // ---- called by the client's reader thread

    void stdoutRecord(RecordReader reader, int length) throws IOException {
        if (length == 0) {
            stdout.end();
        } else {
            stdout.put(reader::readContent, length);
        }
    }

    synchronized void stderrRecord(RecordReader reader, int length) throws IOException {
        byte[] content = reader.readContent();
        if (stderr.size() < STDERR_LIMIT) {
            stderr.write(content, 0, Math.min(content.length, STDERR_LIMIT - stderr.size()));
        }
    }

    void ended(EndRequestBody body) {
        stdout.end();
        end.complete(body);
    }

    void failed(IOException cause) {
        stdout.fail(cause);
        end.completeExceptionally(cause);
    }
}
