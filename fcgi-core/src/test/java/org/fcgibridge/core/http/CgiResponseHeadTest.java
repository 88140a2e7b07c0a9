package org.fcgibridge.core.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.fcgibridge.core.runner.CgiResponses;
import org.junit.jupiter.api.Test;

class CgiResponseHeadTest {
    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void writesStatusFieldsAndBlankLineInOneWrite() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        int[] writes = {0};
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("byte by byte");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes[0]++;
                sink.write(b, off, len);
            }
        };
        new CgiResponseHead().status(200).field("Content-Type", "text/html;charset=utf-8")
                .field("Content-Length", 1234567890123L).field("X-Empty", null).writeTo(out);
        assertEquals("Status: 200 OK\r\nContent-Type: text/html;charset=utf-8\r\nContent-Length: 1234567890123\r\n"
                + "X-Empty: \r\n\r\n", sink.toString(StandardCharsets.ISO_8859_1));
        assertEquals(1, writes[0]);
    }

    @Test
    void reasonPhrasesComeFromTheOneTable() {
        assertEquals("Status: 500 Internal Server Error\r\n\r\n",
                text(new CgiResponseHead().status(500).toByteArray()));
        assertEquals("Status: 413 Content Too Large\r\n\r\n", text(new CgiResponseHead().status(413).toByteArray()));
        assertEquals("Status: 203 Non-Authoritative Information\r\n\r\n",
                text(new CgiResponseHead().status(203).toByteArray()));
        for (int status : new int[] {0, 99, 299, 599, 600, 1000, -1}) {
            assertEquals("Status: " + status + " Status " + status + "\r\n\r\n",
                    text(new CgiResponseHead().status(status).toByteArray()));
        }
    }

    @Test
    void statusComesFirst() {
        CgiResponseHead head = new CgiResponseHead().status(200);
        assertThrows(IllegalStateException.class, () -> head.status(404));
    }

    @Test
    void encodesAsIso88591AsStringGetBytesDoes() {
        String value = "caf\u00e9 \u20ac \ud83d\ude00 \ud800";
        byte[] head = new CgiResponseHead().status(200).field("X-V", value).toByteArray();
        assertArrayEquals(("Status: 200 OK\r\nX-V: " + value + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1),
                head);
    }

    @Test
    void growsPastItsFirstArray() {
        String big = "v".repeat(70_000);
        byte[] head = new CgiResponseHead().status(200).field("X-Big", big).field("X-N", 7).toByteArray();
        assertEquals("Status: 200 OK\r\nX-Big: " + big + "\r\nX-N: 7\r\n\r\n", text(head));
    }

    @Test
    void refusesWhatWouldSplitTheHead() {
        CgiResponseHead head = new CgiResponseHead().status(200);
        assertThrows(IllegalArgumentException.class, () -> head.field("X", "a\r\nSet-Cookie: x=y"));
        assertThrows(IllegalArgumentException.class, () -> head.field("X", "a\nb"));
        assertThrows(IllegalArgumentException.class, () -> head.field("X", "a\0b"));
        assertThrows(IllegalArgumentException.class, () -> head.field("X Y", "v"));
        assertThrows(IllegalArgumentException.class, () -> head.field("X:Y", "v"));
        assertThrows(IllegalArgumentException.class, () -> head.field("", "v"));
        assertThrows(IllegalArgumentException.class, () -> head.field(null, 1));
        assertEquals("Status: 200 OK\r\n\r\n", text(head.toByteArray()), "nothing of a refused field is written");
    }

    @Test
    void hopByHopHeadersAndStatusAreNotSent() {
        for (String name : new String[] {"Status", "connection", "Keep-Alive", "TRANSFER-ENCODING", "Upgrade",
                "Proxy-Connection", "TE", "Trailer"}) {
            assertFalse(CgiResponseHead.isSent(name), name);
        }
        for (String name : new String[] {"Content-Type", "X-Status", "Trailers", "Location", "Set-Cookie", "ETag"}) {
            assertTrue(CgiResponseHead.isSent(name), name);
        }
    }

    @Test
    void noBodyStatuses() {
        for (int status : new int[] {100, 101, 199, 204, 304}) {
            assertTrue(CgiResponseHead.hasNoBody(status), Integer.toString(status));
        }
        for (int status : new int[] {200, 205, 302, 404, 500}) {
            assertFalse(CgiResponseHead.hasNoBody(status), Integer.toString(status));
        }
    }

    @Test
    void cannedResponsesKeepTheirBytes() {
        assertEquals("Status: 504 Gateway Timeout\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 54"
                + "\r\n\r\nThe application did not answer within its time limit.\n",
                new String(CgiResponses.gatewayTimeout(), StandardCharsets.UTF_8));
        assertEquals("Status: 413 Content Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5"
                + "\r\n\r\nn\u00e9e\n", new String(CgiResponses.response(413, "n\u00e9e"), StandardCharsets.UTF_8));
    }
}
