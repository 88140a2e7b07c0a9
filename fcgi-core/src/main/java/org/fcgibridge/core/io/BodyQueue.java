package org.fcgibridge.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * A request body waiting for its reader, taken in the order it arrived while more still arrives: in memory, and once
 * {@linkplain #spill() spilling} is on, what would hold more than {@code memoryThreshold} bytes in memory goes to a
 * {@link SpoolFile} under the server's budget, as does all that follows. Where the standalone engine reads the body
 * that arrives after the answer began into a {@link Spool} before the answer leaves, the Jetty engine, which must not
 * block there, queues it here, under the same budget. Not thread-safe: its owner locks.
 */
public final class BodyQueue implements Closeable {
    private final int memoryThreshold;
    private final ByteBudget diskBudget;
    private final ArrayDeque<byte[]> memory = new ArrayDeque<>();
    private long inMemory;
    private boolean spilling;
    private SpoolFile file;
    private boolean truncated;
    private boolean closed;

    /**
     * @param memoryThreshold the bytes that may wait in memory once spilling is on
     * @param diskBudget      what the temporary files of all spools may hold together
     */
    public BodyQueue(int memoryThreshold, ByteBudget diskBudget) {
        this.memoryThreshold = memoryThreshold;
        this.diskBudget = diskBudget;
    }

    /** From now on, bytes that would hold more than the threshold in memory go to a temporary file. */
    public void spill() {
        spilling = true;
    }

    /**
     * Queues {@code bytes}, which are kept as given (not copied). Once closed, nothing is kept.
     *
     * @return false if the budget for temporary files refused them: they are dropped, as is everything after them,
     *         and the queue is {@linkplain #isTruncated() truncated}
     * @throws IOException if the temporary file cannot be made or written
     */
    public boolean add(byte[] bytes) throws IOException {
        if (closed) {
            return true;
        }
        if (truncated) {
            return false;
        }
        if (file == null && (!spilling || inMemory + bytes.length <= memoryThreshold)) {
            memory.add(bytes);
            inMemory += bytes.length;
            return true;
        }
        if (file == null) {
            file = new SpoolFile(diskBudget);
        }
        truncated = !file.append(bytes, 0, bytes.length);
        return !truncated;
    }

    /**
     * The next bytes in order: a piece queued in memory whole, or up to {@code max} bytes of the file.
     *
     * @return null if none wait now
     */
    public byte[] poll(int max) throws IOException {
        byte[] head = memory.poll();
        if (head != null) {
            inMemory -= head.length;
            return head;
        }
        if (file == null || file.unread() == 0) {
            return null;
        }
        byte[] bytes = new byte[(int) Math.min(max, file.unread())];
        file.read(bytes, 0, bytes.length);
        return bytes;
    }

    /** The bytes waiting in memory: what flow control watches. */
    public long inMemory() {
        return inMemory;
    }

    /** The bytes waiting, in memory and in the file. */
    public long size() {
        return inMemory + (file == null ? 0 : file.unread());
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * Whether bytes were dropped because the budget for temporary files was spent: once the queue is empty, the body
     * cannot go on, and a read must fail (503 on the standalone engine).
     */
    public boolean isTruncated() {
        return truncated;
    }

    /** Drops what waits and deletes the file, giving its bytes back to the budget; keeps nothing after. Idempotent. */
    @Override
    public void close() throws IOException {
        closed = true;
        memory.clear();
        inMemory = 0;
        if (file != null) {
            file.close();
        }
    }
}
