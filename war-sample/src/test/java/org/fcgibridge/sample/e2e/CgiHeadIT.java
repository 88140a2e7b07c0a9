package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The head of the CGI response, byte for byte the same on both engines: one writer and one table of reason phrases
 * in fcgi-core (issue 16 item 4). Before, the Jetty engine took Jetty's table ("500 Server Error", "413 Payload Too
 * Large") and wrote its own plain answers with another Content-Type.
 */
class CgiHeadIT {
    private static final String STATUS = """
            package probe;

            import jakarta.servlet.http.*;
            import java.io.IOException;

            public class Status extends HttpServlet {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    if (req.getParameter("throw") != null) {
                        throw new IllegalStateException("secret detail");
                    }
                    resp.setStatus(Integer.parseInt(req.getParameter("code")));
                    resp.setContentType("text/plain");
                    resp.getOutputStream().print("x");
                }
            }
            """;

    @TempDir
    static Path dir;
    private static final Map<String, RunningBridge> BRIDGES = new HashMap<>();
    private static Path war;

    /** One launched bridge per engine, shared by the cases. */
    private static synchronized RunningBridge bridge(String engine) throws IOException, InterruptedException {
        if (war == null) {
            war = new WarBuilder(dir.resolve("build")).source("probe.Status", STATUS)
                    .webXml("""
                            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                              <servlet><servlet-name>s</servlet-name><servlet-class>probe.Status</servlet-class>
                              </servlet>
                              <servlet-mapping><servlet-name>s</servlet-name><url-pattern>/s</url-pattern>
                              </servlet-mapping>
                            </web-app>
                            """).packed("status");
        }
        RunningBridge bridge = BRIDGES.get(engine);
        if (bridge == null) {
            bridge = RunningBridge.startWar(Files.createDirectories(dir.resolve(engine)), war, "--engine", engine,
                    "--http", "0", "--max-body-bytes", "1024");
            BRIDGES.put(engine, bridge);
        }
        return bridge;
    }

    @AfterAll
    static void stopBridges() {
        BRIDGES.values().forEach(RunningBridge::close);
    }

    private static FcgiResponse fastcgi(RunningBridge bridge, String uri, int contentLength) throws IOException {
        int query = uri.indexOf('?');
        Map<String, String> params = new LinkedHashMap<>();
        params.put("REQUEST_METHOD", contentLength > 0 ? "POST" : "GET");
        params.put("REQUEST_URI", uri);
        params.put("DOCUMENT_URI", query < 0 ? uri : uri.substring(0, query));
        params.put("QUERY_STRING", query < 0 ? "" : uri.substring(query + 1));
        params.put("SERVER_PROTOCOL", "HTTP/1.1");
        params.put("SERVER_NAME", "127.0.0.1");
        params.put("SERVER_PORT", "80");
        params.put("REMOTE_ADDR", "127.0.0.1");
        params.put("HTTP_HOST", "127.0.0.1");
        if (contentLength > 0) {
            params.put("CONTENT_TYPE", "application/octet-stream");
            params.put("CONTENT_LENGTH", Integer.toString(contentLength));
        }
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", bridge.port()))) {
            ClientRequest request = client.begin(Role.RESPONDER.code(), new NameValueWriter().addAll(params)
                    .toByteArray(), false);
            try (OutputStream stdin = request.stdin()) {
                stdin.write(new byte[contentLength]);
            }
            return request.readResponse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theStatusLineCarriesTheRegisteredReasonPhrase(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        Map<Integer, String> lines = Map.of(200, "Status: 200 OK", 203, "Status: 203 Non-Authoritative Information",
                413, "Status: 413 Content Too Large", 422, "Status: 422 Unprocessable Content",
                451, "Status: 451 Unavailable For Legal Reasons", 500, "Status: 500 Internal Server Error",
                507, "Status: 507 Insufficient Storage", 599, "Status: 599 Status 599");
        for (Map.Entry<Integer, String> line : lines.entrySet()) {
            String out = fastcgi(bridge, "/s?code=" + line.getKey(), 0).stdoutText();
            assertEquals(line.getValue(), out.substring(0, out.indexOf("\r\n")), out);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aBodyDeclaredOverTheLimitGetsTheSame413(String engine) throws Exception {
        FcgiResponse response = fastcgi(bridge(engine), "/s?code=200", 2048);
        assertEquals("Status: 413 Content Too Large\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 44\r\n\r\nThe request body is larger than 1024 bytes.\n", response.stdoutText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theErrorPageOfAnExceptionNamesTheSameReason(String engine) throws Exception {
        FcgiResponse response = fastcgi(bridge(engine), "/s?throw", 0);
        assertEquals(500, response.status(), response.stdoutText());
        String body = response.bodyText();
        assertTrue(body.contains("<h2>HTTP ERROR 500 Internal Server Error</h2>"), body);
        assertFalse(body.contains("secret detail"), body);
    }
}
