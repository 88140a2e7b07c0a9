package org.fcgibridge.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import org.fcgibridge.servlet.testing.BehindNginx;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A header the client sends twice, through a real nginx: the Debian nginx (1.22) passes it as two params of one name
 * (1.23 and later join the values into one, Cookie with "; "), and the servlet sees both values in order on both
 * engines.
 */
class RepeatedHeadersBehindNginxTest {
    @TempDir
    Path dir;

    /** Answers the values of X-A and the cookies' names. */
    public static final class Echo extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            StringBuilder cookies = new StringBuilder();
            if (req.getCookies() != null) {
                for (jakarta.servlet.http.Cookie cookie : req.getCookies()) {
                    cookies.append(cookie.getName());
                }
            }
            resp.getWriter().print(Collections.list(req.getHeaders("X-A")) + " " + cookies);
        }
    }

    @ParameterizedTest
    @EnumSource(BehindNginx.Engine.class)
    void bothValuesReachTheServlet(BehindNginx.Engine engine) throws Exception {
        ServletContainerInitializer app = (classes, context) -> context.addServlet("echo", new Echo())
                .addMapping("/echo");
        try (BehindNginx nginx = BehindNginx.start(engine, dir, Map.of(app, Set.of()))) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + nginx.port() + "/echo")).header("X-A", "1").header("X-A", "2")
                    .header("Cookie", "a=1").header("Cookie", "b=2").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), nginx.errorLog());
            assertEquals("[1, 2] ab", response.body());
        }
    }
}
