package org.fcgibridge.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

class DownloadServletTest {
    @Test
    void streamsExactlyTheRequestedPattern() throws Exception {
        MockExchange exchange = new MockExchange();
        int size = 200_000; // more than one 64 KiB chunk, not a multiple of it
        when(exchange.request.getParameter("size")).thenReturn(Integer.toString(size));

        new DownloadServlet().doGet(exchange.request, exchange.response);

        verify(exchange.response).setContentLengthLong(size);
        verify(exchange.response).setContentType("application/octet-stream");
        byte[] body = exchange.bytes();
        assertEquals(size, body.length);
        for (int i = 0; i < size; i++) {
            if (body[i] != DownloadServlet.byteAt(i)) {
                throw new AssertionError("byte " + i + " is " + body[i]);
            }
        }
    }

    @Test
    void rejectsABadSize() throws Exception {
        for (String bad : new String[] {"lots", "-1", "99999999999999"}) {
            MockExchange exchange = new MockExchange();
            when(exchange.request.getParameter("size")).thenReturn(bad);

            new DownloadServlet().doGet(exchange.request, exchange.response);

            verify(exchange.response).sendError(org.mockito.ArgumentMatchers.eq(HttpServletResponse.SC_BAD_REQUEST),
                    anyString());
            verify(exchange.response, never()).getOutputStream();
        }
    }
}
