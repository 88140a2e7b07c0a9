package org.fcgibridge.core.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.Set;
import org.fcgibridge.core.cgi.CgiRunnerFactory;
import org.fcgibridge.core.echo.EchoHandler;
import org.fcgibridge.core.echo.HelloHandler;
import org.fcgibridge.core.net.PortExposure;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;

/**
 * {@code java -jar fcgi-core.jar <command> [options]}: the runnable responders of fcgi-core.
 *
 * <p>Exit status: 0 after a clean shutdown (SIGTERM, SIGINT), 1 if the server cannot start, 2 for a usage error, 3
 * after an error no thread caught ({@link FatalErrors}).
 */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: java -jar fcgi-core.jar <command> [options]",
            "",
            "commands:",
            "  echo     answer every request with its params, sorted, and its body (checks a web server's config)",
            "  hello    answer every request with \"Hello, World!\" (a benchmark baseline)",
            "  cgi      run CGI scripts, a drop-in for fcgiwrap: cgi --root DIR [options]",
            "",
            "options:",
            ServerOptions.HELP,
            "",
            "cgi options:",
            CgiOptions.HELP);

    private Main() {
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    public static void main(String[] args) {
        FatalErrors.install();
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command until the JVM is asked to stop; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Logging.configure();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        boolean cgi = args[0].equals("cgi");
        if (!cgi && !args[0].equals("echo") && !args[0].equals("hello")) {
            err.println("unknown command: " + args[0]);
            err.println(USAGE);
            return 2;
        }
        ServerOptions options;
        RunnerFactory runners;
        try {
            CommandLine line = new CommandLine(args, 1, union(ServerOptions.WITH_VALUE, cgi ? CgiOptions.WITH_VALUE
                    : Set.of()), union(ServerOptions.FLAGS, cgi ? CgiOptions.FLAGS : Set.of()));
            if (line.has("help")) {
                out.println(USAGE);
                return 0;
            }
            options = new ServerOptions(line);
            runners = cgi ? new CgiRunnerFactory(CgiOptions.config(line))
                    : RunnerFactory.of(args[0].equals("echo") ? new EchoHandler() : new HelloHandler());
        } catch (CommandLine.UsageException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        ShutdownSignals signals = ShutdownSignals.install();
        FcgiServer server;
        try {
            server = FcgiServer.start(options.listen, options.params, runners, options.socketMode);
        } catch (IOException | RuntimeException e) {
            err.println("cannot start: " + e.getMessage());
            return 1;
        }
        String exposure = PortExposure.warning(options.listen, options.params.webServerAddrs());
        if (exposure != null) {
            err.println("fcgi-core: " + exposure);
        }
        out.println("fcgi-core " + args[0] + " listening on " + server.describeAddress());
        out.flush();
        signals.awaitStop(server::close);
        return 0;
    }
}
