package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.testing.LighttpdProcess;
import org.fcgibridge.core.testing.NginxProcess;
import org.fcgibridge.core.testing.Peers;
import org.fcgibridge.core.testing.WebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The launcher as users start it: its HTTP front, its stop on SIGTERM, and started by lighttpd or systemd. */
class LauncherIT {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theHttpFrontServesTheSampleThroughFastCgi(String engine) throws Exception {
        try (RunningBridge bridge = RunningBridge.start(dir, "--engine", engine, "--http", "0", "--access-log", "-")) {
            assertTrue(bridge.servingLine().matches(".*war-sample\\.war \\(context path \"\", \\d+ servlets, "
                    + engine + " engine\\) on 127\\.0\\.0\\.1:\\d+, HTTP front on http://127\\.0\\.0\\.1:\\d+/"),
                    bridge.servingLine());
            HttpResponse<String> hello = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + bridge.httpPort() + "/hello?name=curl")).build(),
                    BodyHandlers.ofString());
            assertEquals(200, hello.statusCode());
            assertTrue(hello.body().contains("<h1>Hello, curl!</h1>"), hello.body());

            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + bridge.httpPort() + "/api/items"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"pen\",\"quantity\":3}")).build(),
                    BodyHandlers.ofString());
            assertEquals(201, posted.statusCode());
            assertEquals("http://127.0.0.1:" + bridge.httpPort() + "/api/items/2",
                    posted.headers().firstValue("Location").orElseThrow());
            // the access log, on stdout, has a line per request that reached the application
            assertTrue(bridge.process().awaitLine("\"POST /api/items HTTP/1.1\" 201", 10).contains("127.0.0.1"));

            // nothing in flight: SIGTERM stops it at once, not after its 30 s grace
            bridge.process().process().destroy();
            assertTrue(bridge.process().process().waitFor(10, TimeUnit.SECONDS), "an idle launcher stops promptly");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void sigtermLetsTheRequestInFlightFinishThenExitsZero(String engine) throws Exception {
        RunningBridge bridge = RunningBridge.start(dir, "--engine", engine);
        try (bridge; NginxProcess nginx = NginxProcess.start(dir.resolve("nginx"),
                Examples.pointedAt("nginx-fcgi-bridge.conf", bridge.port())
                        .replace("listen 127.0.0.1:8080;", "listen 127.0.0.1:PORT;")
                        .replace("include fastcgi_params;", "include /etc/nginx/fastcgi_params;"))) {
            HttpResponse<InputStream> events = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + nginx.port() + "/events?count=10")).build(),
                    BodyHandlers.ofInputStream());
            try (InputStream in = events.body()) {
                byte[] first = in.readNBytes("id: 1\ndata: tick 1\n\n".length());
                assertEquals("id: 1\ndata: tick 1\n\n", new String(first, StandardCharsets.UTF_8));

                bridge.process().process().destroy(); // SIGTERM, 0.9 s before the last event

                String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(rest.endsWith("id: 10\ndata: tick 10\n\n"), "the stream was cut: " + rest);
            }
            assertTrue(bridge.process().process().waitFor(30, TimeUnit.SECONDS), "the bridge did not stop");
            assertEquals(0, bridge.process().process().exitValue(), bridge.process().stderrText());
            assertTrue(bridge.process().stderrText().contains(engine.equals("jetty") ? "Stopped" : "closed"),
                    bridge.process().stderrText());
            HttpResponse<String> after = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + nginx.port() + "/hello")).build(), BodyHandlers.ofString());
            assertEquals(502, after.statusCode(), "nothing answers once the bridge has stopped");
        }
    }

    @Test
    void lighttpdStartsTheBridgeWithTheSocketOnFd0() throws Exception {
        LighttpdProcess.binary();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String marker = "--context-path /" + dir.getFileName();
        String config = Examples.read("lighttpd-spawn-fcgi-bridge.conf")
                .replace("/run/lighttpd/fcgi-bridge.sock", dir.resolve("bridge.sock").toString())
                .replace("/usr/bin/java", java)
                .replace("/opt/fcgi-bridge/fcgi-bridge.jar", RunningBridge.launcherJar().toAbsolutePath().toString())
                .replace("/opt/fcgi-bridge/app.war", RunningBridge.sampleWar().toAbsolutePath().toString())
                .replace("--listen fd:0", "--listen fd:0 " + marker);
        // the context path makes the spawned JVM findable by its command line; fix-root-scriptname keeps "/"
        try (WebServer lighttpd = LighttpdProcess.start(dir.resolve("lighttpd"), config)) {
            HttpResponse<String> hello = awaitOk(URI.create("http://127.0.0.1:" + lighttpd.port() + "/"
                    + dir.getFileName() + "/hello?name=lighttpd"), lighttpd::errorLog);
            assertTrue(hello.body().contains("<h1>Hello, lighttpd!</h1>"), hello.body());
            assertFalse(bridgesStartedWith(marker).isEmpty(), "lighttpd spawned the bridge");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!bridgesStartedWith(marker).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(List.of(), bridgesStartedWith(marker), "lighttpd stopped the bridge it spawned");
    }

    @Test
    void systemdSocketActivationStartsTheBridgeOnTheFirstRequest() throws Exception {
        Path activate = Peers.find("systemd-socket-activate");
        assumeTrue(activate != null, Peers.missing("systemd-socket-activate", "systemd"));
        String unit = Examples.read("fcgi-bridge.service");
        assertTrue(unit.contains("StandardInput=socket") && unit.contains("--listen fd:0"), unit);
        int port = NginxProcess.freePort();
        // systemd-socket-activate passes the socket as fd 3; the unit's StandardInput=socket makes it fd 0
        List<String> bridge = RunningBridge.command("--war", RunningBridge.sampleWar().toString(), "--listen", "fd:0");
        String exec = "exec " + String.join(" ", bridge) + " 0<&3 3<&-";
        Process activator = new ProcessBuilder(activate.toString(), "--listen=127.0.0.1:" + port, "/bin/sh", "-c",
                exec).redirectErrorStream(true).redirectOutput(dir.resolve("activate.log").toFile()).start();
        try {
            awaitListening(port);
            try (FcgiClient client = FcgiClient.connect(ListenAddress.tcp("127.0.0.1", port))) {
                FcgiResponse response = client.execute(Map.of("REQUEST_METHOD", "GET", "REQUEST_URI",
                        "/hello?name=systemd", "SCRIPT_NAME", "/hello", "QUERY_STRING", "name=systemd",
                        "SERVER_NAME", "localhost", "SERVER_PORT", "80", "SERVER_PROTOCOL", "HTTP/1.1"), new byte[0]);
                assertEquals(200, response.status(), response.toString());
                assertTrue(response.bodyText().contains("<h1>Hello, systemd!</h1>"), response.bodyText());
            }
        } finally {
            activator.destroy(); // SIGTERM: systemd-socket-activate passes it on, as systemd stops a unit
            if (!activator.waitFor(30, TimeUnit.SECONDS)) {
                activator.destroyForcibly();
            }
        }
        String log = Files.readString(dir.resolve("activate.log"));
        assertTrue(log.contains("fcgi-bridge: serving") && log.contains("on fd:0"), log);
    }

    @Test
    void aWarThatCannotBeDeployedStopsStartupWithStatus1() throws Exception {
        Path missing = dir.resolve("missing.war");
        Process launcher = new ProcessBuilder(RunningBridge.command("--war", missing.toString(), "--listen",
                "127.0.0.1:0")).redirectErrorStream(true).start();
        String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(launcher.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, launcher.exitValue(), output);
        assertTrue(output.contains("cannot deploy") && output.contains(missing.toString()), output);
    }

    @Test
    void aUsageErrorExitsWithStatus2() throws Exception {
        Process launcher = new ProcessBuilder(RunningBridge.command("--war", RunningBridge.sampleWar().toString(),
                "--listen", "nowhere")).redirectErrorStream(true).start();
        String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(launcher.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, launcher.exitValue(), output);
        assertTrue(output.contains("nowhere"), output);
    }

    private HttpResponse<String> awaitOk(URI uri, java.util.function.Supplier<String> log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = http.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString());
            if (last.statusCode() == 200) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no 200 from " + uri + ": " + (last == null ? "-" : last.statusCode()) + " "
                + log.get());
    }

    private static void awaitListening(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(50);
            }
        }
    }

    private static List<ProcessHandle> bridgesStartedWith(String marker) {
        List<ProcessHandle> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(process -> {
            String line = process.info().commandLine().orElse("");
            if (line.contains("fcgi-bridge.jar") && line.contains(marker)) {
                found.add(process);
            }
        });
        return found;
    }
}
