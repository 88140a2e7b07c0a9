package org.fcgibridge.servlet.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.Cookie;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Paths, forms, multipart bodies, cookies and dates. */
class CodecsTest {
    @TempDir
    Path dir;

    @Test
    void pathsAreCanonicalized() throws Exception {
        assertEquals("/a/b", UriPath.canonicalize("/a/./b"));
        assertEquals("/b", UriPath.canonicalize("/a/../b"));
        assertEquals("/a/", UriPath.canonicalize("/a/b/.."));
        assertEquals("/caf\u00e9", UriPath.canonicalize("/caf%C3%A9"));
        assertEquals("/a/b", UriPath.canonicalize("/a;jsessionid=1/b;x=y"));
        assertEquals("/a;b", UriPath.canonicalize("/a%3Bb"));
        assertEquals("/a+b c", UriPath.canonicalize("/a+b%20c"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../x", "/a/%2e%2e/x", "/a/%2F", "/a/%5C", "/a%00", "/a%zz", "/a%C3", "/a//b", "x",
        "/a/..;x/b", "/%2e/x"})
    void suspiciousPathsAreRefused(String raw) {
        assertThrows(BadRequestException.class, () -> UriPath.canonicalize(raw));
    }

    @Test
    void decodedPathsAreEncodedBack() {
        assertEquals("/a%20b/caf%C3%A9", UriPath.encodePath("/a b/caf\u00e9"));
        assertEquals("/plain-._~!$&'()*+,;=:@", UriPath.encodePath("/plain-._~!$&'()*+,;=:@"));
        assertEquals("/100%25", UriPath.encodePath("/100%"));
    }

    @Test
    void formsDecode() {
        Map<String, List<String>> form = FormDecoder.decode("a=1&b=%C3%A9&a=2&c&d=&=e&f=a+b&g=%zz",
                StandardCharsets.UTF_8);
        assertEquals(List.of("1", "2"), form.get("a"));
        assertEquals(List.of("\u00e9"), form.get("b"));
        assertEquals(List.of(""), form.get("c"));
        assertEquals(List.of(""), form.get("d"));
        assertEquals(List.of("e"), form.get(""));
        assertEquals(List.of("a b"), form.get("f"));
        assertEquals(List.of("%zz"), form.get("g"), "a malformed escape stays as it is");
        assertEquals(List.of("caf\u00e9"), FormDecoder.decode("n=caf%E9", StandardCharsets.ISO_8859_1).get("n"));
    }

    @Test
    void multipartBodiesParseAndSpoolPastTheThreshold() throws Exception {
        String boundary = "XyZ";
        byte[] big = new byte[200_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i % 251);
        }
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(("preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhello\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"q\\\"uote.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(big);
        body.writeBytes("\r\n--XyZ--\r\nepilogue".getBytes(StandardCharsets.UTF_8));
        List<MultipartPart> parts = new MultipartParser(new ByteArrayInputStream(body.toByteArray()), boundary, dir,
                -1, -1, 1024, StandardCharsets.UTF_8).parse();
        assertEquals(2, parts.size());
        assertEquals("text", parts.get(0).getName());
        assertTrue(parts.get(0).isFormField());
        assertEquals("hello", parts.get(0).value(StandardCharsets.UTF_8));
        MultipartPart file = parts.get(1);
        assertEquals("q\"uote.bin", file.getSubmittedFileName());
        assertEquals(big.length, file.getSize());
        assertArrayEquals(big, file.getInputStream().readAllBytes());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "the big part went to a temporary file");
        }
        Path target = dir.resolve("copy.bin");
        file.write(target.toString());
        assertArrayEquals(big, Files.readAllBytes(target));
    }

    @Test
    void multipartLimitsAndMalformedBodies() {
        byte[] body = ("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n" + "x".repeat(5000)
                + "\r\n--b--\r\n").getBytes(StandardCharsets.UTF_8);
        assertThrows(IllegalStateException.class, () -> new MultipartParser(new ByteArrayInputStream(body), "b", dir,
                1000, -1, 100, StandardCharsets.UTF_8).parse(), "maxFileSize");
        assertThrows(IllegalStateException.class, () -> new MultipartParser(new ByteArrayInputStream(body), "b", dir,
                -1, 1000, 100, StandardCharsets.UTF_8).parse(), "maxRequestSize");
        byte[] cut = "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nno end".getBytes(StandardCharsets.UTF_8);
        assertThrows(java.io.IOException.class, () -> new MultipartParser(new ByteArrayInputStream(cut), "b", dir,
                -1, -1, 100, StandardCharsets.UTF_8).parse());
        assertEquals("abc", MultipartParser.boundaryOf("multipart/form-data; boundary=\"abc\""));
        assertNull(MultipartParser.boundaryOf("multipart/form-data"));
    }

    @Test
    void cookiesParseAndFormat() {
        List<Cookie> cookies = Cookies.parse("a=1; b=\"two words\"; $Version=1; bad; c=");
        assertEquals(3, cookies.size());
        assertEquals("two words", cookies.get(1).getValue());
        assertEquals("", cookies.get(2).getValue());
        Cookie cookie = new Cookie("s", "v");
        cookie.setPath("/p");
        cookie.setHttpOnly(true);
        cookie.setSecure(true);
        cookie.setAttribute("SameSite", "Lax");
        assertEquals("s=v; Path=/p; Secure; HttpOnly; SameSite=Lax", Cookies.format(cookie));
        Cookie gone = new Cookie("g", "");
        gone.setMaxAge(0);
        assertEquals("g=; Expires=Thu, 01 Jan 1970 00:00:00 GMT", Cookies.format(gone));
        Cookie injected = new Cookie("i", "x");
        injected.setPath("/\r\nSet-Cookie: evil=1");
        assertThrows(IllegalArgumentException.class, () -> Cookies.format(injected));
    }

    @Test
    void datesInEveryFormat() {
        long expected = 784111777000L;
        assertEquals(expected, HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT"));
        assertEquals(expected, HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT"));
        assertEquals(expected, HttpDates.parse("Sun Nov  6 08:49:37 1994"));
        assertEquals(expected, HttpDates.parse("Mon, 06 Nov 1994 08:49:37 GMT"), "a wrong weekday is ignored");
        assertEquals(expected, HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT; length=1"));
        assertEquals(-1, HttpDates.parse("yesterday"));
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(expected));
    }

    @Test
    void contentTypes() {
        assertEquals("utf-8", ContentTypes.charsetOf("text/html; charset=\"utf-8\""));
        assertEquals("text/html", ContentTypes.withoutCharset("text/html;charset=UTF-8"));
        assertEquals("multipart/x; boundary=a", ContentTypes.withoutCharset("multipart/x; boundary=a"));
        assertEquals("text/plain", ContentTypes.mimeOf("Text/Plain; charset=x"));
    }

    @Test
    void responseHeadersRefuseSplitting() {
        ResponseHeaders headers = new ResponseHeaders();
        assertThrows(IllegalArgumentException.class, () -> headers.set("X", "a\r\nB: c"));
        assertThrows(IllegalArgumentException.class, () -> headers.add("X\nY", "v"));
        assertThrows(IllegalArgumentException.class, () -> headers.set("X: Y", "v"));
        headers.add("A", "1");
        headers.add("b", "2");
        headers.add("a", "3");
        headers.set("A", "4");
        assertEquals(List.of("4"), headers.getAll("a"));
        assertEquals(List.of("A", "b"), List.copyOf(headers.names()));
    }
}
