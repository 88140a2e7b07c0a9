package org.fcgibridge.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RecordRoundTripTest {

    private static ByteArrayOutputStream wire() {
        return new ByteArrayOutputStream();
    }

    private static RecordSink sinkTo(ByteArrayOutputStream out) {
        return records -> {
            byte[] bytes = new byte[records.remaining()];
            records.get(bytes);
            out.write(bytes, 0, bytes.length);
        };
    }

    private static RecordReader readerOf(byte[] bytes) {
        return new RecordReader(Channels.newChannel(new ByteArrayInputStream(bytes)));
    }

    @ParameterizedTest
    @EnumSource(RecordType.class)
    void everyRecordTypeRoundTrips(RecordType type) throws IOException {
        byte[] content = ("content of " + type).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = wire();
        RecordOutputStream stream = new RecordOutputStream(type, 7, sinkTo(out), 1024);
        stream.write(content);
        stream.close();

        RecordReader reader = readerOf(out.toByteArray());
        RecordHeader first = reader.next();
        assertEquals(type, first.recordType());
        assertEquals(7, first.requestId());
        assertEquals(content.length, first.contentLength());
        assertEquals(0, (content.length + first.paddingLength()) % 8, "padded to a multiple of 8");
        assertArrayEquals(content, reader.readContent());
        RecordHeader end = reader.next();
        assertEquals(type, end.recordType());
        assertEquals(0, end.contentLength());
        assertNull(reader.next(), "clean end of stream between records");
    }

    @Test
    void structuredBodiesRoundTrip() throws IOException {
        for (Role role : Role.values()) {
            for (boolean keep : new boolean[] {true, false}) {
                BeginRequestBody body = BeginRequestBody.of(role, keep);
                assertEquals(body, BeginRequestBody.decode(body.encode(), 0, 8));
            }
        }
        for (ProtocolStatus status : ProtocolStatus.values()) {
            EndRequestBody body = new EndRequestBody(0xFFFF_FFFFL, status);
            assertEquals(body, EndRequestBody.decode(body.encode(), 0, 8));
        }
        assertEquals(4294967295L, EndRequestBody.of(-1, ProtocolStatus.REQUEST_COMPLETE).appStatus());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 200, 255})
    void anyPaddingIsSkipped(int padding) throws IOException {
        byte[] record = new byte[8 + 3 + padding + 8];
        new RecordHeader(RecordType.STDIN.code(), 1, 3, padding).encode(record, 0);
        record[8] = 'a';
        record[9] = 'b';
        record[10] = 'c';
        RecordHeader.of(RecordType.STDIN, 1, 0).encode(record, 8 + 3 + padding);
        RecordReader reader = readerOf(record);
        reader.next();
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), reader.readContent());
        RecordHeader end = reader.next();
        assertEquals(0, end.contentLength());
        assertEquals(RecordType.STDIN, end.recordType());
    }

    @Test
    void unreadContentIsSkippedByNext() throws IOException {
        ByteArrayOutputStream out = wire();
        RecordOutputStream a = new RecordOutputStream(RecordType.STDOUT, 1, sinkTo(out), 100);
        a.write(new byte[50]);
        a.flush();
        RecordOutputStream b = new RecordOutputStream(RecordType.STDERR, 2, sinkTo(out), 100);
        b.write('x');
        b.flush();
        RecordReader reader = readerOf(out.toByteArray());
        reader.next();
        byte[] five = new byte[5];
        reader.readFully(five, 0, 5);
        RecordHeader second = reader.next();
        assertEquals(RecordType.STDERR, second.recordType());
        assertEquals(2, second.requestId());
        assertArrayEquals(new byte[] {'x'}, reader.readContent());
    }

    @Test
    void endInsideARecordIsEof() throws IOException {
        byte[] cut = new byte[8 + 4];
        RecordHeader.of(RecordType.STDIN, 1, 10).encode(cut, 0);
        RecordReader reader = readerOf(cut);
        reader.next();
        assertThrows(EOFException.class, reader::readContent);

        RecordReader headerCut = readerOf(new byte[] {1, 5, 0});
        assertThrows(EOFException.class, headerCut::next);
    }

    @Test
    void readerCopesWithOneByteAtATime() throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("A", "1");
        params.put("LONG", "x".repeat(300));
        byte[] content = new NameValueWriter().addAll(params).toByteArray();
        ByteArrayOutputStream out = wire();
        RecordOutputStream stream = new RecordOutputStream(RecordType.PARAMS, 9, sinkTo(out), 64);
        stream.write(content);
        stream.close();
        byte[] bytes = out.toByteArray();
        ReadableByteChannel trickle = new ReadableByteChannel() {
            int pos;

            @Override
            public int read(ByteBuffer dst) {
                if (pos == bytes.length) {
                    return -1;
                }
                dst.put(bytes[pos++]);
                return 1;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        RecordReader reader = new RecordReader(trickle, ByteBuffer.allocate(16));
        ByteArrayOutputStream collected = new ByteArrayOutputStream();
        RecordHeader h;
        int records = 0;
        while ((h = reader.next()) != null) {
            records++;
            collected.write(reader.readContent());
            assertEquals(9, h.requestId());
        }
        assertEquals((content.length + 63) / 64 + 1, records, "split at the 64-byte capacity, then the end");
        byte[] joined = collected.toByteArray();
        assertEquals(params, Params.parse(joined, 0, joined.length).asMap(), "pairs straddling records survive");
    }

    @Test
    void closeWithTrailerSendsContentEndAndTrailerInOneWrite() throws IOException {
        int[] writes = {0};
        ByteArrayOutputStream out = wire();
        RecordSink sink = sinkTo(out);
        RecordOutputStream stream = new RecordOutputStream(RecordType.STDOUT, 1, records -> {
            writes[0]++;
            sink.write(records);
        }, 1024);
        stream.write("hello".getBytes(StandardCharsets.US_ASCII));
        byte[] end = new byte[16];
        EndRequestBody.encodeRecord(end, 0, 1, 0, ProtocolStatus.REQUEST_COMPLETE);
        stream.closeWith(end, 0, end.length);
        assertEquals(1, writes[0]);
        RecordReader reader = readerOf(out.toByteArray());
        assertEquals(RecordType.STDOUT, reader.next().recordType());
        assertEquals("hello", new String(reader.readContent(), StandardCharsets.US_ASCII));
        assertEquals(0, reader.next().contentLength());
        RecordHeader last = reader.next();
        assertEquals(RecordType.END_REQUEST, last.recordType());
        assertThrows(IOException.class, () -> stream.write(1), "no writes after close");
    }

    @Test
    void nextBufferedReadsOnlyWhatIsThere() throws IOException {
        byte[] two = new byte[32];
        RecordHeader.of(RecordType.STDIN, 1, 8).encode(two, 0);
        RecordHeader.of(RecordType.STDIN, 1, 0).encode(two, 16);
        RecordReader reader = readerOf(java.util.Arrays.copyOf(two, 24));
        assertNull(reader.nextBuffered(), "nothing buffered before the first read");
        assertEquals(8, reader.next().contentLength());
        RecordHeader end = reader.nextBuffered();
        assertEquals(0, end.contentLength());
        assertNull(reader.nextBuffered());
    }
}
