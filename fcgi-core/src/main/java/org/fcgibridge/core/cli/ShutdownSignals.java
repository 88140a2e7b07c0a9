package org.fcgibridge.core.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a graceful close, so that the process exits with status 0 after a requested stop
 * (what systemd and supervisors expect), not with the JVM's 143. Any other way the JVM ends (another signal,
 * System.exit) still runs the close through a shutdown hook. Install it before the server starts, so that no stop
 * signal can arrive unhandled.
 */
public final class ShutdownSignals {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicReference<Runnable> close = new AtomicReference<>(() -> { });
    private final Thread hook = new Thread(() -> close.get().run(), "fcgi-shutdown");

    private ShutdownSignals() {
    }

    /** Installs the handlers and the hook; call it before the server starts. */
    public static ShutdownSignals install() {
        ShutdownSignals signals = new ShutdownSignals();
        Runtime.getRuntime().addShutdownHook(signals.hook);
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> signals.stop.countDown());
            } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
                // the shutdown hook still closes gracefully on this platform
            }
        }
        return signals;
    }

    /** Blocks until a stop signal has arrived, then runs {@code onStop} (which must be idempotent). */
    public void awaitStop(Runnable onStop) {
        close.set(onStop);
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        onStop.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs onStop again, which is idempotent
        }
    }
}
