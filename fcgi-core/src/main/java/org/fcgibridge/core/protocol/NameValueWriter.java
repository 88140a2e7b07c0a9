package org.fcgibridge.core.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Builds the content of a PARAMS stream or a GET_VALUES(_RESULT) record: name-value pairs, each length in 1 byte
 * (up to 127) or 4 bytes with the top bit set, lengths counting bytes. Not thread-safe.
 */
public final class NameValueWriter {
    private byte[] buf;
    private int size;

    /** An empty writer. */
    public NameValueWriter() {
        buf = new byte[256];
    }

    /** Adds a pair with both strings encoded in UTF-8. */
    public NameValueWriter add(String name, String value) {
        return add(name.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds every entry of the map, in its iteration order, UTF-8 encoded. */
    public NameValueWriter addAll(Map<String, String> pairs) {
        pairs.forEach(this::add);
        return this;
    }

    /** Adds a pair of raw bytes. */
    public NameValueWriter add(byte[] name, byte[] value) {
        ensure(8 + name.length + value.length);
        size = writeLength(buf, size, name.length);
        size = writeLength(buf, size, value.length);
        System.arraycopy(name, 0, buf, size, name.length);
        size += name.length;
        System.arraycopy(value, 0, buf, size, value.length);
        size += value.length;
        return this;
    }

    /** Bytes written so far. */
    public int size() {
        return size;
    }

    /** A copy of the encoded pairs. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** How many bytes the length {@code length} takes on the wire: 1 or 4. */
    public static int lengthOfLength(int length) {
        return length <= 127 ? 1 : 4;
    }

    /**
     * Writes a length in its short or long form.
     *
     * @return the index after the written bytes
     * @throws IllegalArgumentException if the length is negative (lengths are 31-bit)
     */
    public static int writeLength(byte[] dst, int off, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        if (length <= 127) {
            dst[off] = (byte) length;
            return off + 1;
        }
        dst[off] = (byte) ((length >>> 24) | 0x80);
        dst[off + 1] = (byte) (length >>> 16);
        dst[off + 2] = (byte) (length >>> 8);
        dst[off + 3] = (byte) length;
        return off + 4;
    }

    private void ensure(int extra) {
        long needed = (long) size + extra;
        if (needed > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("name-value pairs too large");
        }
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.max(needed, Math.min((long) buf.length * 2, Integer.MAX_VALUE - 16)));
        }
    }
}
