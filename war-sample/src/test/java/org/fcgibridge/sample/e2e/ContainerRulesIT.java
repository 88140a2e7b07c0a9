package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The container's rules, on both engines through the launcher: who may configure the ServletContext and when
 * (Servlet 6.0 section 4.4), what the response is after sendError and sendRedirect, a static file served after the
 * application took the writer, unavailable servlets (section 2.3.3.2), and welcome files that name a servlet
 * (section 10.10). One WAR, one launched bridge per engine for all the cases.
 */
class ContainerRulesIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<String, RunningBridge> BRIDGES = new HashMap<>();

    @TempDir
    static Path dir;

    private static final String OUTCOME = """
            package rules;
            /** What a call did: "ok" or the simple name of what it threw. */
            public final class Outcome {
              public interface Call { void run() throws Exception; }
              public static String of(Call call) {
                try { call.run(); return "ok"; } catch (Exception e) { return e.getClass().getSimpleName(); }
              }
            }
            """;

    private static final String INIT = """
            package rules;
            public class Init implements jakarta.servlet.ServletContainerInitializer {
              public void onStartup(java.util.Set<Class<?>> classes, jakarta.servlet.ServletContext ctx) {
                ctx.addListener(Added.class);
              }
            }
            """;

    /** Added by the initializer: Servlet 6.0 section 4.4 forbids it to configure the context. */
    private static final String ADDED = """
            package rules;
            import jakarta.servlet.*;
            public class Added implements ServletContextListener {
              public void contextInitialized(ServletContextEvent e) {
                ServletContext c = e.getServletContext();
                c.setAttribute("added", "addServlet=" + Outcome.of(() -> c.addServlet("x", "no.such.Servlet"))
                    + " addFilter=" + Outcome.of(() -> c.addFilter("f", "no.such.Filter"))
                    + " addListener=" + Outcome.of(() -> c.addListener("no.such.Listener"))
                    + " getServletRegistrations=" + Outcome.of(c::getServletRegistrations)
                    + " getSessionCookieConfig=" + Outcome.of(c::getSessionCookieConfig)
                    + " setInitParameter=" + Outcome.of(() -> c.setInitParameter("a", "b"))
                    + " setSessionTimeout=" + Outcome.of(() -> c.setSessionTimeout(5))
                    + " getEffectiveMajorVersion=" + Outcome.of(c::getEffectiveMajorVersion)
                    + " getClassLoader=" + Outcome.of(c::getClassLoader));
              }
            }
            """;

    /** Declared in web.xml: it configures the context, but adds no ServletContextListener (only initializers do). */
    private static final String DECLARED = """
            package rules;
            import jakarta.servlet.*;
            public class Declared implements ServletContextListener {
              public static class Nested implements ServletContextListener { }
              public static class Requests implements ServletRequestListener { }
              public void contextInitialized(ServletContextEvent e) {
                ServletContext c = e.getServletContext();
                c.setAttribute("declared", "addListener(context)=" + Outcome.of(() -> c.addListener(new Nested()))
                    + " addListener(request)=" + Outcome.of(() -> c.addListener(Requests.class))
                    + " addServlet=" + Outcome.of(() -> c.addServlet("late", Late.class).addMapping("/late")));
              }
            }
            """;

    private static final String LATE = """
            package rules;
            public class Late extends jakarta.servlet.http.HttpServlet {
              protected void doGet(jakarta.servlet.http.HttpServletRequest q,
                  jakarta.servlet.http.HttpServletResponse r) throws java.io.IOException {
                r.getWriter().print("late");
              }
            }
            """;

    /** What the listeners saw, and what the context says to a request (it is initialized). */
    private static final String REPORT = """
            package rules;
            import jakarta.servlet.*;
            import jakarta.servlet.http.*;
            public class Report extends HttpServlet {
              protected void doGet(HttpServletRequest q, HttpServletResponse r) throws java.io.IOException {
                ServletContext c = getServletContext();
                r.getWriter().print("added: " + c.getAttribute("added") + "\\ndeclared: " + c.getAttribute("declared")
                    + "\\nruntime: addServlet=" + Outcome.of(() -> c.addServlet("y", "no.such.Servlet"))
                    + " addListener=" + Outcome.of(() -> c.addListener("no.such.Listener"))
                    + " setSessionTrackingModes=" + Outcome.of(() -> c.setSessionTrackingModes(
                        java.util.Set.of(SessionTrackingMode.COOKIE))) + "\\n");
              }
            }
            """;

    private static final String AFTER_ERROR = """
            package rules;
            import jakarta.servlet.http.*;
            public class AfterError extends HttpServlet {
              protected void doGet(HttpServletRequest q, HttpServletResponse r) throws java.io.IOException {
                java.io.PrintWriter w = r.getWriter();
                w.print("Test FAILED before");
                if (q.getParameter("redirect") != null) {
                  r.sendRedirect("/elsewhere");
                } else {
                  r.sendError(410, "gone away");
                }
                r.addIntHeader("X-After", 12345);
                r.addCookie(new Cookie("after", "1"));
                r.setStatus(200);
                w.print("Test FAILED after");
                w.flush();
                r.flushBuffer();
              }
            }
            """;

    /** Takes the writer, then hands the request to a static file (the default servlet). */
    private static final String WRITER_THEN_STATIC = """
            package rules;
            import jakarta.servlet.*;
            import jakarta.servlet.http.*;
            public class WriterThenStatic extends HttpServlet {
              protected void doGet(HttpServletRequest q, HttpServletResponse r)
                  throws java.io.IOException, ServletException {
                java.io.PrintWriter w = r.getWriter();
                RequestDispatcher page = q.getRequestDispatcher("/page.txt");
                if (q.getParameter("include") != null) {
                  w.print("before|");
                  page.include(q, r);
                  w.print("|after");
                } else {
                  w.print("dropped by the forward");
                  page.forward(q, r);
                }
              }
            }
            """;

    private static final String GONE = """
            package rules;
            public class Gone extends jakarta.servlet.GenericServlet {
              public void init() throws jakarta.servlet.ServletException {
                throw new jakarta.servlet.UnavailableException("gone for good");
              }
              public void service(jakarta.servlet.ServletRequest q, jakarta.servlet.ServletResponse r)
                  throws java.io.IOException {
                r.getWriter().print("Test FAILED: serving");
              }
            }
            """;

    private static final String BUSY = """
            package rules;
            public class Busy extends jakarta.servlet.GenericServlet {
              public void init() throws jakarta.servlet.ServletException {
                throw new jakarta.servlet.UnavailableException("busy", 600);
              }
              public void service(jakarta.servlet.ServletRequest q, jakarta.servlet.ServletResponse r)
                  throws java.io.IOException {
                r.getWriter().print("Test FAILED: serving");
              }
            }
            """;

    /** Serves a bit, then says it is permanently unavailable (the TCK's UnavailableServlet). */
    private static final String QUITS = """
            package rules;
            public class Quits extends jakarta.servlet.GenericServlet {
              public void service(jakarta.servlet.ServletRequest q, jakarta.servlet.ServletResponse r)
                  throws java.io.IOException, jakarta.servlet.ServletException {
                r.getWriter().print("Test FAILED: partial");
                throw new jakarta.servlet.UnavailableException("quit");
              }
            }
            """;

    private static final String WELCOME = """
            package rules;
            public class Welcome extends jakarta.servlet.http.HttpServlet {
              protected void doGet(jakarta.servlet.http.HttpServletRequest q,
                  jakarta.servlet.http.HttpServletResponse r) throws java.io.IOException {
                r.getWriter().print("welcome servlet at " + q.getServletPath());
              }
            }
            """;

    private static String servlet(String name, String... patterns) {
        StringBuilder xml = new StringBuilder("<servlet><servlet-name>" + name + "</servlet-name><servlet-class>rules."
                + name + "</servlet-class></servlet>\n");
        for (String pattern : patterns) {
            xml.append("<servlet-mapping><servlet-name>").append(name).append("</servlet-name><url-pattern>")
                    .append(pattern).append("</url-pattern></servlet-mapping>\n");
        }
        return xml.toString();
    }

    private static synchronized RunningBridge bridge(String engine) throws Exception {
        RunningBridge running = BRIDGES.get(engine);
        if (running != null) {
            return running;
        }
        Path build = dir.resolve("war");
        if (!Files.exists(build.resolve("rules.war"))) {
            new WarBuilder(build)
                    .lib("rules-init.jar", Map.of("rules.Outcome", OUTCOME, "rules.Init", INIT, "rules.Added", ADDED),
                            Map.of("META-INF/services/jakarta.servlet.ServletContainerInitializer", "rules.Init\n"))
                    .source("rules.Declared", DECLARED).source("rules.Late", LATE).source("rules.Report", REPORT)
                    .source("rules.AfterError", AFTER_ERROR).source("rules.WriterThenStatic", WRITER_THEN_STATIC)
                    .source("rules.Gone", GONE).source("rules.Busy", BUSY).source("rules.Quits", QUITS)
                    .source("rules.Welcome", WELCOME)
                    .file("page.txt", "static page")
                    .file("docs/index.txt", "docs index")
                    .webXml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                            + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n"
                            + "<listener><listener-class>rules.Declared</listener-class></listener>\n"
                            + servlet("Report", "/report") + servlet("AfterError", "/after-error")
                            + servlet("WriterThenStatic", "/writer-then-static") + servlet("Gone", "/gone")
                            + servlet("Busy", "/busy") + servlet("Quits", "/quits")
                            + servlet("Welcome", "/Welcome", "/docs/Welcome")
                            + "<welcome-file-list><welcome-file>missing.html</welcome-file>"
                            + "<welcome-file>Welcome</welcome-file><welcome-file>index.txt</welcome-file>"
                            + "</welcome-file-list>\n"
                            + "</web-app>\n")
                    .packed("rules");
        }
        Path run = Files.createDirectories(dir.resolve(engine));
        running = RunningBridge.startWar(run, build.resolve("rules.war"), "--engine", engine, "--http", "0");
        BRIDGES.put(engine, running);
        return running;
    }

    @AfterAll
    static void stopBridges() {
        BRIDGES.values().forEach(RunningBridge::close);
        BRIDGES.clear();
    }

    private static HttpResponse<String> get(String engine, String path) throws Exception {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge(engine).httpPort() + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(engine + " " + path + ": " + e, e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aListenerAddedProgrammaticallyMayNotConfigureTheContextNorAnyoneOnceItIsInitialized(String engine)
            throws Exception {
        HttpResponse<String> report = get(engine, "/report");
        assertEquals(200, report.statusCode(), report.body());
        String uoe = "UnsupportedOperationException";
        assertEquals("added: addServlet=" + uoe + " addFilter=" + uoe + " addListener=" + uoe
                + " getServletRegistrations=" + uoe + " getSessionCookieConfig=" + uoe + " setInitParameter=" + uoe
                + " setSessionTimeout=" + uoe + " getEffectiveMajorVersion=ok getClassLoader=ok\n"
                + "declared: addListener(context)=IllegalArgumentException addListener(request)=ok addServlet=ok\n"
                + "runtime: addServlet=IllegalStateException addListener=IllegalStateException "
                + "setSessionTrackingModes=IllegalStateException\n", report.body());
        assertEquals("late", get(engine, "/late").body(), "what the declared listener added serves");
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void afterSendErrorOrSendRedirectTheApplicationChangesNothing(String engine) throws Exception {
        HttpResponse<String> error = get(engine, "/after-error");
        assertEquals(410, error.statusCode());
        assertTrue(error.headers().firstValue("X-After").isEmpty(), error.headers().toString());
        if (engine.equals("standalone")) { // Jetty keeps a cookie added after sendError (Tomcat drops it, as we do)
            assertFalse(error.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("after=")));
        }
        assertFalse(error.body().contains("Test FAILED"), error.body());

        HttpResponse<String> redirect = get(engine, "/after-error?redirect=1");
        assertEquals(302, redirect.statusCode());
        assertTrue(redirect.headers().firstValue("Location").orElse("").endsWith("/elsewhere"));
        assertTrue(redirect.headers().firstValue("X-After").isEmpty(), redirect.headers().toString());
        assertFalse(redirect.body().contains("Test FAILED"), redirect.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aStaticFileGoesThroughTheWriterTheApplicationTook(String engine) throws Exception {
        HttpResponse<String> forward = get(engine, "/writer-then-static");
        assertEquals(200, forward.statusCode(), forward.body());
        assertEquals("static page", forward.body());
        HttpResponse<String> include = get(engine, "/writer-then-static?include=1");
        assertEquals(200, include.statusCode(), include.body());
        assertEquals("before|static page|after", include.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aPermanentlyUnavailableServletIsNotFoundATemporarilyUnavailableOneIsUnavailable(String engine)
            throws Exception {
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> gone = get(engine, "/gone");
            assertEquals(404, gone.statusCode(), "request " + i + ": " + gone.body());
            assertFalse(gone.body().contains("Test FAILED"), gone.body());
            assertEquals(503, get(engine, "/busy").statusCode(), "request " + i);
            HttpResponse<String> quits = get(engine, "/quits");
            assertEquals(404, quits.statusCode(), "request " + i + ": " + quits.body());
            assertFalse(quits.body().contains("Test FAILED"), quits.body());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aWelcomeFileMayNameAServletButAFileComesFirst(String engine) throws Exception {
        HttpResponse<String> root = get(engine, "/");
        assertEquals(200, root.statusCode(), root.body());
        assertEquals("welcome servlet at /Welcome", root.body());
        HttpResponse<String> docs = get(engine, "/docs/");
        assertEquals(200, docs.statusCode(), docs.body());
        assertEquals("docs index", docs.body(), "index.txt is a file: it wins over the servlet listed before it");
    }
}
