package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.fcgibridge.core.client.ClientRequest;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that goes away, an aborted download or a request body cut short, through a raw FastCGI connection and
 * through the HTTP front, is not an error of the server: nothing about it in the launcher's log above DEBUG, and
 * certainly no stack trace, on either engine.
 */
class ClientGoneIT {
    /** 128 MiB for /big; /upload reads its whole body. Each request says on stdout when it is over. */
    private static final String APP = """
            package t;
            import jakarta.servlet.*;
            import jakarta.servlet.annotation.*;
            import jakarta.servlet.http.*;
            import java.io.*;
            @WebServlet(urlPatterns = {"/big", "/upload", "/ping"})
            @WebListener
            public class App extends HttpServlet implements ServletRequestListener {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    if (req.getServletPath().equals("/ping")) {
                        resp.getWriter().print("pong");
                        return;
                    }
                    OutputStream out = resp.getOutputStream();
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 2048; i++) {
                        out.write(chunk);
                    }
                }
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.getWriter().print(req.getInputStream().readAllBytes().length);
                }
                @Override
                public void requestDestroyed(ServletRequestEvent event) {
                    System.out.println("over: " + ((HttpServletRequest) event.getServletRequest()).getRequestURI());
                }
            }
            """;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aClientThatGoesAwayIsNoErrorInTheLog(String engine) throws Exception {
        Path war = new WarBuilder(dir.resolve("war")).source("t.App", APP).packed("gone");
        try (RunningBridge bridge = RunningBridge.startWar(Files.createDirectories(dir.resolve("run")), war,
                "--engine", engine, "--http", "0", "--grace", "10")) {
            abortedDownloadOverFastCgi(bridge.port());
            bridge.process().awaitLine("over: /big", 30);
            abortedDownloadOverHttp(bridge.httpPort());
            bridge.process().awaitLine("over: /big", 30);
            // a body cut short may end its request before the application sees it: no line to wait for, and the
            // connection closed at once, again and again, races the start of the request (it once made Jetty fail)
            for (int i = 0; i < 20; i++) {
                truncatedUploadOverFastCgi(bridge.port());
                truncatedUploadOverHttp(bridge.httpPort());
            }

            HttpResponse<String> ping = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + bridge.httpPort() + "/ping")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("pong", ping.body(), "the bridge still serves");
            // once the process has ended (after the requests in flight), its log is complete: nothing is missed
            assertEquals(0, bridge.process().terminate(30));
            String log = bridge.process().stderrText();
            for (String line : log.lines().toList()) {
                assertTrue(!line.startsWith("\tat ") && !line.contains("SEVERE") && !line.contains("WARNING")
                        && !line.contains(":WARN ") && !line.contains(":ERROR "), line + "\nin\n" + log);
            }
        }
    }

    private static Map<String, String> params(String method, String uri, long contentLength) {
        Map<String, String> params = new java.util.HashMap<>(Map.of("REQUEST_METHOD", method, "REQUEST_URI", uri,
                "SCRIPT_NAME", uri, "QUERY_STRING", "", "SERVER_NAME", "localhost", "SERVER_PORT", "80",
                "SERVER_PROTOCOL", "HTTP/1.1", "REMOTE_ADDR", "127.0.0.1"));
        if (contentLength >= 0) {
            params.put("CONTENT_LENGTH", Long.toString(contentLength));
            params.put("CONTENT_TYPE", "application/octet-stream");
        }
        return params;
    }

    /** Reads the first 256 KiB of /big, then closes the connection, as nginx does when its client went away. */
    private static void abortedDownloadOverFastCgi(int port) throws Exception {
        try (FcgiClient client = FcgiClient.connect(ListenAddress.tcp("127.0.0.1", port))) {
            ClientRequest request = client.begin(Role.RESPONDER, params("GET", "/big", -1), false);
            request.stdin().close();
            readAtLeast(request.stdout(), 256 * 1024);
        }
    }

    private static void abortedDownloadOverHttp(int port) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            readAtLeast(socket.getInputStream(), 256 * 1024);
            socket.setSoLinger(true, 0); // a reset, as a browser's cancelled download often is
        }
    }

    /** Announces 1 MiB, sends 1 KiB, then closes the connection. */
    private static void truncatedUploadOverFastCgi(int port) throws Exception {
        try (FcgiClient client = FcgiClient.connect(ListenAddress.tcp("127.0.0.1", port))) {
            ClientRequest request = client.begin(Role.RESPONDER, params("POST", "/upload", 1 << 20), false);
            request.stdin().write(new byte[1024]);
            request.stdin().flush();
        }
    }

    private static void truncatedUploadOverHttp(int port) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + (1 << 20) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[1024]);
            out.flush();
        }
    }

    private static void readAtLeast(InputStream in, int count) throws Exception {
        byte[] buffer = new byte[16 * 1024];
        int total = 0;
        while (total < count) {
            int n = in.read(buffer);
            assertTrue(n > 0, "the response ended after " + total + " bytes");
            total += n;
        }
    }
}
