package org.fcgibridge.servlet.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * URI path handling for the servlet layer: canonicalization as Servlet 6.0 section 3.5.2 asks (path parameters
 * removed, percent-decoding as UTF-8, dot segments resolved), with the suspicious sequences it lists refused, and
 * percent-encoding for paths that arrive decoded.
 */
public final class UriPath {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UriPath() {
    }

    /**
     * The decoded, canonical form of a raw request path.
     *
     * @throws BadRequestException for an encoded '/' or '\' or NUL, a control character, invalid percent-encoding or
     *                             UTF-8, an encoded or parameterised dot segment, or a ".." above the root
     */
    public static String canonicalize(String rawPath) throws BadRequestException {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw new BadRequestException("the request path does not start with /");
        }
        String[] segments = rawPath.substring(1).split("/", -1);
        List<String> out = new ArrayList<>(segments.length);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            int semicolon = segment.indexOf(';');
            boolean hadParameter = semicolon >= 0;
            if (hadParameter) {
                segment = segment.substring(0, semicolon);
            }
            boolean encoded = segment.indexOf('%') >= 0;
            String decoded = decodeSegment(segment);
            boolean last = i == segments.length - 1;
            if (decoded.isEmpty() && !last) {
                throw new BadRequestException("Ambiguous URI empty segment");
            }
            if (decoded.equals(".") || decoded.equals("..")) {
                if (encoded || hadParameter) {
                    throw new BadRequestException("Ambiguous URI path segment");
                }
                if (decoded.equals("..")) {
                    if (out.isEmpty()) {
                        throw new BadRequestException("the request path climbs above the root");
                    }
                    out.remove(out.size() - 1);
                }
                if (last) {
                    out.add("");
                }
                continue;
            }
            out.add(decoded);
        }
        return "/" + String.join("/", out);
    }

    private static String decodeSegment(String segment) throws BadRequestException {
        if (segment.indexOf('%') < 0) {
            checkChars(segment);
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    throw new BadRequestException("bad percent-encoding in the request path");
                }
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new BadRequestException("bad percent-encoding in the request path");
                }
                int b = hi << 4 | lo;
                if (b == '/' || b == '\\' || b == 0) {
                    throw new BadRequestException(b == '/' ? "Ambiguous URI path separator"
                            : b == '\\' ? "Ambiguous URI path separator" : "Ambiguous URI encoding");
                }
                bytes.write(b);
                i += 2;
            } else {
                byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(raw, 0, raw.length);
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new BadRequestException("the request path is not UTF-8");
        }
        checkChars(decoded);
        return decoded;
    }

    private static void checkChars(String segment) throws BadRequestException {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw new BadRequestException("a control character in the request path");
            }
        }
    }

    /** Percent-encodes a decoded path for use as a raw URI path: '/' and unreserved characters stay. */
    public static String encodePath(String decoded) {
        StringBuilder out = null;
        byte[] bytes = decoded.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if (isPathSafe(b)) {
                if (out != null) {
                    out.append((char) b);
                }
            } else {
                if (out == null) {
                    out = new StringBuilder(bytes.length + 16);
                    for (int j = 0; j < i; j++) {
                        out.append((char) bytes[j]);
                    }
                }
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
            }
        }
        return out == null ? decoded : out.toString();
    }

    private static boolean isPathSafe(int b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
                || "/-._~!$&'()*+,;=:@".indexOf(b) >= 0;
    }
}
