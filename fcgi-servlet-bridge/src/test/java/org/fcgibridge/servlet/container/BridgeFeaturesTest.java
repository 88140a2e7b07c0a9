package org.fcgibridge.servlet.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.core.testing.NginxProcess;
import org.fcgibridge.servlet.ServletResponder;
import org.fcgibridge.servlet.security.Realm;
import org.fcgibridge.servlet.security.WebServerLogin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Sessions across requests, HTTPS, the web server's authentication, and streaming through nginx. */
@Timeout(60)
class BridgeFeaturesTest {
    @TempDir
    Path dir;
    private FcgiServer server;
    private BridgeServletContext context;

    private void start(BridgeServletContext app) throws Exception {
        context = app;
        app.start();
        server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults(),
                RunnerFactory.of(new ServletResponder(app)));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close(Duration.ofSeconds(1));
        }
        if (context != null) {
            context.stop();
        }
    }

    private static Map<String, String> get(String uri, String... extra) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("REQUEST_METHOD", "GET");
        params.put("REQUEST_URI", uri);
        int q = uri.indexOf('?');
        params.put("QUERY_STRING", q < 0 ? "" : uri.substring(q + 1));
        params.put("SERVER_PORT", "80");
        params.put("HTTP_HOST", "example.org");
        for (int i = 0; i < extra.length; i += 2) {
            params.put(extra[i], extra[i + 1]);
        }
        return params;
    }

    private FcgiResponse call(Map<String, String> params) throws IOException {
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            return client.execute(params, new byte[0]);
        }
    }

    private static BridgeServletContext app(String contextPath, HttpServlet servlet) {
        BridgeServletContext app = new BridgeServletContext(contextPath, BridgeFeaturesTest.class.getClassLoader(),
                WebResources.none());
        app.addServlet("s", servlet).addMapping("/s/*");
        return app;
    }

    /** Counts visits in the session; /rotate changes the id, /end invalidates. */
    static final class SessionServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession();
            if ("/rotate".equals(req.getPathInfo())) {
                req.changeSessionId();
            } else if ("/end".equals(req.getPathInfo())) {
                session.invalidate();
                resp.getWriter().print("ended valid=" + req.isRequestedSessionIdValid());
                return;
            }
            int visits = session.getAttribute("visits") == null ? 1 : (Integer) session.getAttribute("visits") + 1;
            session.setAttribute("visits", visits);
            resp.getWriter().print("visits=" + visits + " new=" + session.isNew() + " fromCookie="
                    + req.isRequestedSessionIdFromCookie());
        }
    }

    private static String cookieOf(FcgiResponse response) {
        String setCookie = response.header("Set-Cookie");
        return setCookie == null ? null : setCookie.split(";")[0];
    }

    @Test
    void sessionsLiveAcrossRequestsAndRotateAndEnd() throws Exception {
        start(app("/shop", new SessionServlet()));
        FcgiResponse first = call(get("/shop/s/"));
        assertEquals("visits=1 new=true fromCookie=false", first.bodyText());
        String setCookie = first.header("Set-Cookie");
        assertTrue(setCookie.matches("JSESSIONID=[A-Za-z0-9_-]{22}; Path=/shop; HttpOnly"), setCookie);
        String cookie = cookieOf(first);
        assertEquals("visits=2 new=false fromCookie=true", call(get("/shop/s/", "HTTP_COOKIE", cookie)).bodyText());

        FcgiResponse rotated = call(get("/shop/s/rotate", "HTTP_COOKIE", cookie));
        assertEquals("visits=3 new=false fromCookie=true", rotated.bodyText());
        String newCookie = cookieOf(rotated);
        assertNotEquals(cookie, newCookie, "changeSessionId sends a new id");
        assertEquals("visits=1 new=true fromCookie=true", call(get("/shop/s/", "HTTP_COOKIE", cookie)).bodyText(),
                "the old id is gone (it still came in a cookie)");
        assertEquals("visits=4 new=false fromCookie=true", call(get("/shop/s/", "HTTP_COOKIE", newCookie))
                .bodyText());
        assertEquals("ended valid=false", call(get("/shop/s/end", "HTTP_COOKIE", newCookie)).bodyText());
        assertEquals("visits=1 new=true fromCookie=true", call(get("/shop/s/", "HTTP_COOKIE", newCookie))
                .bodyText());
    }

    @Test
    void sessionCookiesAreSecureOverHttps() throws Exception {
        start(app("", new SessionServlet()));
        FcgiResponse https = call(get("/s/", "HTTPS", "on"));
        assertTrue(https.header("Set-Cookie").endsWith("; Path=/; Secure; HttpOnly"), https.header("Set-Cookie"));
        FcgiResponse off = call(get("/s/", "HTTPS", "off"));
        assertFalse(off.header("Set-Cookie").contains("Secure"), "HTTPS=off is not secure");
    }

    @Test
    void sessionIdsComeFromTheUrlToo() throws Exception {
        start(app("", new SessionServlet()));
        String id = cookieOf(call(get("/s/"))).substring("JSESSIONID=".length());
        FcgiResponse viaUrl = call(get("/s/x;jsessionid=" + id));
        assertEquals("visits=2 new=false fromCookie=false", viaUrl.bodyText());
    }

    /** Reports what the web server said about the user. */
    static final class WhoServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException,
                jakarta.servlet.ServletException {
            boolean authenticated = req.authenticate(resp);
            resp.getWriter().print("user=" + req.getRemoteUser() + " principal=" + (req.getUserPrincipal() == null
                    ? null : req.getUserPrincipal().getName()) + " type=" + req.getAuthType() + " admin="
                    + req.isUserInRole("admin") + " any=" + req.isUserInRole("**") + " authenticated="
                    + authenticated);
        }
    }

    @Test
    void theWebServersUserAndRolesWhenTrusted() throws Exception {
        BridgeServletContext app = app("", new WhoServlet());
        app.setWebServerLogin(WebServerLogin.of("REMOTE_USER_ROLES", null));
        start(app);
        assertEquals("user=alice principal=alice type=BASIC admin=true any=true authenticated=true",
                call(get("/s/", "REMOTE_USER", "alice", "AUTH_TYPE", "BASIC", "REMOTE_USER_ROLES", "user, admin"))
                        .bodyText());
        assertEquals("user=bob principal=bob type=BASIC admin=false any=true authenticated=true",
                call(get("/s/", "REMOTE_USER", "bob", "AUTH_TYPE", "BASIC")).bodyText());
        FcgiResponse anonymous = call(get("/s/"));
        assertEquals(401, anonymous.status());
        assertEquals("user=null principal=null type=null admin=false any=false authenticated=false",
                anonymous.bodyText());
    }

    @Test
    void theWebServersUserIsIgnoredUnlessTrusted() throws Exception {
        start(app("", new WhoServlet()));
        FcgiResponse spoofed = call(get("/s/", "REMOTE_USER", "alice", "AUTH_TYPE", "Basic",
                "REMOTE_USER_ROLES", "admin"));
        assertEquals(401, spoofed.status());
        assertEquals("user=null principal=null type=null admin=false any=false authenticated=false",
                spoofed.bodyText());
    }

    @Test
    void aTrustedUsersRolesComeFromTheRealmWithoutARolesParam() throws Exception {
        BridgeServletContext app = app("", new WhoServlet());
        app.setRealm(new Realm() {
            @Override
            public Set<String> authenticate(String user, String password) {
                return null;
            }

            @Override
            public Set<String> roles(String user) {
                return user.equals("alice") ? Set.of("admin") : Set.of();
            }
        });
        app.setTrustsWebServer(true);
        start(app);
        assertEquals("user=alice principal=alice type=null admin=true any=true authenticated=true",
                call(get("/s/", "REMOTE_USER", "alice", "REMOTE_USER_ROLES", "user")).bodyText(),
                "the realm's roles; a roles param nobody named is ignored");
        assertEquals("user=bob principal=bob type=null admin=false any=true authenticated=true",
                call(get("/s/", "REMOTE_USER", "bob")).bodyText());
    }

    @Test
    void malformedRequestsAre400() throws Exception {
        start(app("", new WhoServlet()));
        assertEquals(400, call(get("/s/%2e%2e/x")).status());
        assertEquals(400, call(Map.of("REQUEST_URI", "/s/")).status(), "no method");
        assertEquals(404, call(get("/elsewhere")).status());
    }

    @Test
    void serverSentEventsReachTheClientThroughNginxAsTheyAreFlushed() throws Exception {
        CountDownLatch firstSeen = new CountDownLatch(1);
        start(app("", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/event-stream");
                resp.setHeader("Cache-Control", "no-cache");
                OutputStream out = resp.getOutputStream();
                out.write("data: first\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                try {
                    if (!firstSeen.await(20, TimeUnit.SECONDS)) {
                        throw new IOException("the client never saw the first event");
                    }
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                out.write("data: second\n\n".getBytes(StandardCharsets.UTF_8));
            }
        }));
        try (NginxProcess nginx = NginxProcess.start(dir.resolve("nginx"), String.join("\n",
                "server {",
                "  listen 127.0.0.1:PORT;",
                "  location / { include /etc/nginx/fastcgi_params; fastcgi_buffering off;",
                "    fastcgi_pass 127.0.0.1:" + server.port() + "; }",
                "}"));
             Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", nginx.port()), 5000);
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write("GET /s/events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("data: first")) {
                int b = in.read();
                assertTrue(b >= 0, "connection closed before the first event: " + seen);
                seen.append((char) b);
            }
            assertFalse(seen.toString().contains("second"));
            assertTrue(seen.toString().contains("text/event-stream"), seen.toString());
            firstSeen.countDown();
            while (!seen.toString().contains("data: second")) {
                int b = in.read();
                assertTrue(b >= 0, "connection closed before the second event: " + seen);
                seen.append((char) b);
            }
        }
    }
}
