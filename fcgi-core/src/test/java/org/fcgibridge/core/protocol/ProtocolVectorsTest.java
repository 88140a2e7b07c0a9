package org.fcgibridge.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The test vectors of fastcgi-facts.md, byte for byte. */
class ProtocolVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String s) {
        return HEX.parseHex(s.replace(" ", "").replace("|", ""));
    }

    private static byte[] lengthBytes(int length) {
        byte[] out = new byte[4];
        int end = NameValueWriter.writeLength(out, 0, length);
        return java.util.Arrays.copyOf(out, end);
    }

    @Test
    void lengthsTakeOneOrFourBytes() {
        assertArrayEquals(hex("00"), lengthBytes(0));
        assertArrayEquals(hex("7f"), lengthBytes(127));
        assertArrayEquals(hex("80 00 00 80"), lengthBytes(128));
        assertArrayEquals(hex("80 00 03 e8"), lengthBytes(1000));
        assertArrayEquals(hex("81 ff ff ff"), lengthBytes(33554431));
    }

    @Test
    void beginRequestResponderKeepConn() throws Exception {
        byte[] record = new byte[16];
        RecordHeader.of(RecordType.BEGIN_REQUEST, 1, 8).encode(record, 0);
        System.arraycopy(BeginRequestBody.of(Role.RESPONDER, true).encode(), 0, record, 8, 8);
        assertArrayEquals(hex("01 01 00 01 00 08 00 00 | 00 01 01 00 00 00 00 00"), record);

        BeginRequestBody decoded = BeginRequestBody.decode(record, 8, 8);
        assertEquals(Role.RESPONDER, decoded.role());
        assertTrue(decoded.keepConn());
    }

    @Test
    void endRequestWithAppStatus() throws Exception {
        byte[] record = new byte[16];
        EndRequestBody.encodeRecord(record, 0, 2, 10, ProtocolStatus.REQUEST_COMPLETE);
        assertArrayEquals(hex("01 03 00 02 00 08 00 00 | 00 00 00 0a 00 00 00 00"), record);
        assertEquals(new EndRequestBody(10, ProtocolStatus.REQUEST_COMPLETE), EndRequestBody.decode(record, 8, 8));
    }

    @Test
    void stdinOf66000BytesSplitsAtTheLimitAndPadsToEight() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        RecordOutputStream stdin = new RecordOutputStream(RecordType.STDIN, 300,
                records -> {
                    byte[] bytes = new byte[records.remaining()];
                    records.get(bytes);
                    wire.write(bytes, 0, bytes.length);
                }, Fcgi.MAX_CONTENT_LENGTH);
        byte[] payload = new byte[66_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        stdin.write(payload);
        stdin.close();
        byte[] out = wire.toByteArray();

        assertEquals(8 + 65535 + 1 + 8 + 465 + 7 + 8, out.length);
        assertArrayEquals(hex("01 05 01 2c ff ff 01 00"), java.util.Arrays.copyOfRange(out, 0, 8));
        int second = 8 + 65535 + 1;
        assertArrayEquals(hex("01 05 01 2c 01 d1 07 00"), java.util.Arrays.copyOfRange(out, second, second + 8));
        int last = second + 8 + 465 + 7;
        assertArrayEquals(hex("01 05 01 2c 00 00 00 00"), java.util.Arrays.copyOfRange(out, last, last + 8));

        RecordReader reader = new RecordReader(Channels.newChannel(new java.io.ByteArrayInputStream(out)));
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        RecordHeader h;
        while ((h = reader.next()) != null) {
            assertEquals(300, h.requestId());
            content.write(reader.readContent());
        }
        assertArrayEquals(payload, content.toByteArray());
    }

    @Test
    void paramsPairRequestMethodGet() throws Exception {
        byte[] content = new NameValueWriter().add("REQUEST_METHOD", "GET").toByteArray();
        byte[] record = new byte[8 + content.length];
        new RecordHeader(RecordType.PARAMS.code(), 1, content.length, 0).encode(record, 0);
        System.arraycopy(content, 0, record, 8, content.length);
        byte[] expected = concat(hex("01 04 00 01 00 13 00 00 0e 03"), "REQUEST_METHODGET".getBytes());
        assertArrayEquals(expected, record);
        assertEquals("GET", Params.parse(content, 0, content.length).get("REQUEST_METHOD"));
    }

    @Test
    void malformedParamsAreRefusedWithoutAllocatingTheClaimedLength() throws Exception {
        byte[] record = hex("01 04 00 01 00 0a 00 00 | 32 32 03 04 05 06 07 08 09 0a");
        RecordHeader header = RecordHeader.decode(record, 0);
        assertEquals(10, header.contentLength());
        assertThrows(ProtocolException.class, () -> Params.parse(record, 8, 10));
    }

    @Test
    void hugeClaimedLengthIsRefused() {
        byte[] content = hex("ff ff ff ff 00 41");
        assertThrows(ProtocolException.class, () -> Params.parse(content, 0, content.length));
        byte[] cut = hex("85 00 00");
        assertThrows(ProtocolException.class, () -> Params.parse(cut, 0, cut.length));
    }

    @Test
    void getValuesAskingNothing() throws Exception {
        RecordHeader header = RecordHeader.decode(hex("01 09 00 00 00 00 00 00"), 0);
        assertEquals(RecordType.GET_VALUES, header.recordType());
        assertEquals(0, header.requestId());
        assertTrue(header.recordType().isManagement());
        assertTrue(Params.parse(new byte[0], 0, 0).isEmpty());
    }

    @Test
    void badVersionIsAProtocolError() {
        assertThrows(ProtocolException.class, () -> RecordHeader.decode(hex("02 01 00 01 00 08 00 00"), 0));
    }

    @Test
    void unknownCodesAreNotTypesOrRoles() throws Exception {
        assertEquals(null, RecordType.fromCode(12));
        assertEquals(null, RecordType.fromCode(0));
        assertEquals(null, Role.fromCode(4));
        assertFalse(RecordType.BEGIN_REQUEST.isManagement());
        assertThrows(ProtocolException.class, () -> ProtocolStatus.fromCode(4));
        assertThrows(ProtocolException.class, () -> BeginRequestBody.decode(new byte[9], 0, 9));
    }

    @Test
    void headerFieldsAreRangeChecked() {
        assertThrows(IllegalArgumentException.class, () -> new RecordHeader(1, 70000, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RecordHeader(1, 1, 65536, 0));
        assertThrows(IllegalArgumentException.class, () -> new RecordHeader(1, 1, 0, 256));
    }

    @Test
    void recordHeaderEncodesToBufferAndArrayAlike() {
        byte[] array = new byte[8];
        RecordHeader.encode(array, 0, 6, 0x1234, 0xBEEF, 3);
        ByteBuffer buffer = ByteBuffer.allocate(8);
        RecordHeader.encode(buffer, 0, 6, 0x1234, 0xBEEF, 3);
        assertArrayEquals(array, buffer.array());
        assertArrayEquals(hex("01 06 12 34 be ef 03 00"), array);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
