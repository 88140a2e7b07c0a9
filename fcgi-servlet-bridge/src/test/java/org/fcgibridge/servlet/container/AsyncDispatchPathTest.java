package org.fcgibridge.servlet.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.servlet.ServletResponder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** AsyncContext.dispatch() goes back to the request's own path, whatever its decoded form holds ('?', '%'). */
@Timeout(60)
class AsyncDispatchPathTest {
    /** Starts async and dispatches back; the ASYNC dispatch reports where it arrived. */
    static final class BackServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getDispatcherType() == DispatcherType.ASYNC) {
                resp.getWriter().print(req.getServletPath() + "|" + req.getPathInfo() + "|" + req.getQueryString());
                return;
            }
            req.startAsync().dispatch();
        }
    }

    @Test
    void dispatchGoesBackToAPathWithAnEncodedQuestionMarkOrPercent() throws Exception {
        BridgeServletContext app = new BridgeServletContext("/app", getClass().getClassLoader(),
                WebResources.none());
        ServletRegistration.Dynamic back = app.addServlet("s", new BackServlet());
        back.setAsyncSupported(true);
        back.addMapping("/s/*");
        app.start();
        FcgiServer server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults(),
                RunnerFactory.of(new ServletResponder(app)));
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            assertEquals("/s|/a?b|q=1", client.execute(get("/app/s/a%3Fb", "q=1"), new byte[0]).bodyText());
            assertEquals("/s|/100%|null", client.execute(get("/app/s/100%25", ""), new byte[0]).bodyText());
        } finally {
            server.close(Duration.ofSeconds(1));
            app.stop();
        }
    }

    private static Map<String, String> get(String path, String query) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("REQUEST_METHOD", "GET");
        params.put("REQUEST_URI", query.isEmpty() ? path : path + "?" + query);
        params.put("QUERY_STRING", query);
        params.put("SERVER_PORT", "80");
        params.put("HTTP_HOST", "example.org");
        return params;
    }
}
