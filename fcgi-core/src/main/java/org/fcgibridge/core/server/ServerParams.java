package org.fcgibridge.core.server;

import java.time.Duration;
import java.util.Objects;
import org.fcgibridge.core.net.WebServerAddresses;
import org.fcgibridge.core.protocol.ProtocolLimits;

/**
 * The server's limits and timeouts, immutable. Start from {@link #defaults()} and change what you need with the
 * {@code with...} methods, each of which returns a new value.
 *
 * <p>FCGI_MAX_CONNS, FCGI_MAX_REQS and FCGI_MPXS_CONNS are reported to web servers that ask with GET_VALUES and are
 * enforced: a connection past {@code maxConns}, and a request past {@code maxReqs}, is answered OVERLOADED; a second
 * concurrent request on a connection is answered CANT_MPX_CONN unless {@code mpxsConns}.
 *
 * @param maxConns                  FCGI_MAX_CONNS: concurrent connections
 * @param maxReqs                   FCGI_MAX_REQS: concurrent requests over all connections
 * @param mpxsConns                 FCGI_MPXS_CONNS: whether a connection may carry concurrent requests
 * @param maxRequestsPerConnection  concurrent request ids on one multiplexed connection; more closes it
 * @param maxParamsBytes            bytes of one request's PARAMS stream; more closes the connection
 * @param paramsBudgetBytes         bytes of PARAMS streams still arriving, over all connections: past it, the
 *                                  connection whose params would exceed it is closed (so that peers that never end
 *                                  their params cannot exhaust the heap)
 * @param maxBodyBytes              bytes of one request's body (STDIN) a runner may read, 0 for no limit: a
 *                                  CONTENT_LENGTH over it is answered 413 without running anything, a body that grows
 *                                  past it fails the read with an
 *                                  {@link org.fcgibridge.core.runner.InputRefusedException}
 * @param spoolBudgetBytes          bytes of request bodies kept in temporary files (read after the runner began to
 *                                  answer), over all requests: past it, the read fails (503)
 * @param inputBufferBytes          input (STDIN, DATA) held per request for a runner that has not read it yet; when
 *                                  full, the connection waits for the runner
 * @param outputRecordBytes         content bytes per STDOUT record (1..65535)
 * @param idleTimeout               a connection that waits this long for the web server (no request, or a stalled
 *                                  upload, or a response the web server does not read) is closed
 * @param paramsTimeout             from BEGIN_REQUEST until the PARAMS stream has ended; longer closes the connection
 * @param requestTimeout            a runner that runs longer is terminated (zero: no limit)
 * @param terminateGrace            how long a terminated runner may take to stop before its request is ended anyway
 * @param gracePeriod               how long {@code close()} lets requests in flight finish before aborting them
 * @param webServerAddrs            FCGI_WEB_SERVER_ADDRS: the peers allowed to connect over TCP (empty: any)
 * @param threads                   which threads serve connections
 */
