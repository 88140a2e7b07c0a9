package org.fcgibridge.sample;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;

class HelloServletTest {
    @Test
    void greetsTheWorldWithoutAName() throws Exception {
        MockExchange exchange = new MockExchange();
        when(exchange.context.getServerInfo()).thenReturn("test-container/1");

        new HelloServlet().doGet(exchange.request, exchange.response);

        verify(exchange.response).setContentType("text/html;charset=UTF-8");
        assertTrue(exchange.body().contains("<h1>Hello, world!</h1>"), exchange.body());
        assertTrue(exchange.body().contains("(test-container/1)"), exchange.body());
    }

    @Test
    void escapesTheName() throws Exception {
        MockExchange exchange = new MockExchange();
        when(exchange.request.getParameter("name")).thenReturn("<script>alert('x')</script>");
        when(exchange.context.getServerInfo()).thenReturn("test-container/1");

        new HelloServlet().doGet(exchange.request, exchange.response);

        assertFalse(exchange.body().contains("<script>"), exchange.body());
        assertTrue(exchange.body().contains("Hello, &lt;script&gt;"), exchange.body());
    }
}
