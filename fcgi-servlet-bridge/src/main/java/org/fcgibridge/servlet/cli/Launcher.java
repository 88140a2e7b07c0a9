package org.fcgibridge.servlet.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fcgibridge.core.cli.FatalErrors;
import org.fcgibridge.core.cli.ShutdownSignals;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.net.ListeningSocket;
import org.fcgibridge.core.net.PortExposure;
import org.fcgibridge.core.net.WebServerAddresses;
import org.fcgibridge.core.ops.Operations;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.servlet.AccessLog;
import org.fcgibridge.servlet.jetty.JettyStartupLog;
import org.fcgibridge.servlet.security.RealmFile;
import org.fcgibridge.servlet.security.WebServerLogin;
import org.fcgibridge.servlet.war.DeploymentException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code java -jar fcgi-bridge.jar --war app.war --listen 127.0.0.1:9000}: puts a WAR behind any FastCGI web server.
 *
 * <p>Exit status: 0 after a clean stop (SIGTERM, SIGINT), 1 if the application cannot be deployed or the address
 * cannot be listened on, 2 for a usage error, 3 after an error no thread caught (out of memory: {@link FatalErrors}).
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
            description = "standalone (the bridge's own container) or jetty (Jetty 12 ee10; DIGEST and CLIENT-CERT "
                    + "logins); both run JSP 3.1 pages (Jasper; JSTL from the WAR's WEB-INF/lib) "
                    + "(default: ${DEFAULT-VALUE})")
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
            description = "serve the legacy CGI scripts of DIR beside the WAR, under --cgi-prefix, with either "
                    + "engine (fcgi-core's CGI runner: path containment, --request-timeout, process limits)")
    Path cgiRoot;

    @Option(names = "--cgi-prefix", defaultValue = "/cgi-bin", paramLabel = "PATH",
            description = "the request path under which the scripts of --cgi-root are (default: ${DEFAULT-VALUE})")
    String cgiPrefix;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "where the unpacked WAR and the application's temporary files go, in a directory of this "
                    + "process deleted at the stop; what killed launchers left there is deleted at the next start "
                    + "(default: the system's temporary directory)")
    Path workDir;

    @Option(names = "--access-log", paramLabel = "FILE", description = "one line per request, to FILE or - (stdout)")
    String accessLog;

    @Option(names = "--socket-mode", defaultValue = "660", paramLabel = "MODE",
            description = "mode of a Unix socket file: the web server's user must be the launcher's or in its group "
                    + "(default: ${DEFAULT-VALUE})")
    String socketMode;

    /** Every limit of the FastCGI server, the same on both engines. */
    @Mixin
    LimitOptions limits = new LimitOptions();

    /** The status page, the ping and the slow log, the same on both engines. */
    @Mixin
    OperationsOptions operationsOptions = new OperationsOptions();

    private static final System.Logger LOG = System.getLogger(Launcher.class.getName());

    /** Jetty's logging (jetty-slf4j-impl) takes a logger's level from a system property of this name. */
    private static final String QUIET_JASPER_SCHEMAS = "org.apache.tomcat.util.descriptor.DigesterFactory.LEVEL";

    private final PrintStream out;
    private final PrintStream err;

    Launcher(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        FatalErrors.install();
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
        // one line, as for every other failed start, not picocli's message followed by the whole usage
        line.setParameterExceptionHandler((e, ignored) -> {
            err.println("fcgi-bridge: " + Failures.oneLine(String.valueOf(e.getMessage())) + " (see --help)");
            return 2;
        });
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
        // what Jetty logs as it starts (the stack traces of a failure among it) is shown only if it starts: a failure
        // is the one line below, its details at the DEBUG level
        JettyStartupLog held = engine == Engine.jetty ? JettyStartupLog.hold() : JettyStartupLog.none();
        boolean started = false;
        try {
            launch = start();
            started = true;
        } catch (IllegalArgumentException e) {
            err.println("fcgi-bridge: " + Failures.oneLine(String.valueOf(e.getMessage())));
            return 2;
        } catch (LaunchException e) {
            LOG.log(System.Logger.Level.DEBUG, "the start failed", e);
            err.println("fcgi-bridge: " + Failures.oneLine(e.getMessage()));
            return 1;
        } finally {
            held.end(started);
        }
        String exposure = PortExposure.warning(ListenAddress.parse(listen), limits.webServers());
        if (exposure != null) {
            err.println("fcgi-bridge: " + exposure);
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
        // the whole command line first: a usage error (status 2) before anything is bound, made or run
        ListenAddress address = ListenAddress.parse(listen);
        String mode = mode(socketMode);
        InetSocketAddress httpAt = http == null ? null : httpAddress(http);
        ServerParams params = limits.params();
        Operations operations = operationsOptions.operations();
        if (webServerRoles != null) {
            if (!trustWebServerAuth) {
                throw new IllegalArgumentException("--web-server-roles needs --trust-web-server-auth");
            }
            WebServerLogin.paramName(webServerRoles);
        }
        // then the addresses, before the application runs any code (its listeners, init()): a clash ends the start
        // with no side effect
        ListeningSocket socket = bind(address, mode);
        HttpFront front = null;
        AccessLog log = null;
        WorkDirectory work = null;
        Served served = null;
        try {
            front = httpAt == null ? null : httpFront(httpAt);
            checkCgiRoot();
            RealmFile users = realm == null ? null : RealmFile.load(realm);
            work = WorkDirectory.create(workDir != null ? workDir : Path.of(System.getProperty("java.io.tmpdir")));
            log = accessLog == null ? null : AccessLog.open(accessLog, out);
            WebServerLogin webServer = trustWebServerAuth ? WebServerLogin.of(webServerRoles, users) : null;
            served = engine == Engine.jetty
                    ? Served.jetty(war, contextPath, socket, params, log, cgiRoot, cgiPrefix, users,
                    work.resolve("jetty"), webServer, operations)
                    : Served.standalone(war, contextPath, socket, params, log, cgiRoot, cgiPrefix, work.path(), users,
                    webServer, operations);
            operations.started(socket);
            if (front != null) {
                front.route("", served.backend());
            }
        } catch (LaunchException | RuntimeException | IOException | DeploymentException e) {
            if (served == null) {
                socket.close(); // the engine owns it once it has started
            }
            new Launch(front, served, log, work, operations, 0).close();
            if (e instanceof LaunchException) {
                throw (LaunchException) e;
            }
            if (e instanceof DeploymentException || e instanceof IllegalStateException) {
                throw new LaunchException("cannot deploy: " + e.getMessage(), e);
            }
            if (e instanceof IOException || e instanceof IllegalArgumentException) {
                throw new LaunchException("cannot start: " + Failures.reason(e), e);
            }
            throw (RuntimeException) e;
        }
        return new Launch(front, served, log, work, operations, limits.grace);
    }

    /** The FastCGI socket, bound and listening; nothing accepts on it until the application has started. */
    private static ListeningSocket bind(ListenAddress address, String mode) throws LaunchException {
        try {
            return ListeningSocket.open(address, mode);
        } catch (IOException e) {
            throw new LaunchException(Failures.reason(e), e); // names the address and the cause
        }
    }

    private static HttpFront httpFront(InetSocketAddress address) throws LaunchException {
        String named = "cannot listen on " + address.getHostString() + ":" + address.getPort() + " (--http): ";
        if (address.isUnresolved()) {
            throw new LaunchException(named + "unknown host " + address.getHostString(), null);
        }
        try {
            return HttpFront.start(address);
        } catch (IOException e) {
            throw new LaunchException(named + Failures.reason(e), e);
        }
    }

    private void checkCgiRoot() throws LaunchException {
        if (cgiRoot == null) {
            return;
        }
        try {
            if (!Files.isDirectory(cgiRoot.toRealPath())) {
                throw new NotDirectoryException(cgiRoot.toString());
            }
        } catch (IOException e) {
            throw new LaunchException("--cgi-root " + Failures.reason(e), e);
        }
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
        } catch (IllegalArgumentException e) { // not a number, or a port out of range
            throw new IllegalArgumentException("--http wants [HOST:]PORT: " + text);
        }
    }
}
