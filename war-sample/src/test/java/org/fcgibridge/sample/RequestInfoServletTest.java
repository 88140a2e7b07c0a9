package org.fcgibridge.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestInfoServletTest {
    @Test
    void describesTheRequestAsJson() throws Exception {
        MockExchange exchange = new MockExchange();
        when(exchange.request.getMethod()).thenReturn("GET");
        when(exchange.request.getRequestURI()).thenReturn("/info/caf%C3%A9");
        when(exchange.request.getRequestURL()).thenReturn(new StringBuffer("http://example.test/info/caf%C3%A9"));
        when(exchange.request.getContextPath()).thenReturn("");
        when(exchange.request.getServletPath()).thenReturn("/info");
        when(exchange.request.getPathInfo()).thenReturn("/café");
        when(exchange.request.getQueryString()).thenReturn("a=1&a=2");
        when(exchange.request.getParameterMap()).thenReturn(Map.of("a", new String[] {"1", "2"}));
        when(exchange.request.getScheme()).thenReturn("http");
        when(exchange.request.getServerName()).thenReturn("example.test");
        when(exchange.request.getServerPort()).thenReturn(80);
        when(exchange.request.getRemoteAddr()).thenReturn("192.0.2.1");
        when(exchange.request.getContentLengthLong()).thenReturn(-1L);

        new RequestInfoServlet().service(exchange.request, exchange.response);

        verify(exchange.request).setCharacterEncoding("UTF-8");
        verify(exchange.response).setContentType("application/json");
        assertEquals("{\"method\":\"GET\",\"requestURI\":\"/info/caf%C3%A9\","
                + "\"requestURL\":\"http://example.test/info/caf%C3%A9\",\"contextPath\":\"\",\"servletPath\":\"/info\","
                + "\"pathInfo\":\"/café\",\"queryString\":\"a=1&a=2\",\"parameters\":{\"a\":\"1,2\"},\"scheme\":\"http\","
                + "\"secure\":false,\"serverName\":\"example.test\",\"serverPort\":80,\"remoteAddr\":\"192.0.2.1\","
                + "\"contentType\":null,\"contentLength\":-1}", exchange.body());
    }
}
