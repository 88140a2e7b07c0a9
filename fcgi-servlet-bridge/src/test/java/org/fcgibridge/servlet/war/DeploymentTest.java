package org.fcgibridge.servlet.war;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.servlet.cli.LauncherAccess;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deploying real (compiled here) web applications: descriptors, annotations, initializers, libraries, failures. */
class DeploymentTest {
    private static final String WEB_XML_HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\"";

    private static final String HELLO = "package app;\n"
            + "import jakarta.servlet.http.*; import java.io.IOException;\n"
            + "public class Hello extends HttpServlet {\n"
            + "  protected void doGet(HttpServletRequest q, HttpServletResponse r) throws IOException {\n"
            + "    r.setContentType(\"text/plain\");\n"
            + "    r.getWriter().print(\"hello \" + getInitParameter(\"who\") + \" \"\n"
            + "        + getServletContext().getInitParameter(\"site\") + \" \"\n"
            + "        + getServletContext().getAttribute(\"started\"));\n"
            + "  }\n}\n";
    private static final String STAMP = "package app;\n"
            + "import jakarta.servlet.*; import jakarta.servlet.http.*; import java.io.IOException;\n"
            + "public class Stamp extends HttpFilter {\n"
            + "  protected void doFilter(HttpServletRequest q, HttpServletResponse r, FilterChain c)\n"
            + "      throws IOException, ServletException {\n"
            + "    r.setHeader(\"X-Stamp\", getInitParameter(\"stamp\")); c.doFilter(q, r);\n"
            + "  }\n}\n";
    private static final String STARTED = "package app;\n"
            + "import jakarta.servlet.*;\n"
            + "public class Started implements ServletContextListener {\n"
            + "  public void contextInitialized(ServletContextEvent e) {\n"
            + "    e.getServletContext().setAttribute(\"started\", \"yes\");\n"
            + "  }\n}\n";

    @TempDir
    Path dir;

    @Test
    void aWarWithWebXmlOnly() throws Exception {
        Path war = new WarBuilder(dir)
                .source("app.Hello", HELLO).source("app.Stamp", STAMP).source("app.Started", STARTED)
                .webXml(WEB_XML_HEAD + ">\n"
                        + "<context-param><param-name>site</param-name><param-value>docs</param-value>"
                        + "</context-param>\n"
                        + "<listener><listener-class>app.Started</listener-class></listener>\n"
                        + "<filter><filter-name>stamp</filter-name><filter-class>app.Stamp</filter-class>\n"
                        + "  <init-param><param-name>stamp</param-name><param-value>s1</param-value></init-param>"
                        + "</filter>\n"
                        + "<filter-mapping><filter-name>stamp</filter-name><url-pattern>/*</url-pattern>"
                        + "</filter-mapping>\n"
                        + "<servlet><servlet-name>hello</servlet-name><servlet-class>app.Hello</servlet-class>\n"
                        + "  <init-param><param-name>who</param-name><param-value>xml</param-value></init-param>\n"
                        + "  <load-on-startup>1</load-on-startup></servlet>\n"
                        + "<servlet-mapping><servlet-name>hello</servlet-name><url-pattern>/hello</url-pattern>"
                        + "</servlet-mapping>\n"
                        + "<welcome-file-list><welcome-file>start.html</welcome-file></welcome-file-list>\n"
                        + "<error-page><error-code>404</error-code><location>/missing.html</location></error-page>\n"
                        + "<mime-mapping><extension>md</extension><mime-type>text/markdown</mime-type>"
                        + "</mime-mapping>\n"
                        + "<session-config><session-timeout>7</session-timeout></session-config>\n"
                        + "</web-app>\n")
                .file("start.html", "start page").file("missing.html", "not here").file("notes.md", "# notes")
                .packed("xml-only");
        try (ServedWar app = new ServedWar(war, "/shop")) {
            FcgiResponse hello = app.get("/shop/hello");
            assertEquals(200, hello.status(), hello.stdoutText());
            assertEquals("hello xml docs yes", hello.bodyText());
            assertEquals("s1", hello.header("X-Stamp"));
            assertEquals("start page", app.get("/shop/").bodyText());
            assertEquals("text/markdown", app.get("/shop/notes.md").header("Content-Type"));
            FcgiResponse missing = app.get("/shop/nothing");
            assertEquals(404, missing.status());
            assertEquals("not here", missing.bodyText());
            assertEquals(7, app.deployment().context().getSessionTimeout());
        }
    }

