package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.stream.Stream;
import org.fcgibridge.core.client.ClientRequest;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launcher's life as an operator sees it, on both engines: a stop past its grace, a restart after kill -9 (the
 * stale socket file, the work directory left behind), and a start that fails: one line, the right exit status, and
 * no application code run when an address is taken.
 */
class LifecycleIT {
    /** Answers "running" at once, then blocks until the process ends. */
    private static final String BLOCKING_SERVLET = """
            package t;
            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            import java.util.concurrent.CountDownLatch;
            @WebServlet("/block")
            public class BlockingServlet extends HttpServlet {
                private final CountDownLatch never = new CountDownLatch(1);
                @Override protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.setContentType("text/plain");
                    resp.getWriter().println("running");
                    resp.flushBuffer();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            """;

    /** Writes the file its context parameter "marker" names as the application starts: a startup side effect. */
    private static final String MARKING_LISTENER = """
            package t;
            import jakarta.servlet.*;
            import java.io.*;
            import java.nio.file.*;
            public class Marker implements ServletContextListener {
                @Override public void contextInitialized(ServletContextEvent event) {
                    try {
                        Files.writeString(Path.of(event.getServletContext().getInitParameter("marker")), "started");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            """;

    private static final String FAILING_LISTENER = """
            package t;
            import jakarta.servlet.*;
            public class Failing implements ServletContextListener {
                @Override public void contextInitialized(ServletContextEvent event) {
                    throw new IllegalStateException("the database is unreachable");
                }
            }
            """;

    @TempDir
    static Path shared;

    private static Path blockingWar;
    private static Path markingWar;
    private static Path failingWar;
    private static Path marker;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @BeforeAll
    static void wars() throws IOException {
        blockingWar = new WarBuilder(shared.resolve("blocking")).source("t.BlockingServlet", BLOCKING_SERVLET)
                .packed("blocking");
        marker = shared.resolve("started.marker");
        markingWar = new WarBuilder(shared.resolve("marking")).source("t.Marker", MARKING_LISTENER)
                .webXml(webXml("<context-param><param-name>marker</param-name><param-value>" + marker
                        + "</param-value></context-param><listener><listener-class>t.Marker</listener-class>"
                        + "</listener>"))
                .packed("marking");
        failingWar = new WarBuilder(shared.resolve("failing")).source("t.Failing", FAILING_LISTENER)
                .webXml(webXml("<listener><listener-class>t.Failing</listener-class></listener>"))
                .packed("failing");
    }

