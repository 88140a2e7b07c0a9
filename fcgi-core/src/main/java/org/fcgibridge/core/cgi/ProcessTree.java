package org.fcgibridge.core.cgi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a script as the leader of its own session and process group (through util-linux's {@code setsid}, where
 * there is one), so that the whole tree it grows can be signalled at once, even children that left their parent.
 */
final class ProcessTree {
    private static final System.Logger LOG = System.getLogger(ProcessTree.class.getName());
    private static final Path SETSID = firstExecutable("/usr/bin/setsid", "/bin/setsid");
    private static final Path KILL = firstExecutable("/bin/kill", "/usr/bin/kill");

    private final Process process;
    private final boolean groupLeader;

    private ProcessTree(Process process, boolean groupLeader) {
        this.process = process;
        this.groupLeader = groupLeader;
    }

    /** Starts {@code builder}'s command in a new session when possible. */
    static ProcessTree start(ProcessBuilder builder) throws IOException {
        boolean leader = SETSID != null;
        if (leader) {
            List<String> command = new ArrayList<>(builder.command());
            command.add(0, SETSID.toString());
            builder.command(command);
        }
        return new ProcessTree(builder.start(), leader);
    }

    Process process() {
        return process;
    }

    /**
     * SIGTERM ({@code force} false) or SIGKILL to the process group and every descendant still known. The group is
     * signalled even after its leader exited: its other members keep the group id from being reused.
     */
    void signal(boolean force) {
        if (groupLeader && KILL != null) {
            try {
                Process kill = new ProcessBuilder(KILL.toString(), "-s", force ? "KILL" : "TERM", "--",
                        "-" + process.pid()).redirectErrorStream(true).start();
                kill.getInputStream().readAllBytes(); // "no such process" once the group is empty
                kill.waitFor(2, TimeUnit.SECONDS);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "kill of group {0} failed: {1}", process.pid(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process.descendants().forEach(child -> {
            if (force) {
                child.destroyForcibly();
            } else {
                child.destroy();
            }
        });
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
    }

    private static Path firstExecutable(String... candidates) {
        for (String candidate : candidates) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        return null;
    }
}
