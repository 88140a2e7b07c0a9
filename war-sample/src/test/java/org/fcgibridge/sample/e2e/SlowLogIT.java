package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --slowlog FILE --slowlog-timeout 1} through the real launcher, on both engines: a servlet that sleeps 3 s
 * leaves exactly one entry, which names the servlet and whose stack names its method, and counts as one slow request
 * on the status page, while a quick request leaves none; a CGI script that sleeps leaves one with its pid and command
 * line; a slow log that cannot be written stops the start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowLogIT {
    private static final String SLEEPY = """
            package t;
            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            @WebServlet(name = "sleepy", urlPatterns = "/sleepy")
            public class Sleepy extends HttpServlet {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    if (req.getParameter("quick") == null) {
                        try {
                            Thread.sleep(3000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    resp.setContentType("text/plain");
                    resp.getWriter().print("rested");
                }
            }
            """;
    /** Far above the entry's delay (the 1 s timeout, then at most a quarter of it). */
    private static final long DEADLINE_SECONDS = 20;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, RunningBridge> bridges = new HashMap<>();
    private Path dir;
    private Path war;
    private Path scripts;

    @BeforeAll
    void application(@TempDir Path temporary) throws IOException {
        dir = temporary;
        war = new WarBuilder(dir.resolve("war")).source("t.Sleepy", SLEEPY).packed("sleepy");
        scripts = Files.createDirectories(dir.resolve("cgi"));
        Path nap = Files.writeString(scripts.resolve("nap.sh"), "#!/bin/sh\necho $$ > \"nap-$QUERY_STRING.pid\"\n"
                + "sleep 3\nprintf 'Content-Type: text/plain\\n\\nawake\\n'\n");
        Files.setPosixFilePermissions(nap, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** One launcher per engine, shared by the cases; each engine writes its own slow log. */
    private RunningBridge bridge(String engine) throws Exception {
        RunningBridge running = bridges.get(engine);
        if (running == null) {
            running = RunningBridge.startWar(Files.createDirectories(dir.resolve(engine)), war, "--engine", engine,
                    "--http", "0", "--cgi-root", scripts.toString(), "--slowlog", slowLog(engine).toString(),
                    "--slowlog-timeout", "1", "--status-path", "/fcgi-status");
            bridges.put(engine, running);
        }
        return running;
    }

    private Path slowLog(String engine) {
        return dir.resolve(engine + "-slow.log");
    }

    @AfterAll
    void stop() {
        bridges.values().forEach(RunningBridge::close);
    }

    private HttpResponse<String> get(RunningBridge bridge, String target) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort() + target))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The entries of the log about {@code request} ("GET /sleepy?..."), once one is there. */
    private List<String> entriesAbout(String engine, String request) throws Exception {
        Path log = slowLog(engine);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (true) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            // an entry ends with a blank line; its lines are never blank
            List<String> about = Arrays.stream(text.split("(?<=\n)\n")).filter(e -> e.endsWith("\n"))
                    .filter(e -> e.contains("\nrequest = " + request + "\n")).toList();
            if (!about.isEmpty()) {
                return about;
            }
            assertTrue(System.nanoTime() < deadline, "no entry about " + request + " in " + DEADLINE_SECONDS
                    + " s: " + text);
            Thread.sleep(50);
        }
    }

    private long slowRequests(RunningBridge bridge) throws Exception {
        HttpResponse<String> status = get(bridge, "/fcgi-status?json");
        assertEquals(200, status.statusCode(), status.body());
        return new ObjectMapper().readTree(status.body()).get("slow_requests").asLong();
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aServletSlowerThanTheTimeoutLeavesOneEntryWithItsNameAndStack(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        long slowBefore = slowRequests(bridge);
        assertEquals("rested", get(bridge, "/sleepy?quick&engine=" + engine).body());
        HttpResponse<String> response = get(bridge, "/sleepy?engine=" + engine);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("rested", response.body());
        // the request has ended: whatever the watchdog wrote of it is in the file
        List<String> entries = entriesAbout(engine, "GET /sleepy?engine=" + engine);
        assertEquals(1, entries.size(), "one entry per slow request: " + entries);
        assertTrue(Files.readString(slowLog(engine)).lines().noneMatch(line -> line.contains("quick")),
                "the quick request is in no entry");
        assertEquals(1, slowRequests(bridge) - slowBefore, "the status page counts the slow request");
        String entry = entries.get(0);
        String[] lines = entry.split("\n");
        assertTrue(lines[0].matches("\\[\\d\\d-\\w{3}-\\d{4} \\d\\d:\\d\\d:\\d\\d]  \\[pool fcgi-bridge] pid "
                + bridge.process().process().pid()), entry);
        // what runs the request, as php-fpm names the script: the servlet's name and class
        assertTrue(entry.contains("\nscript_filename = sleepy (t.Sleepy)\n"), entry);
        long elapsed = Long.parseLong(entry.replaceAll("(?s).*\nelapsed = (\\d+) ms\n.*", "$1"));
        assertTrue(elapsed >= 1000 && elapsed < 3000, entry);
        assertTrue(entry.matches("(?s).*\nthread = [^\n]+\n.*"), entry);
        // frames as Java prints them: the class loader's name, the module and its version may come first
        assertTrue(entry.matches("(?s).*\n\tat (\\S+/)?java\\.lang\\.Thread\\.sleep\\w*\\([^\n]*\\)\n.*"), entry);
        assertTrue(entry.matches("(?s).*\n\tat (\\S+/)?t\\.Sleepy\\.doGet\\(Sleepy\\.java:\\d+\\)\n.*"), entry);
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aSlowCgiScriptLeavesAnEntryWithItsPidAndCommandLine(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        HttpResponse<String> response = get(bridge, "/cgi-bin/nap.sh?" + engine);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("awake\n", response.body());
        List<String> entries = entriesAbout(engine, "GET /cgi-bin/nap.sh?" + engine);
        assertEquals(1, entries.size(), "one entry per slow request: " + entries);
        String entry = entries.get(0);
        Path script = scripts.resolve("nap.sh").toRealPath();
        assertTrue(entry.contains("\nscript_filename = " + script + "\n"), entry);
        String pid = Files.readString(scripts.resolve("nap-" + engine + ".pid")).trim();
        assertTrue(entry.contains("\nscript_pid = " + pid + "\n"), entry);
        // the kernel ran the #! line: the shell, then the script
        assertTrue(entry.matches("(?s).*\ncommand = \\S*sh " + Pattern.quote(script.toString()) + "\n.*"), entry);
        assertFalse(entry.contains("\tat "), "the script's process, not the Java thread that waits for it: " + entry);
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
