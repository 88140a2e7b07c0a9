package org.fcgibridge.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.fcgibridge.core.io.MemoryBudget;
import org.fcgibridge.core.testing.Allocations;

/**
 * Property tests of the name-value pairs of PARAMS and GET_VALUES: {@link NameValueWriter} then {@link Params#parse}
 * is the identity, a {@link ParamsStream} fed in any split decodes what the whole did, and arbitrary or lying bytes
 * (lengths cut short, 4-byte lengths up to 2^31-1 over a few bytes) end in a ProtocolException without allocating
 * from the claimed length.
 */
class ParamsFuzzTest {

    @Provide
    Arbitrary<byte[]> names() {
        // either side of the 127 boundary between the 1- and 4-byte forms
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.bytes().array(byte[].class).ofMaxSize(20)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(120).ofMaxSize(300)));
    }

    @Provide
    Arbitrary<List<Tuple2<byte[], byte[]>>> pairs() {
        return Combinators.combine(names(), names()).as(Tuple::of).list().ofMaxSize(10);
    }

    /** Arbitrary bytes, and written pairs with lengths made to lie and the whole cut anywhere. */
    @Provide
    Arbitrary<byte[]> encoded() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> mutated = Combinators.combine(pairs(), Arbitraries.integers().between(0, 6).list()
                        .ofMaxSize(4), Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofSize(4),
                Arbitraries.integers().between(0, 100))
                .as((pairs, values, positions, cutPercent) -> {
                    byte[] bytes = write(pairs);
                    for (int i = 0; i < values.size() && bytes.length > 0; i++) {
                        int at = positions.get(i) % bytes.length;
                        bytes[at] = (byte) new int[] {0, 0x7F, 0x80, 0xFF, 1, 127, bytes[at] + 1}[values.get(i)];
                    }
                    return Arrays.copyOf(bytes, (int) ((long) bytes.length * cutPercent / 100));
                });
        return Arbitraries.oneOf(random, mutated);
    }

    @Property
    void writtenPairsParseToThemselves(@ForAll("pairs") List<Tuple2<byte[], byte[]>> pairs) throws ProtocolException {
        byte[] bytes = write(pairs);
        Params params = Params.parse(bytes, 0, bytes.length);
        assertEquals(pairs.size(), params.size());
        for (int i = 0; i < pairs.size(); i++) {
            assertArrayEquals(pairs.get(i).get1(), params.nameBytesAt(i));
            assertArrayEquals(pairs.get(i).get2(), params.valueBytesAt(i));
            // no byte is lost in decoding a value: UTF-8 when it is, else ISO-8859-1
            byte[] raw = params.valueBytesAt(i);
            String value = params.valueAt(i);
            assertTrue(Arrays.equals(raw, value.getBytes(StandardCharsets.UTF_8))
                    || Arrays.equals(raw, value.getBytes(StandardCharsets.ISO_8859_1)), "a value lost bytes");
            // the last pair of a name wins
            String name = params.nameAt(i);
            int last = i;
            for (int j = i + 1; j < pairs.size(); j++) {
                if (params.nameAt(j).equals(name)) {
                    last = j;
                }
            }
            assertArrayEquals(pairs.get(last).get2(), params.getBytes(name));
        }
    }

    @Property
    void stringPairsRoundTripThroughTheMap(@ForAll @Size(max = 8) List<@Size(max = 200) String> names,
                                           @ForAll @Size(max = 8) List<@Size(max = 200) String> values) {
        java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < Math.min(names.size(), values.size()); i++) {
            // names are environment variables, ASCII (Params.of writes UTF-8, parse reads names as ISO-8859-1);
            // values are any text UTF-8 can carry
            map.put(ascii(names.get(i)), utf8Safe(values.get(i)));
        }
        assertEquals(map, Params.of(map).asMap());
    }

    /** Any bytes parse or throw ProtocolException; what parses is pairs that fit inside the input, in order. */
    @Property
    void arbitraryBytesParseOrAreAProtocolError(@ForAll("encoded") byte[] input,
                                                @ForAll @IntRange(max = 8) int offset) {
        byte[] framed = new byte[offset + input.length + 3];
        System.arraycopy(input, 0, framed, offset, input.length);
        Arrays.fill(framed, offset + input.length, framed.length, (byte) 0x7F); // past the end: must not be read
        Params params;
        try {
            params = Params.parse(framed, offset, input.length);
        } catch (ProtocolException e) {
            return;
        }
        long carried = 0;
        List<Tuple2<byte[], byte[]>> again = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            carried += params.nameBytesAt(i).length + params.valueBytesAt(i).length + 2;
            again.add(Tuple.of(params.nameBytesAt(i), params.valueBytesAt(i)));
            params.valueAt(i); // decodes without throwing
        }
        assertTrue(carried <= input.length, "pairs carry " + carried + " bytes out of " + input.length);
        params.asMap();
        // re-written in the shortest length forms, the pairs parse the same
        byte[] rewritten = write(again);
        assertTrue(rewritten.length <= input.length);
        try {
            Params reparsed = Params.parse(rewritten, 0, rewritten.length);
            assertEquals(params.asMap(), reparsed.asMap());
        } catch (ProtocolException e) {
            throw new AssertionError("written pairs refused", e);
        }
    }

    /** A 4-byte length as large as 2^31-1 over a few bytes: refused, and nothing allocated from the claim. */
    @Property
    void hugeClaimedLengthsAreRefusedWithoutAllocating(@ForAll @IntRange(min = 128) int claimed,
                                                       @ForAll boolean inTheName,
                                                       @ForAll @Size(max = 40) byte[] tail) {
        byte[] bytes = new byte[8 + tail.length];
        int at = 0;
        if (inTheName) {
            at = NameValueWriter.writeLength(bytes, at, claimed);
            at = NameValueWriter.writeLength(bytes, at, 1);
        } else {
            at = NameValueWriter.writeLength(bytes, at, 1);
            at = NameValueWriter.writeLength(bytes, at, claimed);
        }
        System.arraycopy(tail, 0, bytes, at, tail.length);
        int length = at + tail.length;
        long allocated = Allocations.during(() ->
                assertThrows(ProtocolException.class, () -> Params.parse(bytes, 0, length)));
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " for a claim of " + claimed);
    }

    /** Records split anywhere decode as the whole; past its bound the stream refuses, having allocated at most it. */
    @Property
    void aStreamSplitAnywhereDecodesAsTheWhole(@ForAll("encoded") byte[] input,
                                               @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 80) Integer> cuts,
                                               @ForAll @IntRange(min = 1, max = 400) int maxBytes,
                                               @ForAll boolean direct) {
        MemoryBudget budget = new MemoryBudget(1 << 20);
        ParamsStream stream = new ParamsStream(1, maxBytes, budget);
        int at = 0;
        int cut = 0;
        boolean refused = false;
        while (at < input.length && !refused) {
            int n = Math.min(input.length - at, cut < cuts.size() ? cuts.get(cut++) : input.length);
            ByteBuffer record = direct ? ByteBuffer.allocateDirect(n).put(input, at, n).flip()
                    : ByteBuffer.wrap(input, at, n);
            try {
                stream.append(record);
            } catch (ProtocolException e) {
                refused = true;
                assertTrue(at + n > maxBytes, "refused " + (at + n) + " bytes under the bound " + maxBytes);
            }
            at += n;
        }
        assertTrue(budget.used() <= maxBytes, "the stream holds " + budget.used() + " of a bound of " + maxBytes);
        if (refused) {
            stream.release();
            assertEquals(0, budget.used(), "released streams give their budget back");
            return;
        }
        assertTrue(input.length <= maxBytes);
        Object whole = outcome(() -> Params.parse(input, 0, input.length));
        Object streamed = outcome(stream::decode);
        assertEquals(whole, streamed);
        assertEquals(0, budget.used(), "decoded streams give their budget back");
    }

    private interface Parse {
        Params run() throws ProtocolException;
    }

    private static Object outcome(Parse parse) {
        try {
            return parse.run().asMap();
        } catch (ProtocolException e) {
            return "ProtocolException: " + e.getMessage();
        }
    }

    static byte[] write(List<Tuple2<byte[], byte[]>> pairs) {
        NameValueWriter writer = new NameValueWriter();
        pairs.forEach(p -> writer.add(p.get1(), p.get2()));
        return writer.toByteArray();
    }

    private static String ascii(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.chars().forEach(c -> out.append((char) (c & 0x7F)));
        return out.toString();
    }

    /** The string with lone surrogates (which UTF-8 cannot carry) replaced. */
    private static String utf8Safe(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
