package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * An application that copies request text into a header (setHeader, sendRedirect, setContentType) cannot add a
 * header line to the response with a CR or LF in it, on either engine: no response splitting.
 */
class ResponseSplittingIT {
    private static final String ECHO_SERVLET = """
            package t;
            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            @WebServlet("/echo/*")
            public class EchoServlet extends HttpServlet {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    String v = req.getParameter("v");
                    switch (req.getPathInfo()) {
                        case "/header" -> resp.setHeader("X-Echo", v);
                        case "/redirect" -> resp.sendRedirect(v);
                        case "/type" -> resp.setContentType("text/plain;charset=" + v);
                        case "/header-type" -> resp.setHeader("Content-Type", v);
                        default -> resp.setStatus(404);
                    }
                    resp.getWriter().print("done");
                }
            }
            """;

    private static final String[] ATTACKS = {"a%0d%0aSet-Cookie:%20evil=1", "a%0aSet-Cookie:%20evil=1",
        "text/plain%0d%0aSet-Cookie:%20evil=1"};

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void requestTextNeverAddsAHeaderLine(String engine) throws Exception {
        Path war = new WarBuilder(dir.resolve("war")).source("t.EchoServlet", ECHO_SERVLET).packed("split.war");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (RunningBridge bridge = RunningBridge.startWar(dir, war, "--engine", engine, "--http", "0")) {
            String base = "http://127.0.0.1:" + bridge.httpPort() + "/echo/";
            HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(base + "header?v=fine")).build(),
                    BodyHandlers.ofString());
            assertEquals("fine", plain.headers().firstValue("X-Echo").orElse(null), "the test's servlet echoes");
            for (String what : new String[] {"header", "redirect", "type", "header-type"}) {
                for (String attack : ATTACKS) {
                    URI uri = URI.create(base + what + "?v=" + attack);
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                            BodyHandlers.ofString());
                    assertTrue(response.headers().allValues("Set-Cookie").isEmpty(), uri + ": " + response.headers());
                    response.headers().map().forEach((name, values) -> values.forEach(value ->
                            assertFalse(value.contains("evil"), uri + ": " + name + ": " + value)));
                }
            }
        }
    }
}
