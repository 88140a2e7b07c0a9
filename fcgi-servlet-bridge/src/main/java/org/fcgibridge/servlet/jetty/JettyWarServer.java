package org.fcgibridge.servlet.jetty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.security.AuthenticationState;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.session.DefaultSessionCache;
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.eclipse.jetty.session.HouseKeeper;
import org.eclipse.jetty.session.SessionCache;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.fcgibridge.core.net.ListeningSocket;
import org.fcgibridge.core.ops.ServerStatus;
import org.fcgibridge.core.protocol.ProtocolMonitor;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.servlet.AccessLog;
import org.fcgibridge.servlet.security.RealmFile;
import org.fcgibridge.servlet.security.WebServerLogin;

/**
 * A WAR deployed in Jetty 12 ee10 ({@code WebAppContext}, annotations and initializers scanned by Jetty) and served
 * over FastCGI by {@link FcgiConnectionFactory}: the launcher's {@code --engine jetty}, for applications that need a
 * full container (JSP, security constraints with the users of {@code --realm}, Jetty's session stores).
 */
public final class JettyWarServer implements AutoCloseable {
    private static final long SESSION_SWEEP_SECONDS = 60;
    private static final System.Logger LOG = System.getLogger(JettyWarServer.class.getName());

    private final Server server;
    private final ListeningSocketConnector connector;
    private final WebAppContext webapp;
    private final ListeningSocket socket;

    private JettyWarServer(Server server, ListeningSocketConnector connector, WebAppContext webapp,
                           ListeningSocket socket) {
        this.server = server;
        this.connector = connector;
        this.webapp = webapp;
        this.socket = socket;
    }

    /**
     * Deploys and starts on a socket bound beforehand, which it owns from now on (closed at {@link #close}).
     *
     * @param socket        where FastCGI connections come in: nothing is accepted before the application has started
     * @param accessLog     where each request is logged, or null
     * @param realm         the users of the application's security constraints ({@link RealmFile}), or null: then an
     *                      application whose constraints need users is refused
     * @param workDirectory Jetty's temporary directory for the application (the unpacked WAR, compiled JSPs)
     * @param webServer     how to take the user the web server authenticated (REMOTE_USER), or null to ignore it
     *                      (the web server's users make --realm unnecessary)
     * @param scripts       legacy CGI scripts served beside the application ({@code --cgi-root}), or null
     * @throws IllegalStateException naming the WAR and the cause, if the application fails to deploy (the socket is
     *                               closed)
     */
    public static JettyWarServer start(Path war, String contextPath, ListeningSocket socket, ServerParams limits,
                                       Duration grace, AccessLog accessLog, RealmFile realm, Path workDirectory,
                                       WebServerLogin webServer, CgiMount scripts) {
        return start(war, contextPath, socket, limits, grace, accessLog, realm, workDirectory, webServer, scripts,
                null);
    }

