package org.fcgibridge.servlet.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.fcgibridge.core.cgi.CgiConfig;
import org.fcgibridge.core.cgi.CgiRunnerFactory;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.net.ListeningSocket;
import org.fcgibridge.core.runner.PrefixRouter;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.servlet.AccessLog;
import org.fcgibridge.servlet.ServletResponder;
import org.fcgibridge.servlet.jetty.CgiMount;
import org.fcgibridge.servlet.jetty.JettyWarServer;
import org.fcgibridge.servlet.security.RealmFile;
import org.fcgibridge.servlet.security.WebServerLogin;
import org.fcgibridge.servlet.war.DeploymentException;
import org.fcgibridge.servlet.war.WebAppDeployer;

/** A web application being served over FastCGI by one of the engines, until {@link #close()}. */
interface Served extends AutoCloseable {
    /** Where FastCGI connections come in, for the log line. */
    String describeAddress();

    /** How many servlets the application has. */
    int servlets();

    /** Where the HTTP front connects. */
    ListenAddress backend();

    /** Stops accepting, lets requests in flight finish within the grace of the options, stops the application. */
    @Override
    void close();

    /**
     * Stops accepting, lets requests in flight finish for up to {@code grace}, ends those still running, stops the
     * application.
     */
    void close(Duration grace);

    /**
     * The standalone engine: the bridge's container in fcgi-core's server on {@code socket} (which it owns from now
     * on), with the users of {@code realm} (or none) and those the web server authenticates ({@code webServer}, or
     * null: REMOTE_USER ignored), CGI scripts of {@code cgiRoot} (or null) under {@code cgiPrefix}.
     *
     * @param work where the application is unpacked, and its temporary files go
     * @throws DeploymentException if the application cannot be deployed
     * @throws IOException         if the CGI scripts' directory cannot be read
     */
    static Served standalone(Path war, String contextPath, ListeningSocket socket, ServerParams params,
                             AccessLog log, Path cgiRoot, String cgiPrefix, Path work, RealmFile realm,
                             WebServerLogin webServer) throws DeploymentException, IOException {
        WebAppDeployer.Deployment deployment = WebAppDeployer.deploy(war, contextPath, Served.class.getClassLoader(),
                work, context -> {
                    context.setRealm(realm);
                    context.setWebServerLogin(webServer);
                });
        FcgiServer server;
        try {
            RunnerFactory runners = RunnerFactory.of(new ServletResponder(deployment.context(), log));
            if (cgiRoot != null) {
                runners = new PrefixRouter(cgiPrefix, scripts(cgiRoot, cgiPrefix), runners);
            }
            server = FcgiServer.start(socket, params, runners);
        } catch (IOException | RuntimeException e) {
            deployment.undeploy();
            throw e;
        }
        return new Served() {
            @Override
            public String describeAddress() {
                return server.describeAddress();
            }

            @Override
            public int servlets() {
                return deployment.context().getServletRegistrations().size();
            }

            @Override
            public ListenAddress backend() {
                return reachable(server.localAddress(), socket.address());
            }

            @Override
            public void close() {
                close(params.gracePeriod());
            }

            @Override
            public void close(Duration grace) {
                server.close(grace);
                deployment.undeploy();
            }
        };
    }

    /**
     * The Jetty engine: the WAR in Jetty 12 ee10 on {@code socket} (which it owns from now on), fed by fcgi-core's
     * protocol, with the users of {@code realm} (or none) and those the web server authenticates ({@code webServer},
     * or null: REMOTE_USER ignored), CGI scripts of {@code cgiRoot} (or null) under {@code cgiPrefix}, run by the
     * same runner as on the standalone engine.
     *
     * @param work Jetty's temporary directory for the application
     * @throws IllegalStateException if the application fails to deploy
     * @throws IOException           if the CGI scripts' directory cannot be read
     */
    static Served jetty(Path war, String contextPath, ListeningSocket socket, ServerParams params, AccessLog log,
                        Path cgiRoot, String cgiPrefix, RealmFile realm, Path work, WebServerLogin webServer)
            throws IOException {
        CgiMount scripts = cgiRoot == null ? null : new CgiMount(cgiPrefix, scripts(cgiRoot, cgiPrefix));
        JettyWarServer jetty = JettyWarServer.start(war, contextPath, socket, params, params.gracePeriod(), log,
                realm, work, webServer, scripts);
        return new Served() {
            @Override
            public String describeAddress() {
                return jetty.describeAddress();
            }

            @Override
            public int servlets() {
                return jetty.servletCount();
            }

            @Override
            public ListenAddress backend() {
                return reachable(socket.localAddress(), socket.address());
            }

            @Override
            public void close() {
                jetty.close();
            }

            @Override
            public void close(Duration grace) {
                jetty.close(grace);
            }
        };
    }

    /** fcgi-core's CGI runner for the scripts of {@code root}, named by the request path under {@code prefix}. */
    private static RunnerFactory scripts(Path root, String prefix) throws IOException {
        return new CgiRunnerFactory(CgiConfig.of(root).mountedAt(prefix));
    }

    /** An address a local client can connect to: the wildcard becomes loopback. */
    private static ListenAddress reachable(SocketAddress local, ListenAddress configured) {
        if (local instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) local;
            String host = inet.getAddress().isAnyLocalAddress() ? "127.0.0.1" : inet.getAddress().getHostAddress();
            return ListenAddress.tcp(host, inet.getPort());
        }
        if (local instanceof UnixDomainSocketAddress) {
            return ListenAddress.unix(((UnixDomainSocketAddress) local).getPath());
        }
        return configured;
    }
}
