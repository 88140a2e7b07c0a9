package org.fcgibridge.sample.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the launcher leaves when it refuses a command line: its exit status and its stderr. */
final class LauncherRefusal {
    /** A refusal comes within a JVM's start; a launcher still running then serves, and never will refuse. */
    private static final long DEADLINE_SECONDS = 30;
    /** How long the output may still take to arrive once the launcher has ended. */
    private static final long DRAIN_SECONDS = 10;

    final int status;
    final String stderr;

    private LauncherRefusal(int status, String stderr) {
        this.status = status;
        this.stderr = stderr;
    }

    /**
     * Runs the launcher on {@code war} with {@code args} (on a free loopback port) and waits for it to stop; if it
     * still runs after 30 s, that is if it did not refuse, it is killed and the test fails with what it wrote.
     */
    static LauncherRefusal of(Path war, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("--war", war.toString(), "--listen", "127.0.0.1:0"));
        command.addAll(List.of(args));
        Process launcher = new ProcessBuilder(RunningBridge.command(command.toArray(String[]::new))).start();
        Output stdout = new Output(launcher.getInputStream(), "stdout");
        Output stderr = new Output(launcher.getErrorStream(), "stderr");
        if (!launcher.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            launcher.destroyForcibly().waitFor(DRAIN_SECONDS, TimeUnit.SECONDS);
            stdout.ended(); // the rest of what it wrote before it was killed
            stderr.ended();
            throw new AssertionError("the launcher did not stop within " + DEADLINE_SECONDS + " s, so it did not "
                    + "refuse: " + String.join(" ", command) + "\nstdout:\n" + stdout.read() + "\nstderr:\n"
                    + stderr.read());
        }
        if (!stderr.ended()) {
            throw new AssertionError("the launcher's stderr did not end " + DRAIN_SECONDS + " s after it stopped: "
                    + stderr.read());
        }
        return new LauncherRefusal(launcher.exitValue(), stderr.read());
    }

    /** The lines of stderr that contain {@code text}. */
    List<String> linesWith(String text) {
        return stderr.lines().filter(line -> line.contains(text)).toList();
    }

    String lastLine() {
        List<String> lines = stderr.strip().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    /** One of the launcher's output streams, read to its end by a thread of its own, so that nothing waits for it. */
    private static final class Output {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread reader;

        Output(InputStream in, String name) {
            reader = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (in) {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        synchronized (bytes) {
                            bytes.write(buffer, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // the process was killed: what was read is what there is
                }
            }, "launcher-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        /** Whether the stream has ended, waiting up to {@link #DRAIN_SECONDS} for it. */
        boolean ended() throws InterruptedException {
            reader.join(TimeUnit.SECONDS.toMillis(DRAIN_SECONDS));
            return !reader.isAlive();
        }

        /** What was read so far. */
        String read() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
