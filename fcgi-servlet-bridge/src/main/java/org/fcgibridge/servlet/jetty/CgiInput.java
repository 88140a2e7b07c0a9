package org.fcgibridge.servlet.jetty;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.fcgibridge.core.io.BodyQueue;
import org.fcgibridge.core.runner.InputRefusedException;

/**
 * A CGI request's body as its runner reads it (blocking), fed by the connection's reading thread (never blocking):
 * past {@code queueLimit} unread bytes (--input-buffer-bytes) the connection pauses, and resumes once the runner
 * has read them. When the runner starts to answer, the rest of the body is taken as it comes, past that limit into a
 * temporary file under the server's spool budget ({@link BodyQueue}), as for a servlet ({@link FcgiHttpStream}):
 * nginx stops sending a body once it has the response's head, so a script that answers first and reads later must
 * find the body here. Past {@code maxBody} bytes, reads fail with an {@link InputRefusedException} (413), and past
 * what the spool budget kept (503), as on the standalone engine.
 */
final class CgiInput extends InputStream {

    /** The most bytes a read takes from the body's temporary file at once. */
    private static final int READ_BYTES = 16 * 1024;

    private final long maxBody;
    private final int queueLimit;
    private final Runnable pause;
    private final Runnable resume;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final BodyQueue body;
    private byte[] head;
    private int headPos;
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
     * @param body       where the body waits (memory, then a temporary file once the runner answers)
     * @param pause   stops the connection's reading (called before {@link #offer} returns false)
     * @param resume  lets a paused connection read again
     */
    CgiInput(long maxBody, int queueLimit, BodyQueue body, Runnable pause, Runnable resume) {
        this.maxBody = maxBody;
        this.queueLimit = queueLimit;
        this.body = body;
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
            try {
                body.add(content); // refused past the spool budget: the reads fail once they reach the gap
            } catch (IOException e) {
                fail(e);
                return true;
            }
            readable.signalAll();
            if (body.inMemory() > queueLimit && !settling) {
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
            body.spill();
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
                head = body.poll(READ_BYTES);
                headPos = 0;
                if (head != null) {
                    break;
                }
                if (body.isTruncated()) {
                    throw new InputRefusedException(503, "the server's budget for request bodies kept in temporary "
                            + "files is spent");
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
            long waiting = body.size() + (head == null ? 0 : head.length - headPos);
            return (int) Math.min(Integer.MAX_VALUE, waiting);
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
        try {
            body.close();
        } catch (IOException e) {
            // only its temporary file's deletion failed: nothing of it is read any more
        }
        head = null;
    }

    /** Lets a connection paused on this body read again, once there is room (or nobody will read). */
    private void resumeReader() {
        boolean wake;
        lock.lock();
        try {
            wake = pausedReader && (body.inMemory() <= queueLimit || settling || closed || failure != null);
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
