package org.fcgibridge.core.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the head of a CGI response (RFC 3875 section 6): the {@code Status} line with its reason phrase from
 * {@link ReasonPhrases}, header lines, and the blank line, ending every line with CRLF. The one writer of the head
 * for the runners and both engines.
 *
 * <p>The head is encoded straight into one byte array, as ISO-8859-1 (a character beyond it becomes {@code ?}), and
 * leaves in one write. Use: {@link #status} first, then {@link #field}s, then {@link #writeTo} or
 * {@link #toByteArray}. Not thread-safe; one instance per response.
 */
public final class CgiResponseHead {
    private static final int FIRST = 100;
    /** The Status lines of the registered codes, encoded once. */
    private static final byte[][] STATUS_LINES = new byte[600 - FIRST][];

    static {
        for (int status = FIRST; status < 600; status++) {
            if (ReasonPhrases.registered(status) != null) {
                STATUS_LINES[status - FIRST] = statusLine(status).getBytes(StandardCharsets.ISO_8859_1);
            }
        }
    }

    private byte[] bytes;
    private int length;

    /** A head with room for 256 bytes; it grows as needed. */
    public CgiResponseHead() {
        bytes = new byte[256];
    }

    /**
     * Starts the head with {@code Status: <status> <reason>}.
     *
     * @throws IllegalStateException if something was written already
     */
    public CgiResponseHead status(int status) {
        if (length > 0) {
            throw new IllegalStateException("the Status line comes first");
        }
        byte[] line = status >= FIRST && status < 600 ? STATUS_LINES[status - FIRST] : null;
        if (line == null) {
            append(statusLine(status));
        } else {
            ensure(line.length);
            System.arraycopy(line, 0, bytes, 0, line.length);
            length = line.length;
        }
        return this;
    }

    /**
     * Adds the header line {@code name: value}; a null value is written empty.
     *
     * @throws IllegalArgumentException if the name or the value would break the head ({@link #legalName},
     *                                  {@link #legalValue}); nothing is added then
     */
    public CgiResponseHead field(String name, String value) {
        if (!legalName(name) || value != null && !legalValue(value)) {
            throw new IllegalArgumentException("a header that would split the CGI head: " + name);
        }
        append(name);
        append(": ");
        if (value != null) {
            append(value);
        }
        append("\r\n");
        return this;
    }

    /** Adds the header line {@code name: value} with a number, such as a Content-Length. */
    public CgiResponseHead field(String name, long value) {
        if (!legalName(name)) {
            throw new IllegalArgumentException("a header name that would split the CGI head: " + name);
        }
        append(name);
        append(": ");
        appendNumber(value);
        append("\r\n");
        return this;
    }

    /** Ends the head with its blank line and writes it to {@code out} in one call. */
    public void writeTo(OutputStream out) throws IOException {
        append("\r\n");
        out.write(bytes, 0, length);
    }

    /** Ends the head with its blank line and returns it. */
    public byte[] toByteArray() {
        append("\r\n");
        return Arrays.copyOf(bytes, length);
    }

    /**
     * Whether an application's header named {@code name} goes into the head. {@code Status} is the head's own status
     * line (RFC 3875 6.3.3): every web server takes a header of that name as the status, so it would replace (or,
     * malformed, break) the status the application set. The hop-by-hop headers describe a connection the application
     * does not have: the web server frames the client's response itself.
     */
    public static boolean isSent(String name) {
        switch (name.length()) {
            case 2: return !name.equalsIgnoreCase("te");
            case 6: return !name.equalsIgnoreCase("status");
            case 7: return !name.equalsIgnoreCase("upgrade") && !name.equalsIgnoreCase("trailer");
            case 10: return !name.equalsIgnoreCase("connection") && !name.equalsIgnoreCase("keep-alive");
            case 16: return !name.equalsIgnoreCase("proxy-connection");
            case 17: return !name.equalsIgnoreCase("transfer-encoding");
            default: return true;
        }
    }

    /** Whether {@code name} may stand in the head: not empty, and no control character, space, ':' or non-ASCII. */
    public static boolean legalName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || c == ':') {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code value} may stand in the head: no CR, LF or NUL, which would end its line or the head. */
    public static boolean legalValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return false;
            }
        }
        return true;
    }

    /** Statuses whose response has no body, and so no Content-Length (RFC 9110 8.6). */
    public static boolean hasNoBody(int status) {
        return status == 204 || status == 304 || status < 200;
    }

    private static String statusLine(int status) {
        return "Status: " + status + " " + ReasonPhrases.of(status) + "\r\n";
    }

    private void append(String s) {
        int n = s.length();
        ensure(n);
        byte[] b = bytes;
        int at = length;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c <= 0xFF) {
                b[at++] = (byte) c;
            } else {
                b[at++] = '?'; // one for a code point, as String.getBytes(ISO_8859_1) writes
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                }
            }
        }
        length = at;
    }

    private void appendNumber(long value) {
        if (value < 0) {
            append(Long.toString(value));
            return;
        }
        int digits = 1;
        for (long v = value / 10; v > 0; v /= 10) {
            digits++;
        }
        ensure(digits);
        long v = value;
        for (int i = length + digits - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        length += digits;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
