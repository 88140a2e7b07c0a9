package org.fcgibridge.core.ops;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.fcgibridge.core.http.CgiResponseHead;
import org.fcgibridge.core.http.RequestPath;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.ProtocolMonitor;
import org.fcgibridge.core.protocol.ProtocolStatus;
import org.fcgibridge.core.protocol.RequestRecord;

/**
 * What one server has done since it started, for its operators (php-fpm's {@code pm.status_path}, more): counters
 * of connections, requests, responses by status class, timeouts, aborts, slow requests and refusals, the requests in
 * flight, and gauges the engines add (CGI scripts, sessions). As the server's {@link ProtocolMonitor} it counts as
 * requests come and go, and answers the status page and the ping itself, before any application sees them.
 *
 * <p>Costs per request: a few atomic additions and one entry in a concurrent set. Requests it answers itself (status,
 * ping) are not counted.
 */
public final class ServerStatus implements ProtocolMonitor {
    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final String statusPath;
    private final String pingPath;
    private final byte[] pingResponse;
    private final long startMillis = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();
    private final LongAdder acceptedConnections = new LongAdder();
    private final LongAdder connectionsOpen = new LongAdder();
    private final LongAdder acceptedRequests = new LongAdder();
    private final AtomicInteger inFlightCount = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final LongAdder[] responses = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
        new LongAdder()};
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder aborts = new LongAdder();
    private final LongAdder slowRequests = new LongAdder();
    private final LongAdder overloaded = new LongAdder();
    private final Set<RequestRecord> inFlight = ConcurrentHashMap.newKeySet();
    private final List<Gauge> gauges = new CopyOnWriteArrayList<>();
    private volatile ListenBacklog backlog = ListenBacklog.of(null, -1);

    private record Gauge(String name, String help, LongSupplier value) {
    }

    /**
     * @param statusPath   the request path answered with the status page, or null for none
     * @param pingPath     the request path answered with {@code pingResponse}, or null for none
     * @param pingResponse the ping's body (php-fpm's {@code ping.response}), "pong" if null
     */
    public ServerStatus(String statusPath, String pingPath, String pingResponse) {
        this.statusPath = checkPath(statusPath, "--status-path");
        this.pingPath = checkPath(pingPath, "--ping-path");
        if (statusPath != null && statusPath.equals(pingPath)) {
            throw new IllegalArgumentException("--status-path and --ping-path must differ: " + statusPath);
        }
        this.pingResponse = page("text/plain; charset=utf-8",
                ((pingResponse == null ? "pong" : pingResponse) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A status that counts and answers nothing itself (for the slow log alone). */
    public ServerStatus() {
        this(null, null, null);
    }

    private static String checkPath(String path, String option) {
        if (path != null && (!path.startsWith("/") || path.indexOf('?') >= 0 || path.indexOf('#') >= 0)) {
            throw new IllegalArgumentException(option + " must be a path beginning with '/': " + path);
        }
        return path;
    }

    /**
     * The server listens on {@code local}, with the backlog it asked listen() for (negative: unknown): its accept queue
     * is shown where the system tells it (Linux, TCP).
     */
    public ServerStatus listening(SocketAddress local, int requestedBacklog) {
        backlog = ListenBacklog.of(local, requestedBacklog);
        return this;
    }

    /**
     * Adds a figure an engine knows (CGI scripts running, sessions): shown as a gauge after the server's own.
     *
     * @param name  lower case letters, digits and underscores, starting with a letter
     * @param help  one line saying what it counts
     * @param value read each time the page is made, from any thread
     */
    public void gauge(String name, String help, LongSupplier value) {
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("a gauge's name is lower case, digits and '_': " + name);
        }
        gauges.add(new Gauge(name, help, value));
    }

    /** A request ran past the slow log's timeout (the slow log calls this once per request it logs). */
    public void slowRequest() {
        slowRequests.increment();
    }

    /** The requests in flight now (a copy). */
    public Collection<RequestRecord> inFlight() {
        return new ArrayList<>(inFlight);
    }

    @Override
    public void connectionOpened() {
        acceptedConnections.increment();
        connectionsOpen.increment();
    }

    @Override
    public void connectionClosed() {
        connectionsOpen.decrement();
    }

    @Override
    public void refused(ProtocolStatus status) {
        if (status == ProtocolStatus.OVERLOADED) {
            overloaded.increment();
        }
    }

    @Override
    public byte[] answer(Params params) {
        if (statusPath == null && pingPath == null) {
            return null;
        }
        String path = RequestPath.raw(params); // as the client sent it, as the engines route it
        if (path == null) {
            return null;
        }
        if (path.equals(pingPath)) {
            return pingResponse.clone();
        }
        if (path.equals(statusPath)) {
            return statusPage(query(params));
        }
        return null;
    }

    @Override
    public void started(RequestRecord request) {
        acceptedRequests.increment();
        inFlight.add(request);
        int now = inFlightCount.incrementAndGet();
        int max = maxInFlight.get();
        while (now > max && !maxInFlight.compareAndSet(max, now)) {
            max = maxInFlight.get();
        }
    }

    @Override
    public void ended(RequestRecord request) {
        inFlight.remove(request);
        inFlightCount.decrementAndGet();
        int status = request.status();
        if (status >= 100 && status < 600) {
            responses[status / 100 - 1].increment();
        }
        if (request.isTimedOut()) {
            timeouts.increment();
        }
        if (request.isAborted()) {
            aborts.increment();
        }
    }

    private static String query(Params params) {
        String query = params.get("QUERY_STRING", "");
        if (query.isEmpty()) {
            String uri = params.get("REQUEST_URI", "");
            int at = uri.indexOf('?');
            query = at < 0 ? "" : uri.substring(at + 1);
        }
        return query;
    }

    /** The page the query asks for: {@code json} or {@code openmetrics}, else text; {@code full} adds the requests. */
    byte[] statusPage(String query) {
        boolean json = false;
        boolean openMetrics = false;
        boolean full = false;
        for (String part : query.split("&")) {
            int equals = part.indexOf('=');
            String name = equals < 0 ? part : part.substring(0, equals);
            json |= name.equals("json");
            openMetrics |= name.equals("openmetrics");
            full |= name.equals("full");
        }
        List<Metric> metrics = metrics();
        List<StatusPage.InFlight> requests = full ? requestsInFlight() : null;
        if (openMetrics) {
            return page(StatusPage.OPENMETRICS, StatusPage.openMetrics(metrics, requests));
        }
        if (json) {
            return page(StatusPage.JSON, StatusPage.json(metrics, requests));
        }
        return page(StatusPage.TEXT, StatusPage.text(metrics, requests));
    }

    /** The figures now, in the order every form shows them. */
    List<Metric> metrics() {
        long[] queue = backlog.read();
        Runtime runtime = Runtime.getRuntime();
        List<Metric> metrics = new ArrayList<>(24 + gauges.size());
        metrics.add(Metric.gauge("start_time_seconds", "When the server started, in seconds since the epoch.",
                startMillis / 1000));
        metrics.add(Metric.gauge("uptime_seconds", "How long the server has run.",
                (System.nanoTime() - startNanos) / 1_000_000_000L));
        metrics.add(Metric.counter("accepted_connections", "FastCGI connections accepted from the web server.",
                acceptedConnections.sum()));
        metrics.add(Metric.gauge("connections_open", "FastCGI connections open now.", connectionsOpen.sum()));
        metrics.add(Metric.counter("accepted_requests", "Requests started (the status page and ping not counted).",
                acceptedRequests.sum()));
        metrics.add(Metric.gauge("requests_in_flight", "Requests running now.", inFlightCount.get()));
        metrics.add(Metric.gauge("requests_in_flight_max", "The most requests that ran at once.", maxInFlight.get()));
        for (int i = 0; i < CLASSES.length; i++) {
            metrics.add(new Metric("responses", "Responses sent, by status class.", true, "class", CLASSES[i],
                    responses[i].sum()));
        }
        metrics.add(Metric.counter("request_timeouts", "Requests ended for running past --request-timeout.",
                timeouts.sum()));
        metrics.add(Metric.counter("aborted_requests", "Requests the web server aborted.", aborts.sum()));
        metrics.add(Metric.counter("slow_requests", "Requests that ran past --slowlog-timeout.",
                slowRequests.sum()));
        metrics.add(Metric.counter("overloaded_refusals", "Requests refused with FCGI_OVERLOADED (--max-conns, "
                + "--max-reqs).", overloaded.sum()));
        metrics.add(Metric.gauge("listen_queue", "Connections waiting to be accepted (Linux, TCP only).", queue[0]));
        metrics.add(Metric.gauge("listen_queue_len", "How many connections may wait to be accepted: the backlog, "
                + "capped by net.core.somaxconn.", queue[1]));
        metrics.add(Metric.gauge("heap_used_bytes", "Java heap in use.", runtime.totalMemory() - runtime.freeMemory()));
        metrics.add(Metric.gauge("heap_max_bytes", "The most Java heap the JVM will use.", runtime.maxMemory()));
        for (Gauge gauge : gauges) {
            metrics.add(Metric.gauge(gauge.name(), gauge.help(), gauge.value().getAsLong()));
        }
        return metrics;
    }

    private List<StatusPage.InFlight> requestsInFlight() {
        long now = System.nanoTime();
        List<StatusPage.InFlight> requests = new ArrayList<>();
        for (RequestRecord request : inFlight) {
            Thread thread = request.thread();
            requests.add(new StatusPage.InFlight(request.method(), request.uri(),
                    (now - request.startedNanos()) / 1_000_000L, thread == null ? "" : thread.getName(),
                    request.runner()));
        }
        requests.sort((a, b) -> Long.compare(b.elapsedMillis(), a.elapsedMillis()));
        return requests;
    }

    /** A whole CGI response: 200, the type, the length, never cached. */
    private static byte[] page(String contentType, byte[] body) {
        byte[] head = new CgiResponseHead().status(200).field("Content-Type", contentType)
                .field("Content-Length", body.length).field("Cache-Control", "no-cache").toByteArray();
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }
}
