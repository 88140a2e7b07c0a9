package org.fcgibridge.servlet;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import org.fcgibridge.core.http.RequestPath;
import org.fcgibridge.core.runner.FcgiExchange;
import org.fcgibridge.core.runner.FcgiHandler;
import org.fcgibridge.core.runner.FunctionRunner;
import org.fcgibridge.servlet.container.BridgeServletContext;
import org.fcgibridge.servlet.container.DefaultErrorPage;
import org.fcgibridge.servlet.http.BadRequestException;
import org.fcgibridge.servlet.http.BridgeResponse;
import org.fcgibridge.servlet.http.CgiRequest;
import org.fcgibridge.servlet.http.ClientAbortException;
import org.fcgibridge.servlet.http.FcgiAttributes;

/**
 * The FastCGI handler that runs a web application: each request's params become an HttpServletRequest, its STDIN the
 * request body, and the application's response goes back on STDOUT as a CGI response. A request whose params cannot
 * be mapped (no method, a malformed path) is answered 400. The request attributes of {@link FcgiAttributes} carry the
 * FastCGI role and every param. The servlet a request is mapped to is told to the exchange
 * ({@link FcgiExchange#runBy}), for the server's operators.
 *
 * <pre>{@code
 * BridgeServletContext app = new BridgeServletContext("", loader, WebResources.of(dir));
 * app.addServlet("hello", HelloServlet.class).addMapping("/hello");
 * app.start();
 * FcgiServer.start(ListenAddress.parse("127.0.0.1:9000"), ServerParams.defaults(),
 *         RunnerFactory.of(new ServletResponder(app)));
 * }</pre>
 */
public final class ServletResponder implements FcgiHandler {
    private static final System.Logger LOG = System.getLogger(ServletResponder.class.getName());

    private final BridgeServletContext context;
    private final AccessLog accessLog;

    /**
     * @param context a started web application
     */
    public ServletResponder(BridgeServletContext context) {
        this(context, null);
    }

    /**
     * @param context   a started web application
     * @param accessLog where each request is logged, or null
     */
    public ServletResponder(BridgeServletContext context, AccessLog accessLog) {
        this.context = context;
        this.accessLog = accessLog;
    }

    /** The application. */
    public BridgeServletContext context() {
        return context;
    }

    @Override
    public int handle(FcgiExchange exchange) throws IOException {
        CgiRequest request;
        try {
            request = CgiRequest.from(exchange.params());
        } catch (BadRequestException e) {
            LOG.log(System.Logger.Level.INFO, "400 for request {0}: {1}", exchange.requestId(), e.getMessage());
            String path = RequestPath.raw(exchange.params());
            String query = exchange.params().get("QUERY_STRING", "");
            String uri = CgiRequest.origin(exchange.params()) + (path == null ? "" : path)
                    + (query.isEmpty() ? "" : "?" + query);
            BridgeResponse response = new BridgeResponse(exchange.stdout(), false, null);
            response.setStatus(400);
            DefaultErrorPage.write(response, uri, 400, e.getMessage());
            response.complete();
            return 0;
        }
        Map<String, Object> attributes = FcgiAttributes.of(exchange.role(), exchange.params());
        OutputStream stdout = ClientAbortException.watch(exchange.stdout());
        try {
            if (accessLog == null) {
                context.service(request, attributes, exchange.stdin(), stdout, exchange::runBy);
                return 0;
            }
            return serviceLogged(request, attributes, exchange, stdout);
        } catch (IOException e) {
            if (!ClientAbortException.isCause(e)) {
                throw e;
            }
            // any client can do this at will: one line, and only for whoever looks
            LOG.log(System.Logger.Level.DEBUG, "request {0} for {1}: {2}", exchange.requestId(), request.rawPath(),
                    e.getMessage());
            return FunctionRunner.EXIT_FAILED;
        }
    }

    private int serviceLogged(CgiRequest request, Map<String, Object> attributes, FcgiExchange exchange,
                              OutputStream stdout) throws IOException {
        long start = System.nanoTime();
        CountingOutputStream out = new CountingOutputStream(stdout);
        BridgeServletContext.Outcome outcome = context.service(request, attributes, exchange.stdin(), out,
                exchange::runBy);
        String query = request.queryString();
        // the user the request was authenticated as (never a name a client merely sent), as Jetty's and Tomcat's %u
        accessLog.log(request.remoteAddr(), outcome.remoteUser(), request.method(),
                request.rawPath() + (query == null ? "" : "?" + query), request.protocol(), outcome.status(),
                out.count(), request.headers().get("Referer"), request.headers().get("User-Agent"),
                System.nanoTime() - start);
        return 0;
    }

    /** Counts what the response writes (header block included), for the access log. */
    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        private long count;

        CountingOutputStream(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        long count() {
            return count;
        }
    }

    /** A one-line description for logs: what is served. */
    @Override
    public String toString() {
        String name = context.getServletContextName();
        return "ServletResponder[" + (name != null ? name : "context '" + context.getContextPath() + "'") + "]";
    }
}
