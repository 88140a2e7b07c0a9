package org.fcgibridge.core.cgi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import org.fcgibridge.core.io.BufferPool;
import org.fcgibridge.core.runner.FcgiExchange;
import org.fcgibridge.core.runner.Runner;
import org.fcgibridge.core.runner.RunnerFactory;

/**
 * Runs each request's CGI script as a process ({@link ProcessRunner}): fcgiwrap's job, with containment, timeouts,
 * a bound on processes and a clean environment.
 */
public final class CgiRunnerFactory implements RunnerFactory {
    private static final System.Logger LOG = System.getLogger(CgiRunnerFactory.class.getName());
    private static final int COPY_BUFFER = 16 * 1024;
    private final CgiConfig config;
    private final ScriptResolver resolver;
    private final Semaphore processes;
    /** Turns to run, in arrival order. */
    private final Semaphore running;
    private volatile ScriptStarter starter;
    /** Threads that feed a request body to its script (and copy a JDK-started script's stderr), kept for reuse. */
    private final ExecutorService pumps = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "cgi-pump");
        thread.setDaemon(true);
        return thread;
    });
    /** Buffers that copy a script's output, kept between scripts: most of what a script cost the heap, before. */
    private final BufferPool copyBuffers;
    private final ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "cgi-killer");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @throws IllegalArgumentException if a script root is not there
     */
    public CgiRunnerFactory(CgiConfig config) {
        this.config = config;
        this.resolver = new ScriptResolver(config);
        this.processes = new Semaphore(config.maxProcesses());
        this.running = new Semaphore(config.maxRunning(), true);
        this.copyBuffers = new BufferPool(config.maxProcesses(), () -> ByteBuffer.allocate(COPY_BUFFER));
    }

    @Override
    public Runner create(FcgiExchange exchange) {
        return new ProcessRunner(this, exchange);
    }

    CgiConfig config() {
        return config;
    }

    ScriptResolver resolver() {
        return resolver;
    }

    boolean tryAcquireProcess() {
        return processes.tryAcquire();
    }

    void releaseProcess() {
        processes.release();
    }

    /**
     * Waits for a turn to run a script: first come, first served.
     *
     * @throws InterruptedException if the request is terminated while it waits
     */
    void awaitTurn() throws InterruptedException {
        running.acquire();
    }

    void endTurn() {
        running.release();
    }

    /** Scripts running now (their process started, or starting). */
    public int runningScripts() {
        return config.maxRunning() - running.availablePermits();
    }

    /** Scripts admitted and waiting for their turn to run (--max-running). */
    public int waitingScripts() {
        return running.getQueueLength();
    }

    /** Scripts admitted now: running, or waiting their turn. */
    public int admittedScripts() {
        return config.maxProcesses() - processes.availablePermits();
    }

    /** The spawn helpers if configured and they run, else the JDK; chosen at the first script. */
    ScriptStarter starter() {
        ScriptStarter chosen = starter;
        if (chosen == null) {
            chosen = choose();
            starter = chosen;
        }
        return chosen;
    }

    private ScriptStarter choose() {
        if (config.spawnHelper()) {
            try {
                return SpawnHelpers.shared();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "the CGI spawn helper cannot start ({0}); scripts start with"
                        + " the JDK's ProcessBuilder, more slowly", e.getMessage());
            }
        }
        return JdkScript.STARTER;
    }

    ExecutorService pumps() {
        return pumps;
    }

    BufferPool copyBuffers() {
        return copyBuffers;
    }

    ScheduledExecutorService killer() {
        return killer;
    }
}