    @Test
    void aWarWithAnnotationsOnly() throws Exception {
        Path war = new WarBuilder(dir)
                .source("app.Upload", "package app;\n"
                        + "import jakarta.servlet.*; import jakarta.servlet.annotation.*;\n"
                        + "import jakarta.servlet.http.*; import java.io.IOException;\n"
                        + "@WebServlet(urlPatterns = \"/upload\","
                        + " initParams = @WebInitParam(name = \"n\", value = \"v\"))\n"
                        + "@MultipartConfig(maxFileSize = 1024)\n"
                        + "public class Upload extends HttpServlet {\n"
                        + "  protected void doPost(HttpServletRequest q, HttpServletResponse r)\n"
                        + "      throws IOException, ServletException {\n"
                        + "    r.getWriter().print(getInitParameter(\"n\") + \" \" + q.getServletContext()\n"
                        + "        .getAttribute(\"annotated\") + \" \" + q.getPart(\"f\").getSize());\n"
                        + "  }\n}\n")
                .source("app.Mark", "package app;\n"
                        + "import jakarta.servlet.*; import jakarta.servlet.annotation.*;\n"
                        + "import jakarta.servlet.http.*; import java.io.IOException;\n"
                        + "@WebFilter(\"/*\")\n"
                        + "public class Mark extends HttpFilter {\n"
                        + "  protected void doFilter(HttpServletRequest q, HttpServletResponse r, FilterChain c)\n"
                        + "      throws IOException, ServletException {\n"
                        + "    r.setHeader(\"X-Mark\", \"m\"); c.doFilter(q, r);\n"
                        + "  }\n}\n")
                .source("app.Boot", "package app;\n"
                        + "import jakarta.servlet.*; import jakarta.servlet.annotation.*;\n"
                        + "@WebListener public class Boot implements ServletContextListener {\n"
                        + "  public void contextInitialized(ServletContextEvent e) {\n"
                        + "    e.getServletContext().setAttribute(\"annotated\", \"listener\");\n"
                        + "  }\n}\n")
                .packed("annotations-only");
        try (ServedWar app = new ServedWar(war, "")) {
            String body = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\n"
                    + "0123456789\r\n--b--\r\n";
            FcgiResponse upload = app.send("POST", "/upload", Map.of("CONTENT_TYPE",
                    "multipart/form-data; boundary=b"), body);
            assertEquals(200, upload.status(), upload.stdoutText());
            assertEquals("v listener 10", upload.bodyText());
            assertEquals("m", upload.header("X-Mark"));
        }
    }

    @Test
    void metadataCompleteIgnoresTheAnnotations() throws Exception {
        Path war = new WarBuilder(dir)
                .source("app.Annotated", "package app;\n"
                        + "@jakarta.servlet.annotation.WebServlet(\"/annotated\")\n"
                        + "public class Annotated extends jakarta.servlet.http.HttpServlet { }\n")
                .webXml(WEB_XML_HEAD + " metadata-complete=\"true\"></web-app>")
                .packed("complete");
        try (ServedWar app = new ServedWar(war, "")) {
            assertEquals(404, app.get("/annotated").status());
        }
    }

