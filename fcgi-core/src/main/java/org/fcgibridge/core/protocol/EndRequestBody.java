package org.fcgibridge.core.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The 8-byte content of END_REQUEST: the application's exit status and the protocol-level outcome.
 *
 * @param appStatus      the application's exit status, an unsigned 32-bit number on the wire
 * @param protocolStatus whether the request completed or why it was rejected
 */
public record EndRequestBody(long appStatus, ProtocolStatus protocolStatus) {
    /** The content length of every END_REQUEST. */
    public static final int LENGTH = 8;

    /**
     * @throws IllegalArgumentException if appStatus does not fit in 32 bits unsigned, or the status is null
     */
    public EndRequestBody {
        if (appStatus < 0 || appStatus > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("appStatus out of range: " + appStatus);
        }
        if (protocolStatus == null) {
            throw new IllegalArgumentException("protocolStatus is null");
        }
    }

    /** An application exit status as the wire carries it: an int's bits read as unsigned. */
    public static EndRequestBody of(int exitStatus, ProtocolStatus protocolStatus) {
        return new EndRequestBody(Integer.toUnsignedLong(exitStatus), protocolStatus);
    }

    /**
     * Decodes the content of an END_REQUEST record.
     *
     * @throws ProtocolException if the content is not 8 bytes or the status is unknown
     */
    public static EndRequestBody decode(byte[] src, int off, int len) throws ProtocolException {
        if (len != LENGTH) {
            throw new ProtocolException("END_REQUEST content is " + len + " bytes, not 8");
        }
        long app = ((long) (src[off] & 0xFF) << 24) | ((src[off + 1] & 0xFF) << 16)
                | ((src[off + 2] & 0xFF) << 8) | (src[off + 3] & 0xFF);
        return new EndRequestBody(app, ProtocolStatus.fromCode(src[off + 4] & 0xFF));
    }

    /** Writes the whole END_REQUEST record (header and content, no padding needed) at {@code off}: 16 bytes. */
    public static void encodeRecord(byte[] dst, int off, int requestId, int exitStatus, ProtocolStatus status) {
        RecordHeader.encode(dst, off, RecordType.END_REQUEST.code(), requestId, LENGTH, 0);
        dst[off + 8] = (byte) (exitStatus >>> 24);
        dst[off + 9] = (byte) (exitStatus >>> 16);
        dst[off + 10] = (byte) (exitStatus >>> 8);
        dst[off + 11] = (byte) exitStatus;
        dst[off + 12] = (byte) status.code();
        dst[off + 13] = 0;
        dst[off + 14] = 0;
        dst[off + 15] = 0;
    }

    /**
     * What ends a request its runner has not ended (an abandoned runner): an empty STDOUT record, unless its STDOUT was
     * closed already, and END_REQUEST {@code REQUEST_COMPLETE} with {@code exitStatus}.
     */
    public static ByteBuffer closingRecords(int requestId, boolean stdoutClosed, int exitStatus) {
        byte[] records = new byte[2 * Fcgi.HEADER_LENGTH + LENGTH];
        int at = 0;
        if (!stdoutClosed) {
            RecordHeader.encode(records, 0, RecordType.STDOUT.code(), requestId, 0, 0);
            at = Fcgi.HEADER_LENGTH;
        }
        encodeRecord(records, at, requestId, exitStatus, ProtocolStatus.REQUEST_COMPLETE);
        return ByteBuffer.wrap(records, 0, at + Fcgi.HEADER_LENGTH + LENGTH);
    }

    /** The 8 content bytes. */
    public byte[] encode() {
        byte[] record = new byte[Fcgi.HEADER_LENGTH + LENGTH];
        encodeRecord(record, 0, 0, (int) appStatus, protocolStatus);
        return Arrays.copyOfRange(record, Fcgi.HEADER_LENGTH, record.length);
    }
}
