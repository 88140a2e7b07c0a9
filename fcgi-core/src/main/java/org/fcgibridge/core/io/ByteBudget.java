package org.fcgibridge.core.io;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A server-wide ceiling on bytes that many holders draw from: the memory that peers' unfinished params may pin at
 * once, the disk that request bodies in temporary files may fill, whatever the number of connections. Thread-safe.
 */
public final class ByteBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /**
     * @param limit the bytes that may be taken at once
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public ByteBudget(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("a budget of " + limit + " bytes");
        }
        this.limit = limit;
    }

    /** A budget that never runs out (tests, tools). */
    public static ByteBudget unlimited() {
        return new ByteBudget(Long.MAX_VALUE);
    }

    /** What a server gets by default: a quarter of the heap the JVM may use. */
    public static ByteBudget quarterOfHeap() {
        return new ByteBudget(Runtime.getRuntime().maxMemory() / 4);
    }

    /**
     * Takes {@code bytes}, unless that would exceed the limit; then takes nothing.
     *
     * @return whether they were taken
     */
    public boolean take(long bytes) {
        while (true) {
            long current = used.get();
            if (bytes > limit - current) {
                return false;
            }
            if (used.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    /** Gives back bytes taken before. */
    public void give(long bytes) {
        used.addAndGet(-bytes);
    }

    /** The bytes taken now. */
    public long used() {
        return used.get();
    }

    /** The ceiling. */
    public long limit() {
        return limit;
    }
}
