package org.fcgibridge.sample;

import static org.mockito.Mockito.verify;

import org.junit.jupiter.api.Test;

class MovedServletTest {
    @Test
    void redirectsToTheHelloPage() throws Exception {
        MockExchange exchange = new MockExchange();
        new MovedServlet().doGet(exchange.request, exchange.response);
        verify(exchange.response).sendRedirect("hello?name=moved+visitor");
    }
}
