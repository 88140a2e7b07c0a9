package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JSP through the launcher jar, on both engines: each carries the same JSP engine (Jasper with the Eclipse compiler).
 * Pages with EL, scriptlets using the WAR's classes, includes, tag files, JSTL from WEB-INF/lib, error pages, a
 * servlet's forward to a view, {@code <jsp-config>}, {@code <jsp-file>} servlets, index.jsp as a welcome file and a
 * TLD's listener run the same on each.
 */
class JspIT {
    private static final String CONTEXT = "/shop";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    private static final Map<String, RunningBridge> BRIDGES = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        Path war = application(new WarBuilder(Files.createDirectories(dir.resolve("war"))))
                .lib(jarOf("jakarta.servlet.jsp.jstl.core.Config"))
                .lib(jarOf("org.apache.taglibs.standard.tag.rt.core.ForEachTag"))
                .packed("shop");
        for (String engine : new String[] {"jetty", "standalone"}) {
            BRIDGES.put(engine, RunningBridge.startWar(Files.createDirectories(dir.resolve(engine)), war,
                    "--engine", engine, "--context-path", CONTEXT, "--http", "0"));
        }
    }

    @AfterAll
    static void stop() {
        BRIDGES.values().forEach(RunningBridge::close);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void runsAPageWithElAScriptletATagFileJstlAndAnInclude(String engine) throws Exception {
        HttpResponse<String> page = get(engine, "/hello.jsp?who=Ann");
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                page.headers().toString());
        String body = page.body().strip();
        assertTrue(body.startsWith("el=Ann/3 scriptlet=Hello, Ann from the WAR tag=[tag Ann] jstl=123"), body);
        assertTrue(body.endsWith("included /inc/part.jsp in /shop"), body);
        assertEquals(200, get(engine, "/hello.jsp?who=Bob").statusCode(), "compiled once, served again");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void startsWithItsJspEngineAndWithoutJaspersSchemaWarnings(String engine) throws Exception {
        get(engine, "/hello.jsp?who=Eve");
        String log = BRIDGES.get(engine).process().stderrText();
        assertFalse(log.contains("NO JSP Support"), log);
        assertFalse(log.contains("JSP pages cannot run"), log);
        assertFalse(log.contains("could not be found"), log);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void sendsAPagesExceptionToItsErrorPage(String engine) throws Exception {
        HttpResponse<String> failed = get(engine, "/fail.jsp");
        assertEquals(500, failed.statusCode(), failed.body());
        assertEquals("error page: failed on purpose", failed.body().strip());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void runsJspFileServletsWelcomesIndexJspAndRunsTldListeners(String engine) throws Exception {
        HttpResponse<String> page = get(engine, "/page");
        assertEquals(200, page.statusCode(), page.body());
        assertEquals("page at /page", page.body().strip());
        assertEquals("index page", get(engine, "/").body().strip());
        // a TLD's <listener> is the JSP engine's to register (JSP 3.1 section 7.1.9)
        assertEquals("hello listened", get(engine, "/hello").body());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void rendersAServletsForwardToAViewAndAppliesJspConfig(String engine) throws Exception {
        HttpResponse<String> view = get(engine, "/items");
        assertEquals(200, view.statusCode(), view.body());
        assertEquals("view of 3 items for /items", view.body().strip());
        // <jsp-property-group> with <el-ignored>: the expression is text
        assertEquals("raw ${1 + 2}", get(engine, "/raw/page.jsp").body().strip());
        // <include-prelude> of a group, whose url-pattern makes *.page files JSP pages too
        HttpResponse<String> prelude = get(engine, "/report.page");
        assertEquals(200, prelude.statusCode(), prelude.body());
        assertEquals("prelude 3 report", prelude.body().strip());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void aPageThatDoesNotCompileIs500AndTheOthersGoOn(String engine) throws Exception {
        HttpResponse<String> broken = get(engine, "/broken.jsp");
        assertEquals(500, broken.statusCode());
        assertFalse(broken.body().contains("noSuchMethod"), "the page's source: " + broken.body());
        assertEquals(200, get(engine, "/hello.jsp?who=Cy").statusCode());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void neverSendsAPagesSource(String engine) throws Exception {
        for (String path : new String[] {"/hello.jsp", "/WEB-INF/views/items.jsp", "/WEB-INF/tags/greet.tag"}) {
            HttpResponse<String> page = get(engine, path);
            assertFalse(page.body().contains("<%"), path + ": the page's source: " + page.body());
        }
        assertEquals("body {}", get(engine, "/style.css").body());
    }

    /** Servlet 6.0 section 10.5: a client reaches nothing under WEB-INF or META-INF, not a JSP page either. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void neverRunsAPageUnderWebInfOrMetaInfForAClient(String engine) throws Exception {
        for (String path : new String[] {"/WEB-INF/views/items.jsp", "/web-inf/views/items.jsp",
            "/WEB-INF/./views/items.jsp", "/%57EB-INF/views/items.jsp", "/WEB-INF;x/views/items.jsp",
            "/raw/../WEB-INF/views/items.jsp", "/META-INF/page.jsp", "/Meta-Inf/page.jsp"}) {
            HttpResponse<String> page = get(engine, path);
            assertEquals(404, page.statusCode(), path + ": " + page.body());
            assertFalse(page.body().contains("view of") || page.body().contains("meta page"), path + ": " + page.body());
        }
        // a servlet may still forward to it
        assertEquals("view of 3 items for /items", get(engine, "/items").body().strip());
    }

    /**
     * A WAR that brings its own JSP engine in WEB-INF/lib, as JSP WARs had to before the launcher carried one, runs
     * on the launcher's engine: the two copies are not mixed, and the TLD's listener runs once.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void aWarThatBringsItsOwnJspEngineRunsOnTheLaunchersOne(String engine) throws Exception {
        WarBuilder builder = application(new WarBuilder(Files.createDirectories(dir.resolve("own-engine-" + engine))));
        for (String type : new String[] {"org.eclipse.jetty.ee10.apache.jsp.JettyJasperInitializer",
            "org.apache.jasper.servlet.JspServlet", "org.apache.el.ExpressionFactoryImpl",
            "org.eclipse.jdt.internal.compiler.Compiler", "jakarta.servlet.jsp.JspPage", "jakarta.el.ELContext",
            "jakarta.servlet.jsp.jstl.core.Config", "org.apache.taglibs.standard.tag.rt.core.ForEachTag"}) {
            builder.lib(jarOf(type));
        }
        Path war = builder.packed("own");
        try (RunningBridge bridge = RunningBridge.startWar(Files.createDirectories(dir.resolve("own-" + engine)), war,
                "--engine", engine, "--context-path", CONTEXT, "--http", "0")) {
            HttpResponse<String> page = get(bridge, "/hello.jsp?who=Dee");
            assertEquals(200, page.statusCode(), page.body());
            assertTrue(page.body().strip().startsWith("el=Dee/3 scriptlet=Hello, Dee"), page.body());
            assertEquals("error page: failed on purpose", get(bridge, "/fail.jsp").body().strip());
            assertEquals("hello listened", get(bridge, "/hello").body());
        }
    }

    private static WarBuilder application(WarBuilder war) throws IOException {
        return war
                .source("app.Greeter", "package app;\n"
                        + "public class Greeter {\n"
                        + "  public static String greet(String who) { return \"Hello, \" + who + \" from the WAR\"; }\n"
                        + "}\n")
                .source("app.Hello", "package app;\n"
                        + "import jakarta.servlet.http.*; import java.io.IOException;\n"
                        + "public class Hello extends HttpServlet {\n"
                        + "  protected void doGet(HttpServletRequest q, HttpServletResponse r) throws IOException {\n"
                        + "    r.getWriter().print(\"hello \" + getServletContext().getAttribute(\"tld\"));\n"
                        + "  }\n}\n")
                .source("app.Items", "package app;\n"
                        + "import jakarta.servlet.ServletException; import jakarta.servlet.http.*;\n"
                        + "public class Items extends HttpServlet {\n"
                        + "  protected void doGet(HttpServletRequest q, HttpServletResponse r)\n"
                        + "      throws ServletException, java.io.IOException {\n"
                        + "    q.setAttribute(\"items\", java.util.List.of(\"a\", \"b\", \"c\"));\n"
                        + "    q.getRequestDispatcher(\"/WEB-INF/views/items.jsp\").forward(q, r);\n"
                        + "  }\n}\n")
                .lib("tags-1.0.jar", Map.of("tags.Started", "package tags;\n"
                        + "public class Started implements jakarta.servlet.ServletContextListener {\n"
                        + "  public void contextInitialized(jakarta.servlet.ServletContextEvent e) {\n"
                        + "    e.getServletContext().setAttribute(\"tld\", \"listened\");\n"
                        + "  }\n}\n"), Map.of("META-INF/tags.tld", "<taglib "
                        + "xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"3.0\">"
                        + "<tlib-version>1.0</tlib-version>"
                        + "<short-name>t</short-name>"
                        + "<listener><listener-class>tags.Started</listener-class></listener></taglib>"))
                .webXml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n"
                        + "<servlet><servlet-name>hello</servlet-name>"
                        + "<servlet-class>app.Hello</servlet-class></servlet>\n"
                        + "<servlet-mapping><servlet-name>hello</servlet-name><url-pattern>/hello</url-pattern>"
                        + "</servlet-mapping>\n"
                        + "<servlet><servlet-name>page</servlet-name><jsp-file>/page.jsp</jsp-file></servlet>\n"
                        + "<servlet-mapping><servlet-name>page</servlet-name><url-pattern>/page</url-pattern>"
                        + "</servlet-mapping>\n"
                        + "<servlet><servlet-name>items</servlet-name>"
                        + "<servlet-class>app.Items</servlet-class></servlet>\n"
                        + "<servlet-mapping><servlet-name>items</servlet-name><url-pattern>/items</url-pattern>"
                        + "</servlet-mapping>\n"
                        + "<jsp-config><jsp-property-group><url-pattern>/raw/*</url-pattern>"
                        + "<el-ignored>true</el-ignored></jsp-property-group>"
                        + "<jsp-property-group><url-pattern>*.page</url-pattern>"
                        + "<include-prelude>/WEB-INF/prelude.jspf</include-prelude></jsp-property-group>"
                        + "</jsp-config>\n"
                        + "</web-app>\n")
                .file("WEB-INF/views/items.jsp", "<%@ page contentType=\"text/plain\" %>"
                        + "view of ${items.size()} items for "
                        + "${requestScope['jakarta.servlet.forward.servlet_path']}")
                .file("report.page", "<%@ page contentType=\"text/plain\" %>report")
                .file("WEB-INF/prelude.jspf", "prelude ${1 + 2} ")
                .file("META-INF/page.jsp", "meta page")
                .file("raw/page.jsp", "<%@ page contentType=\"text/plain\" %>raw ${1 + 2}")
                .file("hello.jsp", "<%@ page contentType=\"text/plain; charset=UTF-8\" import=\"app.Greeter\" %>"
                        + "<%@ taglib prefix=\"t\" tagdir=\"/WEB-INF/tags\" %>"
                        + "<%@ taglib prefix=\"c\" uri=\"jakarta.tags.core\" %>\n"
                        + "el=${param.who}/${1 + 2} scriptlet=<%= Greeter.greet(request.getParameter(\"who\")) %>"
                        + " tag=[<t:greet who=\"${param.who}\"/>]"
                        + " jstl=<c:forEach var=\"i\" begin=\"1\" end=\"3\">${i}</c:forEach>"
                        + " <jsp:include page=\"/inc/part.jsp\"/>\n")
                .file("inc/part.jsp", "included <%= request.getAttribute(\"jakarta.servlet.include.servlet_path\") %>"
                        + " in ${pageContext.request.contextPath}")
                .file("WEB-INF/tags/greet.tag", "<%@ tag body-content=\"empty\" %>"
                        + "<%@ attribute name=\"who\" required=\"true\" %>tag ${who}")
                .file("fail.jsp", "<%@ page errorPage=\"/oops.jsp\" %>"
                        + "<% if (true) { throw new IllegalStateException(\"failed on purpose\"); } %>")
                .file("oops.jsp", "<%@ page isErrorPage=\"true\" contentType=\"text/plain\" %>"
                        + "error page: <%= exception.getMessage() %>")
                .file("page.jsp", "<%@ page contentType=\"text/plain\" %>page at <%= request.getServletPath() %>")
                .file("index.jsp", "<%@ page contentType=\"text/plain\" %>index page")
                .file("broken.jsp", "<%= noSuchMethod() %>")
                .file("style.css", "body {}");
    }

    /** The jar of the test's class path that holds {@code className}. */
    private static Path jarOf(String className) throws ClassNotFoundException, URISyntaxException {
        return Path.of(Class.forName(className, false, JspIT.class.getClassLoader())
                .getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static HttpResponse<String> get(String engine, String path) throws IOException, InterruptedException {
        return get(BRIDGES.get(engine), path);
    }

    private static HttpResponse<String> get(RunningBridge bridge, String path)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort() + CONTEXT + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
