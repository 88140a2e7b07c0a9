package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 13: sessions past their timeout are swept within about a minute on both engines (the Jetty engine's
 * default was ten), so that a site under load holds only the sessions its timeout allows. Both engines run at once:
 * the test waits one sweep.
 */
class SessionExpiryIT {
    private static final String APP = "package app;\n"
            + "import jakarta.servlet.annotation.*; import jakarta.servlet.http.*; import java.io.IOException;\n"
            + "import java.util.concurrent.atomic.AtomicInteger;\n"
            + "@WebListener public class Expiry implements HttpSessionListener {\n"
            + "  static final AtomicInteger DESTROYED = new AtomicInteger();\n"
            + "  public void sessionDestroyed(HttpSessionEvent e) { DESTROYED.incrementAndGet(); }\n"
            + "}\n";
    private static final String PAGES = "package app;\n"
            + "import jakarta.servlet.annotation.*; import jakarta.servlet.http.*; import java.io.IOException;\n"
            + "@WebServlet(\"/s\") public class Pages extends HttpServlet {\n"
            + "  protected void doGet(HttpServletRequest q, HttpServletResponse r) throws IOException {\n"
            + "    if (q.getParameter(\"new\") != null) q.getSession(true).setMaxInactiveInterval(1);\n"
            + "    r.getWriter().print(Expiry.DESTROYED.get());\n"
            + "  }\n"
            + "}\n";

    @TempDir
    Path dir;

    @Test
    void anExpiredSessionIsSweptWithinAMinuteOnBothEngines() throws Exception {
        Path war = new WarBuilder(dir.resolve("app")).source("app.Expiry", APP).source("app.Pages", PAGES)
                .packed("expiry.war");
        HttpClient client = HttpClient.newHttpClient();
        try (RunningBridge standalone = RunningBridge.startWar(Files.createDirectories(dir.resolve("standalone")),
                war, "--engine", "standalone", "--http", "0");
             RunningBridge jetty = RunningBridge.startWar(Files.createDirectories(dir.resolve("jetty")), war,
                     "--engine", "jetty", "--http", "0")) {
            for (RunningBridge bridge : new RunningBridge[] {standalone, jetty}) {
                assertEquals("0", get(client, bridge, "/s?new"));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            String swept = "standalone " + get(client, standalone, "/s") + ", jetty " + get(client, jetty, "/s");
            while (!swept.equals("standalone 1, jetty 1") && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                swept = "standalone " + get(client, standalone, "/s") + ", jetty " + get(client, jetty, "/s");
            }
            assertEquals("standalone 1, jetty 1", swept, "sessions destroyed within 90 s of a 1 s timeout");
        }
    }

    private static String get(HttpClient client, RunningBridge bridge, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
