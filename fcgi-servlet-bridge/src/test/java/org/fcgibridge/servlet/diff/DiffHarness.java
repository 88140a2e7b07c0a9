package org.fcgibridge.servlet.diff;

import jakarta.servlet.ServletContainerInitializer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.fcgibridge.core.testing.HttpProbe;
import org.fcgibridge.servlet.container.BridgeServletContext;
import org.fcgibridge.servlet.container.ErrorPages;
import org.fcgibridge.servlet.container.WebResources;
import org.fcgibridge.servlet.testing.BehindNginx;

/**
 * The same web application in two containers: Jetty 12 ee10 over HTTP (the reference) and the bridge over FastCGI
 * behind a real nginx. A request goes to both; their responses are compared without the headers that belong to the
 * transport (Date, Server, Connection, Keep-Alive, Transfer-Encoding).
 */
final class DiffHarness implements AutoCloseable {
    private final Server jetty;
    private final int jettyPort;
    private final BehindNginx bridge;
    private final BridgeServletContext bridgeContext;

    /** Error pages both sides get. */
    static final Map<Integer, String> STATUS_PAGES = Map.of(409, "/errorpage/conflict", 410, "/errorpage/gone");
    static final Map<String, String> EXCEPTION_PAGES = Map.of(IllegalArgumentException.class.getName(),
            "/errorpage/iae");

    DiffHarness(Path dir, String contextPath, ServletContainerInitializer app, Path resources,
                Consumer<BridgeServletContext> bridgeSetup) throws Exception {
        this(dir, contextPath, app, resources, handler -> { }, bridgeSetup);
    }

    DiffHarness(Path dir, String contextPath, ServletContainerInitializer app, Path resources,
                Consumer<ServletContextHandler> jettySetup, Consumer<BridgeServletContext> bridgeSetup)
            throws Exception {
        jetty = new Server();
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendDateHeader(true);
        // Servlet 6.0 says sendRedirect sends an absolute URL; Jetty 12.1 sends a relative one unless told
        config.setRelativeRedirectAllowed(false);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler handler = new ServletContextHandler(contextPath.isEmpty() ? "/" : contextPath,
                ServletContextHandler.SESSIONS);
        handler.addServletContainerInitializer(app);
        if (resources != null) {
            handler.setBaseResourceAsPath(resources);
        }
        handler.getSessionHandler().setHttpOnly(true);
        ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
        errors.setShowOrigin(false); // the bridge's default error page keeps the servlet's name to the log
        STATUS_PAGES.forEach(errors::addErrorPage);
        EXCEPTION_PAGES.forEach(errors::addErrorPage);
        handler.setErrorHandler(errors);
        jettySetup.accept(handler);
        jetty.setHandler(handler);
        jetty.start();
        jettyPort = connector.getLocalPort();

        BridgeServletContext context = new BridgeServletContext(contextPath, getClass().getClassLoader(),
                resources == null ? WebResources.none() : WebResources.of(resources));
        context.addServletContainerInitializer(app, null);
        ErrorPages pages = context.errorPages();
        STATUS_PAGES.forEach(pages::add);
        EXCEPTION_PAGES.forEach(pages::add);
        bridgeSetup.accept(context);
        bridgeContext = context;
        bridge = BehindNginx.standalone(dir, context);
    }

    HttpProbe.Response jetty(Request request) throws IOException {
        return HttpProbe.send(jettyPort, request.method(), request.target(), request.headers(), request.body());
    }

    HttpProbe.Response bridge(Request request) throws IOException {
        return HttpProbe.send(bridge.port(), request.method(), request.target(), request.headers(), request.body());
    }

    String nginxErrorLog() {
        return bridge.errorLog();
    }

    BridgeServletContext bridgeContext() {
        return bridgeContext;
    }

    /** One request of a case. */
    record Request(String method, String target, Map<String, String> headers, byte[] body) {
    }

    /** The parts of a response that must agree: status, headers (normalised), body. */
    static String normalise(HttpProbe.Response response, List<java.util.function.UnaryOperator<String>> masks,
                            boolean statusOnly, boolean statusCodeOnly) {
        StringBuilder out = new StringBuilder();
        out.append("status ").append(response.status()).append('\n');
        if (statusCodeOnly) {
            return out.toString();
        }
        if (statusOnly) {
            String type = response.header("Content-Type");
            out.append("content-type ").append(type == null ? null : type.toLowerCase(Locale.ROOT)).append('\n');
            return out.toString();
        }
        Map<String, List<String>> headers = new TreeMap<>();
        response.headers().forEach((name, values) -> {
            if (!List.of("date", "server", "connection", "keep-alive", "transfer-encoding").contains(name)) {
                List<String> sorted = new ArrayList<>(values);
                sorted.sort(null);
                headers.put(name, sorted);
            }
        });
        headers.forEach((name, values) -> out.append(name).append(": ").append(values).append('\n'));
        out.append('\n').append(response.bodyText());
        String text = out.toString();
        for (java.util.function.UnaryOperator<String> mask : masks) {
            text = mask.apply(text);
        }
        return text;
    }

    @Override
    public void close() throws Exception {
        bridge.close();
        jetty.stop();
    }
}
