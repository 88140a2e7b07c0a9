package org.fcgibridge.core.protocol;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's FCGI_MAX_CONNS and FCGI_MAX_REQS, counted over all its connections: shared by the connections of one
 * server, whichever engine runs them. Thread-safe.
 */
public final class Capacity {
    private final int maxConns;
    private final int maxReqs;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    /**
     * @throws IllegalArgumentException if a bound is not positive
     */
    public Capacity(int maxConns, int maxReqs) {
        if (maxConns < 1 || maxReqs < 1) {
            throw new IllegalArgumentException("maxConns and maxReqs must be positive: " + maxConns + ", " + maxReqs);
        }
        this.maxConns = maxConns;
        this.maxReqs = maxReqs;
    }

    /**
     * Counts a new connection if there is room for it.
     *
     * @return false if the server has FCGI_MAX_CONNS connections: this one is overloaded, every request on it is
     *         answered FCGI_OVERLOADED, and it is not counted (do not call {@link #connectionClosed()} for it)
     */
    public boolean connectionOpened() {
        return takeOne(connections, maxConns);
    }

    /** A connection counted by {@link #connectionOpened()} has closed. */
    public void connectionClosed() {
        connections.decrementAndGet();
    }

    /** Takes a request slot; false if FCGI_MAX_REQS requests are active on the server. */
    public boolean takeRequest() {
        return takeOne(requests, maxReqs);
    }

    /** Gives back a slot taken by {@link #takeRequest()}. */
    public void giveRequest() {
        requests.decrementAndGet();
    }

    /** Connections counted now. */
    public int connections() {
        return connections.get();
    }

    /** Requests active now. */
    public int requests() {
        return requests.get();
    }

    private static boolean takeOne(AtomicInteger count, int max) {
        while (true) {
            int current = count.get();
            if (current >= max) {
                return false;
            }
            if (count.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }
}
