package org.fcgibridge.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpSession;
import org.junit.jupiter.api.Test;

class CounterServletTest {
    @Test
    void countsTheVisitsOfASession() throws Exception {
        MockExchange exchange = new MockExchange();
        HttpSession session = mock(HttpSession.class);
        when(exchange.request.getSession()).thenReturn(session);
        when(session.getAttribute("count")).thenReturn(41);

        new CounterServlet().doGet(exchange.request, exchange.response);

        verify(session).setAttribute("count", 42);
        assertEquals("visits: 42", exchange.body());
    }

    @Test
    void theFirstVisitIsOne() throws Exception {
        MockExchange exchange = new MockExchange();
        HttpSession session = mock(HttpSession.class);
        when(exchange.request.getSession()).thenReturn(session);

        new CounterServlet().doGet(exchange.request, exchange.response);

        verify(session).setAttribute("count", 1);
        assertEquals("visits: 1", exchange.body());
    }

    @Test
    void resetInvalidatesTheSessionWithoutMakingOne() throws Exception {
        MockExchange exchange = new MockExchange();
        HttpSession session = mock(HttpSession.class);
        when(exchange.request.getParameter("reset")).thenReturn("");
        when(exchange.request.getSession(false)).thenReturn(session);

        new CounterServlet().doGet(exchange.request, exchange.response);

        verify(session).invalidate();
        verify(exchange.request, never()).getSession();
        assertEquals("reset", exchange.body());
    }
}
