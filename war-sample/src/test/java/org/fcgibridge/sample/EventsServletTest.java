package org.fcgibridge.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.AsyncContext;
import org.junit.jupiter.api.Test;

class EventsServletTest {
    @Test
    void sendsTheEventsAsynchronouslyThenCompletes() throws Exception {
        MockExchange exchange = new MockExchange();
        AsyncContext async = mock(AsyncContext.class);
        when(exchange.request.getParameter("count")).thenReturn("3");
        when(exchange.request.startAsync()).thenReturn(async);
        when(async.getResponse()).thenReturn(exchange.response);
        EventsServlet servlet = new EventsServlet();
        servlet.init();
        try {
            servlet.doGet(exchange.request, exchange.response);

            verify(async, timeout(5_000)).complete();
            verify(exchange.response).setContentType("text/event-stream");
            verify(exchange.response, org.mockito.Mockito.atLeast(4)).flushBuffer();
            assertEquals("id: 1\ndata: tick 1\n\nid: 2\ndata: tick 2\n\nid: 3\ndata: tick 3\n\n", exchange.body());
        } finally {
            servlet.destroy();
        }
    }
}
