package org.fcgibridge.core.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An output stream that frames what is written as records of one stream type (STDOUT, STDERR, STDIN, DATA) of one
 * request. Content collects in a buffer with room for the record header in front and padding behind, so a record
 * leaves in one write without copying; {@link #flush()} sends what is buffered at once, and {@link #closeWith} puts
 * the last content, the closing empty record and a trailer (END_REQUEST) into a single write. Not thread-safe.
 */
public final class RecordOutputStream extends OutputStream {
    /** Room behind the content for padding, the empty record and an END_REQUEST. */
    private static final int TRAILER_ROOM = 7 + Fcgi.HEADER_LENGTH + 24;
    private static final byte[] ZEROS = new byte[Fcgi.ALIGNMENT];
    private static final int FIRST_CONTENT = 256;

    private final ByteBuffer buf;
    private final int contentCapacity;
    private final RecordSink sink;
    private final int type;
    private int requestId;
    private boolean closed;
    private long contentWritten;
    /** The start of the content, kept as the first record leaves (a response's head: its status, for operators). */
    private byte[] firstContent;
    private boolean keepingFirstContent;

    /**
     * @param type            the stream's record type
     * @param requestId       the request the records belong to
     * @param sink            where framed records go
     * @param contentCapacity the most content buffered before a record is sent (1..65535)
     */
    public RecordOutputStream(RecordType type, int requestId, RecordSink sink, int contentCapacity) {
        this(type, requestId, sink, allocate(contentCapacity));
    }

    /**
     * A stream over a buffer from {@link #allocate(int)}, so that a connection can reuse buffers between requests.
     */
    public RecordOutputStream(RecordType type, int requestId, RecordSink sink, ByteBuffer buffer) {
        this.type = type.code();
        this.requestId = requestId;
        this.sink = sink;
        this.buf = buffer;
        this.contentCapacity = buffer.capacity() - Fcgi.HEADER_LENGTH - TRAILER_ROOM;
        if (contentCapacity < 1 || contentCapacity > Fcgi.MAX_CONTENT_LENGTH) {
            throw new IllegalArgumentException("buffer not from allocate(): " + buffer.capacity());
        }
        buf.clear().position(Fcgi.HEADER_LENGTH);
    }

    /** A direct buffer for a stream that sends records of up to {@code contentCapacity} content bytes. */
    public static ByteBuffer allocate(int contentCapacity) {
        if (contentCapacity < 1 || contentCapacity > Fcgi.MAX_CONTENT_LENGTH) {
            throw new IllegalArgumentException("content capacity out of range: " + contentCapacity);
        }
        return ByteBuffer.allocateDirect(Fcgi.HEADER_LENGTH + contentCapacity + TRAILER_ROOM);
    }

    /** Content bytes accepted so far (sent or buffered). */
    public long contentWritten() {
        return contentWritten;
    }

    /** From now on, {@link #firstContent()} is kept (a copy as the first record leaves); off by default. */
    public void keepFirstContent() {
        keepingFirstContent = true;
    }

    /**
     * Up to the first {@value #FIRST_CONTENT} content bytes written (for STDOUT, the head of the response), if
     * {@link #keepFirstContent()} was asked before they left; else what is still buffered of them.
     */
    public byte[] firstContent() {
        if (firstContent != null) {
            return firstContent.clone();
        }
        byte[] buffered = new byte[closed ? 0 : Math.min(buffered(), FIRST_CONTENT)];
        buf.get(Fcgi.HEADER_LENGTH, buffered);
        return buffered;
    }

    /** Whether the stream has been closed. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (buffered() == contentCapacity) {
            sendBuffered();
        }
        buf.put((byte) b);
        contentWritten++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        contentWritten += len;
        while (len > 0) {
            int room = contentCapacity - buffered();
            if (room == 0) {
                sendBuffered();
                room = contentCapacity;
            }
            int n = Math.min(room, len);
            buf.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    /** Sends buffered content as a record now. */
    @Override
    public void flush() throws IOException {
        if (!closed && buffered() > 0) {
            sendBuffered();
        }
    }

    /** Sends buffered content and the stream's closing empty record, in one write. Idempotent. */
    @Override
    public void close() throws IOException {
        closeWith(null, 0, 0);
    }

    /**
     * Sends buffered content, the closing empty record and then {@code trailer} (whole records, such as an
     * END_REQUEST), in one write.
     *
     * @param trailer bytes of whole records, or null; at most 24 bytes
     * @throws IOException if the sink fails; the stream is closed either way
     */
    public void closeWith(byte[] trailer, int off, int len) throws IOException {
        if (closed) {
            if (trailer != null) {
                sink.write(ByteBuffer.wrap(trailer, off, len));
            }
            return;
        }
        closed = true;
        int content = buffered();
        int end = content == 0 ? 0 : frame(content);
        RecordHeader.encode(buf, end, type, requestId, 0, 0);
        end += Fcgi.HEADER_LENGTH;
        if (trailer != null) {
            if (len > 24) {
                throw new IllegalArgumentException("trailer longer than 24 bytes: " + len);
            }
            buf.put(end, trailer, off, len);
            end += len;
        }
        buf.limit(end).position(0);
        sink.write(buf);
    }

    /**
     * Makes the stream ready for another request on the same buffer (a connection reuses its buffers).
     */
    public void reset(int newRequestId) {
        requestId = newRequestId;
        closed = false;
        contentWritten = 0;
        firstContent = null;
        keepingFirstContent = false;
        buf.clear().position(Fcgi.HEADER_LENGTH);
    }

    private int buffered() {
        return buf.position() - Fcgi.HEADER_LENGTH;
    }

    /** Writes the header and padding around {@code content} buffered bytes; returns the index after the padding. */
    private int frame(int content) {
        if (keepingFirstContent && firstContent == null) {
            firstContent = new byte[Math.min(content, FIRST_CONTENT)];
            buf.get(Fcgi.HEADER_LENGTH, firstContent);
        }
        int padding = Fcgi.paddingFor(content);
        RecordHeader.encode(buf, 0, type, requestId, content, padding);
        int end = Fcgi.HEADER_LENGTH + content;
        buf.put(end, ZEROS, 0, padding);
        return end + padding;
    }

    private void sendBuffered() throws IOException {
        int end = frame(buffered());
        buf.limit(end).position(0);
        try {
            sink.write(buf);
        } finally {
            buf.clear().position(Fcgi.HEADER_LENGTH);
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
    }
}
