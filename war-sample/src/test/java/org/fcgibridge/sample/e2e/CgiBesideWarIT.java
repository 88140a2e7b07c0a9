package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fcgibridge.core.client.ClientRequest;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.protocol.EndRequestBody;
import org.fcgibridge.core.protocol.ProtocolStatus;
import org.fcgibridge.core.protocol.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Legacy CGI scripts beside the WAR ({@code --cgi-root}), the same on both engines: fcgi-core's CGI runner answers
 * the requests under /cgi-bin, the application the rest. Through the launcher's HTTP front, and over raw FastCGI for
 * what only the protocol shows (kept connections, the exit status, STDERR, an abort, a lost connection).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CgiBesideWarIT {
    private static final long MAX_BODY = 1_000_000;
    private static final int REQUEST_TIMEOUT = 3;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, RunningBridge> bridges = new HashMap<>();

    private Path dir;
    private Path scripts;

    @BeforeAll
    void scripts(@TempDir Path temporary) throws IOException {
        dir = temporary;
        scripts = RunningBridge.scripts(dir);
        script("sleeper.sh", "echo $$ > \"sleeper-$QUERY_STRING.pid\"\nexec sleep 60\n");
        script("slow.sh", "echo $$ > \"sleeper-$QUERY_STRING.pid\"\nsleep 2\n"
                + "printf 'Content-Type: text/plain\\n\\nfinished\\n'\n");
        script("status.sh", "printf 'Content-Type: text/plain\\n\\nsome output\\n'\n"
                + "echo 'a line for the error log' >&2\nexit 3\n");
    }

    /** One launcher per engine, shared by the cases. */
    private RunningBridge bridge(String engine) throws Exception {
        RunningBridge running = bridges.get(engine);
        if (running == null) {
            running = RunningBridge.start(Files.createDirectories(dir.resolve(engine)), "--engine", engine,
                    "--http", "0", "--cgi-root", scripts.toString(), "--max-body-bytes", Long.toString(MAX_BODY),
                    "--request-timeout", Integer.toString(REQUEST_TIMEOUT));
            bridges.put(engine, running);
        }
        return running;
    }

    private void script(String name, String body) throws IOException {
        Path script = Files.writeString(scripts.resolve(name), "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    void stop() {
        bridges.values().forEach(RunningBridge::close);
    }

    private HttpResponse<String> get(RunningBridge bridge, String target) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort() + target))
                .timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aScriptAnswersBesideTheWar(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        assertTrue(bridge.servingLine().contains(engine + " engine")
                && bridge.servingLine().contains("CGI scripts of " + scripts + " under /cgi-bin"),
                bridge.servingLine());
        HttpResponse<String> report = get(bridge, "/cgi-bin/report.sh/june?year=2026");
        assertEquals(200, report.statusCode(), report.body());
        assertEquals("text/plain", report.headers().firstValue("Content-Type").orElse(null));
        assertEquals("script=/cgi-bin/report.sh info=/june query=year=2026\n", report.body());

        HttpResponse<String> servlet = get(bridge, "/hello");
        assertTrue(servlet.body().contains("Hello, world!"), "the WAR still answers the rest: " + servlet.body());
        HttpResponse<String> missing = get(bridge, "/cgi-bin/none.sh");
        assertEquals(404, missing.statusCode(), missing.body());
    }

    /**
     * The client's path decides, the one the servlet container maps, not what the web server rewrote DOCUMENT_URI to
     * (nginx after try_files or index), nor an encoded or dotted form of it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theClientsPathChoosesBetweenScriptsAndTheWar(String engine) throws Exception {
        try (FcgiClient client = FcgiClient.connect(ListenAddress.tcp("127.0.0.1", bridge(engine).port()))) {
            Map<String, String> script = params("GET", "/cgi-bin/report.sh/june", "", -1);
            script.put("DOCUMENT_URI", "/index.html");
            script.put("SCRIPT_NAME", "/index.html");
            assertEquals("script=/cgi-bin/report.sh info=/june query=\n", client.execute(script, new byte[0])
                    .bodyText());
            Map<String, String> encoded = params("GET", "/cgi%2Dbin/x/../report.sh", "", -1);
            assertEquals("script=/cgi-bin/report.sh info= query=\n", client.execute(encoded, new byte[0])
                    .bodyText());
            Map<String, String> servlet = params("GET", "/hello", "", -1);
            servlet.put("DOCUMENT_URI", "/cgi-bin/report.sh");
            servlet.put("SCRIPT_NAME", "/cgi-bin/report.sh");
            FcgiResponse hello = client.execute(servlet, new byte[0]);
            assertTrue(hello.bodyText().contains("Hello, world!"), hello.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aPostBodyReachesTheScriptWhichSetsItsStatusAndHeaders(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        // past the 256 KiB that a request may hold unread on the Jetty engine: reading pauses and resumes
        String body = "0123456789abcdef".repeat(40_000);
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + bridge.httpPort() + "/cgi-bin/post.sh")).header("Content-Type", "text/plain")
                .POST(BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString());
        assertEquals(201, posted.statusCode());
        assertEquals("post", posted.headers().firstValue("X-Script").orElse(null));
        assertEquals("length=" + body.length() + " type=text/plain body=" + body, posted.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aScriptWithoutAHeaderBlockIsABadGateway(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        HttpResponse<String> silent = get(bridge, "/cgi-bin/silent.sh");
        assertEquals(502, silent.statusCode(), silent.body());
        assertEquals("the script ended without output\n", silent.body());
        HttpResponse<String> headless = get(bridge, "/cgi-bin/headless.sh");
        assertEquals(502, headless.statusCode(), headless.body());
        assertEquals("the script's output does not start with a CGI header block\n", headless.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aDeclaredBodyOverTheLimitIsRefusedWithoutRunningTheScript(String engine) throws Exception {
        try (FcgiClient client = client(bridge(engine))) {
            ClientRequest request = client.begin(Role.RESPONDER, params("POST", "/cgi-bin/post.sh", "",
                    MAX_BODY + 1), true);
            request.stdin().write(new byte[4096]);
            request.stdin().flush();
            FcgiResponse refused = request.readResponse();
            assertEquals(413, refused.status(), refused.stdoutText());
            assertEquals("The request body is larger than " + MAX_BODY + " bytes.\n", refused.bodyText());
            // the kept connection goes on
            FcgiResponse next = client.execute(params("GET", "/cgi-bin/report.sh", "a=1", -1), new byte[0]);
            assertEquals("script=/cgi-bin/report.sh info= query=a=1\n", next.bodyText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aKeptConnectionCarriesScriptsAndServletsWithTheExitStatusAndStderr(String engine) throws Exception {
        try (FcgiClient client = client(bridge(engine))) {
            for (int i = 0; i < 3; i++) {
                FcgiResponse status = client.execute(params("GET", "/cgi-bin/status.sh", "", -1), new byte[0]);
                assertEquals("some output\n", status.bodyText());
                assertEquals(3, status.appStatus(), "the script's exit status is END_REQUEST's appStatus");
                assertEquals(ProtocolStatus.REQUEST_COMPLETE, status.protocolStatus());
                assertEquals("a line for the error log\n", status.stderrText());
                FcgiResponse servlet = client.execute(params("GET", "/hello", "name=kept", -1), new byte[0]);
                assertTrue(servlet.bodyText().contains("Hello, kept!"), servlet.bodyText());
            }
            assertTrue(client.isOpen());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void withoutKeepConnTheConnectionClosesAfterTheScript(String engine) throws Exception {
        try (FcgiClient client = client(bridge(engine))) {
            FcgiResponse report = client.execute(Role.RESPONDER, params("GET", "/cgi-bin/report.sh", "", -1),
                    new byte[0], false);
            assertEquals(200, report.status());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (client.isOpen() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(client.isOpen(), "the connection closes after a request without KEEP_CONN");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void anAbortKillsTheScriptAndTheKeptConnectionGoesOn(String engine) throws Exception {
        try (FcgiClient client = client(bridge(engine))) {
            ClientRequest request = client.begin(Role.RESPONDER, params("GET", "/cgi-bin/sleeper.sh",
                    engine + "-abort", -1), true);
            request.stdin().close();
            long script = awaitScript(engine + "-abort");
            request.abort();
            EndRequestBody end = request.awaitEnd(Duration.ofSeconds(10));
            assertEquals(ProtocolStatus.REQUEST_COMPLETE, end.protocolStatus());
            awaitGone(script);
            FcgiResponse next = client.execute(params("GET", "/cgi-bin/report.sh", "after=abort", -1), new byte[0]);
            assertEquals("script=/cgi-bin/report.sh info= query=after=abort\n", next.bodyText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aLostConnectionKillsTheScript(String engine) throws Exception {
        long script;
        try (FcgiClient client = client(bridge(engine))) {
            ClientRequest request = client.begin(Role.RESPONDER, params("GET", "/cgi-bin/sleeper.sh",
                    engine + "-lost", -1), true);
            request.stdin().close();
            script = awaitScript(engine + "-lost");
        }
        awaitGone(script);
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aScriptPastTheRequestTimeoutIsKilledAndAnswered504(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        long began = System.nanoTime();
        HttpResponse<String> late = get(bridge, "/cgi-bin/sleeper.sh?" + engine + "-timeout");
        assertEquals(504, late.statusCode(), late.body());
        assertTrue(System.nanoTime() - began >= Duration.ofSeconds(REQUEST_TIMEOUT).toNanos(), "not before the limit");
        awaitGone(awaitScript(engine + "-timeout"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void sigtermLetsARunningScriptFinishWithinTheGrace(String engine) throws Exception {
        try (RunningBridge stopping = RunningBridge.start(Files.createDirectories(dir.resolve(engine + "-stop")),
                "--engine", engine, "--cgi-root", scripts.toString(), "--grace", "20");
             FcgiClient client = client(stopping)) {
            ClientRequest request = client.begin(Role.RESPONDER, params("GET", "/cgi-bin/slow.sh", engine + "-stop",
                    -1), true);
            request.stdin().close();
            awaitScript(engine + "-stop");
            stopping.process().process().destroy(); // SIGTERM while the script runs
            FcgiResponse finished = request.readResponse();
            assertEquals("finished\n", finished.bodyText());
            assertEquals(0, finished.appStatus());
            assertTrue(stopping.process().process().waitFor(20, TimeUnit.SECONDS), "the launcher did not stop");
            assertEquals(0, stopping.process().process().exitValue(), stopping.process().stderrText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void pastTheGraceARunningScriptIsKilled(String engine) throws Exception {
        try (RunningBridge stopping = RunningBridge.start(Files.createDirectories(dir.resolve(engine + "-grace")),
                "--engine", engine, "--cgi-root", scripts.toString(), "--grace", "1");
             FcgiClient client = client(stopping)) {
            ClientRequest request = client.begin(Role.RESPONDER, params("GET", "/cgi-bin/sleeper.sh",
                    engine + "-grace", -1), true);
            request.stdin().close();
            long script = awaitScript(engine + "-grace");
            stopping.process().process().destroy(); // SIGTERM; the script sleeps for 60 s
            assertTrue(stopping.process().process().waitFor(20, TimeUnit.SECONDS), "the launcher did not stop");
            assertEquals(0, stopping.process().process().exitValue(), stopping.process().stderrText());
            awaitGone(script);
        }
    }

    private static FcgiClient client(RunningBridge bridge) throws IOException {
        return FcgiClient.connect(ListenAddress.tcp("127.0.0.1", bridge.port()));
    }

    /** The params nginx sends for {@code path} (SCRIPT_NAME the whole path, as with its fastcgi_params). */
    private static Map<String, String> params(String method, String path, String query, long contentLength) {
        Map<String, String> params = new HashMap<>(Map.of("REQUEST_METHOD", method, "REQUEST_URI",
                query.isEmpty() ? path : path + "?" + query, "SCRIPT_NAME", path, "DOCUMENT_URI", path,
                "QUERY_STRING", query, "SERVER_NAME", "localhost", "SERVER_PORT", "80", "SERVER_PROTOCOL", "HTTP/1.1",
                "REMOTE_ADDR", "127.0.0.1"));
        if (contentLength >= 0) {
            params.put("CONTENT_LENGTH", Long.toString(contentLength));
            params.put("CONTENT_TYPE", "application/octet-stream");
        }
        return params;
    }

    /** The process id of the sleeper.sh of this name, once it has written it. */
    private long awaitScript(String name) throws Exception {
        Path pidFile = scripts.resolve("sleeper-" + name + ".pid");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(pidFile)) {
                String pid = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
                if (!pid.isEmpty()) {
                    return Long.parseLong(pid);
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the script " + name + " did not start");
    }

    /** Waits for the script's process to end (SIGTERM ends a sleep; SIGKILL would follow 2 s later). */
    private static void awaitGone(long pid) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (alive(pid) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(alive(pid), "the script " + pid + " still runs");
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
