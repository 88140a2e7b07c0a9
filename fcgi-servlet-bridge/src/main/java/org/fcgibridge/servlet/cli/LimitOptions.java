package org.fcgibridge.servlet.cli;

import java.time.Duration;
import org.fcgibridge.core.net.WebServerAddresses;
import org.fcgibridge.core.server.ServerParams;
import picocli.CommandLine.Option;

/**
 * The launcher's options for every field of {@link ServerParams}, with ServerParams' defaults: one value, built here,
 * goes to whichever engine serves, so that an option means the same on both. The names are fcgi-core.jar's.
 */
final class LimitOptions {
    @Option(names = "--max-conns", defaultValue = "1024", paramLabel = "N",
            description = "FCGI_MAX_CONNS: a request on a connection past it is answered OVERLOADED and the "
                    + "connection closed (default: ${DEFAULT-VALUE})")
    int maxConns;

    @Option(names = "--max-reqs", defaultValue = "1024", paramLabel = "N",
            description = "FCGI_MAX_REQS: concurrent requests over all connections; more are answered OVERLOADED "
                    + "(default: ${DEFAULT-VALUE})")
    int maxReqs;

    @Option(names = "--mpxs-conns", description = "FCGI_MPXS_CONNS=1: concurrent requests on one connection")
    boolean mpxsConns;

    @Option(names = "--max-requests-per-connection", defaultValue = "100", paramLabel = "N",
            description = "concurrent request ids on one multiplexed connection; more close it "
                    + "(default: ${DEFAULT-VALUE})")
    int maxRequestsPerConnection;

    @Option(names = "--max-params-bytes", defaultValue = "262144", paramLabel = "N",
            description = "PARAMS of one request; more close the connection (default: ${DEFAULT-VALUE})")
    int maxParamsBytes;

    @Option(names = "--params-budget-bytes", paramLabel = "N",
            description = "PARAMS still arriving over all connections; the connection that would pass it is closed "
                    + "(default: a quarter of the maximum heap)")
    Long paramsBudgetBytes;

    @Option(names = "--max-body-bytes", defaultValue = "0", paramLabel = "N",
            description = "a request body larger than this answers 413 (nginx's client_max_body_size); 0 = no limit "
                    + "(default: ${DEFAULT-VALUE})")
    long maxBodyBytes;

    @Option(names = "--spool-budget-bytes", defaultValue = "1073741824", paramLabel = "N",
            description = "request bodies kept in temporary files at once, over all requests; a read past it fails "
                    + "(503) (default: ${DEFAULT-VALUE})")
    long spoolBudgetBytes;

    @Option(names = "--input-buffer-bytes", defaultValue = "262144", paramLabel = "N",
            description = "unread request body held in memory per request; when full, the connection waits for the "
                    + "application (default: ${DEFAULT-VALUE})")
    int inputBufferBytes;

    @Option(names = "--output-record-bytes", defaultValue = "16384", paramLabel = "N",
            description = "content bytes per STDOUT record, 1..65535 (default: ${DEFAULT-VALUE})")
    int outputRecordBytes;

    @Option(names = "--idle-timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "close a connection that waits this long for the web server, 0 = never "
                    + "(default: ${DEFAULT-VALUE})")
    long idleTimeout;

    @Option(names = "--params-timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = "from BEGIN_REQUEST to the end of its PARAMS; longer closes the connection, 0 = no limit "
                    + "(default: ${DEFAULT-VALUE})")
    long paramsTimeout;

    @Option(names = "--request-timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "terminate a request that runs longer, 0 = never (default: ${DEFAULT-VALUE})")
    long requestTimeout;

    @Option(names = "--terminate-grace", defaultValue = "5", paramLabel = "SECONDS",
            description = "how long a terminated request may take to stop before it is ended anyway "
                    + "(default: ${DEFAULT-VALUE})")
    long terminateGrace;

    @Option(names = "--grace", defaultValue = "30", paramLabel = "SECONDS",
            description = "on SIGTERM, let requests in flight finish this long (default: ${DEFAULT-VALUE})")
    long grace;

    @Option(names = "--web-server-addrs", paramLabel = "LIST",
            description = "FCGI_WEB_SERVER_ADDRS: the IP addresses allowed to connect (default: the environment's)")
    String webServerAddrs;

    @Option(names = "--threads", defaultValue = "AUTO", paramLabel = "KIND",
            description = "AUTO, PLATFORM or VIRTUAL (default: ${DEFAULT-VALUE}: virtual threads on Java 21+)")
    ServerParams.ThreadKind threads;

    /**
     * The limits these options say, the same for both engines.
     *
     * @throws IllegalArgumentException naming the option, for a value out of its range
     */
    ServerParams params() {
        positive("--max-conns", maxConns);
        positive("--max-reqs", maxReqs);
        positive("--max-requests-per-connection", maxRequestsPerConnection);
        positive("--max-params-bytes", maxParamsBytes);
        positive("--input-buffer-bytes", inputBufferBytes);
        notNegative("--max-body-bytes", maxBodyBytes);
        notNegative("--spool-budget-bytes", spoolBudgetBytes);
        if (outputRecordBytes < 1 || outputRecordBytes > 0xFFFF) {
            throw new IllegalArgumentException("--output-record-bytes must be 1..65535: " + outputRecordBytes);
        }
        ServerParams defaults = ServerParams.defaults();
        long budget = paramsBudgetBytes == null ? Math.max(defaults.paramsBudgetBytes(), maxParamsBytes)
                : paramsBudgetBytes;
        if (budget < maxParamsBytes) {
            throw new IllegalArgumentException("--params-budget-bytes must be at least --max-params-bytes ("
                    + maxParamsBytes + "): " + budget);
        }
        return defaults.withMaxConns(maxConns).withMaxReqs(maxReqs).withMpxsConns(mpxsConns)
                .withMaxRequestsPerConnection(maxRequestsPerConnection).withParamsLimits(maxParamsBytes, budget)
                .withMaxBodyBytes(maxBodyBytes).withSpoolBudgetBytes(spoolBudgetBytes)
                .withInputBufferBytes(inputBufferBytes).withOutputRecordBytes(outputRecordBytes)
                .withIdleTimeout(seconds("--idle-timeout", idleTimeout))
                .withParamsTimeout(seconds("--params-timeout", paramsTimeout))
                .withRequestTimeout(seconds("--request-timeout", requestTimeout))
                .withTerminateGrace(seconds("--terminate-grace", terminateGrace))
                .withGracePeriod(seconds("--grace", grace))
                .withWebServerAddrs(webServers()).withThreads(threads);
    }

    /** FCGI_WEB_SERVER_ADDRS: --web-server-addrs, else the environment's. */
    WebServerAddresses webServers() {
        return webServerAddrs == null ? WebServerAddresses.fromEnvironment() : WebServerAddresses.parse(webServerAddrs);
    }

    private static void positive(String option, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be positive: " + value);
        }
    }

    private static void notNegative(String option, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(option + " must be 0 or more: " + value);
        }
    }

    private static Duration seconds(String option, long value) {
        notNegative(option, value);
        return Duration.ofSeconds(value);
    }
}
