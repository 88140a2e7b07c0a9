package org.fcgibridge.servlet.cli;

import java.time.Duration;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.servlet.AccessLog;

/** An application the launcher serves, with its HTTP front and access log, until {@link #close()}. */
public final class Launch implements AutoCloseable {
    private final HttpFront front;
    private final Served served;
    private final AccessLog log;
    private final WorkDirectory work;
    private final long graceSeconds;
    private boolean closed;

    /** What started, each possibly null (a start that failed half way closes what it had). */
    Launch(HttpFront front, Served served, AccessLog log, WorkDirectory work, long graceSeconds) {
        this.front = front;
        this.served = served;
        this.log = log;
        this.work = work;
        this.graceSeconds = graceSeconds;
    }

    /** Where the FastCGI server listens, as a web server connects to it (the wildcard becomes loopback). */
    public ListenAddress fastCgiAddress() {
        return served.backend();
    }

    /** The port of the HTTP front on loopback, or -1 without {@code --http}. */
    public int httpPort() {
        return front == null ? -1 : front.port();
    }

    String describeAddress() {
        return served.describeAddress();
    }

    int servlets() {
        return served.servlets();
    }

    /**
     * Stops what started, front first, so that requests it accepted still reach the application; then the
     * application, after the requests in flight finish. One grace period for both: what still runs when it ends is
     * ended. Then the work directory is deleted. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + Duration.ofSeconds(graceSeconds).toNanos();
        if (front != null) {
            try {
                front.close(Duration.ofSeconds(graceSeconds));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stopped all the same; the rest stops too
            }
        }
        if (served != null) {
            served.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        if (log != null) {
            log.close();
        }
        if (work != null) {
            work.close();
        }
    }
}
