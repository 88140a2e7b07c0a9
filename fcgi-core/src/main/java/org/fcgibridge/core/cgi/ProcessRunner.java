package org.fcgibridge.core.cgi;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.runner.CgiResponses;
import org.fcgibridge.core.runner.FcgiExchange;
import org.fcgibridge.core.runner.Runner;

/**
 * Runs one request's CGI/1.1 script (RFC 3875) as a process: the script found and checked by {@link ScriptResolver},
 * the environment of {@link CgiEnvironment}, the script's directory as working directory. A request body is fed to the
 * process on a pump thread while its STDOUT is read on this one, which also copies STDERR as it comes (or a second
 * pump does, for the JDK's processes), so no order of reads and writes in the script can deadlock, and nothing is
 * held whole. Without a body the script reads end-of-file, and needs no pump. Terminate kills the whole process
 * tree: SIGTERM, then SIGKILL after the grace period. The exit status becomes END_REQUEST's appStatus (128 + signal
 * when killed).
 */
public final class ProcessRunner implements Runner {
    private static final System.Logger LOG = System.getLogger(ProcessRunner.class.getName());
    /** The exit status reported when no process ran (the request was answered 404, 403, 503...). */
    public static final int NOT_RUN = 0;
    /** Enough for a usual header block; the body is copied through a larger pooled buffer, past this one. */
    private static final int HEAD_BUFFER = 1024;

    private final CgiRunnerFactory factory;
    private final FcgiExchange exchange;
    private final Object lock = new Object();
    private ProcessTree tree;
    private boolean terminated;

    ProcessRunner(CgiRunnerFactory factory, FcgiExchange exchange) {
        this.factory = factory;
        this.exchange = exchange;
    }

    @Override
    public int run() throws IOException {
        Params params = exchange.params();
        ScriptResolver.Resolution resolution;
        try {
            resolution = factory.resolver().resolve(params);
        } catch (CgiRejection e) {
            return reject(e, params.get("SCRIPT_FILENAME", params.get("SCRIPT_NAME", "?")));
        }
        if (!factory.tryAcquireProcess()) {
            return reject(new CgiRejection(503, "too many scripts are running; try again later"),
                    resolution.script().toString());
        }
        try {
            return runInTurn(resolution);
        } finally {
            factory.releaseProcess();
        }
    }

    private int runInTurn(ScriptResolver.Resolution resolution) throws IOException {
        try {
            factory.awaitTurn();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NOT_RUN; // terminated while waiting: the server answers (504 on a timeout)
        }
        try {
            return runProcess(resolution);
        } finally {
            factory.endTurn();
        }
    }

    private int runProcess(ScriptResolver.Resolution resolution) throws IOException {
        Path script = resolution.script();
        // the body's first byte, or its end: a request without a body (most are) needs no thread to feed the script
        int bodyStart = exchange.stdin().read();
        boolean withStdin = bodyStart >= 0;
        ProcessTree started;
        try {
            started = ProcessTree.start(factory.starter(), script, script.getParent(),
                    CgiEnvironment.build(exchange.params(), resolution, factory.config().environment()), withStdin);
        } catch (IOException e) {
            return reject(new CgiRejection(500, "the script could not be started"), script + ": " + e.getMessage());
        }
        synchronized (lock) {
            tree = started;
            if (terminated) {
                started.signal(true);
            }
        }
        ScriptProcess process = started.process();
        process.forwardStderr(new StderrSink(resolution.script()), factory.pumps());
        if (!withStdin) {
            // on the connection's thread, nobody else reads the connection: an abort or a vanished client is seen here
            process.checkWhileWaiting(exchange::checkWebServer);
        }
        Future<?> stdinPump = withStdin
                ? factory.pumps().submit(() -> feedStdin(process, bodyStart)) : null;
        RunningScript running = RunningScript.register(script, process);
        try {
            try {
                forwardStdout(process);
            } catch (CgiRejection e) {
                reject(e, script.toString());
                started.signal(false);
            } catch (ScriptNotStarted e) {
                return reject(new CgiRejection(500, "the script could not be started"), e.getMessage());
            }
            int status = awaitExit(started);
            // a script's child may hold its stderr open long after the script has exited
            process.awaitStderr(5, TimeUnit.SECONDS);
            return status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("terminated while the script's stderr was copied");
        } finally {
            running.unregister();
            if (stdinPump != null) {
                stdinPump.cancel(true);
            }
            process.closeStreams(); // a pump cancelled before it ran has not closed its stream
        }
    }

