package org.fcgibridge.core.cgi;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running CGI script, however it was started ({@link ScriptStarter}): its streams, its exit, its signals. Its stdout
 * is read, and its exit awaited, on one thread (the request's); stdin may be fed from another.
 */
interface ScriptProcess {
    /**
     * The script's standard input; closing it gives the script end-of-file.
     *
     * @throws IllegalStateException if the script was started without input
     */
    OutputStream stdin();

    /** The script's standard output. */
    InputStream stdout();

    /**
     * Whether more of the script's stdout (bytes or its end) can be read now, without waiting; the caller reads stdout
     * on this thread. False means that the script has paused: what it wrote so far is worth sending.
     *
     * @return whether it can; false also where this cannot be known without reading (the JDK's pipes)
     * @throws java.io.IOException if the script's streams have failed
     */
    boolean outputReady() throws java.io.IOException;

    /**
     * Copies the script's stderr to {@code sink} as it comes, from now until it ends: on {@code pumps} or on the
     * thread that reads stdout and awaits the exit, whichever the script's streams need. The sink handles its own
     * failures: whatever it throws ends the copy.
     */
    void forwardStderr(OutputStream sink, ExecutorService pumps);

    /**
     * Runs {@code check} every {@link #CHECK_EVERY_MILLIS} ms while this thread waits on the script, from now on: the
     * exchange's check of the web server, for a runner on the connection's thread. What it throws ends the wait.
     * Where the script's streams cannot be waited on with a timeout (the JDK's pipes) it is never run.
     */
    default void checkWhileWaiting(Check check) {
    }

    /** How often {@link #checkWhileWaiting} checks. */
    long CHECK_EVERY_MILLIS = 100;

    /** Something to do while waiting. */
    @FunctionalInterface
    interface Check {
        void run() throws java.io.IOException;
    }

    /** Waits at most {@code timeout} for stderr to end (a child of the script may hold it open long after it ended). */
    void awaitStderr(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * The script's process id, for its operators (the slow log): -1 until it is known (the spawn helper tells it with
     * the script's first frames). Any thread.
     */
    long pid();

    /**
     * The script's process, for signals to it and its descendants; empty once it has ended and been reaped, or where
     * {@link #destroy} reaches the descendants itself.
     */
    Optional<ProcessHandle> handle();

    /** Waits for the exit; returns the exit status, or 128 + the signal that ended it. */
    int waitFor() throws InterruptedException;

    /** Waits at most {@code timeout}; returns whether it has exited. */
    boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * SIGTERM ({@code force} false) or SIGKILL to the script (to its process group, if started by the spawn helper).
     * After a SIGKILL, readers of its stdout wake up. Any thread.
     */
    void destroy(boolean force);

    /** Closes whatever is still open of the script: the request is over. */
    void closeStreams();
}
