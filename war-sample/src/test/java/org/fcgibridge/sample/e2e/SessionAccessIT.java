package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A session is accessed by every request that is part of it, when the container first handles the request
 * (Servlet 6.0 section 7.6), even one for a static file whose servlet never asks for the session: the TCK's
 * HttpSessionTests#expireHttpSessionTest, through the launcher on both engines.
 */
class SessionAccessIT {
    private static final String SESSION_SERVLET = """
            package t;
            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            @WebServlet("/session")
            public class SessionServlet extends HttpServlet {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    if (req.getParameter("create") != null) {
                        resp.getWriter().print(req.getSession(true).getCreationTime());
                    } else {
                        HttpSession session = req.getSession(false);
                        resp.getWriter().print(session == null ? "none" : session.getLastAccessedTime());
                    }
                }
            }
            """;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aStaticFileRequestAccessesTheSession(String engine) throws Exception {
        Path war = new WarBuilder(dir.resolve("war"))
                .source("t.SessionServlet", SESSION_SERVLET)
                .file("index.html", "INDEX\n")
                .packed("session.war");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .cookieHandler(new java.net.CookieManager()).build();
        try (RunningBridge bridge = RunningBridge.startWar(dir, war, "--engine", engine, "--http", "0")) {
            String base = "http://127.0.0.1:" + bridge.httpPort();
            long created = Long.parseLong(get(http, base + "/session?create").body());
            long before = afterClockTick(created);
            HttpResponse<String> page = get(http, base + "/index.html");
            assertEquals("INDEX\n", page.body());
            long after = afterClockTick(System.currentTimeMillis());

            long lastAccessed = Long.parseLong(get(http, base + "/session").body());
            assertTrue(lastAccessed >= before, "the static file's request accessed the session after " + before
                    + ", but it says " + lastAccessed);
            assertTrue(lastAccessed <= after, "not this request's own time: " + lastAccessed + " > " + after);
        }
    }

    private static HttpResponse<String> get(HttpClient http, String uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri)).build(),
                BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), uri + ": " + response.body());
        return response;
    }

    /** A time after {@code time} by the millisecond clock: waits (spinning) until the clock has moved past it. */
    private static long afterClockTick(long time) {
        long now;
        while ((now = System.currentTimeMillis()) <= time) {
            Thread.onSpinWait();
        }
        return now;
    }
}
