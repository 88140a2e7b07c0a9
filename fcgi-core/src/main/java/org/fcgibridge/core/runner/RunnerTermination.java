package org.fcgibridge.core.runner;

import java.io.InterruptedIOException;

/**
 * Stops one request's runner from another thread without harming its connection: it interrupts the runner's thread,
 * but never while that thread is inside a read or write of the connection's channel (an interrupt there closes the
 * channel under every other request on it); such an interrupt waits until the I/O is done. Both engines stop their
 * runners with it. Thread-safe.
 */
public final class RunnerTermination {
    /**
     * END_REQUEST's appStatus for a request whose runner failed, never ran, or was abandoned: terminated, it did not
     * stop within the server's grace ({@code --terminate-grace}), and its request was ended without it. The same on
     * both engines.
     */
    public static final int EXIT_ABANDONED = 2;

    private final int requestId;
    private Thread runnerThread;
    private Runner runner;
    private boolean inIo;
    private boolean interruptPending;
    private boolean savedInterrupt;
    private volatile boolean terminated;
    private volatile String reason;
    private volatile long terminatedNanos;

    /** The termination of request {@code requestId}'s runner (the id names it in the messages). */
    public RunnerTermination(int requestId) {
        this.requestId = requestId;
    }

    /** The runner to tell when the request is terminated, before any thread runs it. */
    public synchronized void assign(Runner chosen) {
        runner = chosen;
    }

    /**
     * The calling thread is about to run {@code chosen}.
     *
     * @return false if the request was terminated already: do not run it
     */
    public synchronized boolean enter(Runner chosen) {
        runner = chosen;
        if (!terminated) {
            runnerThread = Thread.currentThread();
        }
        return !terminated;
    }

    /** The runner has returned: its thread is no longer the request's, and keeps no interrupt meant for it. */
    public void leave() {
        synchronized (this) {
            runnerThread = null;
            interruptPending = false;
        }
        Thread.interrupted();
    }

    /**
     * Terminates the request, once: interrupts its runner's thread (now, or when its channel I/O is done) and tells
     * the runner.
     *
     * @return whether this call terminated it (false: it was already)
     */
    public boolean terminate(String why) {
        Runner r;
        synchronized (this) {
            if (terminated) {
                return false;
            }
            terminated = true;
            reason = why;
            terminatedNanos = System.nanoTime();
            Thread t = runnerThread;
            if (t != null) {
                if (inIo || t == Thread.currentThread()) {
                    interruptPending = true;
                } else {
                    t.interrupt();
                }
            }
            r = runner;
        }
        if (r != null) {
            r.terminate();
        }
        return true;
    }

    /** Whether the calling thread runs the request's runner now. */
    public synchronized boolean isRunnerThread() {
        return Thread.currentThread() == runnerThread;
    }

    /** Whether the request has been terminated. */
    public boolean isTerminated() {
        return terminated;
    }

    /** Why the request was terminated, or null. */
    public String reason() {
        return reason;
    }

    /** When it was terminated ({@link System#nanoTime()}). */
    public long terminatedNanos() {
        return terminatedNanos;
    }

    /**
     * Fails if the request has been terminated.
     *
     * @throws InterruptedIOException if it has, with the reason
     */
    public void check() throws InterruptedIOException {
        if (terminated) {
            throw new InterruptedIOException("request " + requestId + " " + reason);
        }
    }

    /**
     * Marks the start of channel I/O by the runner's thread, so that termination defers its interrupt.
     *
     * @return whether the mark was taken (pass it to {@link #endIo(boolean)})
     * @throws InterruptedIOException if the request has been terminated
     */
    public synchronized boolean beginIo() throws InterruptedIOException {
        if (Thread.currentThread() != runnerThread || inIo) {
            return false;
        }
        check();
        return markIo();
    }

    /**
     * Like {@link #beginIo()}, but a terminated request's I/O goes on: for an engine whose runner's thread also
     * writes what ends the request (Jetty completes a response on the application's thread), so that an interrupt
     * still defers until the write is done but the end is not refused.
     *
     * @return whether the mark was taken (pass it to {@link #endIo(boolean)})
     */
    public synchronized boolean beginEndingIo() {
        if (Thread.currentThread() != runnerThread || inIo) {
            return false;
        }
        return markIo();
    }

    private boolean markIo() {
        savedInterrupt = Thread.interrupted();
        inIo = true;
        return true;
    }

    /** The channel I/O marked by {@link #beginIo()} is done: a deferred interrupt is delivered now. */
    public void endIo(boolean marked) {
        if (!marked) {
            return;
        }
        synchronized (this) {
            inIo = false;
            if (savedInterrupt || interruptPending) {
                savedInterrupt = false;
                interruptPending = false;
                Thread.currentThread().interrupt();
            }
        }
    }
}
