package org.fcgibridge.core.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * Bytes kept for reading later: in memory up to a threshold, the rest in a temporary file ({@link SpoolFile}) that is
 * deleted when the spool is closed. The file draws its bytes from a budget shared by the whole server, and a spool
 * holds at most a limit: past either, filling stops. Fill it, then read it once. Not thread-safe.
 */
public final class Spool implements Closeable {
    private final int memoryThreshold;
    private final long limit;
    private final ByteBudget diskBudget;
    private final ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private SpoolFile file;
    private long size;
    private boolean full;

    /**
     * @param memoryThreshold bytes kept in memory before the rest goes to a temporary file
     */
    public Spool(int memoryThreshold) {
        this(memoryThreshold, Long.MAX_VALUE, ByteBudget.unlimited());
    }

    /**
     * @param memoryThreshold bytes kept in memory before the rest goes to a temporary file
     * @param limit           the most bytes this spool keeps
     * @param diskBudget      what the temporary files of all spools may hold together
     */
    public Spool(int memoryThreshold, long limit, ByteBudget diskBudget) {
        this.memoryThreshold = memoryThreshold;
        this.limit = limit;
        this.diskBudget = diskBudget;
    }

    /**
     * Reads {@code in} into the spool, to its end or until the spool is {@linkplain #isFull() full}.
     *
     * @return the number of bytes kept
     * @throws IOException if reading fails or the temporary file cannot be written
     */
    public long fillFrom(InputStream in) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        int n;
        while (!full && (n = in.read(buffer)) >= 0) {
            total += write(buffer, n);
        }
        return total;
    }

    /**
     * Whether filling stopped before the end of the input: the spool's limit was reached, or the disk budget was
     * spent. What was read past it is dropped.
     */
    public boolean isFull() {
        return full;
    }

    /** Whether filling stopped because of the spool's own limit (not the shared budget). */
    public boolean isOverLimit() {
        return full && size >= limit;
    }

    private int write(byte[] b, int len) throws IOException {
        if (len > limit - size) {
            len = (int) (limit - size);
            full = true;
        }
        int toMemory = (int) Math.max(0, Math.min(len, memoryThreshold - memory.size()));
        memory.write(b, 0, toMemory);
        if (toMemory < len) {
            if (file == null) {
                file = new SpoolFile(diskBudget);
            }
            if (!file.append(b, toMemory, len - toMemory)) {
                full = true;
                len = toMemory;
            }
        }
        size += len;
        return len;
    }

    /** The bytes spooled so far. */
    public long size() {
        return size;
    }

    /** A stream of what was spooled, from the start. */
    public InputStream reader() throws IOException {
        InputStream head = new ByteArrayInputStream(memory.toByteArray());
        return file == null ? head : new SequenceInputStream(head, file.reader());
    }

    /** Deletes the temporary file, if any, and gives its bytes back to the budget. Idempotent. */
    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}
