package org.fcgibridge.core.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A socket bound and listening at a {@link ListenAddress}, with nothing accepting on it yet: a server claims its
 * address, and fails on a clash, before the application behind it starts; connections that arrive meanwhile wait in
 * the backlog. The standalone server ({@code FcgiServer.start(ListeningSocket, ...)}) serves it; the launcher's Jetty
 * engine accepts on its {@link #channel()}.
 *
 * <p>A Unix domain socket file left by a server that died is replaced; one that a live server answers on is refused.
 */
public final class ListeningSocket implements Closeable {
    /** The kernel's queue of connections not yet accepted: nginx opens many at once (the JDK's 50 drops SYNs). */
    static final int BACKLOG = 1024;

    private static final System.Logger LOG = System.getLogger(ListeningSocket.class.getName());

    private final ListenAddress address;
    private final ServerSocketChannel channel;
    private boolean closed;

    private ListeningSocket(ListenAddress address, ServerSocketChannel channel) {
        this.address = address;
        this.channel = channel;
    }

    /**
     * Binds and listens.
     *
     * @param address        TCP (port 0: an ephemeral port, see {@link #localAddress()}), Unix domain, or the
     *                       inherited file descriptor 0
     * @param unixSocketMode permissions of a Unix socket file in {@code ls} form, such as "rw-rw----"; null leaves
     *                       the umask's
     * @throws IOException              with a message that names the address and the cause: in use, a host name that
     *                                  does not resolve, a socket file a live server listens on, no inherited socket
     * @throws IllegalArgumentException if the mode is not in {@code ls} form
     */
    public static ListeningSocket open(ListenAddress address, String unixSocketMode) throws IOException {
        return new ListeningSocket(address, Listeners.open(address, unixSocketMode, BACKLOG));
    }

    /** The address as configured. */
    public ListenAddress address() {
        return address;
    }

    /** The listening channel, in blocking mode; {@link #close()} closes it. */
    public ServerSocketChannel channel() {
        return channel;
    }

    /** The address as bound: for TCP with port 0, the port that was chosen. */
    public SocketAddress localAddress() {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            return address.socketAddress();
        }
    }

    /** The address as bound, in the text form {@link ListenAddress#parse} reads. */
    public String describe() {
        SocketAddress local = localAddress();
        String bound = local instanceof InetSocketAddress ? ListenAddress.tcp((InetSocketAddress) local).toString()
                : address.kind() == ListenAddress.Kind.UNIX ? address.toString() : "unix:" + local;
        return address.kind() == ListenAddress.Kind.INHERITED ? "fd:0 (" + bound + ")" : bound;
    }

    /** The bound TCP port, or -1 when not listening on TCP. */
    public int port() {
        SocketAddress local = localAddress();
        return local instanceof InetSocketAddress ? ((InetSocketAddress) local).getPort() : -1;
    }

    /**
     * Stops listening: from now on a connect is refused. A Unix socket file this opened is deleted, so that the next
     * server on the path finds none. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "close failed: {0}", e.getMessage());
        }
        if (address.kind() == ListenAddress.Kind.UNIX) {
            Path file = address.path();
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "could not delete {0}: {1}", file, e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return "ListeningSocket[" + describe() + "]";
    }
}
