package org.fcgibridge.servlet.jetty;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.fcgibridge.core.io.BufferPool;
import org.fcgibridge.core.io.ByteBudget;
import org.fcgibridge.core.protocol.RecordOutputStream;
import org.fcgibridge.core.protocol.Capacity;
import org.fcgibridge.core.protocol.Fcgi;
import org.fcgibridge.core.protocol.ProtocolMonitor;
import org.fcgibridge.core.server.ServerParams;

/**
 * Makes a Jetty connector speak FastCGI as a responder to a web server: add it to a {@code ServerConnector} (TCP) or a
 * {@code UnixDomainServerConnector} and every request nginx, Apache httpd, lighttpd, Caddy or h2o forwards runs
 * through the server's handlers (an ee10 {@code ServletContextHandler} or {@code WebAppContext}) like an HTTP request.
 *
 * <pre>{@code
 * Server server = new Server();
 * ServerConnector fastcgi = new ServerConnector(server, new FcgiConnectionFactory());
 * fastcgi.setHost("127.0.0.1");
 * fastcgi.setPort(9000);
 * fastcgi.setAcceptQueueSize(1024); // nginx opens many connections at once
 * server.addConnector(fastcgi);
 * }</pre>
 *
 * <p>The protocol is fcgi-core's: KEEP_CONN honoured (a connection is closed after a request whose BEGIN_REQUEST
 * asked for it), GET_VALUES answered, ABORT_REQUEST ending the request, concurrent requests on one connection if
 * {@link ServerParams#mpxsConns()}, the params bounded by {@link ServerParams#maxParamsBytes()}, connections only from
 * {@link ServerParams#webServerAddrs()}. The params map to the request exactly as in the standalone engine
 * ({@link org.fcgibridge.servlet.http.CgiRequest}): the client's address, scheme, host and port, not the web server's.
 * Connections hold no thread while they wait for the web server.
 */
public final class FcgiConnectionFactory extends AbstractConnectionFactory {
    /** The protocol name of the connection factory. */
    public static final String PROTOCOL = "fcgi/1.0";

    private static final int POOLED_BUFFERS = 64;
    /** The largest FastCGI record: an input buffer holds any record whole. */
    private static final int MAX_RECORD = Fcgi.HEADER_LENGTH + Fcgi.MAX_CONTENT_LENGTH + 255;

    private final HttpConfiguration configuration;
    private final ServerParams limits;
    private final ByteBudget paramsBudget;
    /** What request bodies in temporary files may hold, over all the connections ({@code --spool-budget-bytes}). */
    private final ByteBudget spoolBudget;
    /** FCGI_MAX_CONNS and FCGI_MAX_REQS, counted over the connections of this factory (of the connector). */
    private final Capacity capacity;
    /** Record buffers shared by the connections: a connection per request (nginx's default) allocates none. */
    private final BufferPool inputBuffers = new BufferPool(POOLED_BUFFERS,
            () -> ByteBuffer.allocateDirect(MAX_RECORD));
    private final BufferPool outputBuffers;
    private final CgiMount scripts;
    private final ProtocolMonitor monitor;

    /** FastCGI with the defaults: {@link ServerParams#defaults()} and {@link #quietConfiguration()}. */
    public FcgiConnectionFactory() {
        this(quietConfiguration(), ServerParams.defaults());
    }

    /**
     * @param configuration the HTTP configuration of the requests
     * @param limits        the FastCGI limits (the idle and request timeouts are the connector's and Jetty's)
     */
    public FcgiConnectionFactory(HttpConfiguration configuration, ServerParams limits) {
        this(configuration, limits, null);
    }

    /**
     * @param configuration the HTTP configuration of the requests
     * @param limits        the FastCGI limits (the idle and request timeouts are the connector's and Jetty's)
     * @param scripts       the CGI scripts served beside the application (their requests never reach Jetty's
     *                      handlers), or null for none; managed as a bean of this factory
     */
    public FcgiConnectionFactory(HttpConfiguration configuration, ServerParams limits, CgiMount scripts) {
        this(configuration, limits, scripts, ProtocolMonitor.NONE);
    }

    /**
     * @param configuration the HTTP configuration of the requests
     * @param limits        the FastCGI limits (the idle and request timeouts are the connector's and Jetty's)
     * @param scripts       the CGI scripts served beside the application, or null for none
     * @param monitor       told of every connection and request; it may answer requests itself (a status page, a
     *                      ping) before Jetty sees them
     */
    public FcgiConnectionFactory(HttpConfiguration configuration, ServerParams limits, CgiMount scripts,
                                 ProtocolMonitor monitor) {
        super(PROTOCOL);
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.paramsBudget = new ByteBudget(limits.paramsBudgetBytes());
        this.spoolBudget = new ByteBudget(limits.spoolBudgetBytes());
        this.capacity = new Capacity(limits.maxConns(), limits.maxReqs());
        this.outputBuffers = new BufferPool(POOLED_BUFFERS,
                () -> RecordOutputStream.allocate(limits.outputRecordBytes()));
        addBean(configuration);
        this.scripts = scripts;
        if (scripts != null) {
            addBean(scripts, true);
        }
    }

    /**
     * An HTTP configuration without the Server and Date headers, which the web server in front sets, and with
     * absolute redirects (built from the client's Host), as the standalone engine sends them.
     */
    public static HttpConfiguration quietConfiguration() {
        HttpConfiguration configuration = new HttpConfiguration();
        configuration.setSendServerVersion(false);
        configuration.setSendDateHeader(false);
        configuration.setRelativeRedirectAllowed(false);
        return configuration;
    }

    public HttpConfiguration getHttpConfiguration() {
        return configuration;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        return configure(new FcgiConnection(connector, endPoint, configuration, limits, capacity,
                capacity.connectionOpened(), paramsBudget, spoolBudget, inputBuffers, outputBuffers, scripts,
                monitor), connector, endPoint);
    }
}
