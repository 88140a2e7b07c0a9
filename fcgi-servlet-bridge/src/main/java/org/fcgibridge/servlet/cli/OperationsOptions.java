package org.fcgibridge.servlet.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.fcgibridge.core.ops.Operations;
import picocli.CommandLine.Option;

/** The launcher's options for operators: the status page, the ping, the slow log (docs/operations.md). */
final class OperationsOptions {
    @Option(names = "--status-path", paramLabel = "PATH",
            description = "answer requests for PATH (e.g. /fcgi-status) with the server's status, before the "
                    + "application: text, ?json, ?openmetrics (Prometheus), ?full adds the requests in flight")
    String statusPath;

    @Option(names = "--ping-path", paramLabel = "PATH",
            description = "answer requests for PATH (e.g. /fcgi-ping) with --ping-response, for health checks")
    String pingPath;

    @Option(names = "--ping-response", paramLabel = "TEXT",
            description = "the ping's body (default: pong)")
    String pingResponse;

    @Option(names = "--slowlog", paramLabel = "FILE",
            description = "write the stack of each request running past --slowlog-timeout to FILE, once")
    Path slowLog;

    @Option(names = "--slowlog-timeout", defaultValue = "5", paramLabel = "SECONDS",
            description = "when a request counts as slow (default: ${DEFAULT-VALUE})")
    long slowLogTimeout;

    /**
     * What these options ask for.
     *
     * @throws IllegalArgumentException naming the option, for a value out of its range
     */
    Operations operations() {
        return Operations.of(statusPath, pingPath, pingResponse, slowLog, Duration.ofSeconds(slowLogTimeout));
    }
}
