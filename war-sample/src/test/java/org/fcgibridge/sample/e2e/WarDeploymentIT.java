package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WARs as applications ship them, deployed by the launcher on both engines: an initializer that takes "/", WebJars
 * in WEB-INF/lib, JSP pages and tag libraries without a JSP engine, and WARs with no class at all.
 */
class WarDeploymentIT {
    private static final String WEB_XML_HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    /** Spring's WebApplicationInitializer maps its DispatcherServlet so: the application's "/" wins. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void anInitializersServletAtSlashAnswersEverything(String engine) throws Exception {
        Path war = new WarBuilder(dir)
                .lib("front-1.0.jar", Map.of(
                        "lib.Handler", "package lib; public interface Handler { }\n",
                        "lib.Front", "package lib;\n"
                        + "import jakarta.servlet.*; import jakarta.servlet.http.*; import java.util.*;\n"
                        + "@jakarta.servlet.annotation.HandlesTypes(Handler.class)\n"
                        + "public class Front implements ServletContainerInitializer {\n"
                        + "  public void onStartup(Set<Class<?>> types, ServletContext context) {\n"
                        + "    ServletRegistration.Dynamic front = context.addServlet(\"front\", new HttpServlet() {\n"
                        + "      protected void service(HttpServletRequest q, HttpServletResponse r)\n"
                        + "          throws java.io.IOException {\n"
                        + "        r.setContentType(\"text/plain\");\n"
                        + "        r.getWriter().print(\"front \" + q.getMethod() + \" \" + q.getServletPath()\n"
                        + "            + \" handlers=\" + types.size());\n"
                        + "      }\n"
                        + "    });\n"
                        + "    Set<String> conflicts = front.addMapping(\"/\");\n"
                        + "    if (!conflicts.isEmpty()) { throw new IllegalStateException(\"conflict \" + conflicts); }\n"
                        + "    Set<String> second = context.addServlet(\"second\", new HttpServlet() { })\n"
                        + "        .addMapping(\"/\");\n"
                        + "    if (!second.equals(Set.of(\"/\"))) { throw new IllegalStateException(\"no conflict\"); }\n"
                        + "  }\n}\n"),
                        Map.of("META-INF/services/jakarta.servlet.ServletContainerInitializer", "lib.Front\n"))
                .source("app.Home", "package app; public class Home implements lib.Handler { }\n")
                .file("index.html", "the static index")
                .packed("front");
        try (RunningBridge bridge = RunningBridge.startWar(dir, war, "--engine", engine, "--http", "0")) {
            HttpResponse<String> root = get(bridge, "/");
            assertEquals(200, root.statusCode(), root.body());
            assertEquals("front GET / handlers=1", root.body());
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(url(bridge, "/api/x"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, posted.statusCode(), posted.body());
            assertEquals("front POST /api/x handlers=1", posted.body());
            assertEquals("front GET /index.html handlers=1", get(bridge, "/index.html").body());
        }
    }

    /** Servlet 6.0 section 4.6: every WebJar is a jar of META-INF/resources. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theStaticResourcesOfLibraryJarsAreServed(String engine) throws Exception {
        Path war = new WarBuilder(dir)
                .lib("lib-1.0.jar", Map.of(), Map.of(
                        "META-INF/resources/webjars/lib/1.0/lib.js", "function lib() { return 1; }\n",
                        "META-INF/resources/webjars/lib/1.0/lib.css", "from the jar",
                        "META-INF/resources/docs/index.html", "jar welcome page"))
                .file("webjars/lib/1.0/lib.css", "from the war")
                .packed("webjar");
        try (RunningBridge bridge = RunningBridge.startWar(dir, war, "--engine", engine, "--http", "0")) {
            HttpResponse<String> script = get(bridge, "/webjars/lib/1.0/lib.js");
            assertEquals(200, script.statusCode(), script.body());
            assertEquals("function lib() { return 1; }\n", script.body());
            assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"),
                    script.headers().toString());
            assertEquals("from the war", get(bridge, "/webjars/lib/1.0/lib.css").body(), "the WAR's own file wins");
            assertEquals("jar welcome page", get(bridge, "/docs/").body());
            assertEquals(404, get(bridge, "/webjars/lib/1.0/missing.js").statusCode());
        }
    }

    /** Plain Jetty without a JSP engine deploys such a WAR; a JSP request answers 500 and never the page's source. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aWarWithJspPagesAndATagLibraryDeploys(String engine) throws Exception {
        Path war = new WarBuilder(dir)
                .lib("tags-1.0.jar", Map.of("tags.Started", "package tags;\n"
                        + "public class Started implements jakarta.servlet.ServletContextListener {\n"
                        + "  public void contextInitialized(jakarta.servlet.ServletContextEvent e) {\n"
                        + "    e.getServletContext().setAttribute(\"tld\", \"listened\");\n"
                        + "  }\n}\n"), Map.of("META-INF/tags.tld", "<taglib "
                        + "xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"3.0\"><tlib-version>1.0</tlib-version>"
                        + "<short-name>t</short-name>"
                        + "<listener><listener-class>tags.Started</listener-class></listener></taglib>"))
                .source("app.Hello", "package app;\n"
                        + "import jakarta.servlet.http.*; import java.io.IOException;\n"
                        + "public class Hello extends HttpServlet {\n"
                        + "  protected void doGet(HttpServletRequest q, HttpServletResponse r) throws IOException {\n"
                        + "    r.getWriter().print(\"hello \" + getServletContext().getAttribute(\"tld\"));\n"
                        + "  }\n}\n")
                .webXml(WEB_XML_HEAD
                        + "<servlet><servlet-name>hello</servlet-name><servlet-class>app.Hello</servlet-class></servlet>\n"
                        + "<servlet-mapping><servlet-name>hello</servlet-name><url-pattern>/hello</url-pattern>"
                        + "</servlet-mapping>\n"
                        + "<servlet><servlet-name>page</servlet-name><jsp-file>/page.jsp</jsp-file></servlet>\n"
                        + "<servlet-mapping><servlet-name>page</servlet-name><url-pattern>/page</url-pattern>"
                        + "</servlet-mapping>\n"
                        + "</web-app>\n")
                .file("page.jsp", "<%= secretSource() %>")
                .file("style.css", "body {}")
                .packed("jsp");
        try (RunningBridge bridge = RunningBridge.startWar(dir, war, "--engine", engine, "--http", "0")) {
            // a TLD's <listener> is the JSP engine's to register (JSP 3.1 section 7.1.9): with none, as in plain Jetty,
            // it is not run
            assertEquals("hello null", get(bridge, "/hello").body());
            assertEquals("body {}", get(bridge, "/style.css").body());
            for (String path : new String[] {"/page.jsp", "/page"}) {
                HttpResponse<String> page = get(bridge, path);
                assertEquals(500, page.statusCode(), path + ": " + page.body());
                assertFalse(page.body().contains("secretSource"), page.body());
                assertTrue(page.body().contains("JSP support not configured"), page.body());
            }
            String log = bridge.process().stderrText();
            assertTrue(log.contains("JSP") && !log.contains("secretSource"), "the log says why: " + log);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aWarOfStaticFilesOnlyDeploys(String engine) throws Exception {
        Path war = zip("static.war", Map.of("index.html", "static only", "css/site.css", "body {}"));
        try (RunningBridge bridge = RunningBridge.startWar(dir, war, "--engine", engine, "--http", "0")) {
            assertEquals("static only", get(bridge, "/").body());
            assertEquals("body {}", get(bridge, "/css/site.css").body());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aWarOfAWebXmlAndStaticFilesDeploys(String engine) throws Exception {
        Path war = zip("xml.war", Map.of("WEB-INF/web.xml", WEB_XML_HEAD
                + "<welcome-file-list><welcome-file>start.html</welcome-file></welcome-file-list></web-app>\n",
                "start.html", "welcome from web.xml"));
        try (RunningBridge bridge = RunningBridge.startWar(dir, war, "--engine", engine, "--http", "0")) {
            assertEquals("welcome from web.xml", get(bridge, "/").body());
        }
    }

    private Path zip(String name, Map<String, String> entries) throws IOException {
        Path war = dir.resolve(name);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return war;
    }

    private static URI url(RunningBridge bridge, String path) {
        return URI.create("http://127.0.0.1:" + bridge.httpPort() + path);
    }

    private HttpResponse<String> get(RunningBridge bridge, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(url(bridge, path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
