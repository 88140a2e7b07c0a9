package org.fcgibridge.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class AppListenerTest {
    @Test
    void startsTheApplicationWithOneItem() {
        ServletContext context = mock(ServletContext.class);

        new AppListener().contextInitialized(new ServletContextEvent(context));

        ArgumentCaptor<Object> store = ArgumentCaptor.forClass(Object.class);
        verify(context).setAttribute(eq(ItemStore.ATTRIBUTE), store.capture());
        assertEquals(java.util.List.of(new Item(1, "teapot", 1)), ((ItemStore) store.getValue()).all());
    }
}
