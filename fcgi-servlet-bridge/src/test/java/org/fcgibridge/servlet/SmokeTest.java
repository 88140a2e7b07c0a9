package org.fcgibridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.servlet.container.BridgeServletContext;
import org.fcgibridge.servlet.container.WebResources;
import org.fcgibridge.servlet.http.FcgiAttributes;
import org.junit.jupiter.api.Test;

class SmokeTest {
    /** Allows alice as an AUTHORIZER, naming her role and a param of the web server's. */
    public static class Gate extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            @SuppressWarnings("unchecked")
            Map<String, String> params = (Map<String, String>) req.getAttribute(FcgiAttributes.PARAMS);
            if (!"alice".equals(params.get("REMOTE_USER"))) {
                resp.sendError(403);
                return;
            }
            resp.setHeader("Variable-ROLE", String.valueOf(req.getAttribute(FcgiAttributes.ROLE)));
            resp.setHeader("Variable-TEAM", params.get("TEAM"));
        }
    }

    public static class Hello extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().print("hello " + req.getParameter("name") + " " + req.getServletPath() + "|"
                    + req.getPathInfo());
        }
    }

    @Test
    void helloThroughFastCgi() throws Exception {
        BridgeServletContext app = new BridgeServletContext("", getClass().getClassLoader(), WebResources.none());
        app.addServlet("hello", Hello.class).addMapping("/hello/*");
        app.start();
        try (FcgiServer server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults(),
                RunnerFactory.of(new ServletResponder(app)));
             FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            FcgiResponse response = client.execute(Map.of("REQUEST_METHOD", "GET", "REQUEST_URI",
                    "/hello/x?name=bob", "QUERY_STRING", "name=bob", "HTTP_HOST", "localhost"), new byte[0]);
            assertEquals(200, response.status(), response.stdoutText());
            assertEquals("hello bob /hello|/x", response.bodyText());
            assertEquals("text/plain;charset=iso-8859-1", response.header("Content-Type"));
            server.close(Duration.ofSeconds(1));
        } finally {
            app.stop();
        }
    }

    @Test
    void anAuthorizerServletSeesItsRoleAndEveryParam() throws Exception {
        BridgeServletContext app = new BridgeServletContext("", getClass().getClassLoader(), WebResources.none());
        app.addServlet("gate", Gate.class).addMapping("/*");
        app.start();
        try (FcgiServer server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults(),
                RunnerFactory.of(new ServletResponder(app)));
             FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            Map<String, String> params = Map.of("REQUEST_METHOD", "GET", "REQUEST_URI", "/private/x",
                    "REMOTE_USER", "alice", "TEAM", "blue");
            FcgiResponse allowed = client.execute(Role.AUTHORIZER, params, new byte[0], true);
            assertEquals(200, allowed.status(), allowed.stdoutText());
            assertEquals("AUTHORIZER", allowed.header("Variable-ROLE"));
            assertEquals("blue", allowed.header("Variable-TEAM"));
            assertEquals("RESPONDER", client.execute(Role.RESPONDER, params, new byte[0], true)
                    .header("Variable-ROLE"));
            Map<String, String> bob = new java.util.HashMap<>(params);
            bob.put("REMOTE_USER", "bob");
            assertEquals(403, client.execute(Role.AUTHORIZER, bob, new byte[0], true).status());
            server.close(Duration.ofSeconds(1));
        } finally {
            app.stop();
        }
    }
}
