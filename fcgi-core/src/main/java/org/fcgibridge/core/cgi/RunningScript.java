package org.fcgibridge.core.cgi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A CGI script running now, found by the thread that serves its request: an operator's tool (the slow log) knows a
 * request's serving thread ({@link org.fcgibridge.core.protocol.RequestRecord#thread()}) and wants the script's pid
 * and command line. {@link ProcessRunner} registers a script from its start to the end of its request, on the thread
 * that runs it, on either engine. The registry is one for the JVM, as threads are: a thread runs one script at a time,
 * whichever server it serves, so it never holds more entries than scripts are running.
 */
public final class RunningScript {
    private static final Map<Thread, RunningScript> BY_THREAD = new ConcurrentHashMap<>();

    private final Thread thread;
    private final Path script;
    private final ScriptProcess process;

    private RunningScript(Thread thread, Path script, ScriptProcess process) {
        this.thread = thread;
        this.script = script;
        this.process = process;
    }

    /** The script that {@code thread} runs now, if any. */
    public static Optional<RunningScript> servedBy(Thread thread) {
        return Optional.ofNullable(BY_THREAD.get(thread));
    }

    /** The current thread runs {@code process}, started from {@code script}, until {@link #unregister()}. */
    static RunningScript register(Path script, ScriptProcess process) {
        RunningScript running = new RunningScript(Thread.currentThread(), script, process);
        BY_THREAD.put(running.thread, running);
        return running;
    }

    /** Its request has ended. */
    void unregister() {
        BY_THREAD.remove(thread, this);
    }

    /** The script's file. */
    public Path script() {
        return script;
    }

    /** The script's process id; empty until it is known (the spawn helper tells it with the script's first frames). */
    public OptionalLong pid() {
        long pid = process.pid();
        return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
    }

    /**
     * What the process runs now as the system shows it: for a script with {@code #!}, the interpreter and the script's
     * path (or whatever program the script has become by {@code exec}); else, where the system does not tell (the
     * process has ended, or it belongs to another user), the script's path.
     */
    public String commandLine() {
        OptionalLong pid = pid();
        if (pid.isPresent()) {
            Optional<String> shown = ProcessHandle.of(pid.getAsLong()).flatMap(p -> p.info().commandLine());
            if (shown.isPresent()) {
                return shown.get();
            }
        }
        return script.toString();
    }

    @Override
    public String toString() {
        return script + " (pid " + (pid().isPresent() ? pid().getAsLong() : "unknown") + ")";
    }
}
