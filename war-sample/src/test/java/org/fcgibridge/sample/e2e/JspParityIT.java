package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JSP pages answer the same on both engines, response by response (status, Content-Type and its charset, Set-Cookie,
 * caching headers, body), as Jetty and Tomcat answer them: one exploded WAR per engine, one launched bridge each.
 */
class JspParityIT {
    private static final String CONTEXT = "/app";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    private static final Map<String, RunningBridge> BRIDGES = new HashMap<>();
    private static final Map<String, Path> WARS = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        for (String engine : new String[] {"jetty", "standalone"}) {
            Path war = application(new WarBuilder(Files.createDirectories(dir.resolve("war-" + engine)))).exploded();
            // a page in ISO-8859-1 bytes, whose response is UTF-8 (JSP 3.1 section 4.1: pageEncoding reads the page,
            // contentType's charset writes it)
            String latin = "<%@ page pageEncoding=\"ISO-8859-1\" contentType=\"text/plain;charset=UTF-8\" %>"
                    + "caf\u00e9 \u00fcber";
            Files.write(war.resolve("latin.jsp"), latin.getBytes(StandardCharsets.ISO_8859_1));
            WARS.put(engine, war);
            BRIDGES.put(engine, RunningBridge.startWar(Files.createDirectories(dir.resolve(engine)), war,
                    "--engine", engine, "--context-path", CONTEXT, "--http", "0"));
        }
    }

    @AfterAll
    static void stop() {
        BRIDGES.values().forEach(RunningBridge::close);
    }

    /** The Jetty engine's session cookie was without HttpOnly (Jetty's default); every JSP page opens a session. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void aPagesSessionCookieIsHttpOnlyAndSessionFalseSetsNone(String engine) throws Exception {
        HttpResponse<String> page = get(engine, "/session.jsp");
        assertEquals("session true", page.body().strip());
        String cookie = page.headers().firstValue("Set-Cookie").orElse("");
        assertTrue(cookie.startsWith("JSESSIONID=") && cookie.endsWith("; Path=/app; HttpOnly"), cookie);
        HttpResponse<String> sessionless = get(engine, "/nosession.jsp");
        assertEquals("no session", sessionless.body().strip());
        assertFalse(sessionless.headers().firstValue("Set-Cookie").isPresent(), sessionless.headers().toString());
    }

    /** The Jetty engine's default servlet wrote nothing into a committed response: the file was lost. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void includesAServletAndAStaticFileAfterAFlush(String engine) throws Exception {
        HttpResponse<String> page = get(engine, "/include.jsp");
        assertEquals(200, page.statusCode());
        assertEquals("[servlet x=1 sp=/include.jsp][static text][static text]", page.body().strip());
    }

    /**
     * The standalone engine added the writer's charset to the 302's Content-Type when the page's writer was taken at
     * its end, after sendRedirect: the head is settled once sendRedirect is called.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void aPagesRedirectDropsItsOutputAndKeepsItsHead(String engine) throws Exception {
        HttpResponse<String> redirect = get(engine, "/redirect.jsp");
        assertEquals(302, redirect.statusCode());
        assertTrue(redirect.headers().firstValue("Location").orElse("").endsWith("/app/target.jsp"),
                redirect.headers().toString());
        assertEquals("text/plain", redirect.headers().firstValue("Content-Type").orElse(""));
        assertEquals("", redirect.body());
    }

    /**
     * The standalone engine kept the failed page's Cache-Control, ETag, Last-Modified and Vary on its error page: a
     * "public, max-age" 500 a cache could keep. Jetty drops the headers that describe the content it replaces.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void anErrorPageDropsTheFailedPagesCachingHeaders(String engine) throws Exception {
        HttpResponse<String> failed = get(engine, "/cached-failure.jsp");
        assertEquals(500, failed.statusCode(), failed.body());
        assertEquals("failed: not today", failed.body().strip());
        HttpHeaders headers = failed.headers();
        for (String name : new String[] {"ETag", "Last-Modified", "Vary", "Expires"}) {
            assertFalse(headers.firstValue(name).isPresent(), name + ": " + headers);
        }
        assertFalse(headers.firstValue("Cache-Control").orElse("").contains("public"), headers.toString());
        assertEquals("kept", headers.firstValue("X-Custom").orElse(""), "a header not about the content stays");
    }

    /**
     * Servlet 6.0 section 10.5: WEB-INF is no client's, but the application's include, forward and error page reach
     * it. The standalone engine's default servlet refused them all (an empty include, a 404).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void includesForwardsAndErrorPagesReachStaticFilesUnderWebInf(String engine) throws Exception {
        assertEquals("[header html]", get(engine, "/include-web-inf.jsp").body());
        HttpResponse<String> forwarded = get(engine, "/forward-web-inf.jsp");
        assertEquals(200, forwarded.statusCode());
        assertEquals("header html", forwarded.body());
        HttpResponse<String> missing = get(engine, "/nothing-here.html");
        assertEquals(404, missing.statusCode());
        assertEquals("custom 404 page", missing.body());
        HttpResponse<String> direct = get(engine, "/WEB-INF/frag/header.html");
        assertEquals(404, direct.statusCode());
        assertEquals("custom 404 page", direct.body());
    }

    /**
     * An include of a file that is not there fails the page (Jetty and Tomcat throw FileNotFoundException): the
     * standalone engine included nothing and the page went on. An include of a directory includes its welcome file:
     * the standalone engine forwarded to it from within the include, and the JSP servlet failed on the directory.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void includesOfAMissingFileFailAndOfADirectoryIncludeItsWelcomeFile(String engine) throws Exception {
        assertEquals(500, get(engine, "/include-missing.jsp").statusCode());
        HttpResponse<String> directory = get(engine, "/include-directory.jsp");
        assertEquals(200, directory.statusCode(), directory.body());
        assertEquals("[sub index sp=/include-directory.jsp]", directory.body());
    }

    /**
     * A client's Range and If-* headers are about what it asked for, not about an included file or an error page:
     * Jetty sent a slice of the included file inside the page, and both engines turned a static 404 page into a 304
     * or a 206. Tomcat's default servlet ignores them there.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void rangesAndConditionsApplyNeitherToIncludesNorToErrorPages(String engine) throws Exception {
        HttpResponse<String> page = send(engine, "/include-web-inf.jsp", "Range", "bytes=0-3");
        assertEquals(200, page.statusCode());
        assertEquals("[header html]", page.body());
        String future = "Fri, 01 Jan 2100 00:00:00 GMT";
        String past = "Thu, 01 Jan 1970 00:00:00 GMT";
        for (String[] header : new String[][] {{"Range", "bytes=0-3"}, {"If-Modified-Since", future},
            {"If-None-Match", "*"}, {"If-Match", "\"nothing\""}, {"If-Unmodified-Since", past}}) {
            HttpResponse<String> missing = send(engine, "/nothing-here.html", header);
            assertEquals(404, missing.statusCode(), String.join(": ", header));
            assertEquals("custom 404 page", missing.body(), String.join(": ", header));
        }
        assertEquals(206, send(engine, "/static.txt", "Range", "bytes=0-3").statusCode(), "a file asked for");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void encodesAsPageEncodingAndContentTypeSay(String engine) throws Exception {
        HttpResponse<byte[]> latin = bytes(engine, "/latin.jsp", "GET");
        assertEquals("text/plain;charset=utf-8", type(latin.headers()));
        assertEquals("caf\u00e9 \u00fcber", new String(latin.body(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> utf8 = bytes(engine, "/utf8.jsp", "GET");
        assertEquals("text/html;charset=utf-8", type(utf8.headers()));
        assertEquals("caf\u00e9 \u20ac", new String(utf8.body(), StandardCharsets.UTF_8));
        HttpResponse<String> document = get(engine, "/doc.jspx");
        assertEquals("text/xml;charset=utf-8", type(document.headers()), "a JSP document is UTF-8 XML");
        assertEquals("<p>sum 3</p>", document.body());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void forwardsWithAParameterAndShowsTheTargetsPaths(String engine) throws Exception {
        assertEquals("target p=v sp=/target.jsp forward=/forward.jsp", get(engine, "/forward.jsp").body().strip());
    }

    /** JSP 3.1 section 1.4.2: a request with jsp_precompile compiles the page and does not run it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void precompilesWithoutRunningThePage(String engine) throws Exception {
        HttpResponse<String> precompiled = get(engine, "/precompile.jsp?jsp_precompile");
        assertEquals(200, precompiled.statusCode());
        assertEquals("", precompiled.body());
        assertEquals(200, get(engine, "/paths-servlet?jsp_precompile=true").statusCode());
        assertEquals("ran=", get(engine, "/ran.jsp").body().strip());
        assertEquals(500, get(engine, "/precompile.jsp?jsp_precompile=maybe").statusCode());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void runsTagFilesWithFragmentsElFunctionsAndIgnoresElWhereAsked(String engine) throws Exception {
        assertEquals("[T 2|body|foot F]", get(engine, "/tag.jsp?f=F").body().strip());
        assertEquals("abab", get(engine, "/fn.jsp").body().strip());
        assertEquals("${1 + 2}", get(engine, "/elignored.jsp").body().strip());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void streamsUnbufferedAndBigPagesWhole(String engine) throws Exception {
        assertEquals("unbuffered end", get(engine, "/nobuffer.jsp").body().strip());
        HttpResponse<String> big = get(engine, "/big.jsp");
        assertEquals(200, big.statusCode());
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 10000; i++) {
            expected.append("line ").append(i).append(" 0123456789\n");
        }
        assertEquals(expected.toString(), big.body());
    }

    /** Jasper includes the error page when the failing page's output has begun (its forward cannot). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void includesTheErrorPageOfAPageThatFailsAfterItsOutputBegan(String engine) throws Exception {
        HttpResponse<String> late = get(engine, "/late.jsp");
        assertEquals(200, late.statusCode());
        assertTrue(late.body().startsWith("0123456789"), late.body());
        assertTrue(late.body().endsWith("error: late"), late.body());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void answersHeadWithThePagesHeadersAndNoBody(String engine) throws Exception {
        HttpResponse<byte[]> head = bytes(engine, "/head.jsp", "HEAD");
        assertEquals(200, head.statusCode());
        assertEquals("yes", head.headers().firstValue("X-Ran").orElse(""));
        assertEquals("text/plain;charset=iso-8859-1", type(head.headers()));
        assertEquals(0, head.body().length);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void mapsPagesAndJspFileServletsAsServletsAre(String engine) throws Exception {
        assertEquals("sp=/paths.jsp pi=null match=EXTENSION *.jsp", get(engine, "/paths.jsp").body().strip());
        assertEquals("sp=/jf pi=/a/b match=PATH /jf/*", get(engine, "/jf/a/b").body().strip());
        // *.jsp matches the last segment only (Servlet 6.0 section 12.2): no page runs for a path info
        assertEquals(404, get(engine, "/paths.jsp/extra").statusCode());
        assertEquals("sub index sp=/sub/index.jsp", get(engine, "/sub/").body().strip());
        // Servlet 6.0 section 4.6: a page in META-INF/resources of a WEB-INF/lib jar
        assertEquals("from jar sp=/injar.jsp", get(engine, "/injar.jsp").body().strip());
    }

    /** Jasper's development mode: an exploded WAR's page edited on disk is compiled again at its next request. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jetty", "standalone"})
    void recompilesAPageEditedOnDisk(String engine) throws Exception {
        assertEquals("version 1", get(engine, "/reload.jsp").body().strip());
        Path page = WARS.get(engine).resolve("reload.jsp");
        Files.writeString(page, "<%@ page contentType=\"text/plain\" %>version 2");
        Files.setLastModifiedTime(page, FileTime.from(Instant.now().plusSeconds(5)));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String body;
        do {
            body = get(engine, "/reload.jsp").body().strip();
        } while (!body.equals("version 2") && System.nanoTime() < deadline && pause());
        assertEquals("version 2", body);
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    private static WarBuilder application(WarBuilder war) throws IOException {
        return war
                .source("app.Included", "package app;\n"
                        + "import jakarta.servlet.http.*;\n"
                        + "public class Included extends HttpServlet {\n"
                        + "  protected void doGet(HttpServletRequest q, HttpServletResponse r)\n"
                        + "      throws java.io.IOException {\n"
                        + "    r.getWriter().print(\"servlet x=\" + q.getParameter(\"x\")\n"
                        + "        + \" sp=\" + q.getServletPath());\n"
                        + "  }\n}\n")
                .source("app.Fn", "package app;\n"
                        + "public class Fn { public static String twice(String s) { return s + s; } }\n")
                .lib("resources.jar", Map.of(), Map.of("META-INF/resources/injar.jsp",
                        "<%@ page contentType=\"text/plain\" %>from jar sp=<%= request.getServletPath() %>"))
                .webXml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n"
                        + "<servlet><servlet-name>included</servlet-name>"
                        + "<servlet-class>app.Included</servlet-class></servlet>\n"
                        + "<servlet-mapping><servlet-name>included</servlet-name>"
                        + "<url-pattern>/servlet</url-pattern></servlet-mapping>\n"
                        + "<servlet><servlet-name>paths</servlet-name><jsp-file>/paths.jsp</jsp-file></servlet>\n"
                        + "<servlet-mapping><servlet-name>paths</servlet-name><url-pattern>/jf/*</url-pattern>"
                        + "<url-pattern>/paths-servlet</url-pattern></servlet-mapping>\n"
                        + "<error-page><exception-type>java.lang.UnsupportedOperationException</exception-type>"
                        + "<location>/failed.jsp</location></error-page>\n"
                        + "<error-page><error-code>404</error-code><location>/WEB-INF/errors/404.html</location>"
                        + "</error-page>\n"
                        + "</web-app>\n")
                .file("WEB-INF/fn.tld", "<taglib xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"3.0\">"
                        + "<tlib-version>1.0</tlib-version><short-name>f</short-name><uri>urn:fn</uri>"
                        + "<function><name>twice</name><function-class>app.Fn</function-class>"
                        + "<function-signature>java.lang.String twice(java.lang.String)</function-signature>"
                        + "</function></taglib>")
                .file("WEB-INF/tags/box.tag", "<%@ tag body-content=\"scriptless\" %>"
                        + "<%@ attribute name=\"title\" required=\"true\" %>"
                        + "<%@ attribute name=\"footer\" fragment=\"true\" %>"
                        + "[${title}|<jsp:doBody/>|<jsp:invoke fragment=\"footer\"/>]")
                .file("session.jsp", "<%@ page contentType=\"text/plain\" %>session <%= session.isNew() %>")
                .file("nosession.jsp", "<%@ page session=\"false\" contentType=\"text/plain\" %>no session")
                .file("utf8.jsp", "<%@ page pageEncoding=\"UTF-8\" %>caf\u00e9 \u20ac")
                .file("doc.jspx", "<jsp:root xmlns:jsp=\"http://java.sun.com/JSP/Page\" version=\"2.0\">"
                        + "<p>sum ${1 + 2}</p></jsp:root>")
                .file("static.txt", "static text")
                .file("WEB-INF/frag/header.html", "header html")
                .file("WEB-INF/errors/404.html", "custom 404 page")
                .file("include-web-inf.jsp", "[<jsp:include page=\"/WEB-INF/frag/header.html\"/>]")
                .file("forward-web-inf.jsp", "<jsp:forward page=\"/WEB-INF/frag/header.html\"/>")
                .file("include-missing.jsp", "[<jsp:include page=\"/not-there.txt\"/>]")
                .file("include-directory.jsp", "<%@ page contentType=\"text/plain\" %>[<jsp:include page=\"/sub/\"/>]")
                .file("include.jsp", "<%@ page contentType=\"text/plain\" %>"
                        + "[<jsp:include page=\"/servlet\"><jsp:param name=\"x\" value=\"1\"/></jsp:include>]"
                        + "[<jsp:include page=\"/static.txt\"/>][<jsp:include page=\"/static.txt\" flush=\"true\"/>]")
                .file("redirect.jsp", "<%@ page contentType=\"text/plain\" %>dropped"
                        + "<% response.sendRedirect(\"target.jsp\"); %>dropped too")
                .file("cached-failure.jsp", "<%@ page session=\"false\" contentType=\"text/plain\" %><%"
                        + " response.setHeader(\"Cache-Control\", \"public, max-age=3600\");"
                        + " response.setHeader(\"ETag\", \"\\\"v1\\\"\"); response.setHeader(\"Vary\", \"Accept\");"
                        + " response.setDateHeader(\"Last-Modified\", 0); response.setDateHeader(\"Expires\", 0);"
                        + " response.setHeader(\"X-Custom\", \"kept\");"
                        + " if (true) { throw new UnsupportedOperationException(\"not today\"); } %>")
                .file("failed.jsp", "<%@ page isErrorPage=\"true\" session=\"false\" contentType=\"text/plain\" %>"
                        + "failed: <%= exception.getMessage() %>")
                .file("forward.jsp", "<%@ page contentType=\"text/plain\" %>dropped"
                        + "<jsp:forward page=\"/target.jsp\"><jsp:param name=\"p\" value=\"v\"/></jsp:forward>")
                .file("target.jsp", "<%@ page contentType=\"text/plain\" %>target p=${param.p}"
                        + " sp=<%= request.getServletPath() %>"
                        + " forward=${requestScope['jakarta.servlet.forward.servlet_path']}")
                .file("precompile.jsp", "<% application.setAttribute(\"ran\", \"yes\"); %>ran")
                .file("ran.jsp", "<%@ page contentType=\"text/plain\" %>ran=${applicationScope.ran}")
                .file("tag.jsp", "<%@ page contentType=\"text/plain\" %>"
                        + "<%@ taglib prefix=\"t\" tagdir=\"/WEB-INF/tags\" %>"
                        + "<t:box title=\"T ${1 + 1}\"><jsp:attribute name=\"footer\">foot ${param.f}</jsp:attribute>"
                        + "<jsp:body>body</jsp:body></t:box>")
                .file("fn.jsp", "<%@ page contentType=\"text/plain\" %><%@ taglib prefix=\"f\" uri=\"urn:fn\" %>"
                        + "${f:twice('ab')}")
                .file("elignored.jsp", "<%@ page isELIgnored=\"true\" contentType=\"text/plain\" %>${1 + 2}")
                .file("nobuffer.jsp", "<%@ page buffer=\"none\" contentType=\"text/plain\" %>unbuffered "
                        + "<% out.flush(); %>end")
                .file("big.jsp", "<%@ page contentType=\"text/plain\" %><% for (int i = 0; i < 10000; i++) { %>"
                        + "line <%= i %> 0123456789\n<% } %>")
                .file("late.jsp", "<%@ page errorPage=\"/late-error.jsp\" buffer=\"1kb\" %>"
                        + "<% for (int i = 0; i < 300; i++) { %>0123456789<% } %>"
                        + "<% if (true) { throw new IllegalStateException(\"late\"); } %>")
                .file("late-error.jsp", "<%@ page isErrorPage=\"true\" %>error: <%= exception.getMessage() %>")
                .file("head.jsp", "<%@ page contentType=\"text/plain\" %>"
                        + "<% response.setHeader(\"X-Ran\", \"yes\"); %>head body")
                .file("paths.jsp", "<%@ page contentType=\"text/plain\" %>sp=<%= request.getServletPath() %>"
                        + " pi=<%= request.getPathInfo() %>"
                        + " match=<%= request.getHttpServletMapping().getMappingMatch() %>"
                        + " <%= request.getHttpServletMapping().getPattern() %>")
                .file("sub/index.jsp", "<%@ page contentType=\"text/plain\" %>"
                        + "sub index sp=<%= request.getServletPath() %>")
                .file("reload.jsp", "<%@ page contentType=\"text/plain\" %>version 1");
    }

    /** The Content-Type, its charset's name in lower case (either engine may spell it as it was set). */
    private static String type(HttpHeaders headers) {
        return headers.firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    }

    private static HttpResponse<String> get(String engine, String path) throws IOException, InterruptedException {
        return HTTP.send(request(engine, path, "GET"), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String engine, String path, String... header)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(request(engine, path, "GET"), (name, value) -> true)
                .header(header[0], header[1]).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> bytes(String engine, String path, String method)
            throws IOException, InterruptedException {
        return HTTP.send(request(engine, path, method), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest request(String engine, String path, String method) {
        URI uri = URI.create("http://127.0.0.1:" + BRIDGES.get(engine).httpPort() + CONTEXT + path);
        return HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30)).build();
    }
}
