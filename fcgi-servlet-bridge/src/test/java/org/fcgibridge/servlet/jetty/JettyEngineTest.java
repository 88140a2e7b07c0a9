package org.fcgibridge.servlet.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.fcgibridge.core.client.ClientRequest;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.client.FcgiResponse;
import org.fcgibridge.core.protocol.EndRequestBody;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.ProtocolStatus;
import org.fcgibridge.core.protocol.RecordType;
import org.fcgibridge.core.protocol.Role;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.core.testing.RawConnection;
import org.fcgibridge.servlet.http.FcgiAttributes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Jetty engine: Jetty 12 ee10 fed by fcgi-core's protocol through {@link FcgiConnectionFactory}. One test per fault
 * of Jetty's own jetty-fcgi-server (12.0.25), each of which fails there and passes here.
 */
@Timeout(60)
class JettyEngineTest {
    /** Describes what the servlet API says of the request, one "name=value" per line. */
    public static final class Describe extends HttpServlet {
        @Override
        protected void service(HttpServletRequest q, HttpServletResponse r) throws IOException {
            StringBuilder out = new StringBuilder();
            out.append("method=").append(q.getMethod()).append('\n');
            out.append("uri=").append(q.getRequestURI()).append('\n');
            out.append("servletPath=").append(q.getServletPath()).append('\n');
            out.append("pathInfo=").append(q.getPathInfo()).append('\n');
            out.append("query=").append(q.getQueryString()).append('\n');
            out.append("name=").append(q.getParameter("name")).append('\n');
            out.append("secure=").append(q.isSecure()).append('\n');
            out.append("scheme=").append(q.getScheme()).append('\n');
            out.append("remote=").append(q.getRemoteAddr()).append('\n');
            out.append("url=").append(q.getRequestURL()).append('\n');
            out.append("big=").append(q.getHeader("X-Big") == null ? -1 : q.getHeader("X-Big").length()).append('\n');
            out.append("role=").append(q.getAttribute(FcgiAttributes.ROLE)).append('\n');
            out.append("body=").append(q.getInputStream().readAllBytes().length).append('\n');
            r.setContentType("text/plain;charset=utf-8");
            r.getWriter().print(out);
        }
    }

    private static final java.util.concurrent.CountDownLatch INTERRUPTED = new java.util.concurrent.CountDownLatch(1);

    private Server server;
    /** What the server's jobs threw (Jetty logs it and goes on): none, ever. */
    private final List<Throwable> jobFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
    private int port;
    private long idleTimeoutMillis = 30_000;

