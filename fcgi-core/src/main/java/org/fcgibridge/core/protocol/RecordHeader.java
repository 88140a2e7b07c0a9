package org.fcgibridge.core.protocol;

import java.nio.ByteBuffer;

/**
 * The 8-byte header that starts every record: version, type, request id, content length, padding length.
 *
 * @param type          the type's number; may be one FastCGI 1.0 does not define (see {@link #recordType()})
 * @param requestId     0 for management records, else the request the record belongs to (0..65535)
 * @param contentLength bytes of content that follow (0..65535)
 * @param paddingLength bytes of padding after the content (0..255)
 */
public record RecordHeader(int type, int requestId, int contentLength, int paddingLength) {

    /**
     * @throws IllegalArgumentException if a field does not fit its width on the wire
     */
    public RecordHeader {
        if (type < 0 || type > 0xFF) {
            throw new IllegalArgumentException("type out of range: " + type);
        }
        if (requestId < 0 || requestId > 0xFFFF) {
            throw new IllegalArgumentException("request id out of range: " + requestId);
        }
        if (contentLength < 0 || contentLength > Fcgi.MAX_CONTENT_LENGTH) {
            throw new IllegalArgumentException("content length out of range: " + contentLength);
        }
        if (paddingLength < 0 || paddingLength > 0xFF) {
            throw new IllegalArgumentException("padding length out of range: " + paddingLength);
        }
    }

    /** A header for {@code contentLength} bytes of content, padded to a multiple of 8 as senders should. */
    public static RecordHeader of(RecordType type, int requestId, int contentLength) {
        return new RecordHeader(type.code(), requestId, contentLength, Fcgi.paddingFor(contentLength));
    }

    /** The record's type, or {@code null} if FastCGI 1.0 does not define it. */
    public RecordType recordType() {
        return RecordType.fromCode(type);
    }

    /** Content plus padding: what follows the header. */
    public int bodyLength() {
        return contentLength + paddingLength;
    }

    /**
     * Decodes a header.
     *
     * @throws ProtocolException if the version is not 1
     */
    public static RecordHeader decode(byte[] src, int off) throws ProtocolException {
        int version = src[off] & 0xFF;
        if (version != Fcgi.VERSION_1) {
            throw new ProtocolException("unsupported FastCGI version " + version);
        }
        return new RecordHeader(src[off + 1] & 0xFF,
                ((src[off + 2] & 0xFF) << 8) | (src[off + 3] & 0xFF),
                ((src[off + 4] & 0xFF) << 8) | (src[off + 5] & 0xFF),
                src[off + 6] & 0xFF);
    }

    /** Writes the 8 header bytes at {@code off}. */
    public void encode(byte[] dst, int off) {
        encode(dst, off, type, requestId, contentLength, paddingLength);
    }

    /** Writes the 8 header bytes of a record without allocating a header object. */
    public static void encode(byte[] dst, int off, int type, int requestId, int contentLength, int paddingLength) {
        dst[off] = Fcgi.VERSION_1;
        dst[off + 1] = (byte) type;
        dst[off + 2] = (byte) (requestId >>> 8);
        dst[off + 3] = (byte) requestId;
        dst[off + 4] = (byte) (contentLength >>> 8);
        dst[off + 5] = (byte) contentLength;
        dst[off + 6] = (byte) paddingLength;
        dst[off + 7] = 0;
    }

    /** Writes the 8 header bytes of a record at absolute index {@code index} of a buffer. */
    public static void encode(ByteBuffer dst, int index, int type, int requestId, int contentLength,
                              int paddingLength) {
        dst.put(index, (byte) Fcgi.VERSION_1);
        dst.put(index + 1, (byte) type);
        dst.putShort(index + 2, (short) requestId);
        dst.putShort(index + 4, (short) contentLength);
        dst.put(index + 6, (byte) paddingLength);
        dst.put(index + 7, (byte) 0);
    }
}
