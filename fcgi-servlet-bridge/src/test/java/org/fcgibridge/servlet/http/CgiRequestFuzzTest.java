package org.fcgibridge.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.ProtocolException;
import org.fcgibridge.core.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the request a FastCGI peer's params describe ({@link CgiRequest#from}): whatever the params, the
 * request is refused with a BadRequestException (400) or has a method that is a token, a canonical path, ports in
 * range and a length of -1 or more.
 */
class CgiRequestFuzzTest {
    private static final List<String> NAMES = List.of("REQUEST_METHOD", "REQUEST_URI", "DOCUMENT_URI", "SCRIPT_NAME",
            "PATH_INFO", "QUERY_STRING", "REQUEST_SCHEME", "HTTPS", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT",
            "SERVER_ADDR", "REMOTE_ADDR", "REMOTE_PORT", "REMOTE_USER", "AUTH_TYPE", "CONTENT_TYPE", "CONTENT_LENGTH",
            "HTTP_CONTENT_LENGTH", "HTTP_COOKIE", "HTTP_X_A", "HTTP_", "HTTP__", "SERVER_PROTOCOL");

    static List<Map.Entry<String, String>> params(Fuzz f) {
        return f.list(12, () -> Map.entry(f.bool() ? f.oneOf(NAMES) : f.string(8),
                f.bool() ? f.string(20) : f.oneOf("GET", "POST", "G E T", "", "/", "/a/../b", "/..", "/a?x=1#f",
                        "http://h:1/p?q", "//x", "a", "/%2e%2e/", "/%c3", "-1", "-2", "12", "9223372036854775808",
                        " 7 ", "on", "off", "https", "h:8080", "[::1]:99", "[::1]", "h:", "h:99999", ":", "0", "65535",
                        "65536", "multipart/form-data", "\u00e9", "\r\n")));
    }

    @Test
    void anyParamsMakeAWellFormedRequestOrA400() {
        Fuzz.check(f -> anyParamsMakeAWellFormedRequestOrA400(params(f), f.bool()));
    }

    private void anyParamsMakeAWellFormedRequestOrA400(List<Map.Entry<String, String>> pairs,
                                                       boolean withMethodAndUri) {
        Map<String, String> map = new LinkedHashMap<>();
        if (withMethodAndUri) {
            map.put("REQUEST_METHOD", "GET");
            map.put("REQUEST_URI", "/start");
        }
        pairs.forEach(p -> map.put(p.getKey(), p.getValue()));
        check(Params.of(map));
    }

    /** Params straight from bytes (names in ISO-8859-1, values possibly not UTF-8), as a peer sends them. */
    @Test
    void paramsFromAnyBytesMakeAWellFormedRequestOrA400() {
        Fuzz.check(f -> paramsFromAnyBytesMakeAWellFormedRequestOrA400(f.bytes(200)));
    }

    private void paramsFromAnyBytesMakeAWellFormedRequestOrA400(byte[] bytes) {
        Params params;
        try {
            params = Params.parse(bytes, 0, bytes.length);
        } catch (ProtocolException e) {
            return;
        }
        check(params);
    }

    private static void check(Params params) {
        CgiRequest request;
        try {
            request = CgiRequest.from(params);
        } catch (BadRequestException refused) {
            return;
        }
        assertFalse(request.method().isEmpty());
        assertTrue(request.method().chars().allMatch(c -> c > ' ' && c < 127), request.method());
        assertTrue(request.path().startsWith("/"), request.path());
        assertFalse(("/" + request.path() + "/").contains("/../") || ("/" + request.path() + "/").contains("/./"),
                request.path());
        assertTrue(request.scheme().equals("http") || request.scheme().equals("https"));
        assertTrue(request.serverPort() > 0 && request.serverPort() <= 65535, "server port " + request.serverPort());
        assertTrue(request.localPort() > 0 && request.localPort() <= 65535, "local port " + request.localPort());
        assertTrue(request.remotePort() == -1 || request.remotePort() > 0 && request.remotePort() <= 65535);
        assertTrue(request.contentLength() >= -1);
        assertTrue(request.serverName() != null);
        assertEquals(request.path(), canonical(request.rawPath()), "path and raw path disagree");
    }

    private static String canonical(String raw) {
        try {
            return UriPath.canonicalize(raw);
        } catch (BadRequestException e) {
            throw new AssertionError("a request whose raw path is refused: " + raw, e);
        }
    }
}
