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
import java.util.Map;
import org.fcgibridge.core.io.ByteBudget;
import org.fcgibridge.core.testing.Allocations;
import org.fcgibridge.core.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the name-value pairs of PARAMS and GET_VALUES: {@link NameValueWriter} then {@link Params#parse}
 * is the identity, a {@link ParamsStream} fed in any split decodes what the whole did, and arbitrary or lying bytes
 * (lengths cut short, 4-byte lengths up to 2^31-1 over a few bytes) end in a ProtocolException without allocating
 * from the claimed length.
 */
class ParamsFuzzTest {

    static byte[] names(Fuzz f) {
        // either side of the 127 boundary between the 1- and 4-byte forms
        return f.weighted(6, 1) == 0 ? f.bytes(20) : f.bytes(120, 300);
    }

    static List<Map.Entry<byte[], byte[]>> pairs(Fuzz f) {
        return f.list(10, () -> Map.entry(names(f), names(f)));
    }

    /** Arbitrary bytes, and written pairs with lengths made to lie and the whole cut anywhere. */
    static byte[] encoded(Fuzz f) {
        if (f.bool()) {
            return f.bytes(300);
        }
        byte[] bytes = write(pairs(f));
        List<Integer> values = f.list(4, () -> f.between(0, 6));
        for (int i = 0; i < values.size() && bytes.length > 0; i++) {
            int at = f.between(0, Integer.MAX_VALUE) % bytes.length;
            bytes[at] = (byte) new int[] {0, 0x7F, 0x80, 0xFF, 1, 127, bytes[at] + 1}[values.get(i)];
        }
        return Arrays.copyOf(bytes, (int) ((long) bytes.length * f.between(0, 100) / 100));
    }

    @Test
    void writtenPairsParseToThemselves() {
        Fuzz.check(f -> writtenPairsParseToThemselves(pairs(f)));
    }

    private void writtenPairsParseToThemselves(List<Map.Entry<byte[], byte[]>> pairs) throws ProtocolException {
        byte[] bytes = write(pairs);
        Params params = Params.parse(bytes, 0, bytes.length);
        assertEquals(pairs.size(), params.size());
        for (int i = 0; i < pairs.size(); i++) {
            assertArrayEquals(pairs.get(i).getKey(), params.nameBytesAt(i));
            assertArrayEquals(pairs.get(i).getValue(), params.valueBytesAt(i));
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
            assertArrayEquals(pairs.get(last).getValue(), params.getBytes(name));
        }
    }

    @Test
    void stringPairsRoundTripThroughTheMap() {
        Fuzz.check(f -> stringPairsRoundTripThroughTheMap(f.list(8, () -> f.string(200)),
                f.list(8, () -> f.string(200))));
    }

    private void stringPairsRoundTripThroughTheMap(List<String> names, List<String> values) {
        java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < Math.min(names.size(), values.size()); i++) {
            // names are environment variables, ASCII (Params.of writes UTF-8, parse reads names as ISO-8859-1);
            // values are any text UTF-8 can carry
            map.put(ascii(names.get(i)), utf8Safe(values.get(i)));
        }
        assertEquals(map, Params.of(map).asMap());
    }

    /** Any bytes parse or throw ProtocolException; what parses is pairs that fit inside the input, in order. */
    @Test
    void arbitraryBytesParseOrAreAProtocolError() {
        Fuzz.check(f -> arbitraryBytesParseOrAreAProtocolError(encoded(f), f.between(0, 8)));
    }

    private void arbitraryBytesParseOrAreAProtocolError(byte[] input, int offset) {
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
        List<Map.Entry<byte[], byte[]>> again = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            carried += params.nameBytesAt(i).length + params.valueBytesAt(i).length + 2;
            again.add(Map.entry(params.nameBytesAt(i), params.valueBytesAt(i)));
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
    @Test
    void hugeClaimedLengthsAreRefusedWithoutAllocating() {
        Fuzz.check(f -> hugeClaimedLengthsAreRefusedWithoutAllocating(f.between(128, Integer.MAX_VALUE), f.bool(),
                f.bytes(40)));
    }

    private void hugeClaimedLengthsAreRefusedWithoutAllocating(int claimed, boolean inTheName, byte[] tail) {
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
    @Test
    void aStreamSplitAnywhereDecodesAsTheWhole() {
        Fuzz.check(f -> aStreamSplitAnywhereDecodesAsTheWhole(encoded(f), f.list(10, () -> f.between(0, 80)),
                f.between(1, 400), f.bool()));
    }

    private void aStreamSplitAnywhereDecodesAsTheWhole(byte[] input, List<Integer> cuts, int maxBytes, boolean direct) {
        ByteBudget budget = new ByteBudget(1 << 20);
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

    static byte[] write(List<Map.Entry<byte[], byte[]>> pairs) {
        NameValueWriter writer = new NameValueWriter();
        pairs.forEach(p -> writer.add(p.getKey(), p.getValue()));
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
