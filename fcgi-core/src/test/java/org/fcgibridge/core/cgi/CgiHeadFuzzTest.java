package org.fcgibridge.core.cgi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.fcgibridge.core.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the header block a CGI script's output starts with ({@link CgiHead}): a script is not trusted to
 * write a well-formed one. Whatever it writes is a header block of clean CRLF lines or a 502, read no further than
 * its blank line (the rest is the body), within 64 KiB.
 */
class CgiHeadFuzzTest {

    private static final List<String> PIECES = List.of("Content-Type", "Status", "status", "Location", "X-A", ": ",
            ":", " ", "\t", "\n", "\r\n", "\r", "\0", "\n\n", "\r\n\r\n", "200", "302 Found", "99", "abc",
            "http://h/x", "/local", "text/html", "a b", "(", "\u00e9", "\u00ff", "\u007f");

    /** A piece that matters to the parser, or any Latin-1 char. */
    private static String piece(Fuzz f) {
        return f.bool() ? f.oneOf(PIECES) : String.valueOf((char) f.between(0, 0xFF));
    }

    /** Output made of the pieces that matter to the parser, mostly: names, separators, line ends, CR, NUL. */
    static byte[] outputs(Fuzz f) {
        switch (f.weighted(1, 3, 1)) {
            case 0:
                return String.join("", f.list(40, () -> piece(f))).getBytes(StandardCharsets.ISO_8859_1);
            case 1:
                // blocks of header lines, most well-formed, some with a piece in the wrong place
                List<String> lines = f.list(8, () -> (f.oneIn(4) ? f.oneOf("X:Y", " X", "")
                        : f.oneOf("Content-Type", "Status", "Location", "X-A", "Set-Cookie"))
                        + f.oneOf(":", ": ", " : ", ":\t")
                        + String.join("", f.list(4, () -> f.oneIn(4) ? piece(f)
                                : f.oneOf("200", "302 Found", "abc", "http://h/x", "/local", "text/html", "a b")))
                                .replace("\n", "")
                        + f.oneOf("\n", "\r\n", "\r\n", "\n"));
                return (String.join("", lines) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            default:
                return f.bytes(200);
        }
    }

    @Test
    void anyOutputIsACleanHeaderBlockOrA502() {
        int[] tried = {0};
        int[] taken = {0};
        Fuzz.check(f -> {
            tried[0]++;
            if (anyOutputIsACleanHeaderBlockOrA502(outputs(f), outputs(f))) {
                taken[0]++;
            }
        });
        // the generators must reach past the 502s often enough (5 %) to check the taken blocks
        assertTrue(tried[0] < 100 || taken[0] * 20 >= tried[0], "taken " + taken[0] + " of " + tried[0]);
    }

    /** True if the output was taken, false if it was a 502. */
    private boolean anyOutputIsACleanHeaderBlockOrA502(byte[] output, byte[] body) {
        byte[] all = concat(output, body);
        ByteArrayInputStream in = new ByteArrayInputStream(all);
        byte[] head;
        try {
            head = CgiHead.read(in);
        } catch (CgiRejection rejected) {
            assertEquals(502, rejected.status());
            return false;
        } catch (IOException e) {
            throw new AssertionError("a byte array cannot fail to read", e);
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        assertTrue(text.endsWith("\r\n\r\n"), text);
        String[] lines = text.substring(0, text.length() - 4).split("\r\n", -1);
        for (String line : lines) {
            int colon = line.indexOf(": ");
            assertTrue(colon > 0, "not a header line: " + line);
            for (char c : line.toCharArray()) {
                assertTrue(c != '\r' && c != '\n' && c != '\0', "a CR, LF or NUL in " + line);
            }
            assertTrue(line.charAt(0) != ' ' && line.charAt(0) != '\t');
        }
        // read up to the blank line exactly: what follows is the body, untouched
        int consumed = all.length - in.available();
        assertEquals(endOfFirstBlankLine(all), consumed, "did not stop right after the blank line");
        assertTrue(consumed <= CgiHead.MAX_BYTES + 1, "read " + consumed + " bytes of header block");
        // what it sends is a header block it would take as it is: the check is idempotent
        try {
            assertArrayEquals(head, CgiHead.read(new ByteArrayInputStream(head)));
        } catch (IOException | CgiRejection e) {
            throw new AssertionError("its own header block refused: " + text, e);
        }
        return true;
    }

    /** A Status is three digits; a Location with an absolute URI and no Status becomes a 302. */
    @Test
    void statusAndLocationAreKeptOrAdded() {
        Fuzz.check(f -> statusAndLocationAreKeptOrAdded(f.between(0, 1200), f.bool(), f.bool()));
    }

    private void statusAndLocationAreKeptOrAdded(int code, boolean absolute, boolean withStatus) throws Exception {
        String block = (withStatus ? "Status: " + code + " Reason\n" : "") + "Location: "
                + (absolute ? "https://example.test/a" : "/a") + "\n\nbody";
        String head;
        try {
            head = new String(CgiHead.read(new ByteArrayInputStream(block.getBytes(StandardCharsets.ISO_8859_1))),
                    StandardCharsets.ISO_8859_1);
        } catch (CgiRejection rejected) {
            assertTrue(withStatus && (code < 100 || code > 999), "refused " + block);
            return;
        }
        assertTrue(!withStatus || code >= 100 && code <= 999, "took " + block);
        assertEquals(!withStatus && absolute, head.startsWith("Status: 302 Found\r\n"), head);
    }

    /** However long the lines, a block past 64 KiB is a 502 after reading at most 64 KiB of it. */
    @Test
    void aHugeBlockIsRefusedWithinItsBound() {
        Fuzz.check(50, f -> aHugeBlockIsRefusedWithinItsBound(f.between(1, 70_000), f.between(1, 70)));
    }

    private void aHugeBlockIsRefusedWithinItsBound(int lineLength, int lines) throws IOException {
        byte[] line = ("X: " + "v".repeat(lineLength) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        long total = (long) line.length * lines;
        byte[] all = new byte[(int) Math.min(total, 5_000_000) + 1];
        for (int i = 0; i + line.length <= all.length - 1; i += line.length) {
            System.arraycopy(line, 0, all, i, line.length);
        }
        all[all.length - 1] = '\n';
        ByteArrayInputStream in = new ByteArrayInputStream(all);
        try {
            CgiHead.read(in);
            assertTrue(all.length <= CgiHead.MAX_BYTES + 1, "a block of " + all.length + " bytes taken");
        } catch (CgiRejection rejected) {
            assertEquals(502, rejected.status());
        }
        assertTrue(all.length - in.available() <= CgiHead.MAX_BYTES + 1, "read past the bound");
    }

    /** Where the first empty line (LF or CRLF alone) ends, or -1. */
    private static int endOfFirstBlankLine(byte[] bytes) {
        int lineStart = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                if (i == lineStart || i == lineStart + 1 && bytes[lineStart] == '\r') {
                    return i + 1;
                }
                lineStart = i + 1;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
