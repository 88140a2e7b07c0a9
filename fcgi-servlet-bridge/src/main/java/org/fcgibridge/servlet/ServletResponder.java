package org.fcgibridge.servlet;

import java.io.IOException;
import org.fcgibridge.core.runner.FcgiExchange;
import org.fcgibridge.core.runner.FcgiHandler;
import org.fcgibridge.servlet.container.BridgeServletContext;
import org.fcgibridge.servlet.container.DefaultErrorPage;
import org.fcgibridge.servlet.http.BadRequestException;
import org.fcgibridge.servlet.http.BridgeResponse;
import org.fcgibridge.servlet.http.CgiRequest;

/**
 * The FastCGI handler that runs a web application: each request's params become an HttpServletRequest, its STDIN the
 * request body, and the application's response goes back on STDOUT as a CGI response. A request whose params cannot
 * be mapped (no method, a malformed path) is answered 400.
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

    /**
     * @param context a started web application
     */
    public ServletResponder(BridgeServletContext context) {
        this.context = context;
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
            String uri = exchange.params().get("REQUEST_SCHEME", "http") + "://"
                    + exchange.params().get("HTTP_HOST", exchange.params().get("SERVER_NAME", "localhost"))
                    + exchange.params().get("REQUEST_URI", "");
            BridgeResponse response = new BridgeResponse(exchange.stdout(), false, null);
            response.setStatus(400);
            DefaultErrorPage.write(response, uri, 400, e.getMessage());
            response.complete();
            return 0;
        }
        context.service(request, exchange.stdin(), exchange.stdout());
        return 0;
    }

    /** A one-line description for logs: what is served. */
    @Override
    public String toString() {
        String name = context.getServletContextName();
        return "ServletResponder[" + (name != null ? name : "context '" + context.getContextPath() + "'") + "]";
    }
}
