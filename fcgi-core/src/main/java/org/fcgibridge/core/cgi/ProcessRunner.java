package org.fcgibridge.core.cgi;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.runner.CgiResponses;
import org.fcgibridge.core.runner.FcgiExchange;
import org.fcgibridge.core.runner.Runner;

/**
 * Runs one request's CGI/1.1 script (RFC 3875) as a process: the script found and checked by {@link ScriptResolver},
 * the environment of {@link CgiEnvironment}, the script's directory as working directory. STDIN is fed to the
 * process on one thread while its STDOUT is read on this one and its STDERR on a third, so no order of reads and
 * writes in the script can deadlock, and nothing is held whole. Terminate kills the whole process tree: SIGTERM, then
 * SIGKILL after the grace period. The exit status becomes END_REQUEST's appStatus (128 + signal when killed).
 */
public final class ProcessRunner implements Runner {
    private static final System.Logger LOG = System.getLogger(ProcessRunner.class.getName());
    /** The exit status reported when no process ran (the request was answered 404, 403, 503...). */
    public static final int NOT_RUN = 0;

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
            return runProcess(resolution);
        } finally {
            factory.releaseProcess();
        }
    }

    private int runProcess(ScriptResolver.Resolution resolution) throws IOException {
        Path script = resolution.script();
        ProcessTree started;
        try {
            started = ProcessTree.start(factory.starter(), script, script.getParent(),
                    CgiEnvironment.build(exchange.params(), resolution, factory.config().environment()));
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
        Future<?> stdinPump = factory.pumps().submit(() -> feedStdin(process));
        Future<?> stderrPump = factory.pumps().submit(() -> forwardStderr(process, resolution));
        try {
            try {
                forwardStdout(process, resolution);
            } catch (CgiRejection e) {
                reject(e, script.toString());
                started.signal(false);
            }
            int status = awaitExit(started);
            awaitQuietly(stderrPump);
            return status;
        } finally {
            stdinPump.cancel(true);
            process.closeStreams(); // a pump cancelled before it ran has not closed its stream
        }
    }

    /** Copies the script's output: its header block, checked, then the body, flushed whenever the script pauses. */
    private void forwardStdout(ScriptProcess process, ScriptResolver.Resolution resolution)
            throws IOException, CgiRejection {
        try (InputStream out = new BufferedInputStream(process.stdout(), 16 * 1024)) {
            byte[] head = CgiHead.read(out);
            OutputStream stdout = exchange.stdout();
            stdout.write(head);
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = out.read(buffer)) >= 0) {
                stdout.write(buffer, 0, n);
                if (out.available() == 0) {
                    stdout.flush();
                }
            }
        }
    }

    private void feedStdin(ScriptProcess process) {
        try (OutputStream toScript = process.stdin()) {
            exchange.stdin().transferTo(toScript);
        } catch (IOException e) {
            // the script closed its input, or the request ended: nothing more to feed
            LOG.log(System.Logger.Level.DEBUG, "stdin of a script: {0}", e.getMessage());
        }
    }

    private void forwardStderr(ScriptProcess process, ScriptResolver.Resolution resolution) {
        byte[] buffer = new byte[4096];
        try (InputStream err = process.stderr()) {
            OutputStream stderr = exchange.stderr();
            int n;
            while ((n = err.read(buffer)) >= 0) {
                stderr.write(buffer, 0, n);
                stderr.flush();
                if (factory.config().logStderr()) {
                    LOG.log(System.Logger.Level.INFO, "{0}: {1}", resolution.script(),
                            new String(buffer, 0, n, StandardCharsets.UTF_8).stripTrailing());
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "stderr of {0}: {1}", resolution.script(), e.getMessage());
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

    /** Waits a little for a pump: a script's child may hold its stderr open long after the script has exited. */
    private static void awaitQuietly(Future<?> pump) {
        try {
            pump.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the pump logs its own failures; one that is still running ends with the stream
        }
    }
}
