package org.fcgibridge.core.cgi;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A script that the {@link SpawnHelper} started, seen through its streams: stdin (if it has input), stdout, stderr,
 * and a control stream on which the helper tells the script's pid, or why it could not start, and later its exit.
 * The thread that reads stdout and awaits the exit waits on all of them at once with a selector: it copies stderr and
 * takes the answers while it waits, so a script needs no thread of its own besides the one that feeds its stdin, and
 * nothing is handed between threads.
 */
final class HelperScript implements ScriptProcess {
    static final int STDIN = 0;
    static final int STDOUT = 1;
    static final int STDERR = 2;
    static final int CONTROL = 3;
    static final int STREAMS = 4;
    private static final int FORKED = 1;
    private static final int NOT_STARTED = 2;
    private static final int EXITED = 3;
    /** The exit status when the helper died before it could tell. */
    private static final int LOST = 255;
    private static final int MAX_STDERR_READ = 8192;
    /** A start's answer comes within milliseconds: a helper that takes longer is broken. */
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Path path;
    private final SocketChannel[] streams;
    private final Selector selector;
    private final SelectionKey stdoutKey;
    private final SelectionKey stderrKey;
    private final SelectionKey controlKey;
    private final ByteBuffer answer = ByteBuffer.allocate(8);
    private final InputStream stdout = new Stdout();
    private ByteBuffer stderrBuffer;
    private OutputStream stderrSink;
    private boolean started;
    private ScriptNotStarted notStarted;
    private boolean stdoutReady;
    private boolean stderrEnded;
    private volatile int exit = -1;
    private volatile Optional<ProcessHandle> handle = Optional.empty();

    /**
     * @param streams the script's connected streams by role; no stdin if it has no input
     * @throws IOException if no selector can be opened
     */
    HelperScript(Path path, SocketChannel[] streams) throws IOException {
        this.path = path;
        this.streams = streams;
        this.selector = Selector.open();
        this.stdoutKey = register(streams[STDOUT], 0);
        this.stderrKey = register(streams[STDERR], 0);
        this.controlKey = register(streams[CONTROL], SelectionKey.OP_READ);
    }

    private SelectionKey register(SocketChannel channel, int ops) throws IOException {
        channel.configureBlocking(false);
        return channel.register(selector, ops);
    }

