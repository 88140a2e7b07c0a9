package org.fcgibridge.servlet.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * multipart/form-data (RFC 7578), read as a stream: each part's body is kept in memory up to a threshold and in a
 * temporary file beyond it, with a limit per part and per request.
 */
public final class MultipartParser {
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    private final Path location;
    private final long maxFileSize;
    private final long maxRequestSize;
    private final int fileSizeThreshold;
    private final Charset headerCharset;
    private final byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    private long total;

    /**
     * @param boundary          the boundary parameter of the Content-Type
     * @param location          where part bodies past the threshold are written
     * @param maxFileSize       the most bytes of one part (-1: no limit)
     * @param maxRequestSize    the most bytes of the whole body (-1: no limit)
     * @param fileSizeThreshold bytes of a part kept in memory
     * @param headerCharset     for part headers and field values without their own charset
     */
    public MultipartParser(InputStream in, String boundary, Path location, long maxFileSize, long maxRequestSize,
                           int fileSizeThreshold, Charset headerCharset) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // room for a delimiter and as much again: a boundary longer than the buffer (RFC 2046 says 70 characters,
        // a header may carry far more) would have the reader ask the stream for 0 bytes, forever
        this.buf = new byte[Math.max(64 * 1024, 2 * delimiter.length)];
        this.location = location;
        this.maxFileSize = maxFileSize;
        this.maxRequestSize = maxRequestSize;
        this.fileSizeThreshold = Math.max(fileSizeThreshold, 0);
        this.headerCharset = headerCharset;
    }

    /** The boundary parameter of a multipart Content-Type, or null. */
    public static String boundaryOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String part : contentType.split(";")) {
            String p = part.trim();
            if (p.regionMatches(true, 0, "boundary=", 0, 9)) {
                String value = p.substring(9).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    /**
     * Reads every part.
     *
     * @throws IOException           if the body is malformed or reading fails
     * @throws IllegalStateException if a part or the request exceeds its limit (as the servlet API specifies)
     */
    public List<MultipartPart> parse() throws IOException {
        List<MultipartPart> parts = new ArrayList<>();
        // the first delimiter has no CRLF in front of it: pretend it had
        System.arraycopy(new byte[] {'\r', '\n'}, 0, buf, 0, 2);
        limit = 2;
        if (!skipTo(delimiter)) {
            throw new IOException("multipart body without its first boundary");
        }
        try {
            while (true) {
                int a = read();
                int b = read();
                if (a == '-' && b == '-') {
                    return parts;
                }
                if (a != '\r' || b != '\n') {
                    throw new IOException("malformed multipart boundary line");
                }
                Map<String, List<String>> headers = readHeaders();
                parts.add(readPart(headers));
            }
        } catch (IOException | RuntimeException e) {
            for (MultipartPart part : parts) {
                part.delete();
            }
            throw e;
        }
    }

    private Map<String, List<String>> readHeaders() throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int size = 0;
        while (true) {
            int c = read();
            if (c < 0) {
                throw new IOException("multipart body ended inside part headers");
            }
            if (++size > MAX_HEADER_BYTES) {
                throw new IOException("multipart part headers over " + MAX_HEADER_BYTES + " bytes");
            }
            if (c == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                if (length == 0) {
                    return headers;
                }
                String text = new String(bytes, 0, length, headerCharset);
                int colon = text.indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(text.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            k -> new ArrayList<>()).add(text.substring(colon + 1).trim());
                }
                line.reset();
            } else {
                line.write(c);
            }
        }
    }

    private MultipartPart readPart(Map<String, List<String>> headers) throws IOException {
        String disposition = first(headers, "content-disposition");
        String name = parameter(disposition, "name");
        String filename = parameter(disposition, "filename");
        ByteArrayOutputStream memory = new ByteArrayOutputStream();
        OutputStream file = null;
        Path path = null;
        long size = 0;
        try {
            while (true) {
                int n = readBody();
                if (n < 0) {
                    break;
                }
                size += n;
                if (maxFileSize >= 0 && size > maxFileSize) {
                    throw new IllegalStateException("the part " + name + " is larger than maxFileSize "
                            + maxFileSize);
                }
                if (file == null && memory.size() + n > fileSizeThreshold) {
                    Files.createDirectories(location);
                    path = Files.createTempFile(location, "part-", ".tmp");
                    file = Files.newOutputStream(path);
                    memory.writeTo(file);
                    memory = null;
                }
                if (file != null) {
                    file.write(chunk, 0, n);
                } else {
                    memory.write(chunk, 0, n);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (path != null) {
                if (file != null) {
                    file.close();
                }
                Files.deleteIfExists(path);
            }
            throw e;
        }
        if (file != null) {
            file.close();
        }
        return new MultipartPart(name, filename, headers, memory == null ? null : memory.toByteArray(), path, size,
                headerCharset, location);
    }

    private final byte[] chunk = new byte[64 * 1024];

    /** Reads body bytes of the current part into {@link #chunk}; -1 at the part's end (the delimiter is consumed). */
    private int readBody() throws IOException {
        ensure(delimiter.length);
        int available = limit - pos;
        int found = indexOf(buf, pos, limit, delimiter);
        if (found == pos) {
            pos += delimiter.length;
            return -1;
        }
        int safe = found >= 0 ? found - pos : Math.max(0, available - delimiter.length + 1);
        if (safe == 0) {
            if (eof) {
                throw new IOException("multipart body ended inside a part");
            }
            ensure(available + 1);
            return readBody();
        }
        int n = Math.min(safe, chunk.length);
        System.arraycopy(buf, pos, chunk, 0, n);
        pos += n;
        return n;
    }

    private boolean skipTo(byte[] needle) throws IOException {
        while (true) {
            ensure(needle.length);
            int found = indexOf(buf, pos, limit, needle);
            if (found >= 0) {
                pos = found + needle.length;
                return true;
            }
            if (eof) {
                return false;
            }
            pos = Math.max(pos, limit - needle.length + 1);
            ensure(limit - pos + 1);
        }
    }

    private int read() throws IOException {
        ensure(1);
        return pos < limit ? buf[pos++] & 0xFF : -1;
    }

    /** Makes at least {@code n} bytes available from {@link #pos}, unless the stream ends. */
    private void ensure(int n) throws IOException {
        if (limit - pos >= n || eof) {
            return;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        while (limit - pos < n && !eof) {
            int r = in.read(buf, limit, buf.length - limit);
            if (r < 0) {
                eof = true;
            } else {
                limit += r;
                total += r;
                if (maxRequestSize >= 0 && total > maxRequestSize) {
                    throw new IllegalStateException("the request is larger than maxRequestSize " + maxRequestSize);
                }
            }
        }
    }

    private static int indexOf(byte[] haystack, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** A parameter of a header value such as {@code form-data; name="x"; filename="a b.txt"}. */
    static String parameter(String header, String name) {
        if (header == null) {
            return null;
        }
        int i = 0;
        int length = header.length();
        while (i < length) {
            int semicolon = indexOfUnquoted(header, ';', i);
            String part = header.substring(i, semicolon < 0 ? length : semicolon).trim();
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String value = part.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1).replace("\\\"", "\"");
                }
                return value;
            }
            if (semicolon < 0) {
                break;
            }
            i = semicolon + 1;
        }
        return null;
    }

    private static int indexOfUnquoted(String s, char c, int from) {
        boolean quoted = false;
        for (int i = from; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == '\\' && quoted) {
                i++;
            } else if (ch == c && !quoted) {
                return i;
            }
        }
        return -1;
    }
}
