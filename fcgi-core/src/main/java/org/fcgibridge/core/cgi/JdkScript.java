package org.fcgibridge.core.cgi;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A script started by the JDK: posix_spawn of the JDK's jspawnhelper, which execs the script. Its stderr is a pipe
 * that a pump thread copies.
 */
final class JdkScript implements ScriptProcess {
    private static final System.Logger LOG = System.getLogger(JdkScript.class.getName());
    /** Starts scripts this way. */
    static final ScriptStarter STARTER = JdkScript::start;

    private final Process process;
    private final boolean withStdin;
    private Future<?> stderrPump;

    private JdkScript(Process process, boolean withStdin) {
        this.process = process;
        this.withStdin = withStdin;
    }

    static ScriptProcess start(Path script, Path directory, Map<String, String> environment, boolean withStdin)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(script.toString()).directory(directory.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        if (!withStdin) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        return new JdkScript(builder.start(), withStdin);
    }

    @Override
    public OutputStream stdin() {
        if (!withStdin) {
            throw new IllegalStateException("started without input");
        }
        return process.getOutputStream();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public boolean outputReady() {
        return false;
    }

    @Override
    public void forwardStderr(OutputStream sink, ExecutorService pumps) {
        stderrPump = pumps.submit(() -> {
            try (InputStream err = process.getErrorStream()) {
                err.transferTo(sink);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "stderr of a script: {0}", e.getMessage());
            }
        });
    }

    @Override
    public void awaitStderr(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            stderrPump.get(timeout, unit);
        } catch (ExecutionException | TimeoutException e) {
            // the pump logs its own failures; one that is still running ends with the stream
        }
    }

    @Override
    public Optional<ProcessHandle> handle() {
        return Optional.of(process.toHandle());
    }

    @Override
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit);
    }

    @Override
    public void destroy(boolean force) {
        if (force) {
            process.destroyForcibly(); // the JDK closes the streams too
        } else {
            process.destroy();
        }
    }

    @Override
    public void closeStreams() {
        if (stderrPump != null) {
            stderrPump.cancel(true);
        }
        for (Closeable stream : new Closeable[] {process.getOutputStream(), process.getInputStream(),
            process.getErrorStream()}) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // closed anyway
            }
        }
    }
}
