package org.fcgibridge.servlet.cli;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.fcgibridge.core.client.ClientRequest;
import org.fcgibridge.core.client.FcgiClient;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.protocol.Role;

/**
 * A development front that speaks HTTP: each request is sent, as nginx would send it, over a real FastCGI connection
 * to the bridge that serves its path, and the CGI response is turned back into HTTP. So {@code curl} works with
 * nothing else installed. Not for production: put nginx (or another web server) in front there.
 *
 * <p>Like a web server with a {@code location} per application, it routes each request by its path's longest
 * context path ({@link #route}); a request no route takes is answered 404.
 */
public final class HttpFront {
    private static final System.Logger LOG = System.getLogger(HttpFront.class.getName());

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, ListenAddress> routes = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    private HttpFront(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Listens with no route yet.
     *
     * @param address where to listen for HTTP (port 0: a free one, see {@link #port()})
     * @throws IOException if the address cannot be listened on
     */
    public static HttpFront start(InetSocketAddress address) throws IOException {
        HttpServer server = HttpServer.create(address, 128);
        ExecutorService executor = Executors.newFixedThreadPool(16, task -> {
            Thread thread = new Thread(task, "http-front");
            thread.setDaemon(true);
            return thread;
        });
        HttpFront front = new HttpFront(server, executor);
        server.createContext("/", front::forward);
        server.setExecutor(executor);
        server.start();
        return front;
    }

    /**
     * Listens, every path going to {@code backend}.
     *
     * @throws IOException if the address cannot be listened on
     */
    static HttpFront start(InetSocketAddress address, ListenAddress backend) throws IOException {
        HttpFront front = start(address);
        front.route("", backend);
        return front;
    }

    /**
     * Sends the requests whose path is {@code contextPath} or under it to the FastCGI server at {@code backend}.
     *
     * @param contextPath "" for every path no other route takes, else "/" and a name, with no trailing slash
     * @throws IllegalArgumentException for a context path of another form
     */
    public void route(String contextPath, ListenAddress backend) {
        if (!contextPath.isEmpty() && (!contextPath.startsWith("/") || contextPath.endsWith("/"))) {
            throw new IllegalArgumentException("a context path is \"\" or /name, not " + contextPath);
        }
        routes.put(contextPath, backend);
    }

    /** Stops routing {@code contextPath}: its requests are answered 404 (or go to the "" route). */
    public void unroute(String contextPath) {
        routes.remove(contextPath);
    }

    /** The port listened on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The backend of the longest context path that {@code path} is in, or null. */
    private ListenAddress backend(String path) {
        String best = null;
        for (String contextPath : routes.keySet()) {
            boolean inside = contextPath.isEmpty() || path.equals(contextPath) || path.startsWith(contextPath + "/");
            if (inside && (best == null || contextPath.length() > best.length())) {
                best = contextPath;
            }
        }
        return best == null ? null : routes.get(best);
    }

    private void forward(HttpExchange exchange) {
        inFlight.incrementAndGet();
        try {
            forwardCounted(exchange);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void forwardCounted(HttpExchange exchange) {
        ListenAddress backend = backend(exchange.getRequestURI().getPath() == null ? "/"
                : exchange.getRequestURI().getPath());
        if (backend == null) {
            try (exchange) {
                exchange.sendResponseHeaders(404, -1);
            } catch (IOException clientGone) {
                // nothing to answer
            }
            return;
        }
        try (exchange; FcgiClient client = FcgiClient.connect(backend)) {
            ClientRequest request = client.begin(Role.RESPONDER, params(exchange), false);
            try (InputStream body = exchange.getRequestBody()) {
                sendBody(body, request.stdin());
            }
            InputStream stdout = request.stdout();
            Map<String, List<String>> headers = new LinkedHashMap<>();
            int status = readHead(stdout, headers);
            Headers out = exchange.getResponseHeaders();
            headers.forEach(out::put);
            long length = -1;
            List<String> declared = headers.get("Content-Length");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            if (declared != null) {
                length = Long.parseLong(declared.get(0).trim());
                out.remove("Content-Length");
            }
            boolean noBody = head || status == 204 || status == 304 || status < 200;
            exchange.sendResponseHeaders(status, noBody ? -1 : length == 0 ? -1 : length < 0 ? 0 : length);
            if (!noBody) {
                try (OutputStream body = exchange.getResponseBody()) {
                    copyAsItArrives(stdout, body);
                }
            }
            request.awaitEnd();
        } catch (IOException | RuntimeException e) {
            // a client that goes away is no fault of the server's, and any client can do it at will
            LOG.log(e instanceof ClientGone ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
                    "HTTP front: {0} {1} failed: {2}", exchange.getRequestMethod(), exchange.getRequestURI(),
                    e.toString());
            try {
                exchange.sendResponseHeaders(502, -1);
            } catch (IOException | RuntimeException alreadySent) {
                // the response had begun: the client sees a cut connection
            }
        }
    }

    /** The params nginx's fastcgi_params would send. */
    private static Map<String, String> params(HttpExchange exchange) {
        URI uri = exchange.getRequestURI();
        String raw = uri.getRawPath() == null ? "/" : uri.getRawPath();
        String query = uri.getRawQuery();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("QUERY_STRING", query == null ? "" : query);
        params.put("REQUEST_METHOD", exchange.getRequestMethod());
        Headers headers = exchange.getRequestHeaders();
        params.put("CONTENT_TYPE", headers.getFirst("Content-Type") == null ? "" : headers.getFirst("Content-Type"));
        params.put("CONTENT_LENGTH", headers.getFirst("Content-Length") == null ? ""
                : headers.getFirst("Content-Length"));
        params.put("SCRIPT_NAME", uri.getPath());
        params.put("REQUEST_URI", raw + (query == null ? "" : "?" + query));
        params.put("DOCUMENT_URI", uri.getPath());
        params.put("SERVER_PROTOCOL", exchange.getProtocol());
        params.put("REQUEST_SCHEME", "http");
        params.put("GATEWAY_INTERFACE", "CGI/1.1");
        params.put("SERVER_SOFTWARE", "fcgi-bridge-http-front");
        params.put("REMOTE_ADDR", exchange.getRemoteAddress().getAddress().getHostAddress());
        params.put("REMOTE_PORT", Integer.toString(exchange.getRemoteAddress().getPort()));
        params.put("SERVER_ADDR", exchange.getLocalAddress().getAddress().getHostAddress());
        params.put("SERVER_PORT", Integer.toString(exchange.getLocalAddress().getPort()));
        params.put("SERVER_NAME", exchange.getLocalAddress().getHostString());
        headers.forEach((name, values) -> {
            String key = "HTTP_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
            if (!key.equals("HTTP_CONTENT_TYPE") && !key.equals("HTTP_CONTENT_LENGTH")) {
                // as nginx joins a repeated header (1.23 and later): cookies are a list of their own
                params.put(key, String.join(key.equals("HTTP_COOKIE") ? "; " : ", ", values));
            }
        });
        return params;
    }

    /** Reads the CGI header block; returns the status. */
    private static int readHead(InputStream in, Map<String, List<String>> headers) throws IOException {
        int status = 200;
        boolean location = false;
        boolean explicitStatus = false;
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new IOException("the bridge ended the response inside its headers");
            }
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.split(" ", 2)[0]);
                explicitStatus = true;
            } else {
                location |= name.equalsIgnoreCase("Location");
                headers.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
            }
        }
        return !explicitStatus && location ? 302 : status;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Sends the request body as it arrives, as nginx does with {@code fastcgi_request_buffering off}: a ReadListener
     * sees each part when it comes. The application may answer and end the request before it has read all of it
     * (the server then closes the connection): the rest is not sent, and its answer is read all the same.
     */
    private static void sendBody(InputStream body, OutputStream stdin) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        int n;
        boolean sending = true;
        while ((n = readFromClient(body, buffer)) >= 0) {
            if (sending) {
                sending = sendOrStop(stdin, buffer, n);
            }
        }
        if (sending) {
            sendOrStop(stdin, buffer, -1);
        }
    }

    /** Writes and flushes n bytes (or closes for n &lt; 0); false if the server has ended the request. */
    private static boolean sendOrStop(OutputStream stdin, byte[] buffer, int n) {
        try {
            if (n < 0) {
                stdin.close();
            } else {
                stdin.write(buffer, 0, n);
                stdin.flush();
            }
            return true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "HTTP front: the application stopped taking the body: {0}",
                    e.toString());
            return false;
        }
    }

