package org.fcgibridge.core.cgi;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A script that the {@link SpawnHelper} started, seen through the frames the helper relays on the script's
 * {@link HelperConnection}: its pid, stdout, stderr and exit (or why it could not start). The thread that reads
 * stdout and awaits the exit takes them all, copying stderr to its sink on the way, so a script needs no thread of
 * its own besides the one that feeds its stdin (its own connection, if the request has a body). The helper holds a
 * script's frames until its output pauses for 1 ms: a short script's whole answer comes in one read.
 */
final class HelperScript implements ScriptProcess {
    private static final int OUT = 1;
    private static final int ERR = 2;
    private static final int EXITED = 3;
    private static final int NOT_STARTED = 4;
    private static final int STARTED = 5;
    private static final int HEADER = 8;
    private static final int SIGNAL = 2;
    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;
    /** The exit status when the helper died before it could tell. */
    private static final int LOST = 255;

    private final Path path;
    private final HelperConnection link;
    private final SocketChannel stdinChannel;
    private final SpawnHelper helper;
    private final InputStream stdout = new Stdout();
    private OutputStream stderrSink = OutputStream.nullOutputStream();
    private Check check;
    private long checkedAt;
    /** Bytes of the current OUT or ERR frame not yet taken. */
    private int outLeft;
    private int errLeft;
    private boolean stdoutEnded;
    private boolean stderrEnded;
    private boolean stdoutAbandoned;
    private ScriptNotStarted notStarted;
    private volatile int exit = -1;
    /** The script's pid once the helper has told it; read by other threads (the slow log). */
    private volatile long pid = -1;
    /** Killed: its stdout is not waited for any more (a descendant outside its group may hold it open). */
    private volatile boolean killed;
    /** Given back to the helper (or closed): signals must not reach the connection's next script. */
    private boolean released;

    /**
     * @param stdin the script's stdin connection; null if it reads /dev/null
     */
    HelperScript(Path path, HelperConnection link, SocketChannel stdin, SpawnHelper helper) {
        this.path = path;
        this.link = link;
        this.stdinChannel = stdin;
        this.helper = helper;
    }

    /**
     * Takes the frames received: stderr to its sink, the ends and the exit to the fields. Stops at stdout bytes, which
     * {@link Stdout} takes (or drops, once nobody reads them), and at a frame not received whole.
     *
     * @throws IOException if the helper breaks the protocol
     */
    private void take() throws IOException {
        ByteBuffer in = link.frames();
        while (true) {
            if (outLeft > 0) {
                if (!stdoutAbandoned || !in.hasRemaining()) {
                    return;
                }
                int n = Math.min(outLeft, in.remaining());
                in.position(in.position() + n);
                outLeft -= n;
            } else if (errLeft > 0) {
                if (!in.hasRemaining()) {
                    return;
                }
                int n = Math.min(errLeft, in.remaining());
                copyStderr(in, n);
                errLeft -= n;
            } else {
                if (in.remaining() < HEADER) {
                    return;
                }
                int at = in.position();
                int kind = in.getInt(at);
                int length = in.getInt(at + 4);
                if (kind == OUT || kind == ERR) {
                    in.position(at + HEADER);
                    if (kind == OUT) {
                        outLeft = length;
                        stdoutEnded |= length == 0;
                    } else {
                        errLeft = length;
                        stderrEnded |= length == 0;
                    }
                } else if ((kind == EXITED || kind == NOT_STARTED || kind == STARTED) && length == 4) {
                    if (in.remaining() < HEADER + 4) {
                        return;
                    }
                    int value = in.getInt(at + HEADER);
                    in.position(at + HEADER + 4);
                    if (kind == STARTED) {
                        pid = Integer.toUnsignedLong(value);
                    } else if (kind == NOT_STARTED) {
                        notStarted = new ScriptNotStarted(path + " could not be started (errno " + value + ")");
                        stdoutEnded = true; // an order refused before any fork has no streams to end
                        stderrEnded = true;
                        exit = 0;
                    } else {
                        exit = value;
                    }
                } else {
                    throw new IOException("the spawn helper sent a frame of kind " + kind + ", length " + length);
                }
            }
        }
    }

    private void copyStderr(ByteBuffer in, int n) {
        try {
            stderrSink.write(in.array(), in.arrayOffset() + in.position(), n);
        } catch (IOException e) {
            stderrSink = OutputStream.nullOutputStream(); // the sink has failed: the rest is dropped
        }
        in.position(in.position() + n);
    }

