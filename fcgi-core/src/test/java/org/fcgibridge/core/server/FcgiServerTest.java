package org.fcgibridge.core.server;

import static org.fcgibridge.core.testing.RawConnection.begin;
import static org.fcgibridge.core.testing.RawConnection.concat;
import static org.fcgibridge.core.testing.RawConnection.params;
import static org.fcgibridge.core.testing.RawConnection.record;
import static org.fcgibridge.core.testing.RawConnection.simpleRequest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.fcgibridge.core.client.ClientRequest;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.net.WebServerAddresses;
import org.fcgibridge.core.protocol.EndRequestBody;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.ProtocolStatus;
import org.fcgibridge.core.protocol.RecordType;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.core.runner.FcgiHandler;
import org.fcgibridge.core.runner.Runner;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.testing.Handlers;
import org.fcgibridge.core.testing.RawConnection.Received;
import org.fcgibridge.core.testing.RawConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class FcgiServerTest {
    private static final Map<String, String> GET = Map.of("REQUEST_METHOD", "GET", "SCRIPT_NAME", "/t");
    private final List<FcgiServer> servers = new ArrayList<>();

    private FcgiServer start(ServerParams params, FcgiHandler handler) throws IOException {
        FcgiServer server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"),
                params.withWebServerAddrs(WebServerAddresses.any()), RunnerFactory.of(handler));
        servers.add(server);
        return server;
    }

    private FcgiServer start(FcgiHandler handler) throws IOException {
        return start(ServerParams.defaults(), handler);
    }

    /** A server whose runners run on workers, as CGI scripts' do; each calls {@code onRun}, then answers. */
    private FcgiServer startOnAWorker(Runnable onRun) throws IOException {
        FcgiServer server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"),
                ServerParams.defaults().withWebServerAddrs(WebServerAddresses.any()), exchange -> new Runner() {
                    @Override
                    public int run() throws IOException {
                        onRun.run();
                        exchange.stdout().write(Handlers.cgi("on a worker"));
                        return 0;
                    }

                    @Override
                    public void terminate() {
                    }
                });
        servers.add(server);
        return server;
    }

    private static FcgiClient client(FcgiServer server) throws IOException {
        return FcgiClient.connect(new InetSocketAddress("127.0.0.1", server.port()));
    }

    @AfterEach
    void closeServers() {
        for (FcgiServer server : servers) {
            server.close(Duration.ofSeconds(2));
        }
    }

    @Test
    void portZeroGivesAnEphemeralPortThatServes() throws Exception {
        FcgiServer server = start(Handlers.text("hi"));
        assertTrue(server.port() > 0);
        assertTrue(server.isRunning());
        try (FcgiClient client = client(server)) {
            FcgiResponse response = client.execute(GET, new byte[0]);
            assertEquals("hi", response.bodyText());
            assertEquals(200, response.status());
            assertEquals(0, response.appStatus());
            assertEquals(ProtocolStatus.REQUEST_COMPLETE, response.protocolStatus());
        }
    }

    @Test
    void ipv6Loopback() throws Exception {
        FcgiServer server = FcgiServer.start(ListenAddress.parse("[::1]:0"), ServerParams.defaults(),
                RunnerFactory.of(Handlers.text("six")));
        servers.add(server);
        assertTrue(server.describeAddress().startsWith("[0:0:0:0:0:0:0:1]:")
                || server.describeAddress().startsWith("[::1]:"), server.describeAddress());
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("::1", server.port()))) {
            assertEquals("six", client.execute(GET, new byte[0]).bodyText());
        }
    }

    @Test
    void keepConnCarriesManyRequestsOnOneConnection() throws Exception {
        FcgiServer server = start(Handlers.echoBody());
        try (FcgiClient client = client(server)) {
            for (int i = 0; i < 50; i++) {
                byte[] body = ("request " + i).getBytes(StandardCharsets.UTF_8);
                assertArrayEquals(body, client.execute(GET, body).body());
            }
            assertTrue(client.isOpen());
            assertEquals(1, server.connectionCount());
        }
    }

    /**
     * nginx sends the next request on a kept connection, with the same id, the moment it reads END_REQUEST: the server
     * must have forgotten the request by then, also when the runner ran on a worker (a CGI script's does).
     */
    @Test
    void theIdOfAnEndedRequestIsFreeAsSoonAsItsEndArrives() throws Exception {
        FcgiServer server = startOnAWorker(() -> { });
        try (RawConnection raw = new RawConnection(server.port())) {
            for (int i = 0; i < 2000; i++) {
                raw.send(simpleRequest(1, true, GET));
                List<Received> records = raw.readUntilEnd(1);
                assertEquals(ProtocolStatus.REQUEST_COMPLETE,
                        EndRequestBody.decode(records.get(records.size() - 1).content(), 0, 8).protocolStatus(),
                        "request " + i);
            }
        }
    }

    @Test
    void withoutKeepConnTheServerClosesAfterTheRequest() throws Exception {
        FcgiServer server = start(Handlers.text("once"));
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.send(simpleRequest(1, false, GET));
            List<Received> records = raw.readUntilEnd(1);
            assertEquals(RecordType.END_REQUEST, records.get(records.size() - 1).recordType());
            assertNull(raw.read(), "closed right after END_REQUEST");
        }
    }

    @Test
    void aRequestBegunAfterOneWithoutKeepConnIsNotRun() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        FcgiServer server = startOnAWorker(runs::incrementAndGet);
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.send(simpleRequest(1, false, GET));
            raw.readUntilEnd(1);
            raw.send(simpleRequest(2, false, GET)); // the server has shut its output: it could not answer
            Thread.sleep(300);
            assertNull(raw.read(), "nothing more comes: the connection is closing");
        }
        assertEquals(1, runs.get(), "only the first request ran");
    }

    @Test
    void withoutKeepConnTheServerClosesEvenWhenTheBodyWasNotRead() throws Exception {
        FcgiServer server = start(Handlers.text("unread"));
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.send(concat(begin(1, Role.RESPONDER, false), params(1, GET),
                    record(RecordType.STDIN, 1, new byte[30000])));
            List<Received> records = raw.readUntilEnd(1);
            assertTrue(new String(records.get(0).content(), StandardCharsets.UTF_8).endsWith("unread"));
            raw.send(record(RecordType.STDIN, 1, new byte[0]));
            assertNull(raw.read(), "closed once the web server's input ended");
        }
    }

    @Test
    void stdoutIsStreamedAsTheHandlerFlushes() throws Exception {
        CountDownLatch firstSeen = new CountDownLatch(1);
        FcgiServer server = start(exchange -> {
            exchange.stdout().write(Handlers.cgi("first;"));
            exchange.stdout().flush();
            if (!firstSeen.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the client never saw the first chunk");
            }
            exchange.stdout().write("second".getBytes(StandardCharsets.UTF_8));
            return 0;
        });
        try (FcgiClient client = client(server)) {
            ClientRequest request = client.begin(Role.RESPONDER, GET, true);
            request.stdin().close();
            InputStream stdout = request.stdout();
            byte[] expected = Handlers.cgi("first;");
            byte[] got = stdout.readNBytes(expected.length);
            assertArrayEquals(expected, got, "first chunk arrived while the handler waits");
            firstSeen.countDown();
            assertEquals("second", new String(stdout.readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, request.awaitEnd().appStatus());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 42, 255})
    void appStatusIsTheHandlersExitStatus(int status) throws Exception {
        FcgiServer server = start(exchange -> {
            exchange.stdout().write(Handlers.cgi("x"));
            return status;
        });
        try (FcgiClient client = client(server)) {
            assertEquals(status, client.execute(GET, new byte[0]).appStatus());
        }
    }

    @Test
    void largeBodiesStreamBothWays() throws Exception {
        FcgiServer server = start(Handlers.echoBody());
        byte[] body = new byte[5 * 1024 * 1024 + 17];
        new Random(1).nextBytes(body);
        try (FcgiClient client = client(server)) {
            assertArrayEquals(body, client.execute(GET, body).body());
        }
    }

    @Test
    void largeBodiesStreamThroughWorkersToo() throws Exception {
        FcgiServer server = start(ServerParams.defaults().withMpxsConns(true), Handlers.echoBody());
        byte[] body = new byte[3 * 1024 * 1024 + 5];
        new Random(2).nextBytes(body);
        try (FcgiClient client = client(server)) {
            assertArrayEquals(body, client.execute(GET, body).body());
        }
    }

    @Test
    void getValuesIsAnsweredWithOneRecordOfKnownNames() throws Exception {
        FcgiServer server = start(ServerParams.defaults().withMaxConns(7).withMaxReqs(9), Handlers.text(""));
        try (RawConnection raw = new RawConnection(server.port())) {
            byte[] asked = new org.fcgibridge.core.protocol.NameValueWriter()
                    .add("FCGI_MAX_CONNS", "").add("FCGI_MAX_REQS", "").add("FCGI_MPXS_CONNS", "")
                    .add("FCGI_UNHEARD_OF", "").toByteArray();
            raw.send(record(RecordType.GET_VALUES, 0, asked));
            Received answer = raw.read();
            assertEquals(RecordType.GET_VALUES_RESULT, answer.recordType());
            assertEquals(0, answer.requestId());
            Params values = Params.parse(answer.content(), 0, answer.content().length);
            assertEquals(Map.of("FCGI_MAX_CONNS", "7", "FCGI_MAX_REQS", "9", "FCGI_MPXS_CONNS", "0"),
                    values.asMap());

            raw.send(record(RecordType.GET_VALUES, 0, new byte[0]));
            Received empty = raw.read();
            assertEquals(RecordType.GET_VALUES_RESULT, empty.recordType());
            assertEquals(0, empty.content().length);
        }
    }

    @Test
    void getValuesThroughTheClient() throws Exception {
        FcgiServer server = start(ServerParams.defaults().withMpxsConns(true), Handlers.text(""));
        try (FcgiClient client = client(server)) {
            assertEquals("1", client.getValues("FCGI_MPXS_CONNS").get("FCGI_MPXS_CONNS"));
        }
    }

    @Test
    void unknownManagementTypeIsAnsweredUnknownType() throws Exception {
        FcgiServer server = start(Handlers.text(""));
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.send(record(200, 0, new byte[3], 5));
            Received answer = raw.read();
            assertEquals(RecordType.UNKNOWN_TYPE, answer.recordType());
            assertArrayEquals(new byte[] {(byte) 200, 0, 0, 0, 0, 0, 0, 0}, answer.content());
            // the connection still serves requests
            raw.send(simpleRequest(1, true, GET));
            List<Received> records = raw.readUntilEnd(1);
            assertEquals(RecordType.END_REQUEST, records.get(records.size() - 1).recordType());
        }
    }

    @Test
    void unknownRoleIsAnsweredUnknownRole() throws Exception {
        FcgiServer server = start(Handlers.text(""));
        try (FcgiClient client = client(server)) {
            ClientRequest request = client.begin(9, new byte[0], true);
            EndRequestBody end = request.awaitEnd(Duration.ofSeconds(10));
            assertEquals(ProtocolStatus.UNKNOWN_ROLE, end.protocolStatus());
            assertEquals("ok", client.execute(GET, new byte[0]).bodyText().isEmpty() ? "ok" : "?");
        }
    }

    @Test
    void recordsForInactiveIdsAreIgnored() throws Exception {
        FcgiServer server = start(Handlers.echoBody());
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.send(concat(
                    record(RecordType.STDIN, 5, "stray".getBytes(StandardCharsets.US_ASCII)),
                    record(RecordType.PARAMS, 6, new byte[0]),
                    record(RecordType.ABORT_REQUEST, 7, new byte[0]),
                    record(RecordType.STDOUT, 8, new byte[4]),
                    record(99, 9, new byte[3], 5),
                    begin(1, Role.RESPONDER, true), params(1, GET),
                    record(RecordType.STDIN, 1, "real".getBytes(StandardCharsets.US_ASCII)),
                    record(RecordType.STDIN, 1, new byte[0])));
            List<Received> records = raw.readUntilEnd(1);
            StringBuilder out = new StringBuilder();
            for (Received r : records) {
                assertEquals(1, r.requestId(), "nothing answers the stray records");
                if (r.recordType() == RecordType.STDOUT) {
                    out.append(new String(r.content(), StandardCharsets.UTF_8));
                }
            }
            assertTrue(out.toString().endsWith("\r\n\r\nreal"), out.toString());
        }
    }

    @Test
    void endRequestIsTheLastRecordAndComesOnce() throws Exception {
        FcgiServer server = start(exchange -> {
            exchange.stdout().write(Handlers.cgi("a"));
            exchange.stderr().write("warn".getBytes(StandardCharsets.US_ASCII));
            exchange.stdout().close();
            return 3;
        });
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.send(simpleRequest(1, false, GET));
            List<Received> records = new ArrayList<>();
            Received r;
            while ((r = raw.read()) != null) {
                records.add(r);
            }
            long ends = records.stream().filter(x -> x.recordType() == RecordType.END_REQUEST).count();
            assertEquals(1, ends);
            Received last = records.get(records.size() - 1);
            assertEquals(RecordType.END_REQUEST, last.recordType());
            assertEquals(3, EndRequestBody.decode(last.content(), 0, 8).appStatus());
            long emptyStdout = records.stream()
                    .filter(x -> x.recordType() == RecordType.STDOUT && x.content().length == 0).count();
            assertEquals(1, emptyStdout, "STDOUT closed exactly once");
            assertTrue(records.stream().anyMatch(x -> x.recordType() == RecordType.STDERR
                    && new String(x.content(), StandardCharsets.US_ASCII).equals("warn")));
        }
    }

    @Test
    void handlerFailureGives500AndStderr() throws Exception {
        FcgiServer server = start(exchange -> {
            throw new IllegalStateException("boom");
        });
        try (FcgiClient client = client(server)) {
            FcgiResponse response = client.execute(GET, new byte[0]);
            assertEquals(500, response.status());
            assertTrue(response.stderrText().contains("boom"), response.stderrText());
            assertEquals(1, response.appStatus());
            assertEquals("still", client.execute(GET, new byte[0]).status() == 500 ? "still" : "");
        }
    }

    @Test
    void runnerFactoryFailureGives500() throws Exception {
        FcgiServer server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults(),
                exchange -> {
                    throw new IllegalStateException("no runner");
                });
        servers.add(server);
        try (FcgiClient client = client(server)) {
            assertEquals(500, client.execute(GET, new byte[0]).status());
        }
    }

    @Test
    void authorizerRoleSeesParamsAndNoBody() throws Exception {
        AtomicReference<Role> role = new AtomicReference<>();
        FcgiServer server = start(exchange -> {
            role.set(exchange.role());
            boolean allowed = "alice".equals(exchange.params().get("REMOTE_USER"));
            exchange.stdout().write((allowed ? "Status: 200\r\nVariable-USER_ID: 42\r\n\r\n"
                    : "Status: 403\r\nContent-Type: text/plain\r\n\r\nno").getBytes(StandardCharsets.US_ASCII));
            return exchange.stdin().read() == -1 ? 0 : 9;
        });
        try (FcgiClient client = client(server)) {
            FcgiResponse allowed = client.execute(Role.AUTHORIZER, Map.of("REMOTE_USER", "alice"), new byte[0], true);
            assertEquals(200, allowed.status());
            assertEquals("42", allowed.header("Variable-USER_ID"));
            assertEquals(0, allowed.appStatus(), "stdin of an authorizer is empty");
            FcgiResponse denied = client.execute(Role.AUTHORIZER, Map.of("REMOTE_USER", "bob"), new byte[0], true);
            assertEquals(403, denied.status());
            assertEquals(Role.AUTHORIZER, role.get());
        }
    }

    @Test
    void filterRoleReadsStdinThenData() throws Exception {
        FcgiServer server = start(exchange -> {
            byte[] in = exchange.stdin().readAllBytes();
            byte[] data = exchange.data().readAllBytes();
            exchange.stdout().write(Handlers.cgi(new String(in, StandardCharsets.UTF_8) + "|"
                    + new String(data, StandardCharsets.UTF_8).toUpperCase() + "|"
                    + exchange.params().get("FCGI_DATA_LENGTH")));
            return 0;
        });
        try (FcgiClient client = client(server)) {
            ClientRequest request = client.begin(Role.FILTER,
                    Map.of("FCGI_DATA_LENGTH", "11", "FCGI_DATA_LAST_MOD", "0"), true);
            request.stdin().write("input".getBytes(StandardCharsets.UTF_8));
            request.stdin().close();
            request.data().write("filter me!!".getBytes(StandardCharsets.UTF_8));
            request.data().close();
            assertEquals("input|FILTER ME!!|11", request.readResponse().bodyText());
        }
    }

    @Test
    void secondConcurrentRequestIsCantMpxConnWithoutMultiplexing() throws Exception {
        FcgiServer server = start(exchange -> {
            byte[] body = exchange.stdin().readAllBytes();
            exchange.stdout().write(Handlers.cgi(new String(body, StandardCharsets.UTF_8)));
            return 0;
        });
        try (FcgiClient client = client(server)) {
            ClientRequest first = client.begin(Role.RESPONDER, GET, true);
            first.stdin().write("first".getBytes(StandardCharsets.UTF_8));
            first.stdin().flush();
            ClientRequest second = client.begin(Role.RESPONDER, GET, true);
            assertEquals(ProtocolStatus.CANT_MPX_CONN, second.awaitEnd(Duration.ofSeconds(10)).protocolStatus());
            first.stdin().close();
            assertEquals("first", first.readResponse().bodyText());
        }
    }

    @Test
    void multiplexedRequestsInterleaveAndASlowOneStallsNoOther() throws Exception {
        CountDownLatch slowMayFinish = new CountDownLatch(1);
        FcgiServer server = start(ServerParams.defaults().withMpxsConns(true), exchange -> {
            if ("slow".equals(exchange.params().get("MODE"))) {
                exchange.stdout().write(Handlers.cgi("slow-start;"));
                exchange.stdout().flush();
                slowMayFinish.await(20, TimeUnit.SECONDS);
                exchange.stdout().write("slow-end".getBytes(StandardCharsets.UTF_8));
                return 0;
            }
            exchange.stdout().write(Handlers.cgi(new String(exchange.stdin().readAllBytes(), StandardCharsets.UTF_8)));
            return 0;
        });
        try (FcgiClient client = client(server)) {
            ClientRequest slow = client.begin(Role.RESPONDER, Map.of("MODE", "slow"), true);
            slow.stdin().close();
            List<ClientRequest> fast = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ClientRequest r = client.begin(Role.RESPONDER, Map.of("MODE", "fast"), true);
                r.stdin().write(("fast " + i).getBytes(StandardCharsets.UTF_8));
                r.stdin().close();
                fast.add(r);
            }
            for (int i = 0; i < 10; i++) {
                assertEquals("fast " + i, fast.get(i).readResponse().bodyText());
            }
            assertFalse(slow.isDone(), "the slow request is still running");
            slowMayFinish.countDown();
            assertTrue(slow.readResponse().bodyText().endsWith("slow-start;slow-end"));
        }
    }

    @Test
    void abortRequestTerminatesARunningHandlerAndEndsItOnce() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        FcgiServer server = start(ServerParams.defaults().withMpxsConns(true), exchange -> {
            started.countDown();
            try {
                Thread.sleep(30_000);
                return 0;
            } catch (InterruptedException e) {
                interrupted.set(true);
                return 77;
            }
        });
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.send(simpleRequest(1, true, GET));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            raw.send(record(RecordType.ABORT_REQUEST, 1, new byte[0]));
            List<Received> records = raw.readUntilEnd(1);
            Received end = records.get(records.size() - 1);
            assertEquals(77, EndRequestBody.decode(end.content(), 0, 8).appStatus());
            assertTrue(interrupted.get());
            raw.send(record(RecordType.ABORT_REQUEST, 1, new byte[0]));
            raw.send(simpleRequest(2, true, GET));
            raw.setTimeout(2000);
            // a second abort for the ended id is ignored: the next record is about request 2
            started.await();
            raw.send(record(RecordType.ABORT_REQUEST, 2, new byte[0]));
            Received next = raw.read();
            assertEquals(2, next.requestId());
        }
    }

    @Test
    void abortWhileTheHandlerReadsItsBodyOnTheConnectionThread() throws Exception {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        FcgiServer server = start(exchange -> {
            try {
                exchange.stdin().readAllBytes();
                return 0;
            } catch (IOException e) {
                seen.set(e);
                return 5;
            }
        });
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.send(concat(begin(1, Role.RESPONDER, true), params(1, GET),
                    record(RecordType.STDIN, 1, "partial".getBytes(StandardCharsets.US_ASCII))));
            raw.send(record(RecordType.ABORT_REQUEST, 1, new byte[0]));
            List<Received> records = raw.readUntilEnd(1);
            assertEquals(5, EndRequestBody.decode(records.get(records.size() - 1).content(), 0, 8).appStatus());
            assertTrue(seen.get() instanceof java.io.InterruptedIOException, String.valueOf(seen.get()));
            raw.send(simpleRequest(1, true, GET));
            raw.readUntilEnd(1);
        }
    }

    @Test
    void aClosedSocketTerminatesTheRunner() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        FcgiServer server = start(ServerParams.defaults().withMpxsConns(true), exchange -> {
            started.countDown();
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return 0;
        });
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.send(simpleRequest(1, true, GET));
            assertTrue(started.await(10, TimeUnit.SECONDS));
        }
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the handler was interrupted");
        waitFor(() -> server.activeRequestCount() == 0 && server.connectionCount() == 0);
    }

    @Test
    void requestTimeoutTerminatesAndAnswers504() throws Exception {
        FcgiServer server = start(ServerParams.defaults().withRequestTimeout(Duration.ofMillis(300)), exchange -> {
            Thread.sleep(30_000);
            return 0;
        });
        try (FcgiClient client = client(server)) {
            long start = System.nanoTime();
            FcgiResponse response = client.execute(GET, new byte[0]);
            assertEquals(504, response.status());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
            assertTrue(client.isOpen(), "the connection survives a timed-out request");
        }
    }

    @Test
    void aRunnerThatIgnoresTerminationIsAbandonedAfterTheGrace() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        FcgiServer server = start(ServerParams.defaults().withMpxsConns(true)
                .withRequestTimeout(Duration.ofMillis(200)).withTerminateGrace(Duration.ofMillis(200)), exchange -> {
                    while (stop.getCount() > 0) {
                        try {
                            stop.await();
                        } catch (InterruptedException ignored) {
                            // this handler will not stop
                        }
                    }
                    return 0;
                });
        try (FcgiClient client = client(server)) {
            FcgiResponse response = client.execute(GET, new byte[0]);
            assertEquals(ServerRequest.EXIT_ABANDONED, response.appStatus());
            waitFor(() -> server.activeRequestCount() == 0);
        } finally {
            stop.countDown();
        }
    }

    @Test
    void tooManyRequestsAreOverloaded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FcgiServer server = start(ServerParams.defaults().withMaxReqs(2).withMpxsConns(true), exchange -> {
            release.await(10, TimeUnit.SECONDS);
            exchange.stdout().write(Handlers.cgi("ok"));
            return 0;
        });
        try (FcgiClient client = client(server)) {
            ClientRequest a = client.begin(Role.RESPONDER, GET, true);
            ClientRequest b = client.begin(Role.RESPONDER, GET, true);
            ClientRequest c = client.begin(Role.RESPONDER, GET, true);
            assertEquals(ProtocolStatus.OVERLOADED, c.awaitEnd(Duration.ofSeconds(10)).protocolStatus());
            release.countDown();
            a.stdin().close();
            b.stdin().close();
            assertEquals("ok", a.readResponse().bodyText());
            assertEquals("ok", b.readResponse().bodyText());
            assertEquals("ok", client.execute(GET, new byte[0]).bodyText(), "room again");
        }
    }

    @Test
    void connectionsPastMaxConnsAreOverloaded() throws Exception {
        FcgiServer server = start(ServerParams.defaults().withMaxConns(1), Handlers.text("ok"));
        try (FcgiClient first = client(server)) {
            assertEquals("ok", first.execute(GET, new byte[0]).bodyText());
            try (RawConnection second = new RawConnection(server.port())) {
                second.send(simpleRequest(1, true, GET));
                Received answer = second.read();
                assertEquals(RecordType.END_REQUEST, answer.recordType());
                assertEquals(ProtocolStatus.OVERLOADED, EndRequestBody.decode(answer.content(), 0, 8).protocolStatus());
                assertTrue(second.isClosedByServer());
            }
            assertEquals("ok", first.execute(GET, new byte[0]).bodyText());
        }
    }

    @Test
    void paramsOverTheLimitCloseOnlyThatConnection() throws Exception {
        FcgiServer server = start(ServerParams.defaults().withMaxParamsBytes(1000), Handlers.text("ok"));
        try (FcgiClient good = client(server); RawConnection bad = new RawConnection(server.port())) {
            bad.send(concat(begin(1, Role.RESPONDER, true),
                    params(1, Map.of("HTTP_COOKIE", "c".repeat(2000)))));
            assertTrue(bad.isClosedByServer());
            assertEquals("ok", good.execute(GET, new byte[0]).bodyText());
        }
    }

    @Test
    void malformedRecordsCloseOnlyTheirConnection() throws Exception {
        FcgiServer server = start(Handlers.text("ok"));
        byte[][] hostile = {
            {2, 1, 0, 1, 0, 8, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0},                      // version 2
            concat(begin(1, Role.RESPONDER, true),
                    ProtocolVectors.MALFORMED_PARAMS, record(RecordType.PARAMS, 1, new byte[0])),
            record(RecordType.BEGIN_REQUEST, 1, new byte[3]),                        // short BEGIN body
            concat(begin(1, Role.RESPONDER, true), begin(1, Role.RESPONDER, true)), // id reused while active
            concat(begin(1, Role.RESPONDER, true), record(RecordType.STDIN, 1, new byte[2])), // STDIN before PARAMS end
            concat(record(RecordType.GET_VALUES, 0, new byte[] {(byte) 0x80, 0})),  // cut GET_VALUES
        };
        try (FcgiClient good = client(server)) {
            for (byte[] bytes : hostile) {
                try (RawConnection bad = new RawConnection(server.port())) {
                    bad.send(bytes);
                    assertTrue(bad.isClosedByServer(), "closed after " + java.util.HexFormat.of().formatHex(bytes));
                }
                assertEquals("ok", good.execute(GET, new byte[0]).bodyText());
                waitFor(() -> server.connectionCount() == 1 && server.activeRequestCount() == 0,
                        () -> "after " + java.util.HexFormat.of().formatHex(bytes) + ": connections "
                                + server.connectionCount() + ", requests " + server.activeRequestCount());
            }
        }
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        FcgiServer server = start(ServerParams.defaults().withIdleTimeout(Duration.ofMillis(300)), Handlers.text(""));
        try (RawConnection raw = new RawConnection(server.port())) {
            long start = System.nanoTime();
            assertTrue(raw.isClosedByServer());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void paramsThatNeverEndCloseTheConnection() throws Exception {
        FcgiServer server = start(ServerParams.defaults().withParamsTimeout(Duration.ofMillis(300)),
                Handlers.text(""));
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.send(concat(begin(1, Role.RESPONDER, true),
                    record(RecordType.PARAMS, 1, new org.fcgibridge.core.protocol.NameValueWriter()
                            .add("A", "b").toByteArray())));
            assertTrue(raw.isClosedByServer());
        }
        waitFor(() -> server.activeRequestCount() == 0);
    }

    @Test
    void aStalledUploadClosesTheConnection() throws Exception {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        FcgiServer server = start(ServerParams.defaults().withIdleTimeout(Duration.ofMillis(400)), exchange -> {
            try {
                exchange.stdin().readAllBytes();
            } catch (IOException e) {
                seen.set(e);
            }
            return 0;
        });
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.send(concat(begin(1, Role.RESPONDER, true), params(1, GET),
                    record(RecordType.STDIN, 1, new byte[100])));
            assertTrue(raw.isClosedByServer());
        }
        waitFor(() -> seen.get() != null && server.activeRequestCount() == 0);
    }

    @Test
    void tooManyIdsOnAMultiplexedConnectionCloseIt() throws Exception {
        FcgiServer server = start(ServerParams.defaults().withMpxsConns(true).withMaxRequestsPerConnection(3),
                Handlers.text(""));
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.send(concat(begin(1, Role.RESPONDER, true), begin(2, Role.RESPONDER, true),
                    begin(3, Role.RESPONDER, true), begin(4, Role.RESPONDER, true)));
            assertTrue(raw.isClosedByServer());
        }
        waitFor(() -> server.activeRequestCount() == 0);
    }

    @Test
    void webServerAddrsRefusesOtherPeers() throws Exception {
        FcgiServer server = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults()
                .withWebServerAddrs(WebServerAddresses.parse("10.9.8.7, ::2")), RunnerFactory.of(Handlers.text("")));
        servers.add(server);
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.send(simpleRequest(1, true, GET));
            assertTrue(raw.isClosedByServer());
        }
        FcgiServer allowed = FcgiServer.start(ListenAddress.parse("127.0.0.1:0"), ServerParams.defaults()
                .withWebServerAddrs(WebServerAddresses.parse("127.0.0.1")), RunnerFactory.of(Handlers.text("yes")));
        servers.add(allowed);
        try (FcgiClient client = client(allowed)) {
            assertEquals("yes", client.execute(GET, new byte[0]).bodyText());
        }
    }

    @Test
    void gracefulCloseFinishesRequestsInFlightAndRefusesNewOnes() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        FcgiServer server = start(exchange -> {
            started.countDown();
            Thread.sleep(500);
            exchange.stdout().write(Handlers.cgi("finished"));
            return 0;
        });
        try (FcgiClient client = client(server)) {
            ClientRequest inFlight = client.begin(Role.RESPONDER, GET, true);
            inFlight.stdin().close();
            assertTrue(started.await(10, TimeUnit.SECONDS));
            Thread closer = new Thread(() -> server.close(Duration.ofSeconds(10)));
            closer.start();
            waitFor(() -> !server.isRunning());
            assertThrows(IOException.class, () -> client(server).execute(GET, new byte[0]));
            assertEquals("finished", inFlight.readResponse().bodyText());
            closer.join(10_000);
            assertFalse(closer.isAlive());
            assertEquals(0, server.connectionCount());
        }
    }

    @Test
    void closeAbortsWhatOutlivesTheGracePeriod() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        FcgiServer server = start(exchange -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            return 0;
        });
        try (FcgiClient client = client(server)) {
            ClientRequest inFlight = client.begin(Role.RESPONDER, GET, true);
            inFlight.stdin().close();
            assertTrue(started.await(10, TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            server.close(Duration.ofMillis(300));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(8));
            assertTrue(interrupted.get());
            assertThrows(IOException.class, inFlight::awaitEnd);
        }
    }

    @Test
    void manyConcurrentConnections() throws Exception {
        FcgiServer server = start(Handlers.echoBody());
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < 32; t++) {
            int n = t;
            Thread thread = new Thread(() -> {
                try (FcgiClient client = client(server)) {
                    for (int i = 0; i < 20; i++) {
                        byte[] body = ("c" + n + "r" + i).getBytes(StandardCharsets.UTF_8);
                        assertArrayEquals(body, client.execute(GET, body).body());
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        waitFor(() -> server.connectionCount() == 0 && server.activeRequestCount() == 0);
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        waitFor(condition, () -> "");
    }

    static void waitFor(java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s " + state.get());
            }
            Thread.sleep(10);
        }
    }

    /** Byte vectors shared with the protocol tests. */
    static final class ProtocolVectors {
        static final byte[] MALFORMED_PARAMS = java.util.HexFormat.of().parseHex("0104000100" + "0a0000"
                + "3232030405060708090a");
    }

    @Test
    void anEarlyAnswerWaitsUntilTheBodyHasArrivedAndTheBodyIsStillReadable() throws Exception {
        // nginx stops sending a body once it sees a response header: no STDOUT may leave before STDIN has ended
        FcgiServer server = start(ServerParams.defaults().withInputBufferBytes(1024), exchange -> {
            exchange.stdout().write(Handlers.cgi("early;"));
            exchange.stdout().flush();
            byte[] body = exchange.stdin().readAllBytes();
            exchange.stdout().write(("read " + body.length).getBytes(StandardCharsets.UTF_8));
            return 0;
        });
        try (FcgiClient client = client(server)) {
            ClientRequest request = client.begin(Role.RESPONDER, GET, true);
            request.stdin().write(new byte[5000]);
            request.stdin().flush();
            Thread.sleep(300);
            assertEquals(0, request.stdout().available(), "nothing answered before the body ended");
            request.stdin().write(new byte[100_000]);
            request.stdin().close();
            assertEquals("early;read 105000", request.readResponse().bodyText());
        }
    }

    @Test
    void anEarlyAnswerOnAWorkerWaitsForTheBodyToo() throws Exception {
        FcgiServer server = start(ServerParams.defaults().withMpxsConns(true).withInputBufferBytes(2048), exchange -> {
            exchange.stdout().write(Handlers.cgi("early;"));
            exchange.stdout().flush();
            exchange.stdout().write(("read " + exchange.stdin().readAllBytes().length)
                    .getBytes(StandardCharsets.UTF_8));
            return 0;
        });
        try (FcgiClient client = client(server)) {
            byte[] body = new byte[300_000];
            assertEquals("early;read 300000", client.execute(GET, body).bodyText());
        }
    }

    @Test
    void paramsArriveAsSent() throws Exception {
        AtomicReference<Params> seen = new AtomicReference<>();
        FcgiServer server = start(exchange -> {
            seen.set(exchange.params());
            assertNotNull(exchange.params());
            return 0;
        });
        try (FcgiClient client = client(server)) {
            client.execute(Map.of("QUERY_STRING", "a=1&b=%C3%A9", "DOCUMENT_URI", "/caf\u00e9"), new byte[0]);
        }
        assertEquals("a=1&b=%C3%A9", seen.get().get("QUERY_STRING"));
        assertEquals("/caf\u00e9", seen.get().get("DOCUMENT_URI"));
    }
}
