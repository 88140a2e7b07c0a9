package org.fcgibridge.core.cgi;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How CGI scripts run: where they may live, which may run, what environment they get, how many at once.
 *
 * @param roots          directories scripts must lie in, as named and after every symlink is resolved
 * @param allowed        if not empty, the only scripts that may run (real paths)
 * @param environment    variables the operator adds to every script's environment (PATH among them)
 * @param maxProcesses   scripts admitted at once, running or waiting their turn; more are answered 503
 * @param maxRunning     scripts running at once; more wait their turn, first come first served (until the request
 *                       times out): on a busy machine, each script then ends sooner than if all shared the cores
 * @param killGrace      after SIGTERM, how long a script's process tree has before SIGKILL
 * @param logStderr      whether a script's STDERR lines also go to the server's log (they always go to FCGI_STDERR)
 * @param mountPrefix    null: the script is SCRIPT_FILENAME (or DOCUMENT_ROOT + SCRIPT_NAME); else a path prefix such
 *                       as "/cgi-bin" under which the request path names the script in the first root
 * @param spawnHelper    whether scripts are started by fcgi-bridge's spawn helpers, small C programs that start them
 *                       and relay their output, several times faster than the JDK's way (docs/BENCHMARKS.md); the
 *                       JDK's ProcessBuilder when false, or when the helper is not there
 */
public record CgiConfig(List<Path> roots, Set<Path> allowed, Map<String, String> environment, int maxProcesses,
                        int maxRunning, Duration killGrace, boolean logStderr, String mountPrefix,
                        boolean spawnHelper) {
    /** The PATH a script gets unless the operator sets one. */
    public static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    /**
     * Scripts that run at once per core unless configured: enough to keep the cores busy while scripts wait on I/O
     * and on their start; beyond it, scripts that share the cores only end later (docs/BENCHMARKS.md).
     */
    public static final int RUNNING_PER_CORE = 8;

    /**
     * @throws IllegalArgumentException if there is no root, or maxProcesses or maxRunning is not positive
     */
    public CgiConfig {
        roots = List.copyOf(roots);
        allowed = Set.copyOf(allowed);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(killGrace, "killGrace");
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("at least one script root is needed");
        }
        if (maxProcesses < 1) {
            throw new IllegalArgumentException("maxProcesses must be positive: " + maxProcesses);
        }
        if (maxRunning < 1) {
            throw new IllegalArgumentException("maxRunning must be positive: " + maxRunning);
        }
    }

    /**
     * A configuration with the given roots (absolute; they must exist), no allow-list, PATH={@value #DEFAULT_PATH},
     * 64 scripts admitted, {@value #RUNNING_PER_CORE} per core running, 2 s from SIGTERM to SIGKILL, STDERR not
     * logged, scripts started by the spawn helper.
     *
     * @throws IOException if a root does not exist
     */
    public static CgiConfig of(Path... roots) throws IOException {
        List<Path> absolute = new ArrayList<>();
        for (Path root : roots) {
            root.toRealPath(); // exists, or IOException
            absolute.add(root.toAbsolutePath().normalize());
        }
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PATH", DEFAULT_PATH);
        return new CgiConfig(absolute, Set.of(), environment, 64,
                RUNNING_PER_CORE * Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(2), false, null,
                true);
    }

    /**
     * Only these scripts may run.
     *
     * @throws IOException if one does not exist
     */
    public CgiConfig withAllowed(Path... scripts) throws IOException {
        List<Path> real = new ArrayList<>();
        for (Path script : scripts) {
            real.add(script.toRealPath());
        }
        return new CgiConfig(roots, Set.copyOf(real), environment, maxProcesses, maxRunning, killGrace, logStderr,
                mountPrefix, spawnHelper);
    }

    /** These variables in every script's environment (replacing the defaults, PATH included, when named). */
    public CgiConfig withEnvironment(Map<String, String> variables) {
        Map<String, String> merged = new LinkedHashMap<>(environment);
        merged.putAll(variables);
        return new CgiConfig(roots, allowed, merged, maxProcesses, maxRunning, killGrace, logStderr, mountPrefix,
                spawnHelper);
    }

    public CgiConfig withMaxProcesses(int value) {
        return new CgiConfig(roots, allowed, environment, value, maxRunning, killGrace, logStderr, mountPrefix,
                spawnHelper);
    }

    public CgiConfig withMaxRunning(int value) {
        return new CgiConfig(roots, allowed, environment, maxProcesses, value, killGrace, logStderr, mountPrefix,
                spawnHelper);
    }

    public CgiConfig withKillGrace(Duration value) {
        return new CgiConfig(roots, allowed, environment, maxProcesses, maxRunning, value, logStderr, mountPrefix,
                spawnHelper);
    }

    /** Scripts are named by the request path under {@code prefix} (and live in the first root). */
    public CgiConfig mountedAt(String prefix) {
        String normalized = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return new CgiConfig(roots, allowed, environment, maxProcesses, maxRunning, killGrace, logStderr, normalized,
                spawnHelper);
    }

    public CgiConfig withLogStderr(boolean value) {
        return new CgiConfig(roots, allowed, environment, maxProcesses, maxRunning, killGrace, value, mountPrefix,
                spawnHelper);
    }

    /** Whether scripts are started by the spawn helper (true) or by the JDK's ProcessBuilder. */
    public CgiConfig withSpawnHelper(boolean value) {
        return new CgiConfig(roots, allowed, environment, maxProcesses, maxRunning, killGrace, logStderr, mountPrefix,
                value);
    }
}
