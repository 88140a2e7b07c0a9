package org.fcgibridge.core.cgi;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import org.fcgibridge.core.runner.FcgiExchange;
import org.fcgibridge.core.runner.Runner;
import org.fcgibridge.core.runner.RunnerFactory;

/**
 * Runs each request's CGI script as a process ({@link ProcessRunner}): fcgiwrap's job, with containment, timeouts,
 * a bound on processes and a clean environment.
 */
public final class CgiRunnerFactory implements RunnerFactory {
    private final CgiConfig config;
    private final ScriptResolver resolver;
    private final Semaphore processes;
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

    /** Scripts running now. */
    public int runningProcesses() {
        return config.maxProcesses() - processes.availablePermits();
    }

    ScheduledExecutorService killer() {
        return killer;
    }
}
