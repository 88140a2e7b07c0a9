package org.fcgibridge.servlet.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.fcgibridge.core.testing.Fuzz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property tests of multipart/form-data bodies as a client may send them ({@link MultipartParser}): written parts
 * parse to themselves however the body arrives and wherever the memory threshold is, and any body ends in its parts,
 * an IOException (malformed: 400) or an IllegalStateException (a limit, as the servlet API says), with no temporary
 * file left behind and never more read than the request's limit allows.
 */
class MultipartParserFuzzTest {
    private static Path location;

    @BeforeAll
    static void createLocation() throws IOException {
        location = Files.createTempDirectory("multipart-fuzz");
    }

    @AfterAll
    static void deleteLocation() throws IOException {
        try (Stream<Path> left = Files.list(location)) {
            for (Path p : left.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(location);
    }

    record Sent(String name, String filename, byte[] content) {
        @Override
        public String toString() {
            return "Sent[" + name + ", " + filename + ", " + content.length + " bytes]";
        }
    }

    static String boundaries(Fuzz f) {
        // RFC 2046's bchars, 1 to 70 of them, not ending in a space
        String b = f.string("0123456789abcXYZ'()+_,-./:=? ", 1, 70);
        return b.endsWith(" ") ? b.substring(0, b.length() - 1) + "x" : b;
    }

    static List<Sent> parts(Fuzz f) {
        // contents full of the boundary's pieces: CR, LF and dashes
        return f.list(5, () -> new Sent(f.string("abcxyz_-. \u00e9;=", 0, 12),
                f.bool() ? null : f.string("abc.txt ;=", 0, 10),
                f.weighted(6, 1) == 0 ? f.bytesOf(new byte[] {'\r', '\n', '-'}, 2, 100) : f.bytes(70_000)));
    }

    static List<Integer> reads(Fuzz f) {
        return f.list(6, () -> f.between(1, 100));
    }

    @Test
    void writtenPartsParseToThemselves() {
        Fuzz.check(f -> writtenPartsParseToThemselves(parts(f), boundaries(f), reads(f), f.between(0, 200)));
    }

    private void writtenPartsParseToThemselves(List<Sent> parts, String boundary, List<Integer> reads,
                                               int threshold) throws IOException {
        byte[] body = encode(parts, boundary);
        String delimiter = "\r\n--" + boundary;
        for (Sent part : parts) {
            if (indexOf("\r\n" + new String(part.content(), StandardCharsets.ISO_8859_1), delimiter) >= 0) {
                return; // a content holding the delimiter cannot be written as one part
            }
        }
        List<MultipartPart> parsed = new MultipartParser(new ChunkedInput(body, reads), boundary, location, -1, -1,
                threshold, StandardCharsets.UTF_8).parse();
        try {
            assertEquals(parts.size(), parsed.size());
            for (int i = 0; i < parts.size(); i++) {
                Sent sent = parts.get(i);
                MultipartPart got = parsed.get(i);
                assertEquals(sent.name(), got.getName());
                assertEquals(sent.filename(), got.getSubmittedFileName());
                assertEquals(sent.content().length, got.getSize());
                try (InputStream in = got.getInputStream()) {
                    assertArrayEquals(sent.content(), in.readAllBytes());
                }
            }
        } finally {
            deleteAll(parsed);
        }
        assertNoTemporaryFiles();
    }

    /** Arbitrary bytes and written bodies changed and cut: parts, or a documented failure, and no file left. */
    @Test
    void anyBodyEndsInPartsOrADocumentedFailure() {
        Fuzz.check(f -> anyBodyEndsInPartsOrADocumentedFailure(bodies(f), reads(f), f.between(0, 100),
                f.between(-1, 300), f.between(-1, 600)));
    }

    private void anyBodyEndsInPartsOrADocumentedFailure(byte[] body, List<Integer> reads, int threshold,
                                                        int maxFileSize,
                                                        int maxRequestSize)
            throws IOException {
        ChunkedInput in = new ChunkedInput(body, reads);
        List<MultipartPart> parsed;
        try {
            parsed = new MultipartParser(in, "b", location, maxFileSize, maxRequestSize, threshold,
                    StandardCharsets.ISO_8859_1).parse();
        } catch (IOException | IllegalStateException documented) {
            assertNoTemporaryFiles();
            if (documented instanceof IllegalStateException) {
                assertTrue(documented.getMessage().contains("maxFileSize")
                        || documented.getMessage().contains("maxRequestSize"), documented.getMessage());
            }
            // a limit stops the reading within one buffer of it
            assertTrue(maxRequestSize < 0 || in.served() <= maxRequestSize + 64 * 1024);
            return;
        }
        try {
            for (MultipartPart part : parsed) {
                assertTrue(maxFileSize < 0 || part.getSize() <= maxFileSize, "a part over maxFileSize");
            }
            assertTrue(maxRequestSize < 0 || in.served() <= maxRequestSize, "a body over maxRequestSize");
        } finally {
            deleteAll(parsed);
        }
        assertNoTemporaryFiles();
    }

    static byte[] bodies(Fuzz f) {
        if (f.bool()) {
            return f.bytesOf(new byte[] {'\r', '\n', '-', 'b', ':'}, 2, 300);
        }
        byte[] bytes = encode(parts(f), "b");
        List<Integer> values = f.list(4, () -> f.between(0, 5));
        for (int i = 0; i < values.size() && bytes.length > 0; i++) {
            int at = f.between(0, Integer.MAX_VALUE) % bytes.length;
            bytes[at] = (byte) "\r\n-b:\"".charAt(values.get(i));
        }
        return Arrays.copyOf(bytes, (int) ((long) bytes.length * f.between(0, 100) / 100));
    }

    /** A boundary of any length (RFC 2046 allows 70 characters; a header may carry far more) works, as in Jetty. */
    @Test
    void anyBoundaryLengthEndsTheParse() {
        Fuzz.check(200, f -> anyBoundaryLengthEndsTheParse(f.between(1, 200_000),
                f.list(4, () -> f.between(1, 70_000))));
    }

    private void anyBoundaryLengthEndsTheParse(int length, List<Integer> reads)
            throws IOException {
        String boundary = "x".repeat(length);
        byte[] body = encode(List.of(new Sent("a", null, new byte[] {1, 2, 3})), boundary);
        // found by this test: past 64 KiB the parser asked the stream for 0 bytes in a loop that never ended
        List<MultipartPart> parsed = new MultipartParser(new ChunkedInput(body, reads), boundary, location, -1,
                -1, 0, StandardCharsets.UTF_8).parse();
        deleteAll(parsed);
        assertEquals(1, parsed.size());
        assertNoTemporaryFiles();
    }

    @Test
    void aParameterOfAnyDispositionParsesWithoutThrowing() {
        Fuzz.check(f -> aParameterOfAnyDispositionParsesWithoutThrowing(dispositions(f),
                f.oneOf("name", "filename", "boundary", "")));
    }

    private void aParameterOfAnyDispositionParsesWithoutThrowing(String header, String name) {
        String value = MultipartParser.parameter(header, name);
        assertTrue(value == null || header.contains(value.replace("\"", "")) || value.contains("\""));
        MultipartParser.boundaryOf(header);
    }

    static String dispositions(Fuzz f) {
        return f.bool() ? f.string(60) : f.joined(List.of("form-data", ";", "name", "=", "\"", "\\", " ", "filename",
                "a", "boundary=", "\\\""), 0, 12);
    }

    private static void deleteAll(List<MultipartPart> parts) throws IOException {
        for (MultipartPart part : parts) {
            part.delete();
        }
    }

    private static void assertNoTemporaryFiles() throws IOException {
        try (Stream<Path> left = Files.list(location)) {
            List<Path> files = left.toList();
            assertTrue(files.isEmpty(), "temporary files left: " + files);
        }
    }

    static byte[] encode(List<Sent> parts, String boundary) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Sent part : parts) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.name() + "\""
                    + (part.filename() == null ? "" : "; filename=\"" + part.filename() + "\"")
                    + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(part.content());
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static int indexOf(String haystack, String needle) {
        return haystack.indexOf(needle);
    }

    /** A body that arrives in reads of the given sizes (cycled), as a socket delivers it. */
    static final class ChunkedInput extends InputStream {
        private final byte[] bytes;
        private final List<Integer> reads;
        private int pos;
        private int next;

        ChunkedInput(byte[] bytes, List<Integer> reads) {
            this.bytes = bytes;
            this.reads = reads.isEmpty() ? List.of(Integer.MAX_VALUE) : new ArrayList<>(reads);
        }

        @Override
        public int read() {
            return pos < bytes.length ? bytes[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                throw new AssertionError("asked for 0 bytes: a reader that loops on that spins");
            }
            if (pos == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, reads.get(next++ % reads.size())), bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }

        int served() {
            return pos;
        }
    }
}
