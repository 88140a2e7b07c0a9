package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fcgibridge.sample.DownloadServlet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fcgibridge.core.testing.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interoperability suite: what a user of the war-sample sees through a real web server in front of the real
 * launcher, every feature of the sample plus legacy CGI, over HTTP. Each subclass is one web server variant, started
 * from its configuration in docs/examples; {@link InteropMatrix} records the results.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(InteropMatrix.class)
abstract class SampleBehindWebServer {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private RunningBridge bridge;
    private WebServer webServer;

    /** The launcher's engine in this variant: "standalone" or "jetty". */
    String engine() {
        return "standalone";
    }

    /**
     * The launcher options of this variant besides --war and --listen: its engine, and the CGI scripts of
     * {@link RunningBridge#scripts}.
     */
    List<String> launcherOptions(Path dir) throws IOException {
        return List.of("--engine", engine(), "--cgi-root", RunningBridge.scripts(dir).toString());
    }

    /**
     * Starts the bridge this variant talks to (null when the web server starts it itself). The default: the
     * war-sample on a loopback TCP port.
     */
    RunningBridge startBridge(Path dir) throws Exception {
        return bridge(dir);
    }

    /** Starts the launcher with this variant's options and {@code extra} ones. */
    RunningBridge bridge(Path dir, String... extra) throws Exception {
        List<String> args = new ArrayList<>(launcherOptions(dir));
        args.addAll(List.of(extra));
        return RunningBridge.start(dir, args.toArray(String[]::new));
    }

    /** Null if the web server takes request bodies with a length only; else why not (the check is then skipped). */
    String refusesChunkedRequestBodies() {
        return null;
    }

