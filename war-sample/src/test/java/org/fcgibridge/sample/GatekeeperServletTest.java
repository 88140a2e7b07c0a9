package org.fcgibridge.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

class GatekeeperServletTest {
    @Test
    void refusesAWrongKey() throws Exception {
        MockExchange exchange = new MockExchange();
        when(exchange.request.getHeader("X-Api-Key")).thenReturn("guess");

        new GatekeeperServlet().service(exchange.request, exchange.response);

        verify(exchange.response).sendError(HttpServletResponse.SC_FORBIDDEN, "a valid X-Api-Key header is needed");
        verify(exchange.response, never()).setHeader(anyString(), anyString());
    }

    @Test
    void asAnAuthorizerAllowsWithAVariable() throws Exception {
        MockExchange exchange = new MockExchange();
        when(exchange.request.getHeader("X-Api-Key")).thenReturn("open-sesame");
        when(exchange.request.getAttribute("org.fcgibridge.fcgi.role")).thenReturn("AUTHORIZER");

        new GatekeeperServlet().service(exchange.request, exchange.response);

        verify(exchange.response).setHeader("Variable-API_CLIENT", "sample-client");
        verify(exchange.response, never()).sendError(org.mockito.ArgumentMatchers.anyInt(), anyString());
        assertEquals("", exchange.body());
    }

    @Test
    void asAResponderServesThePage() throws Exception {
        MockExchange exchange = new MockExchange();
        when(exchange.request.getHeader("X-Api-Key")).thenReturn("open-sesame");
        when(exchange.request.getAttribute("org.fcgibridge.fcgi.role")).thenReturn("RESPONDER");

        new GatekeeperServlet().service(exchange.request, exchange.response);

        assertEquals("private page for sample-client", exchange.body());
    }
}
