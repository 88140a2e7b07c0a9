package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the launcher wires {@code --slowlog} on both engines (SlowLogIT covers the entries themselves): one slow request
 * among quick ones is one entry and one slow request on the status page; a slow log that cannot be written stops the
 * start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowLogLaunchIT {
    private static final String APP = """
            package t;

            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.HttpServlet;
            import jakarta.servlet.http.HttpServletRequest;
            import jakarta.servlet.http.HttpServletResponse;
            import java.io.IOException;

            @WebServlet("/*")
            public class Sleepy extends HttpServlet {
                @Override
                protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    if ("/nap".equals(request.getPathInfo())) {
                        try {
                            Thread.sleep(3000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    response.setContentType("text/plain");
                    response.getWriter().write("awake");
                }
            }
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, RunningBridge> bridges = new HashMap<>();
    private Path dir;
    private Path war;

    @BeforeAll
    void war(@TempDir Path temporary) throws Exception {
        dir = temporary;
        war = new WarBuilder(dir.resolve("war")).source("t.Sleepy", APP).packed("sleepy");
    }

    @AfterAll
    void stop() {
        bridges.values().forEach(RunningBridge::close);
    }

    private RunningBridge bridge(String engine) throws Exception {
        RunningBridge bridge = bridges.get(engine);
        if (bridge == null) {
            Path at = Files.createDirectories(dir.resolve(engine));
            bridge = RunningBridge.startWar(at, war, "--engine", engine, "--http", "0", "--status-path",
                    "/fcgi-status", "--slowlog", at.resolve("slow.log").toString(), "--slowlog-timeout", "1");
            bridges.put(engine, bridge);
        }
        return bridge;
    }

    private String get(RunningBridge bridge, String target) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + bridge.httpPort() + target)).timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void oneSlowRequestIsOneEntryAndCountedOnTheStatusPage(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        Path log = dir.resolve(engine).resolve("slow.log");
        assertEquals("awake", get(bridge, "/quick"));
        assertEquals("awake", get(bridge, "/nap"));
        String text = Files.readString(log);
        List<String> entries = text.lines().filter(line -> line.contains("] pid ")).toList();
        assertEquals(1, entries.size(), text);
        assertTrue(text.contains("request = GET /nap\n"), text);
        assertTrue(text.contains("t.Sleepy.doGet(Sleepy.java:"), "the servlet's method is in the stack: " + text);
        assertEquals(1, new ObjectMapper().readTree(get(bridge, "/fcgi-status?json")).get("slow_requests").asLong());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aSlowLogThatCannotBeWrittenStopsTheStart(String engine) throws Exception {
        LauncherRefusal refusal = LauncherRefusal.of(war, "--engine", engine, "--slowlog",
                dir.resolve("no-such-directory").resolve("slow.log").toString());
        assertEquals(1, refusal.status, refusal.stderr);
        assertTrue(refusal.lastLine().startsWith("fcgi-bridge: cannot start: ") && refusal.lastLine().contains(
                "slow.log"), refusal.stderr);
    }
}
