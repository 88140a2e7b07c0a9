package org.fcgibridge.core.cgi;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A running CGI script, however it was started ({@link ScriptStarter}): its three streams, its exit, its signals. */
interface ScriptProcess {
    /** The script's standard input; closing it gives the script end-of-file. */
    OutputStream stdin();

    InputStream stdout();

    InputStream stderr();

    /** The script's process, for signals to it and its descendants; empty once it has ended and been reaped. */
    Optional<ProcessHandle> handle();

    /** Waits for the exit; returns the exit status, or 128 + the signal that ended it. */
    int waitFor() throws InterruptedException;

    /** Waits at most {@code timeout}; returns whether it has exited. */
    boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException;

    /** SIGTERM ({@code force} false) or SIGKILL to the script alone, then closes its streams. */
    void destroy(boolean force);

    /** Closes whichever of the streams are still open: the request is over. */
    void closeStreams();
}