    /**
     * Copies the script's output: its header block, checked, then the body, flushed whenever the script pauses (the
     * spawn helper calls 1 ms a pause). Most scripts end within that of their last write: their whole answer then
     * goes out with END_REQUEST, in one write to the web server instead of two.
     */
    private void forwardStdout(ScriptProcess process) throws IOException, CgiRejection {
        ByteBuffer pooled = factory.copyBuffers().take();
        try (InputStream out = new BufferedInputStream(process.stdout(), HEAD_BUFFER)) {
            byte[] head = CgiHead.read(out);
            OutputStream stdout = exchange.stdout();
            stdout.write(head);
            byte[] buffer = pooled.array();
            int n;
            while ((n = out.read(buffer)) >= 0) {
                stdout.write(buffer, 0, n);
                if (out.available() == 0 && !process.outputReady()) {
                    stdout.flush();
                }
            }
        } finally {
            factory.copyBuffers().give(pooled);
        }
    }

    private void feedStdin(ScriptProcess process, int bodyStart) {
        try (OutputStream toScript = process.stdin()) {
            toScript.write(bodyStart);
            exchange.stdin().transferTo(toScript);
        } catch (IOException e) {
            // the script closed its input, or the request ended: nothing more to feed
            LOG.log(System.Logger.Level.DEBUG, "stdin of a script: {0}", e.getMessage());
        }
    }

    /** Waits for the script to exit; if this thread is interrupted (termination), the tree is killed first. */
    private int awaitExit(ProcessTree started) {
        ScriptProcess process = started.process();
        boolean interrupted = false;
        while (true) {
            try {
                int status = process.waitFor();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return status;
            } catch (InterruptedException e) {
                interrupted = true;
                terminate();
                try {
                    if (!process.waitFor(factory.config().killGrace().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                        started.signal(true);
                    }
                } catch (InterruptedException again) {
                    started.signal(true);
                }
            }
        }
    }

    private int reject(CgiRejection rejection, String what) throws IOException {
        boolean wasTerminated;
        synchronized (lock) {
            wasTerminated = terminated;
        }
        if (wasTerminated) {
            return NOT_RUN; // the server answers a terminated request itself (504 on a timeout)
        }
        LOG.log(rejection.status() >= 500 ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                "{0} {1}: {2}", rejection.status(), what, rejection.getMessage());
        if (!exchange.hasOutput()) {
            exchange.stdout().write(CgiResponses.response(rejection.status(), rejection.getMessage()));
        }
        return NOT_RUN;
    }

    /**
     * A script without a request body runs on the connection's thread when the spawn helper starts it: it waits on
     * the helper, checking the web server meanwhile ({@link FcgiExchange#checkWebServer()}), and a thread hand-off
     * is saved. A body is fed from another thread, which must then be the only one to read the connection; the JDK's
     * pipes cannot be waited on with a timeout.
     */
    @Override
    public boolean mayRunOnConnectionThread() {
        Params params = exchange.params();
        String length = params.get("CONTENT_LENGTH", "");
        String method = params.get("REQUEST_METHOD", "");
        boolean noBody = length.equals("0") || length.isEmpty() && (method.equals("GET") || method.equals("HEAD"));
        return noBody && factory.starter() instanceof SpawnHelpers;
    }

    /** SIGTERM to the script's process tree now, SIGKILL after the grace period. */
    @Override
    public void terminate() {
        ProcessTree current;
        synchronized (lock) {
            terminated = true;
            current = tree;
        }
        if (current != null) {
            current.signal(false);
            factory.killer().schedule(() -> current.signal(true),
                    factory.config().killGrace().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Where a script's stderr goes: FCGI_STDERR (the web server's error log) and, if configured, this log. It never
     * fails: once the request's connection has, the rest is dropped, and the script goes on without blocking.
     */
    private final class StderrSink extends OutputStream {
        private final Path script;
        private boolean failed;

        StderrSink(Path script) {
            this.script = script;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (factory.config().logStderr()) {
                LOG.log(System.Logger.Level.INFO, "{0}: {1}", script,
                        new String(b, off, len, StandardCharsets.UTF_8).stripTrailing());
            }
            if (failed) {
                return;
            }
            try {
                OutputStream stderr = exchange.stderr();
                stderr.write(b, off, len);
                stderr.flush();
            } catch (IOException e) {
                failed = true;
                LOG.log(System.Logger.Level.DEBUG, "stderr of {0}: {1}", script, e.getMessage());
            }
        }
    }
}
