package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fcgibridge.core.client.ClientRequest;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.protocol.NameValueWriter;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How a FastCGI request's params become the servlet's request and how its response leaves, the same on both engines:
 * one WAR (context path /app) served by the launcher jar, asked over FastCGI where the exact params or CGI bytes
 * matter and through the HTTP front otherwise.
 */
class RequestResponseIT {
    private static final String PROBE = """
            package probe;

            import jakarta.servlet.http.*;
            import java.io.*;
            import java.util.*;

            public class Probe extends HttpServlet {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.setContentType("text/plain;charset=utf-8");
                    String what = req.getPathInfo();
                    StringBuilder out = new StringBuilder();
                    switch (what) {
                        case "/headers" -> out.append(Collections.list(req.getHeaders("x-a"))).append(' ')
                                .append(req.getHeader("X-A")).append(' ').append(Collections.list(req.getHeaderNames())
                                .stream().filter(n -> n.equalsIgnoreCase("X-A")).count()).append(' ')
                                .append(req.getCookies() == null ? 0 : req.getCookies().length);
                        case "/locales" -> out.append(Collections.list(req.getLocales()));
                        case "/protocol" -> out.append(req.getProtocol()).append(' ')
                                .append(req.getCharacterEncoding());
                        case "/spec" -> {
                            Package p = HttpServlet.class.getPackage();
                            Package api = jakarta.servlet.Servlet.class.getPackage();
                            out.append(p.getSpecificationTitle()).append('|').append(p.getSpecificationVersion())
                                    .append('|').append(p.getSpecificationVendor()).append('|')
                                    .append(api.getSpecificationVersion());
                        }
                        case "/status" -> {
                            resp.setStatus(Integer.parseInt(req.getParameter("code")));
                            if (req.getParameter("length") != null) {
                                resp.setContentLength(0);
                            }
                            return;
                        }
                        case "/status-header" -> {
                            resp.setStatus(202);
                            resp.setHeader("Status", "Test PASSED");
                            resp.setHeader("Transfer-Encoding", "chunked");
                            out.append("header=").append(resp.getHeader("Status"));
                        }
                        case "/session" -> {
                            HttpSession session = req.getSession(req.getParameter("create") != null);
                            out.append("id=").append(session == null ? null : session.getId()).append('\\n')
                                    .append("requested=").append(req.getRequestedSessionId()).append(' ')
                                    .append(req.isRequestedSessionIdFromURL()).append(' ')
                                    .append(req.isRequestedSessionIdFromCookie()).append('\\n');
                            for (String url : req.getParameterValues("url")) {
                                out.append(resp.encodeURL(url)).append('\\n');
                            }
                            out.append("redirect=").append(resp.encodeRedirectURL("/app/next?x=1")).append('\\n');
                        }
                        case "/trailers" -> {
                            req.getInputStream().readAllBytes();
                            out.append("ready=").append(req.isTrailerFieldsReady()).append(" fields=")
                                    .append(req.getTrailerFields()).append(" set=").append(setTrailers(resp));
                            if (resp.getTrailerFields() != null) {
                                out.append(" got=").append(resp.getTrailerFields().get());
                            }
                            resp.getWriter().append(out).flush();
                            resp.getWriter().append(" committed=").append(setTrailers(resp));
                            return;
                        }
                        case "/throw" -> throw new IllegalStateException("secret detail");
                        default -> resp.sendError(404);
                    }
                    resp.getWriter().append(out);
                }

                private static String setTrailers(HttpServletResponse resp) {
                    try {
                        resp.setTrailerFields(() -> Map.of("t", "1"));
                        return "ok";
                    } catch (IllegalStateException e) {
                        return "ISE";
                    }
                }
            }
            """;
    private static final String WEB_XML = """
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
              <servlet><servlet-name>probe</servlet-name><servlet-class>probe.Probe</servlet-class></servlet>
              <servlet-mapping><servlet-name>probe</servlet-name><url-pattern>/p/*</url-pattern></servlet-mapping>
            </web-app>
            """;

    @TempDir
    static Path dir;
    private static final Map<String, RunningBridge> BRIDGES = new HashMap<>();
    private static Path war;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One launched bridge per engine, shared by the cases. */
    private static synchronized RunningBridge bridge(String engine) throws IOException, InterruptedException {
        if (war == null) {
            war = new WarBuilder(dir.resolve("build")).source("probe.Probe", PROBE).webXml(WEB_XML).packed("probe");
        }
        RunningBridge bridge = BRIDGES.get(engine);
        if (bridge == null) {
            bridge = RunningBridge.startWar(Files.createDirectories(dir.resolve(engine)), war, "--engine", engine,
                    "--http", "0", "--context-path", "/app", "--max-body-bytes", "1024");
            BRIDGES.put(engine, bridge);
        }
        return bridge;
    }

    @AfterAll
    static void stopBridges() {
        BRIDGES.values().forEach(RunningBridge::close);
    }

