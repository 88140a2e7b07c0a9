package org.fcgibridge.core.cgi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads and checks the header block a CGI script starts its output with (RFC 3875 section 6): header lines ending in
 * LF or CRLF, then a blank line. The block is re-emitted with CRLF line ends; a {@code Location} with an absolute URI
 * and no {@code Status} gets {@code Status: 302 Found}. Anything else (no header block, a malformed line, a CR or NUL
 * in a value, a block over 64 KiB, a bad Status) is the script's fault: 502.
 */
final class CgiHead {
    static final int MAX_BYTES = 64 * 1024;

    private CgiHead() {
    }

    /**
     * @return the header block to send, blank line included
     * @throws CgiRejection 502 if the output does not start with a valid header block
     * @throws IOException  if reading the script's output fails
     */
    static byte[] read(InputStream in) throws IOException, CgiRejection {
        StringBuilder out = new StringBuilder();
        boolean status = false;
        String location = null;
        int total = 0;
        int lines = 0;
        while (true) {
            String line = readLine(in, MAX_BYTES - total);
            if (line == null) {
                throw new CgiRejection(502, lines == 0 ? "the script ended without output"
                        : "the script's output ended inside its header block");
            }
            total += line.length() + 1;
            if (line.isEmpty()) {
                if (lines == 0) {
                    throw new CgiRejection(502, "the script's output has an empty header block");
                }
                break;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new CgiRejection(502, "the script's header block folds a line");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line, colon)) {
                throw new CgiRejection(502, "the script's output does not start with a CGI header block");
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).trim();
            if (value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
                // a bare CR ends a line for some web servers: the rest would be a header the script did not mean
                // (response splitting); both engines refuse CR, LF and NUL in a header too
                throw new CgiRejection(502, "the script's header " + name + " has a CR or NUL in its value");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("status")) {
                if (value.length() < 3 || !Character.isDigit(value.charAt(0)) || !Character.isDigit(value.charAt(1))
                        || !Character.isDigit(value.charAt(2)) || value.length() > 3 && value.charAt(3) != ' ') {
                    throw new CgiRejection(502, "the script sent a bad Status header: " + value);
                }
                status = true;
            } else if (lower.equals("location")) {
                location = value;
            }
            out.append(name).append(": ").append(value).append("\r\n");
            lines++;
        }
        if (!status && location != null && location.matches("(?i)[a-z][a-z0-9+.-]*:.*")) {
            out.insert(0, "Status: 302 Found\r\n");
        }
        out.append("\r\n");
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean isToken(String line, int end) {
        for (int i = 0; i < end; i++) {
            char c = line.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** A line without its LF (and CR), as ISO-8859-1; null at end of stream; 502 past {@code limit}. */
    private static String readLine(InputStream in, int limit) throws IOException, CgiRejection {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= limit) {
                throw new CgiRejection(502, "the script's header block is over " + MAX_BYTES + " bytes");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