    private static String webXml(String body) {
        return "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">" + body + "</web-app>";
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aRequestStillRunningWhenTheGraceEndsIsEndedAndTheExitIsZero(String engine) throws Exception {
        long grace = 2;
        try (RunningBridge bridge = RunningBridge.startWar(dir, blockingWar, "--engine", engine,
                "--grace", Long.toString(grace), "--work-dir", dir.resolve("work").toString());
             FcgiClient client = FcgiClient.connect(ListenAddress.tcp("127.0.0.1", bridge.port()))) {
            // as nginx sends it: the grace is the engine's alone
            ClientRequest request = client.begin(Role.RESPONDER, Map.of("REQUEST_METHOD", "GET", "REQUEST_URI",
                    "/block", "SCRIPT_NAME", "/block", "QUERY_STRING", "", "SERVER_NAME", "localhost",
                    "SERVER_PORT", "80", "SERVER_PROTOCOL", "HTTP/1.1"), false);
            request.stdin().close();
            BufferedReader lines = new BufferedReader(new InputStreamReader(request.stdout(),
                    StandardCharsets.ISO_8859_1));
            String line;
            while ((line = lines.readLine()) != null && !line.equals("running")) {
                // the CGI header block
            }
            assertEquals("running", line, "the servlet runs");

            long sent = System.nanoTime();
            bridge.process().process().destroy(); // SIGTERM
            assertTrue(bridge.process().process().waitFor(grace + 10, TimeUnit.SECONDS), "it did not stop");
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);

            assertEquals(0, bridge.process().process().exitValue(), bridge.process().stderrText());
            assertTrue(tookMillis >= grace * 1000 - 100, "the request had its grace: " + tookMillis + " ms");
            // the grace, a second to end what is left, and a little for the JVM to exit on a loaded machine
            assertTrue(tookMillis < grace * 1000 + 1000 + 500, "stopped after " + tookMillis + " ms");
            String log = bridge.process().stderrText();
            assertFalse(log.contains("TimeoutException") || log.contains("\tat "), "a stack trace: " + log);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void afterKill9TheNextStartReplacesTheStaleSocketAndDeletesTheWorkDirectoryLeftBehind(String engine)
            throws Exception {
        Path socket = dir.resolve("fcgi.sock");
        Path work = dir.resolve("work");
        String[] options = {"--engine", engine, "--listen", "unix:" + socket, "--http", "0",
            "--work-dir", work.toString()};
        RunningBridge killed = RunningBridge.start(dir, options);
        long killedPid = killed.process().process().pid();
        assertEquals(200, get(killed, "/hello").statusCode());
        Path killedWork = workOf(work, killedPid);
        try (RunningBridge other = RunningBridge.start(dir, "--engine", engine, "--http", "0", "--work-dir",
                work.toString())) {
            Path otherWork = workOf(work, other.process().process().pid());

            killed.process().process().destroyForcibly(); // kill -9: nothing is cleaned up
            assertTrue(killed.process().process().waitFor(10, TimeUnit.SECONDS));
            assertTrue(Files.exists(socket), "the dead server's socket file is left");
            assertTrue(Files.isDirectory(killedWork), "and its work directory");

            try (RunningBridge restarted = RunningBridge.start(dir, options)) {
                HttpResponse<String> hello = get(restarted, "/hello?name=again");
                assertEquals(200, hello.statusCode());
                assertTrue(hello.body().contains("Hello, again!"), hello.body());
                assertFalse(Files.exists(killedWork), "the dead launcher's work directory is deleted");
                assertTrue(Files.isDirectory(otherWork), "a live launcher's work directory stays");

                // a second server on the live socket is refused, and leaves it to the first
                Failed second = fail(dir, "--war", RunningBridge.sampleWar().toString(), "--engine", engine,
                        "--listen", "unix:" + socket, "--work-dir", work.toString());
                assertEquals(1, second.status, second.stderr.toString());
                assertEquals(List.of("fcgi-bridge: cannot listen on unix:" + socket
                        + ": another server is listening there"), second.stderr);
                assertEquals(200, get(restarted, "/hello").statusCode(), "the first one still serves");

                assertEquals(0, restarted.process().terminate(30));
                assertFalse(Files.exists(socket), "a clean stop deletes its socket file");
            }
            assertEquals(0, other.process().terminate(30));
            assertFalse(Files.exists(otherWork), "a clean stop deletes its work directory");
        } finally {
            killed.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void anAddressInUseFailsTheStartInOneLineBeforeTheApplicationRuns(String engine) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String busy = "127.0.0.1:" + taken.getLocalPort();
            Failed fastCgi = fail(dir, "--war", markingWar.toString(), "--engine", engine, "--listen", busy);
            assertEquals(1, fastCgi.status, fastCgi.stderr.toString());
            assertEquals(List.of("fcgi-bridge: cannot listen on " + busy + ": Address already in use"),
                    fastCgi.stderr);

            Failed front = fail(dir, "--war", markingWar.toString(), "--engine", engine, "--listen",
                    "127.0.0.1:0", "--http", busy);
            assertEquals(1, front.status, front.stderr.toString());
            assertEquals(List.of("fcgi-bridge: cannot listen on " + busy + " (--http): Address already in use"),
                    front.stderr);
        }
        assertFalse(Files.exists(marker), "the application's listener ran although the start failed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aFailedStartSaysWhyInOneLineWithItsExitStatus(String engine) throws Exception {
        String war = markingWar.toString();
        Failed host = fail(dir, "--war", war, "--engine", engine, "--listen", "no.such.host.invalid:9000");
        assertEquals(1, host.status, host.stderr.toString());
        assertEquals(List.of("fcgi-bridge: cannot listen on no.such.host.invalid:9000: unknown host "
                + "no.such.host.invalid"), host.stderr);

        Failed usage = fail(dir, "--war", war, "--engine", engine, "--listen", "127.0.0.1:0", "--http", "abc");
        assertEquals(2, usage.status, usage.stderr.toString());
        assertEquals(List.of("fcgi-bridge: --http wants [HOST:]PORT: abc"), usage.stderr);
        Failed number = fail(dir, "--war", war, "--engine", engine, "--grace", "soon");
        assertEquals(2, number.status, number.stderr.toString());
        assertEquals(List.of("fcgi-bridge: Invalid value for option '--grace': 'soon' is not a long (see --help)"),
                number.stderr);

        Failed deploy = fail(dir, "--war", failingWar.toString(), "--engine", engine, "--listen", "127.0.0.1:0",
                "--work-dir", dir.resolve("work").toString());
        assertEquals(1, deploy.status, deploy.stderr.toString());
        assertEquals(1, deploy.stderr.size(), "one line, no stack trace: " + String.join("\n", deploy.stderr));
        assertTrue(deploy.stderr.get(0).startsWith("fcgi-bridge: cannot deploy: " + failingWar + ": ")
                && deploy.stderr.get(0).endsWith("java.lang.IllegalStateException: the database is unreachable"),
                deploy.stderr.get(0));
        try (Stream<Path> left = Files.list(dir.resolve("work"))) {
            assertEquals(List.of(), left.toList(), "a failed start deletes its work directory");
        }
        assertFalse(Files.exists(marker));
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aMissingCgiRootIsNamedWithTheReason(String engine) throws Exception {
        Path missing = dir.resolve("missing");
        Failed cgi = fail(dir, "--war", markingWar.toString(), "--engine", engine, "--listen", "127.0.0.1:0",
                "--cgi-root", missing.toString());
        assertEquals(1, cgi.status, cgi.stderr.toString());
        assertEquals(List.of("fcgi-bridge: --cgi-root " + missing + ": no such file or directory"), cgi.stderr);
        assertFalse(Files.exists(marker));
    }

    private HttpResponse<String> get(RunningBridge bridge, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort() + path)).build(),
                BodyHandlers.ofString());
    }

    /** The work directory of the launcher with this PID. */
    private static Path workOf(Path parent, long pid) throws IOException {
        try (Stream<Path> entries = Files.list(parent)) {
            List<Path> found = entries.filter(p -> p.getFileName().toString().startsWith("fcgi-bridge-" + pid + "-"))
                    .toList();
            assertEquals(1, found.size(), "the work directory of " + pid + " in " + parent);
            return found.get(0);
        }
    }

    /** A launcher that is expected to end by itself: its exit status and the lines of its stderr. */
    private record Failed(int status, List<String> stderr) {
    }

    private static Failed fail(Path dir, String... args) throws IOException, InterruptedException {
        Path stderr = Files.createTempFile(dir, "stderr", ".txt");
        Process launcher = new ProcessBuilder(RunningBridge.command(args)).redirectError(stderr.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
            launcher.destroyForcibly();
            throw new AssertionError("the launcher did not end: " + Files.readString(stderr));
        }
        return new Failed(launcher.exitValue(), new ArrayList<>(Files.readAllLines(stderr)));
    }
}
