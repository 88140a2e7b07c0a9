package org.fcgibridge.core.runner;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs an {@link FcgiHandler} on the calling thread; terminate is an interrupt (delivered by the server). A handler
 * that throws is logged, its exception goes to STDERR, and if it wrote nothing yet the web server gets a 500.
 */
public final class FunctionRunner implements Runner {
    /** The exit status of a handler that threw. */
    public static final int EXIT_FAILED = 1;

    private static final System.Logger LOG = System.getLogger(FunctionRunner.class.getName());

    private final FcgiHandler handler;
    private final FcgiExchange exchange;
    private volatile boolean terminated;

    /**
     * @param handler  the code to run
     * @param exchange the request it answers
     */
    public FunctionRunner(FcgiHandler handler, FcgiExchange exchange) {
        this.handler = handler;
        this.exchange = exchange;
    }

    @Override
    public int run() {
        try {
            return handler.handle(exchange);
        } catch (Exception | LinkageError | AssertionError e) {
            return failed(e);
        }
    }

    private int failed(Throwable e) {
        if (terminated || e instanceof InterruptedException || e instanceof InterruptedIOException) {
            LOG.log(System.Logger.Level.DEBUG, "request {0} ended by termination: {1}", exchange.requestId(), e);
            return EXIT_FAILED;
        }
        LOG.log(System.Logger.Level.WARNING, "handler failed on request " + exchange.requestId() + " for "
                + exchange.params().get("REQUEST_URI", exchange.params().get("SCRIPT_NAME", "?")), e);
        try {
            if (!exchange.hasOutput()) {
                OutputStream out = exchange.stdout();
                out.write(CgiResponses.internalServerError());
            }
            PrintStream err = new PrintStream(exchange.stderr(), false, StandardCharsets.UTF_8);
            err.print("handler failed: ");
            e.printStackTrace(err);
            err.flush();
        } catch (IOException | RuntimeException cannotReport) {
            LOG.log(System.Logger.Level.DEBUG, "could not report the failure to the web server", cannotReport);
        }
        return EXIT_FAILED;
    }

    @Override
    public void terminate() {
        terminated = true;
    }

    @Override
    public boolean mayRunOnConnectionThread() {
        return true;
    }
}
