package org.fcgibridge.core.cgi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.fcgibridge.core.testing.Fuzz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the spawn helper's frames as {@link HelperScript} decodes them from a {@link HelperConnection}
 * (kind and length as two big-endian ints, then the content: 1 stdout, 2 stderr, a length of 0 ending either,
 * 3 exited, 4 not started and 5 started (the pid) with a 4-byte int). A fake helper on a real Unix socket sends the frames and closes: the
 * script's stdout, stderr and exit are what the frames say, and bytes no helper would send end in an IOException
 * or a lost exit (255), never another exception and never a wait that does not end.
 */
class HelperFramesFuzzTest {
    private static final int OUT = 1;
    private static final int ERR = 2;
    private static final int EXITED = 3;
    private static final int NOT_STARTED = 4;
    private static final int STARTED = 5;
    /** Turns a wait that would never end into a failure: far above any try's time. */
    private static final long STUCK_SECONDS = 20;

    private static Path dir;
    private static UnixDomainSocketAddress address;
    private static ServerSocketChannel server;
    private static ExecutorService writers;
    private static ScheduledExecutorService watchdog;

    @BeforeAll
    static void listen() throws IOException {
        dir = Files.createTempDirectory("helper-frames");
        address = UnixDomainSocketAddress.of(dir.resolve("helper.sock"));
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(address);
        writers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-spawn-helper");
            t.setDaemon(true);
            return t;
        });
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stuck-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void close() throws IOException {
        server.close();
        writers.shutdownNow();
        watchdog.shutdownNow();
        Files.deleteIfExists(address.getPath());
        Files.deleteIfExists(dir);
    }

    /** One frame as the helper sends it. */
    record Frame(int kind, byte[] content) {
        static Frame out(byte[] data) {
            return new Frame(OUT, data);
        }

        static Frame err(byte[] data) {
            return new Frame(ERR, data);
        }

        static Frame status(int kind, int value) {
            return new Frame(kind, ByteBuffer.allocate(4).putInt(value).array());
        }

        byte[] encode() {
            return ByteBuffer.allocate(8 + content.length).putInt(kind).putInt(content.length).put(content).array();
        }

        @Override
        public String toString() {
            return "Frame[" + kind + ", " + content.length + "]";
        }
    }

    /**
     * What a script did: its start (its pid), its output and errors in frames of up to 16 KB (as the helper cuts
     * them), then its exit.
     */
    record Script(int pid, List<Frame> data, boolean outEndsFirst, int exit) {
        byte[] stream() {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            s.writeBytes(Frame.status(STARTED, pid).encode());
            data.forEach(f -> s.writeBytes(f.encode()));
            Frame outEnd = Frame.out(new byte[0]);
            Frame errEnd = Frame.err(new byte[0]);
            s.writeBytes((outEndsFirst ? outEnd : errEnd).encode());
            s.writeBytes((outEndsFirst ? errEnd : outEnd).encode());
            s.writeBytes(Frame.status(EXITED, exit).encode());
            return s.toByteArray();
        }

        byte[] of(int kind) {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            data.stream().filter(f -> f.kind() == kind).forEach(f -> s.writeBytes(f.content()));
            return s.toByteArray();
        }
    }

    static Script scripts(Fuzz f) {
        List<Frame> frames = f.list(10, () -> new Frame(f.oneOf(OUT, ERR),
                f.weighted(8, 1) == 0 ? f.bytes(1, 100) : f.bytes(1, 16 * 1024)));
        return new Script(f.between(1, 4_194_304), frames, f.bool(), f.between(0, 255));
    }

    /** Arbitrary bytes, and frames of any kind and claimed length, cut anywhere. */
    static byte[] streams(Fuzz f) {
        if (f.bool()) {
            return f.bytes(300);
        }
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        for (int n = f.between(0, 8); n > 0; n--) {
            int kind = f.weighted(4, 1) == 0 ? f.between(0, 5) : f.anyInt();
            int length = f.weighted(4, 1) == 0 ? f.between(-1, 40)
                    : f.oneOf(4, Integer.MAX_VALUE, Integer.MIN_VALUE, 32 * 1024, 70_000);
            byte[] content = f.bytes(40);
            s.writeBytes(ByteBuffer.allocate(8 + content.length).putInt(kind).putInt(length).put(content).array());
        }
        byte[] all = s.toByteArray();
        return Arrays.copyOf(all, (int) ((long) all.length * f.between(0, 100) / 100));
    }

    @Test
    void aScriptIsWhatItsFramesSay() {
        Fuzz.check(f -> aScriptIsWhatItsFramesSay(scripts(f)));
    }

    private void aScriptIsWhatItsFramesSay(Script script) throws Exception {
        Outcome outcome = run(script.stream());
        assertEquals(null, outcome.failure, "frames of a real helper refused");
        assertArrayEquals(script.of(OUT), outcome.stdout);
        assertArrayEquals(script.of(ERR), outcome.stderr);
        assertEquals(script.exit(), outcome.exit);
        assertEquals(script.pid(), outcome.pid);
        assertFalse(outcome.unread, "frames left unread after the exit");
    }

    @Test
    void aScriptThatCouldNotStartSaysWhy() {
        Fuzz.check(100, f -> aScriptThatCouldNotStartSaysWhy(f.anyInt()));
    }

    private void aScriptThatCouldNotStartSaysWhy(int errno) throws Exception {
        Outcome outcome = run(Frame.status(NOT_STARTED, errno).encode());
        assertTrue(outcome.failure instanceof ScriptNotStarted, String.valueOf(outcome.failure));
        assertTrue(outcome.failure.getMessage().contains("errno " + errno));
    }

    /** Whatever the helper sends, the script ends: in an IOException or an exit, never another throwable. */
    @Test
    void anyBytesEndTheScriptWithAnIOExceptionOrAnExit() {
        Fuzz.check(f -> anyBytesEndTheScriptWithAnIOExceptionOrAnExit(streams(f)));
    }

    private void anyBytesEndTheScriptWithAnIOExceptionOrAnExit(byte[] bytes) throws Exception {
        Outcome outcome = run(bytes);
        assertTrue(outcome.exit >= 0 || outcome.exit < 0 && outcome.failure != null, "no exit");
        assertTrue(outcome.stdout.length + outcome.stderr.length <= bytes.length, "more output than input");
    }

    private static final class Outcome {
        byte[] stdout;
        byte[] stderr;
        int exit = Integer.MIN_VALUE;
        long pid;
        IOException failure;
        boolean unread;
    }

    /** Runs a script whose helper sends {@code bytes} and closes, as a runner does: stdout, then exit and stderr. */
    private static Outcome run(byte[] bytes) throws Exception {
        HelperConnection link = HelperConnection.open(address);
        SocketChannel helper = server.accept();
        Future<?> sent = writers.submit(() -> {
            try (helper) {
                ByteBuffer named = ByteBuffer.allocate(1);
                while (named.hasRemaining() && helper.read(named) >= 0) {
                    // the connection's name, 'C'
                }
                assertEquals('C', named.get(0));
                HelperConnection.writeFully(helper, ByteBuffer.wrap(bytes));
            }
            return null;
        });
        Thread self = Thread.currentThread();
        ScheduledFuture<?> stuck = watchdog.schedule(self::interrupt, STUCK_SECONDS, TimeUnit.SECONDS);
        Outcome outcome = new Outcome();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        HelperScript script = new HelperScript(Path.of("/fuzz/script"), link, null, null);
        try {
            script.forwardStderr(stderr, null);
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            try (InputStream in = script.stdout()) {
                byte[] chunk = new byte[4096];
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    stdout.write(chunk, 0, n);
                }
            } catch (IOException e) {
                outcome.failure = e;
            }
            outcome.stdout = stdout.toByteArray();
            outcome.exit = script.waitFor();
            outcome.pid = script.pid();
            script.awaitStderr(STUCK_SECONDS, TimeUnit.SECONDS);
            outcome.stderr = stderr.toByteArray();
            outcome.unread = link.hasUnread();
        } finally {
            stuck.cancel(false);
            boolean interrupted = Thread.interrupted();
            link.close();
            sent.get(STUCK_SECONDS, TimeUnit.SECONDS);
            assertFalse(interrupted, "the script's frames were still awaited after " + STUCK_SECONDS + " s");
        }
        assertFalse(outcome.failure instanceof java.io.InterruptedIOException, "the wait was interrupted");
        return outcome;
    }

    @Test
    void theFakeHelperIsReal() throws Exception {
        // the harness itself: a stream cut inside a header is an IOException, not a hang
        Outcome outcome = run(new byte[] {0, 0, 0, 1, 0});
        assertThrows(IOException.class, () -> {
            if (outcome.failure != null) {
                throw outcome.failure;
            }
        });
    }
}
