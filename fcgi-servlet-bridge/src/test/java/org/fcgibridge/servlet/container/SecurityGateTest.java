package org.fcgibridge.servlet.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.servlet.ServletResponder;
import org.fcgibridge.servlet.security.LoginConfig;
import org.fcgibridge.servlet.security.RealmFile;
import org.fcgibridge.servlet.security.SecurityConstraint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone container's enforcement of constraints (Servlet 6.0 chapter 13) through a real FastCGI connection:
 * BASIC and FORM logins with the users of a realm file, roles, denied and confidential resources, the programmatic
 * login, logout and authenticate.
 */
class SecurityGateTest {
    @TempDir
    Path dir;
    private FcgiServer server;

    /** Says who asks, how, in which roles, with which method and parameter. */
    static final class Who extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().print("user=" + req.getRemoteUser() + " type=" + req.getAuthType() + " admin="
                    + req.isUserInRole("admin") + " any=" + req.isUserInRole("**") + " star=" + req.isUserInRole("*")
                    + " method=" + req.getMethod() + " p=" + req.getParameter("p"));
        }
    }

    /** login(), logout() and authenticate() on demand. */
    static final class Programmatic extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
            String action = req.getParameter("do");
            String outcome = "";
            if (action.equals("login")) {
                try {
                    req.login(req.getParameter("u"), req.getParameter("pw"));
                    outcome = "in";
                } catch (ServletException e) {
                    outcome = "refused";
                }
            } else if (action.equals("logout")) {
                req.logout();
                outcome = "out";
            } else if (!req.authenticate(resp)) {
                return; // challenged
            }
            resp.getWriter().print(outcome + " user=" + req.getRemoteUser() + " type=" + req.getAuthType());
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close(Duration.ofSeconds(1));
        }
    }

    private void start(LoginConfig login, SecurityConstraint... constraints) throws Exception {
        BridgeServletContext app = new BridgeServletContext("/app", SecurityGateTest.class.getClassLoader(),
                WebResources.none());
        app.addServlet("who", new Who()).addMapping("/secret/*", "/open/*", "/admin/*", "/none/*", "/tls/*",
                "/login.html", "/error.html");
        app.addServlet("programmatic", new Programmatic()).addMapping("/prog");
        app.declareRoles("admin", "user");
        app.addConstraints(List.of(constraints));
        app.setLoginConfig(login);
        app.setRealm(RealmFile.load(Files.writeString(dir.resolve("realm.properties"),
                "alice: wonderland,admin,user\nbob: builder,user\n")));
        app.start();
        server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults(),
                RunnerFactory.of(new ServletResponder(app)));
    }

    private static SecurityConstraint forRoles(String pattern, String... roles) {
        return new SecurityConstraint(List.of(pattern), Set.of(), Set.of(), Set.of(roles), false);
    }

    private static final SecurityConstraint[] USUAL = {
        forRoles("/secret/*", "user"), forRoles("/admin/*", "admin"), forRoles("/none/*"),
        new SecurityConstraint(List.of("/tls/*"), Set.of(), Set.of(), null, true)};

    private FcgiResponse call(String method, String uri, String body, String... extra) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("REQUEST_METHOD", method);
        params.put("REQUEST_URI", uri);
        int q = uri.indexOf('?');
        params.put("QUERY_STRING", q < 0 ? "" : uri.substring(q + 1));
        params.put("SERVER_PROTOCOL", "HTTP/1.1");
        params.put("SERVER_PORT", "80");
        params.put("HTTP_HOST", "example.org");
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            params.put("CONTENT_TYPE", "application/x-www-form-urlencoded");
            params.put("CONTENT_LENGTH", Integer.toString(bytes.length));
        }
        for (int i = 0; i < extra.length; i += 2) {
            params.put(extra[i], extra[i + 1]);
        }
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()))) {
            return client.execute(params, bytes);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String sessionCookie(FcgiResponse response) {
        String cookie = response.header("Set-Cookie");
        assertNotNull(cookie, response.toString());
        return cookie.substring(0, cookie.indexOf(';'));
    }

    @Test
    void basicChallengesThenAdmitsTheUsersOfTheRolesOnly() throws Exception {
        start(new LoginConfig("BASIC", "Test Realm", null, null), USUAL);
        FcgiResponse anonymous = call("GET", "/app/secret/x", null);
        assertEquals(401, anonymous.status());
        assertEquals("Basic realm=\"Test Realm\"", anonymous.header("WWW-Authenticate"));
        assertEquals(401, call("GET", "/app/secret/x", null, "HTTP_AUTHORIZATION", basic("alice", "wrong")).status());
        FcgiResponse alice = call("GET", "/app/secret/x", null, "HTTP_AUTHORIZATION", basic("alice", "wonderland"));
        assertEquals(200, alice.status());
        assertEquals("user=alice type=BASIC admin=true any=true star=false method=GET p=null", alice.bodyText());
        assertEquals(200, call("GET", "/app/secret/x", null, "HTTP_AUTHORIZATION", basic("bob", "builder")).status());
        assertEquals(403, call("GET", "/app/admin/x", null, "HTTP_AUTHORIZATION", basic("bob", "builder")).status());
        assertEquals(403, call("GET", "/app/none/x", null, "HTTP_AUTHORIZATION", basic("alice", "wonderland"))
                .status(), "an empty auth-constraint denies everyone");
        // an open resource serves anyone, and knows a user who sends credentials
        assertEquals("user=null type=null admin=false any=false star=false method=GET p=null",
                call("GET", "/app/open/x", null).bodyText());
        assertEquals("user=bob type=BASIC admin=false any=true star=false method=GET p=null",
                call("GET", "/app/open/x", null, "HTTP_AUTHORIZATION", basic("bob", "builder")).bodyText());
    }

    @Test
    void aConfidentialResourceNeedsWhatTheWebServerCallsHttps() throws Exception {
        start(new LoginConfig("BASIC", null, null, null), USUAL);
        assertEquals(403, call("GET", "/app/tls/x", null).status());
        assertEquals(200, call("GET", "/app/tls/x", null, "HTTPS", "on").status());
        FcgiResponse anonymous = call("GET", "/app/secret/x", null);
        assertEquals("Basic realm=\"fcgi-bridge\"", anonymous.header("WWW-Authenticate"), "the default realm name");
    }

    @Test
    void formLoginReplaysTheInterruptedPostUnderANewSessionId() throws Exception {
        start(new LoginConfig("FORM", null, "/login.html", "/error.html?failed"), USUAL);
        FcgiResponse interrupted = call("POST", "/app/secret/echo?q=1", "p=kept");
        assertEquals(303, interrupted.status());
        assertTrue(interrupted.header("Location").startsWith("http://example.org/app/login.html"),
                interrupted.header("Location")); // with ;jsessionid= while the client may have no cookies
        String before = sessionCookie(interrupted);
        assertEquals(200, call("GET", "/app/login.html", null, "HTTP_COOKIE", before).status(), "the page is open");

        FcgiResponse failed = call("POST", "/app/j_security_check", "j_username=alice&j_password=nope",
                "HTTP_COOKIE", before);
        assertEquals(303, failed.status());
        assertTrue(failed.header("Location").matches("http://example.org/app/error\\.html(;jsessionid=[^?]+)?\\?failed"),
                failed.header("Location"));

        FcgiResponse in = call("POST", "/app/j_security_check", "j_username=bob&j_password=builder",
                "HTTP_COOKIE", before);
        assertEquals(303, in.status());
        assertEquals("http://example.org/app/secret/echo?q=1", in.header("Location"));
        String after = sessionCookie(in);
        assertNotEquals(before, after, "a new session id at login");
        assertEquals(302, call("GET", "/app/secret/echo?q=1", null, "HTTP_COOKIE", before).status(),
                "the old id is worth nothing");

        FcgiResponse replayed = call("GET", "/app/secret/echo?q=1", null, "HTTP_COOKIE", after);
        assertEquals("user=bob type=FORM admin=false any=true star=false method=POST p=kept", replayed.bodyText());
        assertEquals("user=bob type=FORM admin=false any=true star=false method=GET p=null",
                call("GET", "/app/secret/echo", null, "HTTP_COOKIE", after).bodyText(), "replayed once");
        assertEquals(403, call("GET", "/app/admin/x", null, "HTTP_COOKIE", after).status());

        assertEquals("out user=null type=null", call("GET", "/app/prog?do=logout", null, "HTTP_COOKIE", after)
                .bodyText());
        assertEquals(302, call("GET", "/app/secret/echo", null, "HTTP_COOKIE", after).status(), "logged out");
    }

    @Test
    void loginLogoutAndAuthenticateFromTheApplication() throws Exception {
        start(new LoginConfig("BASIC", "r", null, null), USUAL);
        assertEquals("refused user=null type=null", call("GET", "/app/prog?do=login&u=alice&pw=x", null).bodyText());
        assertEquals("in user=alice type=BASIC", call("GET", "/app/prog?do=login&u=alice&pw=wonderland", null)
                .bodyText());
        assertEquals("refused user=alice type=BASIC", call("GET", "/app/prog?do=login&u=bob&pw=builder", null,
                "HTTP_AUTHORIZATION", basic("alice", "wonderland")).bodyText(), "already authenticated");
        FcgiResponse challenged = call("GET", "/app/prog?do=authenticate", null);
        assertEquals(401, challenged.status());
        assertEquals("Basic realm=\"r\"", challenged.header("WWW-Authenticate"));
        assertEquals(" user=bob type=BASIC", call("GET", "/app/prog?do=authenticate", null,
                "HTTP_AUTHORIZATION", basic("bob", "builder")).bodyText());
        assertTrue(call("GET", "/app/prog?do=logout", null, "HTTP_AUTHORIZATION", basic("bob", "builder"))
                .bodyText().startsWith("out user=null"));
        assertNull(call("GET", "/app/open/x", null).header("WWW-Authenticate"));
    }
}
