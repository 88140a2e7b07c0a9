package org.fcgibridge.sample.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What the launcher leaves when it refuses a command line: its exit status and its stderr. */
final class LauncherRefusal {
    final int status;
    final String stderr;

    private LauncherRefusal(int status, String stderr) {
        this.status = status;
        this.stderr = stderr;
    }

    /**
     * Runs the launcher on {@code war} with {@code args} (on a free loopback port) and waits for it to stop; fails if
     * it still runs after 30 s, that is if it did not refuse.
     */
    static LauncherRefusal of(Path war, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("--war", war.toString(), "--listen", "127.0.0.1:0"));
        command.addAll(List.of(args));
        Process launcher = new ProcessBuilder(RunningBridge.command(command.toArray(String[]::new))).start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(launcher.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        launcher.getInputStream().transferTo(OutputStream.nullOutputStream());
        if (!launcher.waitFor(30, TimeUnit.SECONDS)) {
            launcher.destroyForcibly();
            throw new AssertionError("the launcher did not stop: " + String.join(" ", command));
        }
        try {
            return new LauncherRefusal(launcher.exitValue(), stderr.get(10, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no stderr of the launcher", e);
        }
    }

    /** The lines of stderr that contain {@code text}. */
    List<String> linesWith(String text) {
        return stderr.lines().filter(line -> line.contains(text)).toList();
    }

    String lastLine() {
        List<String> lines = stderr.strip().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
