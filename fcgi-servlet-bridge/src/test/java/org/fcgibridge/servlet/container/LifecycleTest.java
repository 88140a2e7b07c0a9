package org.fcgibridge.servlet.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.HandlesTypes;
import jakarta.servlet.http.HttpServlet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Start and stop: initializers, listeners, filters, load-on-startup order, destroy in reverse. */
class LifecycleTest {
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    interface Plugin {
    }

    public static final class PluginA implements Plugin {
    }

    /** Registers what it finds, as Spring's initializer does. */
    @HandlesTypes(Plugin.class)
    public static final class Initializer implements ServletContainerInitializer {
        @Override
        public void onStartup(Set<Class<?>> classes, ServletContext context) {
            EVENTS.add("initializer " + (classes == null ? "none" : classes.iterator().next().getSimpleName()));
            context.addListener(new Listener());
            context.addServlet("late", new Recorder("late")).setLoadOnStartup(5);
            context.addServlet("early", new Recorder("early")).setLoadOnStartup(1);
            context.addServlet("lazy", new Recorder("lazy")).addMapping("/lazy");
            context.addServlet("zero", new Recorder("zero")).setLoadOnStartup(0);
            context.addFilter("filter", new RecordingFilter()).addMappingForUrlPatterns(null, false, "/*");
        }
    }

    static final class Listener implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent event) {
            EVENTS.add("contextInitialized");
        }

        @Override
        public void contextDestroyed(ServletContextEvent event) {
            EVENTS.add("contextDestroyed");
        }
    }

    static final class Recorder extends HttpServlet {
        private final String name;

        Recorder(String name) {
            this.name = name;
        }

        @Override
        public void init(ServletConfig config) throws ServletException {
            super.init(config);
            EVENTS.add("init " + name);
        }

        @Override
        public void destroy() {
            EVENTS.add("destroy " + name);
        }
    }

    static final class RecordingFilter implements Filter {
        @Override
        public void init(FilterConfig config) {
            EVENTS.add("filter init");
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) {
        }

        @Override
        public void destroy() {
            EVENTS.add("filter destroy");
        }
    }

    @Test
    void startAndStopInTheSpecsOrder() throws Exception {
        EVENTS.clear();
        BridgeServletContext context = new BridgeServletContext("/app", getClass().getClassLoader(),
                WebResources.none());
        context.addServletContainerInitializer(new Initializer(), Set.of(PluginA.class));
        context.start();
        assertEquals(List.of("initializer PluginA", "contextInitialized", "filter init", "init zero", "init early",
                "init late"), new ArrayList<>(EVENTS));
        assertThrows(IllegalStateException.class, () -> context.addServlet("after", new HttpServlet() { }),
                "no registration once initialized");
        assertThrows(IllegalStateException.class, () -> context.setInitParameter("x", "y"));
        EVENTS.clear();
        context.stop();
        assertEquals(List.of("destroy late", "destroy early", "destroy zero", "filter destroy", "contextDestroyed"),
                new ArrayList<>(EVENTS), "servlets in the reverse of their init, then filters, then listeners");
        assertTrue(!context.isStarted());
    }

    @Test
    void aFailingStartStopsWhatStartedAndSaysWhy() {
        BridgeServletContext context = new BridgeServletContext("", getClass().getClassLoader(), WebResources.none());
        context.addServletContainerInitializer((classes, ctx) -> ctx.addServlet("bad", new HttpServlet() {
            @Override
            public void init() throws ServletException {
                throw new ServletException("cannot init");
            }
        }).setLoadOnStartup(1), null);
        ServletException e = assertThrows(ServletException.class, context::start);
        assertEquals("cannot init", e.getMessage());
        assertTrue(!context.isStarted());
    }

    @Test
    void contextPathsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new BridgeServletContext("app", null, WebResources.none()));
        assertThrows(IllegalArgumentException.class, () -> new BridgeServletContext("/app/", null,
                WebResources.none()));
    }
}
