package org.fcgibridge.core.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.fcgibridge.core.protocol.RecordHeader;
import org.fcgibridge.core.protocol.RecordReader;
import org.fcgibridge.core.protocol.RecordType;

/**
 * A request's STDIN when its runner runs on the connection's own thread: a read pulls records off the connection
 * until one of this stream's arrives, then copies its content straight from the connection's buffer into the
 * caller's array. Records for anything else met on the way are handled as the connection would (management replies,
 * an ABORT_REQUEST, a rejected second request).
 */
final class DirectInput extends InputStream {
    private final ServerConnection connection;
    private final ServerRequest request;
    private final RecordReader reader;
    /** The reader stands inside one of this stream's records, with content left. */
    private boolean positioned;
    private volatile boolean ended;
    private boolean closed;

    DirectInput(ServerConnection connection, ServerRequest request, RecordReader reader) {
        this.connection = connection;
        this.request = request;
        this.reader = reader;
    }

    /** Called by the connection when it has read the header of one of this stream's records. */
    void arrived(int contentLength) {
        if (contentLength == 0) {
            ended = true;
        } else {
            positioned = true;
        }
    }

    /** Whether the web server has ended the stream. */
    boolean isEnded() {
        return ended;
    }

    /**
     * For a runner that returned without reading all of its input: looks through what is already buffered for the
     * stream's end (so that the connection may close at once, with nothing unread that would turn the close into a
     * reset). Everything looked at is dropped; call it only when the connection is about to close.
     */
    void seekBufferedEnd() throws IOException {
        RecordHeader header;
        while (!ended && (header = reader.nextBuffered()) != null) {
            if (header.type() == RecordType.STDIN.code() && header.requestId() == request.requestId()
                    && header.contentLength() == 0) {
                ended = true;
            }
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        boolean guarded = request.beginIo();
        try {
            while (!ended && !closed) {
                if (positioned) {
                    int n = reader.read(b, off, len);
                    if (n > 0) {
                        return n;
                    }
                    positioned = false;
                }
                connection.pumpOnce();
                request.checkNotTerminated();
            }
            return -1;
        } finally {
            request.endIo(guarded);
        }
    }

    @Override
    public int available() {
        return positioned ? reader.contentAvailable() : 0;
    }

    /** Later reads return end of stream; what the web server still sends is skipped by the connection. */
    @Override
    public void close() {
        closed = true;
    }
}