    @Test
    void aServletContainerInitializerInALibraryJarGetsItsHandlesTypes() throws Exception {
        Path war = new WarBuilder(dir)
                .lib("plugins-1.0.jar", Map.of(
                        "lib.Plugin", "package lib; public interface Plugin { String name(); }\n",
                        "lib.Init", "package lib;\n"
                                + "import jakarta.servlet.*; import jakarta.servlet.annotation.*;\n"
                                + "import jakarta.servlet.http.*; import java.util.*;\n"
                                + "@HandlesTypes(Plugin.class)\n"
                                + "public class Init implements ServletContainerInitializer {\n"
                                + "  public void onStartup(Set<Class<?>> types, ServletContext context) {\n"
                                + "    List<String> names = new ArrayList<>();\n"
                                + "    for (Class<?> type : types) { names.add(type.getName()); }\n"
                                + "    Collections.sort(names);\n"
                                + "    context.addServlet(\"plugins\", new HttpServlet() {\n"
                                + "      protected void doGet(HttpServletRequest q, HttpServletResponse r)\n"
                                + "          throws java.io.IOException { r.getWriter().print(names); }\n"
                                + "    }).addMapping(\"/plugins\");\n"
                                + "  }\n}\n"),
                        Map.of("META-INF/services/jakarta.servlet.ServletContainerInitializer", "lib.Init\n"))
                .source("app.Weather", "package app;\n"
                        + "public class Weather implements lib.Plugin { public String name() { return \"w\"; } }\n")
                .source("app.Unrelated", "package app; public class Unrelated { }\n")
                .packed("sci");
        try (ServedWar app = new ServedWar(war, "")) {
            FcgiResponse plugins = app.get("/plugins");
            assertEquals(200, plugins.status(), plugins.stdoutText());
            assertEquals("[app.Weather]", plugins.bodyText());
        }
    }

    @Test
    void anInitializersSlashMappingReplacesTheDefaultServlet() throws Exception {
        Path war = new WarBuilder(dir)
                .lib("front-1.0.jar", Map.of("lib.Front", "package lib;\n"
                        + "import jakarta.servlet.*; import jakarta.servlet.http.*; import java.util.*;\n"
                        + "@jakarta.servlet.annotation.HandlesTypes(Runnable.class)\n"
                        + "public class Front implements ServletContainerInitializer {\n"
                        + "  public void onStartup(Set<Class<?>> types, ServletContext context) {\n"
                        + "    Set<String> first = context.addServlet(\"front\", new HttpServlet() {\n"
                        + "      protected void service(HttpServletRequest q, HttpServletResponse r)\n"
                        + "          throws java.io.IOException {\n"
                        + "        r.getWriter().print(\"front \" + q.getMethod() + \" \" + q.getServletPath());\n"
                        + "      }\n"
                        + "    }).addMapping(\"/\");\n"
                        + "    Set<String> second = context.addServlet(\"other\", new HttpServlet() { })\n"
                        + "        .addMapping(\"/\", \"/other\");\n"
                        + "    context.setAttribute(\"conflicts\", first + \" \" + second);\n"
                        + "  }\n}\n"),
                        Map.of("META-INF/services/jakarta.servlet.ServletContainerInitializer", "lib.Front\n"))
                .file("index.html", "static")
                .packed("front");
        try (ServedWar app = new ServedWar(war, "")) {
            assertEquals("front GET /", app.get("/").bodyText());
            assertEquals("front GET /index.html", app.get("/index.html").bodyText());
            assertEquals("front POST /api/x", app.send("POST", "/api/x", Map.of(), "a=1").bodyText());
            assertEquals("[] [/]", app.deployment().context().getAttribute("conflicts"),
                    "the application's first \"/\" replaces the container's; a second one is a conflict");
            assertEquals("front GET /other", app.get("/other").bodyText(), "a conflicting addMapping maps nothing");
            assertTrue(app.deployment().context().getServletRegistration("default").getMappings().isEmpty());
        }
    }

