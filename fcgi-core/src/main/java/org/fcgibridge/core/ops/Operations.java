package org.fcgibridge.core.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.fcgibridge.core.cgi.CgiRunnerFactory;
import org.fcgibridge.core.net.ListeningSocket;
import org.fcgibridge.core.protocol.ProtocolMonitor;

/**
 * The operator's views of one server, as the command line asks for them: the status page, the ping, the slow log.
 * Without any of them the server's monitor is {@link ProtocolMonitor#NONE}, which costs nothing.
 *
 * <p>Use: {@link #monitor()} when the server starts, {@link #started} once it listens, {@link #close()} when it
 * stops.
 */
public final class Operations implements AutoCloseable {
    private final ServerStatus status;
    private final Path slowLogFile;
    private final Duration slowLogTimeout;
    private SlowLog slowLog;

    private Operations(ServerStatus status, Path slowLogFile, Duration slowLogTimeout) {
        this.status = status;
        this.slowLogFile = slowLogFile;
        this.slowLogTimeout = slowLogTimeout;
    }

    /**
     * @param statusPath     {@code --status-path}, or null
     * @param pingPath       {@code --ping-path}, or null
     * @param pingResponse   {@code --ping-response}, or null for "pong"
     * @param slowLogFile    {@code --slowlog}, or null
     * @param slowLogTimeout {@code --slowlog-timeout}: positive
     * @throws IllegalArgumentException naming the option, for a path or a timeout out of its range
     */
    public static Operations of(String statusPath, String pingPath, String pingResponse, Path slowLogFile,
                                Duration slowLogTimeout) {
        if (pingResponse != null && pingPath == null) {
            throw new IllegalArgumentException("--ping-response needs --ping-path");
        }
        if (slowLogTimeout.isNegative() || slowLogTimeout.isZero()) {
            throw new IllegalArgumentException("--slowlog-timeout must be positive: " + slowLogTimeout.toSeconds());
        }
        boolean any = statusPath != null || pingPath != null || slowLogFile != null;
        return new Operations(any ? new ServerStatus(statusPath, pingPath, pingResponse) : null, slowLogFile,
                slowLogTimeout);
    }

    /** Nothing asked for. */
    public static Operations none() {
        return new Operations(null, null, null);
    }

    /** The server's monitor: the status, or NONE. */
    public ProtocolMonitor monitor() {
        return status == null ? ProtocolMonitor.NONE : status;
    }

    /** The status, or null when no option asked for it. */
    public ServerStatus status() {
        return status;
    }

    /** Shows the CGI runner's scripts running and waiting on the status page. */
    public void watch(CgiRunnerFactory scripts) {
        if (status != null) {
            status.gauge("cgi_scripts_running", "CGI scripts running now.", scripts::runningScripts);
            status.gauge("cgi_scripts_waiting", "CGI scripts waiting for their turn to run.",
                    scripts::waitingScripts);
        }
    }

    /**
     * The server listens on {@code socket} (its accept queue goes on the status page) and serves: the slow log
     * starts.
     *
     * @throws IOException if the slow log's file cannot be opened
     */
    public synchronized void started(ListeningSocket socket) throws IOException {
        if (status == null) {
            return;
        }
        status.listening(socket.localAddress(), socket.backlog());
        if (slowLogFile != null && slowLog == null) {
            slowLog = new SlowLog(slowLogFile, slowLogTimeout, status);
            slowLog.start();
        }
    }

    /** Stops the slow log. Idempotent. */
    @Override
    public synchronized void close() {
        if (slowLog != null) {
            slowLog.close();
            slowLog = null;
        }
    }
}
