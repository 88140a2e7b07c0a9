package org.fcgibridge.core.cgi;

import java.io.Closeable;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.URL;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts CGI scripts through a small C program ({@code src/main/c/spawn-helper.c}, built with the module where a C
 * compiler is, and shipped in the jar) that starts them with posix_spawn and relays their output, stderr and exit. The
 * JDK's own way costs a second exec per script (its jspawnhelper) and a scan of the JVM's descriptors (figures in
 * docs/BENCHMARKS.md). The helper listens on a Unix socket in a directory only this user
 * can enter; the thread that starts a script sends the order on a {@link HelperConnection} taken from a pool and
 * reads the script's frames on it ({@link HelperScript}), so no other thread takes part (the protocol is at the head
 * of the C source). The JVM runs a few ({@link SpawnHelpers}); each ends when the JVM does (its stdin ends).
 */
final class SpawnHelper implements ScriptStarter {
    private static final System.Logger LOG = System.getLogger(SpawnHelper.class.getName());
    private static final int ORDER = 1;
    private static final int HAS_STDIN = 1;
    /** Idle connections kept for the next scripts; more than the scripts that ever run at once would be waste. */
    private static final int MAX_IDLE = 256;
    /** How the JDK encodes a process's arguments and environment; the helper gets the same bytes. */
    private static final Charset NATIVE = Charset.forName(System.getProperty("sun.jnu.encoding",
            Charset.defaultCharset().name()));

    private final Process helper;
    private final UnixDomainSocketAddress address;
    private final Deque<HelperConnection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile boolean dead;

    private SpawnHelper(Process helper, Path socket) {
        this.helper = helper;
        this.address = UnixDomainSocketAddress.of(socket);
        helper.onExit().thenRun(this::died);
    }

    /**
     * Starts a helper, which ends when this JVM does.
     *
     * @throws IOException if there is no helper for this platform, or it cannot be started
     */
    static SpawnHelper start() throws IOException {
        String platform = "linux-" + System.getProperty("os.arch");
        URL program = SpawnHelper.class.getResource("native/" + platform + "/spawn-helper");
        if (!System.getProperty("os.name").equals("Linux") || program == null) {
            throw new IOException("no spawn helper was built for " + System.getProperty("os.name") + " " + platform);
        }
        Path dir = Files.createTempDirectory("fcgi-bridge-spawn-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path binary = dir.resolve("spawn-helper");
        Path socket = dir.resolve("s");
        Process process = null;
        try {
            try (InputStream in = program.openStream()) {
                Files.copy(in, binary);
            }
            Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"));
            ProcessBuilder builder = new ProcessBuilder(binary.toString(), socket.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().clear(); // the scripts get the environment of their orders, nothing of the server's
            process = builder.start(); // fails where the temporary directory is mounted noexec
            try (InputStream ready = process.getInputStream()) {
                if (ready.read() != 'R') {
                    throw new IOException("the spawn helper could not listen on " + socket);
                }
            }
        } catch (IOException e) {
            if (process != null) {
                process.destroyForcibly();
            }
            for (Path path : new Path[] {socket, binary, dir}) {
                Files.deleteIfExists(path);
            }
            throw e;
        } finally {
            // the program runs on without its file; the helper removes the socket and the directory when this JVM
            // ends, however it ends (its stdin ends with the JVM)
            Files.deleteIfExists(binary);
        }
        LOG.log(System.Logger.Level.DEBUG, "CGI spawn helper started, pid {0}", process.pid());
        return new SpawnHelper(process, socket);
    }

    boolean isDead() {
        return dead;
    }

    /** Ends the helper (its scripts run on); the JVM uses the JDK's way, or other helpers. */
    void stop() {
        helper.destroy();
        died();
    }

    @Override
    public ScriptProcess start(Path script, Path directory, Map<String, String> environment, boolean withStdin)
            throws IOException {
        if (dead) {
            throw new IOException("the spawn helper has ended");
        }
        int id = ids.incrementAndGet();
        HelperConnection link = null;
        SocketChannel stdin = null;
        try {
            link = idle.pollFirst();
            if (link == null) {
                link = HelperConnection.open(address);
            }
            if (withStdin) {
                stdin = connectStdin(id); // before the order, which the helper carries out as it reads it
            }
            link.send(order(id, withStdin, script, directory, environment));
            return new HelperScript(script, link, stdin, this);
        } catch (IOException e) {
            closeQuietly(link, stdin);
            if (!helper.isAlive()) {
                died();
            }
            throw e;
        }
    }

    /** Keeps {@code link}, free again, for a later script. */
    void release(HelperConnection link) {
        if (dead || idle.size() >= MAX_IDLE) {
            link.close();
            return;
        }
        idle.addFirst(link); // the most recently used first: the fewest connections stay in use
        if (dead && idle.remove(link)) {
            link.close(); // the helper died meanwhile
        }
    }

    private SocketChannel connectStdin(int id) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(address);
            HelperConnection.writeFully(channel, ByteBuffer.allocate(5).put((byte) 'I').putInt(id).flip());
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    private static ByteBuffer order(int id, boolean withStdin, Path script, Path directory,
            Map<String, String> environment) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(2048);
        DataOutputStream order = new DataOutputStream(bytes);
        order.writeInt(ORDER);
        order.writeInt(0); // the length, set below
        order.writeInt(id);
        order.writeInt(withStdin ? HAS_STDIN : 0);
        string(order, directory.toString());
        string(order, script.toString());
        order.writeInt(environment.size());
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            byte[] name = variable.getKey().getBytes(NATIVE);
            byte[] value = variable.getValue().getBytes(NATIVE);
            order.writeInt(name.length + 1 + value.length); // "NAME=value", without a String in between
            order.write(name);
            order.write('=');
            order.write(value);
        }
        ByteBuffer frame = ByteBuffer.wrap(bytes.toByteArray());
        return frame.putInt(4, frame.capacity() - 8);
    }

    private static void string(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(NATIVE);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /**
     * The helper has ended (killed, most likely): {@link SpawnHelpers} starts a new one. Its scripts live on, but their
     * output and exit statuses are lost ({@link HelperScript} reports 255). A killed helper could not remove its
     * directory.
     */
    private synchronized void died() {
        if (dead) {
            return;
        }
        dead = true;
        LOG.log(System.Logger.Level.WARNING, "the CGI spawn helper has ended");
        for (HelperConnection link; (link = idle.pollFirst()) != null; ) {
            link.close();
        }
        Path socket = address.getPath();
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socket.getParent());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "CGI spawn helper: cleaning up: {0}", e.toString());
        }
    }

    static void closeQuietly(Closeable... closeables) {
        for (Closeable closeable : closeables) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (IOException ignored) {
                    // closed anyway
                }
            }
        }
    }
}
