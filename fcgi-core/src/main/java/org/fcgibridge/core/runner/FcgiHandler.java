package org.fcgibridge.core.runner;

/**
 * Application code that answers a FastCGI request, run by a {@link FunctionRunner}.
 */
@FunctionalInterface
public interface FcgiHandler {
    /**
     * Answers one request: reads what it needs of the exchange's input, writes the response to its STDOUT.
     *
     * <p>The thread is interrupted when the request is aborted, times out, or the server is closed; reads and
     * writes of the exchange's streams then fail too.
     *
     * @return the exit status, sent to the web server as END_REQUEST's appStatus (0 for success)
     * @throws Exception on any failure: it is logged, copied to STDERR and, if nothing was written to STDOUT yet,
     *                   answered with a 500 response
     */
    int handle(FcgiExchange exchange) throws Exception;
}
