package org.fcgibridge.core.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fcgibridge.core.cgi.CgiConfig;

/**
 * The options of the {@code cgi} command.
 */
final class CgiOptions {
    static final Set<String> WITH_VALUE = Set.of("root", "allow", "env", "max-processes", "max-running",
            "kill-grace");
    static final Set<String> FLAGS = Set.of("log-stderr", "jdk-spawn");

    static final String HELP = String.join("\n",
            "  --root DIR                    scripts must lie here, also after symlinks (repeatable; required)",
            "  --allow FILE                  only these scripts may run (repeatable; default: any in the roots)",
            "  --env NAME=VALUE              add to every script's environment (repeatable; PATH defaults to",
            "                                " + CgiConfig.DEFAULT_PATH + ")",
            "  --max-processes N             scripts admitted at once, running or waiting; more are answered 503",
            "                                (default 64)",
            "  --max-running N               scripts running at once; more wait their turn, first come first",
            "                                served (default " + CgiConfig.RUNNING_PER_CORE + " per core)",
            "  --kill-grace SECONDS          from SIGTERM to SIGKILL of a terminated script's tree (default 2)",
            "  --log-stderr                  copy scripts' stderr to this log too (it always goes to FCGI_STDERR)",
            "  --jdk-spawn                   start scripts with the JDK's ProcessBuilder, not with the spawn helper",
            "                                (a small C program that starts them, about three times as fast)",
            "  (--request-timeout is the scripts' time limit; fcgiwrap has none)");

    private CgiOptions() {
    }

    static CgiConfig config(CommandLine line) throws CommandLine.UsageException {
        List<String> roots = line.getAll("root");
        if (roots.isEmpty()) {
            throw new CommandLine.UsageException("cgi needs at least one --root DIR");
        }
        try {
            CgiConfig config = CgiConfig.of(roots.stream().map(Path::of).toArray(Path[]::new));
            if (line.has("allow")) {
                config = config.withAllowed(line.getAll("allow").stream().map(Path::of).toArray(Path[]::new));
            }
            Map<String, String> env = new LinkedHashMap<>();
            for (String pair : line.getAll("env")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new CommandLine.UsageException("--env wants NAME=VALUE: " + pair);
                }
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            return config.withEnvironment(env)
                    .withMaxProcesses(line.positiveInt("max-processes", config.maxProcesses()))
                    .withMaxRunning(line.positiveInt("max-running", config.maxRunning()))
                    .withKillGrace(line.seconds("kill-grace", config.killGrace()))
                    .withLogStderr(line.has("log-stderr"))
                    .withSpawnHelper(!line.has("jdk-spawn"));
        } catch (IOException e) {
            throw new CommandLine.UsageException("no such file or directory: " + e.getMessage());
        }
    }
}
