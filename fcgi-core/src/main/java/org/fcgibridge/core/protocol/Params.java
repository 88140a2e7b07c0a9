package org.fcgibridge.core.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The name-value pairs of a request's PARAMS stream (or of a GET_VALUES record), immutable.
 *
 * <p>Pairs stay as the bytes that arrived; a value is decoded only when asked for. Names are decoded as ISO-8859-1
 * (they are environment-variable names). Values are decoded as UTF-8 when they are valid UTF-8, else as ISO-8859-1,
 * so that no byte is ever lost; {@link #getBytes(String)} gives the raw bytes. When a name occurs more than once the
 * last occurrence wins, as in a CGI environment.
 */
public final class Params {
    private static final Params EMPTY = new Params(new byte[0], new int[0], 0);

    private final byte[] data;
    /** Per pair: name offset, name length, value offset, value length. */
    private final int[] index;
    private final int count;
    private final String[] valueCache;

    private Params(byte[] data, int[] index, int count) {
        this.data = data;
        this.index = index;
        this.count = count;
        this.valueCache = new String[count];
    }

    /** No pairs. */
    public static Params empty() {
        return EMPTY;
    }

    /** Pairs from a map, in its iteration order, encoded in UTF-8. */
    public static Params of(Map<String, String> pairs) {
        byte[] encoded = new NameValueWriter().addAll(pairs).toByteArray();
        try {
            return parse(encoded, 0, encoded.length);
        } catch (ProtocolException e) {
            throw new IllegalStateException("NameValueWriter wrote pairs it cannot read", e);
        }
    }

    /**
     * Parses name-value pairs. The array is kept, not copied: the caller must not change it afterwards.
     *
     * @throws ProtocolException if a length is cut short or claims more bytes than there are
     */
    public static Params parse(byte[] src, int off, int len) throws ProtocolException {
        int end = off + len;
        int[] index = new int[4 * 16];
        int count = 0;
        int pos = off;
        while (pos < end) {
            long nameLength = readLength(src, pos, end);
            pos += widthOfLengthAt(src, pos);
            long valueLength = readLength(src, pos, end);
            pos += widthOfLengthAt(src, pos);
            if (nameLength + valueLength > end - pos) {
                throw new ProtocolException("name-value pair claims " + nameLength + "+" + valueLength
                        + " bytes but only " + (end - pos) + " remain");
            }
            if (4 * count + 4 > index.length) {
                index = Arrays.copyOf(index, index.length * 2);
            }
            index[4 * count] = pos;
            index[4 * count + 1] = (int) nameLength;
            index[4 * count + 2] = pos + (int) nameLength;
            index[4 * count + 3] = (int) valueLength;
            pos += (int) (nameLength + valueLength);
            count++;
        }
        return count == 0 ? EMPTY : new Params(src, index, count);
    }

    /** A length's own width comes from its first byte: some senders (h2o) use the 4-byte form for short lengths. */
    private static int widthOfLengthAt(byte[] src, int pos) {
        return (src[pos] & 0x80) == 0 ? 1 : 4;
    }

    private static long readLength(byte[] src, int pos, int end) throws ProtocolException {
        if (pos >= end) {
            throw new ProtocolException("name-value pair cut short in its length");
        }
        int first = src[pos] & 0xFF;
        if ((first & 0x80) == 0) {
            return first;
        }
        if (end - pos < 4) {
            throw new ProtocolException("name-value pair cut short in its 4-byte length");
        }
        return ((long) (first & 0x7F) << 24) | ((src[pos + 1] & 0xFF) << 16)
                | ((src[pos + 2] & 0xFF) << 8) | (src[pos + 3] & 0xFF);
    }

    /** The number of pairs, counting repeated names. */
    public int size() {
        return count;
    }

    /** Whether there are no pairs. */
    public boolean isEmpty() {
        return count == 0;
    }

    /** The value of {@code name}, or {@code null} if there is no such pair. */
    public String get(String name) {
        int i = find(name);
        if (i < 0) {
            return null;
        }
        String value = valueCache[i];
        if (value == null) {
            value = decode(data, index[4 * i + 2], index[4 * i + 3]);
            valueCache[i] = value;
        }
        return value;
    }

    /** The value of {@code name}, or {@code fallback} if there is no such pair. */
    public String get(String name, String fallback) {
        String value = get(name);
        return value == null ? fallback : value;
    }

    /** Whether a pair named {@code name} exists (its value may be empty). */
    public boolean contains(String name) {
        return find(name) >= 0;
    }

    /** The raw bytes of the value of {@code name}, a copy, or {@code null} if there is no such pair. */
    public byte[] getBytes(String name) {
        int i = find(name);
        return i < 0 ? null : Arrays.copyOfRange(data, index[4 * i + 2], index[4 * i + 2] + index[4 * i + 3]);
    }

    /** The name of the pair at {@code i}, in arrival order. */
    public String nameAt(int i) {
        checkIndex(i);
        return new String(data, index[4 * i], index[4 * i + 1], StandardCharsets.ISO_8859_1);
    }

    /** The decoded value of the pair at {@code i}, in arrival order. */
    public String valueAt(int i) {
        checkIndex(i);
        return decode(data, index[4 * i + 2], index[4 * i + 3]);
    }

    /** The raw bytes of the name of the pair at {@code i}, a copy. */
    public byte[] nameBytesAt(int i) {
        checkIndex(i);
        return Arrays.copyOfRange(data, index[4 * i], index[4 * i] + index[4 * i + 1]);
    }

    /** The raw bytes of the value of the pair at {@code i}, a copy. */
    public byte[] valueBytesAt(int i) {
        checkIndex(i);
        return Arrays.copyOfRange(data, index[4 * i + 2], index[4 * i + 2] + index[4 * i + 3]);
    }

    /** The distinct names, in order of first arrival. */
    public List<String> names() {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = nameAt(i);
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return Collections.unmodifiableList(names);
    }

    /** The pairs as an unmodifiable map in order of first arrival, each name with its last value. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            map.put(nameAt(i), valueAt(i));
        }
        return Collections.unmodifiableMap(map);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }

    private int find(String name) {
        int length = name.length();
        for (int i = count - 1; i >= 0; i--) {
            if (index[4 * i + 1] == length && nameEquals(index[4 * i], name, length)) {
                return i;
            }
        }
        return -1;
    }

    private boolean nameEquals(int off, String name, int length) {
        for (int j = 0; j < length; j++) {
            if ((data[off + j] & 0xFF) != name.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("pair " + i + " of " + count);
        }
    }

    static String decode(byte[] src, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            if (src[i] < 0) {
                return decodeNonAscii(src, off, len);
            }
        }
        return new String(src, off, len, StandardCharsets.ISO_8859_1);
    }

    private static String decodeNonAscii(byte[] src, int off, int len) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(src, off, len))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(src, off, len, StandardCharsets.ISO_8859_1);
        }
    }
}
