package org.fcgibridge.core.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One request's PARAMS stream while its records arrive: their contents, gathered into one array that grows as needed,
 * up to a bound, and decoded once the stream has ended. Both engines collect params with it.
 */
public final class ParamsStream {
    private final int requestId;
    private final int maxBytes;
    private byte[] bytes;
    private int length;

    /** The stream of request {@code requestId}, which may carry at most {@code maxBytes}. */
    public ParamsStream(int requestId, int maxBytes) {
        this.requestId = requestId;
        this.maxBytes = maxBytes;
    }

    /**
     * Room for a record's {@code count} bytes: write them into the returned array at {@link #length()}, then call
     * {@link #advance(int)}.
     *
     * @throws ProtocolException if the stream would exceed its bound
     */
    public byte[] room(int count) throws ProtocolException {
        if ((long) length + count > maxBytes) {
            throw new ProtocolException("params of request " + requestId + " exceed the limit of " + maxBytes
                    + " bytes");
        }
        if (bytes == null) {
            bytes = new byte[count];
        } else if (length + count > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(maxBytes, Math.max((long) bytes.length * 2, length + count)));
        }
        return bytes;
    }

    /** How many bytes the stream holds. */
    public int length() {
        return length;
    }

    /** Counts {@code count} bytes written into the array of {@link #room(int)}. */
    public void advance(int count) {
        length += count;
    }

    /**
     * Appends a record's content (all that remains of {@code content}).
     *
     * @throws ProtocolException if the stream would exceed its bound
     */
    public void append(ByteBuffer content) throws ProtocolException {
        int count = content.remaining();
        content.get(room(count), length, count);
        advance(count);
    }

    /**
     * The stream has ended: its params.
     *
     * @throws ProtocolException if the name-value pairs are malformed
     */
    public Params decode() throws ProtocolException {
        return bytes == null ? Params.empty() : Params.parse(bytes, 0, length);
    }
}