    @Test
    void theDefaultServletServesTheMetaInfResourcesOfLibraryJars() throws Exception {
        Path war = new WarBuilder(dir)
                .lib("lib-1.0.jar", Map.of(), Map.of(
                        "META-INF/resources/webjars/lib/1.0/lib.js", "function lib() {}\n",
                        "META-INF/resources/shared.txt", "from the jar",
                        "META-INF/resources/docs/index.html", "jar welcome",
                        "META-INF/secret.txt", "not a resource"))
                .file("shared.txt", "from the war")
                .packed("webjar");
        try (ServedWar app = new ServedWar(war, "/shop")) {
            FcgiResponse script = app.get("/shop/webjars/lib/1.0/lib.js");
            assertEquals(200, script.status(), script.stdoutText());
            assertEquals("function lib() {}\n", script.bodyText());
            assertTrue(script.header("Content-Type").startsWith("text/javascript")
                    || script.header("Content-Type").startsWith("application/javascript"), script.stdoutText());
            assertEquals("from the war", app.get("/shop/shared.txt").bodyText(), "the WAR's own file wins");
            assertEquals("jar welcome", app.get("/shop/docs/").bodyText());
            assertEquals(404, app.get("/shop/secret.txt").status());
            assertEquals(404, app.get("/shop/webjars/lib/1.0/missing.js").status());
            var context = app.deployment().context();
            assertEquals(java.util.Set.of("/webjars/lib/1.0/lib.js"), context.getResourcePaths("/webjars/lib/1.0/"));
            assertTrue(context.getResourcePaths("/").containsAll(java.util.Set.of("/shared.txt", "/webjars/",
                    "/docs/", "/WEB-INF/")), String.valueOf(context.getResourcePaths("/")));
            assertEquals(null, context.getResource("/../secret.txt"));
        }
    }

    @Test
    void jspPagesThatDoNotCompileAnswer500AndNeverServeTheirSource() throws Exception {
        Path war = new WarBuilder(dir)
                .lib("tags-1.0.jar", Map.of(), Map.of("META-INF/tags.tld", "<taglib><tlib-version>1.0</tlib-version>"
                        + "<short-name>t</short-name></taglib>"))
                .source("app.Hello", HELLO)
                .source("app.AddsJsp", "package app;\n"
                        + "import jakarta.servlet.*;\n"
                        + "public class AddsJsp implements ServletContextListener {\n"
                        + "  public void contextInitialized(ServletContextEvent e) {\n"
                        + "    e.getServletContext().addJspFile(\"added\", \"/page.jsp\").addMapping(\"/added\");\n"
                        + "  }\n}\n")
                .webXml(WEB_XML_HEAD + ">\n"
                        + "<listener><listener-class>app.AddsJsp</listener-class></listener>\n"
                        + "<servlet><servlet-name>hello</servlet-name><servlet-class>app.Hello</servlet-class>"
                        + "</servlet>\n"
                        + "<servlet-mapping><servlet-name>hello</servlet-name><url-pattern>/hello</url-pattern>"
                        + "</servlet-mapping>\n"
                        + "<servlet><servlet-name>page</servlet-name><jsp-file>/page.jsp</jsp-file></servlet>\n"
                        + "<servlet-mapping><servlet-name>page</servlet-name><url-pattern>/page</url-pattern>"
                        + "</servlet-mapping>\n"
                        + "</web-app>\n")
                .file("page.jsp", "<%= secretSource() %>")
                .file("Upper.JSP", "<%= secretSource() %>")
                .file("Mixed.Jsp", "<%= secretSource() %>")
                .file("style.css", "body {}")
                .packed("jsp");
        try (ServedWar app = new ServedWar(war, "")) {
            assertEquals(200, app.get("/hello").status());
            assertEquals("body {}", app.get("/style.css").bodyText());
            for (String path : new String[] {"/page.jsp", "/Upper.JSP", "/Mixed.Jsp", "/page", "/added"}) {
                FcgiResponse page = app.get(path);
                assertEquals(path.equals("/Mixed.Jsp") ? 404 : 500, page.status(), path);
                assertFalse(page.stdoutText().contains("secretSource"), page.stdoutText());
            }
        }
    }

