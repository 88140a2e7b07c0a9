package org.fcgibridge.servlet.jetty;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.fcgibridge.core.cgi.CgiRunnerFactory;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.runner.FcgiExchange;
import org.fcgibridge.core.runner.PrefixRouter;
import org.fcgibridge.core.runner.Runner;
import org.fcgibridge.core.runner.RunnerFactory;

/**
 * Legacy CGI scripts beside the web application on the Jetty engine ({@code --cgi-root}): the requests whose path lies
 * under a prefix (as {@link PrefixRouter} tells it, the same test as the standalone engine's) do not go to Jetty but
 * to fcgi-core's runners, normally its {@link CgiRunnerFactory}, each as a {@link CgiExchange} on its connection.
 *
 * <p>Give it to {@link FcgiConnectionFactory}, which manages it as a bean. A graceful stop of the server lets the
 * scripts running finish within its stop timeout (Jetty's connector waits for its connections, and a script holds
 * its own); the stop then terminates those left, also on a connection paused because its script does not read.
 */
public final class CgiMount extends AbstractLifeCycle {
    private final PrefixRouter router;
    private final RunnerFactory runners;
    private final Set<CgiExchange> running = ConcurrentHashMap.newKeySet();

    /**
     * @param prefix  a request path such as "/cgi-bin" (a trailing slash is ignored)
     * @param runners makes the runner of each request under it; {@link RunnerFactory#create} is called on the
     *                connection's thread and must not block
     */
    public CgiMount(String prefix, RunnerFactory runners) {
        this.runners = runners;
        this.router = new PrefixRouter(prefix, runners, CgiMount::unclaimed);
    }

    private static Runner unclaimed(FcgiExchange exchange) {
        throw new IllegalStateException("request " + exchange.requestId() + " is not under the CGI prefix");
    }

    /** Whether a request with these params is a script's, not the application's. */
    boolean claims(Params params) {
        return router.claims(params);
    }

    /** The runner of a request this mount claims. */
    Runner create(FcgiExchange exchange) throws Exception {
        return runners.create(exchange);
    }

    /** A request's runner is about to run. */
    void started(CgiExchange exchange) {
        running.add(exchange);
    }

    /** A request's END_REQUEST has gone out (or could not). */
    void finished(CgiExchange exchange) {
        running.remove(exchange);
    }

    /** The scripts that outlived the grace are terminated, as on the standalone engine. */
    @Override
    protected void doStop() throws Exception {
        List<CgiExchange> left = new ArrayList<>(running);
        for (CgiExchange exchange : left) {
            exchange.onAbort(new EofException("the server stopped"));
        }
        super.doStop();
    }
}
