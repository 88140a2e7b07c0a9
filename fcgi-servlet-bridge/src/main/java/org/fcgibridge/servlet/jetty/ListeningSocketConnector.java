package org.fcgibridge.servlet.jetty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.Scheduler;
import org.fcgibridge.core.net.ListeningSocket;

/**
 * A Jetty connector that accepts on a socket fcgi-core bound beforehand ({@link ListeningSocket}): TCP, Unix domain
 * or inherited alike. Jetty's own connectors bind as the server starts (a {@code UnixDomainServerConnector} even after
 * the application has started), and replace no stale socket file; this one gets the socket bound, checked and
 * reported the same way as the standalone engine's, before the application runs any code.
 *
 * <p>Closing it ({@link #close()}, the first step of a graceful stop) closes the socket, so that a connect is refused
 * while the requests in flight finish, and deletes a Unix socket file.
 */
final class ListeningSocketConnector extends AbstractNetworkConnector {
    private final ListeningSocket socket;
    private final SelectorManager selectors;

    ListeningSocketConnector(Server server, ListeningSocket socket, ConnectionFactory factory) {
        super(server, null, null, null, 1, factory);
        this.socket = socket;
        this.selectors = new Selectors(getExecutor(), getScheduler());
        installBean(selectors, true);
        setAcceptorPriorityDelta(-2); // as Jetty's connectors: serving connections comes before accepting more
    }

    /** Bound already. */
    @Override
    public void open() {
    }

    @Override
    public boolean isOpen() {
        return socket.channel().isOpen();
    }

    @Override
    public void close() {
        socket.close();
        super.close();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        socket.close();
    }

    /** The TCP port, or -1. */
    @Override
    public int getLocalPort() {
        return socket.port();
    }

    @Override
    public Object getTransport() {
        return socket.channel();
    }

    @Override
    protected void accept(int acceptorId) throws IOException {
        SocketChannel channel = socket.channel().accept();
        try {
            channel.configureBlocking(false);
            if (channel.getRemoteAddress() instanceof InetSocketAddress) {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
        } catch (IOException gone) {
            // the peer is gone already: not an accept failure (which would pause accepting for a second)
            channel.close();
            return;
        }
        selectors.accept(channel);
    }

    @Override
    public String toString() {
        return "ListeningSocketConnector@" + Integer.toHexString(hashCode()) + "{" + socket.describe() + "}";
    }

    /** The selectors of the accepted connections, as Jetty's connectors have them. */
    private final class Selectors extends SelectorManager {
        Selectors(Executor executor, Scheduler scheduler) {
            super(executor, scheduler, -1);
        }

        @Override
        protected EndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key) {
            SocketChannelEndPoint endPoint = new SocketChannelEndPoint((SocketChannel) channel, selector, key,
                    getScheduler());
            endPoint.setIdleTimeout(getIdleTimeout());
            return endPoint;
        }

        @Override
        public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment) {
            return getDefaultConnectionFactory().newConnection(ListeningSocketConnector.this, endPoint);
        }

        @Override
        protected void endPointOpened(EndPoint endPoint) {
            super.endPointOpened(endPoint);
            onEndPointOpened(endPoint);
        }

        @Override
        protected void endPointClosed(EndPoint endPoint) {
            onEndPointClosed(endPoint);
            super.endPointClosed(endPoint);
        }
    }
}
