package org.fcgibridge.servlet.jetty;

import org.eclipse.jetty.ee10.webapp.WebAppContext;

/**
 * The launcher's JSP engine for the Jetty engine: Jasper (JSP 3.1, EL 5.0) with the Eclipse compiler, set up by
 * Jetty's {@code JettyJasperInitializer} and served by the "jsp" servlet of Jetty's webdefault-ee10.xml. The JSP
 * engine is the container's, as in Tomcat: its classes always come from the launcher, so a WAR that still brings its
 * own copy in WEB-INF/lib (the only way to JSP before the launcher shipped one) does not mix two copies of Jasper,
 * one per class loader. JSTL stays the application's to bring.
 */
final class JspEngine {
    /** The packages of the JSP engine's jars (jakarta.servlet.jsp and jakarta.el are protected by Jetty already). */
    private static final String[] PACKAGES = {"org.apache.jasper.", "org.apache.el.", "org.apache.juli.logging.",
        "org.apache.tomcat.", "org.eclipse.jdt.", "org.eclipse.jetty.ee10.apache.jsp.", "org.eclipse.jetty.ee10.jsp."};

    private JspEngine() {
    }

    /** Makes {@code webapp} take the JSP engine from the launcher, before any copy in its WEB-INF/lib. */
    static void install(WebAppContext webapp) {
        // protected: searched in the launcher first, then in the WAR (a class the launcher lacks stays the WAR's)
        webapp.getProtectedClassMatcher().add(PACKAGES);
        // Jetty hides its own classes from applications; these two packages are the JSP engine's, not the server's
        webapp.getHiddenClassMatcher().exclude("org.eclipse.jetty.ee10.apache.jsp.", "org.eclipse.jetty.ee10.jsp.");
    }
}
