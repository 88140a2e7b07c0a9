package org.fcgibridge.sample.e2e;

import static org.fcgibridge.core.testing.RawConnection.begin;
import static org.fcgibridge.core.testing.RawConnection.concat;
import static org.fcgibridge.core.testing.RawConnection.params;
import static org.fcgibridge.core.testing.RawConnection.record;
import static org.fcgibridge.core.testing.RawConnection.simpleRequest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.fcgibridge.core.protocol.EndRequestBody;
import org.fcgibridge.core.protocol.NameValueWriter;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.ProtocolStatus;
import org.fcgibridge.core.protocol.RecordType;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.core.testing.RawConnection;
import org.fcgibridge.core.testing.RawConnection.Received;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16: the same FastCGI scenarios against both engines through the real launcher, each expecting the one outcome
 * the FastCGI spec and the standalone engine give, so that the engines cannot drift apart again: the limits, ids
 * reused, ABORT_REQUEST, KEEP_CONN, multiplexing, management records, stalls. One launcher per engine and option set,
 * shared by the scenarios that need that set.
 */
class ProtocolParityIT {
    /** The launcher options of a scenario group: each group gets its own launcher, so no limit leaks into another. */
    enum Limits {
        /** Small bounds, which the scenarios that do not test them stay well within; the default timeouts. */
        PLAIN("--max-params-bytes", "8192", "--max-body-bytes", "1000"),
        /** Short timeouts: kept apart, so that no other scenario's close can be one of them. */
        STALLS("--idle-timeout", "2", "--params-timeout", "1"),
        MAX_CONNS("--max-conns", "2"),
        MAX_REQS("--max-reqs", "2"),
        MULTIPLEXED("--mpxs-conns", "--max-requests-per-connection", "2"),
        /** One request at a time in the server, cut at 1 s, abandoned 1 s after (the stop's grace short too). */
        GRACE_TIMEOUT("--max-reqs", "1", "--request-timeout", "1", "--terminate-grace", "1", "--grace", "1"),
        /** One request at a time in the server, abandoned 1 s after its ABORT_REQUEST, which is read at once. */
        GRACE_ABORT("--max-reqs", "1", "--mpxs-conns", "--terminate-grace", "1", "--grace", "1"),
        /** A spool budget of 1 MiB for the bodies that arrive after the answer began. */
        SPOOL("--spool-budget-bytes", "1048576"),
        /** The launcher's defaults. */
        DEFAULTS;

        final String[] options;

        Limits(String... options) {
            this.options = options;
        }
    }

