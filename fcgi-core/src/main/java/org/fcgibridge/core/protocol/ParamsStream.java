package org.fcgibridge.core.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.fcgibridge.core.io.MemoryBudget;

/**
 * One request's PARAMS stream while its records arrive: their contents, gathered into one array that grows as needed,
 * up to a bound, and decoded once the stream has ended. Both engines collect params with it. The array is drawn from
 * a server-wide {@link MemoryBudget} until the stream is decoded or {@linkplain #release() released}, so that many
 * connections sending params that never end cannot exhaust the heap.
 */
public final class ParamsStream {
    private final int requestId;
    private final int maxBytes;
    private final MemoryBudget budget;
    private byte[] bytes;
    private int length;
    /** Bytes of the budget this stream holds; guarded by this (a watchdog may release it from another thread). */
    private long taken;
    private boolean released;

    /** The stream of request {@code requestId}, which may carry at most {@code maxBytes}, with no budget. */
    public ParamsStream(int requestId, int maxBytes) {
        this(requestId, maxBytes, MemoryBudget.unlimited());
    }

    /** The stream of request {@code requestId}, which may carry at most {@code maxBytes}, drawn from {@code budget}. */
    public ParamsStream(int requestId, int maxBytes, MemoryBudget budget) {
        this.requestId = requestId;
        this.maxBytes = maxBytes;
        this.budget = budget;
    }

    /**
     * Room for a record's {@code count} bytes: write them into the returned array at {@link #length()}, then call
     * {@link #advance(int)}.
     *
     * @throws ProtocolException if the stream would exceed its bound, or the server's budget is spent (too many
     *                           params are arriving at once), or the stream was released
     */
    public byte[] room(int count) throws ProtocolException {
        if ((long) length + count > maxBytes) {
            throw new ProtocolException("params of request " + requestId + " exceed the limit of " + maxBytes
                    + " bytes");
        }
        int capacity = bytes == null ? 0 : bytes.length;
        if (length + count > capacity) {
            int grown = bytes == null ? count
                    : (int) Math.min(maxBytes, Math.max((long) capacity * 2, length + count));
            draw(grown - capacity);
            bytes = bytes == null ? new byte[grown] : Arrays.copyOf(bytes, grown);
        }
        return bytes;
    }

    private synchronized void draw(long more) throws ProtocolException {
        if (released) {
            throw new ProtocolException("params of request " + requestId + ": the request is gone");
        }
        if (!budget.take(more)) {
            throw new ProtocolException("params of request " + requestId + ": the server's budget for params "
                    + "still arriving (" + budget.limit() + " bytes) is spent");
        }
        taken += more;
    }

    /** Gives the stream's memory back to the budget; later records fail. Idempotent, from any thread. */
    public synchronized void release() {
        if (!released) {
            released = true;
            budget.give(taken);
            taken = 0;
            bytes = null;
        }
    }

    /** How many bytes the stream holds. */
    public int length() {
        return length;
    }

    /** Counts {@code count} bytes written into the array of {@link #room(int)}. */
    public void advance(int count) {
        length += count;
    }

    /**
     * Appends a record's content (all that remains of {@code content}).
     *
     * @throws ProtocolException if the stream would exceed its bound
     */
    public void append(ByteBuffer content) throws ProtocolException {
        int count = content.remaining();
        if (count == 0) {
            return; // before the first bytes there is no array to write nothing into
        }
        content.get(room(count), length, count);
        advance(count);
    }

    /**
     * The stream has ended: its params.
     *
     * @throws ProtocolException if the name-value pairs are malformed
     */
    public Params decode() throws ProtocolException {
        try {
            return bytes == null ? Params.empty() : Params.parse(bytes, 0, length);
        } finally {
            release();
        }
    }
}
