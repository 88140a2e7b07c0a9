package org.fcgibridge.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsTest {

    @Test
    void shortLengthsInTheLongFormAreAccepted() throws Exception {
        // h2o writes a length of 127 in 4 bytes
        byte[] name = "X".repeat(127).getBytes(StandardCharsets.US_ASCII);
        byte[] content = new byte[4 + 4 + 127 + 2];
        content[0] = (byte) 0x80;
        content[3] = 127;
        content[4] = (byte) 0x80;
        content[7] = 2;
        System.arraycopy(name, 0, content, 8, 127);
        content[135] = 'o';
        content[136] = 'k';
        Params params = Params.parse(content, 0, content.length);
        assertEquals("ok", params.get("X".repeat(127)));
    }

    @Test
    void valuesOf32KiBAndMoreAreIntact() throws Exception {
        String big = "v".repeat(40 * 1024);
        Params params = Params.of(Map.of("HTTP_COOKIE", big));
        assertEquals(big, params.get("HTTP_COOKIE"));
    }

    @Test
    void lastOccurrenceWins() throws Exception {
        byte[] content = new NameValueWriter().add("A", "first").add("B", "b").add("A", "second").toByteArray();
        Params params = Params.parse(content, 0, content.length);
        assertEquals("second", params.get("A"));
        assertEquals(3, params.size());
        assertEquals(List.of("A", "B"), params.names());
        assertEquals(Map.of("A", "second", "B", "b"), params.asMap());
    }

    @Test
    void utf8DecodesAndOtherBytesFallBackToLatin1() throws Exception {
        byte[] latin1 = {(byte) 0xE9, 't', (byte) 0xE9};
        byte[] content = new NameValueWriter()
                .add("U", "/caf\u00e9/\u65e5\u672c")
                .add("L".getBytes(StandardCharsets.US_ASCII), latin1)
                .toByteArray();
        Params params = Params.parse(content, 0, content.length);
        assertEquals("/caf\u00e9/\u65e5\u672c", params.get("U"));
        assertEquals("\u00e9t\u00e9", params.get("L"));
        assertArrayEquals(latin1, params.getBytes("L"));
    }

    @Test
    void missingAndEmpty() throws Exception {
        byte[] content = new NameValueWriter().add("EMPTY", "").toByteArray();
        Params params = Params.parse(content, 0, content.length);
        assertEquals("", params.get("EMPTY"));
        assertTrue(params.contains("EMPTY"));
        assertNull(params.get("MISSING"));
        assertFalse(params.contains("MISSING"));
        assertEquals("fallback", params.get("MISSING", "fallback"));
        assertTrue(Params.empty().isEmpty());
    }

    @Test
    void namesAreCaseSensitive() {
        Params params = Params.of(Map.of("Path_Info", "x"));
        assertNull(params.get("PATH_INFO"));
        assertEquals("x", params.get("Path_Info"));
    }
}
