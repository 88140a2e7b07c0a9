package org.fcgibridge.sample;

import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;

import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

class ServedByFilterTest {
    @Test
    void marksTheResponseBeforeTheChainRuns() throws Exception {
        MockExchange exchange = new MockExchange();
        FilterChain chain = mock(FilterChain.class);

        new ServedByFilter().doFilter(exchange.request, exchange.response, chain);

        InOrder order = inOrder(exchange.response, chain);
        order.verify(exchange.response).setHeader("X-Served-By", "war-sample");
        order.verify(chain).doFilter(exchange.request, exchange.response);
    }
}
