package org.fcgibridge.servlet.jetty;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Blocker;

/**
 * Blocking reads from a Jetty {@link EndPoint}, for fcgi-core's {@link org.fcgibridge.core.protocol.RecordReader}: a
 * connection's reader thread waits for bytes here, as fcgi-core's own connections do on their sockets. The endpoint's
 * idle timeout ends a wait with an IOException.
 */
final class EndPointChannel implements ReadableByteChannel {
    private final EndPoint endPoint;

    EndPointChannel(EndPoint endPoint) {
        this.endPoint = endPoint;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        // Jetty fills a buffer in "flush mode" (data between position and limit) by appending after the limit: a
        // slice of dst's free space, empty, is such a buffer, and what Jetty appends lands in dst without a copy.
        ByteBuffer free = dst.slice();
        free.limit(0);
        while (true) {
            int n = endPoint.fill(free);
            if (n < 0) {
                return -1;
            }
            if (n > 0) {
                dst.position(dst.position() + n);
                return n;
            }
            try (Blocker.Callback readable = Blocker.callback()) {
                endPoint.fillInterested(readable);
                readable.block();
            }
        }
    }

    @Override
    public boolean isOpen() {
        return endPoint.isOpen();
    }

    @Override
    public void close() {
        endPoint.close();
    }
}