    /**
     * Takes frames until {@code done} or {@code nanos} have passed (0: no limit).
     *
     * @return whether {@code done}
     * @throws InterruptedException if this thread is interrupted (the flag is cleared)
     * @throws IOException          if the connection fails
     */
    private boolean await(BooleanSupplier done, long nanos) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (true) {
            take();
            if (done.getAsBoolean()) {
                return true;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            int n = link.receive();
            if (n < 0) {
                helperGone();
                continue;
            }
            if (n > 0) {
                continue;
            }
            long now = System.nanoTime();
            long left = deadline - now;
            if (nanos > 0 && left <= 0) {
                return false;
            }
            long millis = nanos > 0 ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)) : 0;
            if (check != null) {
                long sinceCheck = TimeUnit.NANOSECONDS.toMillis(now - checkedAt);
                if (sinceCheck >= CHECK_EVERY_MILLIS) {
                    checkedAt = now;
                    check.run(); // may terminate the request: this thread is then interrupted
                    continue;
                }
                millis = Math.min(millis == 0 ? Long.MAX_VALUE : millis, CHECK_EVERY_MILLIS - sinceCheck);
            }
            link.await(millis);
        }
    }

    /** The helper closed the connection: it has died, and nobody can tell the script's exit any more. */
    private void helperGone() throws IOException {
        if (link.frames().hasRemaining() && outLeft == 0 && errLeft == 0) {
            throw new IOException("the spawn helper ended in the middle of a frame");
        }
        outLeft = Math.min(outLeft, link.frames().remaining());
        errLeft = Math.min(errLeft, link.frames().remaining());
        stdoutEnded = true;
        stderrEnded = true;
        if (exit < 0) {
            exit = LOST;
        }
    }

    @Override
    public OutputStream stdin() {
        if (stdinChannel == null) {
            throw new IllegalStateException("started without input");
        }
        return Channels.newOutputStream(stdinChannel);
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public boolean outputReady() throws IOException {
        take();
        if (outLeft == 0 && !stdoutEnded && link.receive() > 0) {
            take();
        }
        return outLeft > 0 && link.frames().hasRemaining() || stdoutEnded;
    }

    @Override
    public void forwardStderr(OutputStream sink, ExecutorService pumps) {
        stderrSink = sink;
    }

    @Override
    public void checkWhileWaiting(Check check) {
        this.check = check;
        this.checkedAt = System.nanoTime();
    }

    @Override
    public void awaitStderr(long timeout, TimeUnit unit) throws InterruptedException {
        stdoutAbandoned = true;
        try {
            await(() -> stderrEnded, unit.toNanos(timeout));
        } catch (IOException e) {
            // the connection has failed: nothing more to copy
        }
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public Optional<ProcessHandle> handle() {
        return Optional.empty(); // the helper signals the script's process group
    }

    @Override
    public int waitFor() throws InterruptedException {
        waitFor(0, TimeUnit.NANOSECONDS);
        return exit;
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        stdoutAbandoned = true; // whoever waits for the exit has read what it wants of stdout
        try {
            return await(() -> exit >= 0, unit.toNanos(timeout));
        } catch (IOException e) {
            exit = LOST;
            return true;
        }
    }

    /**
     * Has the helper signal the script's process group: the script and every process it started that stayed in it.
     * After a SIGKILL, stdout is not waited for any more.
     */
    @Override
    public void destroy(boolean force) {
        synchronized (this) {
            if (released) {
                return;
            }
            try {
                link.send(ByteBuffer.allocate(HEADER + 4)
                        .putInt(SIGNAL).putInt(4).putInt(force ? SIGKILL : SIGTERM)
                        .flip());
            } catch (IOException e) {
                link.close(); // the helper kills the group of a script whose connection closes
            }
        }
        if (force) {
            killed = true;
            link.wakeup();
        }
    }

    /** Gives the connection back for the next script if this one is over and read whole; else closes it. */
    @Override
    public void closeStreams() {
        SpawnHelper.closeQuietly(stdinChannel);
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        boolean over = exit >= 0 && stdoutEnded && stderrEnded && outLeft == 0 && errLeft == 0 && !link.hasUnread();
        if (over && link.isOpen()) {
            helper.release(link);
        } else {
            link.close(); // the helper kills the script's group if it has not exited
        }
    }

    /** Stdout, from the OUT frames. If it ends before its first byte, it waits for the exit: a failed exec is 500. */
    private final class Stdout extends InputStream {
        private boolean read;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            ByteBuffer in = link.frames();
            await(() -> outLeft > 0 && in.hasRemaining() || stdoutEnded || killed);
            if (outLeft > 0 && in.hasRemaining()) {
                int n = Math.min(len, Math.min(outLeft, in.remaining()));
                in.get(b, off, n);
                outLeft -= n;
                read |= n > 0;
                return n;
            }
            if (killed && !stdoutEnded) {
                throw new InterruptedIOException("the script was killed");
            }
            if (!read) {
                await(() -> exit >= 0);
                if (notStarted != null) {
                    throw notStarted;
                }
            }
            return -1;
        }

        private void await(BooleanSupplier done) throws IOException {
            try {
                HelperScript.this.await(done, 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // for the caller: the request is being terminated
                throw new InterruptedIOException("interrupted while reading a script's output");
            }
        }
    }
}
