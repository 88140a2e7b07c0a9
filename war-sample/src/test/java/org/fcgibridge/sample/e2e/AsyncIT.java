package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Asynchronous processing (Servlet 6.0 section 2.3.3.3) and non-blocking IO (section 5.6/5.7) through the launcher,
 * on both engines: the request's asynchronous state as the application sees it, its listeners' events, a timeout,
 * an async dispatch after a forward, and a ReadListener/WriteListener servlet in the style of Tomcat's ByteCounter.
 */
class AsyncIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<String, RunningBridge> BRIDGES = new HashMap<>();
    private static final AtomicInteger IDS = new AtomicInteger();
    private static Path dir;
    private static Path war;

    private static final String EVENTS = """
            package t;
            import java.util.*;
            import java.util.concurrent.*;
            /** What the application saw, by the id parameter of the request. */
            public final class Events {
                private static final Map<String, List<String>> BY_ID = new ConcurrentHashMap<>();
                public static void add(String id, String event) {
                    BY_ID.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(event);
                }
                public static String of(String id) {
                    return String.join(" ", BY_ID.getOrDefault(id, List.of()));
                }
            }
            """;

    private static final String EVENTS_SERVLET = """
            package t;
            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            @WebServlet("/events")
            public class EventsServlet extends HttpServlet {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.getWriter().print(Events.of(req.getParameter("id")));
                }
            }
            """;

    private static final String RECORDER = """
            package t;
            import jakarta.servlet.*;
            import java.io.IOException;
            /** Records its events; on a timeout it answers and completes when told to. */
            public class Recorder implements AsyncListener {
                private final String id;
                private final String name;
                private final boolean completeOnTimeout;
                public Recorder(String id, String name, boolean completeOnTimeout) {
                    this.id = id;
                    this.name = name;
                    this.completeOnTimeout = completeOnTimeout;
                }
                public void onStartAsync(AsyncEvent e) { Events.add(id, name + ".onStartAsync"); }
                public void onComplete(AsyncEvent e) {
                    String response;
                    try {
                        response = e.getAsyncContext().getResponse() != null ? "response" : "null";
                    } catch (IllegalStateException refused) {
                        response = "ISE";
                    }
                    Events.add(id, name + ".onComplete:" + response);
                }
                public void onError(AsyncEvent e) { Events.add(id, name + ".onError"); }
                public void onTimeout(AsyncEvent e) throws IOException {
                    Events.add(id, name + ".onTimeout:"
                            + ((jakarta.servlet.ServletRequest) e.getSuppliedRequest()).isAsyncStarted());
                    if (completeOnTimeout) {
                        e.getAsyncContext().getResponse().getWriter().print("timed out");
                        e.getAsyncContext().complete();
                    }
                }
            }
            """;

    /** The request's asynchronous state at each step, through a restart in the ASYNC dispatch. */
    private static final String STATE_SERVLET = """
            package t;
            import jakarta.servlet.*;
            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            @WebServlet(urlPatterns = "/state", asyncSupported = true)
            public class StateServlet extends HttpServlet {
                private static final java.util.Map<String, AsyncContext> WAITING =
                        new java.util.concurrent.ConcurrentHashMap<>();
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    String id = req.getParameter("id");
                    if (req.getDispatcherType() == DispatcherType.REQUEST) {
                        Events.add(id, "request:" + req.isAsyncStarted());
                        AsyncContext ac = req.startAsync();
                        Events.add(id, "started:" + req.isAsyncStarted());
                        try {
                            req.startAsync();
                            Events.add(id, "again:allowed");
                        } catch (IllegalStateException e) {
                            Events.add(id, "again:ISE");
                        }
                        ac.addListener(new Recorder(id, "L1", false));
                        ac.start(() -> {
                            Events.add(id, "inStart:" + req.isAsyncStarted());
                            ac.dispatch();
                        });
                    } else if (req.getAttribute("restarted") == null) {
                        Events.add(id, "async:" + req.isAsyncStarted());
                        try {
                            req.getAsyncContext().complete();
                            Events.add(id, "completeWithoutStart:allowed");
                        } catch (IllegalStateException e) {
                            Events.add(id, "completeWithoutStart:ISE");
                        }
                        req.setAttribute("restarted", true);
                        AsyncContext ac = req.startAsync();
                        Events.add(id, "restarted:" + req.isAsyncStarted());
                        ac.addListener(new Recorder(id, "L2", false));
                        ac.start(() -> {
                            Events.add(id, "inStart2:" + req.isAsyncStarted());
                            WAITING.put(id, ac);
                        });
                    }
                }

                /** Completes the request waiting under id: by then, its dispatch has long returned. */
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    String id = req.getParameter("id");
                    AsyncContext ac = WAITING.remove(id);
                    ServletRequest waiting = ac.getRequest();
                    Events.add(id, "beforeComplete:" + waiting.isAsyncStarted());
                    ac.getResponse().getWriter().print("done");
                    ac.complete();
                    Events.add(id, "afterComplete:" + waiting.isAsyncStarted());
                }
            }
            """;

    private static final String TIMEOUT_SERVLET = """
            package t;
            import jakarta.servlet.*;
            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.*;
            @WebServlet(urlPatterns = "/timeout", asyncSupported = true)
            public class TimeoutServlet extends HttpServlet {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                    String id = req.getParameter("id");
                    AsyncContext ac = req.startAsync();
                    ac.setTimeout(300);
                    ac.addListener(new Recorder(id, "L", req.getParameter("answer") != null));
                }
            }
            """;

    /** forward, then startAsync(request, response) and dispatch() in the forward's target. */
    private static final String FORWARD_SERVLET = """
            package t;
            import jakarta.servlet.*;
            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            @WebServlet(urlPatterns = {"/forward", "/forward-target"}, asyncSupported = true)
            public class ForwardServlet extends HttpServlet {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp)
                        throws IOException, ServletException {
                    if (req.getServletPath().equals("/forward")) {
                        req.getRequestDispatcher("/forward-target?step=forwarded").forward(req, resp);
                    } else if (req.getDispatcherType() == DispatcherType.FORWARD) {
                        req.startAsync(req, resp).dispatch();
                    } else {
                        resp.getWriter().print(req.getDispatcherType() + " " + req.getServletPath() + " "
                                + req.getParameter("step"));
                    }
                }
            }
            """;

    /**
     * Tomcat's ByteCounter example, in substance: reads the body with a ReadListener, then answers with a
     * WriteListener; its onWritePossible is also called by its own onAllDataRead when the stream is ready.
     */
    private static final String BYTE_COUNTER = """
            package t;
            import jakarta.servlet.*;
            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            import java.nio.charset.StandardCharsets;
            @WebServlet(urlPatterns = "/bytecounter", asyncSupported = true)
            public class ByteCounter extends HttpServlet {
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.setContentType("text/plain");
                    AsyncContext ac = req.startAsync();
                    new Counter(req.getParameter("id"), ac, req.getInputStream(), resp.getOutputStream());
                }

                private static final class Counter implements ReadListener, WriteListener {
                    private final String id;
                    private final AsyncContext ac;
                    private final ServletInputStream in;
                    private final ServletOutputStream out;
                    private final byte[] buffer = new byte[8192];
                    private volatile boolean readFinished;
                    private volatile long total;

                    Counter(String id, AsyncContext ac, ServletInputStream in, ServletOutputStream out) {
                        this.id = id;
                        this.ac = ac;
                        this.in = in;
                        this.out = out;
                        in.setReadListener(this);
                        out.setWriteListener(this);
                    }

                    public void onDataAvailable() throws IOException {
                        Events.add(id, "onDataAvailable");
                        int read = 0;
                        while (in.isReady() && read > -1) {
                            read = in.read(buffer);
                            if (read > 0) {
                                total += read;
                            }
                        }
                    }

                    public void onAllDataRead() throws IOException {
                        Events.add(id, "onAllDataRead");
                        readFinished = true;
                        if (out.isReady()) {
                            onWritePossible();
                        }
                    }

                    public void onWritePossible() throws IOException {
                        if (readFinished) {
                            Events.add(id, "written");
                            out.write(("Total bytes written = [" + total + "]\\n").getBytes(StandardCharsets.UTF_8));
                            ac.complete();
                        }
                    }

                    public void onError(Throwable t) {
                        Events.add(id, "onError:" + t);
                        ac.complete();
                    }
                }
            }
            """;

    /** The listeners' preconditions: null, outside asynchronous mode. */
    private static final String MISUSE_SERVLET = """
            package t;
            import jakarta.servlet.*;
            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.*;
            import java.io.IOException;
            @WebServlet(urlPatterns = "/misuse", asyncSupported = true)
            public class MisuseServlet extends HttpServlet {
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    StringBuilder out = new StringBuilder();
                    ReadListener reader = new ReadListener() {
                        public void onDataAvailable() { }
                        public void onAllDataRead() { }
                        public void onError(Throwable t) { }
                    };
                    WriteListener writer = new WriteListener() {
                        public void onWritePossible() { }
                        public void onError(Throwable t) { }
                    };
                    out.append(attempt(() -> req.getInputStream().setReadListener(reader)));
                    out.append(' ').append(attempt(() -> resp.getOutputStream().setWriteListener(writer)));
                    AsyncContext ac = req.startAsync();
                    out.append(' ').append(attempt(() -> req.getInputStream().setReadListener(null)));
                    resp.getOutputStream().print(out.toString());
                    ac.complete();
                }

                private interface Step {
                    void run() throws IOException;
                }

                private static String attempt(Step step) throws IOException {
                    try {
                        step.run();
                        return "allowed";
                    } catch (IllegalStateException | NullPointerException e) {
                        return e.getClass().getSimpleName();
                    }
                }
            }
            """;

    @BeforeAll
    static void buildWar() throws IOException {
        dir = Files.createTempDirectory("async-it");
        war = new WarBuilder(dir.resolve("war"))
                .source("t.Events", EVENTS)
                .source("t.EventsServlet", EVENTS_SERVLET)
                .source("t.Recorder", RECORDER)
                .source("t.StateServlet", STATE_SERVLET)
                .source("t.TimeoutServlet", TIMEOUT_SERVLET)
                .source("t.ForwardServlet", FORWARD_SERVLET)
                .source("t.ByteCounter", BYTE_COUNTER)
                .source("t.MisuseServlet", MISUSE_SERVLET)
                .packed("async.war");
    }

    @AfterAll
    static void stopBridges() {
        BRIDGES.values().forEach(RunningBridge::close);
    }

    private static synchronized RunningBridge bridge(String engine) throws IOException, InterruptedException {
        RunningBridge running = BRIDGES.get(engine);
        if (running == null) {
            running = RunningBridge.startWar(Files.createDirectories(dir.resolve(engine)), war,
                    "--engine", engine, "--http", "0");
            BRIDGES.put(engine, running);
        }
        return running;
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void theRequestStaysInAsyncModeUntilDispatchOrCompleteTakesEffect(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        String id = newId();
        CompletableFuture<HttpResponse<String>> pending = HTTP.sendAsync(HttpRequest.newBuilder(
                uri(bridge, "/state?id=" + id)).timeout(Duration.ofSeconds(20)).build(), BodyHandlers.ofString());
        awaitEvents(bridge, id, "inStart2:");
        HttpResponse<String> completing = HTTP.send(HttpRequest.newBuilder(uri(bridge, "/state?id=" + id))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertEquals(200, completing.statusCode());
        HttpResponse<String> response = pending.get(20, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertEquals("done", response.body());
        String events = awaitEvents(bridge, id, "L2.onComplete");
        // afterComplete (on the completing request's thread) and onComplete (on the completed one's) race
        assertEquals("request:false started:true again:ISE inStart:true async:false completeWithoutStart:ISE"
                + " L1.onStartAsync restarted:true inStart2:true beforeComplete:true",
                events.replace(" afterComplete:false", "").replace(" L2.onComplete:response", ""));
        assertEquals(1, count(events, "afterComplete:false"), events);
        assertEquals(1, count(events, "L2.onComplete:response"), "once, and its context still answers: " + events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aTimeoutTellsTheListenersWhichMayAnswer(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        String id = newId();
        HttpResponse<String> answered = get(bridge, "/timeout?answer&id=" + id);
        assertEquals(200, answered.statusCode());
        assertEquals("timed out", answered.body());
        assertEquals("L.onTimeout:true L.onComplete:response", awaitEvents(bridge, id, "onComplete"));

        String silent = newId();
        HttpResponse<String> unanswered = get(bridge, "/timeout?id=" + silent);
        assertEquals(500, unanswered.statusCode());
        assertEquals("L.onTimeout:true L.onComplete:response", awaitEvents(bridge, silent, "onComplete"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void dispatchAfterAForwardGoesToTheForwardsTarget(String engine) throws Exception {
        HttpResponse<String> response = get(bridge(engine), "/forward");
        assertEquals(200, response.statusCode());
        assertEquals("ASYNC /forward-target forwarded", response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aReadListenerHearsOfEachPartAndAWriteListenerAnswersOnce(String engine) throws Exception {
        RunningBridge bridge = bridge(engine);
        String id = newId();
        byte[] part = new byte[20_000];
        String answer = postInTwoParts(bridge, "/bytecounter?id=" + id, part);
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertTrue(answer.endsWith("\r\n\r\nTotal bytes written = [40000]\n"), answer);
        String events = awaitEvents(bridge, id, "written");
        assertEquals(1, count(events, "onAllDataRead"), events);
        assertEquals(1, count(events, "written"), events);
        assertTrue(count(events, "onDataAvailable") >= 2, "the second part came later: " + events);
        assertEquals(0, count(events, "onError"), events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void listenersNeedAsyncModeAndAreNotNull(String engine) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(bridge(engine), "/misuse"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("IllegalStateException IllegalStateException NullPointerException", response.body());
    }

    // ---- helpers

    private static String newId() {
        return Integer.toString(IDS.incrementAndGet());
    }

    private static URI uri(RunningBridge bridge, String path) {
        return URI.create("http://127.0.0.1:" + bridge.httpPort() + path);
    }

    private static HttpResponse<String> get(RunningBridge bridge, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(bridge, path)).timeout(Duration.ofSeconds(20)).build(),
                BodyHandlers.ofString());
    }

    /** The events recorded for id, once they contain {@code last} (polled, within 10 s). */
    private static String awaitEvents(RunningBridge bridge, String id, String last) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String events;
        do {
            events = get(bridge, "/events?id=" + id).body();
            if (events.contains(last)) {
                return events;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no " + last + " among: " + events);
    }

    private static int count(String events, String event) {
        int n = 0;
        for (String each : events.split(" ")) {
            if (each.startsWith(event)) {
                n++;
            }
        }
        return n;
    }

    /**
     * POSTs the body in two chunks with a pause between them (a client that sends as it goes), over a raw socket
     * (Connection: close): the whole answer as it came.
     */
    private static String postInTwoParts(RunningBridge bridge, String path, byte[] part) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", bridge.httpPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            writeChunk(out, part);
            out.flush();
            // the pause lets the first part reach the application on its own; without it the test proves less,
            // but cannot pass wrongly: the counts asserted hold only for the right behaviour
            Thread.sleep(300);
            writeChunk(out, part);
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return dechunk(answer.toString(StandardCharsets.ISO_8859_1));
        }
    }

    private static void writeChunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** The head as it came, and the body with a chunked encoding undone. */
    private static String dechunk(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        String head = raw.substring(0, end + 4);
        String body = raw.substring(end + 4);
        if (!head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
            return head + body;
        }
        StringBuilder plain = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                return head + plain;
            }
            plain.append(body, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
