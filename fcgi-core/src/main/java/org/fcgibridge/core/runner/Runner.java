package org.fcgibridge.core.runner;

/**
 * The plumbing of one running request: a function on a thread, or a process. The server calls {@link #run()} on a
 * thread of its choosing, and {@link #terminate()} from another when the request is aborted, times out, or the
 * server closes.
 */
public interface Runner {
    /**
     * Runs the request to its end, streaming input and output through the exchange it was made for.
     *
     * @return the exit status, sent as END_REQUEST's appStatus
     * @throws Exception if the runner failed in a way it could not answer itself; the server logs it and ends the
     *                   request with a non-zero status
     */
    int run() throws Exception;

    /**
     * Asks the running request to stop as soon as it can: interrupt the function, kill the process tree. Safe to call
     * from any thread, any number of times, before, during or after {@link #run()}. The server also interrupts the
     * thread that calls {@code run()}, safely for the connection.
     */
    void terminate();

    /**
     * Whether {@link #run()} may run on the connection's own thread when the connection carries one request at a
     * time: no thread hand-off, but the connection is not read while the runner computes, so an abort is noticed only
     * when the runner next reads or writes. Runners that must notice a vanished client at once say no, or call
     * {@link FcgiExchange#checkWebServer()} every so often while they wait (the CGI runner does).
     */
    default boolean mayRunOnConnectionThread() {
        return false;
    }
}
