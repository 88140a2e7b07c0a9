package org.fcgibridge.core.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.fcgibridge.core.io.ByteBudget;
import org.fcgibridge.core.io.Spool;
import org.fcgibridge.core.runner.InputRefusedException;

/**
 * A request's STDIN as its runner reads it: straight from the connection (or its pipe) until the runner starts to
 * answer; then, if the web server is still sending, whatever is left is first read into a {@link Spool} and later
 * reads come from there.
 *
 * <p>Why: nginx stops sending a request body once it has read the response header (it takes an early response for
 * the end of the request), so a runner that answers before reading all of its input would wait for the rest forever.
 *
 * <p>Thread-safe: a process runner reads STDIN on one thread while it answers on another.
 */
final class RequestInput extends InputStream {
    private final InputStream wire;
    private final BooleanSupplier wireEnded;
    private final int memoryThreshold;
    /** The most bytes the runner may read (Long.MAX_VALUE: no limit). */
    private final long maxBody;
    private final ByteBudget spoolBudget;
    private final ReentrantLock lock = new ReentrantLock();
    /** Bytes given to the runner so far; guarded by the lock. */
    private long delivered;
    private InputStream source;
    private Spool spool;
    private volatile boolean closed;

    /**
     * @param wire            the stream as it arrives
     * @param wireEnded       whether the web server has sent the stream's end (nothing more is on its way)
     * @param memoryThreshold bytes a spool keeps in memory before it uses a temporary file
     * @param maxBody         the most bytes the runner may read, 0 for no limit
     * @param spoolBudget     what the temporary files of all spools may hold together
     */
    RequestInput(InputStream wire, BooleanSupplier wireEnded, int memoryThreshold, long maxBody,
                 ByteBudget spoolBudget) {
        this.wire = wire;
        this.wireEnded = wireEnded;
        this.memoryThreshold = memoryThreshold;
        this.maxBody = maxBody == 0 ? Long.MAX_VALUE : maxBody;
        this.spoolBudget = spoolBudget;
        this.source = wire;
    }

    /**
     * Reads whatever the web server has still to send into a spool, unless it has all arrived already or the runner
     * closed the stream (it reads no more: the rest is skipped as it arrives, never stored).
     */
    void settle() throws IOException {
        lock.lock();
        try {
            if (spool != null || closed || wireEnded.getAsBoolean()) {
                return;
            }
            // one byte past the limit tells a body over it from one that ends there
            spool = new Spool(memoryThreshold, maxBody == Long.MAX_VALUE ? Long.MAX_VALUE : maxBody - delivered + 1,
                    spoolBudget);
            spool.fillFrom(wire);
            source = spool.reader();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    /**
     * @throws InputRefusedException past the body's limit (413), or at the end of what a full spool kept: past the
     *                               limit (413) or the server's budget for temporary files (503)
     */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        lock.lock();
        try {
            int n = source.read(b, off, len);
            if (n > 0 && (delivered += n) > maxBody) {
                throw tooLarge();
            }
            if (n < 0 && spool != null && spool.isFull()) {
                throw spool.isOverLimit() ? tooLarge() : new InputRefusedException(503, "the server's budget for "
                        + "request bodies kept in temporary files is spent");
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    private InputRefusedException tooLarge() {
        return new InputRefusedException(413, "the request body is larger than " + maxBody + " bytes");
    }

    @Override
    public int available() throws IOException {
        lock.lock();
        try {
            return source.available();
        } finally {
            lock.unlock();
        }
    }

    /** Ends reading; does not wait for a reader blocked on the connection (closing the wire wakes it). */
    @Override
    public void close() throws IOException {
        closed = true;
        wire.close();
        lock.lock();
        try {
            if (spool != null) {
                spool.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