    /**
     * Answers GET "ok", POST its body; waits a minute (or ?ms=) after "waiting"; counts the requests that reach /hit;
     * after "stubborn", waits ?ms= whatever interrupts it; "late" answers a POST first, waits ?ms= (the body arrives
     * meanwhile, after the answer began), then reads the body and reports how much it read, its CRC-32 and how the
     * read ended.
     */
    private static final Map<String, String> SERVLETS = Map.of(
            "t.Echo", """
                    package t;
                    import jakarta.servlet.annotation.WebServlet;
                    import jakarta.servlet.http.*;
                    import java.io.IOException;
                    @WebServlet("/echo")
                    public class Echo extends HttpServlet {
                        @Override protected void doGet(HttpServletRequest q, HttpServletResponse r)
                                throws IOException {
                            r.getWriter().print("ok");
                        }
                        @Override protected void doPost(HttpServletRequest q, HttpServletResponse r)
                                throws IOException {
                            r.getOutputStream().write(q.getInputStream().readAllBytes());
                        }
                    }
                    """,
            "t.Wait", """
                    package t;
                    import jakarta.servlet.annotation.WebServlet;
                    import jakarta.servlet.http.*;
                    import java.io.IOException;
                    @WebServlet("/wait")
                    public class Wait extends HttpServlet {
                        @Override protected void doGet(HttpServletRequest q, HttpServletResponse r)
                                throws IOException {
                            String ms = q.getParameter("ms");
                            r.getWriter().print("waiting");
                            r.flushBuffer();
                            try {
                                Thread.sleep(ms == null ? 60_000 : Long.parseLong(ms));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }
                    """,
            "t.Hits", """
                    package t;
                    import jakarta.servlet.annotation.WebServlet;
                    import jakarta.servlet.http.*;
                    import java.io.IOException;
                    import java.util.concurrent.atomic.AtomicInteger;
                    @WebServlet({"/hit", "/hits"})
                    public class Hits extends HttpServlet {
                        private static final AtomicInteger HITS = new AtomicInteger();
                        @Override protected void doGet(HttpServletRequest q, HttpServletResponse r)
                                throws IOException {
                            r.getWriter().print(q.getServletPath().equals("/hit") ? HITS.incrementAndGet()
                                    : HITS.get());
                        }
                    }
                    """,
            "t.Late", """
                    package t;
                    import jakarta.servlet.annotation.WebServlet;
                    import jakarta.servlet.http.*;
                    import java.io.IOException;
                    import java.io.InputStream;
                    import java.util.zip.CRC32;
                    @WebServlet("/late")
                    public class Late extends HttpServlet {
                        @Override protected void doPost(HttpServletRequest q, HttpServletResponse r)
                                throws IOException {
                            r.getWriter().print("answering ");
                            r.flushBuffer();
                            try {
                                Thread.sleep(Long.parseLong(q.getParameter("ms")));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            long read = 0;
                            CRC32 crc = new CRC32();
                            String end = "end";
                            byte[] buffer = new byte[8192];
                            try (InputStream in = q.getInputStream()) {
                                for (int n; (n = in.read(buffer)) >= 0; ) {
                                    read += n;
                                    crc.update(buffer, 0, n);
                                }
                            } catch (IOException | RuntimeException e) {
                                end = "failed";
                            }
                            r.getWriter().print("read " + read + " crc " + crc.getValue() + " " + end);
                        }
                    }
                    """,
            "t.Stubborn", """
                    package t;
                    import jakarta.servlet.annotation.WebServlet;
                    import jakarta.servlet.http.*;
                    import java.io.IOException;
                    @WebServlet("/stubborn")
                    public class Stubborn extends HttpServlet {
                        @Override protected void doGet(HttpServletRequest q, HttpServletResponse r)
                                throws IOException {
                            long end = System.nanoTime() + Long.parseLong(q.getParameter("ms")) * 1_000_000L;
                            r.getWriter().print("stubborn");
                            r.flushBuffer();
                            while (System.nanoTime() < end) { // no I/O that could fail, every interrupt swallowed
                                try {
                                    Thread.sleep(20);
                                } catch (InterruptedException ignored) {
                                    // the application that ignores termination: only the grace ends its request
                                }
                            }
                        }
                    }
                    """);

    private static final Pattern STATUS = Pattern.compile("(?m)^Status: (\\d{3})");

    @TempDir
    static Path shared;

    private static Path war;
    private static final Map<String, Map<Limits, RunningBridge>> BRIDGES = new ConcurrentHashMap<>();

    @BeforeAll
    static void war() throws IOException {
        WarBuilder builder = new WarBuilder(shared.resolve("war"));
        SERVLETS.forEach(builder::source);
        war = builder.packed("parity.war");
    }

    @AfterAll
    static void stopBridges() {
        BRIDGES.values().forEach(byLimits -> byLimits.values().forEach(RunningBridge::close));
        BRIDGES.clear();
    }

    private static RunningBridge bridge(String engine, Limits limits) throws Exception {
        Map<Limits, RunningBridge> started = BRIDGES.computeIfAbsent(engine, e -> new EnumMap<>(Limits.class));
        RunningBridge bridge = started.get(limits);
        if (bridge == null) {
            List<String> args = new ArrayList<>(List.of("--engine", engine));
            args.addAll(List.of(limits.options));
            bridge = RunningBridge.startWar(Files.createDirectories(shared.resolve(engine + "-" + limits)), war,
                    args.toArray(String[]::new));
            started.put(limits, bridge);
        }
        return bridge;
    }

    private static RawConnection connect(String engine, Limits limits) throws Exception {
        return new RawConnection(bridge(engine, limits).port());
    }

