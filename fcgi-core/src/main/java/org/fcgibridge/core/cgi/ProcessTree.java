package org.fcgibridge.core.cgi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A script's process and every process it starts. Signals reach the whole tree: each signal first records the
 * descendants alive at that moment, and later signals reach every process ever recorded, so a child that ignores
 * SIGTERM and is re-parented when its parent dies still gets the SIGKILL. (A {@link ProcessHandle} names a process by
 * PID and start time, so a recorded handle never reaches a process that reused the PID.) A script of the spawn helper
 * has no handle: the helper signals its process group, which holds the same processes unless one left it.
 */
final class ProcessTree {
    private final ScriptProcess process;
    private final Set<ProcessHandle> known = new LinkedHashSet<>();

    private ProcessTree(ScriptProcess process) {
        this.process = process;
    }

    static ProcessTree start(ScriptStarter starter, Path script, Path directory, Map<String, String> environment,
            boolean withStdin) throws IOException {
        return new ProcessTree(starter.start(script, directory, environment, withStdin));
    }

    ScriptProcess process() {
        return process;
    }

    /** SIGTERM ({@code force} false) or SIGKILL to the script and every descendant seen so far; children first. */
    synchronized void signal(boolean force) {
        process.handle().ifPresent(root -> root.descendants().forEach(known::add));
        for (ProcessHandle child : known) {
            if (force) {
                child.destroyForcibly();
            } else {
                child.destroy();
            }
        }
        process.destroy(force);
    }
}
