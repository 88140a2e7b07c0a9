package org.fcgibridge.servlet.container;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The request body as the servlet reads it: at most the declared length, blocking reads, and non-blocking reads with
 * a {@link ReadListener} (Servlet 6.0 section 5.6).
 *
 * <p>Non-blocking: the FastCGI request's STDIN is a blocking stream, so "data available" means bytes that the
 * stream holds already ({@link InputStream#available()}) or that the request's thread has read ahead. When the
 * application's {@link #isReady()} finds none, the request's thread, on its next turn, waits for the next bytes (or
 * the end) and then calls {@code onDataAvailable} (or {@code onAllDataRead}). Every listener call runs on the
 * request's thread, one at a time: {@code onDataAvailable} when data first arrives and then only after isReady()
 * returned false, {@code onAllDataRead} exactly once, {@code onError} if reading fails. A complete() or dispatch()
 * while the thread waits for data takes effect when the data (or the end) has come: the listener hears no more.
 */
final class BodyInput extends ServletInputStream {
    /** What the stream needs from the request. */
    interface Host {
        /** Whether the request is in asynchronous mode (a ReadListener needs it). */
        boolean isAsyncStarted();

        /** Asks for a turn on the request's thread: {@link #onTurn()} is called there when it is free. */
        void wantTurn();

        /** Whether the listener may still be called: neither complete nor dispatch has been called since. */
        boolean acceptsCallbacks();
    }

    private static final System.Logger LOG = System.getLogger(BodyInput.class.getName());
    private static final int READ_AHEAD = 8192;

    private final InputStream in;
    private final Host host;
    private long remaining;
    private boolean finished;
    /** Bytes the request's thread read ahead for a ReadListener; read() serves them first. */
    private byte[] ahead;
    private int aheadPos;
    private int aheadEnd;
    private ReadListener listener;
    private boolean allDataReadCalled;
    private boolean failed;
    /**
     * With a listener: the last isReady() returned true (or onDataAvailable is being called). Only then may the
     * application read, as in Jetty: a read otherwise could block, or race the request's thread reading ahead.
     */
    private boolean ready;
    /** The request's thread is reading ahead ({@link #fill()}). */
    private boolean filling;

    BodyInput(InputStream in, long length, Host host) {
        this.in = in;
        this.host = host;
        this.remaining = length < 0 ? Long.MAX_VALUE : length;
        this.finished = length == 0;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        synchronized (this) {
            if (listener != null && !ready) {
                throw new IllegalStateException("read while isReady() is not true");
            }
            if (aheadPos < aheadEnd) {
                int n = Math.min(len, aheadEnd - aheadPos);
                System.arraycopy(ahead, aheadPos, b, off, n);
                aheadPos += n;
                return n;
            }
            if (finished) {
                return -1;
            }
        }
        if (len == 0) {
            return 0;
        }
        return readFromBody(b, off, len);
    }

    /** A blocking read from the FastCGI stream, counted against the declared length. */
    private int readFromBody(byte[] b, int off, int len) throws IOException {
        long limit;
        synchronized (this) {
            limit = remaining;
        }
        int n = in.read(b, off, (int) Math.min(len, limit));
        synchronized (this) {
            if (n < 0) {
                finished = true;
                return -1;
            }
            remaining -= n;
            if (remaining == 0) {
                finished = true;
            }
        }
        return n;
    }

    @Override
    public synchronized int available() throws IOException {
        if (aheadPos < aheadEnd) {
            return aheadEnd - aheadPos;
        }
        return finished ? 0 : (int) Math.min(in.available(), remaining);
    }

    @Override
    public synchronized boolean isFinished() {
        return finished && aheadPos >= aheadEnd;
    }

    /**
     * Whether a read would not block. With a ReadListener, false also asks for {@code onDataAvailable} (or
     * {@code onAllDataRead}) once more data (or the end) has arrived.
     */
    @Override
    public boolean isReady() {
        boolean result;
        boolean wantTurn;
        synchronized (this) {
            if (listener == null || failed) {
                return listener == null;
            }
            ready = !filling && readable();
            result = ready;
            wantTurn = !ready && !filling; // a fill under way calls the listener when it ends
        }
        if (wantTurn) {
            host.wantTurn();
        }
        return result;
    }

    /** Whether a read would not block: bytes read ahead, the end, or bytes in the stream. */
    private boolean readable() {
        if (aheadPos < aheadEnd || finished) {
            return true;
        }
        try {
            return Math.min(in.available(), remaining) > 0;
        } catch (IOException e) {
            return false; // the next turn's read meets the failure and reports it to onError
        }
    }

    /**
     * @throws NullPointerException  if the listener is null
     * @throws IllegalStateException if the request is not in asynchronous mode, or a listener was set already
     */
    @Override
    public void setReadListener(ReadListener readListener) {
        Objects.requireNonNull(readListener, "readListener");
        synchronized (this) {
            if (listener != null) {
                throw new IllegalStateException("a ReadListener is set already");
            }
            if (!host.isAsyncStarted()) {
                throw new IllegalStateException("non-blocking reads need asynchronous mode (startAsync)");
            }
            listener = readListener;
        }
        host.wantTurn();
    }

    /**
     * The stream's turn on the request's thread: waits for data if none is there, then calls the listener. Returns
     * at once if there is no listener or it has heard of the end already.
     */
    void onTurn() {
        ReadListener current;
        synchronized (this) {
            current = listener;
            if (current == null || allDataReadCalled || failed) {
                return;
            }
        }
        try {
            if (!hasData()) {
                fill();
                if (!host.acceptsCallbacks()) {
                    return; // the application completed (or dispatched) while the thread waited for data
                }
            }
            if (hasData()) {
                markReady();
                current.onDataAvailable();
            }
            if (isFinished() && markAllDataRead()) {
                current.onAllDataRead();
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                failed = true;
            }
            try {
                current.onError(e);
            } catch (RuntimeException again) {
                LOG.log(System.Logger.Level.WARNING, "ReadListener.onError failed", again);
            }
        }
    }

    private synchronized void markReady() {
        ready = true;
    }

    private synchronized boolean hasData() {
        return aheadPos < aheadEnd;
    }

    private synchronized boolean markAllDataRead() {
        if (allDataReadCalled) {
            return false;
        }
        allDataReadCalled = true;
        return true;
    }

    /** Blocks the request's thread until the next bytes or the end of the body. */
    private void fill() throws IOException {
        synchronized (this) {
            if (finished || aheadPos < aheadEnd) {
                return;
            }
            if (ahead == null) {
                ahead = new byte[READ_AHEAD];
            }
            filling = true;
        }
        byte[] buffer = ahead;
        int n = -1;
        try {
            n = readFromBody(buffer, 0, buffer.length);
        } finally {
            synchronized (this) {
                aheadPos = 0;
                aheadEnd = Math.max(n, 0);
                filling = false;
            }
        }
    }
}
