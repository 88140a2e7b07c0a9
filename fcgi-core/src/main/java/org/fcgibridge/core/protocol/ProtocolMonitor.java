package org.fcgibridge.core.protocol;

/**
 * What an operator wants to know of the connections and requests of a server, told by {@link ConnectionProtocol} as it
 * happens, on both engines; and the requests the server answers itself (a ping, its status page) before any
 * application sees them. Every method is called from the threads that serve connections: keep them short and
 * thread-safe. The defaults do nothing.
 */
public interface ProtocolMonitor {
    /** A monitor that watches nothing and answers nothing. */
    ProtocolMonitor NONE = new ProtocolMonitor() {
    };

    /** A connection from the web server opened. */
    default void connectionOpened() {
    }

    /** A connection closed (once for each {@link #connectionOpened()}). */
    default void connectionClosed() {
    }

    /** A BEGIN_REQUEST was refused with {@code status} (OVERLOADED, CANT_MPX_CONN, UNKNOWN_ROLE). */
    default void refused(ProtocolStatus status) {
    }

    /**
     * A request's params have ended: the whole CGI response (head and body) if the server answers it itself, which the
     * application then never sees; null to let it run.
     */
    default byte[] answer(Params params) {
        return null;
    }

    /** A request starts (its params have ended and no answer of the monitor's took it). */
    default void started(RequestRecord request) {
    }

    /** A started request ended (its END_REQUEST goes now, or its connection was lost). */
    default void ended(RequestRecord request) {
    }
}
