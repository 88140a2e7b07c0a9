package org.fcgibridge.servlet.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpServlet;
import java.util.EventListener;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The ServletContext's rules for who may configure it and when (Servlet 6.0 sections 4.4 and 4.4.1, the
 * ServletContext Javadoc): what a listener added programmatically may not call, which listener types may be added
 * from where, and that nothing is configured once the context is initialized.
 */
class ServletContextRulesTest {

    /** A ServletContextListener whose contextInitialized runs a probe of the context. */
    public static final class ProbeListener implements ServletContextListener {
        private final Consumer<ServletContext> probe;

        ProbeListener(Consumer<ServletContext> probe) {
            this.probe = probe;
        }

        @Override
        public void contextInitialized(ServletContextEvent event) {
            probe.accept(event.getServletContext());
        }
    }

    public static final class RequestListener implements ServletRequestListener {
        @Override
        public void requestInitialized(ServletRequestEvent event) {
        }
    }

    public static final class NoOpFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) {
        }
    }

    /** An EventListener of no type the container calls. */
    public static final class UnknownListener implements EventListener {
    }

    /** What each call did: "ok" or the simple name of what it threw. */
    private static String outcome(ThrowingRunnable call) {
        try {
            call.run();
            return "ok";
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static BridgeServletContext context() {
        return new BridgeServletContext("", ServletContextRulesTest.class.getClassLoader(), WebResources.none());
    }

    @Test
    void aListenerAddedByAnInitializerMayNotConfigureTheContext() throws Exception {
        Map<String, String> seen = new LinkedHashMap<>();
        BridgeServletContext context = context();
        context.addServletContainerInitializer((classes, ctx) -> ctx.addListener(new ProbeListener(c -> {
            seen.put("addServlet(class)", outcome(() -> c.addServlet("s", HttpServlet.class)));
            seen.put("addServlet(name)", outcome(() -> c.addServlet("s", "no.such.Servlet")));
            seen.put("addFilter", outcome(() -> c.addFilter("f", NoOpFilter.class)));
            seen.put("addListener(name)", outcome(() -> c.addListener("no.such.Listener")));
            seen.put("addListener", outcome(() -> c.addListener(new RequestListener())));
            seen.put("createServlet", outcome(() -> c.createServlet(HttpServlet.class)));
            seen.put("createFilter", outcome(() -> c.createFilter(NoOpFilter.class)));
            seen.put("createListener", outcome(() -> c.createListener(RequestListener.class)));
            seen.put("getServletRegistrations", outcome(c::getServletRegistrations));
            seen.put("getFilterRegistration", outcome(() -> c.getFilterRegistration("f")));
            seen.put("getSessionCookieConfig", outcome(c::getSessionCookieConfig));
            seen.put("setSessionTrackingModes", outcome(() -> c.setSessionTrackingModes(
                    Set.of(SessionTrackingMode.SSL))));
            seen.put("setInitParameter", outcome(() -> c.setInitParameter("a", "b")));
            seen.put("setSessionTimeout", outcome(() -> c.setSessionTimeout(5)));
            seen.put("declareRoles", outcome(() -> c.declareRoles("admin")));
            seen.put("getEffectiveMajorVersion", outcome(c::getEffectiveMajorVersion));
            seen.put("getClassLoader", outcome(c::getClassLoader));
            seen.put("getEffectiveSessionTrackingModes", outcome(c::getEffectiveSessionTrackingModes));
            seen.put("setAttribute", outcome(() -> c.setAttribute("a", "b")));
        })), null);
        context.start();
        String uoe = "UnsupportedOperationException";
        Map<String, String> expected = new LinkedHashMap<>();
        for (String method : new String[] {"addServlet(class)", "addServlet(name)", "addFilter", "addListener(name)",
                "addListener", "createServlet", "createFilter", "createListener", "getServletRegistrations",
                "getFilterRegistration", "getSessionCookieConfig", "setSessionTrackingModes", "setInitParameter",
                "setSessionTimeout", "declareRoles"}) {
            expected.put(method, uoe);
        }
        for (String method : new String[] {"getEffectiveMajorVersion", "getClassLoader",
                "getEffectiveSessionTrackingModes", "setAttribute"}) {
            expected.put(method, "ok");
        }
        assertEquals(expected, seen);
        context.stop();
    }

    @Test
    void aDeclaredListenerConfiguresButAddsNoContextListener() throws Exception {
        Map<String, String> seen = new LinkedHashMap<>();
        BridgeServletContext context = context();
        context.addListener(new ProbeListener(c -> {
            seen.put("addServlet", outcome(() -> c.addServlet("s", HttpServlet.class).addMapping("/s")));
            seen.put("addListener(request)", outcome(() -> c.addListener(RequestListener.class)));
            seen.put("addListener(context)", outcome(() -> c.addListener(new ProbeListener(x -> { }))));
            seen.put("createListener(context)", outcome(() -> c.createListener(ProbeListener.class)));
            seen.put("addListener(unknown)", outcome(() -> c.addListener(new UnknownListener())));
            seen.put("setInitParameter", outcome(() -> c.setInitParameter("a", "b")));
        }));
        context.start();
        assertEquals(Map.of("addServlet", "ok", "addListener(request)", "ok",
                "addListener(context)", "IllegalArgumentException",
                "createListener(context)", "IllegalArgumentException",
                "addListener(unknown)", "IllegalArgumentException", "setInitParameter", "ok"), seen);
        assertEquals(1, context.listeners(ServletRequestListener.class).size());
        context.stop();
    }

    @Test
    void anInitializerAddsContextListenersThatAreTold() throws Exception {
        Map<String, String> seen = new LinkedHashMap<>();
        BridgeServletContext context = context();
        context.addServletContainerInitializer((classes, ctx) -> {
            ctx.addListener(new ProbeListener(c -> seen.put("told", "yes")));
            seen.put("addListener(unknown)", outcome(() -> ctx.addListener(UnknownListener.class)));
        }, null);
        context.start();
        assertEquals(Map.of("told", "yes", "addListener(unknown)", "IllegalArgumentException"), seen);
        context.stop();
    }

    @Test
    void nothingIsConfiguredOnceInitializedAndTheStateIsCheckedFirst() throws Exception {
        BridgeServletContext context = context();
        ServletRegistration.Dynamic registration = context.addServlet("s", HttpServlet.class);
        context.start();
        // the class names do not exist: IllegalStateException comes before any loading
        assertThrows(IllegalStateException.class, () -> context.addListener("no.such.Listener"));
        assertThrows(IllegalStateException.class, () -> context.addServlet("t", "no.such.Servlet"));
        assertThrows(IllegalStateException.class, () -> context.addFilter("f", "no.such.Filter"));
        assertThrows(IllegalStateException.class, () -> context.addListener(new RequestListener()));
        assertThrows(IllegalStateException.class, () -> context.setSessionTrackingModes(
                Set.of(SessionTrackingMode.COOKIE)));
        assertThrows(IllegalStateException.class, () -> context.setSessionTimeout(3));
        assertThrows(IllegalStateException.class, () -> registration.setAsyncSupported(true));
        assertThrows(IllegalStateException.class, () -> registration.setInitParameters(Map.of("a", "b")));
        assertThrows(IllegalStateException.class, () -> registration.addMapping("/late"));
        context.stop();
    }
}
