package org.fcgibridge.servlet.jetty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.fcgibridge.core.server.ListenAddress;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.servlet.AccessLog;

/**
 * A WAR deployed in Jetty 12 ee10 ({@code WebAppContext}, annotations and initializers scanned by Jetty) and served
 * over FastCGI by {@link FcgiConnectionFactory}: the launcher's {@code --engine jetty}, for applications that need a
 * full container (JSP, security constraints with the users of {@code --realm}, Jetty's session stores).
 */
public final class JettyWarServer implements AutoCloseable {
    private final Server server;
    private final AbstractConnector connector;
    private final WebAppContext webapp;
    private final ListenAddress address;

    private JettyWarServer(Server server, AbstractConnector connector, WebAppContext webapp,
                           ListenAddress address) {
        this.server = server;
        this.connector = connector;
        this.webapp = webapp;
        this.address = address;
    }

    /**
     * Deploys and starts.
     *
     * @param socketMode the mode of a Unix socket file, like "rw-rw-rw-"
     * @param accessLog  where each request is logged, or null
     * @param realm      the users of the application's security constraints ({@link RealmFile}), or null: then an
     *                   application whose constraints need users is refused
     * @throws IOException if the address cannot be listened on
     * @throws IllegalStateException naming the WAR and the cause, if the application fails to deploy
     */
    public static JettyWarServer start(Path war, String contextPath, ListenAddress address, ServerParams limits,
                                       String socketMode, Duration grace, AccessLog accessLog,
                                       HashLoginService realm) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(64, limits.maxConns() / 4), 8);
        threads.setName("jetty-engine");
        Server server = new Server(threads);
        FcgiConnectionFactory fastcgi = new FcgiConnectionFactory(FcgiConnectionFactory.quietConfiguration(), limits);
        AbstractConnector connector = connector(server, fastcgi, address);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        server.addConnector(connector);
        WebAppContext webapp = new BridgeWebAppContext(war.toString(), contextPath.isEmpty() ? "/" : contextPath);
        webapp.setThrowUnavailableOnStartupException(true);
        JspEngine.install(webapp);
        ServingDefaults.apply(webapp);
        // Servlet 6.0 section 10.10: a welcome file may name a servlet's mapping. "exact", not any match: *.jsp is
        // mapped to the JSP servlet, and a directory without an index file would be dispatched to it for index.jsp.
        webapp.setInitParameter(DefaultServlet.CONTEXT_INIT + "welcomeServlets", "exact");
        webapp.setSessionHandler(new ApplicationSessionHandler());
        webapp.setServletHandler(new MappingConflictsServletHandler());
        webapp.setSecurityHandler(new RealmSecurityHandler(realm));
        server.setHandler(new GracefulHandler(webapp));
        server.setStopTimeout(grace.toMillis());
        if (accessLog != null) {
            server.setRequestLog(new AccessLogAdapter(accessLog));
        }
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly(server);
            throw e;
        } catch (Exception e) {
            stopQuietly(server);
            RealmSecurityHandler.RealmRequiredException refusal = realmRequired(e);
            if (refusal != null) {
                throw new IllegalStateException(war + " " + refusal.getMessage(), e);
            }
            throw new IllegalStateException(war + ": the web application failed to start in Jetty: " + e, e);
        }
        if (address.kind() == ListenAddress.Kind.UNIX && socketMode != null) {
            Files.setPosixFilePermissions(address.path(), PosixFilePermissions.fromString(socketMode));
        }
        return new JettyWarServer(server, connector, webapp, address);
    }

    private static AbstractConnector connector(Server server, FcgiConnectionFactory fastcgi,
                                               ListenAddress address) throws IOException {
        switch (address.kind()) {
            case UNIX: {
                UnixDomainServerConnector unix = new UnixDomainServerConnector(server, fastcgi);
                unix.setAcceptQueueSize(1024);
                unix.setUnixDomainPath(address.path());
                return unix;
            }
            case INHERITED: {
                // lighttpd and spawn-fcgi hand over a Unix socket as often as a TCP one; each has its connector
                Channel channel = System.inheritedChannel();
                if (!(channel instanceof ServerSocketChannel)) {
                    throw new IOException("file descriptor 0 is not a listening socket");
                }
                if (((ServerSocketChannel) channel).getLocalAddress() instanceof UnixDomainSocketAddress) {
                    UnixDomainServerConnector unix = new UnixDomainServerConnector(server, fastcgi);
                    unix.setInheritChannel(true);
                    return unix;
                }
                ServerConnector inherited = new ServerConnector(server, fastcgi);
                inherited.setInheritChannel(true);
                return inherited;
            }
            default: {
                ServerConnector tcp = new ServerConnector(server, fastcgi);
                tcp.setAcceptQueueSize(1024); // nginx opens many connections at once; the JDK's 50 drops SYNs
                InetSocketAddress socket = (InetSocketAddress) address.socketAddress();
                tcp.setHost(socket.getHostString());
                tcp.setPort(socket.getPort());
                return tcp;
            }
        }
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
        if (address.kind() == ListenAddress.Kind.TCP && connector instanceof ServerConnector) {
            ServerConnector tcp = (ServerConnector) connector;
            return tcp.getHost() + ":" + tcp.getLocalPort();
        }
        return address.toString();
    }

    /** The TCP port, or -1. */
    public int port() {
        return connector instanceof ServerConnector ? ((ServerConnector) connector).getLocalPort() : -1;
    }

    /** Stops accepting, lets requests in flight finish (the grace given at start), stops the application. */
    @Override
    public void close() {
        try {
            server.stop();
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
            log.log(Request.getRemoteAddr(request), null, request.getMethod(), request.getHttpURI().getPathQuery(),
                    request.getConnectionMetaData().getHttpVersion().asString(), response.getStatus(),
                    Response.getContentBytesWritten(response), request.getHeaders().get("Referer"),
                    request.getHeaders().get("User-Agent"), System.nanoTime() - request.getBeginNanoTime());
        }
    }
}
