package org.fcgibridge.core.testing;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated on the heap by the current thread, as the JVM counts them: a fuzz test asserts that a parser never
 * allocates from a length an input claims but does not carry.
 */
public final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    /** The bytes this thread has allocated so far (a running total: subtract two readings). */
    public static long current() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** What {@code action} allocates on this thread, whether it returns or throws. */
    public static long during(ThrowingRunnable action) {
        long before = current();
        try {
            action.run();
        } catch (Exception expected) {
            // the caller checks what may be thrown; here only the allocation counts
        }
        return current() - before;
    }

    /** An action that may throw a checked exception. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }
}
