package org.fcgibridge.core.cgi;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.URL;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts CGI scripts through a small C program ({@code src/main/c/spawn-helper.c}, built with the module where a C
 * compiler is, and shipped in the jar) that forks and execs them, as fcgiwrap does. The JDK's own way costs a second
 * exec per script (its jspawnhelper) and a scan of the JVM's descriptors: the runner reached 0.4x fcgiwrap's rate
 * with it. The helper takes spawn orders on its stdin and answers on its stdout (the protocol is at the head of the C
 * source); each script connects its stdin, stdout and stderr to this JVM's Unix socket, in a directory only this user
 * can enter, before it execs. One helper serves the whole JVM; it ends when the JVM does (its stdin ends).
 */
final class SpawnHelper implements ScriptStarter {
    private static final System.Logger LOG = System.getLogger(SpawnHelper.class.getName());
    private static final int STARTED = 1;
    private static final int NOT_STARTED = 2;
    private static final int EXITED = 3;
    /**
     * A start's answer, and its streams, come within milliseconds (the streams are connected before the exec): a
     * helper that takes longer is broken.
     */
    private static final long STEP_TIMEOUT_SECONDS = 30;
    /** How the JDK encodes a process's arguments and environment; the helper gets the same bytes. */
    private static final Charset NATIVE = Charset.forName(System.getProperty("sun.jnu.encoding",
            Charset.defaultCharset().name()));

    private static SpawnHelper shared;

    private final Process helper;
    private final ServerSocketChannel streams;
    private final Path socket;
    private final DataOutputStream orders;
    private final Map<Integer, Script> scripts = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile boolean dead;

    private SpawnHelper(Process helper, ServerSocketChannel streams, Path socket) {
        this.helper = helper;
        this.streams = streams;
        this.socket = socket;
        this.orders = new DataOutputStream(new BufferedOutputStream(helper.getOutputStream()));
        daemon("cgi-spawn-answers", this::readAnswers);
        daemon("cgi-spawn-streams", this::acceptStreams);
    }

    /**
     * The JVM's helper, started now if there is none or the last one has died.
     *
     * @throws IOException if there is no helper for this platform, or it cannot be started
     */
    static synchronized SpawnHelper shared() throws IOException {
        if (shared == null || shared.dead) {
            shared = start();
        }
        return shared;
    }

    private static SpawnHelper start() throws IOException {
        String platform = "linux-" + System.getProperty("os.arch");
        URL program = SpawnHelper.class.getResource("native/" + platform + "/spawn-helper");
        if (!System.getProperty("os.name").equals("Linux") || program == null) {
            throw new IOException("no spawn helper was built for " + System.getProperty("os.name") + " " + platform);
        }
        Path dir = Files.createTempDirectory("fcgi-bridge-spawn-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path binary = dir.resolve("spawn-helper");
        Path socket = dir.resolve("s");
        ServerSocketChannel server = null;
        Process process;
        try {
            try (InputStream in = program.openStream()) {
                Files.copy(in, binary);
            }
            Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"));
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            ProcessBuilder builder = new ProcessBuilder(binary.toString(), socket.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().clear(); // the scripts get the environment of their orders, nothing of the server's
            process = builder.start(); // fails where the temporary directory is mounted noexec
        } catch (IOException e) {
            if (server != null) {
                server.close();
            }
            for (Path path : new Path[] {socket, binary, dir}) {
                Files.deleteIfExists(path);
            }
            throw e;
        }
        // the program runs on without its file; the helper removes the socket and the directory when this JVM ends,
        // however it ends (its stdin ends with the JVM)
        Files.delete(binary);
        LOG.log(System.Logger.Level.DEBUG, "CGI spawn helper started, pid {0}", process.pid());
        return new SpawnHelper(process, server, socket);
    }

    boolean isDead() {
        return dead;
    }

    @Override
    public ScriptProcess start(Path script, Path directory, Map<String, String> environment) throws IOException {
        if (dead) {
            throw new IOException("the spawn helper has ended");
        }
        int id = ids.incrementAndGet();
        Script started = new Script(script);
        scripts.put(id, started);
        try {
            send(id, script, directory, environment);
            long pid = awaitStep(started.started);
            started.handle = ProcessHandle.of(pid); // empty if it has already ended
            for (CompletableFuture<SocketChannel> stream : started.streams) {
                awaitStep(stream);
            }
            return started;
        } catch (IOException | TimeoutException e) {
            scripts.remove(id);
            started.destroy(true);
            throw e instanceof IOException ? (IOException) e : new IOException(script + ": the spawn helper did not"
                    + " answer within " + STEP_TIMEOUT_SECONDS + " s", e);
        }
    }

    /**
     * Waits for a step of a start under way, through interrupts (the interrupt stays set): a start given up half-way
     * would leave a script running that nobody owns. The caller's termination sees the script and kills it.
     */
    private static <T> T awaitStep(CompletableFuture<T> step) throws IOException, TimeoutException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return step.get(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof IOException ? (IOException) e.getCause()
                            : new IOException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void send(int id, Path script, Path directory, Map<String, String> environment) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        DataOutputStream order = new DataOutputStream(bytes);
        order.writeInt(id);
        string(order, directory.toString());
        string(order, script.toString());
        order.writeInt(environment.size());
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            string(order, variable.getKey() + "=" + variable.getValue());
        }
        synchronized (orders) {
            orders.writeInt(bytes.size());
            bytes.writeTo(orders);
            orders.flush();
        }
    }

    private static void string(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(NATIVE);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private void readAnswers() {
        try (DataInputStream answers = new DataInputStream(helper.getInputStream())) {
            while (true) {
                int id = answers.readInt();
                int kind = answers.readInt();
                int value = answers.readInt();
                Script script = scripts.get(id);
                if (script == null) {
                    continue;
                }
                if (kind == STARTED) {
                    script.started.complete((long) value);
                } else if (kind == NOT_STARTED) {
                    scripts.remove(id);
                    script.started.completeExceptionally(new IOException(script.path + " could not be started (errno "
                            + value + ")"));
                } else if (kind == EXITED) {
                    script.exit.complete(value);
                    forgetIfSettled(id, script);
                }
            }
        } catch (EOFException e) {
            LOG.log(System.Logger.Level.WARNING, "the CGI spawn helper has ended");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "the CGI spawn helper failed: {0}", e.toString());
        } finally {
            die();
        }
    }

    /** Fails what waits on the helper: its scripts' exit statuses are lost with it. */
    private void die() {
        dead = true;
        helper.destroy();
        try {
            streams.close();
            Files.deleteIfExists(socket); // a helper that was killed could not
            Files.deleteIfExists(socket.getParent());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "CGI spawn helper: cleaning up: {0}", e.toString());
        }
        IOException gone = new IOException("the CGI spawn helper has ended");
        for (Script script : scripts.values()) {
            script.started.completeExceptionally(gone);
            script.exit.complete(255);
        }
        scripts.clear();
    }

