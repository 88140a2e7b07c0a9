package org.fcgibridge.servlet.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.fcgibridge.core.cli.ShutdownSignals;
import org.fcgibridge.core.server.ListenAddress;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.core.server.WebServerAddresses;
import org.fcgibridge.servlet.AccessLog;
import org.fcgibridge.servlet.security.RealmFile;
import org.fcgibridge.servlet.security.WebServerLogin;
import org.fcgibridge.servlet.war.DeploymentException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar fcgi-bridge.jar --war app.war --listen 127.0.0.1:9000}: puts a WAR behind any FastCGI web server.
 *
 * <p>Exit status: 0 after a clean stop (SIGTERM, SIGINT), 1 if the application cannot be deployed or the address
 * cannot be listened on, 2 for a usage error.
 */
@Command(name = "fcgi-bridge", mixinStandardHelpOptions = true, version = "fcgi-bridge 0.1.0",
        sortOptions = false, usageHelpWidth = 110,
        description = "Serves a web application (a WAR) over FastCGI, for nginx, Apache httpd, lighttpd, Caddy or h2o.")
public final class Launcher implements Callable<Integer> {
    /** Which container runs the application. */
    enum Engine { standalone, jetty }

    @Option(names = "--war", required = true, paramLabel = "PATH", description = "a .war file or an exploded webapp")
    Path war;

    @Option(names = "--listen", defaultValue = "127.0.0.1:9000", paramLabel = "ADDR",
            description = "host:port, [ipv6]:port, unix:PATH, or fd:0 (the socket a web server hands over) "
                    + "(default: ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--context-path", defaultValue = "", paramLabel = "PATH",
            description = "the application's context path, \"\" for the root (default: \"\")")
    String contextPath;

    @Option(names = "--engine", defaultValue = "standalone", paramLabel = "ENGINE",
            description = "standalone (the bridge's own container, no JSP: JSP requests answer 500) or jetty "
                    + "(Jetty 12 ee10 with a JSP 3.1 engine, Jasper; JSTL comes from the WAR's WEB-INF/lib"
                    + ") (default: ${DEFAULT-VALUE})")
    Engine engine;

    @Option(names = "--realm", paramLabel = "FILE",
            description = "users, passwords and roles for the application's security constraints (BASIC, FORM "
                    + "login...), lines like \"alice: secret,admin\" (Jetty's HashLoginService format). An "
                    + "application whose constraints need users does not start without it")
    Path realm;

    @Option(names = "--trust-web-server-auth",
            description = "the web server authenticates: its REMOTE_USER (and AUTH_TYPE) is the request's user, with "
                    + "the roles of --web-server-roles, else of the --realm file's lines. Only for a web server that "
                    + "authenticates every request it forwards; without this option REMOTE_USER is ignored")
    boolean trustWebServerAuth;

    @Option(names = "--web-server-roles", paramLabel = "NAME",
            description = "where the web server puts the user's comma-separated roles: a FastCGI param "
                    + "(REMOTE_USER_ROLES) or an HTTP header it sets (X-Roles, which arrives as HTTP_X_ROLES); "
                    + "needs --trust-web-server-auth")
    String webServerRoles;

    @Option(names = "--http", paramLabel = "[HOST:]PORT",
            description = "also serve HTTP on this port (a development front: each request goes through a real "
                    + "FastCGI connection), so curl works with nothing else installed")
    String http;

    @Option(names = "--cgi-root", paramLabel = "DIR",
            description = "serve the legacy CGI scripts of DIR beside the WAR, under --cgi-prefix")
    Path cgiRoot;

    @Option(names = "--cgi-prefix", defaultValue = "/cgi-bin", paramLabel = "PATH",
            description = "the request path under which the scripts of --cgi-root are (default: ${DEFAULT-VALUE})")
    String cgiPrefix;

    @Option(names = "--access-log", paramLabel = "FILE", description = "one line per request, to FILE or - (stdout)")
    String accessLog;

    @Option(names = "--socket-mode", defaultValue = "666", paramLabel = "MODE",
            description = "mode of a Unix socket file (default: ${DEFAULT-VALUE})")
    String socketMode;

