package org.fcgibridge.core.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.List;

/**
 * A blocking channel over fixed bytes that hands them out in chunks of the given sizes (cycled), as a socket may:
 * any split of a stream. Asked to read into a full buffer it throws, since a real blocking channel would then
 * return 0 forever and a reader that loops on it would spin.
 */
final class FuzzChannel implements ReadableByteChannel {
    private final byte[] bytes;
    private final List<Integer> chunks;
    private int pos;
    private int next;

    FuzzChannel(byte[] bytes, List<Integer> chunks) {
        this.bytes = bytes;
        this.chunks = chunks.isEmpty() ? List.of(Integer.MAX_VALUE) : chunks;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            throw new AssertionError("asked to read into a full buffer: a blocking read would spin");
        }
        if (pos == bytes.length) {
            return -1;
        }
        int chunk = Math.max(1, chunks.get(next++ % chunks.size()));
        int n = Math.min(Math.min(chunk, dst.remaining()), bytes.length - pos);
        dst.put(bytes, pos, n);
        pos += n;
        return n;
    }

    /** Bytes handed out so far. */
    int consumed() {
        return pos;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }
}
