package org.fcgibridge.core.cgi;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A script started by the JDK: posix_spawn of the JDK's jspawnhelper, which execs the script. */
final class JdkScript implements ScriptProcess {
    /** Starts scripts this way. */
    static final ScriptStarter STARTER = JdkScript::start;

    private final Process process;

    private JdkScript(Process process) {
        this.process = process;
    }

    static ScriptProcess start(Path script, Path directory, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(script.toString()).directory(directory.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        return new JdkScript(builder.start());
    }

    @Override
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public InputStream stderr() {
        return process.getErrorStream();
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
