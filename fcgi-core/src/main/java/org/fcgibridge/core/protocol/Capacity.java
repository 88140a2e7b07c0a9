package org.fcgibridge.core.protocol;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's FCGI_MAX_CONNS and FCGI_MAX_REQS, counted over all its connections: shared by the connections of one
 * server, whichever engine runs them. Thread-safe.
 */
public final class Capacity {
    private final int maxConns;
    private final int maxReqs;
    private final int maxOverloaded;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger overloaded = new AtomicInteger();
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
        this.maxOverloaded = Math.max(16, maxConns / 8);
    }

    /** How a new connection is let in. */
    public enum Admission {
        /** Counted; its requests are admitted as the request slots allow. */
        ADMITTED,
        /**
         * Over FCGI_MAX_CONNS: kept open just long enough to answer each request FCGI_OVERLOADED, so that the web
         * server learns why (a few such connections at most).
         */
        OVERLOADED,
        /** Over FCGI_MAX_CONNS with enough overloaded connections open already: close it at once. */
        REFUSED
    }

    /** Counts a new connection; pass the answer to {@link #connectionClosed(Admission)} when it closes. */
    public Admission connectionOpened() {
        if (takeOne(connections, maxConns)) {
            return Admission.ADMITTED;
        }
        if (takeOne(overloaded, maxOverloaded)) {
            return Admission.OVERLOADED;
        }
        return Admission.REFUSED;
    }

    /** A connection let in by {@link #connectionOpened()} has closed; once per connection. */
    public void connectionClosed(Admission admission) {
        if (admission == Admission.ADMITTED) {
            connections.decrementAndGet();
        } else if (admission == Admission.OVERLOADED) {
            overloaded.decrementAndGet();
        }
    }

    /** Takes a request slot; false if FCGI_MAX_REQS requests are active on the server. */
    public boolean takeRequest() {
        return takeOne(requests, maxReqs);
    }

    /** Gives back a slot taken by {@link #takeRequest()}. */
    public void giveRequest() {
        requests.decrementAndGet();
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
