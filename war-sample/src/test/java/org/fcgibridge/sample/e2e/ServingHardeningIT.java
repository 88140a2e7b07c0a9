package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a client can make either engine show: an exception's details stay in the log (the error page has the status
 * and the reason, or the message the application gave to sendError), and static files stay inside the application's
 * real directory, out of WEB-INF and META-INF whatever symlinks lead there, with no directory listings.
 */
class ServingHardeningIT {
    private static final String BOOM = """
            package t;
            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            @WebServlet("/boom/*")
            public class Boom extends HttpServlet {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    if ("/send".equals(req.getPathInfo())) {
                        resp.sendError(500, "chosen-message");
                        return;
                    }
                    throw new RuntimeException("secret-detail");
                }
            }
            """;

    /** Forwards to the path after /view: what a front controller does for static files. */
    private static final String VIEW = """
            package t;
            import jakarta.servlet.ServletException;
            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            @WebServlet("/view/*")
            public class View extends HttpServlet {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp)
                        throws IOException, ServletException {
                    req.getRequestDispatcher(req.getPathInfo()).forward(req, resp);
                }
            }
            """;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<String, RunningBridge> BRIDGES = new HashMap<>();

    @TempDir
    static Path dir;

    /** The application, exploded, with symlinks out of it and into its WEB-INF and META-INF. */
    private static Path exploded() throws IOException {
        Path root = dir.resolve("exploded-war/exploded");
        if (Files.exists(root)) {
            return root;
        }
        new WarBuilder(dir.resolve("exploded-war")).source("t.Boom", BOOM).source("t.View", VIEW)
                .file("css/site.css", "body{}")
                .file("META-INF/secret.txt", "meta-secret")
                .webXml("<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">"
                        + "<display-name>descriptor-secret</display-name></web-app>\n")
                .exploded();
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("outside.txt"), "outside-secret");
        Files.createSymbolicLink(root.resolve("passwd.txt"), outside.resolve("outside.txt"));
        Files.createSymbolicLink(root.resolve("outdir"), outside);
        Files.createSymbolicLink(root.resolve("css/webinf"), Path.of("../WEB-INF"));
        Files.createSymbolicLink(root.resolve("css/metainf"), Path.of("../META-INF"));
        Files.createSymbolicLink(root.resolve("css/web.xml"), Path.of("../WEB-INF/web.xml"));
        Files.createSymbolicLink(root.resolve("css/link.css"), Path.of("site.css"));
        return root;
    }

    private static synchronized RunningBridge bridge(String engine, boolean packed) throws Exception {
        String key = engine + (packed ? "-packed" : "-exploded");
        RunningBridge running = BRIDGES.get(key);
        if (running != null) {
            return running;
        }
        Path war = packed
                ? new WarBuilder(dir.resolve("packed-war")).file("css/site.css", "body{}").packed("plain")
                : exploded();
        running = RunningBridge.startWar(Files.createDirectories(dir.resolve(key)), war, "--engine", engine,
                "--http", "0");
        BRIDGES.put(key, running);
        return running;
    }

    @AfterAll
    static void stopBridges() {
        BRIDGES.values().forEach(RunningBridge::close);
        BRIDGES.clear();
    }

    private static HttpResponse<String> get(RunningBridge bridge, String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort() + path))
                .timeout(Duration.ofSeconds(20));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void anExceptionReachesTheLogButNotTheClient(String engine) throws Exception {
        RunningBridge bridge = bridge(engine, false);
        for (String accept : new String[] {null, "text/html", "application/json", "text/plain"}) {
            HttpResponse<String> response = get(bridge, "/boom/throw", accept);
            assertEquals(500, response.statusCode(), accept);
            for (String detail : List.of("secret-detail", "RuntimeException", "at t.", "t.Boom", "Caused")) {
                assertFalse(response.body().contains(detail), accept + ": " + detail + " in " + response.body());
            }
        }
        String log = awaitInLog(bridge, "secret-detail");
        assertTrue(log.contains("RuntimeException"), log);
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theMessageTheApplicationGaveToSendErrorIsShownWithoutTheServletName(String engine) throws Exception {
        HttpResponse<String> response = get(bridge(engine, false), "/boom/send", null);
        assertEquals(500, response.statusCode());
        assertTrue(response.body().contains("chosen-message"), response.body());
        assertFalse(response.body().contains("t.Boom"), response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void symlinksLeadNeitherOutOfTheApplicationNorIntoWebInfOrMetaInf(String engine) throws Exception {
        RunningBridge bridge = bridge(engine, false);
        HttpResponse<String> file = get(bridge, "/css/site.css", null);
        assertEquals(200, file.statusCode());
        assertEquals("body{}", file.body());
        HttpResponse<String> inside = get(bridge, "/css/link.css", null);
        assertEquals(200, inside.statusCode(), "a symlink from the application to the application");
        assertEquals("body{}", inside.body());
        for (String attack : List.of("/passwd.txt", "/outdir/outside.txt", "/css/webinf/web.xml", "/css/web.xml",
                "/css/metainf/secret.txt", "/WEB-INF/web.xml", "/META-INF/secret.txt", "/css/webinf/",
                "/outdir/")) {
            HttpResponse<String> response = get(bridge, attack, null);
            assertEquals(404, response.statusCode(), attack + ": " + response.body());
            // the page echoes the URL: a file's name counts only where a listing would show it
            List<String> secrets = attack.endsWith("/")
                    ? List.of("outside-secret", "descriptor-secret", "outside.txt", "web.xml")
                    : List.of("outside-secret", "descriptor-secret", "meta-secret");
            for (String secret : secrets) {
                assertFalse(response.body().contains(secret), attack + ": " + response.body());
            }
        }
    }

    /**
     * The application's own forward may reach WEB-INF by name (Servlet 6.0 section 10.5), but a path outside it that a
     * symlink leads into WEB-INF or out of the application stays refused: the path often comes from the client.
     */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aForwardFollowsNoSymlinkIntoWebInfOrOut(String engine) throws Exception {
        RunningBridge bridge = bridge(engine, false);
        assertEquals("body{}", get(bridge, "/view/css/site.css", null).body());
        HttpResponse<String> named = get(bridge, "/view/WEB-INF/web.xml", null);
        assertEquals(200, named.statusCode(), "the application names WEB-INF: " + named.body());
        for (String attack : List.of("/view/css/webinf/web.xml", "/view/css/web.xml", "/view/css/metainf/secret.txt",
                "/view/passwd.txt", "/view/outdir/outside.txt")) {
            HttpResponse<String> response = get(bridge, attack, null);
            assertEquals(404, response.statusCode(), attack + ": " + response.body());
            for (String secret : List.of("outside-secret", "descriptor-secret", "meta-secret")) {
                assertFalse(response.body().contains(secret), attack + ": " + response.body());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aDirectoryIsNotListedExplodedOrPacked(String engine) throws Exception {
        for (boolean packed : new boolean[] {false, true}) {
            HttpResponse<String> response = get(bridge(engine, packed), "/css/", null);
            assertEquals(403, response.statusCode(), (packed ? "packed: " : "exploded: ") + response.body());
            assertFalse(response.body().contains("site.css"), response.body());
        }
    }

    /** The launcher's stderr once it contains {@code text}, which it must within 10 s. */
    private static String awaitInLog(RunningBridge bridge, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String log = bridge.process().stderrText();
        while (!log.contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            log = bridge.process().stderrText();
        }
        assertTrue(log.contains(text), "not in the log: " + text + "\n" + log);
        return log;
    }
}
