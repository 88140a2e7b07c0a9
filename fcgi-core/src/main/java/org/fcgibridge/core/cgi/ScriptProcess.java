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
     * Waits at most {@code nanos} for the script's stdout to have more (bytes or its end) without reading it; the
     * caller reads stdout on this thread.
     *
     * @return whether it has; false also where this cannot be known without reading (the JDK's pipes)
     * @throws java.io.InterruptedIOException if the thread is interrupted
     */
    boolean awaitOutput(long nanos) throws java.io.IOException;

    /**
     * Copies the script's stderr to {@code sink} as it comes, from now until it ends: on {@code pumps} or on the
     * thread that reads stdout and awaits the exit, whichever the script's streams need. The sink handles its own
     * failures: whatever it throws ends the copy.
     */
    void forwardStderr(OutputStream sink, ExecutorService pumps);

    /** Waits at most {@code timeout} for stderr to end (a child of the script may hold it open long after it ended). */
    void awaitStderr(long timeout, TimeUnit unit) throws InterruptedException;

    /** The script's process, for signals to it and its descendants; empty once it has ended and been reaped. */
    Optional<ProcessHandle> handle();

    /** Waits for the exit; returns the exit status, or 128 + the signal that ended it. */
    int waitFor() throws InterruptedException;

    /** Waits at most {@code timeout}; returns whether it has exited. */
    boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException;

    /** SIGTERM ({@code force} false) or SIGKILL to the script alone; readers of its streams wake up. Any thread. */
    void destroy(boolean force);

    /** Closes whatever is still open of the script: the request is over. */
    void closeStreams();
}
