package org.fcgibridge.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fcgibridge.core.testing.Allocations;
import org.fcgibridge.core.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the FastCGI record stream as a peer may send it: {@link RecordReader} over any split of the bytes
 * and any buffer size, {@link RecordHeader} and {@link BeginRequestBody}. The number of inputs per property is
 * {@link Fuzz#tries()} ({@code -Dfuzz.tries}; scripts/fuzz.sh for long runs).
 */
class RecordReaderFuzzTest {

    /** A record as sent: its content, then {@code padding} bytes of padding (any value, senders may use garbage). */
    record Sent(int type, int requestId, byte[] content, int padding) {
        void writeTo(ByteArrayOutputStream out) {
            byte[] header = new byte[Fcgi.HEADER_LENGTH];
            RecordHeader.encode(header, 0, type, requestId, content.length, padding);
            out.writeBytes(header);
            out.writeBytes(content);
            out.writeBytes(new byte[padding]);
        }

        @Override
        public String toString() {
            return "Sent[type=" + type + ", id=" + requestId + ", content=" + content.length + ", padding=" + padding
                    + "]";
        }
    }

    static List<Sent> records(Fuzz f) {
        // short contents mostly, now and then a long one: records past the reader's buffer must be split too
        return f.list(12, () -> new Sent(f.between(0, 255), f.between(0, 0xFFFF),
                f.weighted(8, 1) == 0 ? f.bytes(64) : f.bytes(64, 3000), f.between(0, 255)));
    }

    static List<Integer> splits(Fuzz f) {
        return f.list(8, () -> f.between(1, 40));
    }

    /** Arbitrary bytes, and well-formed streams with a few bytes changed and cut anywhere. */
    static byte[] streams(Fuzz f) {
        if (f.bool()) {
            return f.bytes(400);
        }
        byte[] bytes = encode(records(f));
        List<Integer> values = f.list(6, () -> f.between(0, 7));
        for (int i = 0; i < values.size() && bytes.length > 0; i++) {
            int at = f.between(0, Integer.MAX_VALUE) % bytes.length;
            // a version, type, length or padding byte made extreme, or a content byte changed
            bytes[at] = (byte) new int[] {0, 1, 0x7F, 0x80, 0xFF, 2, 8, bytes[at] + 1}[values.get(i)];
        }
        return Arrays.copyOf(bytes, (int) ((long) bytes.length * f.between(0, 100) / 100));
    }

    @Test
    void recordsSplitAnywhereAreReadAsSent() {
        Fuzz.check(f -> recordsSplitAnywhereAreReadAsSent(records(f), splits(f), f.between(8, 200),
                f.list(12, () -> f.between(0, 3000))));
    }

    private void recordsSplitAnywhereAreReadAsSent(List<Sent> records, List<Integer> splits, int bufferSize,
                                                   List<Integer> reads)
            throws IOException {
        RecordReader reader = new RecordReader(new FuzzChannel(encode(records), splits),
                ByteBuffer.allocate(bufferSize));
        for (int r = 0; r < records.size(); r++) {
            Sent sent = records.get(r);
            RecordHeader header = reader.next();
            assertEquals(new RecordHeader(sent.type(), sent.requestId(), sent.content().length, sent.padding()),
                    header);
            // read some of the content (or none, or all): next() must skip the rest and the padding
            int wanted = Math.min(r < reads.size() ? reads.get(r) : sent.content().length, sent.content().length);
            byte[] got = new byte[wanted];
            int at = 0;
            while (at < wanted) {
                int n = reader.read(got, at, wanted - at);
                assertTrue(n > 0, "read returned " + n + " with content left");
                at += n;
            }
            assertArrayEquals(Arrays.copyOf(sent.content(), wanted), got);
            assertEquals(sent.content().length - wanted, reader.contentRemaining());
        }
        assertNull(reader.next(), "the stream ended between records");
    }

    /**
     * Whatever a peer sends ends in records, a clean end, an EOFException (cut short) or a ProtocolException (not
     * FastCGI 1.0), within one header per 8 bytes, and allocates no more than the content a header may claim.
     */
    @Test
    void arbitraryBytesEndInRecordsOrADocumentedError() {
        Fuzz.check(f -> arbitraryBytesEndInRecordsOrADocumentedError(streams(f), splits(f), f.between(8, 100),
                f.bool()));
    }

    private void arbitraryBytesEndInRecordsOrADocumentedError(byte[] input, List<Integer> splits, int bufferSize,
                                                              boolean readContents) {
        FuzzChannel channel = new FuzzChannel(input, splits);
        RecordReader reader = new RecordReader(channel, ByteBuffer.allocate(bufferSize));
        long[] bodies = {0};
        int[] headers = {0};
        Exception[] ending = {null};
        long allocated = Allocations.during(() -> {
            try {
                RecordHeader header;
                while ((header = reader.next()) != null) {
                    headers[0]++;
                    assertTrue(headers[0] <= input.length / Fcgi.HEADER_LENGTH, "more headers than 8-byte runs");
                    bodies[0] += Fcgi.HEADER_LENGTH + header.bodyLength();
                    if (readContents) {
                        assertEquals(header.contentLength(), reader.readContent().length);
                    }
                }
            } catch (ProtocolException | EOFException documented) {
                ending[0] = documented;
            }
        });
        if (ending[0] == null) {
            assertEquals(input.length, bodies[0], "a clean end is at a record boundary");
            assertEquals(input.length, channel.consumed());
        } else if (ending[0] instanceof ProtocolException) {
            assertTrue(ending[0].getMessage().startsWith("unsupported FastCGI version"), ending[0].getMessage());
        }
        // nothing grows with a claimed length, but readContent: it takes the content's array at once, which a header
        // caps at 64 KiB (the reader itself allocates nothing per record)
        long cap = 2L * input.length + (readContents ? Fcgi.MAX_CONTENT_LENGTH + 16 : 0) + 16 * 1024;
        assertTrue(allocated <= cap, "allocated " + allocated + " for " + input.length + " bytes");
    }

    /** Reading from the buffer only (the non-blocking path) sees the very headers the blocking path does. */
    @Test
    void bufferedReadingAgreesWithBlockingReading() {
        Fuzz.check(f -> bufferedReadingAgreesWithBlockingReading(streams(f)));
    }

    private void bufferedReadingAgreesWithBlockingReading(byte[] input) throws IOException {
        List<RecordHeader> blocking = new ArrayList<>();
        boolean blockingRefused = false;
        boolean blockingClean = false;
        RecordReader b = new RecordReader(new FuzzChannel(input, List.of()), ByteBuffer.allocate(64));
        try {
            for (RecordHeader h; (h = b.next()) != null; ) {
                blocking.add(h);
            }
            blockingClean = true;
        } catch (ProtocolException e) {
            blockingRefused = true;
        } catch (EOFException e) {
            // cut short: the buffered path stops before the cut
        }
        RecordReader a = new RecordReader(new FuzzChannel(input, List.of()), ByteBuffer.allocate(input.length + 8));
        while (a.readAvailable() > 0) {
            // all of the input into the buffer
        }
        List<RecordHeader> buffered = new ArrayList<>();
        boolean bufferedRefused = false;
        try {
            while (a.hasWholeRecord()) {
                RecordHeader h = a.nextBuffered();
                assertTrue(h != null, "a whole record is buffered, but nextBuffered has no header");
                assertEquals(h.contentLength(), a.contentAvailable());
                buffered.add(h);
            }
        } catch (ProtocolException e) {
            bufferedRefused = true;
        }
        assertEquals(blocking.subList(0, Math.min(buffered.size(), blocking.size())), buffered);
        if (blockingClean) {
            assertEquals(blocking, buffered, "every record of a whole stream is buffered whole");
        }
        if (bufferedRefused) {
            assertTrue(blockingRefused && blocking.size() == buffered.size(),
                    "refused where the blocking path did not");
        }
    }

    @Test
    void aHeaderIsDecodedAsEncodedAndOnlyVersion1IsTaken() {
        Fuzz.check(f -> aHeaderIsDecodedAsEncodedAndOnlyVersion1IsTaken(f.bytes(8, 8)));
    }

    private void aHeaderIsDecodedAsEncodedAndOnlyVersion1IsTaken(byte[] bytes) {
        if (bytes[0] != Fcgi.VERSION_1) {
            assertThrows(ProtocolException.class, () -> RecordHeader.decode(bytes, 0));
            return;
        }
        RecordHeader header;
        try {
            header = RecordHeader.decode(bytes, 0);
        } catch (ProtocolException e) {
            throw new AssertionError("version 1 refused", e);
        }
        byte[] again = new byte[8];
        header.encode(again, 0);
        byte[] expected = bytes.clone();
        expected[7] = 0; // the reserved byte is not kept
        assertArrayEquals(expected, again);
    }

    @Test
    void aHeaderTakesOnlyFieldsThatFitTheWire() {
        Fuzz.check(f -> aHeaderTakesOnlyFieldsThatFitTheWire(field(f), field(f), field(f), field(f)));
    }

    /** Any int, or one in or just out of a header field's range (a byte's, two bytes'), so all fit now and then. */
    private static int field(Fuzz f) {
        switch (f.weighted(1, 2, 2)) {
            case 0:
                return f.anyInt();
            case 1:
                return f.between(-2, 0x101);
            default:
                return f.between(-2, 0x10001);
        }
    }

    private void aHeaderTakesOnlyFieldsThatFitTheWire(int type, int requestId, int contentLength, int paddingLength) {
        boolean fits = type >= 0 && type <= 0xFF && requestId >= 0 && requestId <= 0xFFFF && contentLength >= 0
                && contentLength <= 0xFFFF && paddingLength >= 0 && paddingLength <= 0xFF;
        if (!fits) {
            assertThrows(IllegalArgumentException.class,
                    () -> new RecordHeader(type, requestId, contentLength, paddingLength));
            return;
        }
        assertEquals(contentLength + paddingLength,
                new RecordHeader(type, requestId, contentLength, paddingLength).bodyLength());
    }

    @Test
    void beginRequestBodiesAreEightBytesAndRoundTrip() {
        Fuzz.check(f -> beginRequestBodiesAreEightBytesAndRoundTrip(f.bytes(20), f.between(0, 0xFFFF),
                f.between(0, 0xFF)));
    }

    private void beginRequestBodiesAreEightBytesAndRoundTrip(byte[] content, int role, int flags)
            throws ProtocolException {
        if (content.length != BeginRequestBody.LENGTH) {
            assertThrows(ProtocolException.class, () -> BeginRequestBody.decode(content, 0, content.length));
        } else {
            BeginRequestBody body = BeginRequestBody.decode(content, 0, content.length);
            assertEquals(((content[0] & 0xFF) << 8) | (content[1] & 0xFF), body.roleCode());
            assertEquals((content[2] & 1) != 0, body.keepConn());
        }
        BeginRequestBody body = new BeginRequestBody(role, flags);
        byte[] encoded = body.encode();
        assertEquals(body, BeginRequestBody.decode(encoded, 0, encoded.length));
    }

    static byte[] encode(List<Sent> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        records.forEach(r -> r.writeTo(out));
        return out.toByteArray();
    }
}