    @Test
    void jspFileServletsInheritTheJspServletsInitParamsAndJspConfigIsDescribed() throws Exception {
        Path war = new WarBuilder(dir)
                .source("app.Describe", "package app;\n"
                        + "import jakarta.servlet.descriptor.*; import jakarta.servlet.http.*;\n"
                        + "public class Describe extends HttpServlet {\n"
                        + "  protected void doGet(HttpServletRequest q, HttpServletResponse r)\n"
                        + "      throws java.io.IOException {\n"
                        + "    JspConfigDescriptor d = getServletContext().getJspConfigDescriptor();\n"
                        + "    TaglibDescriptor t = d.getTaglibs().iterator().next();\n"
                        + "    JspPropertyGroupDescriptor g = d.getJspPropertyGroups().iterator().next();\n"
                        + "    r.getWriter().print(t.getTaglibURI() + \" \" + t.getTaglibLocation() + \" \"\n"
                        + "        + g.getUrlPatterns() + \" \" + g.getPageEncoding() + \" \" + g.getIncludePreludes()\n"
                        + "        + \" \" + g.getElIgnored());\n"
                        + "  }\n}\n")
                .webXml(WEB_XML_HEAD + ">\n"
                        + "<servlet><servlet-name>describe</servlet-name><servlet-class>app.Describe</servlet-class>"
                        + "</servlet>\n"
                        + "<servlet-mapping><servlet-name>describe</servlet-name><url-pattern>/describe</url-pattern>"
                        + "</servlet-mapping>\n"
                        + "<servlet><servlet-name>page</servlet-name><jsp-file>/page.jsp</jsp-file>\n"
                        + "  <init-param><param-name>who</param-name><param-value>xml</param-value></init-param>\n"
                        + "  <init-param><param-name>xpoweredBy</param-name><param-value>true</param-value>"
                        + "</init-param></servlet>\n"
                        + "<servlet-mapping><servlet-name>page</servlet-name><url-pattern>/page</url-pattern>"
                        + "</servlet-mapping>\n"
                        + "<jsp-config><taglib><taglib-uri>urn:t</taglib-uri>"
                        + "<taglib-location>/WEB-INF/t.tld</taglib-location></taglib>\n"
                        + "<jsp-property-group><url-pattern>*.view</url-pattern><page-encoding>UTF-8</page-encoding>"
                        + "<include-prelude>/WEB-INF/head.jspf</include-prelude></jsp-property-group>"
                        + "</jsp-config>\n"
                        + "</web-app>\n")
                .file("page.jsp", "<%@ page contentType=\"text/plain\" %><%= config.getInitParameter(\"who\") %> "
                        + "<%= config.getInitParameter(\"compilerSourceVM\") %> "
                        + "<%= config.getInitParameter(\"xpoweredBy\") %> <%= config.getInitParameter(\"jspFile\") %>")
                .file("WEB-INF/head.jspf", "head ")
                .file("WEB-INF/t.tld", "<taglib xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"3.0\">"
                        + "<tlib-version>1.0</tlib-version><short-name>t</short-name></taglib>")
                .file("report.view", "<%@ page contentType=\"text/plain\" %>r\u00e9sum\u00e9 ${1 + 1}")
                .packed("jsp-config");
        try (ServedWar app = new ServedWar(war, "")) {
            FcgiResponse page = app.get("/page");
            assertEquals(200, page.status(), page.stdoutText());
            // the servlet's own init-param wins over the JSP servlet's of the same name
            assertEquals("xml 1.8 true /page.jsp", page.bodyText());
            FcgiResponse described = app.get("/describe");
            assertEquals("urn:t /WEB-INF/t.tld [*.view] UTF-8 [/WEB-INF/head.jspf] null", described.bodyText());
            // the property group's url-pattern is a JSP page: compiled with its prelude and encoding
            FcgiResponse view = app.get("/report.view");
            assertEquals(200, view.status(), view.stdoutText());
            assertEquals("head r\u00e9sum\u00e9 2", new String(view.body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aWarWithNeitherClassesNorLibrariesDeploys() throws Exception {
        Path staticOnly = zip("static.war", Map.of("index.html", "static only"));
        try (ServedWar app = new ServedWar(staticOnly, "")) {
            assertEquals("static only", app.get("/").bodyText());
        }
        Path xmlOnly = zip("xml.war", Map.of("WEB-INF/web.xml", WEB_XML_HEAD + "><display-name>x</display-name>"
                + "<welcome-file-list><welcome-file>start.html</welcome-file></welcome-file-list></web-app>",
                "start.html", "xml only"));
        try (ServedWar app = new ServedWar(xmlOnly, "")) {
            assertEquals("xml only", app.get("/").bodyText());
        }
    }

    private Path zip(String name, Map<String, String> entries) throws Exception {
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

    @Test
    void theWebappsOwnVersionOfALibraryWins() throws Exception {
        assertEquals("from the launcher's class path", com.example.conflict.Greeting.text(), "the parent's version");
        Path war = new WarBuilder(dir)
                .lib("greeting-2.0.jar", Map.of("com.example.conflict.Greeting", "package com.example.conflict;\n"
                        + "public final class Greeting {"
                        + " public static String text() { return \"from WEB-INF/lib\"; } }\n"),
                        Map.of())
                .source("app.Greet", "package app;\n"
                        + "import jakarta.servlet.http.*; import java.io.IOException;\n"
                        + "@jakarta.servlet.annotation.WebServlet(\"/greet\")\n"
                        + "public class Greet extends HttpServlet {\n"
                        + "  protected void doGet(HttpServletRequest q, HttpServletResponse r) throws IOException {\n"
                        + "    r.getWriter().print(com.example.conflict.Greeting.text() + \"; servlet API from \"\n"
                        + "        + (HttpServlet.class.getClassLoader() == getClass().getClassLoader() ? \"webapp\"\n"
                        + "        : \"container\"));\n"
                        + "  }\n}\n")
                .packed("conflict");
        try (ServedWar app = new ServedWar(war, "")) {
            assertEquals("from WEB-INF/lib; servlet API from container", app.get("/greet").bodyText());
        }
    }

    /** JSTL's API is a jakarta.servlet package the container does not carry: a WAR brings it in WEB-INF/lib. */
    @Test
    void aClassOfAServletApiPackageTheContainerLacksComesFromTheWar() throws Exception {
        Path war = new WarBuilder(dir)
                .lib("jstl-api.jar", Map.of("jakarta.servlet.jsp.jstl.core.Config",
                        "package jakarta.servlet.jsp.jstl.core;\n"
                        + "public class Config { public static String origin() { return \"from WEB-INF/lib\"; } }\n"),
                        Map.of())
                .source("app.Jstl", "package app;\n"
                        + "import jakarta.servlet.http.*; import java.io.IOException;\n"
                        + "@jakarta.servlet.annotation.WebServlet(\"/jstl\")\n"
                        + "public class Jstl extends HttpServlet {\n"
                        + "  protected void doGet(HttpServletRequest q, HttpServletResponse r) throws IOException {\n"
                        + "    r.getWriter().print(jakarta.servlet.jsp.jstl.core.Config.origin());\n"
                        + "  }\n}\n")
                .packed("jstl");
        try (ServedWar app = new ServedWar(war, "")) {
            assertEquals("from WEB-INF/lib", app.get("/jstl").bodyText());
        }
    }

    @Test
    void aWebFragmentOfALibraryJarDeclaresItsServlet() throws Exception {
        Path war = new WarBuilder(dir)
                .lib("fragment.jar", Map.of("frag.Status", "package frag;\n"
                        + "import jakarta.servlet.http.*; import java.io.IOException;\n"
                        + "public class Status extends HttpServlet {\n"
                        + "  protected void doGet(HttpServletRequest q, HttpServletResponse r) throws IOException {\n"
                        + "    r.getWriter().print(\"fragment ok\");\n"
                        + "  }\n}\n"),
                        Map.of("META-INF/web-fragment.xml", "<web-fragment "
                                + "xmlns=\"https://jakarta.ee/xml/ns/jakartaee\""
                                + " version=\"6.0\"><servlet><servlet-name>status</servlet-name>"
                                + "<servlet-class>frag.Status</servlet-class></servlet><servlet-mapping>"
                                + "<servlet-name>status</servlet-name><url-pattern>/status</url-pattern>"
                                + "</servlet-mapping></web-fragment>"))
                .packed("fragment");
        try (ServedWar app = new ServedWar(war, "")) {
            assertEquals("fragment ok", app.get("/status").bodyText());
        }
    }

    @Test
    void theSameWarPackedAndExplodedAnswersAlike() throws Exception {
        WarBuilder builder = new WarBuilder(dir).source("app.Hello", HELLO).source("app.Started", STARTED)
                .webXml(WEB_XML_HEAD + "><listener><listener-class>app.Started</listener-class></listener>"
                        + "<servlet><servlet-name>h</servlet-name><servlet-class>app.Hello</servlet-class></servlet>"
                        + "<servlet-mapping><servlet-name>h</servlet-name><url-pattern>/h/*</url-pattern>"
                        + "</servlet-mapping></web-app>")
                .file("index.html", "<p>index</p>").file("css/site.css", "p{}");
        Path exploded = builder.exploded();
        Path packed = builder.packed("both");
        for (String uri : new String[] {"/h/x", "/", "/css/site.css", "/nothing", "/WEB-INF/web.xml"}) {
            FcgiResponse fromExploded;
            FcgiResponse fromPacked;
            try (ServedWar app = new ServedWar(exploded, "")) {
                fromExploded = app.get(uri);
            }
            try (ServedWar app = new ServedWar(packed, "")) {
                fromPacked = app.get(uri);
            }
            assertEquals(fromExploded.status(), fromPacked.status(), uri);
            assertEquals(fromExploded.bodyText(), fromPacked.bodyText(), uri);
            assertEquals(fromExploded.header("Content-Type"), fromPacked.header("Content-Type"), uri);
        }
        try (ServedWar app = new ServedWar(packed, "")) {
            assertEquals("hello null null yes", app.get("/h/x").bodyText());
            assertEquals(404, app.get("/WEB-INF/web.xml").status(), "WEB-INF is never served");
        }
    }

    @Test
    void undeployingDeletesTheUnpackedWar() throws Exception {
        Path war = new WarBuilder(dir).source("app.Hello", HELLO).packed("temp");
        Path work;
        try (ServedWar app = new ServedWar(war, "")) {
            work = app.deployment().workDirectory();
            assertTrue(Files.isDirectory(work.resolve("webapp/WEB-INF/classes/app")));
        }
        assertFalse(Files.exists(work), "the work directory is gone");
    }

    @Test
    void aBrokenWebXmlNamesTheFileAndTheLine() throws Exception {
        Path war = new WarBuilder(dir).webXml(WEB_XML_HEAD + ">\n<servlet>\n<servlet-name>x</servlet-name>\n"
                + "</web-app>\n").packed("broken");
        DeploymentException e = assertThrows(DeploymentException.class,
                () -> WebAppDeployer.deploy(war, "", getClass().getClassLoader()));
        assertTrue(e.getMessage().startsWith(war + "!/WEB-INF/web.xml:5:"), e.getMessage());
        assertTrue(e.getMessage().contains("\"servlet\" must be terminated"), e.getMessage());

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LauncherAccess.run(new String[] {"--war", war.toString(), "--listen", "127.0.0.1:0"},
                new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.startsWith("fcgi-bridge: cannot deploy: " + war + "!/WEB-INF/web.xml:5:"), message);
    }

    @Test
    void anErrorWhileDeployingLeavesNoJarOpen() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(fds), "lists the open files on Linux");
        Path war = new WarBuilder(dir.resolve("war")).lib("unloadable-1.0.jar", Map.of(),
                Map.of("META-INF/services/jakarta.servlet.ServletContainerInitializer", "lib.Missing\n"))
                .packed("unloadable");
        assertThrows(ServiceConfigurationError.class, () -> WebAppDeployer.deploy(war, "", getClass()
                .getClassLoader()));
        try (Stream<Path> open = Files.list(fds)) {
            List<String> jars = open.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException | UnsupportedOperationException gone) {
                    return "";
                }
            }).filter(target -> target.endsWith("unloadable-1.0.jar")).toList();
            assertEquals(List.of(), jars, "the jar's file system and class loader are closed");
        }
    }

