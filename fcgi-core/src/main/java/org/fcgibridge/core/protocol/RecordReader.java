package org.fcgibridge.core.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads records from a channel through one buffer: the header and as much content as has arrived come in with one
 * read, and content is copied once, from the buffer to wherever the caller wants it.
 *
 * <p>Use: {@link #next()} for a header, then {@link #read} the content (or not: the next call to {@link #next()}
 * skips what is left of it and its padding, whatever the padding length). Not thread-safe.
 */
public final class RecordReader implements RecordContent {
    /** The default buffer: a record header plus a good slice of a full record. */
    public static final int DEFAULT_BUFFER_SIZE = 32 * 1024;

    private final ReadableByteChannel in;
    private final ByteBuffer buf;
    private final byte[] header = new byte[Fcgi.HEADER_LENGTH];
    private int contentRemaining;
    private int paddingRemaining;

    /** A reader with a direct buffer of {@link #DEFAULT_BUFFER_SIZE} bytes. */
    public RecordReader(ReadableByteChannel in) {
        this(in, ByteBuffer.allocateDirect(DEFAULT_BUFFER_SIZE));
    }

    /**
     * A reader over a buffer of the caller's (a connection takes one from a pool, and gives it back when done).
     *
     * @param buffer at least 8 bytes; more means fewer reads from the channel. Direct buffers save a copy.
     */
    public RecordReader(ReadableByteChannel in, ByteBuffer buffer) {
        if (buffer.capacity() < Fcgi.HEADER_LENGTH) {
            throw new IllegalArgumentException("buffer smaller than a header: " + buffer.capacity());
        }
        this.in = in;
        this.buf = buffer;
        this.buf.clear().limit(0);
    }

    /**
     * Skips the rest of the current record and reads the next header.
     *
     * @return the header, or {@code null} if the channel ended cleanly between records
     * @throws EOFException      if the channel ended inside a record
     * @throws ProtocolException if the header is not a FastCGI 1.0 header
     * @throws IOException       if reading fails
     */
    public RecordHeader next() throws IOException {
        skip(contentRemaining + paddingRemaining);
        contentRemaining = 0;
        paddingRemaining = 0;
        if (!buf.hasRemaining() && fill() < 0) {
            return null;
        }
        while (buf.remaining() < Fcgi.HEADER_LENGTH) {
            if (fill() < 0) {
                throw new EOFException("connection ended inside a record header");
            }
        }
        buf.get(header);
        RecordHeader h = RecordHeader.decode(header, 0);
        contentRemaining = h.contentLength();
        paddingRemaining = h.paddingLength();
        return h;
    }

    /**
     * Like {@link #next()}, but only from bytes already buffered: skips the rest of the current record and returns
     * the next header if the buffer holds all of that; otherwise consumes nothing and returns {@code null}.
     *
     * @throws ProtocolException if the header is not a FastCGI 1.0 header
     */
    public RecordHeader nextBuffered() throws ProtocolException {
        int rest = contentRemaining + paddingRemaining;
        if (buf.remaining() < rest + Fcgi.HEADER_LENGTH) {
            return null;
        }
        buf.position(buf.position() + rest);
        buf.get(header);
        RecordHeader h = RecordHeader.decode(header, 0);
        contentRemaining = h.contentLength();
        paddingRemaining = h.paddingLength();
        return h;
    }

    /** How many content bytes of the current record have not been read. */
    public int contentRemaining() {
        return contentRemaining;
    }

    /** The current record's content bytes not read yet: {@link #contentRemaining()}. */
    @Override
    public int remaining() {
        return contentRemaining;
    }

    /**
     * Reads up to {@code len} bytes of the current record's content, blocking until at least one is there.
     *
     * @return the number of bytes read, or -1 if the record's content is exhausted
     * @throws EOFException if the channel ends inside the content
     */
    public int read(byte[] dst, int off, int len) throws IOException {
        if (contentRemaining == 0) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        if (!buf.hasRemaining() && fill() < 0) {
            throw new EOFException("connection ended inside a record's content");
        }
        int n = Math.min(Math.min(len, contentRemaining), buf.remaining());
        buf.get(dst, off, n);
        contentRemaining -= n;
        return n;
    }

    /**
     * Reads exactly {@code len} bytes of the current record's content.
     *
     * @throws EOFException if the record or the channel has fewer
     */
    @Override
    public void readFully(byte[] dst, int off, int len) throws IOException {
        if (len > contentRemaining) {
            throw new EOFException("record has " + contentRemaining + " content bytes, not " + len);
        }
        while (len > 0) {
            int n = read(dst, off, len);
            off += n;
            len -= n;
        }
    }

    /** Reads the rest of the current record's content into a new array. */
    public byte[] readContent() throws IOException {
        byte[] content = new byte[contentRemaining];
        readFully(content, 0, content.length);
        return content;
    }

    /**
     * Reads once what the channel has now into the buffer: without waiting, if the channel does not block.
     *
     * @return the bytes read (0: none, or the buffer is full), or -1 if the channel has ended
     * @throws IOException if reading fails
     */
    public int readAvailable() throws IOException {
        buf.compact();
        try {
            return in.read(buf);
        } finally {
            buf.flip();
        }
    }

    /** Whether the next record (past the rest of the current one) is in the buffer whole: header, content, padding. */
    public boolean hasWholeRecord() {
        int at = contentRemaining + paddingRemaining;
        if (buf.remaining() < at + Fcgi.HEADER_LENGTH) {
            return false;
        }
        int start = buf.position() + at;
        int content = (buf.get(start + 4) & 0xFF) << 8 | buf.get(start + 5) & 0xFF;
        int padding = buf.get(start + 6) & 0xFF;
        return buf.remaining() >= at + Fcgi.HEADER_LENGTH + content + padding;
    }

    /** Content bytes of the current record that can be read without asking the channel. */
    public int contentAvailable() {
        return Math.min(contentRemaining, buf.remaining());
    }

    private void skip(int n) throws IOException {
        while (n > 0) {
            if (!buf.hasRemaining() && fill() < 0) {
                throw new EOFException("connection ended inside a record");
            }
            int step = Math.min(n, buf.remaining());
            buf.position(buf.position() + step);
            n -= step;
        }
    }

    private int fill() throws IOException {
        buf.compact();
        try {
            int n;
            do {
                n = in.read(buf);
            } while (n == 0);
            return n;
        } finally {
            buf.flip();
        }
    }
}
