package org.fcgibridge.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.when;

import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;

class ErrorPageServletTest {
    @Test
    void showsTheStatusThePathAndTheEscapedFailure() throws Exception {
        MockExchange exchange = new MockExchange();
        when(exchange.request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE)).thenReturn(500);
        when(exchange.request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI)).thenReturn("/boom");
        when(exchange.request.getAttribute(RequestDispatcher.ERROR_EXCEPTION))
                .thenReturn(new IllegalStateException("<b>bad</b>"));

        new ErrorPageServlet().service(exchange.request, exchange.response);

        assertEquals("<!DOCTYPE html><html><body><h1>Sorry: 500</h1><p>/boom failed: &lt;b&gt;bad&lt;/b&gt;</p>"
                + "</body></html>", exchange.body());
    }
}
