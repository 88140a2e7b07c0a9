package org.fcgibridge.servlet.jetty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.util.Attributes;
import org.fcgibridge.core.protocol.RequestRecord;
import org.fcgibridge.servlet.http.CgiRequest;

/**
 * What Jetty knows of "the connection" of one request: not the FastCGI connection from the web server, but the
 * client's, as the web server describes it in the params (REMOTE_ADDR, SERVER_ADDR, HTTPS...). So
 * {@code getRemoteAddr()} is the browser's address and {@code isSecure()} follows HTTPS, as behind the standalone
 * engine.
 */
final class RequestMetaData extends Attributes.Lazy implements ConnectionMetaData {
    private final FcgiConnection connection;
    private final CgiRequest request;
    private final RequestRecord record;
    private final String id;

    /** @param record what the server's operators see of the request */
    RequestMetaData(FcgiConnection connection, CgiRequest request, int requestId, RequestRecord record) {
        this.connection = connection;
        this.request = request;
        this.record = record;
        this.id = connection.id() + "/" + requestId;
    }

    /** The request's params, mapped: what the web server said about the request (its user, for one). */
    CgiRequest cgi() {
        return request;
    }

    /** What the server's operators see of the request: the context tells it the servlet the request is mapped to. */
    RequestRecord record() {
        return record;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public HttpConfiguration getHttpConfiguration() {
        return connection.httpConfiguration();
    }

    @Override
    public HttpVersion getHttpVersion() {
        HttpVersion version = HttpVersion.fromString(request.protocol());
        return version == null ? HttpVersion.HTTP_1_1 : version;
    }

    /** The client's protocol (SERVER_PROTOCOL), which is what {@code ServletRequest.getProtocol()} answers. */
    @Override
    public String getProtocol() {
        return request.protocol();
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public Connector getConnector() {
        return connection.connector();
    }

    @Override
    public boolean isPersistent() {
        return true; // the client's connection is the web server's business
    }

    @Override
    public boolean isSecure() {
        return request.secure();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return address(request.remoteAddr(), Math.max(request.remotePort(), 0));
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return address(request.localAddr(), Math.max(request.localPort(), 0));
    }

    /** An IP literal from the params as an address, without a DNS lookup; anything else unresolved. */
    private static InetSocketAddress address(String host, int port) {
        if (host == null || host.isEmpty()) {
            return InetSocketAddress.createUnresolved("0.0.0.0", port);
        }
        if (host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            try {
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException notALiteral) {
                // fall through
            }
        }
        return InetSocketAddress.createUnresolved(host, port);
    }
}
