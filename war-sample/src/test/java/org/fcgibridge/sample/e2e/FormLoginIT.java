package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FORM login (issue 14) through the launcher on both engines, with the users of {@code --realm}: the login page for
 * a protected request, {@code j_security_check}, the saved request (a POST) replayed after the login in a new
 * session, the error page for a wrong password, {@code logout()}; and the programmatic API, {@code login()} and
 * {@code authenticate()}, with {@code isUserInRole} through a {@code <security-role-ref>}. One launched bridge per
 * engine; each case is its own browser (its own cookies).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FormLoginIT {
    /** Who asks, how, and the note they posted; "boss" is a role reference, linked to "admin". */
    private static final String ECHO = """
            package app;
            import jakarta.servlet.http.*; import java.io.IOException;
            public class Echo extends HttpServlet {
              protected void service(HttpServletRequest q, HttpServletResponse r) throws IOException {
                r.setContentType("text/plain;charset=utf-8");
                r.getWriter().print("method=" + q.getMethod() + " user=" + q.getRemoteUser()
                    + " principal=" + (q.getUserPrincipal() == null ? null : q.getUserPrincipal().getName())
                    + " auth=" + q.getAuthType() + " boss=" + q.isUserInRole("boss")
                    + " note=" + q.getParameter("note"));
              }
            }
            """;
    private static final String LOGOUT = """
            package app;
            import jakarta.servlet.http.*; import java.io.IOException;
            public class Logout extends HttpServlet {
              protected void doGet(HttpServletRequest q, HttpServletResponse r) throws IOException {
                String before = q.getRemoteUser();
                try {
                  q.logout();
                } catch (jakarta.servlet.ServletException e) {
                  throw new IOException(e);
                }
                r.setContentType("text/plain");
                r.getWriter().print("logged out " + before + ", now user=" + q.getRemoteUser()
                    + " auth=" + q.getAuthType());
              }
            }
            """;
    /** The programmatic API on an open path: /api/login?user=&password=, /api/authenticate. */
    private static final String API = """
            package app;
            import jakarta.servlet.ServletException;
            import jakarta.servlet.http.*; import java.io.IOException;
            public class Api extends HttpServlet {
              protected void doGet(HttpServletRequest q, HttpServletResponse r) throws IOException {
                r.setContentType("text/plain");
                if (q.getPathInfo().equals("/login")) {
                  String before = q.getRemoteUser();
                  try {
                    q.login(q.getParameter("user"), q.getParameter("password"));
                  } catch (ServletException e) {
                    r.getWriter().print("login refused, user=" + q.getRemoteUser());
                    return;
                  }
                  r.getWriter().print("before=" + before + " user=" + q.getRemoteUser()
                      + " principal=" + q.getUserPrincipal().getName() + " boss=" + q.isUserInRole("boss")
                      + " admin=" + q.isUserInRole("admin") + " user-role=" + q.isUserInRole("user"));
                } else {
                  boolean authenticated;
                  try {
                    authenticated = q.authenticate(r);
                  } catch (ServletException e) {
                    throw new IOException(e);
                  }
                  if (authenticated) {
                    r.getWriter().print("authenticated user=" + q.getRemoteUser() + " auth=" + q.getAuthType()
                        + " boss=" + q.isUserInRole("boss"));
                  }
                }
              }
            }
            """;
    private static final String ROLE_REF = "<security-role-ref><role-name>boss</role-name>"
            + "<role-link>admin</role-link></security-role-ref>";
    private static final String WEB_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
              <servlet><servlet-name>echo</servlet-name><servlet-class>app.Echo</servlet-class>ROLE_REF</servlet>
              <servlet-mapping><servlet-name>echo</servlet-name><url-pattern>/app/*</url-pattern></servlet-mapping>
              <servlet><servlet-name>logout</servlet-name><servlet-class>app.Logout</servlet-class></servlet>
              <servlet-mapping><servlet-name>logout</servlet-name>
                <url-pattern>/app/logout</url-pattern></servlet-mapping>
              <servlet><servlet-name>api</servlet-name><servlet-class>app.Api</servlet-class>ROLE_REF</servlet>
              <servlet-mapping><servlet-name>api</servlet-name><url-pattern>/api/*</url-pattern></servlet-mapping>
              <security-constraint>
                <web-resource-collection><web-resource-name>app</web-resource-name>
                  <url-pattern>/app/*</url-pattern></web-resource-collection>
                <auth-constraint><role-name>user</role-name></auth-constraint>
              </security-constraint>
              <login-config>
                <auth-method>FORM</auth-method>
                <form-login-config>
                  <form-login-page>/login.html</form-login-page>
                  <form-error-page>/error.html</form-error-page>
                </form-login-config>
              </login-config>
              <security-role><role-name>user</role-name></security-role>
              <security-role><role-name>admin</role-name></security-role>
            </web-app>
            """.replace("ROLE_REF", ROLE_REF);
    private static final String LOGIN_PAGE = "<h1>Please log in</h1><form method=post action=j_security_check>"
            + "<input name=j_username><input name=j_password type=password></form>";
    private static final String ERROR_PAGE = "<h1>Wrong user or password</h1>";
    /** alice is a user and an admin (so a "boss"); bob only a user. */
    private static final String REALM = "alice: wonderland,user,admin\nbob: builder,user\n";

    private final Map<String, RunningBridge> bridges = new HashMap<>();

    @TempDir
    Path dir;

    private synchronized URI base(String engine) throws Exception {
        RunningBridge running = bridges.get(engine);
        if (running == null) {
            Path war = dir.resolve("war/form.war");
            if (!Files.exists(war)) {
                war = new WarBuilder(dir.resolve("war")).source("app.Echo", ECHO).source("app.Logout", LOGOUT)
                        .source("app.Api", API).file("login.html", LOGIN_PAGE).file("error.html", ERROR_PAGE)
                        .webXml(WEB_XML).packed("form");
            }
            Path home = Files.createDirectories(dir.resolve(engine));
            Path realm = Files.writeString(home.resolve("realm.properties"), REALM);
            running = RunningBridge.startWar(home, war, "--engine", engine, "--realm", realm.toString(),
                    "--http", "0");
            bridges.put(engine, running);
        }
        return URI.create("http://127.0.0.1:" + running.httpPort() + "/");
    }

    @AfterAll
    void stop() {
        bridges.values().forEach(RunningBridge::close);
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aPostThatNeedsALoginIsReplayedAfterItInANewSession(String engine) throws Exception {
        Browser browser = new Browser(base(engine));
        HttpResponse<String> asked = browser.post("app/echo", "note=hello+world&n=2");
        browser.assertLoginPage(asked);
        String before = browser.sessionId();
        assertNotNull(before, "the container keeps the saved request in a session");

        HttpResponse<String> login = browser.post("j_security_check", "j_username=bob&j_password=builder");
        assertTrue(login.statusCode() == 302 || login.statusCode() == 303,
                "a redirect after the login: " + login.statusCode() + " " + login.body());
        String location = login.headers().firstValue("Location").orElseThrow();
        assertEquals("/app/echo", browser.pathOf(location), location);
        String after = browser.sessionId();
        assertNotNull(after);
        assertNotEquals(before, after, "the session id changes at the login (session fixation)");

        HttpResponse<String> replayed = browser.get(location);
        assertEquals(200, replayed.statusCode(), replayed.body());
        assertEquals("method=POST user=bob principal=bob auth=FORM boss=false note=hello world", replayed.body(),
                "the original POST, its parameters and the user");

        HttpResponse<String> next = browser.get("app/echo");
        assertEquals("method=GET user=bob principal=bob auth=FORM boss=false note=null", next.body(),
                "replayed once: the next request is itself");
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aWrongPasswordShowsTheErrorPage(String engine) throws Exception {
        Browser browser = new Browser(base(engine));
        browser.assertLoginPage(browser.get("app/echo?note=x"));
        HttpResponse<String> wrong = browser.post("j_security_check", "j_username=bob&j_password=wrong");
        HttpResponse<String> error = browser.followed(wrong);
        assertEquals(200, error.statusCode(), error.body());
        assertEquals(ERROR_PAGE, error.body().strip());
        browser.assertLoginPage(browser.get("app/echo"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void logoutEndsTheLogin(String engine) throws Exception {
        Browser browser = new Browser(base(engine));
        browser.logIn("alice", "wonderland");
        HttpResponse<String> echo = browser.get("app/echo");
        assertEquals("method=GET user=alice principal=alice auth=FORM boss=true note=null", echo.body(),
                "alice is an admin, so a boss through the role reference");

        HttpResponse<String> logout = browser.get("app/logout");
        assertEquals(200, logout.statusCode(), logout.body());
        assertEquals("logged out alice, now user=null auth=null", logout.body());
        browser.assertLoginPage(browser.get("app/echo"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void loginFromAServletChecksTheRealm(String engine) throws Exception {
        Browser browser = new Browser(base(engine));
        HttpResponse<String> alice = browser.get("api/login?user=alice&password=wonderland");
        assertEquals(200, alice.statusCode(), alice.body());
        assertEquals("before=null user=alice principal=alice boss=true admin=true user-role=true", alice.body());

        HttpResponse<String> bob = new Browser(base(engine)).get("api/login?user=bob&password=builder");
        assertEquals("before=null user=bob principal=bob boss=false admin=false user-role=true", bob.body());

        HttpResponse<String> wrong = new Browser(base(engine)).get("api/login?user=bob&password=wrong");
        assertEquals("login refused, user=null", wrong.body());
        HttpResponse<String> unknown = new Browser(base(engine)).get("api/login?user=carol&password=builder");
        assertEquals("login refused, user=null", unknown.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void authenticateFromAServletAsksForTheLoginAndReturnsToIt(String engine) throws Exception {
        Browser browser = new Browser(base(engine));
        HttpResponse<String> asked = browser.get("api/authenticate");
        assertFalse(asked.body().startsWith("authenticated"), asked.body());
        browser.assertLoginPage(asked);

        HttpResponse<String> login = browser.post("j_security_check", "j_username=alice&j_password=wonderland");
        assertTrue(login.statusCode() == 302 || login.statusCode() == 303, "a redirect: " + login.statusCode());
        String location = login.headers().firstValue("Location").orElseThrow();
        assertEquals("/api/authenticate", browser.pathOf(location), location);
        HttpResponse<String> back = browser.get(location);
        assertEquals(200, back.statusCode(), back.body());
        assertEquals("authenticated user=alice auth=FORM boss=true", back.body());
    }

    /** A browser: its own cookies, no automatic redirects (each is checked), forms posted url-encoded. */
    private static final class Browser {
        final URI base;
        final CookieManager cookies = new CookieManager();
        final HttpClient http;

        Browser(URI base) {
            this.base = base;
            this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).cookieHandler(cookies)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        }

        HttpResponse<String> get(String target) throws Exception {
            return http.send(HttpRequest.newBuilder(base.resolve(target)).timeout(Duration.ofSeconds(30)).build(),
                    BodyHandlers.ofString());
        }

        HttpResponse<String> post(String target, String form) throws Exception {
            return http.send(HttpRequest.newBuilder(base.resolve(target)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), BodyHandlers.ofString());
        }

        /** {@code response}, or where its redirects lead (followed with GET, as a browser does after a POST). */
        HttpResponse<String> followed(HttpResponse<String> response) throws Exception {
            for (int hops = 0; response.statusCode() / 100 == 3 && hops < 5; hops++) {
                response = get(response.headers().firstValue("Location").orElseThrow());
            }
            return response;
        }

        /**
         * The container answered with the login page: a redirect to /login.html (with a same-origin Location), or
         * the page itself (a forward).
         */
        void assertLoginPage(HttpResponse<String> response) throws Exception {
            if (response.statusCode() / 100 == 3) {
                String location = response.headers().firstValue("Location").orElseThrow();
                assertEquals("/login.html", pathOf(location), location);
            } else {
                assertEquals(200, response.statusCode(), response.body());
            }
            HttpResponse<String> page = followed(response);
            assertEquals(200, page.statusCode(), page.body());
            assertEquals(LOGIN_PAGE, page.body().strip(), "the login page");
        }

        /**
         * The path a Location leads to, on this server (else fails), without the {@code ;jsessionid=} a container
         * may add to the URLs it redirects a new session to (it cannot know yet whether the browser keeps cookies).
         */
        String pathOf(String location) {
            URI uri = base.resolve(location);
            assertEquals(base.getAuthority(), uri.getAuthority(), "a redirect to this server: " + location);
            return uri.getPath().replaceFirst(";jsessionid=[^/]*$", "");
        }

        /** The session cookie's value, or null. */
        String sessionId() {
            return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                    .map(HttpCookie::getValue).findFirst().orElse(null);
        }

        /** Logs in through the login page, as a user does, and follows the redirect. */
        void logIn(String user, String password) throws Exception {
            assertLoginPage(get("app/echo"));
            HttpResponse<String> login = post("j_security_check", "j_username=" + URLEncoder.encode(user,
                    StandardCharsets.UTF_8) + "&j_password=" + URLEncoder.encode(password, StandardCharsets.UTF_8));
            assertTrue(login.statusCode() / 100 == 3, "a redirect after the login: " + login.statusCode());
            assertEquals(200, followed(login).statusCode());
        }
    }
}