    /**
     * Runs {@code method uri} over FastCGI with the params nginx sends, then {@code extra} name-value pairs: a name
     * given there replaces nginx's, and may repeat, as nginx repeats a header sent twice.
     */
    private static FcgiResponse fastcgi(RunningBridge bridge, String method, String uri, String... extra)
            throws IOException {
        int query = uri.indexOf('?');
        Map<String, String> params = new LinkedHashMap<>();
        params.put("REQUEST_METHOD", method);
        params.put("REQUEST_URI", uri);
        params.put("DOCUMENT_URI", query < 0 ? uri : uri.substring(0, query));
        params.put("QUERY_STRING", query < 0 ? "" : uri.substring(query + 1));
        params.put("SERVER_PROTOCOL", "HTTP/1.1");
        params.put("SERVER_NAME", "127.0.0.1");
        params.put("SERVER_PORT", "80");
        params.put("REMOTE_ADDR", "127.0.0.1");
        params.put("HTTP_HOST", "127.0.0.1");
        int length = 0;
        for (int i = 0; i < extra.length; i += 2) {
            params.remove(extra[i]);
            if (extra[i].equals("CONTENT_LENGTH")) {
                length = Integer.parseInt(extra[i + 1]);
            }
        }
        NameValueWriter writer = new NameValueWriter().addAll(params);
        for (int i = 0; i < extra.length; i += 2) {
            writer.add(extra[i], extra[i + 1]);
        }
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", bridge.port()))) {
            ClientRequest request = client.begin(Role.RESPONDER.code(), writer.toByteArray(), false);
            try (OutputStream stdin = request.stdin()) {
                stdin.write(new byte[length]);
            }
            return request.readResponse();
        }
    }

    private HttpResponse<String> get(RunningBridge bridge, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + bridge.httpPort() + path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aHeaderSentTwiceKeepsBothValuesInOrder(String engine) throws Exception {
        // nginx (before 1.23) sends a repeated header as one param per value
        FcgiResponse response = fastcgi(bridge(engine), "GET", "/app/p/headers", "HTTP_X_A", "1", "HTTP_X_A", "2",
                "HTTP_COOKIE", "a=1", "HTTP_COOKIE", "b=2");
        assertEquals(200, response.status(), response.toString());
        assertEquals("[1, 2] 1 1 2", response.bodyText());
        // the HTTP front joins them as nginx 1.23 does: one param, cookies with "; "
        assertEquals("[1, 2] 1, 2 1 2", get(bridge(engine), "/app/p/headers", "X-A", "1", "X-A", "2", "Cookie", "a=1",
                "Cookie", "b=2").body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void localesAreTheTagsTheClientSentByQuality(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        assertEquals("[de_DE, de, en]", get(bridge, "/app/p/locales", "Accept-Language", "de-DE,de;q=0.9,en;q=0.5")
                .body());
        assertEquals("[en, fr, de]", get(bridge, "/app/p/locales", "Accept-Language", "de;q=0.5, en, x;q=0, fr")
                .body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theProtocolIsTheClientsAndATextBodyHasNoCharsetItDidNotSay(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        assertEquals("HTTP/1.1 null", fastcgi(bridge, "PATCH", "/app/p/protocol", "CONTENT_TYPE", "text/plain",
                "CONTENT_LENGTH", "3").bodyText());
        assertEquals("HTTP/1.0 null", fastcgi(bridge, "POST", "/app/p/protocol", "SERVER_PROTOCOL", "HTTP/1.0",
                "CONTENT_TYPE", "text/plain", "CONTENT_LENGTH", "3").bodyText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theServletApiPackageNamesItsSpecification(String engine) throws Exception {
        assertEquals("Jakarta Servlet|6.0|Eclipse Foundation|6.0", get(bridge(engine), "/app/p/spec").body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void responsesWithoutABodyHaveNoContentLength(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        for (String uri : new String[] {"/app/p/status?code=204", "/app/p/status?code=204&length",
            "/app/p/status?code=304&length"}) {
            FcgiResponse response = fastcgi(bridge, "GET", uri);
            int code = Integer.parseInt(uri.substring(uri.indexOf("code=") + 5, uri.indexOf("code=") + 8));
            assertEquals(code, response.status(), uri + ": " + response.stdoutText());
            assertNull(response.header("Content-Length"), uri + ": " + response.stdoutText());
        }
        FcgiResponse ok = fastcgi(bridge, "GET", "/app/p/status?code=200&length");
        assertEquals("0", ok.header("Content-Length"), ok.stdoutText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void anApplicationsStatusHeaderDoesNotReachTheWebServer(String engine) throws Exception {
        FcgiResponse response = fastcgi(bridge(engine), "GET", "/app/p/status-header");
        String head = response.stdoutText().substring(0, response.stdoutText().indexOf("\r\n\r\n") + 2);
        assertTrue(head.startsWith("Status: 202 Accepted\r\n"), head);
        assertEquals(1, head.lines().filter(line -> line.regionMatches(true, 0, "Status:", 0, 7)).count(), head);
        assertFalse(head.toLowerCase().contains("transfer-encoding"), head);
        assertEquals("header=Test PASSED", response.bodyText()); // the application still sees what it set
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aNewSessionIsEncodedIntoUrlsOfThisApplicationOnly(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        String query = "?create&url=/app/a&url=b?x=1%23f&url=http://127.0.0.1:" + bridge.httpPort() + "/app/c"
                + "&url=http://other.example/app/d&url=/other/e&url=%23top&url=https://127.0.0.1:"
                + bridge.httpPort() + "/app/f";
        HttpResponse<String> created = get(bridge, "/app/p/session" + query);
        String[] lines = created.body().split("\n");
        String id = lines[0].substring(3);
        assertEquals("requested=null false false", lines[1], created.body());
        // the id as URLs and cookies carry it: Jetty adds its node name (".node0")
        String token = lines[2].substring(lines[2].indexOf("jsessionid=") + 11);
        assertTrue(token.startsWith(id), created.body());
        assertEquals("/app/a;jsessionid=" + token, lines[2]);
        assertEquals("b;jsessionid=" + token + "?x=1#f", lines[3]);
        assertEquals("http://127.0.0.1:" + bridge.httpPort() + "/app/c;jsessionid=" + token, lines[4]);
        assertEquals("http://other.example/app/d", lines[5]);
        assertEquals("/other/e", lines[6]);
        assertEquals("#top", lines[7]);
        assertEquals("https://127.0.0.1:" + bridge.httpPort() + "/app/f", lines[8]);
        assertEquals("redirect=/app/next;jsessionid=" + token + "?x=1", lines[9]);

        // the id in the path finds the session, and URLs keep carrying it
        HttpResponse<String> byUrl = get(bridge, "/app/p/session;jsessionid=" + token + "?url=/app/g");
        assertEquals("id=" + id + "\nrequested=" + token + " true false\n/app/g;jsessionid=" + token
                + "\nredirect=/app/next;jsessionid=" + token + "?x=1\n", byUrl.body());

        // a client that returns the cookie needs no id in URLs
        HttpResponse<String> byCookie = get(bridge, "/app/p/session?url=/app/h", "Cookie", "JSESSIONID=" + token);
        assertEquals("id=" + id + "\nrequested=" + token + " false true\n/app/h\nredirect=/app/next?x=1\n",
                byCookie.body());

        // no session, no id
        HttpResponse<String> none = get(bridge, "/app/p/session?url=/app/i");
        assertEquals("id=null\nrequested=null false false\n/app/i\nredirect=/app/next?x=1\n", none.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void trailersAreKnownAbsentAndCannotBeSent(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        // HTTP/1.1: no request trailers ever arrive (the web server drops them); response trailers may be set until
        // the response is committed, but a FastCGI response cannot carry them
        assertEquals("ready=true fields={} set=ok got={t=1} committed=ISE", fastcgi(bridge, "POST",
                "/app/p/trailers", "CONTENT_TYPE", "text/plain", "CONTENT_LENGTH", "3").bodyText());
        assertEquals("ready=true fields={} set=ISE committed=ISE", fastcgi(bridge, "POST", "/app/p/trailers",
                "SERVER_PROTOCOL", "HTTP/1.0", "CONTENT_TYPE", "text/plain", "CONTENT_LENGTH", "3").bodyText());
    }

    /**
     * Issue 16 item 4: one writer of the CGI head and one table of reason phrases in fcgi-core, so the head is byte for
     * byte the same on both engines. Before, the Jetty engine took Jetty's table ("500 Server Error", "413 Payload Too
     * Large") and wrote its own plain answers with another Content-Type.
     */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theStatusLineCarriesTheRegisteredReasonPhrase(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        Map<Integer, String> lines = Map.of(200, "Status: 200 OK", 203, "Status: 203 Non-Authoritative Information",
                413, "Status: 413 Content Too Large", 422, "Status: 422 Unprocessable Content",
                451, "Status: 451 Unavailable For Legal Reasons", 500, "Status: 500 Internal Server Error",
                507, "Status: 507 Insufficient Storage", 599, "Status: 599 Status 599");
        for (Map.Entry<Integer, String> line : lines.entrySet()) {
            String out = fastcgi(bridge, "GET", "/app/p/status?code=" + line.getKey()).stdoutText();
            assertEquals(line.getValue(), out.substring(0, out.indexOf("\r\n")), out);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aBodyDeclaredOverTheLimitGetsTheSame413(String engine) throws Exception {
        FcgiResponse response = fastcgi(bridge(engine), "POST", "/app/p/protocol", "CONTENT_TYPE", "text/plain",
                "CONTENT_LENGTH", "2048");
        assertEquals("Status: 413 Content Too Large\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 44\r\n\r\nThe request body is larger than 1024 bytes.\n", response.stdoutText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theErrorPageOfAnExceptionNamesTheSameReason(String engine) throws Exception {
        FcgiResponse response = fastcgi(bridge(engine), "GET", "/app/p/throw");
        assertEquals(500, response.status(), response.stdoutText());
        String body = response.bodyText();
        assertTrue(body.contains("<h2>HTTP ERROR 500 Internal Server Error</h2>"), body);
        assertFalse(body.contains("secret detail"), body);
    }
}