    @Option(names = "--max-conns", defaultValue = "1024", description = "FCGI_MAX_CONNS (default: ${DEFAULT-VALUE})")
    int maxConns;

    @Option(names = "--max-reqs", defaultValue = "1024", description = "FCGI_MAX_REQS (default: ${DEFAULT-VALUE})")
    int maxReqs;

    @Option(names = "--mpxs-conns", description = "FCGI_MPXS_CONNS=1: concurrent requests on one connection")
    boolean mpxsConns;

    @Option(names = "--max-params-bytes", defaultValue = "262144",
            description = "PARAMS of one request (default: ${DEFAULT-VALUE})")
    int maxParamsBytes;

    @Option(names = "--idle-timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "close a connection that waits this long (default: ${DEFAULT-VALUE})")
    long idleTimeout;

    @Option(names = "--request-timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "terminate a request that runs longer, 0 = never (default: ${DEFAULT-VALUE})")
    long requestTimeout;

    @Option(names = "--grace", defaultValue = "30", paramLabel = "SECONDS",
            description = "on SIGTERM, let requests in flight finish this long (default: ${DEFAULT-VALUE})")
    long grace;

    @Option(names = "--web-server-addrs", paramLabel = "LIST",
            description = "FCGI_WEB_SERVER_ADDRS: the IP addresses allowed to connect (default: the environment's)")
    String webServerAddrs;

    @Option(names = "--threads", defaultValue = "AUTO", paramLabel = "KIND",
            description = "AUTO, PLATFORM or VIRTUAL (default: ${DEFAULT-VALUE}: virtual threads on Java 21+)")
    ServerParams.ThreadKind threads;

    /** Jetty's logging (jetty-slf4j-impl) takes a logger's level from a system property of this name. */
    private static final String QUIET_JASPER_SCHEMAS = "org.apache.tomcat.util.descriptor.DigesterFactory.LEVEL";

    private final PrintStream out;
    private final PrintStream err;

    Launcher(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        loggingDefaults();
        ServerLogHandler.install(); // this JVM is ours; not in run(), which tools call in theirs
        System.exit(run(args, System.out, System.err));
    }

    private static void loggingDefaults() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
        // the Jetty engine's JSP engine (Jasper) warns at each start that three schemas are missing from the servlet
        // API's jar: they serve only to validate XML, which it does not do by default (Jetty with Jasper logs the
        // same three lines)
        if (System.getProperty(QUIET_JASPER_SCHEMAS) == null) {
            System.setProperty(QUIET_JASPER_SCHEMAS, "ERROR");
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        loggingDefaults();
        CommandLine line = new CommandLine(new Launcher(out, err));
        line.setOut(new java.io.PrintWriter(out, true));
        line.setErr(new java.io.PrintWriter(err, true));
        line.setCaseInsensitiveEnumValuesAllowed(true);
        return line.execute(args);
    }

    /**
     * Starts the launcher in this JVM, as {@code java -jar fcgi-bridge.jar ARGS} would, and returns once it serves:
     * for tools that deploy and undeploy applications in a running JVM (the Arquillian adapter, a test harness).
     * Stop signals are left to the caller; {@link Launch#close()} stops what started.
     *
     * @param args the command line's arguments ({@code --help} and {@code --version} are not for this)
     * @return what serves the application, until closed
     * @throws IllegalArgumentException with picocli's or the option's message, for a bad command line
     * @throws LaunchException          if the application cannot be deployed or an address cannot be listened on
     */
    public static Launch launch(String... args) throws LaunchException {
        loggingDefaults();
        Launcher launcher = new Launcher(System.out, System.err);
        CommandLine line = new CommandLine(launcher);
        line.setCaseInsensitiveEnumValuesAllowed(true);
        try {
            line.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return launcher.start();
    }

    @Override
    public Integer call() {
        ShutdownSignals signals = ShutdownSignals.install();
        Launch launch;
        try {
            launch = start();
        } catch (IllegalArgumentException e) {
            err.println("fcgi-bridge: " + e.getMessage());
            return 2;
        } catch (LaunchException e) {
            err.println("fcgi-bridge: " + e.getMessage());
            return 1;
        }
        out.println("fcgi-bridge: serving " + war + " (context path \"" + contextPath + "\", " + launch.servlets()
                + " servlets, " + engine + " engine) on " + launch.describeAddress()
                + (launch.httpPort() < 0 ? "" : ", HTTP front on http://127.0.0.1:" + launch.httpPort() + "/")
                + (cgiRoot == null ? "" : ", CGI scripts of " + cgiRoot + " under " + cgiPrefix));
        out.flush();
        signals.awaitStop(launch::close);
        return 0;
    }

    /**
     * Deploys and listens as the options say.
     *
     * @throws IllegalArgumentException for options that do not parse (exit status 2)
     * @throws LaunchException          for an application or an address that fails (exit status 1)
     */
    private Launch start() throws LaunchException {
        ListenAddress address = ListenAddress.parse(listen);
        String mode = mode(socketMode);
        ServerParams params = ServerParams.defaults().withMaxConns(maxConns).withMaxReqs(maxReqs)
                .withMpxsConns(mpxsConns).withMaxParamsBytes(maxParamsBytes).withIdleTimeout(Duration.ofSeconds(idleTimeout))
                .withRequestTimeout(Duration.ofSeconds(requestTimeout)).withGracePeriod(Duration.ofSeconds(grace))
                .withThreads(threads);
        if (webServerAddrs != null) {
            params = params.withWebServerAddrs(WebServerAddresses.parse(webServerAddrs));
        }
        if (engine == Engine.jetty && cgiRoot != null) {
            throw new IllegalArgumentException("--cgi-root needs the standalone engine");
        }
        if (webServerRoles != null) {
            if (!trustWebServerAuth) {
                throw new IllegalArgumentException("--web-server-roles needs --trust-web-server-auth");
            }
            WebServerLogin.paramName(webServerRoles);
        }
        AccessLog log = null;
        Served served = null;
        HttpFront front = null;
        try {
            RealmFile users = realm == null ? null : RealmFile.load(realm);
            log = accessLog == null ? null : AccessLog.open(accessLog, out);
            WebServerLogin webServer = trustWebServerAuth ? WebServerLogin.of(webServerRoles, users) : null;
            served = engine == Engine.jetty ? Served.jetty(war, contextPath, address, params, mode, log, users,
                    webServer)
                    : Served.standalone(war, contextPath, address, params, mode, log, cgiRoot, cgiPrefix, users,
                    webServer);
            if (http != null) {
                front = HttpFront.start(httpAddress(http), served.backend());
            }
        } catch (DeploymentException | IllegalStateException e) {
            new Launch(null, served, log, grace).close();
            throw new LaunchException("cannot deploy: " + e.getMessage(), e);
        } catch (IOException | IllegalArgumentException e) {
            new Launch(null, served, log, grace).close();
            throw new LaunchException("cannot start: " + e.getMessage(), e);
        }
        return new Launch(front, served, log, grace);
    }

    private static String mode(String mode) {
        if (mode.matches("[0-7]{3,4}")) {
            int bits = Integer.parseInt(mode, 8);
            StringBuilder text = new StringBuilder();
            for (int shift = 8; shift >= 0; shift--) {
                text.append((bits & (1 << shift)) != 0 ? "rwx".charAt((8 - shift) % 3) : '-');
            }
            return text.toString();
        }
        if (mode.matches("[r-][w-][x-][r-][w-][x-][r-][w-][x-]")) {
            return mode;
        }
        throw new IllegalArgumentException("--socket-mode must be octal (660) or like rw-rw----: " + mode);
    }

    private static InetSocketAddress httpAddress(String text) {
        int colon = text.lastIndexOf(':');
        try {
            return colon < 0 ? new InetSocketAddress("127.0.0.1", Integer.parseInt(text))
                    : new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--http wants [HOST:]PORT: " + text);
        }
    }
}
