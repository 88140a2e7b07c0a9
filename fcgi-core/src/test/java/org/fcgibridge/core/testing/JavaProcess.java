package org.fcgibridge.core.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started from the test's own classpath, with its stdout lines collected (stderr goes to a file), so a test
 * can wait for a line such as "listening on ...".
 */
public final class JavaProcess implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = new ArrayList<>();
    private final Path stderr;

    private JavaProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    synchronized (all) {
                        all.add(line);
                    }
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "process-stdout");
        pump.setDaemon(true);
        pump.start();
    }

    /** The command line that runs {@code mainClass} in a JVM with this test's classpath and the given JVM options. */
    public static List<String> command(List<String> jvmOptions, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code command}; its stderr goes to {@code stderr}. */
    public static JavaProcess start(List<String> command, Path stderr) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectError(stderr.toFile());
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return new JavaProcess(builder.start(), stderr);
    }

    /** Waits for a stdout line containing {@code text}; returns it. */
    public String awaitLine(String text, long seconds) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(text)) {
                return line;
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("no line with '" + text + "'; stdout " + output() + "; stderr "
                + java.nio.file.Files.readString(stderr));
    }

    public List<String> output() {
        synchronized (all) {
            return new ArrayList<>(all);
        }
    }

    public Process process() {
        return process;
    }

    /** Sends SIGTERM and waits for the exit status. */
    public int terminate(long seconds) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the process did not stop within " + seconds + " s of SIGTERM");
        }
        return process.exitValue();
    }

    public String stderrText() throws IOException {
        return java.nio.file.Files.readString(stderr);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
