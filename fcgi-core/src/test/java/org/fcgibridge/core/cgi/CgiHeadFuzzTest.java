package org.fcgibridge.core.cgi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

/**
 * Property tests of the header block a CGI script's output starts with ({@link CgiHead}): a script is not trusted to
 * write a well-formed one. Whatever it writes is a header block of clean CRLF lines or a 502, read no further than
 * its blank line (the rest is the body), within 64 KiB.
 */
class CgiHeadFuzzTest {

    /** Output made of the pieces that matter to the parser, mostly: names, separators, line ends, CR, NUL. */
    @Provide
    Arbitrary<byte[]> outputs() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of("Content-Type", "Status", "status", "Location", "X-A", ": ", ":", " ", "\t", "\n",
                        "\r\n", "\r", "\0", "\n\n", "\r\n\r\n", "200", "302 Found", "99", "abc", "http://h/x", "/local",
                        "text/html", "a b", "(", "\u00e9", "\u00ff", "\u007f"),
                Arbitraries.chars().range('\0', '\u00ff').map(String::valueOf));
        Arbitrary<byte[]> pieces = piece.list().ofMaxSize(40)
                .map(list -> String.join("", list).getBytes(StandardCharsets.ISO_8859_1));
        // and blocks of header lines, most well-formed, some with a piece in the wrong place
        Arbitrary<String> line = net.jqwik.api.Combinators.combine(
                        Arbitraries.of("Content-Type", "Status", "Location", "X-A", "Set-Cookie", "X:Y", " X", ""),
                        Arbitraries.of(":", ": ", " : ", ":\t"), piece.list().ofMaxSize(4).map(l -> String.join("", l)),
                        Arbitraries.of("\n", "\r\n", "\r\n", "\n"))
                .as((name, colon, value, end) -> name + colon + value.replace("\n", "") + end);
        Arbitrary<byte[]> blocks = line.list().ofMaxSize(8).map(list -> (String.join("", list) + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        return Arbitraries.oneOf(pieces, blocks, Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
    }

    @Property
    void anyOutputIsACleanHeaderBlockOrA502(@ForAll("outputs") byte[] output, @ForAll("outputs") byte[] body) {
        byte[] all = concat(output, body);
        ByteArrayInputStream in = new ByteArrayInputStream(all);
        byte[] head;
        try {
            head = CgiHead.read(in);
        } catch (CgiRejection rejected) {
            assertEquals(502, rejected.status());
            Statistics.collect("502");
            return;
        } catch (IOException e) {
            throw new AssertionError("a byte array cannot fail to read", e);
        }
        Statistics.collect("taken");
        Statistics.coverage(coverage -> coverage.check("taken").percentage(p -> p >= 5));
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
    }

    /** A Status is three digits; a Location with an absolute URI and no Status becomes a 302. */
    @Property
    void statusAndLocationAreKeptOrAdded(@ForAll @IntRange(min = 0, max = 1200) int code,
                                         @ForAll boolean absolute, @ForAll boolean withStatus) throws Exception {
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
    @Property(tries = 50)
    void aHugeBlockIsRefusedWithinItsBound(@ForAll @IntRange(min = 1, max = 70_000) int lineLength,
                                           @ForAll @IntRange(min = 1, max = 70) int lines) throws IOException {
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