    /** Flushes after every read, so that a streamed response (server-sent events, a long poll) is not held back. */
    private static void copyAsItArrives(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            try {
                out.write(buffer, 0, n);
                out.flush();
            } catch (IOException e) {
                throw new ClientGone(e);
            }
        }
    }

    private static int readFromClient(InputStream body, byte[] buffer) throws ClientGone {
        try {
            return body.read(buffer);
        } catch (IOException e) {
            throw new ClientGone(e);
        }
    }

    /** The HTTP client's side of an exchange failed: it went away (an aborted download, a truncated body). */
    private static final class ClientGone extends IOException {
        private static final long serialVersionUID = 1L;

        ClientGone(IOException cause) {
            super(cause.toString(), cause);
        }
    }

    /**
     * Lets the exchanges in flight finish for up to {@code grace}, then stops, abandoning the rest. Call it before the
     * FastCGI server closes, so that requests the front accepted still reach the application.
     *
     * @throws InterruptedException if interrupted while exchanges finish (the front is stopped all the same)
     */
    public void close(Duration grace) throws InterruptedException {
        // not HttpServer.stop(grace): before Java 22 it waits out the whole delay even when nothing is in flight
        // (JDK-8304065), which held every stop of the launcher for its full 30 s grace
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            server.stop(0);
            executor.shutdownNow();
        }
    }

}