    private void start(ServerParams limits) throws Exception {
        server = new Server(new QueuedThreadPool(32, 4) {
            @Override
            protected void runJob(Runnable job) {
                try {
                    super.runJob(job);
                } catch (RuntimeException | Error e) {
                    jobFailures.add(e);
                    throw e;
                }
            }
        });
        ServerConnector connector = new ServerConnector(server, new FcgiConnectionFactory(
                FcgiConnectionFactory.quietConfiguration(), limits));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(idleTimeoutMillis);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(Describe.class, "/d/*");
        context.addServlet(new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void service(HttpServletRequest q, HttpServletResponse r) throws IOException {
                q.getInputStream().readAllBytes(); // waits for a body that the web server will abort
                r.getWriter().print("read it all");
            }
        }, "/slow");
        context.addServlet(new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void service(HttpServletRequest q, HttpServletResponse r) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    INTERRUPTED.countDown();
                }
            }
        }, "/sleep");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private static Map<String, String> get(String uri) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("REQUEST_METHOD", "GET");
        params.put("REQUEST_URI", uri);
        int q = uri.indexOf('?');
        params.put("QUERY_STRING", q < 0 ? "" : uri.substring(q + 1));
        params.put("SERVER_PROTOCOL", "HTTP/1.1");
        params.put("SERVER_NAME", "example.org");
        params.put("SERVER_PORT", "80");
        params.put("REMOTE_ADDR", "203.0.113.7");
        params.put("REMOTE_PORT", "41000");
        params.put("HTTP_HOST", "example.org");
        return params;
    }

    private FcgiResponse execute(Map<String, String> params, byte[] body) throws IOException {
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", port))) {
            return client.execute(params, body);
        }
    }

    private static Map<String, String> lines(FcgiResponse response) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : response.bodyText().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                map.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return map;
    }

    @Test
    void formParametersArriveWithTheUnprefixedContentTypeAndLength() throws Exception {
        start(ServerParams.defaults());
        Map<String, String> params = get("/d/form");
        params.put("REQUEST_METHOD", "POST");
        params.put("CONTENT_TYPE", "application/x-www-form-urlencoded");
        byte[] body = "name=Zo%C3%AB".getBytes(StandardCharsets.US_ASCII);
        params.put("CONTENT_LENGTH", Integer.toString(body.length));
        FcgiResponse response = execute(params, body);
        assertEquals(200, response.status(), response.stdoutText());
        assertEquals("Zoë", lines(response).get("name"));
    }

    @Test
    void noDocumentUriAsApacheAndLighttpdSend() throws Exception {
        start(ServerParams.defaults());
        Map<String, String> params = get("/d/x?name=a");
        params.put("SCRIPT_NAME", "/d/x");
        FcgiResponse response = execute(params, new byte[0]);
        assertEquals(200, response.status(), response.stdoutText());
        assertEquals("/d/x", lines(response).get("uri"));
        assertEquals("a", lines(response).get("name"));
    }

    @Test
    void nginxsDecodedDocumentUriWithASpace() throws Exception {
        start(ServerParams.defaults());
        Map<String, String> params = get("/d/a%20b");
        params.put("DOCUMENT_URI", "/d/a b");
        FcgiResponse response = execute(params, new byte[0]);
        assertEquals(200, response.status(), response.stdoutText());
        assertEquals("/a b", lines(response).get("pathInfo"));
        assertEquals("/d/a%20b", lines(response).get("uri"));
    }

    @Test
    void aParamOf40KiBArrivesWhole() throws Exception {
        start(ServerParams.defaults());
        Map<String, String> params = get("/d/big");
        params.put("HTTP_X_BIG", "b".repeat(40 * 1024));
        FcgiResponse response = execute(params, new byte[0]);
        assertEquals(200, response.status(), response.stdoutText());
        assertEquals(Integer.toString(40 * 1024), lines(response).get("big"));
    }

    @Test
    void httpsOffIsNotSecureAndOnIs() throws Exception {
        start(ServerParams.defaults());
        Map<String, String> off = get("/d/s");
        off.put("HTTPS", "off");
        assertEquals("false", lines(execute(off, new byte[0])).get("secure"));
        Map<String, String> on = get("/d/s");
        on.put("HTTPS", "on");
        on.put("SERVER_PORT", "443");
        Map<String, String> described = lines(execute(on, new byte[0]));
        assertEquals("true", described.get("secure"));
        assertEquals("https://example.org/d/s", described.get("url"));
    }

    @Test
    void debiansHostWithoutThePortTakesTheServerPort() throws Exception {
        start(ServerParams.defaults());
        Map<String, String> params = get("/d/p");
        params.put("HTTP_HOST", "example.org");
        params.put("SERVER_PORT", "8080");
        FcgiResponse response = execute(params, new byte[0]);
        assertEquals(200, response.status(), response.stdoutText());
        assertEquals("http://example.org:8080/d/p", lines(response).get("url"));
    }

    @Test
    void theClientsAddressNotTheWebServers() throws Exception {
        start(ServerParams.defaults());
        assertEquals("203.0.113.7", lines(execute(get("/d/r"), new byte[0])).get("remote"));
    }

    @Test
    void keepConnOffClosesTheConnectionAfterTheRequest() throws Exception {
        start(ServerParams.defaults());
        try (RawConnection raw = new RawConnection(port)) {
            raw.setTimeout(10_000);
            raw.send(RawConnection.simpleRequest(1, false, get("/d/k")));
            List<RawConnection.Received> records = raw.readUntilEnd(1);
            assertEquals(RecordType.END_REQUEST, records.get(records.size() - 1).recordType());
            assertTrue(raw.isClosedByServer(), "KEEP_CONN=0: the application closes the connection");
        }
    }

    @Test
    void keepConnOnServesManyRequestsOnOneConnection() throws Exception {
        start(ServerParams.defaults());
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", port))) {
            for (int i = 0; i < 5; i++) {
                FcgiResponse response = client.execute(Role.RESPONDER, get("/d/n" + i), new byte[0], true);
                assertEquals("/d/n" + i, lines(response).get("uri"));
            }
        }
    }

    @Test
    void idleKeptConnectionsHoldNoThread() throws Exception {
        start(ServerParams.defaults()); // a pool of 32 threads
        List<FcgiClient> idle = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) { // nginx's upstream keepalive holds connections like these
                FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", port));
                idle.add(client);
                client.execute(Role.RESPONDER, get("/d/warm"), new byte[0], true);
            }
            assertEquals("/d/after", lines(execute(get("/d/after"), new byte[0])).get("uri"));
        } finally {
            for (FcgiClient client : idle) {
                client.close();
            }
        }
    }

    @Test
    void anUnknownRoleIsRefusedAndTheUnkeptConnectionCloses() throws Exception {
        start(ServerParams.defaults());
        try (RawConnection raw = new RawConnection(port)) {
            raw.setTimeout(10_000);
            raw.send(RawConnection.record(RecordType.BEGIN_REQUEST, 1, new byte[] {0, 9, 0, 0, 0, 0, 0, 0}));
            RawConnection.Received end = raw.read();
            assertEquals(RecordType.END_REQUEST, end.recordType());
            assertEquals(ProtocolStatus.UNKNOWN_ROLE.code(), end.content()[4]);
            assertTrue(raw.isClosedByServer(), "KEEP_CONN=0: closed after the END_REQUEST, as after any request");
        }
    }

    @Test
    void aWebServerThatStallsIsClosedAtTheIdleTimeout() throws Exception {
        idleTimeoutMillis = 500;
        start(ServerParams.defaults());
        Map<String, String> post = get("/slow");
        post.put("REQUEST_METHOD", "POST");
        post.put("CONTENT_LENGTH", "100");
        try (RawConnection midBody = new RawConnection(port); RawConnection midParams = new RawConnection(port)) {
            midBody.setTimeout(10_000);
            midParams.setTimeout(10_000);
            midBody.send(RawConnection.concat(RawConnection.begin(1, Role.RESPONDER, true),
                    RawConnection.params(1, post), RawConnection.record(RecordType.STDIN, 1, new byte[10])));
            midParams.send(RawConnection.concat(RawConnection.begin(1, Role.RESPONDER, true),
                    RawConnection.record(RecordType.PARAMS, 1, new byte[] {4, 3, 'N', 'A', 'M', 'E', 'x', 'y', 'z'})));
            assertTrue(midBody.isClosedByServer(), "a body that stops coming");
            assertTrue(midParams.isClosedByServer(), "params that stop coming");
        }
        assertEquals("/d/after", lines(execute(get("/d/after"), new byte[0])).get("uri"));
    }

    @Test
    void aRequestPastItsTimeLimitIs504AndItsThreadIsInterrupted() throws Exception {
        start(ServerParams.defaults().withRequestTimeout(Duration.ofSeconds(1)));
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", port))) {
            FcgiResponse response = client.execute(Role.RESPONDER, get("/sleep"), new byte[0], true);
            assertEquals(504, response.status());
            assertTrue(INTERRUPTED.await(10, java.util.concurrent.TimeUnit.SECONDS), "the servlet's thread");
            assertEquals("/d/next", lines(client.execute(Role.RESPONDER, get("/d/next"), new byte[0], true))
                    .get("uri"), "the kept connection serves on");
        }
    }

    @Test
    void getValuesIsAnswered() throws Exception {
        start(ServerParams.defaults().withMaxConns(77).withMaxReqs(5));
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", port))) {
            Params values = client.getValues("FCGI_MAX_CONNS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS");
            assertEquals("77", values.get("FCGI_MAX_CONNS"));
            assertEquals("5", values.get("FCGI_MAX_REQS"));
            assertEquals("0", values.get("FCGI_MPXS_CONNS"));
        }
    }

    @Test
    void aConnectionThatClosesAsItsRequestStartsFailsNoJob() throws Exception {
        start(ServerParams.defaults());
        for (int i = 0; i < 200; i++) {
            try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", port))) {
                Map<String, String> params = get("/slow");
                params.put("REQUEST_METHOD", "POST");
                params.put("CONTENT_LENGTH", "1000");
                ClientRequest request = client.begin(Role.RESPONDER, params, false);
                request.stdin().write(new byte[100]);
                request.stdin().flush();
            } // closed at once: the failure races the start of the request's handler (Jetty's HandlerInvoker)
        }
        ServerConnector connector = (ServerConnector) server.getConnectors()[0];
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!connector.getConnectedEndPoints().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(connector.getConnectedEndPoints().isEmpty(), "the connections are closed");
        assertEquals("/d/after", lines(execute(get("/d/after"), new byte[0])).get("uri"), "and the server serves");
        server.stop(); // its threads have run what they were given
        server = null;
        // a job that a closing connection gives the pool as it stops is refused: that is the stop, not the race
        jobFailures.removeIf(e -> e instanceof java.util.concurrent.RejectedExecutionException);
        java.io.StringWriter stacks = new java.io.StringWriter();
        jobFailures.forEach(e -> e.printStackTrace(new java.io.PrintWriter(stacks, true)));
        assertTrue(jobFailures.isEmpty(), stacks::toString);
    }

    @Test
    void abortRequestEndsARequestThatWaitsForItsBody() throws Exception {
        start(ServerParams.defaults());
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", port))) {
            Map<String, String> params = get("/slow");
            params.put("REQUEST_METHOD", "POST");
            params.put("CONTENT_LENGTH", "1000");
            ClientRequest request = client.begin(Role.RESPONDER, params, true);
            OutputStream stdin = request.stdin();
            stdin.write(new byte[100]);
            stdin.flush();
            Thread.sleep(200);
            request.abort();
            EndRequestBody end = request.awaitEnd(Duration.ofSeconds(10));
            assertEquals(ProtocolStatus.REQUEST_COMPLETE, end.protocolStatus());
            // the connection goes on serving
            assertEquals("/d/after", lines(client.execute(Role.RESPONDER, get("/d/after"), new byte[0], true))
                    .get("uri"));
        }
    }

    @Test
    void aSecondRequestIdIsRefusedWithoutMultiplexingAndServedWithIt() throws Exception {
        start(ServerParams.defaults());
        try (RawConnection raw = new RawConnection(port)) {
            raw.setTimeout(10_000);
            Map<String, String> slow = get("/slow");
            slow.put("REQUEST_METHOD", "POST");
            slow.put("CONTENT_LENGTH", "10");
            raw.send(RawConnection.concat(RawConnection.begin(1, Role.RESPONDER, true),
                    RawConnection.params(1, slow), RawConnection.record(RecordType.PARAMS, 1, new byte[0])));
            raw.send(RawConnection.simpleRequest(2, true, get("/d/second")));
            List<RawConnection.Received> second = raw.readUntilEnd(2);
            EndRequestBody end = EndRequestBody.decode(second.get(second.size() - 1).content(), 0, 8);
            assertEquals(ProtocolStatus.CANT_MPX_CONN, end.protocolStatus());
        }
        server.stop();
        start(ServerParams.defaults().withMpxsConns(true));
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", port))) {
            ClientRequest first = client.begin(Role.RESPONDER, get("/d/one"), true);
            ClientRequest second = client.begin(Role.RESPONDER, get("/d/two"), true);
            first.stdin().close();
            second.stdin().close();
            assertEquals("/d/two", lines(second.readResponse()).get("uri"));
            assertEquals("/d/one", lines(first.readResponse()).get("uri"));
        }
    }

    @Test
    void anAuthorizerGetsNoBodyAndSeesItsRole() throws Exception {
        start(ServerParams.defaults());
        try (FcgiClient client = FcgiClient.connect(new InetSocketAddress("127.0.0.1", port))) {
            FcgiResponse response = client.execute(Role.AUTHORIZER, get("/d/auth"), new byte[0], true);
            assertEquals("AUTHORIZER", lines(response).get("role"));
            assertEquals("0", lines(response).get("body"));
        }
    }

    @Test
    void anUnmappableRequestIs400() throws Exception {
        start(ServerParams.defaults());
        Map<String, String> params = get("/d/x");
        params.remove("REQUEST_METHOD");
        assertEquals(400, execute(params, new byte[0]).status());
    }

    @Test
    void aLargeUploadStreamsThroughABoundedQueue() throws Exception {
        start(ServerParams.defaults());
        Map<String, String> params = get("/d/up");
        params.put("REQUEST_METHOD", "PUT");
        byte[] body = new byte[8 * 1024 * 1024];
        params.put("CONTENT_LENGTH", Integer.toString(body.length));
        FcgiResponse response = execute(params, body);
        assertEquals(Integer.toString(body.length), lines(response).get("body"));
    }
}
