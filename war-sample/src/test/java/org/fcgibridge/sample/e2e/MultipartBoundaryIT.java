package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A multipart boundary longer than the parser's 64 KiB buffer (found by MultipartParserFuzzTest): the standalone
 * engine's parser asked the body for 0 bytes in a loop that never ended, one thread spinning per request. The
 * FastCGI port takes params of 256 KiB, so a peer can send such a Content-Type; both engines now parse the body.
 */
class MultipartBoundaryIT {
    private static final String UPLOAD_SERVLET = """
            package t;
            import jakarta.servlet.annotation.MultipartConfig;
            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            @WebServlet("/upload")
            @MultipartConfig
            public class UploadServlet extends HttpServlet {
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp)
                        throws IOException, jakarta.servlet.ServletException {
                    resp.setContentType("text/plain");
                    resp.getWriter().print("parts=" + req.getParts().size() + " a=" + req.getParameter("a"));
                }
            }
            """;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aBoundaryLongerThanTheBufferIsParsed(String engine) throws Exception {
        Path war = new WarBuilder(dir.resolve("war")).source("t.UploadServlet", UPLOAD_SERVLET).packed("upload.war");
        String boundary = "b".repeat(70_000);
        byte[] body = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--" + boundary
                + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        Map<String, String> params = Map.of("REQUEST_METHOD", "POST", "REQUEST_URI", "/upload", "SCRIPT_NAME",
                "/upload", "SERVER_NAME", "localhost", "SERVER_PORT", "80", "SERVER_PROTOCOL", "HTTP/1.1",
                "CONTENT_TYPE", "multipart/form-data; boundary=" + boundary,
                "CONTENT_LENGTH", Integer.toString(body.length));
        try (RunningBridge bridge = RunningBridge.startWar(dir, war, "--engine", engine);
             FcgiClient client = FcgiClient.connect(ListenAddress.tcp("127.0.0.1", bridge.port()))) {
            CompletableFuture<FcgiResponse> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.execute(params, body);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // a spinning parser never answers: the wait ends the test instead
            FcgiResponse response = answer.get(60, TimeUnit.SECONDS);
            assertEquals(200, response.status(), response.toString());
            assertTrue(response.bodyText().contains("parts=1 a=value"), response.bodyText());
        }
    }
}
