package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deployment descriptor rules of Servlet 6.0 chapter 8 that the TCK checks, through the launcher on both
 * engines: web-fragment ordering (relative and absolute), how web.xml, fragments and annotations merge, init-params
 * given twice, a url-pattern without its leading slash, and the locale-encoding-mapping-list.
 */
class DeploymentDescriptorIT {
    private static final String WEB_APP = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n";
    /** Adds its "tag" init-param to the request's "tags", so the response shows the order filters ran in. */
    private static final String TAG = "package app;\n"
            + "import jakarta.servlet.*; import java.io.IOException;\n"
            + "public class Tag implements Filter {\n"
            + "  private String tag;\n"
            + "  public void init(FilterConfig config) { tag = config.getInitParameter(\"tag\"); }\n"
            + "  public void doFilter(ServletRequest q, ServletResponse r, FilterChain chain)\n"
            + "      throws IOException, ServletException {\n"
            + "    Object tags = q.getAttribute(\"tags\");\n"
            + "    q.setAttribute(\"tags\", tags == null ? tag : tags + \",\" + tag);\n"
            + "    chain.doFilter(q, r);\n"
            + "  }\n}\n";
    private static final String ECHO = "package app;\n"
            + "import jakarta.servlet.http.*; import java.io.IOException; import java.util.*;\n"
            + "public class Echo extends HttpServlet {\n"
            + "  protected void doGet(HttpServletRequest q, HttpServletResponse r) throws IOException {\n"
            + "    if (q.getParameter(\"async\") != null) {\n"
            + "      r.getWriter().print(getServletName() + \" async=\" + q.isAsyncSupported());\n"
            + "      return;\n"
            + "    }\n"
            + "    if (q.getParameter(\"locale\") != null) {\n"
            + "      r.setContentType(\"text/plain\");\n"
            + "      r.setLocale(Locale.forLanguageTag(q.getParameter(\"locale\")));\n"
            + "      r.getWriter().print(r.getCharacterEncoding());\n"
            + "      return;\n"
            + "    }\n"
            + "    List<String> params = new ArrayList<>(Collections.list(getInitParameterNames()));\n"
            + "    Collections.sort(params);\n"
            + "    StringBuilder out = new StringBuilder(\"tags=\" + q.getAttribute(\"tags\"));\n"
            + "    for (String name : params) { out.append(' ').append(name).append('=')\n"
            + "        .append(getInitParameter(name)); }\n"
            + "    r.getWriter().print(out);\n"
            + "  }\n}\n";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void fragmentsOrderAndMergeAsChapterEightSays(String engine) throws Exception {
        WarBuilder builder = new WarBuilder(dir)
                .source("app.Tag", TAG).source("app.Echo", ECHO)
                .source("app.Annotated", "package app;\n"
                        + "import jakarta.servlet.annotation.*;\n"
                        + "@WebServlet(name = \"annotated\", urlPatterns = \"/from-annotation\", asyncSupported = true,\n"
                        + "    initParams = {\n"
                        + "    @WebInitParam(name = \"msg1\", value = \"annotation\"),\n"
                        + "    @WebInitParam(name = \"msg3\", value = \"annotation\")})\n"
                        + "public class Annotated extends Echo { }\n")
                .webXml(WEB_APP
                        + filter("main") + "<filter-mapping><filter-name>main</filter-name>"
                        + "<servlet-name>echo</servlet-name></filter-mapping>\n"
                        + "<servlet><servlet-name>echo</servlet-name><servlet-class>app.Echo</servlet-class>\n"
                        + param("msg1", "first") + param("msg1", "ignore") + "</servlet>\n"
                        + "<servlet-mapping><servlet-name>echo</servlet-name><url-pattern>echo</url-pattern>"
                        + "</servlet-mapping>\n"
                        + "<servlet><servlet-name>annotated</servlet-name><servlet-class>app.Annotated</servlet-class>\n"
                        + param("msg1", "xml") + "</servlet>\n"
                        + "<servlet-mapping><servlet-name>annotated</servlet-name><url-pattern>/annotated-xml"
                        + "</url-pattern></servlet-mapping>\n"
                        + "<servlet><servlet-name>other</servlet-name><servlet-class>app.Annotated</servlet-class>"
                        + "</servlet>\n<servlet-mapping><servlet-name>other</servlet-name><url-pattern>/other"
                        + "</url-pattern></servlet-mapping>\n"
                        + "<locale-encoding-mapping-list><locale-encoding-mapping><locale>ja</locale>"
                        + "<encoding>EUC-JP</encoding></locale-encoding-mapping></locale-encoding-mapping-list>\n"
                        + "</web-app>\n");
        // in class path order a, b, c, d; B before others, D before C, A after others: B D C A
        fragment(builder, "a", "A", "<ordering><after><others/></after></ordering>", "");
        fragment(builder, "b", "B", "<ordering><before><others/></before></ordering>", "");
        fragment(builder, "c", "C", "<ordering><after><name>D</name></after></ordering>", "");
        fragment(builder, "d", "D", "", "<servlet><servlet-name>echo</servlet-name>"
                + "<servlet-class>app.Echo</servlet-class>" + param("msg1", "fragment") + param("msg2", "fragment")
                + param("msg2", "ignore") + "</servlet>\n<servlet-mapping><servlet-name>echo</servlet-name>"
                + "<url-pattern>/echo-fragment</url-pattern></servlet-mapping>\n");
        try (RunningBridge bridge = RunningBridge.startWar(dir, builder.packed("relative"), "--engine", engine,
                "--http", "0")) {
            assertEquals("tags=main,B,D,C,A msg1=first msg2=fragment", get(bridge, "/echo").body(),
                    "filter order, first init-param of a name, web.xml before the fragment, fragment params added");
            assertEquals(404, get(bridge, "/echo-fragment").statusCode(), "web.xml's mappings of echo replace");
            assertEquals("tags=null msg1=xml msg3=annotation", get(bridge, "/annotated-xml").body(),
                    "web.xml's init-param wins, the annotation's other one is added");
            assertEquals(404, get(bridge, "/from-annotation").statusCode(), "web.xml's url-patterns replace");
            assertEquals("annotated async=false", get(bridge, "/annotated-xml?async").body(),
                    "web.xml's servlet takes only init-params and url-patterns from the annotation");
            assertEquals("other async=false", get(bridge, "/other?async").body(),
                    "the annotation is not the servlet web.xml declares under another name");
            assertEquals("EUC-JP", get(bridge, "/echo?locale=ja-JP").body().toUpperCase(java.util.Locale.ROOT));
            HttpResponse<String> japanese = get(bridge, "/echo?locale=ja");
            assertEquals("text/plain;charset=euc-jp", japanese.headers().firstValue("Content-Type").orElse("")
                    .toLowerCase(java.util.Locale.ROOT).replace(" ", ""));
            assertEquals("ISO-8859-1", get(bridge, "/echo?locale=fr").body().toUpperCase(java.util.Locale.ROOT));
            assertEquals("EUC-KR", get(bridge, "/echo?locale=ko").body().toUpperCase(java.util.Locale.ROOT),
                    "Jetty's webdefault.xml mappings where the application has none");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void anAbsoluteOrderingLeavesOutTheJarsItDoesNotName(String engine) throws Exception {
        WarBuilder builder = new WarBuilder(dir)
                .source("app.Tag", TAG).source("app.Echo", ECHO)
                .webXml(WEB_APP
                        + "<absolute-ordering><name>Y</name><name>Missing</name><name>X</name></absolute-ordering>\n"
                        + "<servlet><servlet-name>echo</servlet-name><servlet-class>app.Echo</servlet-class>"
                        + "</servlet>\n<servlet-mapping><servlet-name>echo</servlet-name><url-pattern>/echo"
                        + "</url-pattern></servlet-mapping>\n</web-app>\n");
        fragment(builder, "x", "X", "", "");
        fragment(builder, "y", "Y", "", "");
        builder.lib("z.jar", Map.of(
                "lib.Hidden", "package lib;\n"
                        + "@jakarta.servlet.annotation.WebServlet(\"/hidden\")\n"
                        + "public class Hidden extends jakarta.servlet.http.HttpServlet { }\n",
                "lib.Init", "package lib;\n"
                        + "import jakarta.servlet.*; import java.util.Set;\n"
                        + "public class Init implements ServletContainerInitializer {\n"
                        + "  public void onStartup(Set<Class<?>> types, ServletContext context) {\n"
                        + "    context.addServlet(\"init\", new jakarta.servlet.http.HttpServlet() { })\n"
                        + "        .addMapping(\"/from-initializer\");\n"
                        + "  }\n}\n"),
                Map.of("META-INF/web-fragment.xml", fragmentXml("Z", "", filter("Z") + mapping("Z")),
                        "META-INF/services/jakarta.servlet.ServletContainerInitializer", "lib.Init\n"));
        try (RunningBridge bridge = RunningBridge.startWar(dir, builder.packed("absolute"), "--engine", engine,
                "--http", "0")) {
            assertEquals("tags=Y,X", get(bridge, "/echo").body());
            assertEquals(404, get(bridge, "/hidden").statusCode(), "a jar left out is not scanned");
            assertEquals(404, get(bridge, "/from-initializer").statusCode(), "nor are its initializers run");
        }
    }

    private static void fragment(WarBuilder builder, String jar, String name, String ordering, String more)
            throws IOException {
        builder.lib(jar + ".jar", Map.of(), Map.of("META-INF/web-fragment.xml",
                fragmentXml(name, ordering, filter(name) + mapping(name) + more)));
    }

    private static String fragmentXml(String name, String ordering, String body) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<web-fragment xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n"
                + "<name>" + name + "</name>\n" + ordering + "\n" + body + "</web-fragment>\n";
    }

    private static String filter(String tag) {
        return "<filter><filter-name>" + tag + "</filter-name><filter-class>app.Tag</filter-class>"
                + param("tag", tag) + "</filter>\n";
    }

    private static String mapping(String filter) {
        return "<filter-mapping><filter-name>" + filter + "</filter-name><servlet-name>echo</servlet-name>"
                + "</filter-mapping>\n";
    }

    private static String param(String name, String value) {
        return "<init-param><param-name>" + name + "</param-name><param-value>" + value
                + "</param-value></init-param>";
    }

    private HttpResponse<String> get(RunningBridge bridge, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
