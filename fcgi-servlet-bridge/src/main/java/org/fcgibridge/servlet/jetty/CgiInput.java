package org.fcgibridge.servlet.jetty;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.fcgibridge.core.runner.InputRefusedException;

/**
 * A CGI request's body as its runner reads it (blocking), fed by the connection's reading thread (never blocking):
 * past {@code queueLimit} unread bytes (--input-buffer-bytes) the connection pauses, and resumes once the runner
 * has read them. When the runner starts to answer, the rest of the body is taken without that limit (up to
 * {@value FcgiConnection#SETTLE_LIMIT} bytes), as for a servlet ({@link FcgiHttpStream}): nginx stops sending a
 * body once it has the response's head, so a script that answers first and reads later must find the body here.
 * Past {@code maxBody} bytes, reads fail with an {@link InputRefusedException} (413), as on the standalone engine.
 */
final class CgiInput extends InputStream {

    private final long maxBody;
    private final int queueLimit;
    private final Runnable pause;
    private final Runnable resume;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private byte[] head;
    private int headPos;
    /** Bytes waiting to be read. */
    private long queued;
    /** Bytes of the body received in all. */
    private long received;
    private boolean ended;
    private boolean settling;
    /** The runner reads no more: what waits is dropped, what still arrives is skipped. */
    private boolean closed;
    private boolean pausedReader;
    private IOException failure;

    /**
     * @param maxBody    the most bytes of a body, 0 for no limit
     * @param queueLimit the unread bytes past which the connection pauses
     * @param pause   stops the connection's reading (called before {@link #offer} returns false)
     * @param resume  lets a paused connection read again
     */
    CgiInput(long maxBody, int queueLimit, Runnable pause, Runnable resume) {
        this.maxBody = maxBody;
        this.queueLimit = queueLimit;
        this.pause = pause;
        this.resume = resume;
    }

    /** STDIN content from the web server; false when the connection should stop reading (it has been paused). */
    boolean offer(byte[] content) {
        lock.lock();
        try {
            if (closed || ended || failure != null) {
                return true; // skipped
            }
            received += content.length;
            if (maxBody > 0 && received > maxBody) {
                fail(new InputRefusedException(413, "the request body is larger than " + maxBody + " bytes"));
                return true;
            }
            chunks.add(content);
            queued += content.length;
            readable.signalAll();
            if (settling && queued > FcgiConnection.SETTLE_LIMIT) {
                fail(new IOException("request body over " + FcgiConnection.SETTLE_LIMIT
                        + " bytes still unread after the response began"));
                return true;
            }
            if (queued > queueLimit && !settling) {
                pausedReader = true;
                pause.run();
                return false;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The web server sent the end of the body. */
    void end() {
        lock.lock();
        try {
            ended = true;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Reads from now on fail with {@code cause} (abort, timeout, a body over its limit); what waits is dropped. */
    void fail(IOException cause) {
        lock.lock();
        try {
            if (failure == null && !closed) {
                failure = cause;
                drop();
            }
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        resumeReader();
    }

    /** The runner has begun its answer: the rest of the body is taken as it comes, the connection reads on. */
    void settle() {
        lock.lock();
        try {
            settling = true;
        } finally {
            lock.unlock();
        }
        resumeReader();
    }

    /** Whether the web server has more of the body to send, that someone will read. */
    boolean waitsForInput() {
        lock.lock();
        try {
            return !ended && !closed && failure == null;
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
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int n;
        lock.lock();
        try {
            while (head == null) {
                if (failure != null) {
                    throw failure;
                }
                head = chunks.poll();
                headPos = 0;
                if (head != null) {
                    break;
                }
                if (ended || closed) {
                    return -1;
                }
                try {
                    readable.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the request body");
                }
            }
            n = Math.min(len, head.length - headPos);
            System.arraycopy(head, headPos, b, off, n);
            headPos += n;
            queued -= n;
            if (headPos == head.length) {
                head = null;
            }
        } finally {
            lock.unlock();
        }
        resumeReader();
        return n;
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, queued);
        } finally {
            lock.unlock();
        }
    }

    /** The runner reads no more: what waits is dropped and what still arrives is skipped, never stored. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            drop();
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        resumeReader();
    }

    private void drop() {
        chunks.clear();
        head = null;
        queued = 0;
    }

    /** Lets a connection paused on this body read again, once there is room (or nobody will read). */
    private void resumeReader() {
        boolean wake;
        lock.lock();
        try {
            wake = pausedReader && (queued <= queueLimit || settling || closed || failure != null);
            if (wake) {
                pausedReader = false;
            }
        } finally {
            lock.unlock();
        }
        if (wake) {
            resume.run();
        }
    }
}
