package org.fcgibridge.core.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Opens listening sockets: TCP, Unix domain (replacing a stale socket file, setting its mode), or the one inherited
 * as file descriptor 0.
 */
final class Listeners {
    private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

    private Listeners() {
    }

    /**
     * @param unixSocketMode permissions for a Unix socket file, such as "rw-rw-rw-" (null: leave the umask's)
     * @throws IOException if the address is in use, the socket file belongs to a live server, or there is no
     *                     inherited listening socket
     */
    static ServerSocketChannel open(ListenAddress address, String unixSocketMode, int backlog) throws IOException {
        switch (address.kind()) {
            case UNIX:
                return openUnix(address.path(), unixSocketMode, backlog);
            case INHERITED:
                return inherited();
            default:
                InetSocketAddress inet = (InetSocketAddress) address.socketAddress();
                if (inet.isUnresolved()) { // the JDK would throw UnresolvedAddressException, with no message
                    throw new UnknownHostException("cannot listen on " + address + ": unknown host "
                            + inet.getHostString());
                }
                ServerSocketChannel tcp = ServerSocketChannel.open();
                try {
                    tcp.bind(address.socketAddress(), backlog);
                    return tcp;
                } catch (IOException e) {
                    tcp.close();
                    throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
                }
        }
    }

    private static ServerSocketChannel openUnix(Path path, String mode, int backlog) throws IOException {
        removeStaleSocket(path);
        ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            unix.bind(UnixDomainSocketAddress.of(path), backlog);
            if (mode != null) {
                Set<PosixFilePermission> permissions = PosixFilePermissions.fromString(mode);
                Files.setPosixFilePermissions(path, permissions);
            }
            return unix;
        } catch (IOException | RuntimeException e) {
            unix.close();
            throw new IOException("cannot listen on unix:" + path + ": " + e.getMessage(), e);
        }
    }

    /** A socket file left by a server that died is removed; one that a live server answers on is not touched. */
    private static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isOther()) {
            throw new IOException("cannot listen on unix:" + path + ": a file that is not a socket is in the way");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new IOException("cannot listen on unix:" + path + ": another server is listening there");
        } catch (ConnectException stale) {
            LOG.log(System.Logger.Level.INFO, "replacing stale socket file {0}", path);
            Files.delete(path);
        }
    }

    private static ServerSocketChannel inherited() throws IOException {
        Channel channel = System.inheritedChannel();
        if (channel instanceof ServerSocketChannel) {
            ServerSocketChannel server = (ServerSocketChannel) channel;
            server.configureBlocking(true);
            return server;
        }
        throw new IOException("no listening socket was inherited as file descriptor 0 (got "
                + (channel == null ? "none" : channel.getClass().getSimpleName()) + ")");
    }
}
