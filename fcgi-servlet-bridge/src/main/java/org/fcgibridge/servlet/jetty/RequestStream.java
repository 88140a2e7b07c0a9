package org.fcgibridge.servlet.jetty;

/**
 * A running request as its {@link FcgiConnection} feeds it: the request body from STDIN records, its end, and the
 * loss of its web server. A servlet request ({@link FcgiHttpStream}) and a CGI script's ({@link CgiExchange}) take the
 * same calls, so the connection reads, pauses and aborts both alike.
 */
interface RequestStream {
    /** The request id the web server gave it. */
    int id();

    /** Whether the web server keeps the connection after this request (BEGIN_REQUEST's KEEP_CONN). */
    boolean keepConn();

    /**
     * STDIN content, on the connection's reading thread, never blocking. Returns false when too much waits unread: the
     * stream has called {@link FcgiConnection#pause()} and will call {@link FcgiConnection#resume()} once it has taken
     * enough.
     */
    boolean onInput(byte[] content);

    /** The empty STDIN record: the body is complete. */
    void onInputEnd();

    /** ABORT_REQUEST, or the connection failed: the request's client is gone. */
    void onAbort(Throwable cause);

    /** Whether the request still expects body bytes from the web server (a stall of those is the idle timeout's). */
    boolean waitsForInput();

    /**
     * The request was terminated {@code --terminate-grace} ago ({@link FcgiConnection#terminated}): if it has not
     * ended by now, its application ignores the termination, and the request is ended without it
     * ({@link FcgiConnection#abandon}); whatever the application writes later is dropped.
     */
    void abandonIfRunning();
}
