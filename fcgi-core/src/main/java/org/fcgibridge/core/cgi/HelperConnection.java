package org.fcgibridge.core.cgi;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * A connection to the {@link SpawnHelper} that runs one script at a time, kept for script after script: orders and
 * signals go out on it, the script's frames (output, stderr, exit) come back. It owns a selector of its own, so a
 * thread waits on it, with a timeout, without a selector opened per script.
 */
final class HelperConnection implements Closeable {
    /** Past the helper's largest frame (16 KB of output and its header): a frame is never cut by a full buffer. */
    private static final int BUFFER = 32 * 1024;

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    /** Frames received, not yet taken: read mode. */
    private final ByteBuffer in = ByteBuffer.allocate(BUFFER).flip();

    private HelperConnection(SocketChannel channel, Selector selector) throws IOException {
        this.channel = channel;
        this.selector = selector;
        this.key = channel.register(selector, SelectionKey.OP_READ);
    }

    /**
     * Connects to the helper at {@code address} and names the connection as a script connection.
     *
     * @throws IOException if the helper does not take the connection
     */
    static HelperConnection open(UnixDomainSocketAddress address) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = null;
        try {
            channel.connect(address);
            writeFully(channel, ByteBuffer.wrap(new byte[] {'C'}));
            channel.configureBlocking(false);
            selector = Selector.open();
            return new HelperConnection(channel, selector);
        } catch (IOException e) {
            SpawnHelper.closeQuietly(channel, selector);
            throw e;
        }
    }

    static void writeFully(SocketChannel blocking, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            blocking.write(bytes);
        }
    }

    /** The frames received and not yet taken; the caller takes them in place. */
    ByteBuffer frames() {
        return in;
    }

    /**
     * Reads what has come, without waiting.
     *
     * @return the bytes read, or -1 if the helper closed the connection
     * @throws IOException if the read fails
     */
    int receive() throws IOException {
        in.compact();
        try {
            return channel.read(in);
        } finally {
            in.flip();
        }
    }

    /**
     * Waits at most {@code millis} (0: no limit) for bytes, or for {@link #wakeup()}.
     *
     * @throws IOException if the selector fails or is closed
     */
    void await(long millis) throws IOException {
        selector.select(millis);
        selector.selectedKeys().clear();
    }

    void wakeup() {
        selector.wakeup();
    }

    /**
     * Sends a frame. Only orders and signals go this way, and the helper reads them at once; the rare large order that
     * fills the socket waits for it to drain.
     *
     * @throws IOException if the connection fails
     */
    synchronized void send(ByteBuffer frame) throws IOException {
        while (frame.hasRemaining()) {
            if (channel.write(frame) == 0) {
                try (Selector writable = Selector.open()) { // a channel may be registered with two
                    channel.register(writable, SelectionKey.OP_WRITE);
                    writable.select(1000);
                }
            }
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    /** Whether frames of the last script are left unread: such a connection is not used again. */
    boolean hasUnread() {
        return in.hasRemaining();
    }

    @Override
    public void close() {
        key.cancel();
        SpawnHelper.closeQuietly(channel, selector);
    }
}
