package org.fcgibridge.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

class FormServletTest {
    @Test
    void answersWithWhatWasPosted() throws Exception {
        MockExchange exchange = new MockExchange();
        when(exchange.request.getParameter("name")).thenReturn("Zoë");
        when(exchange.request.getParameter("colour")).thenReturn("green");

        new FormServlet().doPost(exchange.request, exchange.response);

        InOrder order = inOrder(exchange.request);
        order.verify(exchange.request).setCharacterEncoding("UTF-8");
        order.verify(exchange.request).getParameter("name");
        assertEquals("Thanks, Zoë; you like green.", exchange.body());
    }

    @Test
    void aMissingNameIsABadRequest() throws Exception {
        MockExchange exchange = new MockExchange();
        when(exchange.request.getParameter("name")).thenReturn(" ");

        new FormServlet().doPost(exchange.request, exchange.response);

        verify(exchange.response).sendError(HttpServletResponse.SC_BAD_REQUEST, "name is required");
        assertTrue(exchange.body().isEmpty());
    }

    @Test
    void getShowsTheForm() throws Exception {
        MockExchange exchange = new MockExchange();
        new FormServlet().doGet(exchange.request, exchange.response);
        assertTrue(exchange.body().contains("<form method=\"post\" action=\"form\">"), exchange.body());
    }
}
