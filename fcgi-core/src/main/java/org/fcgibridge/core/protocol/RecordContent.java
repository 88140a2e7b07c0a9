package org.fcgibridge.core.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The content of the record in hand, whether it is already in memory (an event-driven connection holds records whole)
 * or still arriving on a blocking socket ({@link RecordReader}): {@link ConnectionProtocol} reads the small contents
 * it needs through it, and leaves a request's input to the connection, which moves it the cheapest way it has.
 */
public interface RecordContent {
    /** Content bytes not read yet. */
    int remaining();

    /**
     * Reads exactly {@code len} bytes of the content.
     *
     * @throws EOFException if the content (or the connection under it) has fewer
     * @throws IOException  if reading fails
     */
    void readFully(byte[] dst, int off, int len) throws IOException;

    /** The remaining bytes of {@code content}, which holds the record's whole content; reading consumes them. */
    static RecordContent of(ByteBuffer content) {
        return new RecordContent() {
            @Override
            public int remaining() {
                return content.remaining();
            }

            @Override
            public void readFully(byte[] dst, int off, int len) throws IOException {
                if (len > content.remaining()) {
                    throw new EOFException("record has " + content.remaining() + " content bytes, not " + len);
                }
                content.get(dst, off, len);
            }
        };
    }
}
