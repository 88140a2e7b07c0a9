package org.fcgibridge.core.runner;

/**
 * Chooses and makes the runner for each request: a function (a servlet, a handler) or a process (a CGI script).
 */
@FunctionalInterface
public interface RunnerFactory {
    /**
     * Makes the runner for a request whose params have all arrived. Called on the connection's thread: it must not
     * block.
     *
     * @throws Exception if no runner can be made; the server answers the request with a 500 response
     */
    Runner create(FcgiExchange exchange) throws Exception;

    /** A factory that runs {@code handler} for every request. */
    static RunnerFactory of(FcgiHandler handler) {
        return exchange -> new FunctionRunner(handler, exchange);
    }
}
