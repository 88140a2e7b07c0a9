package org.fcgibridge.core.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where framed records go: one call carries one or more whole records, written whole or not at all, so that records
 * of different streams and requests never interleave inside each other.
 */
@FunctionalInterface
public interface RecordSink {
    /**
     * Writes every remaining byte of {@code records}.
     *
     * @throws IOException if the connection failed or the request may not write any more
     */
    void write(ByteBuffer records) throws IOException;
}
