package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.fcgibridge.core.protocol.NameValueWriter;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15's attacks by a hostile peer on the FastCGI port, against the real launcher on both engines: params that
 * never end (the heap), a record that trickles in (the idle timeout), a body nobody reads (the disk), and an error
 * no thread catches (a server alive but deaf).
 */
class HostileInputIT {
    private static final int BEGIN_REQUEST = 1;
    private static final int END_REQUEST = 3;
    private static final int PARAMS = 4;
    private static final int STDIN = 5;
    private static final int STDOUT = 6;

    @TempDir
    Path dir;

    private static byte[] record(int type, int id, byte[] content, int off, int len) {
        byte[] record = new byte[8 + len];
        record[0] = 1;
        record[1] = (byte) type;
        record[2] = (byte) (id >> 8);
        record[3] = (byte) id;
        record[4] = (byte) (len >> 8);
        record[5] = (byte) len;
        System.arraycopy(content, off, record, 8, len);
        return record;
    }

    private static byte[] begin(int id) {
        return record(BEGIN_REQUEST, id, new byte[] {0, 1, 1, 0, 0, 0, 0, 0}, 0, 8); // RESPONDER, KEEP_CONN
    }

    private static void params(OutputStream out, byte[] pairs, boolean end) throws IOException {
        for (int at = 0; at < pairs.length; at += 65535) {
            out.write(record(PARAMS, 1, pairs, at, Math.min(65535, pairs.length - at)));
        }
        if (end) {
            out.write(record(PARAMS, 1, new byte[0], 0, 0));
        }
    }

