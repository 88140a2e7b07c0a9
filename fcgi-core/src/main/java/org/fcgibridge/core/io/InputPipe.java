package org.fcgibridge.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stream of chunks of bytes handed from the thread that reads a connection to the thread that consumes one stream
 * of one request (a runner's STDIN or DATA, a client's STDOUT). At most {@code capacity} bytes wait; past that
 * the connection's thread waits for the consumer, so a slow consumer holds back its own connection but never grows
 * the heap.
 */
public final class InputPipe extends InputStream {
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private byte[] head;
    private int headPos;
    private int buffered;
    private boolean ended;
    private boolean discarding;
    private IOException failure;

    /**
     * @param capacity bytes that may wait before {@link #put} blocks (one record may exceed it when the pipe is empty)
     */
    public InputPipe(int capacity) {
        this.capacity = capacity;
    }

    /** Where {@link #put} takes a chunk from, such as the content of one record still unread on the connection. */
    @FunctionalInterface
    public interface Chunk {
        /**
         * Reads the whole chunk.
         *
         * @throws IOException if reading from the connection fails
         */
        byte[] read() throws IOException;
    }

    /**
     * Moves a chunk of {@code length} bytes (all of it) into the pipe, waiting while the pipe is full; the chunk is
     * read only once there is room, so that a full pipe holds back the connection. A chunk arriving after the
     * consumer closed the pipe, or after a failure, is not read (the record reader skips what is left unread).
     *
     * @throws IOException if reading the chunk fails
     */
    public void put(Chunk chunk, int length) throws IOException {
        lock.lock();
        try {
            while (buffered > 0 && buffered + length > capacity && !discarding && failure == null) {
                writable.awaitUninterruptibly();
            }
            if (discarding || failure != null) {
                return;
            }
        } finally {
            lock.unlock();
        }
        byte[] bytes = chunk.read();
        lock.lock();
        try {
            if (!discarding && failure == null) {
                chunks.add(bytes);
                buffered += bytes.length;
                readable.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The sender ended the stream (its empty record). */
    public void end() {
        lock.lock();
        try {
            ended = true;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the sender has ended the stream. */
    public boolean isEnded() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /** Makes every read from now on fail with {@code cause} (abort, timeout, lost connection); releases the writer. */
    public void fail(IOException cause) {
        lock.lock();
        try {
            if (failure == null && !ended) {
                failure = cause;
            }
            readable.signalAll();
            writable.signalAll();
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
        lock.lock();
        try {
            while (head == null) {
                head = chunks.poll();
                headPos = 0;
                if (head != null) {
                    break;
                }
                if (failure != null) {
                    throw failure;
                }
                if (ended || discarding) {
                    return -1;
                }
                try {
                    readable.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for request input");
                }
            }
            int n = Math.min(len, head.length - headPos);
            System.arraycopy(head, headPos, b, off, n);
            headPos += n;
            buffered -= n;
            if (headPos == head.length) {
                head = null;
            }
            writable.signal();
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return buffered;
        } finally {
            lock.unlock();
        }
    }

    /** The consumer is done with the stream: what waits is dropped, and what still arrives is skipped. */
    @Override
    public void close() {
        lock.lock();
        try {
            discarding = true;
            chunks.clear();
            head = null;
            buffered = 0;
            writable.signalAll();
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
