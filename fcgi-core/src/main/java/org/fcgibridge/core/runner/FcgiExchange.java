package org.fcgibridge.core.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.Role;

/**
 * One request as a runner sees it: what the web server sent (role, params, STDIN, DATA) and where the answer goes
 * (STDOUT, STDERR). The streams are the request's own: closing them is optional, the server closes them and sends
 * END_REQUEST when the runner returns.
 *
 * <p>STDOUT is a CGI response for the RESPONDER and AUTHORIZER roles: header lines, a blank line, the body. What is
 * written is sent in records as the buffer fills and whenever {@code stdout().flush()} is called; it is never held
 * whole. Reads and writes fail with an {@link java.io.IOException} once the request has been aborted or has timed
 * out, or the connection is gone.
 */
public interface FcgiExchange {
    /** The id the web server gave this request (nginx always uses 1). */
    int requestId();

    /** The role the web server asked for. */
    Role role();

    /** Whether the web server keeps the connection after this request. */
    boolean keepConn();

    /** The request's params (the CGI environment). */
    Params params();

    /** The request body (STDIN); empty for the AUTHORIZER role. Ends where the web server's STDIN stream ends. */
    InputStream stdin();

    /** The FILTER role's data file (DATA); empty for the other roles. */
    InputStream data();

    /** The response (STDOUT). */
    OutputStream stdout();

    /** Diagnostics for the web server's error log (STDERR). */
    OutputStream stderr();

    /** Whether any byte has been written to STDOUT (so a failure can no longer be answered with a clean 500). */
    boolean hasOutput();

    /**
     * Tells the server's operators what runs this request, once the handler knows (a web application: the servlet it
     * is mapped to): the status page's {@code runner} and the slow log's {@code script_filename} name it. Costs
     * nothing where no one watches; does nothing by default.
     *
     * @param name      its name, or null
     * @param className the class that implements it, or null
     */
    default void runBy(String name, String className) {
    }

    /**
     * For a runner on the connection's thread ({@link Runner#mayRunOnConnectionThread()}) that waits on something
     * other than this exchange's streams: takes, without waiting, what the web server has sent meanwhile. An
     * ABORT_REQUEST, or the end of the connection (a vanished client), terminates the request as it would on a
     * worker: {@link Runner#terminate()} is called and this thread is interrupted. Call it every so often while
     * waiting, never while another thread reads {@link #stdin()}. Elsewhere it does nothing: on a worker, the
     * connection's thread reads all the time.
     *
     * @throws java.io.InterruptedIOException if the request has been terminated
     * @throws IOException if the connection failed or the web server sent a malformed record (it is then closed)
     */
    default void checkWebServer() throws IOException {
    }
}
