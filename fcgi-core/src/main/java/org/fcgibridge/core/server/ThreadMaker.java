package org.fcgibridge.core.server;

import java.lang.reflect.Method;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes the server's threads: virtual threads where the JVM has them (Java 21+) and they are wanted, platform
 * threads otherwise. The build targets Java 17, so virtual threads are found once, by reflection, at start.
 */
final class ThreadMaker {
    private ThreadMaker() {
    }

    /**
     * @throws IllegalStateException if virtual threads are required and this JVM has none
     */
    static ThreadFactory factory(ServerParams.ThreadKind kind, String prefix) {
        if (kind != ServerParams.ThreadKind.PLATFORM) {
            ThreadFactory virtual = virtualFactory(prefix);
            if (virtual != null) {
                return virtual;
            }
            if (kind == ServerParams.ThreadKind.VIRTUAL) {
                throw new IllegalStateException("virtual threads need Java 21 or later; this is "
                        + Runtime.version());
            }
        }
        AtomicLong counter = new AtomicLong();
        return task -> {
            Thread thread = new Thread(task, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Whether this JVM has virtual threads. */
    static boolean virtualThreadsAvailable() {
        return virtualFactory("probe-") != null;
    }

    private static ThreadFactory virtualFactory(String prefix) {
        try {
            Method ofVirtual = Thread.class.getMethod("ofVirtual");
            Object builder = ofVirtual.invoke(null);
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            builder = builderType.getMethod("name", String.class, long.class).invoke(builder, prefix, 1L);
            return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException | RuntimeException absent) {
            return null;
        }
    }
}