    @Test
    void aServletClassThatIsNotInTheWarIsNamed() throws Exception {
        Path war = new WarBuilder(dir).webXml(WEB_XML_HEAD + "><servlet><servlet-name>x</servlet-name>"
                + "<servlet-class>app.Gone</servlet-class></servlet></web-app>").packed("gone");
        DeploymentException e = assertThrows(DeploymentException.class,
                () -> WebAppDeployer.deploy(war, "", getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("gone.war") && e.getMessage().contains("app.Gone"), e.getMessage());
    }

    @Test
    void aFailingListenerStopsTheDeployment() throws Exception {
        Path war = new WarBuilder(dir).source("app.Fails", "package app;\n"
                + "@jakarta.servlet.annotation.WebListener\n"
                + "public class Fails implements jakarta.servlet.ServletContextListener {\n"
                + "  public void contextInitialized(jakarta.servlet.ServletContextEvent e) {\n"
                + "    throw new IllegalStateException(\"no database\");\n"
                + "  }\n}\n").packed("fails");
        DeploymentException e = assertThrows(DeploymentException.class,
                () -> WebAppDeployer.deploy(war, "", getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("fails.war") && e.getMessage().contains("no database"), e.getMessage());
    }

    @Test
    void constraintsThatNeedUsersAreRefusedWithoutARealmBeforeTheApplicationRuns() throws Exception {
        Path mark = dir.resolve("listener-ran");
        Path war = new WarBuilder(dir).source("app.Marks", "package app;\n"
                + "public class Marks implements jakarta.servlet.ServletContextListener {\n"
                + "  public void contextInitialized(jakarta.servlet.ServletContextEvent e) {\n"
                + "    try { java.nio.file.Files.createFile(java.nio.file.Path.of(\n"
                + "        e.getServletContext().getInitParameter(\"mark\"))); }\n"
                + "    catch (java.io.IOException x) { throw new java.io.UncheckedIOException(x); }\n"
                + "  }\n}\n")
                .webXml(WEB_XML_HEAD + "><context-param><param-name>mark</param-name><param-value>" + mark
                        + "</param-value></context-param><listener><listener-class>app.Marks</listener-class>"
                        + "</listener><security-constraint><web-resource-collection><web-resource-name>all"
                        + "</web-resource-name><url-pattern>/*</url-pattern></web-resource-collection>"
                        + "<auth-constraint><role-name>admin</role-name></auth-constraint></security-constraint>"
                        + "</web-app>").packed("guarded");
        DeploymentException e = assertThrows(DeploymentException.class,
                () -> WebAppDeployer.deploy(war, "", getClass().getClassLoader()));
        assertTrue(e.getMessage().endsWith("guarded.war declares security constraints (a constraint on /*), which "
                + "need users and roles: add --realm FILE"), e.getMessage());
        assertFalse(Files.exists(mark), "the application's listener ran");
    }

    @Test
    void aLoginConfigOfAWebFragmentIsRefusedWithoutARealm() throws Exception {
        Path war = new WarBuilder(dir).lib("auth.jar", Map.of(), Map.of("META-INF/web-fragment.xml",
                        "<web-fragment xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">"
                                + "<login-config><auth-method>BASIC</auth-method></login-config></web-fragment>"))
                .file("index.html", "hi").packed("fragmented");
        DeploymentException e = assertThrows(DeploymentException.class,
                () -> WebAppDeployer.deploy(war, "", getClass().getClassLoader()));
        assertTrue(e.getMessage().endsWith("fragmented.war declares security constraints (<login-config> BASIC), "
                + "which need users and roles: add --realm FILE"), e.getMessage());
    }

    @Test
    void anEntryThatEscapesTheDeploymentDirectoryIsRefused() throws Exception {
        Path war = dir.resolve("slip.war");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            zip.putNextEntry(new ZipEntry("../../evil.txt"));
            zip.write("x".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        DeploymentException e = assertThrows(DeploymentException.class,
                () -> WebAppDeployer.deploy(war, "", getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("../../evil.txt"), e.getMessage());
    }

    @Test
    void aFileThatIsNotAWarIsRefused() throws Exception {
        Path war = Files.writeString(dir.resolve("text.war"), "not a zip");
        DeploymentException e = assertThrows(DeploymentException.class,
                () -> WebAppDeployer.deploy(war, "", getClass().getClassLoader()));
        assertTrue(e.getMessage().startsWith(war.toString()), e.getMessage());
    }
}
