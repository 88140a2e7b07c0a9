package org.fcgibridge.core.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real web server (nginx, Apache httpd, lighttpd...) run in the foreground from a config the test wrote, listening
 * on a loopback port; stopped with SIGTERM on close. The caller's config must log errors to {@code errorLog}.
 */
public final class WebServerProcess implements WebServer {
    private final Process process;
    private final Path dir;
    private final Path errorLog;
    private final int port;

    private WebServerProcess(Process process, Path dir, Path errorLog, int port) {
        this.process = process;
        this.dir = dir;
        this.errorLog = errorLog;
        this.port = port;
    }

    /**
     * Runs {@code command} (its output goes to {@code dir/stdout.log}) and waits until {@code port} accepts.
     *
     * @throws IOException if the server exits or does not listen within 15 s
     */
    public static WebServerProcess start(List<String> command, Map<String, String> environment, Path dir,
            Path errorLog, int port) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile());
        builder.environment().putAll(environment);
        WebServerProcess started = new WebServerProcess(builder.start(), dir, errorLog, port);
        started.awaitListening(command.get(0));
        return started;
    }

    private void awaitListening(String name) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("stdout.log")) + errorLog());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        close();
        throw new IOException(name + " did not listen on " + port + ": " + errorLog());
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String errorLog() {
        try {
            return Files.readString(errorLog);
        } catch (IOException e) {
            return "(no error log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
