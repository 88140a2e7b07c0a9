package org.fcgibridge.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fcgibridge.core.protocol.Params;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The params of each web server, as fastcgi-facts.md describes them, mapped to one request model. */
class CgiRequestTest {

    private static Map<String, String> base() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("REQUEST_METHOD", "GET");
        p.put("SERVER_PROTOCOL", "HTTP/1.1");
        p.put("REMOTE_ADDR", "192.0.2.7");
        p.put("REMOTE_PORT", "51234");
        p.put("SERVER_ADDR", "192.0.2.1");
        p.put("SERVER_PORT", "80");
        p.put("SERVER_NAME", "www.example.org");
        return p;
    }

    private static CgiRequest map(Map<String, String> params) throws BadRequestException {
        return CgiRequest.from(Params.of(params));
    }

    @Test
    void nginxSendsTheRawRequestUriAndTheDecodedDocumentUri() throws Exception {
        Map<String, String> p = base();
        p.put("REQUEST_URI", "/app/caf%C3%A9/x?q=%C3%A9");
        p.put("DOCUMENT_URI", "/app/caf\u00e9/x");
        p.put("QUERY_STRING", "q=%C3%A9");
        p.put("CONTENT_TYPE", "");
        p.put("CONTENT_LENGTH", "");
        p.put("HTTP_HOST", "www.example.org");
        p.put("HTTP_ACCEPT_LANGUAGE", "de");
        CgiRequest r = map(p);
        assertEquals("/app/caf%C3%A9/x", r.rawPath());
        assertEquals("/app/caf\u00e9/x", r.path());
        assertEquals("q=%C3%A9", r.queryString());
        assertNull(r.contentType(), "empty CONTENT_TYPE is absent");
        assertEquals(-1, r.contentLength(), "empty CONTENT_LENGTH is absent");
        assertEquals("de", r.headers().get("accept-language"));
        assertEquals("Accept-Language", r.headers().names().get(1));
        assertEquals("www.example.org", r.serverName());
        assertEquals(80, r.serverPort());
    }

    @Test
    void apacheUnderProxyPassSendsNoPathInfoAndAPrefixedScriptFilename() throws Exception {
        Map<String, String> p = base();
        p.put("SCRIPT_FILENAME", "proxy:fcgi://127.0.0.1:9000/app/items/7");
        p.put("SCRIPT_NAME", "/app/items/7");
        p.put("REQUEST_URI", "/app/items/7?x=1");
        p.put("QUERY_STRING", "x=1");
        p.put("HTTP_HOST", "www.example.org:8080");
        CgiRequest r = map(p);
        assertEquals("/app/items/7", r.path());
        assertEquals(8080, r.serverPort(), "the Host header's port");
    }

    @Test
    void withoutRequestUriTheDocumentUriOrScriptNameAndPathInfoServe() throws Exception {
        Map<String, String> p = base();
        p.put("DOCUMENT_URI", "/a b/c");
        assertEquals("/a%20b/c", map(p).rawPath());
        p.remove("DOCUMENT_URI");
        p.put("SCRIPT_NAME", "/servlet");
        p.put("PATH_INFO", "/x y");
        CgiRequest r = map(p);
        assertEquals("/servlet/x%20y", r.rawPath());
        assertEquals("/servlet/x y", r.path());
        assertNull(r.queryString());
    }

    @Test
    void caddySendsNoContentLengthForAChunkedBody() throws Exception {
        Map<String, String> p = base();
        p.put("REQUEST_METHOD", "POST");
        p.put("REQUEST_URI", "/upload");
        p.put("CONTENT_TYPE", "application/octet-stream");
        CgiRequest r = map(p);
        assertEquals(-1, r.contentLength(), "the body runs to the end of STDIN");
        assertEquals("application/octet-stream", r.headers().get("Content-Type"));
    }

    @Test
    void contentTypeAndLengthComeWithoutThePrefixAndWin() throws Exception {
        Map<String, String> p = base();
        p.put("REQUEST_METHOD", "POST");
        p.put("REQUEST_URI", "/f");
        p.put("HTTP_CONTENT_TYPE", "text/evil");
        p.put("CONTENT_TYPE", "application/x-www-form-urlencoded");
        p.put("CONTENT_LENGTH", "12");
        CgiRequest r = map(p);
        assertEquals("application/x-www-form-urlencoded", r.headers().get("content-type"));
        assertEquals("12", r.headers().get("Content-Length"));
        assertEquals(12, r.contentLength());
    }

    @ParameterizedTest
    @CsvSource({"on,https", "ON,https", "1,https", "off,http", "'',http", "OFF,http"})
    void httpsVariants(String https, String scheme) throws Exception {
        Map<String, String> p = base();
        p.put("REQUEST_URI", "/");
        p.put("HTTPS", https);
        CgiRequest r = map(p);
        assertEquals(scheme, r.scheme());
        assertEquals(scheme.equals("https"), r.secure());
    }

    @Test
    void requestSchemeWins() throws Exception {
        Map<String, String> p = base();
        p.put("REQUEST_URI", "/");
        p.put("REQUEST_SCHEME", "https");
        assertTrue(map(p).secure());
        p.put("HTTPS", "on");
        p.put("REQUEST_SCHEME", "http");
        assertFalse(map(p).secure());
    }

    @Test
    void hostWithoutPortTakesTheServerPortAndIpv6HostsParse() throws Exception {
        Map<String, String> p = base();
        p.put("REQUEST_URI", "/");
        p.put("SERVER_PORT", "8443");
        p.put("HTTP_HOST", "example.org");
        assertEquals(8443, map(p).serverPort(), "Debian's nginx passes $host, without the port");
        p.put("HTTP_HOST", "[2001:db8::1]:9443");
        CgiRequest r = map(p);
        assertEquals("[2001:db8::1]", r.serverName());
        assertEquals(9443, r.serverPort());
    }

    @Test
    void headerValuesAreLatin1Octets() throws Exception {
        Map<String, String> p = base();
        p.put("REQUEST_URI", "/");
        p.put("HTTP_X_NAME", "caf\u00e9");
        assertEquals("caf\u00c3\u00a9", map(p).headers().get("X-Name"), "UTF-8 bytes read as ISO-8859-1");
    }

    @Test
    void authenticationByTheWebServer() throws Exception {
        Map<String, String> p = base();
        p.put("REQUEST_URI", "/");
        p.put("REMOTE_USER", "alice");
        p.put("AUTH_TYPE", "Basic");
        CgiRequest r = map(p);
        assertEquals("alice", r.remoteUser());
        assertEquals("Basic", r.authType());
    }

    @Test
    void badRequestsAreRefused() {
        Map<String, String> noMethod = base();
        noMethod.remove("REQUEST_METHOD");
        noMethod.put("REQUEST_URI", "/");
        assertThrows(BadRequestException.class, () -> map(noMethod));
        Map<String, String> noPath = base();
        assertThrows(BadRequestException.class, () -> map(noPath));
        Map<String, String> badLength = base();
        badLength.put("REQUEST_URI", "/");
        badLength.put("CONTENT_LENGTH", "twelve");
        assertThrows(BadRequestException.class, () -> map(badLength));
        Map<String, String> negativeLength = base();
        negativeLength.put("REQUEST_URI", "/");
        negativeLength.put("CONTENT_LENGTH", "-2");
        assertThrows(BadRequestException.class, () -> map(negativeLength));
        Map<String, String> badMethod = base();
        badMethod.put("REQUEST_METHOD", "GE T");
        badMethod.put("REQUEST_URI", "/");
        assertThrows(BadRequestException.class, () -> map(badMethod));
    }

    @Test
    void caddysMinusOneIsAChunkedBodyOfUnknownLength() throws Exception {
        Map<String, String> p = base();
        p.put("REQUEST_METHOD", "POST");
        p.put("REQUEST_URI", "/api");
        p.put("CONTENT_LENGTH", "-1");
        CgiRequest r = map(p);
        assertEquals(-1, r.contentLength());
        assertNull(r.headers().get("content-length"));
    }

    @Test
    void headerNamesAreRebuilt() {
        assertEquals("User-Agent", HttpHeaders.nameOf("HTTP_USER_AGENT"));
        assertEquals("X-Forwarded-For", HttpHeaders.nameOf("HTTP_X_FORWARDED_FOR"));
        assertEquals("DNT", HttpHeaders.nameOf("HTTP_DNT"));
        assertEquals("WWW-Authenticate", HttpHeaders.nameOf("HTTP_WWW_AUTHENTICATE"));
    }

    @Test
    void aHeaderPassedAsTwoParamsKeepsBothValuesInOrder() throws Exception {
        Map<String, String> p = base();
        p.put("REQUEST_URI", "/");
        byte[] encoded = new org.fcgibridge.core.protocol.NameValueWriter().addAll(p).add("HTTP_X_A", "1")
                .add("HTTP_ACCEPT", "*/*").add("HTTP_X_A", "2").toByteArray();
        CgiRequest r = CgiRequest.from(Params.parse(encoded, 0, encoded.length));
        assertEquals(java.util.List.of("1", "2"), r.headers().all("x-a"));
        assertEquals("1", r.headers().get("X-A"), "the first value, as getHeader answers");
        assertEquals(java.util.List.of("X-A", "Accept"), r.headers().names());
        assertEquals(java.util.List.of("*/*"), r.headers().all("Accept"));
        assertEquals(java.util.List.of(), r.headers().all("X-B"));
    }

    @Test
    void aHostSetTwiceByTheConfigurationIsItsLastValue() throws Exception {
        Map<String, String> p = base();
        p.put("REQUEST_URI", "/");
        p.put("HTTP_HOST", "example.com");
        // Debian's fastcgi_params sets HTTP_HOST $host; a fastcgi_param HTTP_HOST $http_host after it adds the port
        byte[] encoded = new org.fcgibridge.core.protocol.NameValueWriter().addAll(p).add("HTTP_ACCEPT", "*/*")
                .add("HTTP_HOST", "example.com:8080").toByteArray();
        CgiRequest r = CgiRequest.from(Params.parse(encoded, 0, encoded.length));
        assertEquals(java.util.List.of("example.com:8080"), r.headers().all("Host"));
        assertEquals(java.util.List.of("Host", "Accept"), r.headers().names());
        assertEquals(8080, r.serverPort());
    }

    @Test
    void theOriginIsDefinedOnceAndAnUnmappableRequestHasTheSame() throws Exception {
        Map<String, String> p = base();
        p.put("REQUEST_URI", "/x");
        assertEquals("http://www.example.org", map(p).origin(), "SERVER_NAME, the default port left out");
        p.put("HTTP_HOST", "[2001:db8::1]:8443");
        p.put("HTTPS", "on");
        assertEquals("https://[2001:db8::1]:8443", map(p).origin());
        p.put("HTTP_HOST", "shop.example:443");
        assertEquals("https://shop.example", map(p).origin());
        p.put("HTTP_HOST", "shop.example");
        p.put("SERVER_PORT", "8443");
        assertEquals("https://shop.example:8443", map(p).origin(), "Debian's $host: the port nginx took it on");
        Map<String, String> noMethod = new LinkedHashMap<>(p);
        noMethod.remove("REQUEST_METHOD"); // answered 400, whose page names the same origin
        assertEquals(map(p).origin(), CgiRequest.origin(Params.of(noMethod)));
        assertEquals("http://[::1]", CgiRequest.origin(Params.of(Map.of("SERVER_ADDR", "::1"))));
        assertEquals("http://localhost:8080", CgiRequest.origin("http", "localhost", 8080));
        assertEquals("http://localhost", CgiRequest.origin("http", "localhost", -1));
    }

    @Test
    void thePathIsTheClientsRequestUriEvenWhenTheWebServerRewroteDocumentUri() throws Exception {
        Map<String, String> p = base();
        p.put("REQUEST_URI", "/app/products/7?x=1");
        p.put("DOCUMENT_URI", "/app/index.html"); // nginx after try_files $uri /app/index.html
        CgiRequest r = map(p);
        assertEquals("/app/products/7", r.rawPath());
        assertEquals("/app/products/7", r.path());
    }
}