    private static int helloStatus(RunningBridge bridge) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort()
                + "/hello?name=x")).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    /** The first status of /hello other than a refusal (502 from the front, a reset) within a deadline. */
    private static int statusWithin(RunningBridge bridge, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try {
                int status = helloStatus(bridge);
                if (status == 200 || System.nanoTime() > deadline) {
                    return status;
                }
            } catch (IOException refused) {
                if (System.nanoTime() > deadline) {
                    throw refused;
                }
            }
            Thread.sleep(200);
        }
    }

    /** Issue 15 item 1: hundreds of connections holding unfinished params once left the server alive but deaf. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void paramsThatNeverEndCannotExhaustTheHeap(String engine) throws Exception {
        try (RunningBridge bridge = RunningBridge.startWar(dir, RunningBridge.sampleWar(), List.of("-Xmx96m"),
                "--engine", engine, "--http", "0")) {
            byte[] pairs = new NameValueWriter().add("HTTP_X_PAD", "x".repeat(250_000)).toByteArray();
            List<Socket> peers = new ArrayList<>();
            try {
                for (int i = 0; i < 400; i++) { // 100 MB of params for a 96 MB heap
                    Socket peer = new Socket("127.0.0.1", bridge.port());
                    peers.add(peer);
                    try {
                        peer.getOutputStream().write(begin(1));
                        params(peer.getOutputStream(), pairs, false);
                    } catch (IOException closedByTheServer) {
                        // the budget is spent: what the test expects
                    }
                }
                // while they hold it, the budget may refuse others too: the point is that the server survives them
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!bridge.process().stderrText().contains("budget") && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertTrue(bridge.process().stderrText().contains("budget"), "the budget was reached");
                assertTrue(bridge.process().process().isAlive());
            } finally {
                for (Socket peer : peers) {
                    peer.close();
                }
            }
            // the server sees each close as its connection's thread gets to it: the budget comes back within moments
            assertEquals(200, statusWithin(bridge, 30), "serves once they are gone");
            assertTrue(bridge.process().process().isAlive());
            String log = bridge.process().stderrText();
            assertFalse(log.contains("OutOfMemoryError"), log);
        }
    }

    /** Issue 15 item 9: one byte at a time kept a connection (and its thread) open forever. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aRecordThatTricklesInIsCutAtTheIdleTimeout(String engine) throws Exception {
        try (RunningBridge bridge = RunningBridge.startWar(dir, RunningBridge.sampleWar(), "--engine", engine,
                "--idle-timeout", "2");
             Socket peer = new Socket("127.0.0.1", bridge.port())) {
            AtomicBoolean closed = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try (InputStream in = peer.getInputStream()) {
                    while (in.read() >= 0) {
                        // nothing is expected
                    }
                } catch (IOException e) {
                    // reset: closed as well
                }
                closed.set(true);
            });
            reader.start();
            byte[] slow = new byte[40]; // a BEGIN_REQUEST, then PARAMS that would begin a request: 16 s at this pace
            System.arraycopy(begin(1), 0, slow, 0, 16);
            System.arraycopy(record(PARAMS, 1, new byte[16], 0, 16), 0, slow, 16, 24);
            int sent = 0;
            try {
                OutputStream out = peer.getOutputStream();
                while (sent < slow.length && !closed.get()) {
                    out.write(slow[sent++]);
                    out.flush();
                    Thread.sleep(400);
                }
            } catch (IOException closedByTheServer) {
                // what is expected
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            assertTrue(closed.get(), "the connection was closed");
            assertTrue(sent < slow.length, "before the trickle ended: " + sent + " bytes");
        }
    }

    /** Issue 15 item 2: a POST to a GET-only servlet once went to a temporary file, all of it, before the 405. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aBodyNobodyReadsIsNeverStored(String engine) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        try (RunningBridge bridge = RunningBridge.startWar(dir, RunningBridge.sampleWar(),
                List.of("-Xmx256m", "-Djava.io.tmpdir=" + tmp), "--engine", engine);
             Socket peer = new Socket("127.0.0.1", bridge.port())) {
            long declared = 64L * 1024 * 1024;
            OutputStream out = peer.getOutputStream();
            out.write(begin(1));
            params(out, new NameValueWriter().add("REQUEST_METHOD", "POST").add("REQUEST_URI", "/hello")
                    .add("SCRIPT_NAME", "/hello").add("QUERY_STRING", "").add("SERVER_NAME", "localhost")
                    .add("SERVER_PORT", "80").add("SERVER_PROTOCOL", "HTTP/1.1")
                    .add("CONTENT_TYPE", "application/octet-stream")
                    .add("CONTENT_LENGTH", Long.toString(declared)).toByteArray(), true);
            AtomicBoolean answered = new AtomicBoolean();
            AtomicBoolean spooled = new AtomicBoolean();
            Thread uploader = new Thread(() -> {
                byte[] chunk = new byte[32768];
                try {
                    for (long at = 0; at < declared && !answered.get(); at += chunk.length) {
                        out.write(record(STDIN, 1, chunk, 0, chunk.length));
                        spooled.compareAndSet(false, hasSpool(tmp));
                    }
                } catch (IOException e) {
                    // the server may close once it has answered
                }
            });
            uploader.start();
            String head = responseHead(peer.getInputStream());
            answered.set(true);
            uploader.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(head.startsWith("Status: 405"), head);
            assertFalse(spooled.get(), "the unread body went to a temporary file");
        }
    }

    private static boolean hasSpool(Path tmp) {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".spool"));
        } catch (IOException e) {
            return false;
        }
    }

    /** The CGI head of request 1's STDOUT, read until its END_REQUEST. */
    private static String responseHead(InputStream in) throws IOException {
        DataInputStream records = new DataInputStream(in);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        byte[] header = new byte[8];
        while (true) {
            records.readFully(header);
            int length = (header[4] & 0xFF) << 8 | header[5] & 0xFF;
            byte[] content = new byte[length + (header[6] & 0xFF)];
            records.readFully(content);
            if (header[1] == STDOUT) {
                stdout.write(content, 0, length);
            } else if (header[1] == END_REQUEST) {
                String text = stdout.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                return end < 0 ? text : text.substring(0, end);
            }
        }
    }

    /** Issue 15 item 1: an error no thread catches ends the process (status 3) for its supervisor to restart it. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void anErrorNoThreadCatchesEndsTheProcess(String engine) throws Exception {
        Path war = new WarBuilder(dir.resolve("crash")).source("app.Crash", "package app;\n"
                + "import jakarta.servlet.annotation.WebServlet; import jakarta.servlet.http.*;\n"
                + "@WebServlet(\"/crash\") public class Crash extends HttpServlet {\n"
                + "  protected void doGet(HttpServletRequest q, HttpServletResponse r) {\n"
                + "    new Thread(() -> { throw new OutOfMemoryError(\"simulated\"); }).start();\n"
                + "  }\n"
                + "}\n").packed("crash.war");
        try (RunningBridge bridge = RunningBridge.startWar(dir, war, "--engine", engine, "--http", "0")) {
            HttpClient client = HttpClient.newHttpClient();
            try {
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort() + "/crash"))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException endedBeforeItAnswered) {
                // the process may halt before the response is out
            }
            Process process = bridge.process().process();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the process ended");
            assertEquals(3, process.exitValue());
            assertTrue(bridge.process().stderrText().contains("fatal: java.lang.OutOfMemoryError: simulated"));
        }
    }

    /** Issue 15 item 8: the FastCGI port is a trust boundary; the defaults and the warnings say so. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theFastCgiPortIsGuardedByDefault(String engine) throws Exception {
        Path socket = dir.resolve("bridge.sock");
        try (RunningBridge bridge = RunningBridge.startWar(dir, RunningBridge.sampleWar(), "--engine", engine,
                "--listen", "unix:" + socket)) {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)),
                    "php-fpm's listen.mode");
            assertFalse(bridge.process().stderrText().contains("warning"), bridge.process().stderrText());
        }
        try (RunningBridge open = RunningBridge.startWar(Files.createDirectories(dir.resolve("open")), RunningBridge.sampleWar(), "--engine",
                engine, "--listen", "0.0.0.0:0")) {
            assertTrue(open.process().stderrText().contains("fcgi-bridge: warning: listening on 0.0.0.0:"),
                    open.process().stderrText());
        }
        try (RunningBridge named = RunningBridge.startWar(Files.createDirectories(dir.resolve("named")), RunningBridge.sampleWar(),
                "--engine", engine, "--listen", "0.0.0.0:0", "--web-server-addrs", "127.0.0.1")) {
            assertFalse(named.process().stderrText().contains("warning"), named.process().stderrText());
        }
    }

    /** Issue 15 item 2: --max-body-bytes, nginx's client_max_body_size, answered 413 on both engines. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aBodyOverMaxBodyBytesIs413(String engine) throws Exception {
        Path war = new WarBuilder(dir.resolve("sink")).source("app.Sink", "package app;\n"
                + "import jakarta.servlet.annotation.WebServlet; import jakarta.servlet.http.*;\n"
                + "import java.io.IOException;\n"
                + "@WebServlet(\"/sink\") public class Sink extends HttpServlet {\n"
                + "  protected void doPost(HttpServletRequest q, HttpServletResponse r) throws IOException {\n"
                + "    r.getWriter().print(q.getInputStream().readAllBytes().length);\n"
                + "  }\n"
                + "}\n").packed("sink.war");
        try (RunningBridge bridge = RunningBridge.startWar(dir, war, "--engine", engine, "--http", "0",
                "--max-body-bytes", "1048576")) {
            HttpClient client = HttpClient.newHttpClient();
            URI sink = URI.create("http://127.0.0.1:" + bridge.httpPort() + "/sink");
            HttpResponse<String> small = client.send(HttpRequest.newBuilder(sink)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1048576])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, small.statusCode());
            assertEquals("1048576", small.body(), "a body of the limit is read whole");
            HttpResponse<String> declared = client.send(HttpRequest.newBuilder(sink)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1048577])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, declared.statusCode(), "a Content-Length over the limit");
            HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(sink)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                            new byte[3 * 1048576]))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, chunked.statusCode(), "a body of unknown length that grows past the limit");
            assertTrue(bridge.process().process().isAlive());
        }
    }
}
