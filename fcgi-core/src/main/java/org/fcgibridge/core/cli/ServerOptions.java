package org.fcgibridge.core.cli;

import java.util.Locale;
import java.util.Set;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.net.WebServerAddresses;
import org.fcgibridge.core.server.ServerParams;

/**
 * The server options every command shares: where to listen, and the limits and timeouts of {@link ServerParams}.
 */
final class ServerOptions {
    static final Set<String> WITH_VALUE = Set.of("listen", "socket-mode", "max-conns", "max-reqs",
            "max-requests-per-connection", "max-params-bytes", "params-budget-bytes", "max-body-bytes",
            "spool-budget-bytes", "input-buffer-bytes", "output-record-bytes", "idle-timeout", "params-timeout",
            "request-timeout", "terminate-grace", "grace", "web-server-addrs", "threads");
    static final Set<String> FLAGS = Set.of("mpxs-conns", "help");

    static final String HELP = String.join("\n",
            "  --listen ADDR                 host:port, [ipv6]:port, unix:PATH or fd:0 (default 127.0.0.1:9000)",
            "  --socket-mode MODE            mode of a Unix socket file: 660, 666 or rw-rw---- (default 660)",
            "  --max-conns N                 FCGI_MAX_CONNS (default 1024)",
            "  --max-reqs N                  FCGI_MAX_REQS (default 1024)",
            "  --mpxs-conns                  FCGI_MPXS_CONNS=1: accept concurrent requests on one connection",
            "  --max-requests-per-connection N  concurrent ids on a multiplexed connection (default 100)",
            "  --max-params-bytes N          PARAMS per request (default 262144)",
            "  --params-budget-bytes N       PARAMS still arriving, all connections (default: a quarter of the heap)",
            "  --max-body-bytes N            a request body larger answers 413; 0 = no limit (default 0)",
            "  --spool-budget-bytes N        bodies in temporary files, all requests (default 1073741824)",
            "  --input-buffer-bytes N        unread STDIN held per request (default 262144)",
            "  --output-record-bytes N       content bytes per STDOUT record, 1..65535 (default 16384)",
            "  --idle-timeout SECONDS        close a connection that waits this long; 0 = never (default 120)",
            "  --params-timeout SECONDS      PARAMS must arrive within this; 0 = no limit (default 30)",
            "  --request-timeout SECONDS     terminate a request running longer; 0 = never (default 300)",
            "  --terminate-grace SECONDS     a terminated request's time to stop before it is ended (default 5)",
            "  --grace SECONDS               on SIGTERM, let requests finish this long (default 30)",
            "  --web-server-addrs LIST       FCGI_WEB_SERVER_ADDRS: IPs allowed to connect (default: env or any)",
            "  --threads auto|platform|virtual  (default auto: virtual threads on Java 21+)");

    final ListenAddress listen;
    final String socketMode;
    final ServerParams params;

    ServerOptions(CommandLine line) throws CommandLine.UsageException {
        try {
            listen = ListenAddress.parse(line.get("listen", "127.0.0.1:9000"));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("--listen: " + e.getMessage());
        }
        socketMode = parseMode(line.get("socket-mode", "660"));
        ServerParams p = ServerParams.defaults();
        p = p.withMaxConns(line.positiveInt("max-conns", p.maxConns()))
                .withMaxReqs(line.positiveInt("max-reqs", p.maxReqs()))
                .withMpxsConns(line.has("mpxs-conns"))
                .withMaxRequestsPerConnection(line.positiveInt("max-requests-per-connection",
                        p.maxRequestsPerConnection()))
                .withMaxBodyBytes(bytes(line.get("max-body-bytes", "0"), "--max-body-bytes"))
                .withSpoolBudgetBytes(bytes(line.get("spool-budget-bytes", Long.toString(p.spoolBudgetBytes())),
                        "--spool-budget-bytes"))
                .withInputBufferBytes(line.positiveInt("input-buffer-bytes", p.inputBufferBytes()))
                .withOutputRecordBytes(outputRecordBytes(line.positiveInt("output-record-bytes",
                        p.outputRecordBytes())))
                .withIdleTimeout(line.seconds("idle-timeout", p.idleTimeout()))
                .withParamsTimeout(line.seconds("params-timeout", p.paramsTimeout()))
                .withRequestTimeout(line.seconds("request-timeout", p.requestTimeout()))
                .withTerminateGrace(line.seconds("terminate-grace", p.terminateGrace()))
                .withGracePeriod(line.seconds("grace", p.gracePeriod()));
        int maxParams = line.positiveInt("max-params-bytes", p.maxParamsBytes());
        p = p.withParamsLimits(maxParams, paramsBudget(line, p.paramsBudgetBytes(), maxParams));
        if (line.has("web-server-addrs")) {
            try {
                p = p.withWebServerAddrs(WebServerAddresses.parse(line.get("web-server-addrs", "")));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.UsageException(e.getMessage());
            }
        }
        try {
            p = p.withThreads(ServerParams.ThreadKind.valueOf(line.get("threads", "auto").toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("--threads must be auto, platform or virtual");
        }
        params = p;
    }

    private static int outputRecordBytes(int value) throws CommandLine.UsageException {
        if (value > 0xFFFF) {
            throw new CommandLine.UsageException("--output-record-bytes must be 1..65535: " + value);
        }
        return value;
    }

    /** --params-budget-bytes, else the default raised to --max-params-bytes (one request's params always fit). */
    private static long paramsBudget(CommandLine line, long fallback, int maxParams)
            throws CommandLine.UsageException {
        if (!line.has("params-budget-bytes")) {
            return Math.max(fallback, maxParams);
        }
        long budget = bytes(line.get("params-budget-bytes", ""), "--params-budget-bytes");
        if (budget < maxParams) {
            throw new CommandLine.UsageException("--params-budget-bytes must be at least --max-params-bytes ("
                    + maxParams + "): " + budget);
        }
        return budget;
    }

    private static long bytes(String text, String option) throws CommandLine.UsageException {
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new CommandLine.UsageException(option + " must be a number of bytes, 0 or more: " + text);
    }

    /** "660" or "rw-rw----" to the {@code ls} form. */
    static String parseMode(String mode) throws CommandLine.UsageException {
        if (mode.matches("[0-7]{3,4}")) {
            int bits = Integer.parseInt(mode, 8);
            StringBuilder text = new StringBuilder();
            String letters = "rwx";
            for (int shift = 8; shift >= 0; shift--) {
                text.append((bits & (1 << shift)) != 0 ? letters.charAt((8 - shift) % 3) : '-');
            }
            return text.toString();
        }
        if (mode.matches("[r-][w-][x-][r-][w-][x-][r-][w-][x-]")) {
            return mode;
        }
        throw new CommandLine.UsageException("--socket-mode must be octal (660) or like rw-rw----: " + mode);
    }
}
