package org.fcgibridge.sample;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/** Sets up the application's shared state when it starts. */
@WebListener
public final class AppListener implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
        ItemStore store = new ItemStore();
        store.add("teapot", 1);
        event.getServletContext().setAttribute(ItemStore.ATTRIBUTE, store);
        event.getServletContext().log("war-sample started");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        event.getServletContext().log("war-sample stopped");
    }
}