public record ServerParams(
        int maxConns,
        int maxReqs,
        boolean mpxsConns,
        int maxRequestsPerConnection,
        int maxParamsBytes,
        long paramsBudgetBytes,
        long maxBodyBytes,
        long spoolBudgetBytes,
        int inputBufferBytes,
        int outputRecordBytes,
        Duration idleTimeout,
        Duration paramsTimeout,
        Duration requestTimeout,
        Duration terminateGrace,
        Duration gracePeriod,
        WebServerAddresses webServerAddrs,
        ThreadKind threads) {

    /** Which threads serve connections and run requests. */
    public enum ThreadKind {
        /** Virtual threads where the JVM has them (21+), else platform threads. */
        AUTO,
        /** Platform threads always. */
        PLATFORM,
        /** Virtual threads; fails at start on a JVM without them. */
        VIRTUAL
    }

    /**
     * @throws IllegalArgumentException if a number is out of its range or a duration is negative
     */
    public ServerParams {
        positive("maxConns", maxConns);
        positive("maxReqs", maxReqs);
        positive("maxRequestsPerConnection", maxRequestsPerConnection);
        positive("maxParamsBytes", maxParamsBytes);
        if (maxBodyBytes < 0 || spoolBudgetBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes and spoolBudgetBytes must not be negative: "
                    + maxBodyBytes + ", " + spoolBudgetBytes);
        }
        if (paramsBudgetBytes < maxParamsBytes) {
            throw new IllegalArgumentException("paramsBudgetBytes must be at least maxParamsBytes: "
                    + paramsBudgetBytes);
        }
        positive("inputBufferBytes", inputBufferBytes);
        if (outputRecordBytes < 1 || outputRecordBytes > 0xFFFF) {
            throw new IllegalArgumentException("outputRecordBytes must be 1..65535: " + outputRecordBytes);
        }
        notNegative("idleTimeout", idleTimeout);
        notNegative("paramsTimeout", paramsTimeout);
        notNegative("requestTimeout", requestTimeout);
        notNegative("terminateGrace", terminateGrace);
        notNegative("gracePeriod", gracePeriod);
        Objects.requireNonNull(webServerAddrs, "webServerAddrs");
        Objects.requireNonNull(threads, "threads");
    }

    /**
     * Defaults fit for one web server on the same host: 1024 connections and requests, no multiplexing (no mainstream
     * web server multiplexes, and a connection that carries one request at a time runs it without a thread hand-off),
     * 256 KiB of params (and a quarter of the maximum heap for all params still arriving), no limit on a body (the web
     * server's, nginx's client_max_body_size, applies) but 1 GiB of bodies in temporary files at once, 256 KiB of
     * buffered input per request, 16 KiB records, idle timeout 120 s (longer than
     * nginx's 60 s upstream keepalive, so nginx closes first), params within 30 s, requests within 300 s, 5 s to stop
     * a terminated runner, 30 s grace on close, and FCGI_WEB_SERVER_ADDRS from the environment.
     */
    public static ServerParams defaults() {
        return new ServerParams(1024, 1024, false, 100, 256 * 1024,
                Math.max(256 * 1024, Runtime.getRuntime().maxMemory() / 4), 0, 1L << 30, 256 * 1024, 16 * 1024,
                Duration.ofSeconds(120), Duration.ofSeconds(30), Duration.ofSeconds(300), Duration.ofSeconds(5),
                Duration.ofSeconds(30), WebServerAddresses.fromEnvironment(), ThreadKind.AUTO);
    }

    public ServerParams withMaxConns(int value) {
        return new ServerParams(value, maxReqs, mpxsConns, maxRequestsPerConnection, maxParamsBytes,
                paramsBudgetBytes, maxBodyBytes, spoolBudgetBytes, inputBufferBytes, outputRecordBytes, idleTimeout,
                paramsTimeout, requestTimeout, terminateGrace, gracePeriod, webServerAddrs, threads);
    }

    public ServerParams withMaxReqs(int value) {
        return new ServerParams(maxConns, value, mpxsConns, maxRequestsPerConnection, maxParamsBytes,
                paramsBudgetBytes, maxBodyBytes, spoolBudgetBytes, inputBufferBytes, outputRecordBytes, idleTimeout,
                paramsTimeout, requestTimeout, terminateGrace, gracePeriod, webServerAddrs, threads);
    }

    public ServerParams withMpxsConns(boolean value) {
        return new ServerParams(maxConns, maxReqs, value, maxRequestsPerConnection, maxParamsBytes, paramsBudgetBytes,
                maxBodyBytes, spoolBudgetBytes, inputBufferBytes, outputRecordBytes, idleTimeout, paramsTimeout,
                requestTimeout, terminateGrace, gracePeriod, webServerAddrs, threads);
    }

    public ServerParams withMaxRequestsPerConnection(int value) {
        return new ServerParams(maxConns, maxReqs, mpxsConns, value, maxParamsBytes, paramsBudgetBytes, maxBodyBytes,
                spoolBudgetBytes, inputBufferBytes, outputRecordBytes, idleTimeout, paramsTimeout, requestTimeout,
                terminateGrace, gracePeriod, webServerAddrs, threads);
    }

    public ServerParams withMaxParamsBytes(int value) {
        return new ServerParams(maxConns, maxReqs, mpxsConns, maxRequestsPerConnection, value, paramsBudgetBytes,
                maxBodyBytes, spoolBudgetBytes, inputBufferBytes, outputRecordBytes, idleTimeout, paramsTimeout,
                requestTimeout, terminateGrace, gracePeriod, webServerAddrs, threads);
    }

    public ServerParams withParamsBudgetBytes(long value) {
        return new ServerParams(maxConns, maxReqs, mpxsConns, maxRequestsPerConnection, maxParamsBytes, value,
                maxBodyBytes, spoolBudgetBytes, inputBufferBytes, outputRecordBytes, idleTimeout, paramsTimeout,
                requestTimeout, terminateGrace, gracePeriod, webServerAddrs, threads);
    }

    /**
     * Both bounds of params at once, for values that each of {@link #withMaxParamsBytes} and
     * {@link #withParamsBudgetBytes} would refuse alone (a budget below the current maximum, a maximum above the
     * current budget).
     *
     * @throws IllegalArgumentException if {@code maxParams} is not positive or {@code budget} is below it
     */
    public ServerParams withParamsLimits(int maxParams, long budget) {
        return new ServerParams(maxConns, maxReqs, mpxsConns, maxRequestsPerConnection, maxParams, budget,
                maxBodyBytes, spoolBudgetBytes, inputBufferBytes, outputRecordBytes, idleTimeout, paramsTimeout,
                requestTimeout, terminateGrace, gracePeriod, webServerAddrs, threads);
    }

    public ServerParams withMaxBodyBytes(long value) {
        return new ServerParams(maxConns, maxReqs, mpxsConns, maxRequestsPerConnection, maxParamsBytes,
                paramsBudgetBytes, value, spoolBudgetBytes, inputBufferBytes, outputRecordBytes, idleTimeout,
                paramsTimeout, requestTimeout, terminateGrace, gracePeriod, webServerAddrs, threads);
    }

    public ServerParams withSpoolBudgetBytes(long value) {
        return new ServerParams(maxConns, maxReqs, mpxsConns, maxRequestsPerConnection, maxParamsBytes,
                paramsBudgetBytes, maxBodyBytes, value, inputBufferBytes, outputRecordBytes, idleTimeout,
                paramsTimeout, requestTimeout, terminateGrace, gracePeriod, webServerAddrs, threads);
    }

    public ServerParams withInputBufferBytes(int value) {
        return new ServerParams(maxConns, maxReqs, mpxsConns, maxRequestsPerConnection, maxParamsBytes,
                paramsBudgetBytes, maxBodyBytes, spoolBudgetBytes, value, outputRecordBytes, idleTimeout,
                paramsTimeout, requestTimeout, terminateGrace, gracePeriod, webServerAddrs, threads);
    }

    public ServerParams withOutputRecordBytes(int value) {
        return new ServerParams(maxConns, maxReqs, mpxsConns, maxRequestsPerConnection, maxParamsBytes,
                paramsBudgetBytes, maxBodyBytes, spoolBudgetBytes, inputBufferBytes, value, idleTimeout,
                paramsTimeout, requestTimeout, terminateGrace, gracePeriod, webServerAddrs, threads);
    }

    public ServerParams withIdleTimeout(Duration value) {
        return new ServerParams(maxConns, maxReqs, mpxsConns, maxRequestsPerConnection, maxParamsBytes,
                paramsBudgetBytes, maxBodyBytes, spoolBudgetBytes, inputBufferBytes, outputRecordBytes, value,
                paramsTimeout, requestTimeout, terminateGrace, gracePeriod, webServerAddrs, threads);
    }

    public ServerParams withParamsTimeout(Duration value) {
        return new ServerParams(maxConns, maxReqs, mpxsConns, maxRequestsPerConnection, maxParamsBytes,
                paramsBudgetBytes, maxBodyBytes, spoolBudgetBytes, inputBufferBytes, outputRecordBytes, idleTimeout,
                value, requestTimeout, terminateGrace, gracePeriod, webServerAddrs, threads);
    }

    public ServerParams withRequestTimeout(Duration value) {
        return new ServerParams(maxConns, maxReqs, mpxsConns, maxRequestsPerConnection, maxParamsBytes,
                paramsBudgetBytes, maxBodyBytes, spoolBudgetBytes, inputBufferBytes, outputRecordBytes, idleTimeout,
                paramsTimeout, value, terminateGrace, gracePeriod, webServerAddrs, threads);
    }

    public ServerParams withTerminateGrace(Duration value) {
        return new ServerParams(maxConns, maxReqs, mpxsConns, maxRequestsPerConnection, maxParamsBytes,
                paramsBudgetBytes, maxBodyBytes, spoolBudgetBytes, inputBufferBytes, outputRecordBytes, idleTimeout,
                paramsTimeout, requestTimeout, value, gracePeriod, webServerAddrs, threads);
    }

    public ServerParams withGracePeriod(Duration value) {
        return new ServerParams(maxConns, maxReqs, mpxsConns, maxRequestsPerConnection, maxParamsBytes,
                paramsBudgetBytes, maxBodyBytes, spoolBudgetBytes, inputBufferBytes, outputRecordBytes, idleTimeout,
                paramsTimeout, requestTimeout, terminateGrace, value, webServerAddrs, threads);
    }

    public ServerParams withWebServerAddrs(WebServerAddresses value) {
        return new ServerParams(maxConns, maxReqs, mpxsConns, maxRequestsPerConnection, maxParamsBytes,
                paramsBudgetBytes, maxBodyBytes, spoolBudgetBytes, inputBufferBytes, outputRecordBytes, idleTimeout,
                paramsTimeout, requestTimeout, terminateGrace, gracePeriod, value, threads);
    }

    public ServerParams withThreads(ThreadKind value) {
        return new ServerParams(maxConns, maxReqs, mpxsConns, maxRequestsPerConnection, maxParamsBytes,
                paramsBudgetBytes, maxBodyBytes, spoolBudgetBytes, inputBufferBytes, outputRecordBytes, idleTimeout,
                paramsTimeout, requestTimeout, terminateGrace, gracePeriod, webServerAddrs, value);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void notNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
    }

    /** What the FastCGI protocol enforces on each connection, from these params. */
    public ProtocolLimits protocolLimits() {
        return new ProtocolLimits(maxConns, maxReqs, mpxsConns, maxRequestsPerConnection, maxParamsBytes,
                maxBodyBytes, paramsTimeout);
    }
}
