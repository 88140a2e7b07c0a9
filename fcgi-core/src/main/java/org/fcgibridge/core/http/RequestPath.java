package org.fcgibridge.core.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.fcgibridge.core.protocol.Params;

/**
 * The one definition of a FastCGI request's path, which every user of it shares (the servlet engines map it, a
 * {@code PrefixRouter} routes by it, a mounted CGI directory resolves scripts by it).
 *
 * <p>The path is the client's: REQUEST_URI, raw, without its query and fragment. A servlet container maps the path
 * the client asked for (Servlet 6.0 section 3.5), and a router in front of it must see the same path, or a request
 * could reach a runner that the container would not have chosen. DOCUMENT_URI is the web server's: nginx sends it
 * decoded, and rewritten by {@code try_files}, {@code index} or {@code rewrite}; it is used only when there is no
 * REQUEST_URI, and then SCRIPT_NAME + PATH_INFO (libfcgi's cgi-fcgi sends only those). Both of those arrive decoded
 * and are percent-encoded again, so that {@link #raw} is always a raw path.
 *
 * <p>{@link #canonicalize} decodes it as Servlet 6.0 section 3.5.2 asks (path parameters removed, percent-decoding
 * as UTF-8, dot segments resolved), refusing the suspicious sequences that section lists.
 */
public final class RequestPath {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private RequestPath() {
    }

    /**
     * The request's path as the client sent it (percent-encoded, beginning with '/' unless the client's did not),
     * without query or fragment; null when the params name no path at all.
     */
    public static String raw(Params params) {
        String requestUri = params.get("REQUEST_URI", "");
        if (!requestUri.isEmpty()) {
            int query = requestUri.indexOf('?');
            String path = query >= 0 ? requestUri.substring(0, query) : requestUri;
            int fragment = path.indexOf('#');
            if (fragment >= 0) {
                path = path.substring(0, fragment);
            }
            if (!path.startsWith("/")) {
                // the absolute form, http://host/path, which a proxy request carries
                int scheme = path.indexOf("://");
                int slash = scheme < 0 ? -1 : path.indexOf('/', scheme + 3);
                path = slash < 0 ? "/" : path.substring(slash);
            }
            return path;
        }
        String documentUri = params.get("DOCUMENT_URI", "");
        if (!documentUri.isEmpty()) {
            return encode(documentUri);
        }
        String joined = params.get("SCRIPT_NAME", "") + params.get("PATH_INFO", "");
        if (joined.isEmpty()) {
            return null;
        }
        return encode(joined.startsWith("/") ? joined : "/" + joined);
    }

    /**
     * The request's path, decoded and canonical: {@code canonicalize(raw(params))}.
     *
     * @throws MalformedPathException if the params name no path, or it is malformed
     */
    public static String of(Params params) throws MalformedPathException {
        String raw = raw(params);
        if (raw == null) {
            throw new MalformedPathException("no request path (REQUEST_URI, DOCUMENT_URI or SCRIPT_NAME)");
        }
        return canonicalize(raw);
    }

    /**
     * The decoded, canonical form of a raw request path.
     *
     * @throws MalformedPathException for an encoded '/' or '\' or NUL, a control character, invalid percent-encoding or
     *                             UTF-8, an encoded or parameterised dot segment, or a ".." above the root
     */
    public static String canonicalize(String rawPath) throws MalformedPathException {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw new MalformedPathException("the request path does not start with /");
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
                throw new MalformedPathException("Ambiguous URI empty segment");
            }
            if (decoded.equals(".") || decoded.equals("..")) {
                if (encoded || hadParameter) {
                    throw new MalformedPathException("Ambiguous URI path segment");
                }
                if (decoded.equals("..")) {
                    if (out.isEmpty()) {
                        throw new MalformedPathException("the request path climbs above the root");
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

    private static String decodeSegment(String segment) throws MalformedPathException {
        if (segment.indexOf('%') < 0) {
            checkChars(segment);
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    throw new MalformedPathException("bad percent-encoding in the request path");
                }
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new MalformedPathException("bad percent-encoding in the request path");
                }
                int b = hi << 4 | lo;
                if (b == '/' || b == '\\' || b == 0) {
                    throw new MalformedPathException(b == '/' ? "Ambiguous URI path separator"
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
            throw new MalformedPathException("the request path is not UTF-8");
        }
        checkChars(decoded);
        return decoded;
    }

    private static void checkChars(String segment) throws MalformedPathException {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw new MalformedPathException("a control character in the request path");
            }
        }
    }

    /** Percent-encodes a decoded path for use as a raw URI path: '/' and unreserved characters stay. */
    public static String encode(String decoded) {
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