    /** A new connection, once the server has answered on {@code previous}: connections admitted in order. */
    private static RawConnection connected(RawConnection previous, String engine, Limits limits) throws Exception {
        assertEquals(3, values(previous).size(), "GET_VALUES answered");
        return connect(engine, limits);
    }

    // ---- admission: roles, ids, multiplexing, the limits FCGI_MAX_CONNS and FCGI_MAX_REQS

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void anUnknownRoleIsAnsweredUnknownRoleAndTheConnectionGoesOn(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.PLAIN)) {
            raw.send(record(RecordType.BEGIN_REQUEST, 1, new byte[] {0, 9, 1, 0, 0, 0, 0, 0})); // role 9, KEEP_CONN
            Answer refused = Answer.of(raw.readUntilEnd(1));
            assertEquals(ProtocolStatus.UNKNOWN_ROLE, refused.protocolStatus);
            assertEquals("", refused.stdout, "nothing ran");
            assertEquals(new Answer(200, "ok", ProtocolStatus.REQUEST_COMPLETE),
                    Answer.of(request(raw, 1, true, get("/echo"))));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aSecondRequestOnAConnectionWithoutMultiplexingIsCantMpxConn(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.PLAIN)) {
            // the first request's body is not all there: it is active until the rest comes
            raw.send(concat(begin(1, Role.RESPONDER, true), params(1, post("/echo", 6)),
                    record(RecordType.STDIN, 1, bytes("one"))));
            raw.send(concat(begin(2, Role.RESPONDER, true), params(2, get("/echo")),
                    record(RecordType.STDIN, 2, new byte[0])));
            Answer second = Answer.of(raw.readUntilEnd(2));
            assertEquals(ProtocolStatus.CANT_MPX_CONN, second.protocolStatus);
            raw.send(concat(record(RecordType.STDIN, 1, bytes("two")), record(RecordType.STDIN, 1, new byte[0])));
            assertEquals(new Answer(200, "onetwo", ProtocolStatus.REQUEST_COMPLETE), Answer.of(raw.readUntilEnd(1)),
                    "the first request is served");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aBeginRequestForAnActiveIdClosesTheConnection(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.PLAIN)) {
            raw.send(concat(begin(1, Role.RESPONDER, true), params(1, post("/echo", 3))));
            raw.send(begin(1, Role.RESPONDER, true)); // nothing after it: no other record may be what closes
            assertTrue(raw.isClosedByServer(), "a protocol error: the connection is closed");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void interleavedRequestsOnAMultiplexedConnectionAreBothAnswered(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.MULTIPLEXED)) {
            assertEquals("1", values(raw).get("FCGI_MPXS_CONNS"));
            raw.send(concat(begin(1, Role.RESPONDER, true), begin(2, Role.RESPONDER, true),
                    params(2, post("/echo", 3)), params(1, post("/echo", 3)),
                    record(RecordType.STDIN, 2, bytes("two")), record(RecordType.STDIN, 1, bytes("one")),
                    record(RecordType.STDIN, 2, new byte[0]), record(RecordType.STDIN, 1, new byte[0])));
            Map<Integer, List<Received>> answers = untilEnded(raw, 1, 2);
            assertEquals(new Answer(200, "one", ProtocolStatus.REQUEST_COMPLETE), Answer.of(answers.get(1)));
            assertEquals(new Answer(200, "two", ProtocolStatus.REQUEST_COMPLETE), Answer.of(answers.get(2)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void moreIdsThanMaxRequestsPerConnectionCloseAMultiplexedConnection(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.MULTIPLEXED)) {
            raw.send(concat(begin(1, Role.RESPONDER, true), params(1, post("/echo", 1)),
                    begin(2, Role.RESPONDER, true), params(2, post("/echo", 1)),
                    begin(3, Role.RESPONDER, true), params(3, post("/echo", 1))));
            assertTrue(raw.isClosedByServer(), "a third id with --max-requests-per-connection 2");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aRequestOnAConnectionPastMaxConnsIsOverloaded(String engine) throws Exception {
        // one after the other, with a round trip on each: the server has taken the two before the third connects
        try (RawConnection first = connect(engine, Limits.MAX_CONNS);
             RawConnection second = connected(first, engine, Limits.MAX_CONNS);
             RawConnection third = connected(second, engine, Limits.MAX_CONNS)) {
            assertEquals("2", values(third).get("FCGI_MAX_CONNS"));
            third.send(simpleRequest(1, true, get("/echo")));
            Received answer = third.read();
            assertEquals(RecordType.END_REQUEST, answer == null ? null : answer.recordType(),
                    "the first record on the third connection");
            assertEquals(ProtocolStatus.OVERLOADED, EndRequestBody.decode(answer.content(), 0, 8).protocolStatus());
            assertTrue(third.isClosedByServer(), "then the connection is closed");
            assertEquals(new Answer(200, "ok", ProtocolStatus.REQUEST_COMPLETE),
                    Answer.of(request(first, 1, true, get("/echo"))), "the two others are served");
            assertEquals(new Answer(200, "ok", ProtocolStatus.REQUEST_COMPLETE),
                    Answer.of(request(second, 1, true, get("/echo"))));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void maxReqsCountsTheRequestsOfTheWholeServer(String engine) throws Exception {
        try (RawConnection first = connect(engine, Limits.MAX_REQS);
             RawConnection second = connected(first, engine, Limits.MAX_REQS);
             RawConnection third = connected(second, engine, Limits.MAX_REQS)) {
            assertEquals("2", values(first).get("FCGI_MAX_REQS"));
            for (RawConnection running : List.of(first, second)) {
                running.send(simpleRequest(1, true, get("/wait?ms=3000")));
                awaitStdout(running, 1, "waiting");
            }
            third.send(simpleRequest(1, true, get("/echo")));
            assertEquals(ProtocolStatus.OVERLOADED, Answer.of(third.readUntilEnd(1)).protocolStatus,
                    "a third request while two run, each on its own connection");
            for (RawConnection running : List.of(first, second)) {
                assertEquals(ProtocolStatus.REQUEST_COMPLETE, Answer.of(running.readUntilEnd(1)).protocolStatus);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Answer again;
            do { // the two give their places back as they end
                again = Answer.of(request(third, 1, true, get("/echo")));
            } while (again.protocolStatus == ProtocolStatus.OVERLOADED && System.nanoTime() < deadline
                    && pause(100));
            assertEquals(new Answer(200, "ok", ProtocolStatus.REQUEST_COMPLETE), again, "room again");
        }
    }

    // ---- ABORT_REQUEST

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void anAbortBeforeTheParamsEndEndsTheRequestAndNothingRuns(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.PLAIN)) {
            String before = Answer.of(request(raw, 1, true, get("/hits"))).stdout;
            byte[] pairs = new NameValueWriter().addAll(get("/hit")).toByteArray();
            raw.send(concat(begin(1, Role.RESPONDER, true), record(RecordType.PARAMS, 1, pairs)));
            raw.send(record(RecordType.ABORT_REQUEST, 1, new byte[0]));
            Answer aborted = Answer.of(raw.readUntilEnd(1));
            assertEquals(ProtocolStatus.REQUEST_COMPLETE, aborted.protocolStatus);
            assertEquals("", aborted.stdout, "no response");
            assertEquals(before, Answer.of(request(raw, 1, true, get("/hits"))).stdout, "the servlet never ran");
        }
    }

    /** A servlet that computes (sleeps a minute) and does no I/O, on a multiplexed connection: stopped at once. */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void anAbortOfARunningRequestOnAMultiplexedConnectionEndsItAtOnce(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.MULTIPLEXED)) {
            raw.send(simpleRequest(1, true, get("/wait")));
            awaitStdout(raw, 1, "waiting");
            long sent = System.nanoTime();
            raw.send(record(RecordType.ABORT_REQUEST, 1, new byte[0]));
            List<Received> rest = raw.readUntilEnd(1); // the servlet would wait a minute
            assertEquals(ProtocolStatus.REQUEST_COMPLETE, Answer.of(rest).protocolStatus);
            assertTrue(System.nanoTime() - sent < TimeUnit.SECONDS.toNanos(10), "END_REQUEST at once");
        }
    }

    /**
     * On a connection like nginx's (one request at a time) the request runs on the connection's own thread, which
     * reads the ABORT_REQUEST once the servlet returns: the request ends, and the connection serves the next one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void anAbortOfARunningRequestOnAPlainConnectionEndsItAndTheConnectionGoesOn(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.PLAIN)) {
            raw.send(simpleRequest(1, true, get("/wait?ms=1500")));
            awaitStdout(raw, 1, "waiting");
            raw.send(record(RecordType.ABORT_REQUEST, 1, new byte[0]));
            assertEquals(ProtocolStatus.REQUEST_COMPLETE, Answer.of(raw.readUntilEnd(1)).protocolStatus);
            assertEquals(new Answer(200, "ok", ProtocolStatus.REQUEST_COMPLETE),
                    Answer.of(request(raw, 1, true, get("/echo"))));
        }
    }

    // ---- --terminate-grace: a servlet that ignores its termination

    /**
     * A request past --request-timeout whose servlet swallows the interrupt is ended anyway once --terminate-grace is
     * over: END_REQUEST with appStatus 2, and its place under --max-reqs 1 is free for a request on another connection
     * (its own connection's thread is still the servlet's).
     */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aTimedOutRequestThatIgnoresItIsAbandonedAfterTheGraceAndItsPlaceFreed(String engine) throws Exception {
        try (RawConnection stuck = connect(engine, Limits.GRACE_TIMEOUT)) {
            stuck.send(simpleRequest(1, true, get("/stubborn?ms=20000")));
            awaitStdout(stuck, 1, "stubborn");
            long since = System.nanoTime();
            List<Received> rest = stuck.readUntilEnd(1); // fails at the read timeout, 10 s, if never abandoned
            assertEquals(2, appStatus(rest), "abandoned");
            assertEquals(ProtocolStatus.REQUEST_COMPLETE, Answer.of(rest).protocolStatus);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
            assertTrue(took < 8000, "abandoned after " + took + " ms, with a 1 s timeout and a 1 s grace");
            try (RawConnection next = connect(engine, Limits.GRACE_TIMEOUT)) {
                assertEquals(new Answer(200, "ok", ProtocolStatus.REQUEST_COMPLETE),
                        Answer.of(request(next, 1, true, get("/echo"))), "--max-reqs 1: the place is free again");
            }
        }
    }

    /**
     * An aborted request whose servlet swallows the interrupt is ended once --terminate-grace is over, END_REQUEST
     * appStatus 2; the multiplexed connection then serves another request under --max-reqs 1.
     */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void anAbortedRequestThatIgnoresItIsAbandonedAfterTheGraceAndItsPlaceFreed(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.GRACE_ABORT)) {
            raw.send(simpleRequest(1, true, get("/stubborn?ms=20000")));
            awaitStdout(raw, 1, "stubborn");
            long sent = System.nanoTime();
            raw.send(record(RecordType.ABORT_REQUEST, 1, new byte[0]));
            List<Received> rest = raw.readUntilEnd(1);
            assertEquals(2, appStatus(rest), "abandoned");
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertTrue(took < 6000, "abandoned after " + took + " ms, with a 1 s grace");
            assertEquals(new Answer(200, "ok", ProtocolStatus.REQUEST_COMPLETE),
                    Answer.of(request(raw, 2, true, get("/echo"))), "--max-reqs 1: the place is free again");
        }
    }

    // ---- a body that arrives after the answer began

    /**
     * A body still arriving when the servlet answered is taken as it comes, past --input-buffer-bytes into a temporary
     * file: 20 MiB, more than the Jetty engine would once hold in memory (16 MiB), is read whole and in order.
     */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aLateBodyLargerThanMemoryIsSpooledAndReadWhole(String engine) throws Exception {
        byte[] body = body(20 * 1024 * 1024);
        try (RawConnection raw = connect(engine, Limits.DEFAULTS)) {
            Answer answer = Answer.of(request(raw, 1, true, post("/late?ms=500", body.length), body));
            assertEquals(new Answer(200, "answering read " + body.length + " crc " + crc(body) + " end",
                    ProtocolStatus.REQUEST_COMPLETE), answer);
        }
    }

    /**
     * --spool-budget-bytes bounds the late bodies kept in temporary files: a read past what the budget kept fails
     * (the standalone engine's 503), and the budget is given back when the request ends, so the next body within it
     * is read whole.
     */
    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aLateBodyPastTheSpoolBudgetFailsTheReadAndTheBudgetComesBack(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.SPOOL)) {
            byte[] large = body(3 * 1024 * 1024);
            Answer refused = Answer.of(request(raw, 1, true, post("/late?ms=500", large.length), large));
            assertEquals(200, refused.status, refused.stdout);
            assertTrue(refused.body.startsWith("answering read ") && refused.body.endsWith(" failed"),
                    "the read past the 1 MiB budget fails: " + refused.body);
            byte[] within = body(1024 * 1024);
            assertEquals(new Answer(200, "answering read " + within.length + " crc " + crc(within) + " end",
                    ProtocolStatus.REQUEST_COMPLETE),
                    Answer.of(request(raw, 1, true, post("/late?ms=500", within.length), within)),
                    "the budget is back for the next request");
        }
    }

    // ---- KEEP_CONN

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void withoutKeepConnTheConnectionIsClosedAfterEndRequest(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.PLAIN)) {
            assertEquals(new Answer(200, "ok", ProtocolStatus.REQUEST_COMPLETE),
                    Answer.of(request(raw, 1, false, get("/echo"))));
            assertTrue(raw.isClosedByServer());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void withKeepConnTheConnectionServesTheNextRequest(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.PLAIN)) {
            for (int id : new int[] {1, 1, 7}) {
                assertEquals(new Answer(200, "ok", ProtocolStatus.REQUEST_COMPLETE),
                        Answer.of(request(raw, id, true, get("/echo"))), "request id " + id);
            }
        }
    }

    // ---- management records

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void getValuesAnswersTheKnownNamesWithTheOptionsValues(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.PLAIN)) {
            raw.send(record(RecordType.GET_VALUES, 0, new NameValueWriter().add("FCGI_MAX_CONNS", "")
                    .add("FCGI_MAX_REQS", "").add("FCGI_MPXS_CONNS", "").add("FCGI_UNHEARD_OF", "").toByteArray()));
            Received answer = raw.read();
            assertEquals(RecordType.GET_VALUES_RESULT, answer.recordType());
            assertEquals(0, answer.requestId());
            assertEquals(Map.of("FCGI_MAX_CONNS", "1024", "FCGI_MAX_REQS", "1024", "FCGI_MPXS_CONNS", "0"),
                    Params.parse(answer.content(), 0, answer.content().length).asMap());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void anUnknownManagementTypeIsAnsweredUnknownType(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.PLAIN)) {
            raw.send(record(200, 0, new byte[3], 5));
            Received answer = raw.read();
            assertEquals(RecordType.UNKNOWN_TYPE, answer.recordType());
            assertArrayEquals(new byte[] {(byte) 200, 0, 0, 0, 0, 0, 0, 0}, answer.content());
            assertEquals(new Answer(200, "ok", ProtocolStatus.REQUEST_COMPLETE),
                    Answer.of(request(raw, 1, true, get("/echo"))), "the connection goes on");
        }
    }

    // ---- bounds and stalls

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void paramsThatNeverEndCloseTheConnectionAtTheParamsTimeout(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.STALLS)) {
            raw.send(begin(1, Role.RESPONDER, true));
            long start = System.nanoTime();
            List<byte[]> pieces = new ArrayList<>();
            for (int i = 0; i < 40; i++) { // whole records, four a second: never idle, for ten seconds
                pieces.add(record(RecordType.PARAMS, 1, new NameValueWriter().add("HTTP_X_" + i, "v").toByteArray()));
            }
            int sent = sentUntilClosed(raw, pieces, 250);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(sent < pieces.size(), "closed with --params-timeout 1 while params kept coming");
            assertTrue(took < 4000, "closed after " + took + " ms");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void paramsOverMaxParamsBytesCloseTheConnection(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.PLAIN)) {
            Map<String, String> params = get("/echo");
            params.put("HTTP_X_PAD", "x".repeat(10_000)); // --max-params-bytes 8192
            raw.send(concat(begin(1, Role.RESPONDER, true), params(1, params),
                    record(RecordType.STDIN, 1, new byte[0])));
            assertTrue(raw.isClosedByServer());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aRecordThatTricklesInIsCutAtTheIdleTimeout(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.STALLS)) {
            byte[] request = simpleRequest(1, true, get("/echo"));
            List<byte[]> pieces = new ArrayList<>();
            for (int i = 0; i < 20; i++) { // a byte every 500 ms: BEGIN_REQUEST alone would take 8 s
                pieces.add(new byte[] {request[i]});
            }
            long start = System.nanoTime();
            int sent = sentUntilClosed(raw, pieces, 500);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(sent < pieces.size(), "closed with --idle-timeout 2 while bytes kept trickling");
            assertTrue(took < 5000, "closed after " + took + " ms");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aBodyOverMaxBodyBytesIs413(String engine) throws Exception {
        try (RawConnection raw = connect(engine, Limits.PLAIN)) {
            raw.send(concat(begin(1, Role.RESPONDER, true), params(1, post("/echo", 2000)),
                    record(RecordType.STDIN, 1, new byte[2000]), record(RecordType.STDIN, 1, new byte[0])));
            assertEquals(413, Answer.of(raw.readUntilEnd(1)).status, "--max-body-bytes 1000");
            assertEquals(new Answer(200, "x".repeat(1000), ProtocolStatus.REQUEST_COMPLETE),
                    Answer.of(request(raw, 1, true, post("/echo", 1000), bytes("x".repeat(1000)))),
                    "a body of the limit is served");
        }
    }

    // ---- the peer's side

    /** What came back for one request: the CGI status (200 without a Status line), the body, END_REQUEST's status. */
    private record Answer(int status, String body, ProtocolStatus protocolStatus, String stdout) {
        Answer(int status, String body, ProtocolStatus protocolStatus) {
            this(status, body, protocolStatus, null);
        }

        static Answer of(List<Received> records) throws IOException {
            StringBuilder stdout = new StringBuilder();
            ProtocolStatus end = null;
            for (Received r : records) {
                if (r.recordType() == RecordType.STDOUT) {
                    stdout.append(new String(r.content(), StandardCharsets.ISO_8859_1));
                } else if (r.recordType() == RecordType.END_REQUEST) {
                    end = EndRequestBody.decode(r.content(), 0, r.content().length).protocolStatus();
                }
            }
            String text = stdout.toString();
            int blank = text.indexOf("\r\n\r\n");
            String head = blank < 0 ? text : text.substring(0, blank);
            Matcher status = STATUS.matcher(head);
            return new Answer(text.isEmpty() ? 0 : status.find() ? Integer.parseInt(status.group(1)) : 200,
                    blank < 0 ? "" : text.substring(blank + 4), end, text);
        }

        /** Equal in status, body and END_REQUEST's status; the raw STDOUT is for the messages. */
        @Override
        public boolean equals(Object other) {
            return other instanceof Answer a && a.status == status && a.body.equals(body)
                    && a.protocolStatus == protocolStatus;
        }

        @Override
        public int hashCode() {
            return status * 31 + body.hashCode();
        }
    }

    /** END_REQUEST's appStatus among {@code records}. */
    private static long appStatus(List<Received> records) throws IOException {
        Received end = records.get(records.size() - 1);
        assertEquals(RecordType.END_REQUEST, end.recordType());
        return EndRequestBody.decode(end.content(), 0, end.content().length).appStatus();
    }

    private static Map<String, String> get(String uri) {
        int query = uri.indexOf('?');
        Map<String, String> params = new LinkedHashMap<>();
        params.put("REQUEST_METHOD", "GET");
        params.put("REQUEST_URI", uri);
        params.put("SCRIPT_NAME", query < 0 ? uri : uri.substring(0, query));
        params.put("QUERY_STRING", query < 0 ? "" : uri.substring(query + 1));
        params.put("SERVER_NAME", "localhost");
        params.put("SERVER_PORT", "80");
        params.put("SERVER_PROTOCOL", "HTTP/1.1");
        params.put("REMOTE_ADDR", "127.0.0.1");
        return params;
    }

    private static Map<String, String> post(String uri, int length) {
        Map<String, String> params = get(uri);
        params.put("REQUEST_METHOD", "POST");
        params.put("CONTENT_TYPE", "application/octet-stream");
        params.put("CONTENT_LENGTH", Integer.toString(length));
        return params;
    }

    /** {@code n} bytes that differ from one position to the next, so that a reordering shows in the CRC. */
    private static byte[] body(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + (i >>> 16));
        }
        return b;
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One whole request with this body on {@code raw} (in records of at most 64000 bytes), and its records. */
    private static List<Received> request(RawConnection raw, int id, boolean keepConn, Map<String, String> params,
                                          byte[]... body) throws IOException {
        raw.send(concat(begin(id, Role.RESPONDER, keepConn), params(id, params)));
        for (byte[] part : body) {
            for (int at = 0; at < part.length; at += 64_000) {
                raw.send(record(RecordType.STDIN, id, Arrays.copyOfRange(part, at,
                        Math.min(part.length, at + 64_000))));
            }
        }
        raw.send(record(RecordType.STDIN, id, new byte[0]));
        return raw.readUntilEnd(id);
    }

    /** GET_VALUES for the three names of the spec. */
    private static Map<String, String> values(RawConnection raw) throws IOException {
        raw.send(record(RecordType.GET_VALUES, 0, new NameValueWriter().add("FCGI_MAX_CONNS", "")
                .add("FCGI_MAX_REQS", "").add("FCGI_MPXS_CONNS", "").toByteArray()));
        Received answer = raw.read();
        assertEquals(RecordType.GET_VALUES_RESULT, answer == null ? null : answer.recordType());
        return Params.parse(answer.content(), 0, answer.content().length).asMap();
    }

    /** Reads request {@code id}'s STDOUT until it holds {@code text}: the servlet runs. */
    private static void awaitStdout(RawConnection raw, int id, String text) throws IOException {
        StringBuilder stdout = new StringBuilder();
        while (stdout.indexOf(text) < 0) {
            Received r = raw.read();
            assertTrue(r != null && r.recordType() != RecordType.END_REQUEST, "ended before '" + text + "': "
                    + stdout);
            if (r.recordType() == RecordType.STDOUT && r.requestId() == id) {
                stdout.append(new String(r.content(), StandardCharsets.ISO_8859_1));
            }
        }
    }

    /** The records of each id until each has ended. */
    private static Map<Integer, List<Received>> untilEnded(RawConnection raw, int... ids) throws IOException {
        Map<Integer, List<Received>> records = new LinkedHashMap<>();
        for (int id : ids) {
            records.put(id, new ArrayList<>());
        }
        int open = ids.length;
        while (open > 0) {
            Received r = raw.read();
            assertTrue(r != null, "closed before every request ended: " + records);
            List<Received> of = records.get(r.requestId());
            assertTrue(of != null, "a record for id " + r.requestId());
            of.add(r);
            if (r.recordType() == RecordType.END_REQUEST) {
                open--;
            }
        }
        return records;
    }

    /**
     * Sends the pieces one at a time, {@code pauseMillis} apart, while watching for the server's close.
     *
     * @return how many were sent before the connection was found closed, or the number of pieces if it never was
     */
    private static int sentUntilClosed(RawConnection raw, List<byte[]> pieces, int pauseMillis) throws IOException {
        raw.setTimeout(pauseMillis);
        try {
            for (int i = 0; i < pieces.size(); i++) {
                try {
                    raw.send(pieces.get(i));
                } catch (IOException closed) {
                    return i;
                }
                if (raw.isClosedByServer()) { // waits up to the pause
                    return i + 1;
                }
            }
            return pieces.size();
        } finally {
            raw.setTimeout(10_000);
        }
    }

    private static boolean pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }
}
