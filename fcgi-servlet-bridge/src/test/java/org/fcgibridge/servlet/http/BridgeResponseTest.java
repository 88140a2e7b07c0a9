package org.fcgibridge.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Buffer and commit semantics of the CGI response, on the bytes it writes. */
class BridgeResponseTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private BridgeResponse response(boolean head) {
        return new BridgeResponse(out, head, new BridgeResponse.RedirectBase() {
            @Override
            public String origin() {
                return "https://example.org:8443";
            }

            @Override
            public String requestUri() {
                return "/app/dir/page";
            }
        });
    }

    private String written() {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aResponseThatFitsItsBufferGetsAContentLength() throws Exception {
        BridgeResponse r = response(false);
        r.setContentType("text/plain");
        r.getWriter().print("h\u00e9llo");
        assertEquals("", written(), "nothing leaves before completion");
        r.complete();
        assertEquals("Status: 200 OK\r\nContent-Type: text/plain;charset=iso-8859-1\r\nContent-Length: 5\r\n\r\n"
                + "h\u00e9llo", written());
    }

    @Test
    void flushCommitsAndStreams() throws Exception {
        BridgeResponse r = response(false);
        PrintWriter writer = r.getWriter();
        writer.print("one");
        writer.flush();
        assertTrue(r.isCommitted());
        assertTrue(written().endsWith("\r\n\r\none"), written());
        assertFalse(written().contains("Content-Length"));
        assertThrows(IllegalStateException.class, r::reset);
        assertThrows(IllegalStateException.class, () -> r.sendError(500));
        writer.print(" two");
        r.complete();
        assertTrue(written().endsWith("one two"));
    }

    @Test
    void overflowingTheBufferCommits() throws Exception {
        BridgeResponse r = response(false);
        r.setBufferSize(8);
        r.getOutputStream().write("0123456789".getBytes(StandardCharsets.US_ASCII));
        assertTrue(r.isCommitted());
        assertThrows(IllegalStateException.class, () -> r.setBufferSize(100));
    }

    @Test
    void headWritesNoBodyButCountsIt() throws Exception {
        BridgeResponse r = response(true);
        r.getOutputStream().write("body".getBytes(StandardCharsets.US_ASCII));
        r.complete();
        assertEquals("Status: 200 OK\r\nContent-Length: 4\r\n\r\n", written());
    }

    @Test
    void declaredLengthClosesTheResponseAndExcessIsRefused() throws Exception {
        BridgeResponse r = response(false);
        r.setContentLength(3);
        r.getOutputStream().write("abc".getBytes(StandardCharsets.US_ASCII));
        assertTrue(r.isCommitted(), "closed once the declared length is written");
        assertTrue(written().endsWith("\r\n\r\nabc"));
        BridgeResponse s = response(false);
        s.setContentLength(2);
        assertThrows(IllegalStateException.class, () -> s.getOutputStream().write(new byte[3]));
    }

    @Test
    void writerAndStreamExclude() throws Exception {
        BridgeResponse r = response(false);
        r.getWriter();
        assertThrows(IllegalStateException.class, r::getOutputStream);
        BridgeResponse s = response(false);
        s.getOutputStream();
        assertThrows(IllegalStateException.class, s::getWriter);
    }

    @Test
    void redirectsAreAbsolute() throws Exception {
        BridgeResponse r = response(false);
        assertEquals("https://example.org:8443/app/dir/other", r.absolute("other"));
        assertEquals("https://example.org:8443/app/x", r.absolute("../x"));
        assertEquals("https://example.org:8443/root", r.absolute("/root"));
        assertEquals("https://cdn.example.org/x", r.absolute("//cdn.example.org/x"));
        assertEquals("mailto:a@b.c", r.absolute("mailto:a@b.c"));
        r.getWriter().print("dropped");
        r.sendRedirect("next?a=1");
        r.complete();
        assertTrue(written().startsWith("Status: 302 Found\r\n"), written());
        assertTrue(written().contains("Location: https://example.org:8443/app/dir/next?a=1\r\n"));
        assertFalse(written().contains("dropped"));
    }

    @Test
    void sendErrorResetsTheBufferAndIgnoresLaterOutput() throws Exception {
        BridgeResponse r = response(false);
        r.getWriter().print("gone");
        r.sendError(404, "nope");
        r.getWriter().print("ignored");
        r.setStatus(200);
        assertTrue(r.isErrorSent());
        assertEquals(404, r.getStatus());
        assertEquals("nope", r.getErrorMessage());
    }

    @Test
    void afterSendErrorTheApplicationChangesNothingUntilTheErrorPage() throws Exception {
        BridgeResponse r = response(false);
        PrintWriter writer = r.getWriter();
        r.sendError(410);
        assertTrue(r.isCommitted(), "committed to the application, as in Jetty and Tomcat");
        assertFalse(r.isHeadSent());
        r.addHeader("X-After", "1");
        r.setContentType("text/plain");
        writer.print("ignored");
        writer.flush();
        r.flushBuffer();
        assertEquals("", written(), "nothing leaves before the container renders the error");
        assertThrows(IllegalStateException.class, () -> r.sendError(500));
        assertThrows(IllegalStateException.class, r::resetBuffer);
        r.prepareErrorPage();
        assertFalse(r.isCommitted());
        r.setHeader("X-Page", "error");
        r.complete();
        assertTrue(written().startsWith("Status: 410 Gone\r\n"), written());
        assertFalse(written().contains("X-After") || written().contains("ignored"), written());
        assertTrue(written().contains("X-Page: error\r\n"), written());
    }

    @Test
    void afterSendRedirectTheApplicationChangesNothing() throws Exception {
        BridgeResponse r = response(false);
        r.sendRedirect("/next");
        assertTrue(r.isCommitted());
        r.addIntHeader("header1", 12345);
        r.setStatus(200);
        r.addCookie(new jakarta.servlet.http.Cookie("late", "1"));
        r.getWriter().print("Test FAILED");
        r.addContainerCookie(new jakarta.servlet.http.Cookie("JSESSIONID", "s1"));
        r.complete();
        assertTrue(written().startsWith("Status: 302 Found\r\n"), written());
        assertFalse(written().contains("header1") || written().contains("late=") || written().contains("FAILED"),
                written());
        assertTrue(written().contains("Set-Cookie: JSESSIONID=s1"), "the session's cookie still goes: " + written());
    }

    @Test
    void contentTypeAndEncoding() throws Exception {
        BridgeResponse r = response(false);
        r.setContentType("text/html; charset=UTF-8");
        assertEquals("text/html;charset=utf-8", r.getContentType());
        r.getWriter();
        r.setCharacterEncoding("ISO-8859-1");
        assertEquals("utf-8", r.getCharacterEncoding(), "fixed once the writer exists");
        BridgeResponse s = response(false);
        s.setContentType("application/json");
        assertEquals("application/json", s.getContentType());
        assertEquals("iso-8859-1", s.getCharacterEncoding());
        s.setHeader("Content-Type", "text/csv");
        assertEquals("text/csv", s.getContentType());
        s.setHeader("Content-Length", "7");
        assertEquals("7", s.getHeader("content-length"));
    }

    @Test
    void noBodyStatusesCarryNoContentLength() throws Exception {
        for (int status : new int[] {204, 304, 103}) {
            out.reset();
            BridgeResponse r = response(false);
            r.setStatus(status);
            r.setContentLength(0);
            r.complete();
            assertTrue(written().startsWith("Status: " + status + " "), written());
            assertFalse(written().contains("Content-Length"), written());
        }
    }

    @Test
    void statusAndHopByHopHeadersStayInTheApplication() throws Exception {
        BridgeResponse r = response(false);
        r.setStatus(202);
        r.setHeader("status", "Test PASSED");
        r.setHeader("Transfer-Encoding", "chunked");
        r.setHeader("Connection", "close");
        r.setHeader("X-Kept", "1");
        assertEquals("Test PASSED", r.getHeader("Status"));
        r.complete();
        assertEquals("Status: 202 Accepted\r\nX-Kept: 1\r\n\r\n", written());
    }

    @Test
    void trailersCanBeSetBeforeCommitOnHttp11Only() throws Exception {
        BridgeResponse r = response(false);
        r.setTrailerFields(() -> java.util.Map.of("t", "1"));
        assertEquals(java.util.Map.of("t", "1"), r.getTrailerFields().get());
        r.flushBuffer();
        assertThrows(IllegalStateException.class, () -> r.setTrailerFields(java.util.Map::of));

        BridgeResponse old = response(false);
        old.setProtocol("HTTP/1.0");
        assertThrows(IllegalStateException.class, () -> old.setTrailerFields(java.util.Map::of));
    }
}