    /**
     * Like {@link #start(Path, String, ListeningSocket, ServerParams, Duration, AccessLog, RealmFile, Path,
     * WebServerLogin, CgiMount)}, with the server's status ({@code --status-path}, the slow log), or null: it is the
     * FastCGI connections' monitor, and shows the application's active sessions.
     */
    public static JettyWarServer start(Path war, String contextPath, ListeningSocket socket, ServerParams limits,
                                       Duration grace, AccessLog accessLog, RealmFile realm, Path workDirectory,
                                       WebServerLogin webServer, CgiMount scripts, ServerStatus status) {
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(64, limits.maxConns() / 4), 8);
        threads.setName("jetty-engine");
        Server server = new Server(threads);
        server.addBean(sessionIds(server), true);
        FcgiConnectionFactory fastcgi = new FcgiConnectionFactory(FcgiConnectionFactory.quietConfiguration(), limits,
                scripts, status == null ? ProtocolMonitor.NONE : status);
        ListeningSocketConnector connector = new ListeningSocketConnector(server, socket, fastcgi);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        server.addConnector(connector);
        WebAppContext webapp = new BridgeWebAppContext(war.toString(), contextPath.isEmpty() ? "/" : contextPath);
        webapp.setTempDirectory(workDirectory.toFile());
        webapp.setThrowUnavailableOnStartupException(true);
        JspEngine.install(webapp);
        ServingDefaults.apply(webapp);
        DispatchableDefaultServlet.install(webapp);
        // Servlet 6.0 section 10.10: a welcome file may name a servlet's mapping. "exact", not any match: *.jsp is
        // mapped to the JSP servlet, and a directory without an index file would be dispatched to it for index.jsp.
        webapp.setInitParameter(DefaultServlet.CONTEXT_INIT + "welcomeServlets", "exact");
        ApplicationSessionHandler sessions = new ApplicationSessionHandler();
        // HttpOnly unless web.xml's <cookie-config> says otherwise, as the standalone engine and Tomcat (Jetty's
        // default is without): the session id of every JSP page, which opens a session, is out of scripts' reach
        sessions.setHttpOnly(true);
        webapp.setSessionHandler(sessions);
        if (status != null) {
            status.gauge("sessions_active", "HTTP sessions in memory now.", () -> activeSessions(sessions));
        }
        webapp.setServletHandler(new MappingConflictsServletHandler());
        webapp.setSecurityHandler(new RealmSecurityHandler(realm, webServer));
        server.setHandler(new GracefulHandler(webapp));
        server.setStopTimeout(grace.toMillis());
        if (accessLog != null) {
            server.setRequestLog(new AccessLogAdapter(accessLog));
        }
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            socket.close();
            RealmSecurityHandler.RealmRequiredException refusal = realmRequired(e);
            if (refusal != null) {
                throw new IllegalStateException(war + " " + refusal.getMessage(), e);
            }
            throw new IllegalStateException(war + ": the web application failed to start in Jetty: " + rootCause(e), e);
        }
        return new JettyWarServer(server, connector, webapp, socket);
    }

    /** The sessions of Jetty's in-memory cache (the default), or -1 (unknown) with another cache. */
    private static long activeSessions(ApplicationSessionHandler sessions) {
        SessionCache cache = sessions.getSessionCache();
        return cache instanceof DefaultSessionCache ? ((DefaultSessionCache) cache).getSessionsCurrent() : -1;
    }

    /**
     * Expired sessions are swept once a minute, as on the standalone engine: Jetty's default of ten minutes let a
     * site under load hold many times the sessions its timeout allows.
     */
    private static DefaultSessionIdManager sessionIds(Server server) {
        DefaultSessionIdManager ids = new DefaultSessionIdManager(server);
        HouseKeeper keeper = new HouseKeeper();
        keeper.setSessionIdManager(ids);
        try {
            keeper.setIntervalSec(SESSION_SWEEP_SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set the session sweep: " + e, e);
        }
        ids.setSessionHouseKeeper(keeper);
        return ids;
    }

    private static RealmSecurityHandler.RealmRequiredException realmRequired(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RealmSecurityHandler.RealmRequiredException) {
                return (RealmSecurityHandler.RealmRequiredException) cause;
            }
            for (Throwable suppressed : cause.getSuppressed()) {
                if (suppressed instanceof RealmSecurityHandler.RealmRequiredException) {
                    return (RealmSecurityHandler.RealmRequiredException) suppressed;
                }
            }
        }
        return null;
    }

    /** The first failure, not Jetty's wrappers of it (an UnavailableException around a ClassNotFoundException). */
    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // already failing: the first failure is the one reported
        }
    }

    /** The servlets of the application (Jetty's own default and JSP servlets included). */
    public int servletCount() {
        return webapp.getServletHandler().getServlets().length;
    }

    /** Where FastCGI connections come in: the TCP port or the socket, as the launcher logs it. */
    public String describeAddress() {
        return socket.describe();
    }

    /** The TCP port, or -1. */
    public int port() {
        return connector.getLocalPort();
    }

    /** Stops accepting, lets requests in flight finish (the grace given at start), stops the application. */
    @Override
    public void close() {
        close(Duration.ofMillis(server.getStopTimeout()));
    }

    /**
     * Stops accepting, lets requests in flight finish for up to {@code grace}, then ends those still running (their
     * connections are closed, their threads interrupted) and stops the application, as the standalone engine does:
     * requests that outlive the grace are the expected end of a grace, not a failure to stop.
     *
     * @throws IllegalStateException if Jetty fails to stop for another reason
     */
    public void close(Duration grace) {
        // not 0: Jetty then skips its graceful phase, and gives the threads still running its pool's own stop timeout
        server.setStopTimeout(Math.max(1, grace.toMillis()));
        try {
            server.stop();
        } catch (TimeoutException outlived) {
            LOG.log(System.Logger.Level.WARNING, "requests still running at the end of the grace were ended");
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop cleanly: " + e, e);
        }
    }

    /** The launcher's access log format, for Jetty's requests. */
    private static final class AccessLogAdapter implements RequestLog {
        private final AccessLog log;

        AccessLogAdapter(AccessLog log) {
            this.log = log;
        }

        @Override
        public void log(Request request, Response response) {
            // the user the request was authenticated as, as Jetty's own CustomRequestLog's %u
            String user = AuthenticationState.getAuthenticationState(request) instanceof AuthenticationState.Succeeded
                    login ? login.getUserIdentity().getUserPrincipal().getName() : null;
            log.log(Request.getRemoteAddr(request), user, request.getMethod(), request.getHttpURI().getPathQuery(),
                    request.getConnectionMetaData().getHttpVersion().asString(), response.getStatus(),
                    Response.getContentBytesWritten(response), request.getHeaders().get("Referer"),
                    request.getHeaders().get("User-Agent"), System.nanoTime() - request.getBeginNanoTime());
        }
    }
}
