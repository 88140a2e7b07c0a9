package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fcgibridge.core.testing.NginxProcess;
import org.fcgibridge.core.testing.OpenMetricsText;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --status-path} and {@code --ping-path} through the real launcher and nginx (docs/examples/nginx-fcgi-status
 * .conf, as documented), on both engines, with a WAR that maps "/*": the bridge answers both paths before the
 * application, and its counters follow the requests nginx passes on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageIT {
    private static final String APP = """
            package t;

            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.HttpServlet;
            import jakarta.servlet.http.HttpServletRequest;
            import jakarta.servlet.http.HttpServletResponse;
            import java.io.IOException;

            @WebServlet("/*")
            public class Everything extends HttpServlet {
                @Override
                protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    String path = String.valueOf(request.getPathInfo());
                    if (path.equals("/missing")) {
                        response.sendError(404);
                        return;
                    }
                    if (path.equals("/session")) {
                        request.getSession(true);
                    }
                    if (path.equals("/sleep")) {
                        try {
                            Thread.sleep(3000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    response.setContentType("text/plain");
                    response.getWriter().write("app " + path);
                }
            }
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, RunningBridge> bridges = new HashMap<>();
    private final Map<String, NginxProcess> nginxes = new HashMap<>();
    private Path dir;
    private Path war;
    private Path scripts;

    @BeforeAll
    void war(@TempDir Path temporary) throws Exception {
        dir = temporary;
        war = new WarBuilder(dir.resolve("war")).source("t.Everything", APP).packed("everything");
        scripts = RunningBridge.scripts(dir);
        Path nap = Files.writeString(scripts.resolve("nap.sh"), "#!/bin/sh\nsleep 2\n"
                + "printf 'Content-Type: text/plain\\n\\nrested\\n'\n");
        Files.setPosixFilePermissions(nap, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    void stop() throws Exception {
        for (NginxProcess nginx : nginxes.values()) {
            nginx.close();
        }
        bridges.values().forEach(RunningBridge::close);
    }

    /** nginx in front of one launcher per engine, shared by the cases. */
    private NginxProcess nginx(String engine) throws Exception {
        NginxProcess nginx = nginxes.get(engine);
        if (nginx == null) {
            Path at = Files.createDirectories(dir.resolve(engine));
            RunningBridge bridge = RunningBridge.startWar(at, war, "--engine", engine, "--http", "0",
                    "--status-path", "/fcgi-status", "--ping-path", "/fcgi-ping", "--ping-response", "alive",
                    "--cgi-root", scripts.toString());
            bridges.put(engine, bridge);
            nginx = NginxProcess.start(at.resolve("nginx"),
                    Configs.forNginx(Examples.pointedAt("nginx-fcgi-status.conf", bridge.port())));
            nginxes.put(engine, nginx);
        }
        return nginx;
    }

    private HttpResponse<String> get(int port, String target) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target))
                .timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString());
    }

    private JsonNode json(int port, String query) throws Exception {
        HttpResponse<String> status = get(port, "/fcgi-status?" + query);
        assertEquals(200, status.statusCode(), status.body());
        assertEquals("application/json", status.headers().firstValue("Content-Type").orElse(null));
        return new ObjectMapper().readTree(status.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theCountersFollowTheRequestsThroughNginx(String engine) throws Exception {
        int port = nginx(engine).port();
        JsonNode before = json(port, "json");
        int n = 5;
        for (int i = 0; i < n; i++) {
            HttpResponse<String> app = get(port, "/hello?i=" + i);
            assertEquals("app /hello", app.body());
        }
        assertEquals(404, get(port, "/missing").statusCode());
        get(port, "/session");
        JsonNode after = json(port, "json");
        assertEquals(n + 2, after.get("accepted_requests").asLong() - before.get("accepted_requests").asLong(),
                after.toString());
        assertEquals(n + 1, after.get("responses").get("2xx").asLong() - before.get("responses").get("2xx").asLong(),
                after.toString());
        assertEquals(1, after.get("responses").get("4xx").asLong() - before.get("responses").get("4xx").asLong(),
                after.toString());
        assertEquals(0, after.get("requests_in_flight").asLong(), "the status page is not a request it counts");
        assertTrue(after.get("accepted_connections").asLong() >= 1, after.toString());
        assertTrue(after.get("sessions_active").asLong() >= 1, after.toString());
        assertTrue(after.get("listen_queue").asLong() >= 0, "Linux shows a TCP socket's queue: " + after);
        assertTrue(after.get("listen_queue_len").asLong() > 0, after.toString());
        assertTrue(after.get("heap_used_bytes").asLong() > 0, after.toString());
        assertTrue(after.get("uptime_seconds").asLong() >= 0, after.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theOpenMetricsFormParsesAndTheTextFormIsTheDefault(String engine) throws Exception {
        int port = nginx(engine).port();
        get(port, "/hello");
        HttpResponse<String> metrics = get(port, "/fcgi-status?openmetrics");
        assertEquals(200, metrics.statusCode());
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8",
                metrics.headers().firstValue("Content-Type").orElse(null));
        String parsed = parsedByPrometheus(metrics.body());
        assertTrue(parsed.contains("\nfcgi_accepted_requests counter "), parsed);
        assertTrue(parsed.contains("\nfcgi_sessions_active gauge "), parsed);
        Map<String, OpenMetricsText.Family> families = OpenMetricsText.parse(metrics.body());
        assertTrue(families.get("fcgi_accepted_requests").value("fcgi_accepted_requests_total", Map.of()) >= 1,
                metrics.body());
        assertTrue(families.get("fcgi_responses").value("fcgi_responses_total", Map.of("class", "2xx")) >= 1,
                metrics.body());
        assertEquals("gauge", families.get("fcgi_sessions_active").type);

        HttpResponse<String> text = get(port, "/fcgi-status");
        assertEquals("text/plain; charset=utf-8", text.headers().firstValue("Content-Type").orElse(null));
        assertTrue(text.body().startsWith("start time:") && text.body().contains("\naccepted requests:"),
                text.body());
        assertFalse(text.body().contains("app "), "the WAR maps /* but never sees the status path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void thePingAnswersThroughNginxAndTheHttpFront(String engine) throws Exception {
        HttpResponse<String> ping = get(nginx(engine).port(), "/fcgi-ping");
        assertEquals(200, ping.statusCode());
        assertEquals("alive\n", ping.body());
        assertEquals("no-cache", ping.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("text/plain; charset=utf-8", ping.headers().firstValue("Content-Type").orElse(null));
        assertEquals("alive\n", get(bridges.get(engine).httpPort(), "/fcgi-ping").body());
        assertEquals("app /fcgi-ping/x", get(nginx(engine).port(), "/fcgi-ping/x").body(),
                "only the path itself is the bridge's");
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void fullListsARequestInFlightWithItsThread(String engine) throws Exception {
        int port = nginx(engine).port();
        CompletableFuture<HttpResponse<String>> sleeping = http.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/sleep?for=status")).timeout(Duration.ofSeconds(30)).build(),
                BodyHandlers.ofString());
        JsonNode entry = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (entry == null) {
            assertTrue(System.nanoTime() < deadline, "the sleeping request never showed");
            for (JsonNode request : json(port, "json&full").get("requests")) {
                if (request.get("uri").asText().equals("/sleep?for=status")) {
                    entry = request;
                }
            }
        }
        assertEquals("GET", entry.get("method").asText());
        assertFalse(entry.get("thread").asText().isEmpty(), "the serving thread is named: " + entry);
        assertTrue(entry.get("elapsed_ms").asLong() >= 0, entry.toString());
        // the servlet it is mapped to: @WebServlet names it after its class, which is then said once
        assertEquals("t.Everything", entry.get("runner").asText(), entry.toString());
        HttpResponse<String> text = get(port, "/fcgi-status?full");
        assertTrue(text.body().contains("/sleep?for=status"), text.body());
        assertTrue(text.body().matches("(?s).*\nuri: +/sleep\\?for=status\n([^\n]+\n)*?runner: +t\\.Everything\n.*"),
                text.body());
        String full = get(port, "/fcgi-status?openmetrics&full").body();
        assertTrue(parsedByPrometheus(full).contains("\nfcgi_request_elapsed_seconds gauge "), full);
        Map<String, OpenMetricsText.Family> families = OpenMetricsText.parse(full);
        assertTrue(families.get("fcgi_request_elapsed_seconds").samples.stream()
                .anyMatch(s -> s.labels().get("uri").equals("/sleep?for=status")));
        assertEquals("app /sleep", sleeping.get(30, TimeUnit.SECONDS).body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aRunningCgiScriptIsCounted(String engine) throws Exception {
        int port = nginx(engine).port();
        assertEquals(0, json(port, "json").get("cgi_scripts_waiting").asLong());
        CompletableFuture<HttpResponse<String>> napping = http.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/cgi-bin/nap.sh")).timeout(Duration.ofSeconds(30)).build(),
                BodyHandlers.ofString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode status = json(port, "json&full");
        while (status.get("cgi_scripts_running").asLong() != 1) {
            assertTrue(System.nanoTime() < deadline, "the script never counted as running: " + status);
            status = json(port, "json&full");
        }
        assertTrue(status.get("requests").toString().contains("/cgi-bin/nap.sh"), status.toString());
        assertEquals("rested\n", napping.get(30, TimeUnit.SECONDS).body());
        status = json(port, "json");
        while (status.get("cgi_scripts_running").asLong() != 0) {
            assertTrue(System.nanoTime() < deadline, "the script never ended: " + status);
            status = json(port, "json");
        }
    }

    /** docs/examples/fcgi-bridge-ping, the check fcgi-bridge-health.service runs, against the bridge itself. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theDocumentedPingCheckPassesAndFails(String engine) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/cgi-fcgi")), "libfcgi-bin's cgi-fcgi is not installed");
        nginx(engine);
        Path check = Examples.path("fcgi-bridge-ping");
        String address = "127.0.0.1:" + bridges.get(engine).port();
        assertEquals(0, run("/bin/sh", check.toString(), address, "/fcgi-ping", "alive"));
        assertEquals(1, run("/bin/sh", check.toString(), address, "/fcgi-ping", "pong"), "another text");
        assertEquals(1, run("/bin/sh", check.toString(), address, "/fcgi-ping/x", "alive"), "the application's path");
        assertEquals(1, run("/bin/sh", check.toString(), "127.0.0.1:1", "/fcgi-ping", "alive"), "nothing listens");
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the check ended");
        return process.exitValue();
    }

    /**
     * The families as the Prometheus project's own OpenMetrics parser reads them (python3-prometheus-client, which
     * scripts/test.sh installs): one line "NAME TYPE SAMPLES" each, after a first empty line; the parser is strict
     * (names, escapes, _total, # EOF), and the test fails on anything it refuses.
     */
    private static String parsedByPrometheus(String body) throws Exception {
        // the Debian package is the system Python's; a python3 earlier on the PATH (pyenv) may not see it
        String python3 = java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/python3"))
                ? "/usr/bin/python3" : "python3";
        Process python = new ProcessBuilder(python3, "-c", String.join("\n",
                "import sys",
                "from prometheus_client.openmetrics.parser import text_string_to_metric_families",
                "print()",
                "for family in text_string_to_metric_families(sys.stdin.read()):",
                "    print(family.name, family.type, len(family.samples))"))
                .redirectErrorStream(true).start();
        try (var in = python.getOutputStream()) {
            in.write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String out = new String(python.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(python.waitFor(30, TimeUnit.SECONDS), "the parser did not end");
        org.junit.jupiter.api.Assumptions.assumeFalse(out.contains("No module named 'prometheus_client'"),
                "python3-prometheus-client is not installed (scripts/test.sh installs it)");
        assertEquals(0, python.exitValue(), "Prometheus's parser refused it:\n" + out + "\n" + body);
        return out;
    }
}
