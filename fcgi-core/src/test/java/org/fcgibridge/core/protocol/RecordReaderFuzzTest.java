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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.fcgibridge.core.testing.Allocations;

/**
 * Property tests of the FastCGI record stream as a peer may send it: {@link RecordReader} over any split of the bytes
 * and any buffer size, {@link RecordHeader} and {@link BeginRequestBody}. The number of inputs per property is
 * jqwik's {@code jqwik.tries.default} (src/test/resources/junit-platform.properties; scripts/fuzz.sh for long runs).
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

    @Provide
    Arbitrary<List<Sent>> records() {
        // short contents mostly, now and then a long one: records past the reader's buffer must be split too
        Arbitrary<byte[]> content = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(64).ofMaxSize(3000)));
        Arbitrary<Sent> record = Combinators.combine(Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 0xFFFF), content, Arbitraries.integers().between(0, 255))
                .as(Sent::new);
        return record.list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<Integer>> splits() {
        return Arbitraries.integers().between(1, 40).list().ofMaxSize(8);
    }

    /** Arbitrary bytes, and well-formed streams with a few bytes changed and cut anywhere. */
    @Provide
    Arbitrary<byte[]> streams() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        Arbitrary<byte[]> mutated = Combinators.combine(records(), Arbitraries.integers().between(0, 7).list()
                        .ofMaxSize(6), Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofSize(8),
                Arbitraries.integers().between(0, 100))
                .as((records, values, positions, cutPercent) -> {
                    byte[] bytes = encode(records);
                    for (int i = 0; i < values.size() && bytes.length > 0; i++) {
                        int at = positions.get(i) % bytes.length;
                        // a version, type, length or padding byte made extreme, or a content byte changed
                        bytes[at] = (byte) new int[] {0, 1, 0x7F, 0x80, 0xFF, 2, 8, bytes[at] + 1}[values.get(i)];
                    }
                    return Arrays.copyOf(bytes, (int) ((long) bytes.length * cutPercent / 100));
                });
        return Arbitraries.oneOf(random, mutated);
    }

    @Property
    void recordsSplitAnywhereAreReadAsSent(@ForAll("records") List<Sent> records,
                                           @ForAll("splits") List<Integer> splits,
                                           @ForAll @IntRange(min = 8, max = 200) int bufferSize,
                                           @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 3000) Integer> reads)
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
    @Property
    void arbitraryBytesEndInRecordsOrADocumentedError(@ForAll("streams") byte[] input,
                                                      @ForAll("splits") List<Integer> splits,
                                                      @ForAll @IntRange(min = 8, max = 100) int bufferSize,
                                                      @ForAll boolean readContents) {
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
    @Property
    void bufferedReadingAgreesWithBlockingReading(@ForAll("streams") byte[] input) throws IOException {
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

    @Property
    void aHeaderIsDecodedAsEncodedAndOnlyVersion1IsTaken(@ForAll @Size(8) byte[] bytes) {
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

    @Property
    void aHeaderTakesOnlyFieldsThatFitTheWire(@ForAll int type, @ForAll int requestId, @ForAll int contentLength,
                                              @ForAll int paddingLength) {
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

    @Property
    void beginRequestBodiesAreEightBytesAndRoundTrip(@ForAll @Size(max = 20) byte[] content,
                                                     @ForAll @IntRange(max = 0xFFFF) int role,
                                                     @ForAll @IntRange(max = 0xFF) int flags) throws ProtocolException {
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