    /** Starts the web server of this variant, configured for {@code bridge}; skips (assumption) if it is missing. */
    abstract WebServer startWebServer(Path dir, RunningBridge bridge) throws Exception;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        bridge = startBridge(dir);
        webServer = startWebServer(dir, bridge);
    }

    @AfterAll
    void stop() throws Exception {
        if (webServer != null) {
            webServer.close();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    int port() {
        return webServer.port();
    }

    String errorLog() {
        return webServer.errorLog();
    }

    URI uri(String target) {
        return URI.create("http://127.0.0.1:" + port() + target);
    }

    HttpResponse<String> get(String target) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(target)).timeout(Duration.ofSeconds(30)).build(),
                BodyHandlers.ofString());
    }

    @Test
    @DisplayName("a servlet page, a filter")
    void helloPage() throws Exception {
        HttpResponse<String> hello = get("/hello?name=Ann%20Lee");
        assertEquals(200, hello.statusCode(), errorLog());
        assertEquals("text/html;charset=utf-8", hello.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(hello.body().contains("<h1>Hello, Ann Lee!</h1>"), hello.body());
        assertEquals("war-sample", hello.headers().firstValue("X-Served-By").orElse(null), "the filter ran");
    }

    @Test
    @DisplayName("welcome file, static file, 304")
    void welcomeFileAndStaticFilesWithConditionalGet() throws Exception {
        HttpResponse<String> index = get("/");
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains("<title>fcgi-bridge war-sample</title>"), index.body());

        HttpResponse<String> css = get("/css/sample.css");
        assertEquals(200, css.statusCode());
        assertTrue(css.headers().firstValue("Content-Type").orElseThrow().startsWith("text/css"));
        // the standalone engine validates with an ETag, Jetty's DefaultServlet with Last-Modified by default
        String etag = css.headers().firstValue("ETag").orElse(null);
        HttpRequest.Builder conditional = HttpRequest.newBuilder(uri("/css/sample.css"));
        if (etag != null) {
            conditional.header("If-None-Match", etag);
        } else {
            conditional.header("If-Modified-Since", css.headers().firstValue("Last-Modified").orElseThrow());
        }
        HttpResponse<String> again = http.send(conditional.build(), BodyHandlers.ofString());
        assertEquals(304, again.statusCode());
        assertEquals("", again.body());
    }

    @Test
    @DisplayName("JSON API: POST PUT DELETE, Location")
    void jsonApiCreateReadUpdateDelete() throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(uri("/api/items"))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"name\":\"cup\",\"quantity\":6}")).build(), BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        String location = created.headers().firstValue("Location").orElseThrow();
        Matcher id = Pattern.compile("^http://127\\.0\\.0\\.1:" + port() + "/api/items/(\\d+)$").matcher(location);
        assertTrue(id.matches(), "Location names the client's host and port: " + location);
        assertEquals("{\"id\":" + id.group(1) + ",\"name\":\"cup\",\"quantity\":6}", created.body());

        HttpResponse<String> read = get("/api/items/" + id.group(1));
        assertEquals(200, read.statusCode());
        assertEquals("application/json;charset=utf-8", read.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(created.body(), read.body());

        HttpResponse<String> updated = http.send(HttpRequest.newBuilder(URI.create(location))
                .header("Content-Type", "application/json")
                .PUT(BodyPublishers.ofString("{\"name\":\"mug\",\"quantity\":2}")).build(), BodyHandlers.ofString());
        assertEquals(200, updated.statusCode());
        assertTrue(updated.body().contains("\"name\":\"mug\""), updated.body());

        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create(location)).DELETE().build(),
                BodyHandlers.ofString());
        assertEquals(204, deleted.statusCode());
        HttpResponse<String> gone = get("/api/items/" + id.group(1));
        assertEquals(404, gone.statusCode());
        assertEquals("{\"error\":\"no item " + id.group(1) + "\"}", gone.body());

        HttpResponse<String> notJson = http.send(HttpRequest.newBuilder(uri("/api/items"))
                .header("Content-Type", "text/plain").POST(BodyPublishers.ofString("cup")).build(),
                BodyHandlers.ofString());
        assertEquals(415, notJson.statusCode());
    }

    @Test
    @DisplayName("form post (UTF-8), 400")
    void formPostInUtf8() throws Exception {
        HttpResponse<String> thanks = http.send(HttpRequest.newBuilder(uri("/form"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("name=Zo%C3%AB&colour=green+%26+blue")).build(), BodyHandlers.ofString());
        assertEquals(200, thanks.statusCode());
        assertEquals("Thanks, Zoë; you like green & blue.", thanks.body());

        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(uri("/form"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("colour=red")).build(), BodyHandlers.ofString());
        assertEquals(400, missing.statusCode());
    }

    @Test
    @DisplayName("20 MB multipart upload")
    void multipartUploadArrivesWhole() throws Exception {
        byte[] file = new byte[20 * 1024 * 1024 + 17];
        new Random(5).nextBytes(file);
        String boundary = "sample-boundary-7d1";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data.bin\""
                + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri("/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(BodyPublishers.ofByteArray(body.toByteArray())).build(), BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body() + errorLog());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        assertEquals("{\"name\":\"data.bin\",\"size\":" + file.length + ",\"sha256\":\"" + sha + "\"}",
                answer.body());
    }

    @Test
    @DisplayName("cookie and session round trip")
    void sessionCounterFollowsTheCookie() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        HttpRequest counter = HttpRequest.newBuilder(uri("/counter")).build();
        HttpResponse<String> first = browser.send(counter, BodyHandlers.ofString());
        assertEquals("visits: 1", first.body());
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("JSESSIONID=") && cookie.contains("HttpOnly"), cookie);
        assertEquals("visits: 2", browser.send(counter, BodyHandlers.ofString()).body());
        assertEquals("visits: 1", http.send(counter, BodyHandlers.ofString()).body(), "another client, another session");
        assertEquals("reset", browser.send(HttpRequest.newBuilder(uri("/counter?reset")).build(),
                BodyHandlers.ofString()).body());
        assertEquals("visits: 1", browser.send(counter, BodyHandlers.ofString()).body());
    }

    @Test
    @DisplayName("20 MB streamed download")
    void streamedDownloadIsExact() throws Exception {
        int size = 20 * 1024 * 1024 + 3;
        HttpResponse<InputStream> download = http.send(HttpRequest.newBuilder(uri("/download?size=" + size)).build(),
                BodyHandlers.ofInputStream());
        assertEquals(200, download.statusCode());
        // Apache's mod_proxy_fcgi drops the application's Content-Length and sends the body chunked
        download.headers().firstValue("Content-Length").ifPresent(length -> assertEquals(Long.toString(size), length));
        long position = 0;
        byte[] buffer = new byte[65536];
        try (InputStream in = download.body()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != DownloadServlet.byteAt(position + i)) {
                        throw new AssertionError("byte " + (position + i) + " differs");
                    }
                }
                position += n;
            }
        }
        assertEquals(size, position);
    }

    @Test
    @DisplayName("404 and 500 error pages")
    void errorPagesOfTheApplication() throws Exception {
        HttpResponse<String> missing = get("/no/such/page");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("<h1>Sorry: 404</h1><p>/no/such/page</p>"), missing.body());
        HttpResponse<String> boom = get("/boom");
        assertEquals(500, boom.statusCode());
        assertTrue(boom.body().contains("<h1>Sorry: 500</h1><p>/boom failed: the sample failed on purpose</p>"),
                boom.body());
    }

    @Test
    @DisplayName("streamed response (server-sent events)")
    void serverSentEventsArriveAsTheyAreSent() throws Exception {
        HttpResponse<InputStream> events = http.send(HttpRequest.newBuilder(uri("/events?count=10")).build(),
                BodyHandlers.ofInputStream());
        assertEquals(200, events.statusCode());
        assertEquals("text/event-stream;charset=utf-8", events.headers().firstValue("Content-Type").orElseThrow());
        try (InputStream in = events.body()) {
            String first = readUntil(in, "\n\n");
            long firstAt = System.nanoTime();
            assertEquals("id: 1\ndata: tick 1\n\n", first);
            String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            long lastAt = System.nanoTime();
            assertTrue(rest.endsWith("id: 10\ndata: tick 10\n\n"), rest);
            // The application sends an event every 100 ms: if a buffer held them back, all ten arrive together.
            assertTrue(Duration.ofNanos(lastAt - firstAt).toMillis() >= 500,
                    "the first event arrived only with the last");
        }
    }

    @Test
    @DisplayName("chunked request body")
    void chunkedRequestBody() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(refusesChunkedRequestBodies() == null,
                refusesChunkedRequestBodies());
        byte[] item = "{\"name\":\"chunked\",\"quantity\":1}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(uri("/api/items"))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(item))).build(),
                BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body() + errorLog());
        assertTrue(created.body().contains("\"name\":\"chunked\""), created.body());
    }

    @Test
    @DisplayName("redirect, absolute Location with the port")
    void redirectIsAbsoluteForTheClient() throws Exception {
        HttpResponse<String> moved = get("/old-hello");
        assertEquals(302, moved.statusCode());
        assertEquals("http://127.0.0.1:" + port() + "/hello?name=moved+visitor",
                moved.headers().firstValue("Location").orElseThrow());
    }

    @Test
    @DisplayName("non-ASCII path and query, PATH_INFO")
    void nonAsciiPathAndQueryWithPathInfo() throws Exception {
        HttpResponse<String> info = get("/info/caf%C3%A9/%E6%97%A5%20x?q=%C3%BC&x=a+b&x=c");
        assertEquals(200, info.statusCode(), info.body());
        String body = info.body();
        assertTrue(body.contains("\"requestURI\":\"/info/caf%C3%A9/%E6%97%A5%20x\""), body);
        assertTrue(body.contains("\"servletPath\":\"/info\",\"pathInfo\":\"/café/日 x\""), body);
        assertTrue(body.contains("\"queryString\":\"q=%C3%BC&x=a+b&x=c\""), body);
        assertTrue(body.contains("\"parameters\":{\"q\":\"ü\",\"x\":\"a b,c\"}"), body);
        assertTrue(body.contains("\"requestURL\":\"http://127.0.0.1:" + port() + "/info/caf%C3%A9/%E6%97%A5%20x\""),
                body);
    }

    @Test
    @DisplayName("legacy CGI script beside the WAR")
    void legacyCgiScript() throws Exception {
        HttpResponse<String> report = get("/cgi-bin/report.sh/june?year=2026");
        assertEquals(200, report.statusCode(), report.body() + errorLog());
        assertEquals("script=/cgi-bin/report.sh info=/june query=year=2026\n", report.body());
    }

    @Test
    @DisplayName("legacy CGI script: POST body, status, headers")
    void legacyCgiScriptReadsThePostBody() throws Exception {
        // past the 256 KiB that one request may hold unread on the Jetty engine: its reading pauses and resumes
        String body = "0123456789abcdef".repeat(20_000);
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(uri("/cgi-bin/post.sh"))
                .header("Content-Type", "text/plain").POST(BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString());
        assertEquals(201, posted.statusCode(), errorLog());
        assertEquals("post", posted.headers().firstValue("X-Script").orElse(null));
        assertEquals("length=" + body.length() + " type=text/plain body=" + body, posted.body());
    }

    private static String readUntil(InputStream in, String end) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            text.write(b);
            if (text.toString(StandardCharsets.UTF_8).endsWith(end)) {
                break;
            }
        }
        return text.toString(StandardCharsets.UTF_8);
    }
}