    /**
     * Waits for the helper's first answer to the order: forked (the pid, known before the exec), or not started.
     * Interrupts do not cut it short (the interrupt stays set): a start given up half-way would leave a script that
     * nobody owns. Whether the exec worked is known later: {@link #stdout()} fails with {@link ScriptNotStarted}.
     *
     * @throws IOException if the script could not be started, or the helper has gone
     */
    void awaitStart() throws IOException {
        boolean interrupted = false;
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        try {
            while (!started && exit < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException(path + ": the spawn helper did not answer within "
                            + TimeUnit.NANOSECONDS.toSeconds(START_TIMEOUT_NANOS) + " s");
                }
                try {
                    await(() -> started || exit >= 0, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (notStarted != null) {
                throw notStarted;
            }
            if (!started) {
                throw new IOException("the spawn helper has ended");
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Selects until {@code done} or {@code nanos} have passed (0: no limit), copying stderr and taking answers.
     *
     * @return whether {@code done}
     * @throws InterruptedException if this thread is interrupted (the flag is cleared)
     * @throws IOException          if a select or an answer fails
     */
    private boolean await(BooleanSupplier done, long nanos) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (!done.getAsBoolean()) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long left = deadline - System.nanoTime();
            if (nanos > 0 && left <= 0) {
                return false;
            }
            if (!selector.isOpen()) {
                throw new ClosedChannelException();
            }
            selector.select(nanos > 0 ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)) : 0);
            for (SelectionKey key : selector.selectedKeys()) {
                if (key == controlKey) {
                    readAnswers();
                } else if (key == stderrKey) {
                    copyStderr();
                } else if (key == stdoutKey) {
                    stdoutReady = true;
                    interest(stdoutKey, 0);
                }
            }
            selector.selectedKeys().clear();
        }
        return true;
    }

    /** Sets what a key waits for; false if its stream was closed (by {@link #destroy}, on another thread). */
    private static boolean interest(SelectionKey key, int ops) {
        try {
            key.interestOps(ops);
            return true;
        } catch (CancelledKeyException e) {
            return false;
        }
    }

    private void readAnswers() {
        int n;
        try {
            n = streams[CONTROL].read(answer);
        } catch (IOException e) {
            n = -1; // as good as an end
        }
        if (n < 0) {
            controlKey.cancel();
            if (exit < 0) {
                exit = LOST; // a control stream ends after an exit or a refusal, else the helper has died
            }
            return;
        }
        if (answer.hasRemaining()) {
            return;
        }
        int kind = answer.getInt(0);
        int value = answer.getInt(4);
        answer.clear();
        if (kind == FORKED) {
            handle = ProcessHandle.of(value); // empty if it has already ended
            started = true;
        } else if (kind == NOT_STARTED) {
            notStarted = new ScriptNotStarted(path + " could not be started (errno " + value + ")");
            exit = 0;
        } else if (kind == EXITED) {
            exit = value;
        }
    }

    private void copyStderr() {
        if (stderrBuffer == null) {
            stderrBuffer = ByteBuffer.allocate(256); // most scripts write nothing there: the first read sees the end
        }
        try {
            int n = streams[STDERR].read(stderrBuffer.clear());
            if (n < 0) {
                stderrEnded();
            } else {
                stderrSink.write(stderrBuffer.array(), 0, n);
                if (n == stderrBuffer.capacity() && n < MAX_STDERR_READ) {
                    stderrBuffer = ByteBuffer.allocate(MAX_STDERR_READ);
                }
            }
        } catch (IOException e) {
            stderrEnded(); // the script's stderr failed, or the sink: either way the copy is over
        }
    }

    private void stderrEnded() {
        stderrEnded = true;
        stderrKey.cancel();
    }

    @Override
    public OutputStream stdin() {
        if (streams[STDIN] == null) {
            throw new IllegalStateException("started without input");
        }
        return Channels.newOutputStream(streams[STDIN]);
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public boolean awaitOutput(long nanos) throws IOException {
        return ((Stdout) stdout).awaitReadable(nanos);
    }

    @Override
    public void forwardStderr(OutputStream sink, ExecutorService pumps) {
        stderrSink = sink;
        interest(stderrKey, SelectionKey.OP_READ); // fails if destroyed already: then there is nothing to copy
    }

    @Override
    public void awaitStderr(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            await(() -> stderrEnded || !streams[STDERR].isOpen(), unit.toNanos(timeout));
        } catch (IOException e) {
            // the script's streams were closed under it: nothing more to copy
        }
    }

    @Override
    public Optional<ProcessHandle> handle() {
        return handle;
    }

    @Override
    public int waitFor() throws InterruptedException {
        waitFor(0, TimeUnit.NANOSECONDS);
        return exit;
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            return await(() -> exit >= 0, unit.toNanos(timeout));
        } catch (IOException e) {
            exit = LOST; // the streams were closed: nobody can tell the exit any more
            return true;
        }
    }

    @Override
    public void destroy(boolean force) {
        handle.ifPresent(process -> {
            if (force) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
        });
        // readers blocked on the streams of a dying tree wake up, as with the JDK's destroy; the control stream stays
        // open for the exit status (closing it would have the helper kill the script at once)
        SpawnHelper.closeQuietly(streams[STDIN], streams[STDOUT], streams[STDERR]);
        selector.wakeup();
    }

    @Override
    public void closeStreams() {
        SpawnHelper.closeQuietly(streams);
        SpawnHelper.closeQuietly(selector);
    }

    /**
     * Stdout, read without blocking whenever it has bytes, else through the selector. If it ends before its first
     * byte, it waits for the exit (or the failed exec): a script that could not be started is no script without
     * output.
     */
    private final class Stdout extends InputStream {
        private boolean ended;
        private boolean read;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            ByteBuffer into = ByteBuffer.wrap(b, off, len);
            while (true) {
                int n = streams[STDOUT].read(into);
                if (n < 0) {
                    ended = true;
                    stdoutKey.cancel();
                    if (!read) {
                        awaitThrough(() -> exit >= 0, 0);
                        if (notStarted != null) {
                            throw notStarted;
                        }
                    }
                    return -1;
                }
                if (n > 0 || len == 0) {
                    read |= n > 0;
                    return n;
                }
                awaitReadable(0);
            }
        }

        /** Waits at most {@code nanos} (0: no limit) for bytes or the end; whether they came. */
        boolean awaitReadable(long nanos) throws IOException {
            if (ended) {
                return true;
            }
            stdoutReady = false;
            if (!interest(stdoutKey, SelectionKey.OP_READ)) {
                throw new ClosedChannelException(); // destroyed under us
            }
            return awaitThrough(() -> stdoutReady || !streams[STDOUT].isOpen(), nanos); // closed: the read fails
        }

        private boolean awaitThrough(BooleanSupplier done, long nanos) throws IOException {
            try {
                return await(done, nanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // for the caller: the request is being terminated
                throw new InterruptedIOException("interrupted while reading a script's output");
            }
        }
    }
}
