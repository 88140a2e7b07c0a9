package org.fcgibridge.core.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.fcgibridge.core.io.Spool;

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
    private final ReentrantLock lock = new ReentrantLock();
    private InputStream source;
    private Spool spool;
    private volatile boolean closed;

    /**
     * @param wire            the stream as it arrives
     * @param wireEnded       whether the web server has sent the stream's end (nothing more is on its way)
     * @param memoryThreshold bytes a spool keeps in memory before it uses a temporary file
     */
    RequestInput(InputStream wire, BooleanSupplier wireEnded, int memoryThreshold) {
        this.wire = wire;
        this.wireEnded = wireEnded;
        this.memoryThreshold = memoryThreshold;
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
            spool = new Spool(memoryThreshold);
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

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        lock.lock();
        try {
            return source.read(b, off, len);
        } finally {
            lock.unlock();
        }
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