    private void acceptStreams() {
        ByteBuffer header = ByteBuffer.allocate(5);
        while (!dead) {
            SocketChannel channel;
            try {
                channel = streams.accept();
            } catch (IOException e) {
                if (!dead) {
                    LOG.log(System.Logger.Level.WARNING, "CGI spawn helper: accept failed: {0}", e.toString());
                }
                return;
            }
            try {
                header.clear();
                while (header.hasRemaining()) {
                    if (channel.read(header) < 0) {
                        throw new EOFException("a script's stream closed before it named itself");
                    }
                }
                Script script = scripts.get(header.getInt(0));
                int stream = header.get(4);
                if (script == null || stream < 0 || stream > 2 || !script.streams[stream].complete(channel)) {
                    channel.close(); // a script that failed to start, or a stranger
                } else {
                    forgetIfSettled(header.getInt(0), script);
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "CGI spawn helper: a stream was lost: {0}", e.toString());
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // lost anyway
                }
            }
        }
    }

    /**
     * A script is known by its id until it has exited and all its streams have come: a quick script's exit is often
     * reported before its streams are taken.
     */
    private void forgetIfSettled(int id, Script script) {
        if (script.exit.isDone() && script.streams[0].isDone() && script.streams[1].isDone()
                && script.streams[2].isDone()) {
            scripts.remove(id, script);
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** A script the helper started. */
    private static final class Script implements ScriptProcess {
        private final Path path;
        private final CompletableFuture<Long> started = new CompletableFuture<>();
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        @SuppressWarnings("unchecked")
        private final CompletableFuture<SocketChannel>[] streams = new CompletableFuture[] {
            new CompletableFuture<SocketChannel>(), new CompletableFuture<SocketChannel>(),
            new CompletableFuture<SocketChannel>()};
        private volatile Optional<ProcessHandle> handle = Optional.empty();

        Script(Path path) {
            this.path = path;
        }

        private SocketChannel stream(int index) {
            return streams[index].join();
        }

        @Override
        public OutputStream stdin() {
            return Channels.newOutputStream(stream(0));
        }

        @Override
        public InputStream stdout() {
            return Channels.newInputStream(stream(1));
        }

        @Override
        public InputStream stderr() {
            return Channels.newInputStream(stream(2));
        }

        @Override
        public Optional<ProcessHandle> handle() {
            return handle;
        }

        @Override
        public int waitFor() throws InterruptedException {
            try {
                return exit.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e); // never completed exceptionally
            }
        }

        @Override
        public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
            try {
                exit.get(timeout, unit);
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
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
            closeStreams(); // as the JDK's destroy does: readers blocked on the streams of a dying tree wake up
        }

        @Override
        public void closeStreams() {
            for (CompletableFuture<SocketChannel> stream : streams) {
                // a stream still to come is closed by the acceptor, which finds it settled
                if (stream.isDone() || !stream.completeExceptionally(new IOException("closed before it came"))) {
                    stream.thenAccept(Script::closeQuietly);
                }
            }
        }

        private static void closeQuietly(SocketChannel channel) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed anyway
            }
        }
    }
}
