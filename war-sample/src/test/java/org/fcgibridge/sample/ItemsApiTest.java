package org.fcgibridge.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ItemsApiTest {
    private final ItemStore store = new ItemStore();
    private final ItemsApi api = new ItemsApi();
    private MockExchange exchange;

    @BeforeEach
    void setUp() throws IOException {
        store.add("teapot", 1);
        exchange = new MockExchange();
        when(exchange.context.getAttribute(ItemStore.ATTRIBUTE)).thenReturn(store);
    }

    @Test
    void listsTheItems() throws Exception {
        call("GET", exchange);

        verify(exchange.response).setStatus(HttpServletResponse.SC_OK);
        verify(exchange.response).setContentType("application/json");
        assertEquals("[{\"id\":1,\"name\":\"teapot\",\"quantity\":1}]", exchange.body());
    }

    @Test
    void getsOneItemOrAnswers404() throws Exception {
        when(exchange.request.getPathInfo()).thenReturn("/1");
        call("GET", exchange);
        assertEquals("{\"id\":1,\"name\":\"teapot\",\"quantity\":1}", exchange.body());

        MockExchange missing = withStore(new MockExchange());
        when(missing.request.getPathInfo()).thenReturn("/42");
        call("GET", missing);
        verify(missing.response).setStatus(HttpServletResponse.SC_NOT_FOUND);
        assertEquals("{\"error\":\"no item 42\"}", missing.body());
    }

    @Test
    void aMalformedIdIsABadRequest() throws Exception {
        when(exchange.request.getPathInfo()).thenReturn("/abc");
        call("GET", exchange);
        verify(exchange.response).setStatus(HttpServletResponse.SC_BAD_REQUEST);
    }

    @Test
    void postCreatesAnItemWithItsLocation() throws Exception {
        json(exchange, "{\"name\": \"cup\", \"quantity\": 6}");
        when(exchange.request.getRequestURL()).thenReturn(new StringBuffer("http://example.test/api/items"));

        call("POST", exchange);

        verify(exchange.response).setStatus(HttpServletResponse.SC_CREATED);
        verify(exchange.response).setHeader("Location", "http://example.test/api/items/2");
        assertEquals("{\"id\":2,\"name\":\"cup\",\"quantity\":6}", exchange.body());
        assertEquals(new Item(2, "cup", 6), store.get(2));
    }

    @Test
    void postWantsJson() throws Exception {
        when(exchange.request.getContentType()).thenReturn("text/plain");
        call("POST", exchange);
        verify(exchange.response).setStatus(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE);
        assertEquals(1, store.all().size());
    }

    @Test
    void postRejectsABrokenItem() throws Exception {
        json(exchange, "{\"name\": \"cup\", \"quantity\": \"many\"}");
        call("POST", exchange);
        verify(exchange.response).setStatus(HttpServletResponse.SC_BAD_REQUEST);
        verify(exchange.response, never()).setHeader(org.mockito.ArgumentMatchers.eq("Location"),
                org.mockito.ArgumentMatchers.anyString());
        assertEquals(1, store.all().size());
    }

    @Test
    void putReplacesAndDeleteRemoves() throws Exception {
        when(exchange.request.getPathInfo()).thenReturn("/1");
        json(exchange, "{\"name\":\"kettle\",\"quantity\":2}");
        call("PUT", exchange);
        verify(exchange.response).setStatus(HttpServletResponse.SC_OK);
        assertEquals(new Item(1, "kettle", 2), store.get(1));

        MockExchange delete = withStore(new MockExchange());
        when(delete.request.getPathInfo()).thenReturn("/1");
        call("DELETE", delete);
        verify(delete.response).setStatus(HttpServletResponse.SC_NO_CONTENT);
        assertNull(store.get(1));
        assertTrue(delete.body().isEmpty());
    }

    @Test
    void putAndDeleteNeedAnId() throws Exception {
        call("DELETE", exchange);
        verify(exchange.response).setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
        verify(exchange.response).setHeader("Allow", "GET, POST");
        assertEquals(1, store.all().size());
    }

    @Test
    void aMalformedIdIsABadRequestForEveryMethod() throws Exception {
        for (String method : new String[] {"PUT", "DELETE"}) {
            MockExchange bad = withStore(new MockExchange());
            when(bad.request.getPathInfo()).thenReturn("/x1");
            json(bad, "{\"name\":\"kettle\",\"quantity\":2}");
            call(method, bad);
            verify(bad.response).setStatus(HttpServletResponse.SC_BAD_REQUEST);
            assertEquals("{\"error\":\"not an item id: x1\"}", bad.body());
        }
        assertEquals(new Item(1, "teapot", 1), store.get(1));
    }

    private void call(String method, MockExchange exchange) throws Exception {
        when(exchange.request.getMethod()).thenReturn(method);
        api.service(exchange.request, exchange.response);
    }

    private MockExchange withStore(MockExchange other) {
        when(other.context.getAttribute(ItemStore.ATTRIBUTE)).thenReturn(store);
        return other;
    }

    private static void json(MockExchange exchange, String body) throws IOException {
        ByteArrayInputStream bytes = new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
        when(exchange.request.getContentType()).thenReturn("application/json; charset=UTF-8");
        when(exchange.request.getInputStream()).thenReturn(new ServletInputStream() {
            @Override
            public int read() {
                return bytes.read();
            }

            @Override
            public boolean isFinished() {
                return bytes.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException("blocking only");
            }
        });
    }
}
