package org.fcgibridge.core.io;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Direct buffers of one kind, reused between connections. A direct buffer is freed only when the garbage collector
 * finds it, so a server that allocated one per connection would fault in fresh, zeroed pages for every connection
 * (measured: most of the accepting thread's time under nginx's default of one connection per request).
 */
public final class BufferPool {
    private final int maxPooled;
    private final Supplier<ByteBuffer> allocator;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

    /**
     * @param maxPooled how many free buffers to keep; more are left to the garbage collector
     * @param allocator makes a buffer when none is free
     */
    public BufferPool(int maxPooled, Supplier<ByteBuffer> allocator) {
        this.maxPooled = maxPooled;
        this.allocator = allocator;
    }

    /** A buffer from the pool, cleared, or a new one. */
    public ByteBuffer take() {
        ByteBuffer buffer;
        synchronized (free) {
            buffer = free.pollLast();
        }
        return buffer != null ? buffer.clear() : allocator.get();
    }

    /** Gives back a buffer that {@link #take()} gave; the caller must not touch it afterwards. Null is ignored. */
    public void give(ByteBuffer buffer) {
        if (buffer == null) {
            return;
        }
        synchronized (free) {
            if (free.size() < maxPooled) {
                free.addLast(buffer);
            }
        }
    }
}
